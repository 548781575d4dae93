package storagetest

import (
	"context"
	"reflect"
	"slices"
	"testing"
	"time"

	"parabot/storage"
)

// typedGoals are goals of every measurement type, for student S102.
func typedGoals() []storage.RosterGoal {
	g := func(code string, typ storage.Measure) storage.Goal {
		out := goal(code, "Caleb will do "+string(typ)+" things", storage.DomainBehavior)
		out.Type = typ
		return out
	}
	ta := g("G3", storage.MeasureTaskAnalysis)
	ta.Steps = []string{"unpack", "hang coat", "turn in folder", "start work"}
	rating := g("G7", storage.MeasureRating)
	rating.Scale = []string{"not yet", "emerging", "developing", "mastered"}
	rating.Title = "rate his morning"
	return []storage.RosterGoal{
		{StudentCode: "S102", Goal: g("G2", storage.MeasureFrequency)},
		{StudentCode: "S102", Goal: ta},
		{StudentCode: "S102", Goal: g("G4", storage.MeasureDuration)},
		{StudentCode: "S102", Goal: g("G5", storage.MeasureLatency)},
		{StudentCode: "S102", Goal: rating},
	}
}

func testSessionTypes(t *testing.T, s storage.Store) {
	ctx := context.Background()
	f := load(t, s)
	r := SampleRoster()
	r.Goals = append(r.Goals, typedGoals()...)
	_, err := s.ImportRoster(ctx, r)
	must(t, "ImportRoster with typed goals", err)
	st := f.students["S102"]
	goals, err := s.Goals(ctx, st.ID)
	must(t, "Goals", err)
	byCode := map[string]storage.Goal{}
	for _, g := range goals {
		byCode[g.Code] = g
	}
	for _, want := range typedGoals() {
		got := byCode[want.Goal.Code]
		want.Goal.ID, want.Goal.StudentID = got.ID, st.ID
		if !got.Same(want.Goal) || got.Type != want.Goal.Type {
			t.Errorf("goal %s = %+v, want %+v", want.Goal.Code, got, want.Goal)
		}
	}
	if byCode["G1"].Type != storage.MeasureTrials {
		t.Errorf("a goal imported with no type is %q, want trials", byCode["G1"].Type)
	}
	// Importing the same goals again changes nothing.
	res, err := s.ImportRoster(ctx, r)
	must(t, "ImportRoster again", err)
	if res.Updated["goals"] != 0 || res.Created["goals"] != 0 {
		t.Errorf("re-import = %+v, want no goal created or updated", res)
	}

	when := at(t, "2026-09-15", "10:00")
	values := []struct {
		code string
		v    storage.SessionValues
		want [3]int // trials, correct, independent
	}{
		{"G2", storage.SessionValues{Type: storage.MeasureFrequency, Count: 3, Span: 30 * time.Minute}, [3]int{1, 0, 0}},
		{"G2", storage.SessionValues{Type: storage.MeasureFrequency, Count: 0}, [3]int{1, 0, 0}},
		{"G3", storage.SessionValues{Type: storage.MeasureTaskAnalysis, Results: []storage.TrialResult{
			{Outcome: storage.Correct, Prompt: storage.Independent}, {Outcome: storage.Correct, Prompt: storage.Verbal},
			{Outcome: storage.Incorrect, Prompt: storage.Independent}, {Outcome: storage.Correct, Prompt: storage.Independent}}},
			[3]int{4, 3, 2}},
		{"G4", storage.SessionValues{Type: storage.MeasureDuration, Duration: 8*time.Minute + 30*time.Second}, [3]int{1, 0, 0}},
		{"G5", storage.SessionValues{Type: storage.MeasureLatency, Latencies: []time.Duration{12 * time.Second, 1500 * time.Millisecond}}, [3]int{2, 0, 0}},
		{"G7", storage.SessionValues{Type: storage.MeasureRating, Rating: 3, Of: 4}, [3]int{1, 0, 0}},
	}
	for i, tc := range values {
		g := byCode[tc.code]
		e, err := s.LogSession(ctx, storage.SessionLog{GoalID: g.ID, StudentID: st.ID, StaffID: f.staff["jrivera"].ID,
			At: when.Add(time.Duration(i) * time.Minute), Values: tc.v, Summary: "Logged " + string(tc.v.Type), Note: "was tired"}, nil)
		must(t, "LogSession "+string(tc.v.Type), err)
		if e.Kind != storage.EntryTrials || e.Summary != "Logged "+string(tc.v.Type) {
			t.Errorf("entry = %+v", e)
		}
	}
	sessions, err := s.Sessions(ctx, storage.Filter{StudentID: st.ID})
	must(t, "Sessions", err)
	if len(sessions) != len(values) {
		t.Fatalf("Sessions = %d, want %d", len(sessions), len(values))
	}
	for i, se := range sessions {
		tc := values[i]
		if se.Type != tc.v.Type || se.GoalID != byCode[tc.code].ID || se.Note != "was tired" ||
			[3]int{se.Trials, se.Correct, se.Independent} != tc.want {
			t.Errorf("session %d = %+v, want type %s, counts %v", i, se, tc.v.Type, tc.want)
		}
		got, err := se.Values()
		if err != nil || !reflect.DeepEqual(got, tc.v) {
			t.Errorf("session %d values = %+v, %v; want %+v", i, got, err, tc.v)
		}
	}
	// Trials lists only trials sessions.
	if trials, err := s.Trials(ctx, storage.Filter{StudentID: st.ID}); err != nil || len(trials) != 0 {
		t.Errorf("Trials = %+v, %v; want none", trials, err)
	}

	// Values that do not fit their type write nothing.
	for _, bad := range []storage.SessionValues{
		{Type: storage.MeasureRating, Rating: 5, Of: 4},
		{Type: storage.MeasureDuration},
		{Type: storage.MeasureLatency},
		{Type: storage.MeasureTaskAnalysis},
		{Type: "minutes", Count: 1},
	} {
		if _, err := s.LogSession(ctx, storage.SessionLog{GoalID: byCode["G7"].ID, StudentID: st.ID,
			StaffID: f.staff["jrivera"].ID, At: when, Values: bad}, nil); err == nil {
			t.Errorf("LogSession(%+v) succeeded", bad)
		}
	}
	if after, _ := s.Sessions(ctx, storage.Filter{StudentID: st.ID}); len(after) != len(values) {
		t.Errorf("sessions after refused writes = %d, want %d", len(after), len(values))
	}
	// A transition keeps its comment in a field of its own.
	tr := storage.Transition{StudentID: st.ID, StaffID: f.staff["jrivera"].ID, At: when, From: "class", To: "speech",
		Prompt: storage.Verbal, Summary: "Logged a transition", Note: "was tired"}
	_, err = s.LogTransition(ctx, tr, nil)
	must(t, "LogTransition", err)
	trs, err := s.Transitions(ctx, storage.Filter{StudentID: st.ID})
	must(t, "Transitions", err)
	if !slices.ContainsFunc(trs, func(x storage.Transition) bool { return x.Note == "was tired" && x.Summary == tr.Summary }) {
		t.Errorf("Transitions = %+v, want the comment in Note", trs)
	}
}

