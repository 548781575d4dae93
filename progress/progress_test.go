package progress_test

import (
	"bytes"
	"context"
	"strings"
	"testing"
	"time"

	"parabot/bot"
	"parabot/progress"
	"parabot/roster"
	"parabot/storage"
	"parabot/storage/storagetest"
	"parabot/summary"
)

// fixture is the demo school on a real store, at Tuesday 2026-11-24 10:00
// school time, with a week of S101's G1 logged by hand:
//
//	Wed Nov 18: 4 of 5 correct, all 4 independent
//	Thu Nov 19: 5 of 5 correct, 4 independent (one verbal prompt)
//	Fri Nov 20: 4 of 5 correct, all 4 independent
//	Mon Nov 23: 0 of 5, undone (excluded)
//
// so the last 7 days (Nov 18 to 24) hold 15 trials, 13 correct (87%), 12
// independent (80%), and G1's criterion (80% over 3 sessions of at least
// 5 trials) is met exactly on Nov 20.
type fixture struct {
	store   storage.Store
	now     time.Time
	school  storage.School
	rivera  storage.Staff
	lee     storage.Staff
	s101    storage.Student
	g1, g2  storage.Goal
	service progress.Service
}

func newFixture(t *testing.T, store storage.Store) *fixture {
	t.Helper()
	ctx := context.Background()
	if _, err := roster.Import(ctx, store, roster.Demo()); err != nil {
		t.Fatalf("importing the demo roster: %v", err)
	}
	f := &fixture{store: store, service: progress.Service{Reader: progress.Reader{Store: store}}}
	var err error
	if f.school, err = store.SchoolByName(ctx, roster.DemoSchool); err != nil {
		t.Fatal(err)
	}
	loc := f.school.Location()
	f.now = time.Date(2026, 11, 24, 10, 0, 0, 0, loc)
	if f.rivera, err = store.StaffByHandle(ctx, "rivera"); err != nil {
		t.Fatal(err)
	}
	if f.lee, err = store.StaffByHandle(ctx, "lee"); err != nil {
		t.Fatal(err)
	}
	if f.s101, err = store.StudentByCode(ctx, f.school.ID, "S101"); err != nil {
		t.Fatal(err)
	}
	goals, err := store.Goals(ctx, f.s101.ID)
	if err != nil || len(goals) < 2 {
		t.Fatalf("goals of S101: %v %v", goals, err)
	}
	f.g1, f.g2 = goals[0], goals[1]
	c := storage.TrialResult{Outcome: storage.Correct, Prompt: storage.Independent}
	v := storage.TrialResult{Outcome: storage.Correct, Prompt: storage.Verbal}
	x := storage.TrialResult{Outcome: storage.Incorrect, Prompt: storage.Verbal}
	log := func(day int, results ...storage.TrialResult) storage.Entry {
		t.Helper()
		e, err := store.LogTrials(ctx, storage.TrialBatch{GoalID: f.g1.ID, StudentID: f.s101.ID, StaffID: f.lee.ID,
			At: time.Date(2026, 11, day, 10, 30, 0, 0, loc), Results: results, Summary: "trials"}, nil)
		if err != nil {
			t.Fatalf("logging trials: %v", err)
		}
		return e
	}
	log(18, c, c, c, c, x)
	log(19, c, c, v, c, c)
	log(20, c, x, c, c, c)
	undone := log(23, x, x, x, x, x)
	if err := store.DeactivateEntry(ctx, undone.ID, f.lee.ID, "wrong student", f.now, nil, nil); err != nil {
		t.Fatal(err)
	}
	return f
}

func (f *fixture) week(t *testing.T) summary.Period {
	t.Helper()
	p, err := progress.ParseRange("week", "week", f.now, f.school)
	if err != nil {
		t.Fatal(err)
	}
	return p
}

func forEachEngine(t *testing.T, test func(t *testing.T, f *fixture)) {
	t.Run("sqlite", func(t *testing.T) { test(t, newFixture(t, storagetest.OpenSQLite(t))) })
	t.Run("postgres", func(t *testing.T) { test(t, newFixture(t, storagetest.OpenPostgres(t))) })
}

