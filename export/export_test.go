package export_test

import (
	"bytes"
	"context"
	"encoding/csv"
	"encoding/json"
	"strings"
	"testing"
	"time"

	"parabot/bot"
	"parabot/export"
	"parabot/roster"
	"parabot/storage"
	"parabot/storage/storagetest"
)

// fixture is the demo school with records logged for Ava Brooks (S101):
//
//   - G1 (80% over 3 session days, at least 5 trials): 4/5 on Nov 16
//     (one verbal correct, one independent incorrect), 5/5 on Nov 17, 4/5
//     with one no response at 23:30 on Nov 18 (04:30 UTC on Nov 19), so
//     mastery is met on 2026-11-18; an undone 0/5 batch on Nov 19; one
//     trial on Aug 20, before the school year;
//   - G2 (80% over 3, at least 2): 2/2 Nov 16, 1/2 Nov 17, 2/2 Nov 18,
//     2/2 Nov 19: longest run 2 of 3, not met;
//   - G3: no trials;
//   - two incidents (logged newest first), one undone incident;
//   - one transition, two notes (one undone), and a trial of S102.
type fixture struct {
	store    storage.Store
	loc      *time.Location
	staff    map[string]storage.Staff
	students map[string]storage.Student
	goals    map[string]storage.Goal // "S101/G1"
}

func newFixture(t *testing.T, store storage.Store) *fixture {
	t.Helper()
	ctx := context.Background()
	demo, err := roster.Parse(roster.Demo())
	if err != nil {
		t.Fatalf("reading the demo roster: %v", err)
	}
	for i, g := range demo.Goals {
		if g.StudentCode == "S101" && g.Goal.Code == "G2" {
			demo.Goals[i].Goal.Type = storage.MeasureTrials // this fixture's G2 is a trials goal
		}
	}
	if _, err := store.ImportRoster(ctx, demo); err != nil {
		t.Fatalf("importing the demo roster: %v", err)
	}
	loc, err := time.LoadLocation("America/New_York")
	if err != nil {
		t.Fatal(err)
	}
	f := &fixture{store: store, loc: loc, staff: map[string]storage.Staff{}, students: map[string]storage.Student{}, goals: map[string]storage.Goal{}}
	for _, h := range []string{"rivera", "patel", "lee", "okafor", "nguyen"} {
		st, err := store.StaffByIdentity(ctx, storage.PlatformShell, h)
		if err != nil {
			t.Fatalf("staff %s: %v", h, err)
		}
		f.staff[h] = st
	}
	all, err := store.Students(ctx, f.staff["rivera"].SchoolID)
	if err != nil {
		t.Fatal(err)
	}
	for _, st := range all {
		f.students[st.Code] = st
		goals, err := store.Goals(ctx, st.ID)
		if err != nil {
			t.Fatal(err)
		}
		for _, g := range goals {
			f.goals[st.Code+"/"+g.Code] = g
		}
	}
	f.seed(t)
	return f
}

// at is a moment on a November 2026 day in the school's zone (August for
// month 8).
func (f *fixture) at(month time.Month, day, hour, min int) time.Time {
	return time.Date(2026, month, day, hour, min, 0, 0, f.loc)
}

var (
	plus  = storage.TrialResult{Outcome: storage.Correct, Prompt: storage.Independent}
	verb  = storage.TrialResult{Outcome: storage.Correct, Prompt: storage.Verbal}
	gest  = storage.TrialResult{Outcome: storage.Correct, Prompt: storage.Gestural}
	minus = storage.TrialResult{Outcome: storage.Incorrect, Prompt: storage.Independent}
	none  = storage.TrialResult{Outcome: storage.NoResponse, Prompt: storage.Independent}
)

func (f *fixture) trials(t *testing.T, who, goal string, at time.Time, rs ...storage.TrialResult) storage.Entry {
	t.Helper()
	code, _, _ := strings.Cut(goal, "/")
	e, err := f.store.LogTrials(context.Background(), storage.TrialBatch{
		GoalID: f.goals[goal].ID, StudentID: f.students[code].ID, StaffID: f.staff[who].ID, At: at, Results: rs, Summary: "trials",
	}, nil)
	if err != nil {
		t.Fatalf("logging trials of %s: %v", goal, err)
	}
	return e
}

func (f *fixture) undo(t *testing.T, e storage.Entry) {
	t.Helper()
	if err := f.store.DeactivateEntry(context.Background(), e.ID, e.StaffID, "logged by mistake", e.CreatedAt.Add(time.Minute), nil, nil); err != nil {
		t.Fatalf("undoing entry %d: %v", e.ID, err)
	}
}

