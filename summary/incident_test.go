package summary

import (
	"testing"
	"time"

	"parabot/storage"
)

func incident(t testing.TB, when string, severity int, setting, antecedent string, strategies ...string) storage.Incident {
	return storage.Incident{StudentID: 1, StaffID: 7, At: at(t, when), Severity: severity, Setting: setting,
		Antecedent: antecedent, Behavior: "hit a peer", Strategies: strategies, Active: true}
}

func TestIncidentStats(t *testing.T) {
	restraint := incident(t, "2026-11-09 13:15", 4, "classroom", "Transition", "break", "Escort")
	restraint.Restraint = true
	undone := incident(t, "2026-11-10 10:00", 5, "gym", "noise")
	undone.Active = false
	s := summarize(t, Input{Incidents: []storage.Incident{
		incident(t, "2026-10-30 10:00", 1, "gym", "noise"), // two weeks before: not counted anywhere
		incident(t, "2026-11-06 10:00", 1, "gym", "noise"), // the previous week
		incident(t, "2026-11-09 09:30", 2, "Classroom", "transition", "break"),
		restraint,
		undone,
		incident(t, "2026-11-11 10:45", 1, "Playground", "denied item", "first-then"),
		incident(t, "2026-11-13 14:59", 3, "classroom", "transition", "Break"),
	}})
	in := s.Incidents
	if in.Count != 4 || in.PrevCount != 1 || in.Severe != 1 || in.Restraint != 1 || in.MaxSeverity != 4 {
		t.Fatalf("count %d prev %d severe %d restraint %d max %d, want 4 1 1 1 4", in.Count, in.PrevCount, in.Severe, in.Restraint, in.MaxSeverity)
	}
	wantDays := []IncidentDay{
		{Day: at(t, "2026-11-09 00:00"), Count: 2, MaxSeverity: 4, TotalSeverity: 6},
		{Day: at(t, "2026-11-11 00:00"), Count: 1, MaxSeverity: 1, TotalSeverity: 1},
		{Day: at(t, "2026-11-13 00:00"), Count: 1, MaxSeverity: 3, TotalSeverity: 3},
	}
	if len(in.ByDay) != len(wantDays) {
		t.Fatalf("by day %+v", in.ByDay)
	}
	for i, w := range wantDays {
		if g := in.ByDay[i]; !g.Day.Equal(w.Day) || g.Count != w.Count || g.MaxSeverity != w.MaxSeverity || g.TotalSeverity != w.TotalSeverity {
			t.Errorf("day %d: %+v, want %+v", i, g, w)
		}
	}
	checkCounts(t, "time of day", in.ByTimeOfDay, []Count{{"9:00-11:00", 2}, {"13:00-15:00", 2}})
	checkCounts(t, "setting", in.BySetting, []Count{{"Classroom", 3}, {"Playground", 1}})
	checkCounts(t, "antecedent", in.ByAntecedent, []Count{{"transition", 3}, {"denied item", 1}})
	checkCounts(t, "strategies", in.Strategies, []Count{{"break", 3}, {"Escort", 1}, {"first-then", 1}})
	// 4 this week against 1 the week before: rising (0.8 a day >= 1.5 x 0.2, and 3 more).
	if !in.Rising || len(s.Flags) != 1 || s.Flags[0].Kind != FlagRisingIncident {
		t.Errorf("rising %v flags %+v, want a rising flag", in.Rising, s.Flags)
	}
	if Busiest(in.BySetting) != "Classroom" {
		t.Errorf("busiest setting %q", Busiest(in.BySetting))
	}
}

func checkCounts(t *testing.T, what string, got, want []Count) {
	t.Helper()
	if len(got) < len(want) {
		t.Fatalf("%s: %+v, want %+v first", what, got, want)
	}
	for i, w := range want {
		if got[i] != w {
			t.Errorf("%s[%d] = %+v, want %+v (all: %+v)", what, i, got[i], w, got)
		}
	}
}