func TestReadFillsInputAndAudits(t *testing.T) {
	forEachEngine(t, func(t *testing.T, f *fixture) {
		ctx := context.Background()
		in, err := f.service.Reader.Read(ctx, progress.Request{By: f.rivera, Student: f.s101, Period: f.week(t),
			Action: progress.ActionRead, Reason: "/progress", Now: f.now})
		if err != nil {
			t.Fatal(err)
		}
		if len(in.Goals) != 3 || len(in.Sessions) != 3 {
			t.Errorf("goals %d, sessions %d; want 3 goals and the 3 active sessions", len(in.Goals), len(in.Sessions))
		}
		if in.Staff[f.lee.ID].Name != "Jamie Lee" {
			t.Errorf("staff names: %+v", in.Staff)
		}
		if in.SchoolDay(time.Date(2026, 11, 3, 0, 0, 0, 0, f.school.Location())) {
			t.Error("Election Day (a closure on the demo calendar) read as a school day")
		}
		if !in.SchoolDay(time.Date(2026, 11, 24, 0, 0, 0, 0, f.school.Location())) {
			t.Error("a regular Tuesday read as no school day")
		}
		trail, err := f.store.Audit(ctx, f.s101.ID)
		if err != nil {
			t.Fatal(err)
		}
		last := trail[len(trail)-1]
		if last.Action != "read" || last.StaffID != f.rivera.ID || last.Entity != "student" ||
			last.Detail != `summary from=2026-11-18 to=2026-11-24 reason="/progress"` {
			t.Errorf("last audit row %+v", last)
		}
	})
}

func TestReadRefusesAStudentOffTheCaseload(t *testing.T) {
	forEachEngine(t, func(t *testing.T, f *fixture) {
		ctx := context.Background()
		s104, err := f.store.StudentByCode(ctx, f.school.ID, "S104") // Chris Okafor's, not Jamie Lee's
		if err != nil {
			t.Fatal(err)
		}
		before, _ := f.store.Audit(ctx, s104.ID)
		_, err = f.service.Reader.Read(ctx, progress.Request{By: f.lee, Student: s104, Period: f.week(t), Action: progress.ActionRead, Now: f.now})
		ue, ok := bot.AsUserError(err)
		if !ok || !strings.Contains(ue.Msg, "S.M. (S104) is not on your caseload") {
			t.Fatalf("error %v, want one saying S104 is not on the caseload", err)
		}
		after, _ := f.store.Audit(ctx, s104.ID)
		if len(after) != len(before) {
			t.Errorf("a refused read was recorded: %d audit rows, was %d", len(after), len(before))
		}
	})
}

func TestProgressReply(t *testing.T) {
	forEachEngine(t, func(t *testing.T, f *fixture) {
		r, err := f.service.Progress(context.Background(), progress.Query{By: f.rivera, School: f.school, Student: f.s101, Goal: f.g1,
			Period: f.week(t), Now: f.now, Reason: "/progress"})
		if err != nil {
			t.Fatal(err)
		}
		text := r.Text + "\n" + r.Fields[0].Value
		for _, want := range []string{
			"Progress of Ava B. (S101), Nov 18 to Nov 24, 2026",
			"15 trials, 87% correct, 80% independent",
			"data on 3 of 5 days due",
			"— mastered.",
			"(No narrative: no language model is configured)",
			"Data recorded by Jamie Lee (3).",
		} {
			if !strings.Contains(text, want) {
				t.Errorf("reply lacks %q:\n%s", want, text)
			}
		}
		if len(r.Files) != 1 || r.Files[0].Name != "S101-G1.png" || r.Files[0].Type != "image/png" ||
			!bytes.HasPrefix(r.Files[0].Data, []byte("\x89PNG\r\n")) {
			t.Errorf("files: %d, first %+v", len(r.Files), r.Files)
		}
	})
}