func (f *fixture) seed(t *testing.T) {
	t.Helper()
	ctx := context.Background()
	ava := f.students["S101"].ID
	f.trials(t, "lee", "S101/G1", f.at(8, 20, 10, 0), plus)
	f.trials(t, "lee", "S101/G1", f.at(11, 16, 10, 0), plus, plus, plus, verb, minus)
	f.trials(t, "lee", "S101/G1", f.at(11, 17, 10, 0), plus, plus, plus, plus, plus)
	f.trials(t, "nguyen", "S101/G1", f.at(11, 18, 23, 30), plus, plus, plus, none, plus)
	f.undo(t, f.trials(t, "lee", "S101/G1", f.at(11, 19, 10, 0), minus, minus, minus, minus, minus))
	f.trials(t, "lee", "S101/G2", f.at(11, 16, 11, 0), plus, plus)
	f.trials(t, "lee", "S101/G2", f.at(11, 17, 11, 0), gest, minus)
	f.trials(t, "lee", "S101/G2", f.at(11, 18, 11, 0), plus, verb)
	f.trials(t, "lee", "S101/G2", f.at(11, 19, 11, 0), plus, plus)
	f.trials(t, "lee", "S102/G1", f.at(11, 16, 10, 0), minus, minus)

	incidents := []storage.Incident{
		{At: f.at(11, 20, 9, 40), Duration: 4 * time.Minute, Setting: "classroom", Antecedent: "asked to start math",
			Behavior: "threw a pencil at a peer", Consequence: "break in calm corner", Severity: 3,
			Strategies: []string{"break", "first-then"}, Injury: true, Others: []string{"S102"}, Notes: "calm after 5 minutes"},
		{At: f.at(11, 10, 13, 5), Duration: 90 * time.Second, Setting: "hallway", Antecedent: "loud fire drill",
			Behavior: "dropped to the floor", Consequence: "walked with para", Severity: 2, Seclusion: true},
	}
	for _, in := range incidents {
		in.StudentID, in.StaffID, in.Summary = ava, f.staff["lee"].ID, "incident"
		if _, err := f.store.LogIncident(ctx, in, nil); err != nil {
			t.Fatal(err)
		}
	}
	undone, err := f.store.LogIncident(ctx, storage.Incident{StudentID: ava, StaffID: f.staff["lee"].ID, At: f.at(11, 12, 9, 0),
		Behavior: "UNDONE INCIDENT", Severity: 1, Summary: "incident"}, nil)
	if err != nil {
		t.Fatal(err)
	}
	f.undo(t, undone)

	if _, err := f.store.LogTransition(ctx, storage.Transition{StudentID: ava, StaffID: f.staff["lee"].ID, At: f.at(11, 20, 15, 10),
		From: "class", To: "bus", Prompt: storage.Verbal, Latency: 45 * time.Second, HandoffTo: "driver Mr. Diaz, bus 12", Summary: "transition"}, nil); err != nil {
		t.Fatal(err)
	}
	for _, n := range []struct {
		at   time.Time
		text string
		undo bool
	}{
		{f.at(11, 20, 14, 0), "- packed her bag with the checklist, no reminders", false},
		{f.at(11, 20, 14, 5), "UNDONE NOTE", true},
	} {
		e, err := f.store.LogNote(ctx, storage.Note{StudentID: ava, StaffID: f.staff["lee"].ID, ToStaffID: f.staff["rivera"].ID,
			At: n.at, Text: n.text, Summary: "note"}, nil)
		if err != nil {
			t.Fatal(err)
		}
		if n.undo {
			f.undo(t, e)
		}
	}
}

// exports counts the audit rows of action "export".
func (f *fixture) exports(t *testing.T) []storage.AuditEvent {
	t.Helper()
	rows, err := f.store.Audit(context.Background(), 0)
	if err != nil {
		t.Fatal(err)
	}
	var out []storage.AuditEvent
	for _, a := range rows {
		if a.Action == "export" {
			out = append(out, a)
		}
	}
	return out
}

func TestBuildSQLite(t *testing.T) {
	testBuild(t, storagetest.OpenSQLite(t))
}

func TestBuildPostgres(t *testing.T) {
	testBuild(t, storagetest.OpenPostgres(t))
}