// testNotRecorded: what nobody answered is read back as not recorded,
// also in an incident's earlier versions.
func testNotRecorded(t *testing.T, s storage.Store) {
	ctx := context.Background()
	f := load(t, s)
	st, by := f.students["S101"], f.staff["jrivera"]
	when := at(t, "2026-09-15", "10:00")
	_, err := s.LogTransition(ctx, storage.Transition{StudentID: st.ID, StaffID: by.ID, At: when, From: "class", To: "gym",
		Prompt: storage.PromptNotRecorded, Summary: "Logged a transition"}, nil)
	must(t, "LogTransition", err)
	_, err = s.LogTransition(ctx, storage.Transition{StudentID: st.ID, StaffID: by.ID, At: when.Add(time.Minute), From: "gym", To: "class",
		Prompt: storage.Independent, Summary: "Logged a transition"}, nil)
	must(t, "LogTransition", err)
	trs, err := s.Transitions(ctx, storage.Filter{StudentID: st.ID})
	must(t, "Transitions", err)
	if len(trs) != 2 || trs[0].Prompt != storage.PromptNotRecorded || trs[1].Prompt != storage.Independent {
		t.Errorf("transitions = %+v, want prompts not recorded, then independent", trs)
	}
	in := storage.Incident{StudentID: st.ID, StaffID: by.ID, At: when, Behavior: "ran", Antecedent: "a", Consequence: "c",
		Severity: 2, Restraint: true, NotRecorded: []string{"injury", "seclusion"}, Summary: "Logged incident",
		Details: storage.IncidentDetails{StaffInvolved: []string{"Jo Rivera"}, Witnesses: []string{"Tina Lopez", "S102"},
			Injured: []string{"staff"}, NurseSaw: "yes", HoldType: "physical escort", HoldStart: when.UTC(),
			HoldEnd: when.Add(2 * time.Minute).UTC(), AppliedBy: []string{"Jo Rivera", "Tina Lopez"}, Observation: "breathing normal"}}
	_, err = s.LogIncident(ctx, in, nil)
	must(t, "LogIncident", err)
	ins, err := s.Incidents(ctx, storage.Filter{StudentID: st.ID})
	must(t, "Incidents", err)
	if len(ins) != 1 || ins[0].YesNo("injury") != "not recorded" || ins[0].YesNo("restraint") != "yes" || ins[0].YesNo("seclusion") != "not recorded" {
		t.Fatalf("incidents = %+v, want injury and seclusion not recorded, restraint yes", ins)
	}
	if !reflect.DeepEqual(ins[0].Details, in.Details) {
		t.Errorf("details = %+v, want %+v", ins[0].Details, in.Details)
	}
	edit := ins[0]
	edit.Injury, edit.NotRecorded = true, []string{"seclusion"}
	edit.Details.Observation = "calm, breathing normal"
	must(t, "UpdateIncident", s.UpdateIncident(ctx, edit, by.ID, when.Add(time.Hour)))
	ins, _ = s.Incidents(ctx, storage.Filter{StudentID: st.ID})
	vs, err := s.IncidentVersions(ctx, edit.ID)
	must(t, "IncidentVersions", err)
	if len(ins) != 1 || ins[0].YesNo("injury") != "yes" || len(vs) != 1 || vs[0].Incident.YesNo("injury") != "not recorded" ||
		vs[0].Incident.Details.Observation != "breathing normal" || ins[0].Details.Observation != "calm, breathing normal" {
		t.Errorf("after the edit: %+v, versions %+v", ins, vs)
	}
}
