package storagetest

import (
	"context"
	"fmt"
	"reflect"
	"slices"
	"testing"
	"time"

	"parabot/storage"
)

func trialBatch(t testing.TB, f *fixture, when time.Time) storage.TrialBatch {
	t.Helper()
	return storage.TrialBatch{
		GoalID: f.goals["S101/G1"].ID, StudentID: f.students["S101"].ID, StaffID: f.staff["jrivera"].ID, At: when,
		Results: []storage.TrialResult{
			{Outcome: storage.Correct, Prompt: storage.Independent},
			{Outcome: storage.Correct, Prompt: storage.Verbal},
			{Outcome: storage.Incorrect, Prompt: storage.Gestural},
			{Outcome: storage.NoResponse, Prompt: storage.FullPhysical},
		},
		Summary: "Logged 4 trials for A.B. (S101) G1.",
	}
}

// checkEntry checks a logged entry as returned and as read back.
func checkEntry(t testing.TB, s storage.Store, e storage.Entry, kind storage.EntryKind, staffID, studentID int64, when time.Time, summary string) {
	t.Helper()
	if e.ID == 0 || e.Kind != kind || e.StaffID != staffID || e.StudentID != studentID || e.Summary != summary || !e.Active {
		t.Errorf("entry = %+v, want a new active %s entry", e, kind)
	}
	checkTime(t, "entry CreatedAt", e.CreatedAt, when)
	got := of(s.Entry(context.Background(), e.ID)).must(t, "Entry")
	if got != e {
		t.Errorf("Entry(%d) = %+v, want %+v", e.ID, got, e)
	}
}

func testLogTrials(t *testing.T, s storage.Store) {
	ctx := context.Background()
	f := load(t, s)
	b := trialBatch(t, f, at(t, "2026-09-14", "10:15"))
	e := of(s.LogTrials(ctx, b, []storage.Job{notice(f.staff["tlopez"].ID)})).must(t, "LogTrials")
	checkEntry(t, s, e, storage.EntryTrials, b.StaffID, b.StudentID, b.At, b.Summary)
	trials := of(s.Trials(ctx, storage.Filter{StudentID: b.StudentID})).must(t, "Trials")
	if len(trials) != len(b.Results) {
		t.Fatalf("Trials = %d, want %d", len(trials), len(b.Results))
	}
	for i, tr := range trials {
		if tr.ID == 0 || tr.EntryID != e.ID || tr.GoalID != b.GoalID || tr.StudentID != b.StudentID || tr.StaffID != b.StaffID ||
			tr.Outcome != b.Results[i].Outcome || tr.Prompt != b.Results[i].Prompt || !tr.Active {
			t.Errorf("trial %d = %+v, want %+v of entry %d", i, tr, b.Results[i], e.ID)
		}
		checkTime(t, "trial At", tr.At, b.At)
	}
	// The batch is one session holding the values as logged, and counts.
	sessions := of(s.Sessions(ctx, storage.Filter{StudentID: b.StudentID, GoalID: b.GoalID})).must(t, "Sessions")
	if len(sessions) != 1 {
		t.Fatalf("Sessions = %d, want 1", len(sessions))
	}
	se := sessions[0]
	wantTrials, wantCorrect, wantIndependent := storage.TrialCounts(b.Results)
	if se.EntryID != e.ID || se.Type != storage.MeasureTrials || se.Trials != wantTrials || se.Correct != wantCorrect ||
		se.Independent != wantIndependent || !se.Active || se.GoalID != b.GoalID {
		t.Errorf("session = %+v, want entry %d, trials %d, correct %d, independent %d", se, e.ID, wantTrials, wantCorrect, wantIndependent)
	}
	if results, err := se.Results(); err != nil || !reflect.DeepEqual(results, b.Results) {
		t.Errorf("session results = %+v, %v; want %+v", results, err, b.Results)
	}
	if other, err := s.Sessions(ctx, storage.Filter{StudentID: b.StudentID, GoalID: f.goals["S101/G2"].ID}); err != nil || len(other) != 0 {
		t.Errorf("Sessions of another goal = %+v, %v; want none", other, err)
	}
	audit := checkAudit(t, s, b.StudentID, e.ID, "trials", "create")
	if len(audit) == 1 && (audit[0].StaffID != b.StaffID || audit[0].Detail == "") {
		t.Errorf("audit row = %+v", audit[0])
	}
	if n := countJobs(t, s); n != 1 {
		t.Errorf("jobs = %d, want 1", n)
	}
	// No jobs is fine too.
	of(s.LogTrials(ctx, b, nil)).must(t, "LogTrials without jobs")
	if _, err := s.LogTrials(ctx, storage.TrialBatch{GoalID: b.GoalID, StudentID: b.StudentID, StaffID: b.StaffID, At: b.At}, nil); err == nil {
		t.Error("LogTrials of an empty batch succeeded")
	}
}