func testBuild(t *testing.T, store storage.Store) {
	f := newFixture(t, store)
	r, err := export.Build(context.Background(), store, f.students["S101"].ID, "2026-09-01", "2026-11-25")
	if err != nil {
		t.Fatal(err)
	}
	if r.School != "Maple Grove Elementary" || r.TimeZone != "America/New_York" || r.From != "2026-09-01" || r.To != "2026-11-25" {
		t.Errorf("header %q %q %q %q", r.School, r.TimeZone, r.From, r.To)
	}
	if r.Student != (export.Student{Code: "S101", Initials: "A.B.", FirstName: "Ava", LastName: "Brooks", Grade: "K"}) {
		t.Errorf("student %+v", r.Student)
	}
	if len(r.Goals) != 3 {
		t.Fatalf("%d goals, want G1 G2 G3", len(r.Goals))
	}
	g1, g2, g3 := r.Goals[0], r.Goals[1], r.Goals[2]
	if g1.Code != "G1" || g1.Domain != "communication" || !strings.HasPrefix(g1.Baseline, "1 of 5") ||
		g1.Criterion != (export.Criterion{Percent: 80, Sessions: 3, MinTrials: 5}) {
		t.Errorf("G1 %+v", g1)
	}
	// 15 trials: 13 correct, 12 of them independent; the undone batch and
	// the August trial are out.
	checkTally(t, "G1", g1.Tally, 15, 13, 12, 87, 80, "independent 12, verbal 1, incorrect 1, no response 1")
	wantDays := []string{"2026-11-16", "2026-11-17", "2026-11-18"}
	if len(g1.Sessions) != len(wantDays) {
		t.Fatalf("G1 sessions %+v, want days %v", g1.Sessions, wantDays)
	}
	for i, d := range wantDays {
		if g1.Sessions[i].Date != d {
			t.Errorf("G1 session %d on %s, want %s (school zone)", i, g1.Sessions[i].Date, d)
		}
	}
	checkTally(t, "G1 Nov 16", g1.Sessions[0].Tally, 5, 4, 3, 80, 60, "independent 3, verbal 1, incorrect 1")
	checkTally(t, "G1 Nov 18", g1.Sessions[2].Tally, 5, 4, 4, 80, 80, "independent 4, no response 1")
	if g1.Mastery != (export.Mastery{Met: true, MetOn: "2026-11-18", BestRun: 3, Needed: 3}) {
		t.Errorf("G1 mastery %+v", g1.Mastery)
	}
	checkTally(t, "G2", g2.Tally, 8, 7, 5, 88, 63, "independent 5, gestural 1, verbal 1, incorrect 1")
	if g2.Mastery != (export.Mastery{Met: false, BestRun: 2, Needed: 3}) || len(g2.Sessions) != 4 {
		t.Errorf("G2 mastery %+v, %d sessions", g2.Mastery, len(g2.Sessions))
	}
	if g3.TrialCount != 0 || g3.PercentCorrect != nil || len(g3.Sessions) != 0 || g3.Mastery.Met {
		t.Errorf("G3 should have no trials: %+v", g3)
	}

	if len(r.Trials) != 23 {
		t.Errorf("%d trial rows, want 23 (G1 15, G2 8)", len(r.Trials))
	}
	late := r.Trials[16]
	if late.Goal != "G1" || late.LoggedBy != "nguyen" || late.At.Location().String() != "America/New_York" || late.At.Hour() != 23 {
		t.Errorf("the Nov 18 23:30 trial reads %+v at %v", late, late.At)
	}

	if len(r.Incidents) != 3 {
		t.Fatalf("incidents %+v, want 3 (the undone one stays, marked voided)", r.Incidents)
	}
	if v := r.Incidents[1]; v.Behavior != "UNDONE INCIDENT" || v.Voided == nil || v.Voided.By != "lee" || v.Voided.Reason == "" {
		t.Errorf("undone incident %+v, want it marked voided by lee with a reason", v)
	}
	if r.Incidents[0].Voided != nil || r.Incidents[2].Voided != nil {
		t.Error("an incident that stands is marked voided")
	}
	first, second := r.Incidents[0], r.Incidents[2]
	if first.Behavior != "dropped to the floor" || !first.Seclusion || first.DurationSeconds != 90 || first.At.Hour() != 13 {
		t.Errorf("incidents out of time order or wrong: first %+v", first)
	}
	want := export.Incident{At: second.At, DurationSeconds: 240, Setting: "classroom", Antecedent: "asked to start math",
		Behavior: "threw a pencil at a peer", Consequence: "break in calm corner", Severity: 3,
		Strategies: []string{"break", "first-then"}, Injury: true, Others: []string{"S102"}, NotRecorded: []string{}, Notes: "calm after 5 minutes", LoggedBy: "lee"}
	if !equalJSON(t, second, want) || !second.At.Equal(f.at(11, 20, 9, 40)) {
		t.Errorf("incident\n got %+v\nwant %+v", second, want)
	}
	if len(r.Transitions) != 1 || r.Transitions[0] != (export.Transition{At: r.Transitions[0].At, From: "class", To: "bus",
		Prompt: "verbal", LatencySeconds: 45, HandoffTo: "driver Mr. Diaz, bus 12", LoggedBy: "lee"}) {
		t.Errorf("transitions %+v", r.Transitions)
	}
	if len(r.Notes) != 1 || r.Notes[0].LoggedBy != "lee" || r.Notes[0].ToStaff != "rivera" || !strings.HasPrefix(r.Notes[0].Text, "- packed") {
		t.Errorf("notes %+v, want one (undone one left out)", r.Notes)
	}
}