func TestIncidentsNotRising(t *testing.T) {
	s := summarize(t, Input{Incidents: []storage.Incident{
		incident(t, "2026-11-04 10:00", 1, "gym", "noise"),
		incident(t, "2026-11-05 10:00", 1, "gym", "noise"),
		incident(t, "2026-11-10 10:00", 1, "gym", "noise"),
		incident(t, "2026-11-11 10:00", 1, "gym", "noise"),
		incident(t, "2026-11-12 10:00", 1, "gym", "noise"),
	}})
	// 3 against 2: only one more, so not rising.
	if s.Incidents.Rising || s.Incidents.PrevCount != 2 {
		t.Errorf("rising %v prev %d, want false and 2", s.Incidents.Rising, s.Incidents.PrevCount)
	}
}

func TestTransitionStats(t *testing.T) {
	tr := func(when, to string, p storage.Prompt, latency time.Duration, handoff string) storage.Transition {
		return storage.Transition{StudentID: 1, At: at(t, when), From: "class", To: to, Prompt: p, Latency: latency, HandoffTo: handoff, Active: true}
	}
	undone := tr("2026-11-10 15:10", "bus", storage.FullPhysical, time.Hour, "")
	undone.Active = false
	s := summarize(t, Input{Transitions: []storage.Transition{
		tr("2026-11-09 11:30", "lunch", storage.Independent, 30*time.Second, ""),
		tr("2026-11-09 13:00", "speech", storage.Verbal, 60*time.Second, ""),
		tr("2026-11-09 15:10", "Bus 12", storage.Independent, 90*time.Second, "driver"),
		tr("2026-11-10 15:10", "bus", storage.Independent, 120*time.Second, " "),
		tr("2026-11-11 15:10", "pickup", storage.Prompt(-1), 0, "grandmother"), // no prompt recorded
		undone,
	}})
	x := s.Transitions
	if x.Count != 5 || x.Recorded != 4 || x.Independent != 3 || !near(x.PercentIndependent, 75) {
		t.Errorf("count %d recorded %d independent %d (%v%%), want 5 4 3 75", x.Count, x.Recorded, x.Independent, x.PercentIndependent)
	}
	if x.Timed != 4 || x.MeanLatency != 75*time.Second || x.MedianLatency != 75*time.Second {
		t.Errorf("timed %d mean %v median %v, want 4 75s 75s", x.Timed, x.MeanLatency, x.MedianLatency)
	}
	if x.Handoffs != 3 || x.HandoffsComplete != 2 {
		t.Errorf("handoffs %d complete %d, want 3 and 2", x.Handoffs, x.HandoffsComplete)
	}
}

func TestRecorders(t *testing.T) {
	a := trialSession(t, "2026-11-09 09:00", "+i")
	b := trialSession(t, "2026-11-10 09:00", "+i")
	c := trialSession(t, "2026-11-11 09:00", "+i")
	c.StaffID = 8
	s := summarize(t, Input{Goals: []Goal{trialGoal(1)}, Sessions: []Session{a, b, c},
		Staff: map[int64]StaffMember{7: {Name: "Jamie Lee", Role: storage.RolePara}, 8: {Name: "Chris Okafor", Role: storage.RolePara}}})
	if len(s.Recorders) != 2 || s.Recorders[0].Name != "Jamie Lee" || s.Recorders[0].Sessions != 2 || s.Recorders[1].Sessions != 1 {
		t.Errorf("recorders %+v", s.Recorders)
	}
}

func TestBadPeriod(t *testing.T) {
	if _, err := Summarize(Input{Period: Period{From: at(t, "2026-11-13 00:00"), To: at(t, "2026-11-09 00:00"), Loc: testLoc}}); err == nil {
		t.Error("a backwards period was accepted")
	}
	if _, err := Summarize(Input{Period: Period{From: at(t, "2026-11-09 00:00"), To: at(t, "2026-11-13 00:00")}}); err == nil {
		t.Error("a period with no time zone was accepted")
	}
}
