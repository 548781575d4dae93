package summary

import (
	"testing"
	"time"

	"parabot/storage"
)

func TestParseBaseline(t *testing.T) {
	tests := []struct {
		in   string
		want float64
		ok   bool
	}{
		{"35% correct at word level", 35, true},
		{"1 of 5 opportunities (20%), one-word requests", 20, true},
		{"11 of 52 letters", 100 * 11.0 / 52, true},
		{"3/4 steps", 75, true},
		{"3 minutes on average before leaving the carpet", 0, false},
		{"", 0, false},
		{"6 of 0", 0, false},
	}
	for _, tt := range tests {
		got, ok := ParseBaseline(tt.in)
		if ok != tt.ok || !near(got, tt.want) {
			t.Errorf("ParseBaseline(%q) = %v, %v; want %v, %v", tt.in, got, ok, tt.want, tt.ok)
		}
	}
}

func TestSessionsFromTrials(t *testing.T) {
	when := at(t, "2026-11-09 09:00")
	trial := func(id, entry int64, o storage.Outcome, p storage.Prompt, active bool) storage.Trial {
		return storage.Trial{ID: id, EntryID: entry, GoalID: 1, StaffID: 3, At: when, Outcome: o, Prompt: p, Active: active}
	}
	ss := SessionsFromTrials([]storage.Trial{
		trial(3, 20, storage.Incorrect, storage.Verbal, false),
		trial(1, 10, storage.Correct, storage.Independent, true),
		trial(2, 10, storage.Correct, storage.Gestural, true),
		trial(4, 20, storage.Correct, storage.Model, false),
	})
	if len(ss) != 2 || ss[0].ID != 10 || len(ss[0].Trials) != 2 || !ss[0].Active || ss[1].Active || len(ss[1].Trials) != 2 {
		t.Fatalf("sessions %+v", ss)
	}
	if ss[0].Trials[1].Prompt != storage.Gestural || ss[1].Trials[0].Outcome != storage.Incorrect {
		t.Errorf("trial order lost: %+v", ss)
	}
	g := GoalOf(storage.Goal{ID: 1, Baseline: "35% correct", MasteryPercent: 80, Active: true})
	if g.Type != TypeTrials || !g.HasBaseline || g.BaselineValue != 35 {
		t.Errorf("GoalOf: %+v", g)
	}
}

func TestPeriods(t *testing.T) {
	day := func(p Period) string {
		return p.From.In(testLoc).Format("Mon 2006-01-02") + " " + p.To.In(testLoc).Format("Mon 2006-01-02")
	}
	for _, tt := range []struct {
		p    Period
		want string
	}{
		{WeekPeriod(at(t, "2026-11-11 15:30"), testLoc), "Mon 2026-11-09 Fri 2026-11-13"},
		{WeekPeriod(at(t, "2026-11-09 00:00"), testLoc), "Mon 2026-11-09 Fri 2026-11-13"},
		{WeekPeriod(at(t, "2026-11-15 23:59"), testLoc), "Mon 2026-11-09 Fri 2026-11-13"},
		{DayPeriod(at(t, "2026-11-11 15:30"), testLoc), "Wed 2026-11-11 Wed 2026-11-11"},
		{MonthPeriod(at(t, "2026-02-11 15:30"), testLoc), "Sun 2026-02-01 Sat 2026-02-28"},
	} {
		if got := day(tt.p); got != tt.want {
			t.Errorf("period %s, want %s", got, tt.want)
		}
	}
	// 01:00 UTC on Nov 10 is still Monday Nov 9 at school.
	if got := day(WeekPeriod(time.Date(2026, 11, 10, 1, 0, 0, 0, time.UTC), testLoc)); got != "Mon 2026-11-09 Fri 2026-11-13" {
		t.Errorf("week in the school's zone: %s", got)
	}
}

// TestStatsOfEveryType: a stored session of each type, as logged, is
// judged in its type's unit.
func TestStatsOfEveryType(t *testing.T) {
	loc, err := time.LoadLocation("America/New_York")
	if err != nil {
		t.Fatal(err)
	}
	at := time.Date(2026, 11, 24, 10, 0, 0, 0, loc)
	c := func(p storage.Prompt) storage.TrialResult {
		return storage.TrialResult{Outcome: storage.Correct, Prompt: p}
	}
	tests := []struct {
		goal storage.Goal
		v    storage.SessionValues
		unit string
		want float64
	}{
		{storage.Goal{Type: storage.MeasureTrials}, storage.SessionValues{Type: storage.MeasureTrials,
			Results: []storage.TrialResult{c(storage.Independent), c(storage.Verbal), {Outcome: storage.Incorrect}, c(storage.Independent)}}, "% correct", 75},
		{storage.Goal{Type: storage.MeasureFrequency}, storage.SessionValues{Type: storage.MeasureFrequency, Count: 3, Span: 30 * time.Minute}, "count per session", 3},
		{storage.Goal{Type: storage.MeasureDuration}, storage.SessionValues{Type: storage.MeasureDuration, Duration: 8*time.Minute + 30*time.Second}, "minutes", 8.5},
		{storage.Goal{Type: storage.MeasureLatency}, storage.SessionValues{Type: storage.MeasureLatency, Latencies: []time.Duration{10 * time.Second, 20 * time.Second}}, "seconds", 15},
		{storage.Goal{Type: storage.MeasureTaskAnalysis, Steps: []string{"a", "b", "c", "d"}}, storage.SessionValues{Type: storage.MeasureTaskAnalysis,
			Results: []storage.TrialResult{c(storage.Independent), c(storage.Verbal), {Outcome: storage.Incorrect}, c(storage.Independent)}}, "% of steps independent", 50},
		{storage.Goal{Type: storage.MeasureRating, Scale: []string{"x", "y", "z", "w"}}, storage.SessionValues{Type: storage.MeasureRating, Rating: 3, Of: 4}, "rating", 3},
	}
	for _, tc := range tests {
		g := tc.goal
		g.ID, g.Code, g.StartDate, g.EndDate, g.Active, g.MasteryPercent, g.MasterySessions = 1, "G1", "2026-09-01", "2027-06-01", true, 80, 3
		tr, co, in := tc.v.Counts()
		se, err := SessionOf(storage.Session{ID: 7, GoalID: 1, At: at, Type: tc.v.Type, Data: tc.v.Data(), Trials: tr, Correct: co, Independent: in, Active: true})
		if err != nil {
			t.Fatalf("%s: %v", tc.v.Type, err)
		}
		s, err := Summarize(Input{Student: storage.Student{ID: 1, Code: "S101"}, Goals: []Goal{GoalOf(g)}, Sessions: []Session{se},
			Period: DayPeriod(at, loc)})
		if err != nil {
			t.Fatalf("%s: %v", tc.v.Type, err)
		}
		gs := s.Goals[0]
		if gs.Unit != tc.unit || len(gs.Points) != 1 || gs.Points[0].Value != tc.want {
			t.Errorf("%s: unit %q, points %+v; want %q and one point of %v", tc.v.Type, gs.Unit, gs.Points, tc.unit, tc.want)
		}
	}
}