func checkTally(t *testing.T, what string, got export.Tally, trials, correct, independent, pctCorrect, pctIndependent int, prompts string) {
	t.Helper()
	var ps []string
	for _, p := range got.Prompts {
		ps = append(ps, p.Level+" "+itoa(p.Count))
	}
	if got.TrialCount != trials || got.Correct != correct || got.Independent != independent ||
		got.PercentCorrect == nil || *got.PercentCorrect != pctCorrect ||
		got.PercentIndependent == nil || *got.PercentIndependent != pctIndependent || strings.Join(ps, ", ") != prompts {
		t.Errorf("%s: %d trials, %d correct (%v%%), %d independent (%v%%), prompts %q; want %d, %d (%d%%), %d (%d%%), %q",
			what, got.TrialCount, got.Correct, deref(got.PercentCorrect), got.Independent, deref(got.PercentIndependent), strings.Join(ps, ", "),
			trials, correct, pctCorrect, independent, pctIndependent, prompts)
	}
}

func deref(p *int) any {
	if p == nil {
		return "nil"
	}
	return *p
}

func itoa(n int) string {
	b, _ := json.Marshal(n)
	return string(b)
}

func equalJSON(t *testing.T, a, b any) bool {
	t.Helper()
	x, err := json.Marshal(a)
	if err != nil {
		t.Fatal(err)
	}
	y, err := json.Marshal(b)
	if err != nil {
		t.Fatal(err)
	}
	return bytes.Equal(x, y)
}

func TestBuildRange(t *testing.T) {
	f := newFixture(t, storagetest.OpenSQLite(t))
	ctx := context.Background()
	// The last day is included to its end, in the school's zone: the 23:30
	// trial of Nov 18 is in; Nov 19 is out.
	r, err := export.Build(ctx, f.store, f.students["S101"].ID, "2026-08-01", "2026-11-18")
	if err != nil {
		t.Fatal(err)
	}
	g1 := r.Goals[0]
	if len(g1.Sessions) != 4 || g1.Sessions[0].Date != "2026-08-20" || g1.Sessions[3].Date != "2026-11-18" {
		t.Errorf("G1 sessions %+v", g1.Sessions)
	}
	if !g1.Mastery.Met || g1.Mastery.MetOn != "2026-11-18" {
		t.Errorf("G1 mastery %+v", g1.Mastery)
	}
	if len(r.Goals[1].Sessions) != 3 || len(r.Incidents) != 2 || len(r.Notes) != 0 {
		t.Errorf("G2 sessions %d, incidents %d, notes %d; want 3, 2 (one voided), 0", len(r.Goals[1].Sessions), len(r.Incidents), len(r.Notes))
	}
	r, err = export.Build(ctx, f.store, f.students["S101"].ID, "2026-11-17", "2026-11-17")
	if err != nil {
		t.Fatal(err)
	}
	if g1 := r.Goals[0]; g1.TrialCount != 5 || g1.Mastery.Met || g1.Mastery.BestRun != 1 {
		t.Errorf("one day: G1 %+v", g1)
	}
}