func sampleIncident(f *fixture, when time.Time) storage.Incident {
	return storage.Incident{
		StudentID: f.students["S101"].ID, StaffID: f.staff["jrivera"].ID, At: when, Duration: 5*time.Minute + 30*time.Second,
		Setting: "hallway", Antecedent: "transition to lunch", Behavior: "hit staff", Consequence: "walked with staff",
		Severity: 4, Strategies: []string{"break", "first-then"}, Injury: true, Others: []string{"S102"},
		Notes: "calm after 10 minutes", Summary: "Logged incident for A.B. (S101): severity 4.",
	}
}

func testLogIncident(t *testing.T, s storage.Store) {
	ctx := context.Background()
	f := load(t, s)
	in := sampleIncident(f, at(t, "2026-09-14", "11:40"))
	e := of(s.LogIncident(ctx, in, []storage.Job{notice(f.staff["tlopez"].ID), notice(f.staff["pprincipal"].ID)})).must(t, "LogIncident")
	checkEntry(t, s, e, storage.EntryIncident, in.StaffID, in.StudentID, in.At, in.Summary)
	got := of(s.Incidents(ctx, storage.Filter{StudentID: in.StudentID})).must(t, "Incidents")
	if len(got) != 1 {
		t.Fatalf("Incidents = %d, want 1", len(got))
	}
	want := in
	want.ID, want.EntryID, want.Active, want.At = got[0].ID, e.ID, true, stored(in.At)
	if !reflect.DeepEqual(got[0], want) {
		t.Errorf("Incidents[0] =\n%+v\nwant\n%+v", got[0], want)
	}
	checkAudit(t, s, in.StudentID, e.ID, "incident", "create")
	if n := countJobs(t, s); n != 2 {
		t.Errorf("jobs = %d, want 2", n)
	}
	// Empty lists come back empty.
	plain := storage.Incident{StudentID: in.StudentID, StaffID: in.StaffID, At: in.At, Behavior: "yelled", Severity: 1}
	of(s.LogIncident(ctx, plain, nil)).must(t, "LogIncident plain")
	got, _ = s.Incidents(ctx, storage.Filter{StudentID: in.StudentID})
	if len(got) != 2 || len(got[1].Strategies) != 0 || len(got[1].Others) != 0 || got[1].Injury || got[1].Duration != 0 {
		t.Errorf("plain incident = %+v", got)
	}
}