func TestProgressBadInput(t *testing.T) {
	f := newFixture(t, storagetest.OpenSQLite(t))
	loc := f.school.Location()
	ctx := context.Background()
	day := func(d int) time.Time { return time.Date(2026, 11, d, 0, 0, 0, 0, loc) }
	for _, tc := range []struct {
		name   string
		goal   storage.Goal
		period summary.Period
		want   string
	}{
		{"a weekend", f.g1, summary.Period{From: day(21), To: day(22), Loc: loc}, "There were no school days from Sat Nov 21 to Sun Nov 22"},
		{"before the goal started", f.g1, summary.Period{From: day(1).AddDate(0, -3, 0), To: day(1).AddDate(0, -2, 0), Loc: loc}, "G1 starts on 2026-09-14, after this range ends (2026-09-01)"},
		{"a goal with no data", f.g2, f.week(t), "G2 of Ava B. (S101) has no data up to Tue Nov 24 yet; log some with /trial S101 G2"},
	} {
		_, err := f.service.Progress(ctx, progress.Query{By: f.rivera, School: f.school, Student: f.s101, Goal: tc.goal, Period: tc.period, Now: f.now})
		ue, ok := bot.AsUserError(err)
		if !ok || !strings.Contains(ue.Msg, tc.want) {
			t.Errorf("%s: error %v, want one with %q", tc.name, err, tc.want)
		}
	}
}

func TestParseRange(t *testing.T) {
	school := storage.School{TimeZone: "America/New_York", YearStart: "2026-08-31"}
	loc := school.Location()
	now := time.Date(2026, 11, 24, 10, 0, 0, 0, loc)
	day := func(y int, m time.Month, d int) time.Time { return time.Date(y, m, d, 0, 0, 0, 0, loc) }
	for _, tc := range []struct {
		text     string
		from, to time.Time
		err      string
	}{
		{"", day(2026, 11, 18), day(2026, 11, 24), ""},
		{"month", day(2026, 10, 25), day(2026, 11, 24), ""},
		{"year", day(2026, 8, 31), day(2026, 11, 24), ""},
		{"2026-11-02..2026-11-20", day(2026, 11, 2), day(2026, 11, 20), ""},
		{"2026-11-02 to 2026-12-20", day(2026, 11, 2), day(2026, 11, 24), ""}, // never past today
		{"2026-11-20..2026-11-02", time.Time{}, time.Time{}, "ends before it starts"},
		{"2026-12-01..2026-12-20", time.Time{}, time.Time{}, "starts after today"},
		{"2026-02-30..2026-03-02", time.Time{}, time.Time{}, "does not exist"},
		{"fortnight", time.Time{}, time.Time{}, `"fortnight" is not a range`},
	} {
		p, err := progress.ParseRange(tc.text, "week", now, school)
		if tc.err != "" {
			if ue, ok := bot.AsUserError(err); !ok || !strings.Contains(ue.Msg, tc.err) {
				t.Errorf("%q: error %v, want %q", tc.text, err, tc.err)
			}
			continue
		}
		if err != nil || !p.From.Equal(tc.from) || !p.To.Equal(tc.to) {
			t.Errorf("%q: %v to %v (%v), want %v to %v", tc.text, p.From, p.To, err, tc.from, tc.to)
		}
	}
}

func TestReportIsAuditedAsExport(t *testing.T) {
	forEachEngine(t, func(t *testing.T, f *fixture) {
		ctx := context.Background()
		p, err := progress.ParseRange("year", "year", f.now, f.school)
		if err != nil {
			t.Fatal(err)
		}
		file, _, err := f.service.Report(ctx, progress.Query{By: f.rivera, School: f.school, Student: f.s101, Period: p, Now: f.now, Reason: "annual IEP review"})
		if err != nil {
			t.Fatal(err)
		}
		if file.Name != "S101-progress-2026-08-31-2026-11-24.pdf" || !bytes.HasPrefix(file.Data, []byte("%PDF-")) {
			t.Errorf("file %q, starts %q", file.Name, file.Data[:min(8, len(file.Data))])
		}
		trail, err := f.store.Audit(ctx, f.s101.ID)
		if err != nil {
			t.Fatal(err)
		}
		last := trail[len(trail)-1]
		if last.Action != "export" || !strings.Contains(last.Detail, `reason="annual IEP review"`) {
			t.Errorf("last audit row %+v", last)
		}
	})
}