func TestPrepareFormats(t *testing.T) {
	f := newFixture(t, storagetest.OpenSQLite(t))
	req := export.Request{By: "rivera", Student: "s101", From: "2026-09-01", To: "2026-11-25",
		Reason: "annual IEP review", Now: f.at(11, 25, 8, 15)}

	t.Run("text", func(t *testing.T) {
		req := req
		req.Format = export.FormatText
		ex := prepare(t, f, req)
		got := string(ex.Data)
		for _, want := range []string{
			"IEP data export: Ava Brooks (S101, A.B.), grade K",
			"Range: 2026-09-01 to 2026-11-25",
			"Exported 2026-11-25 08:15 by rivera. Reason: annual IEP review",
			"G1 (communication): Given a choice board",
			"Mastery criterion: 80% correct over 3 consecutive session days with at least 5 trials each",
			"Mastery: MET on 2026-11-18",
			"Overall: 15 trials, 13 correct (87%), 12 independent (80%); prompts: independent 12, verbal 1, incorrect 1, no response 1",
			"2026-11-16       5      80%          60%  independent 3, verbal 1, incorrect 1",
			"Mastery: not met (longest run: 2 of 3 session days)",
			"== Incidents (3) ==",
			"UNDONE INCIDENT",
			"  VOIDED ",
			"2026-11-20 09:40 · severity 3 · 4m · classroom, logged by lee",
			"Antecedent: asked to start math",
			"Strategies: break, first-then",
			"Injury: yes · Restraint: no · Seclusion: no",
			"Other students involved: S102",
			"2026-11-10 13:05 · severity 2 · 1m 30s · hallway",
			"2026-11-20 15:10  class → bus · verbal · latency 45s · released to driver Mr. Diaz, bus 12, logged by lee",
			"2026-11-20 14:00  from lee to rivera\n  - packed her bag",
		} {
			if !strings.Contains(got, want) {
				t.Errorf("text lacks %q", want)
			}
		}
		if strings.Index(got, "2026-11-10 13:05") > strings.Index(got, "2026-11-20 09:40") {
			t.Error("incidents are not in time order")
		}
		if strings.Contains(got, "2026-11-19       5") {
			t.Error("an undone entry is in the text")
		}
		if t.Failed() {
			t.Logf("text:\n%s", got)
		}
	})

	t.Run("json", func(t *testing.T) {
		req := req
		req.Format = export.FormatJSON
		ex := prepare(t, f, req)
		var doc map[string]any
		if err := json.Unmarshal(ex.Data, &doc); err != nil {
			t.Fatalf("not one JSON document: %v\n%s", err, ex.Data)
		}
		get := func(path ...any) any {
			var v any = doc
			for _, p := range path {
				switch k := p.(type) {
				case string:
					v = v.(map[string]any)[k]
				case int:
					v = v.([]any)[k]
				}
			}
			return v
		}
		for _, c := range []struct {
			path []any
			want any
		}{
			{[]any{"student", "first_name"}, "Ava"},
			{[]any{"reason"}, "annual IEP review"},
			{[]any{"exported_by"}, "rivera"},
			{[]any{"generated_at"}, "2026-11-25T08:15:00-05:00"},
			{[]any{"goals", 0, "mastery_criterion", "min_trials"}, 5.0},
			{[]any{"goals", 0, "trial_count"}, 15.0},
			{[]any{"goals", 0, "percent_correct"}, 87.0},
			{[]any{"goals", 0, "percent_independent"}, 80.0},
			{[]any{"goals", 0, "mastery", "met"}, true},
			{[]any{"goals", 0, "mastery", "met_on"}, "2026-11-18"},
			{[]any{"goals", 0, "sessions", 2, "date"}, "2026-11-18"},
			{[]any{"goals", 0, "sessions", 0, "prompts", 1, "level"}, "verbal"},
			{[]any{"goals", 1, "mastery", "met"}, false},
			{[]any{"goals", 1, "mastery", "best_run"}, 2.0},
			{[]any{"goals", 2, "percent_correct"}, nil},
			{[]any{"trials", 16, "at"}, "2026-11-18T23:30:00-05:00"},
			{[]any{"incidents", 2, "antecedent"}, "asked to start math"},
			{[]any{"incidents", 2, "injury"}, true},
			{[]any{"incidents", 2, "others", 0}, "S102"},
			{[]any{"incidents", 1, "voided", "by"}, "lee"},
			{[]any{"incidents", 1, "voided", "reason"}, "logged by mistake"},
			{[]any{"incidents", 0, "strategies"}, []any{}},
			{[]any{"transitions", 0, "handoff_to"}, "driver Mr. Diaz, bus 12"},
			{[]any{"transitions", 0, "latency_seconds"}, 45.0},
			{[]any{"notes", 0, "to_staff"}, "rivera"},
		} {
			if got := get(c.path...); !equalJSON(t, got, c.want) {
				t.Errorf("%v = %#v, want %#v", c.path, got, c.want)
			}
		}
		if n := len(get("incidents").([]any)); n != 3 {
			t.Errorf("%d incidents, want 3 (one voided)", n)
		}
	})

	t.Run("csv", func(t *testing.T) {
		req := req
		req.Format = export.FormatCSV
		ex := prepare(t, f, req)
		rows, err := csv.NewReader(bytes.NewReader(ex.Data)).ReadAll()
		if err != nil {
			t.Fatalf("not CSV: %v", err)
		}
		if strings.Join(rows[0], ",") != strings.Join(export.CSVColumns(), ",") || rows[0][0] != "record" {
			t.Errorf("header %v", rows[0])
		}
		col := map[string]int{}
		for i, c := range rows[0] {
			col[c] = i
		}
		kinds := map[string]int{}
		for _, row := range rows[1:] {
			kinds[row[col["record"]]]++
			if row[col["student"]] != "S101" {
				t.Errorf("row of another student: %v", row)
			}
		}
		if kinds["trial"] != 23 || kinds["incident"] != 3 || kinds["transition"] != 1 || kinds["note"] != 1 || len(kinds) != 4 {
			t.Errorf("rows by record: %v; want 23 trials, 3 incidents (one voided), 1 transition, 1 note", kinds)
		}
		if v := rows[1+23+1][col["voided"]]; !strings.HasSuffix(v, " by lee: logged by mistake") {
			t.Errorf("voided incident's voided = %q", v)
		}
		in := rows[1+23+2] // the Nov 20 incident
		for c, want := range map[string]string{"record": "incident", "at": "2026-11-20T09:40:00-05:00", "severity": "3",
			"duration_seconds": "240", "antecedent": "asked to start math", "strategies": "break; first-then",
			"injury": "true", "restraint": "false", "others": "S102", "text": "calm after 5 minutes", "goal": "", "voided": ""} {
			if in[col[c]] != want {
				t.Errorf("incident %s = %q, want %q", c, in[col[c]], want)
			}
		}
		note := rows[len(rows)-1]
		if note[col["record"]] != "note" || note[col["text"]] != "'- packed her bag with the checklist, no reminders" {
			t.Errorf("note row %v (text starting with - must not run as a formula)", note)
		}
		if tr := rows[len(rows)-2]; tr[col["handoff_to"]] != "driver Mr. Diaz, bus 12" || tr[col["prompt"]] != "verbal" || tr[col["latency_seconds"]] != "45" {
			t.Errorf("transition row %v", tr)
		}
		if strings.Count(string(ex.Data), "UNDONE") != 1 {
			t.Error("the voided incident is not in the CSV once")
		}
	})
}