func testLogTransition(t *testing.T, s storage.Store) {
	ctx := context.Background()
	f := load(t, s)
	tr := storage.Transition{
		StudentID: f.students["S102"].ID, StaffID: f.staff["jrivera"].ID, At: at(t, "2026-09-14", "15:12"),
		From: "class", To: "bus", Prompt: storage.Gestural, Latency: 45 * time.Second, HandoffTo: "bus 12 driver",
		Summary: "Logged transition for C.D. (S102): class to bus.",
	}
	e := of(s.LogTransition(ctx, tr, []storage.Job{notice(f.staff["tlopez"].ID)})).must(t, "LogTransition")
	checkEntry(t, s, e, storage.EntryTransition, tr.StaffID, tr.StudentID, tr.At, tr.Summary)
	got := of(s.Transitions(ctx, storage.Filter{StudentID: tr.StudentID})).must(t, "Transitions")
	want := tr
	if len(got) == 1 {
		want.ID, want.EntryID, want.Active, want.At = got[0].ID, e.ID, true, stored(tr.At)
	}
	if len(got) != 1 || got[0] != want || got[0].ID == 0 {
		t.Errorf("Transitions = %+v, want [%+v]", got, want)
	}
	checkAudit(t, s, tr.StudentID, e.ID, "transition", "create")
	if n := countJobs(t, s); n != 1 {
		t.Errorf("jobs = %d, want 1", n)
	}
}

func testLogNote(t *testing.T, s storage.Store) {
	ctx := context.Background()
	f := load(t, s)
	n := storage.Note{
		StudentID: f.students["S101"].ID, StaffID: f.staff["jrivera"].ID, ToStaffID: f.staff["tlopez"].ID,
		At: at(t, "2026-09-14", "14:00"), Text: "Great focus during reading today.", Summary: "Note for A.B. (S101) sent to the teacher.",
	}
	e := of(s.LogNote(ctx, n, []storage.Job{notice(n.ToStaffID)})).must(t, "LogNote")
	checkEntry(t, s, e, storage.EntryNote, n.StaffID, n.StudentID, n.At, n.Summary)
	got := of(s.Notes(ctx, storage.Filter{StudentID: n.StudentID})).must(t, "Notes")
	want := n
	if len(got) == 1 {
		want.ID, want.EntryID, want.Active, want.At = got[0].ID, e.ID, true, stored(n.At)
	}
	if len(got) != 1 || got[0] != want || got[0].ID == 0 {
		t.Errorf("Notes = %+v, want [%+v]", got, want)
	}
	checkAudit(t, s, n.StudentID, e.ID, "note", "create")
	if n := countJobs(t, s); n != 1 {
		t.Errorf("jobs = %d, want 1", n)
	}
	// A note to nobody in particular.
	n.ToStaffID = 0
	of(s.LogNote(ctx, n, nil)).must(t, "LogNote without recipient")
	got, _ = s.Notes(ctx, storage.Filter{StudentID: n.StudentID})
	if len(got) != 2 || got[1].ToStaffID != 0 {
		t.Errorf("Notes = %+v, want a second one with no recipient", got)
	}
}