// prepare runs Prepare and Record and checks the one audit row.
func prepare(t *testing.T, f *fixture, req export.Request) export.Export {
	t.Helper()
	ctx := context.Background()
	before := len(f.exports(t))
	ex, err := export.Prepare(ctx, f.store, req)
	if err != nil {
		t.Fatalf("prepare: %v", err)
	}
	if n := len(f.exports(t)); n != before {
		t.Fatalf("Prepare wrote %d audit rows; only Record may", n-before)
	}
	if err := export.Record(ctx, f.store, ex); err != nil {
		t.Fatal(err)
	}
	rows := f.exports(t)
	if len(rows) != before+1 {
		t.Fatalf("%d export audit rows, want %d", len(rows), before+1)
	}
	a := rows[len(rows)-1]
	ava := f.students["S101"].ID
	if a.StaffID != f.staff[req.By].ID || a.StudentID != ava || a.Entity != "student" || a.EntityID != ava ||
		!a.At.Equal(req.Now) || !strings.Contains(a.Detail, `reason="annual IEP review"`) ||
		!strings.Contains(a.Detail, "format="+string(req.Format)) || !strings.Contains(a.Detail, "from=2026-09-01 to=2026-11-25") {
		t.Errorf("audit row %+v", a)
	}
	for _, name := range []string{"Ava", "Brooks", "A.B.", "Rivera"} {
		if strings.Contains(a.Detail, name) {
			t.Errorf("audit detail %q names %q", a.Detail, name)
		}
	}
	return ex
}

func TestPrepareEntitled(t *testing.T) {
	f := newFixture(t, storagetest.OpenSQLite(t))
	for _, who := range []string{"rivera", "patel", "lee", "nguyen"} {
		t.Run(who, func(t *testing.T) {
			ex, err := export.Prepare(context.Background(), f.store, export.Request{By: who, Student: "S101",
				Reason: "annual IEP review", Format: export.FormatJSON, Now: f.at(11, 25, 8, 15)})
			if err != nil {
				t.Fatalf("%s may export S101: %v", who, err)
			}
			// The default range is the school year so far.
			if ex.Report.From != "2026-08-31" || ex.Report.To != "2026-11-25" {
				t.Errorf("default range %s..%s", ex.Report.From, ex.Report.To)
			}
		})
	}
}

func TestPrepareRefuses(t *testing.T) {
	f := newFixture(t, storagetest.OpenSQLite(t))
	ok := export.Request{By: "lee", Student: "S101", Reason: "annual IEP review", Format: export.FormatText, Now: f.at(11, 25, 8, 15)}
	tests := []struct {
		name   string
		change func(*export.Request)
		param  string
		want   string
	}{
		{"unknown handle", func(r *export.Request) { r.By = "nobody" }, "by",
			`No active staff member has the handle "nobody"; the handles on the roster are lee, nguyen, okafor, patel, rivera.`},
		{"no handle", func(r *export.Request) { r.By = " " }, "by", "Say who is exporting"},
		{"outside caseload", func(r *export.Request) { r.Student = "S104" }, "student",
			"S104 is not on lee's caseload, so lee may not export their records; their teacher, an assigned para or therapist, or an administrator may. Students on lee's caseload: S101, S102, S103."},
		{"therapist outside caseload", func(r *export.Request) { r.By, r.Student = "nguyen", "S103" }, "student", "S103 is not on nguyen's caseload"},
		{"unknown student", func(r *export.Request) { r.Student = "S999" }, "student",
			`No student has the code "S999" at lee's school. Students on lee's caseload: S101, S102, S103.`},
		{"no reason", func(r *export.Request) { r.Reason = "  " }, "reason", "Say why you are exporting"},
		{"long reason", func(r *export.Request) { r.Reason = strings.Repeat("x", 201) }, "reason", "keep it under 200"},
		{"bad from", func(r *export.Request) { r.From = "2026-13-01" }, "from",
			`The from date "2026-13-01" is not a date; write it as YYYY-MM-DD, e.g. 2026-09-01.`},
		{"bad to", func(r *export.Request) { r.To = "11/25/2026" }, "to", `The to date "11/25/2026" is not a date`},
		{"from after to", func(r *export.Request) { r.From, r.To = "2026-11-20", "2026-11-01" }, "from",
			"The from date 2026-11-20 is after the to date 2026-11-01"},
		{"from after today", func(r *export.Request) { r.From = "2026-12-01" }, "from", "The from date 2026-12-01 is after the to date 2026-11-25"},
		{"before the school year", func(r *export.Request) { r.Now = f.at(8, 1, 9, 0) }, "from", "The school year starts 2026-08-31, after 2026-08-01"},
		{"bad format", func(r *export.Request) { r.Format = "xml" }, "format", `"xml" is not an export format; use text, json, csv or pdf.`},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			req := ok
			tc.change(&req)
			_, err := export.Prepare(context.Background(), f.store, req)
			ue, isUser := bot.AsUserError(err)
			if !isUser || ue.Param != tc.param || !strings.Contains(ue.Msg, tc.want) {
				t.Errorf("err = %v (user error %v, param %q)\nwant param %q and %q", err, isUser, paramOf(ue), tc.param, tc.want)
			}
			if rows := f.exports(t); len(rows) != 0 {
				t.Errorf("a refused export wrote audit rows %+v", rows)
			}
		})
	}
}

// TestExportRetiredStudent: a student who left (retired from the roster)
// keeps their records until the retention purge: an administrator may
// export them, their former teacher is told who may.
func TestExportRetiredStudent(t *testing.T) {
	f := newFixture(t, storagetest.OpenSQLite(t))
	ctx := context.Background()
	demo, err := roster.Parse(roster.Demo())
	if err != nil {
		t.Fatal(err)
	}
	for i := range demo.Students {
		if demo.Students[i].Code == "S103" {
			demo.Students[i].Active = false
		}
	}
	for i := range demo.Assignments {
		if demo.Assignments[i].StudentCode == "S103" {
			demo.Assignments[i].Active = false
		}
	}
	if _, err := f.store.ImportRoster(ctx, demo); err != nil {
		t.Fatalf("retiring S103: %v", err)
	}
	req := export.Request{By: "rivera", Student: "S103", Reason: "records request", Format: export.FormatText, Now: f.at(11, 25, 8, 15)}
	_, err = export.Prepare(ctx, f.store, req)
	if ue, ok := bot.AsUserError(err); !ok || !strings.Contains(ue.Msg, "S103 is no longer enrolled at the school; an administrator may export the records kept for them.") {
		t.Errorf("the former teacher's export: %v", err)
	}
	req.By = "patel"
	ex, err := export.Prepare(ctx, f.store, req)
	if err != nil || ex.Report.Student.Code != "S103" {
		t.Fatalf("the admin's export of a retired student: %+v, %v", ex.Report.Student, err)
	}
}