// testLogRollsBack checks that a Log* that fails half way leaves nothing:
// no entry, no records, no audit row, no job.
func testLogRollsBack(t *testing.T, s storage.Store) {
	ctx := context.Background()
	f := load(t, s)
	when := at(t, "2026-09-14", "10:00")
	jobs := []storage.Job{notice(f.staff["tlopez"].ID)}
	badJob := []storage.Job{notice(f.staff["tlopez"].ID), {Args: noticeArgs{}, Priority: 99}}
	tests := []struct {
		name string
		log  func() error
	}{
		{"trials of a goal that does not exist", func() error {
			b := trialBatch(t, f, when)
			b.GoalID = 987654
			_, err := s.LogTrials(ctx, b, jobs)
			return err
		}},
		{"trials of another student's goal", func() error {
			b := trialBatch(t, f, when)
			b.GoalID = f.goals["S102/G1"].ID
			_, err := s.LogTrials(ctx, b, jobs)
			return err
		}},
		{"trials with an invalid outcome", func() error {
			b := trialBatch(t, f, when)
			b.Results[3].Outcome = "maybe"
			_, err := s.LogTrials(ctx, b, jobs)
			return err
		}},
		{"trials with a job that cannot be inserted", func() error {
			_, err := s.LogTrials(ctx, trialBatch(t, f, when), badJob)
			return err
		}},
		{"incident with severity out of range", func() error {
			in := sampleIncident(f, when)
			in.Severity = 9
			_, err := s.LogIncident(ctx, in, jobs)
			return err
		}},
		{"incident with a job that cannot be inserted", func() error {
			_, err := s.LogIncident(ctx, sampleIncident(f, when), badJob)
			return err
		}},
		{"transition of a missing student", func() error {
			_, err := s.LogTransition(ctx, storage.Transition{StudentID: 987654, StaffID: f.staff["jrivera"].ID, At: when}, jobs)
			return err
		}},
		{"note to a missing teacher", func() error {
			_, err := s.LogNote(ctx, storage.Note{StudentID: f.students["S101"].ID, StaffID: f.staff["jrivera"].ID,
				ToStaffID: 987654, At: when, Text: "x"}, jobs)
			return err
		}},
	}
	for _, tc := range tests {
		if err := tc.log(); err == nil {
			t.Errorf("%s: succeeded", tc.name)
		}
	}
	if e, err := s.LastEntry(ctx, f.staff["jrivera"].ID); err == nil {
		t.Errorf("an entry was saved: %+v", e)
	}
	if a, _ := s.Audit(ctx, 0); len(a) != 0 {
		t.Errorf("audit rows were saved: %+v", a)
	}
	if n := countJobs(t, s); n != 0 {
		t.Errorf("%d jobs were saved", n)
	}
	f101 := storage.Filter{StudentID: f.students["S101"].ID, IncludeInactive: true}
	tr, _ := s.Trials(ctx, f101)
	in, _ := s.Incidents(ctx, f101)
	no, _ := s.Notes(ctx, f101)
	if len(tr)+len(in)+len(no) != 0 {
		t.Errorf("records were saved: %d trials, %d incidents, %d notes", len(tr), len(in), len(no))
	}
	// The goal that does not exist is reported as not found.
	b := trialBatch(t, f, when)
	b.GoalID = 987654
	_, err := s.LogTrials(ctx, b, nil)
	wantErr(t, "LogTrials of a missing goal", err, storage.ErrNotFound)
}