func paramOf(ue *bot.UserError) string {
	if ue == nil {
		return ""
	}
	return ue.Param
}

// TestExportEveryType: sessions of goals of other types than trials are
// in every format, with their values in words and their comment.
func TestExportEveryType(t *testing.T) {
	f := newFixture(t, storagetest.OpenSQLite(t))
	ctx := context.Background()
	st := f.students["S104"]
	log := func(code string, v storage.SessionValues, note string, at time.Time) {
		t.Helper()
		if _, err := f.store.LogSession(ctx, storage.SessionLog{GoalID: f.goals["S104/"+code].ID, StudentID: st.ID,
			StaffID: f.staff["okafor"].ID, At: at, Values: v, Summary: "Logged data", Note: note}, nil); err != nil {
			t.Fatal(err)
		}
	}
	c := func(p storage.Prompt) storage.TrialResult {
		return storage.TrialResult{Outcome: storage.Correct, Prompt: p}
	}
	log("G2", storage.SessionValues{Type: storage.MeasureTaskAnalysis, Results: []storage.TrialResult{
		c(storage.Independent), c(storage.Verbal), {Outcome: storage.Incorrect}, c(storage.Independent)}}, "coat hook was full", f.at(11, 18, 8, 5))
	log("G3", storage.SessionValues{Type: storage.MeasureRating, Rating: 3, Of: 4}, "", f.at(11, 18, 12, 0))
	r, err := export.Build(ctx, f.store, st.ID, "2026-11-02", "2026-11-25")
	if err != nil {
		t.Fatal(err)
	}
	if len(r.GoalData) != 2 || r.GoalData[0].Type != "task_analysis" || r.GoalData[0].Note != "coat hook was full" ||
		r.GoalData[0].Values != "3 of 4 steps done, 2 independent (hang coat: verbal; turn in folder: not done)" ||
		r.GoalData[1].Values != "rating 3 of 4 (greets without a prompt)" {
		t.Errorf("goal data = %+v", r.GoalData)
	}
	if r.Goals[1].Type != "task_analysis" || len(r.Goals[1].Steps) != 4 || r.Goals[2].Type != "rating" || len(r.Goals[2].Scale) != 4 {
		t.Errorf("goals = %+v", r.Goals)
	}
	text, err := export.Render(r, export.FormatText)
	if err != nil {
		t.Fatal(err)
	}
	for _, want := range []string{
		"  Type: task analysis\n  Steps: unpack | hang coat | turn in folder | start morning work\n",
		"    2026-11-18 08:05  3 of 4 steps done, 2 independent (hang coat: verbal; turn in folder: not done)  (okafor) — coat hook was full\n",
		"  Type: rating\n  Scale: 1 no greeting, 2 greets when prompted, 3 greets without a prompt, 4 greets by name and talks\n",
		"    2026-11-18 12:00  rating 3 of 4 (greets without a prompt)  (okafor)\n",
	} {
		if !strings.Contains(string(text), want) {
			t.Errorf("text lacks %q:\n%s", want, text)
		}
	}
	data, err := export.Render(r, export.FormatCSV)
	if err != nil {
		t.Fatal(err)
	}
	rows, err := csv.NewReader(bytes.NewReader(data)).ReadAll()
	if err != nil {
		t.Fatal(err)
	}
	var got []string
	for _, row := range rows[1:] {
		m := map[string]string{}
		for i, col := range export.CSVColumns() {
			m[col] = row[i]
		}
		if m["record"] == "goal_data" {
			got = append(got, m["goal"]+" "+m["type"]+" "+m["values"]+" / "+m["text"])
		}
	}
	want := "G2 task_analysis 3 of 4 steps done, 2 independent (hang coat: verbal; turn in folder: not done) / coat hook was full|G3 rating rating 3 of 4 (greets without a prompt) / "
	if strings.Join(got, "|") != want {
		t.Errorf("CSV goal data rows:\n got %q\nwant %q", strings.Join(got, "|"), want)
	}
}