func testDeactivateEntry(t *testing.T, s storage.Store) {
	ctx := context.Background()
	f := load(t, s)
	jr, tl := f.staff["jrivera"], f.staff["tlopez"]
	b := trialBatch(t, f, at(t, "2026-09-14", "10:15"))
	trials := of(s.LogTrials(ctx, b, nil)).must(t, "LogTrials")
	inc := of(s.LogIncident(ctx, sampleIncident(f, at(t, "2026-09-14", "11:00")), nil)).must(t, "LogIncident")
	tr := of(s.LogTransition(ctx, storage.Transition{StudentID: b.StudentID, StaffID: jr.ID, At: at(t, "2026-09-14", "12:00"), From: "class", To: "lunch"}, nil)).must(t, "LogTransition")
	note := of(s.LogNote(ctx, storage.Note{StudentID: b.StudentID, StaffID: jr.ID, ToStaffID: tl.ID, At: at(t, "2026-09-14", "13:00"), Text: "ok"}, nil)).must(t, "LogNote")

	when := at(t, "2026-09-14", "16:00")
	jobsBefore := countJobs(t, s)
	for _, e := range []storage.Entry{trials, inc, tr, note} {
		must(t, "DeactivateEntry", s.DeactivateEntry(ctx, e.ID, jr.ID, "wrong student", when, nil, []storage.Job{notice(tl.ID)}))
		got := of(s.Entry(ctx, e.ID)).must(t, "Entry")
		if got.Active || got.DeactivatedBy != jr.ID || got.DeactivatedReason != "wrong student" {
			t.Errorf("deactivated entry = %+v", got)
		}
		checkTime(t, "DeactivatedAt", got.DeactivatedAt, when)
		err := s.DeactivateEntry(ctx, e.ID, jr.ID, "again", when, nil, []storage.Job{notice(tl.ID)})
		wantErr(t, "second DeactivateEntry", err, storage.ErrConflict)
	}
	// One job per deactivation; the refused second ones left none.
	if n := countJobs(t, s) - jobsBefore; n != 4 {
		t.Errorf("deactivations inserted %d jobs, want 4", n)
	}
	all := storage.Filter{StudentID: b.StudentID}
	withInactive := storage.Filter{StudentID: b.StudentID, IncludeInactive: true}
	counts := func(f storage.Filter) string {
		a, err1 := s.Trials(ctx, f)
		b, err2 := s.Incidents(ctx, f)
		c, err3 := s.Transitions(ctx, f)
		d, err4 := s.Notes(ctx, f)
		for _, err := range []error{err1, err2, err3, err4} {
			must(t, "listing records", err)
		}
		for _, r := range a {
			if r.Active {
				t.Errorf("trial %d still active", r.ID)
			}
		}
		if len(b) > 0 && b[0].Active || len(c) > 0 && c[0].Active || len(d) > 0 && d[0].Active {
			t.Error("a record is still active")
		}
		return fmt.Sprint(len(a), len(b), len(c), len(d))
	}
	if got := counts(all); got != "0 0 0 0" {
		t.Errorf("active records after undo = %s, want none", got)
	}
	if got := counts(withInactive); got != "4 1 1 1" {
		t.Errorf("records with inactive = %s, want 4 1 1 1", got)
	}
	audit := checkAudit(t, s, b.StudentID, 0, "", "create", "create", "create", "create",
		"deactivate", "deactivate", "deactivate", "deactivate")
	for i, a := range audit[4:] {
		e := []storage.Entry{trials, inc, tr, note}[i]
		if a.EntityID != e.ID || a.Entity != string(e.Kind) || a.StaffID != jr.ID {
			t.Errorf("deactivate audit row = %+v, want entry %d by %d", a, e.ID, jr.ID)
		}
	}
}

func testLastEntry(t *testing.T, s storage.Store) {
	ctx := context.Background()
	f := load(t, s)
	jr := f.staff["jrivera"]
	first := of(s.LogTrials(ctx, trialBatch(t, f, at(t, "2026-09-14", "10:00")), nil)).must(t, "LogTrials")
	// Logged later but about an earlier time: still the last entry.
	second := of(s.LogNote(ctx, storage.Note{StudentID: f.students["S101"].ID, StaffID: jr.ID, At: at(t, "2026-09-14", "08:00"), Text: "x"}, nil)).must(t, "LogNote")
	of(s.LogNote(ctx, storage.Note{StudentID: f.students["S103"].ID, StaffID: f.staff["mchen"].ID, At: at(t, "2026-09-14", "11:00"), Text: "y"}, nil)).must(t, "LogNote by someone else")
	last, err := s.LastEntry(ctx, jr.ID)
	if err != nil || last.ID != second.ID {
		t.Errorf("LastEntry = %+v, %v; want entry %d", last, err, second.ID)
	}
	must(t, "DeactivateEntry", s.DeactivateEntry(ctx, second.ID, jr.ID, "oops", at(t, "2026-09-14", "12:00"), nil, nil))
	last, err = s.LastEntry(ctx, jr.ID)
	if err != nil || last.ID != first.ID {
		t.Errorf("LastEntry after undo = %+v, %v; want entry %d", last, err, first.ID)
	}
}

// testRecentEntries lists a staff member's entries newest first by the
// time each was logged, which need not follow their ids (entries written
// by an import or a demo generator), since a time, at most limit.
func testRecentEntries(t *testing.T, s storage.Store) {
	ctx := context.Background()
	f := load(t, s)
	jr := f.staff["jrivera"]
	note := func(logged string) storage.Entry {
		return of(s.LogNote(ctx, storage.Note{StudentID: f.students["S101"].ID, StaffID: jr.ID, At: at(t, "2026-09-14", "08:00"),
			LoggedAt: at(t, "2026-09-14", logged), Text: "x"}, nil)).must(t, "LogNote")
	}
	ten, nine, eleven := note("10:00"), note("09:00"), note("11:00")
	got := of(s.RecentEntries(ctx, jr.ID, at(t, "2026-09-14", "08:30"), 2)).must(t, "RecentEntries")
	if len(got) != 2 || got[0].ID != eleven.ID || got[1].ID != ten.ID {
		t.Errorf("RecentEntries(limit 2) = %+v, want entries %d then %d", got, eleven.ID, ten.ID)
	}
	got = of(s.RecentEntries(ctx, jr.ID, at(t, "2026-09-14", "09:30"), 10)).must(t, "RecentEntries")
	if len(got) != 2 || slices.ContainsFunc(got, func(e storage.Entry) bool { return e.ID == nine.ID }) {
		t.Errorf("RecentEntries(since 09:30) = %+v, want the entry logged at 09:00 left out", got)
	}
}

func testUpdateIncident(t *testing.T, s storage.Store) {
	ctx := context.Background()
	f := load(t, s)
	jr, tl := f.staff["jrivera"], f.staff["tlopez"]
	orig := sampleIncident(f, at(t, "2026-09-14", "11:40"))
	e := of(s.LogIncident(ctx, orig, nil)).must(t, "LogIncident")
	list := of(s.Incidents(ctx, storage.Filter{StudentID: orig.StudentID})).must(t, "Incidents")
	v1 := list[0]

	v2 := v1
	v2.Severity, v2.Strategies, v2.Others, v2.Restraint = 5, []string{"break"}, nil, true
	v2.Summary = "Logged incident for A.B. (S101): severity 5, restraint."
	must(t, "UpdateIncident", s.UpdateIncident(ctx, v2, jr.ID, at(t, "2026-09-14", "12:00")))
	v3 := v2
	v3.Notes, v3.Duration, v3.Summary = "parent called", time.Minute, ""
	must(t, "UpdateIncident again", s.UpdateIncident(ctx, v3, tl.ID, at(t, "2026-09-14", "13:00")))

	list = of(s.Incidents(ctx, storage.Filter{StudentID: orig.StudentID})).must(t, "Incidents")
	want := v3
	want.Summary = v2.Summary // an empty Summary keeps the entry's
	if len(list) != 1 || !reflect.DeepEqual(list[0], want) {
		t.Errorf("current incident =\n%+v\nwant\n%+v", list, want)
	}
	if got, _ := s.Entry(ctx, e.ID); got.Summary != v2.Summary {
		t.Errorf("entry summary = %q, want %q", got.Summary, v2.Summary)
	}
	versions := of(s.IncidentVersions(ctx, v1.ID)).must(t, "IncidentVersions")
	if len(versions) != 2 {
		t.Fatalf("IncidentVersions = %d, want 2", len(versions))
	}
	for i, tc := range []struct {
		in storage.Incident
		by int64
		at time.Time
	}{{v1, jr.ID, at(t, "2026-09-14", "12:00")}, {v2, tl.ID, at(t, "2026-09-14", "13:00")}} {
		v := versions[i]
		if v.IncidentID != v1.ID || v.Version != i+1 || v.ChangedBy != tc.by || !reflect.DeepEqual(v.Incident, tc.in) {
			t.Errorf("version %d = %+v\nwant incident %+v by %d", i+1, v, tc.in, tc.by)
		}
		checkTime(t, "ChangedAt", v.ChangedAt, tc.at)
	}
	audit := checkAudit(t, s, orig.StudentID, e.ID, "incident", "create", "edit", "edit")
	if len(audit) == 3 && audit[2].StaffID != tl.ID {
		t.Errorf("edit audit row = %+v, want by tlopez", audit[2])
	}
	must(t, "DeactivateEntry", s.DeactivateEntry(ctx, e.ID, jr.ID, "duplicate", at(t, "2026-09-14", "14:00"), nil, nil))
	err := s.UpdateIncident(ctx, v3, jr.ID, at(t, "2026-09-14", "15:00"))
	wantErr(t, "editing an undone incident", err, storage.ErrConflict)
}

func testFilters(t *testing.T, s storage.Store) {
	ctx := context.Background()
	f := load(t, s)
	jr := f.staff["jrivera"]
	s101 := f.students["S101"].ID
	days := []string{"2026-09-14", "2026-09-15", "2026-09-16"}
	for _, d := range days {
		b := trialBatch(t, f, at(t, d, "10:00"))
		of(s.LogTrials(ctx, b, nil)).must(t, "LogTrials")
		b.GoalID = f.goals["S101/G2"].ID
		b.Results = b.Results[:1]
		of(s.LogTrials(ctx, b, nil)).must(t, "LogTrials G2")
		of(s.LogIncident(ctx, sampleIncident(f, at(t, d, "11:00")), nil)).must(t, "LogIncident")
		of(s.LogTransition(ctx, storage.Transition{StudentID: s101, StaffID: jr.ID, At: at(t, d, "12:00")}, nil)).must(t, "LogTransition")
		of(s.LogNote(ctx, storage.Note{StudentID: s101, StaffID: jr.ID, At: at(t, d, "13:00"), Text: d}, nil)).must(t, "LogNote")
	}
	// Another student's records never show.
	of(s.LogNote(ctx, storage.Note{StudentID: f.students["S102"].ID, StaffID: jr.ID, At: at(t, days[1], "13:00"), Text: "x"}, nil)).must(t, "LogNote S102")

	midnight := func(d string) time.Time { return at(t, d, "00:00").Add(-123456789 * time.Nanosecond) }
	exact := at(t, days[1], "10:00").Truncate(time.Microsecond)
	tests := []struct {
		name                             string
		f                                storage.Filter
		trials, incidents, trans, notesN int
	}{
		{"everything", storage.Filter{StudentID: s101}, 15, 3, 3, 3},
		{"one day", storage.Filter{StudentID: s101, From: midnight(days[1]), To: midnight(days[2])}, 5, 1, 1, 1},
		{"from a day on", storage.Filter{StudentID: s101, From: midnight(days[1])}, 10, 2, 2, 2},
		{"until a day", storage.Filter{StudentID: s101, To: midnight(days[1])}, 5, 1, 1, 1},
		{"From is inclusive", storage.Filter{StudentID: s101, From: exact, To: exact.Add(time.Microsecond)}, 5, 0, 0, 0},
		{"To is exclusive", storage.Filter{StudentID: s101, From: midnight(days[1]), To: exact}, 0, 0, 0, 0},
		{"one goal", storage.Filter{StudentID: s101, GoalID: f.goals["S101/G2"].ID}, 3, 3, 3, 3},
	}
	for _, tc := range tests {
		tr, err1 := s.Trials(ctx, tc.f)
		in, err2 := s.Incidents(ctx, tc.f)
		ts, err3 := s.Transitions(ctx, tc.f)
		no, err4 := s.Notes(ctx, tc.f)
		for _, err := range []error{err1, err2, err3, err4} {
			must(t, tc.name, err)
		}
		got := fmt.Sprint(len(tr), len(in), len(ts), len(no))
		if want := fmt.Sprint(tc.trials, tc.incidents, tc.trans, tc.notesN); got != want {
			t.Errorf("%s: got %s records, want %s", tc.name, got, want)
		}
		for i := 1; i < len(tr); i++ {
			if tr[i].At.Before(tr[i-1].At) || tr[i].At.Equal(tr[i-1].At) && tr[i].ID < tr[i-1].ID {
				t.Errorf("%s: trials not oldest first", tc.name)
			}
		}
		for i := 1; i < len(no); i++ {
			if !no[i-1].At.Before(no[i].At) {
				t.Errorf("%s: notes not oldest first", tc.name)
			}
		}
	}
}
