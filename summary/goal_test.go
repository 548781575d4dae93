package summary

import (
	"strings"
	"testing"
	"time"

	"parabot/storage"
)

func TestTrialCounts(t *testing.T) {
	// Monday: + i, + v, - i, + i, 0 i: 3 correct of 5 (60%); independent
	// correct 2 (40%): the wrong answer and the no response at the
	// independent level are not independent, the verbal correct is not.
	s := summarize(t, Input{Goals: []Goal{trialGoal(5)}, Sessions: []Session{
		trialSession(t, "2026-11-09 09:00", "+i +v -i +i 0i"),
	}})
	g := s.Goals[0]
	if g.Trials != 5 || g.Correct != 3 || g.Independent != 2 {
		t.Fatalf("trials %d correct %d independent %d, want 5 3 2", g.Trials, g.Correct, g.Independent)
	}
	if !near(g.PercentCorrect, 60) || !near(g.PercentIndependent, 40) {
		t.Errorf("percent correct %v independent %v, want 60 and 40", g.PercentCorrect, g.PercentIndependent)
	}
	if g.Prompts[storage.Independent] != 4 || g.Prompts[storage.Verbal] != 1 {
		t.Errorf("prompt mix %v, want 4 independent and 1 verbal", g.Prompts)
	}
	if !near(g.MeanPrompt, 0.4) {
		t.Errorf("mean prompt %v, want 0.4 (one verbal=2 in five)", g.MeanPrompt)
	}
}

func TestMastery(t *testing.T) {
	tests := []struct {
		name     string
		sessions []Session
		min      int
		met      bool
		metOn    string
		run      int
	}{
		{"met exactly on the last required session", []Session{
			trialSession(t, "2026-11-11 09:00", "+i +i +i +i -i"), // 80%, the least that counts
			trialSession(t, "2026-11-12 09:00", repeat("+i", 5)),
			trialSession(t, "2026-11-13 09:00", "+i +i +v +v -v"), // 80%, prompted corrects count as correct
		}, 5, true, "2026-11-13", 3},
		{"two of three", []Session{
			trialSession(t, "2026-11-12 09:00", repeat("+i", 5)),
			trialSession(t, "2026-11-13 09:00", repeat("+i", 5)),
		}, 5, false, "", 2},
		{"a short session breaks the run", []Session{
			trialSession(t, "2026-11-10 09:00", repeat("+i", 5)),
			trialSession(t, "2026-11-11 09:00", repeat("+i", 4)), // 100% but 4 < 5 trials
			trialSession(t, "2026-11-12 09:00", repeat("+i", 5)),
			trialSession(t, "2026-11-13 09:00", repeat("+i", 5)),
		}, 5, false, "", 2},
		{"79% breaks the run", []Session{
			trialSession(t, "2026-11-11 09:00", repeat("+i", 5)),
			trialSession(t, "2026-11-12 09:00", repeat("+i", 15)+" "+repeat("-i", 4)), // 15/19 = 78.9%
			trialSession(t, "2026-11-13 09:00", repeat("+i", 5)),
		}, 5, false, "", 1},
		{"trials split across days do not add up", []Session{
			trialSession(t, "2026-11-09 09:00", repeat("+i", 3)),
			trialSession(t, "2026-11-10 09:00", repeat("+i", 2)),
			trialSession(t, "2026-11-11 09:00", repeat("+i", 3)),
			trialSession(t, "2026-11-12 09:00", repeat("+i", 2)),
			trialSession(t, "2026-11-13 09:00", repeat("+i", 3)),
		}, 5, false, "", 0},
		{"sessions of one day add up", []Session{
			trialSession(t, "2026-11-11 09:00", repeat("+i", 3)),
			trialSession(t, "2026-11-11 13:00", repeat("+i", 2)),
			trialSession(t, "2026-11-12 09:00", repeat("+i", 5)),
			trialSession(t, "2026-11-13 09:00", "+i +i +i"),
			trialSession(t, "2026-11-13 14:00", "+i -i"),
		}, 5, true, "2026-11-13", 3},
		{"an undone session does not count", []Session{
			trialSession(t, "2026-11-11 09:00", repeat("+i", 5)),
			func() Session { s := trialSession(t, "2026-11-12 09:00", repeat("-i", 10)); s.Active = false; return s }(),
			trialSession(t, "2026-11-12 10:00", repeat("+i", 5)),
			trialSession(t, "2026-11-13 09:00", repeat("+i", 5)),
		}, 5, true, "2026-11-13", 3},
		{"met in an earlier week still counts", []Session{
			trialSession(t, "2026-11-04 09:00", repeat("+i", 5)),
			trialSession(t, "2026-11-05 09:00", repeat("+i", 5)),
			trialSession(t, "2026-11-06 09:00", repeat("+i", 5)),
			trialSession(t, "2026-11-09 09:00", repeat("-i", 5)),
		}, 5, true, "2026-11-06", 0},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			s := summarize(t, Input{Goals: []Goal{trialGoal(tt.min)}, Sessions: tt.sessions})
			m := s.Goals[0].Mastery
			if m.Met != tt.met || m.Run != tt.run || m.Needed != 3 {
				t.Fatalf("mastery met %v run %d needed %d, want %v %d 3", m.Met, m.Run, m.Needed, tt.met, tt.run)
			}
			if tt.met && m.MetOn.Format("2006-01-02") != tt.metOn {
				t.Errorf("met on %s, want %s", m.MetOn.Format("2006-01-02"), tt.metOn)
			}
			if tt.met != (s.Goals[0].Progress == Mastered) {
				t.Errorf("progress %q with mastery met %v", s.Goals[0].Progress, tt.met)
			}
		})
	}
}

func TestUndoneExcluded(t *testing.T) {
	undone := trialSession(t, "2026-11-10 09:00", repeat("-f", 10))
	undone.Active = false
	s := summarize(t, Input{Goals: []Goal{trialGoal(5)}, Sessions: []Session{
		trialSession(t, "2026-11-09 09:00", "+i +i +v -v"),
		undone,
	}})
	g := s.Goals[0]
	if g.Trials != 4 || g.Sessions != 1 || len(g.Points) != 1 || !near(g.PercentCorrect, 75) {
		t.Fatalf("trials %d sessions %d points %d correct %v%%, want 4 1 1 75", g.Trials, g.Sessions, len(g.Points), g.PercentCorrect)
	}
	if g.Prompts[storage.FullPhysical] != 0 {
		t.Errorf("undone prompts counted: %v", g.Prompts)
	}

	old := trialGoal(5)
	old.Active = false
	note := storage.Note{StudentID: 1, At: at(t, "2026-11-10 15:00"), Text: "undone note", Active: false}
	s = summarize(t, Input{Goals: []Goal{old}, Notes: []storage.Note{note}, Sessions: []Session{trialSession(t, "2026-11-09 09:00", "+i")}})
	if len(s.Goals) != 0 || len(s.Notes) != 0 || len(s.Recorders) != 0 {
		t.Errorf("inactive goal or note kept: %d goals, %d notes, %d recorders", len(s.Goals), len(s.Notes), len(s.Recorders))
	}
}

func TestGoalStartedMidPeriod(t *testing.T) {
	g := trialGoal(5)
	g.StartDate = "2026-11-11" // Wednesday
	s := summarize(t, Input{Goals: []Goal{g}, Sessions: []Session{
		trialSession(t, "2026-11-09 09:00", repeat("-i", 5)), // before the start: not the goal's data
		trialSession(t, "2026-11-11 09:00", repeat("+i", 5)),
		trialSession(t, "2026-11-12 09:00", repeat("+v", 5)),
	}})
	gs := s.Goals[0]
	if gs.DaysDue != 3 || gs.DaysWithData != 2 {
		t.Errorf("due %d with data %d, want 3 (Wed-Fri) and 2", gs.DaysDue, gs.DaysWithData)
	}
	if gs.Trials != 10 || !near(gs.PercentCorrect, 100) || !near(gs.PercentIndependent, 50) {
		t.Errorf("trials %d correct %v%% independent %v%%, want 10 100 50", gs.Trials, gs.PercentCorrect, gs.PercentIndependent)
	}
	if gs.NoDataDays != 1 {
		t.Errorf("no data for %d days, want 1 (Friday)", gs.NoDataDays)
	}
	if gs.Progress != NotEnoughData {
		t.Errorf("progress %q, want not enough data with two session days", gs.Progress)
	}

	g.StartDate = "2026-11-16"
	s = summarize(t, Input{Goals: []Goal{g}})
	if gs := s.Goals[0]; gs.Started || gs.DaysDue != 0 || gs.NoDataDays != 0 || gs.Progress != NotEnoughData {
		t.Errorf("goal starting after the period: started %v due %d no data %d progress %q", gs.Started, gs.DaysDue, gs.NoDataDays, gs.Progress)
	}
}

// tenTrials is a session of 10 trials, pct percent correct (a multiple of 10).
func tenTrials(t testing.TB, when string, pct int) Session {
	return trialSession(t, when, repeat("+i", pct/10)+" "+repeat("-i", 10-pct/10))
}

func TestProgress(t *testing.T) {
	// Aim line: 20% on 2026-11-02 to 80% on 2026-11-30, 60/28 a day:
	// Mon 35, Tue 37.14, Wed 39.29, Thu 41.43, Fri 43.57.
	days := []string{"2026-11-09", "2026-11-10", "2026-11-11", "2026-11-12", "2026-11-13"}
	tests := []struct {
		name    string
		values  []int
		want    Progress
		trend   float64 // per week
		stalled bool
	}{
		{"last three on the aim line", []int{40, 40, 40, 50, 50}, OnTrack, 21, false},
		{"improving behind the aim", []int{20, 20, 30, 30, 40}, NotExpectedRate, 35, false},
		{"flat", []int{30, 30, 30, 30, 30}, NoProgress, 0, true},
		{"falling", []int{50, 40, 30, 30, 20}, NoProgress, -49, true},
		{"trend past the aim though one point is under", []int{30, 60, 30, 70, 60}, OnTrack, 49, false},
		{"two session days", []int{90, 90}, NotEnoughData, 0, false},
		{"mastered", []int{30, 40, 80, 90, 80}, Mastered, 0, false},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			var ss []Session
			for i, v := range tt.values {
				ss = append(ss, tenTrials(t, days[i]+" 10:00", v))
			}
			s := summarize(t, Input{Goals: []Goal{trialGoal(10)}, Sessions: ss})
			g := s.Goals[0]
			if g.Progress != tt.want {
				t.Fatalf("progress %q (%s), want %q", g.Progress, g.Why, tt.want)
			}
			if tt.want != NotEnoughData && tt.want != Mastered && !near(g.TrendPerWeek, tt.trend) {
				t.Errorf("trend %v a week, want %v", g.TrendPerWeek, tt.trend)
			}
			if g.Stalled != tt.stalled {
				t.Errorf("stalled %v, want %v", g.Stalled, tt.stalled)
			}
			if !g.HasAim || !near(g.AimAt(at(t, "2026-11-16 00:00")), 50) {
				t.Errorf("aim on Nov 16 = %v, want 50 (halfway)", g.AimAt(at(t, "2026-11-16 00:00")))
			}
		})
	}
}

func TestOtherTypes(t *testing.T) {
	mk := func(typ Type, target float64) Goal {
		g := trialGoal(0)
		g.Type, g.Target, g.MasterySessions = typ, target, 1
		return g
	}
	base := func(when string) Session { return Session{GoalID: 1, StaffID: 7, At: at(t, when), Active: true} }
	with := func(s Session, f func(*Session)) Session { f(&s); return s }
	tests := []struct {
		name     string
		goal     Goal
		sessions []Session
		unit     string
		value    float64 // the one point's value
		met      bool
	}{
		{"frequency count adds up", mk(TypeFrequency, 6), []Session{
			with(base("2026-11-09 09:00"), func(s *Session) { s.Type, s.Count = TypeFrequency, 2 }),
			with(base("2026-11-09 13:00"), func(s *Session) { s.Type, s.Count = TypeFrequency, 4 }),
		}, "count per session", 6, true},
		{"frequency rate per hour", func() Goal { g := mk(TypeFrequency, 10); g.RatePerHour = true; return g }(), []Session{
			with(base("2026-11-09 09:00"), func(s *Session) { s.Type, s.Count, s.Span = TypeFrequency, 6, 30*time.Minute }),
		}, "rate per hour", 12, true},
		{"a behavior to reduce", func() Goal { g := mk(TypeFrequency, 2); g.Decrease = true; return g }(), []Session{
			with(base("2026-11-09 09:00"), func(s *Session) { s.Type, s.Count = TypeFrequency, 3 }),
		}, "count per session", 3, false},
		{"duration averages", mk(TypeDuration, 10), []Session{
			with(base("2026-11-09 09:00"), func(s *Session) { s.Type, s.Duration = TypeDuration, 8*time.Minute+30*time.Second }),
			with(base("2026-11-09 13:00"), func(s *Session) { s.Type, s.Duration = TypeDuration, 9*time.Minute+30*time.Second }),
		}, "minutes", 9, false},
		{"latency: less is better", mk(TypeLatency, 10), []Session{
			with(base("2026-11-09 09:00"), func(s *Session) { s.Type, s.Latency = TypeLatency, 8*time.Second }),
		}, "seconds", 8, true},
		{"task analysis: steps independent", func() Goal {
			g := mk(TypeTaskAnalysis, 0)
			g.MasteryPercent, g.MasteryMinTrials, g.Steps = 75, 4, []string{"coat", "hook", "folder", "seat"}
			return g
		}(), []Session{
			with(base("2026-11-09 09:00"), func(s *Session) {
				s.Type, s.Steps = TypeTaskAnalysis, []storage.Prompt{storage.Independent, storage.Verbal, storage.Model, storage.Independent}
			}),
		}, "% of steps independent", 50, false},
		{"rating averages", mk(TypeRating, 3), []Session{
			with(base("2026-11-09 09:00"), func(s *Session) { s.Type, s.Rating = TypeRating, 3 }),
			with(base("2026-11-09 11:00"), func(s *Session) { s.Type, s.Rating = TypeRating, 4 }),
		}, "rating", 3.5, true},
		{"a session of another type is not this goal's", mk(TypeRating, 3), []Session{
			with(base("2026-11-09 09:00"), func(s *Session) { s.Type, s.Rating = TypeRating, 2 }),
			with(base("2026-11-09 11:00"), func(s *Session) { s.Type, s.Count = TypeFrequency, 40 }),
		}, "rating", 2, false},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			s := summarize(t, Input{Goals: []Goal{tt.goal}, Sessions: tt.sessions})
			g := s.Goals[0]
			if g.Unit != tt.unit || len(g.Points) != 1 {
				t.Fatalf("unit %q points %d, want %q and 1", g.Unit, len(g.Points), tt.unit)
			}
			if !near(g.Points[0].Value, tt.value) || g.Points[0].Met != tt.met || g.Mastery.Met != tt.met {
				t.Errorf("value %v met %v (mastery %v), want %v %v", g.Points[0].Value, g.Points[0].Met, g.Mastery.Met, tt.value, tt.met)
			}
		})
	}
}

func TestPromptFading(t *testing.T) {
	s := summarize(t, Input{Goals: []Goal{trialGoal(4)}, Sessions: []Session{
		trialSession(t, "2026-11-03 09:00", "+v +v -v +m"), // previous week: mean (2+2+2+3)/4 = 2.25
		trialSession(t, "2026-11-10 09:00", "+i +i +v -g"), // this week: (0+0+2+1)/4 = 0.75
		trialSession(t, "2026-11-16 09:00", "+f +f +f +f"), // after the period: ignored
	}})
	g := s.Goals[0]
	if !g.HasPrevPrompts || !near(g.PrevMeanPrompt, 2.25) || !near(g.MeanPrompt, 0.75) {
		t.Fatalf("prompt mean %v, previous %v (has %v), want 0.75 and 2.25", g.MeanPrompt, g.PrevMeanPrompt, g.HasPrevPrompts)
	}
	if g.PrevPrompts[storage.Model] != 1 || g.Prompts[storage.Gestural] != 1 || g.Prompts[storage.FullPhysical] != 0 {
		t.Errorf("mix %v, previous %v", g.Prompts, g.PrevPrompts)
	}
}

func TestPromptPhases(t *testing.T) {
	tests := []struct {
		name  string
		modes string // the most used prompt of each school day from Nov 9
		want  []string
	}{
		{"a sustained change", "vvviii", []string{"2026-11-12 independent"}},
		{"one odd day", "vvivv", nil},
		{"two changes", "fffvvvvii", []string{"2026-11-12 verbal"}},
		{"down and back", "mmmgggmmm", []string{"2026-11-12 gestural", "2026-11-17 model"}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			var ss []Session
			d := at(t, "2026-11-09 09:00")
			for i := range len(tt.modes) {
				for d.Weekday() == time.Saturday || d.Weekday() == time.Sunday {
					d = d.AddDate(0, 0, 1)
				}
				ss = append(ss, trialSession(t, d.Format("2006-01-02 15:04"), "+"+tt.modes[i:i+1]))
				d = d.AddDate(0, 0, 1)
			}
			in := Input{Goals: []Goal{trialGoal(1)}, Sessions: ss,
				Period: Period{From: at(t, "2026-11-09 00:00"), To: at(t, "2026-11-27 00:00"), Loc: testLoc}}
			var got []string
			for _, p := range summarize(t, in).Goals[0].Phases {
				got = append(got, p.Start.Format("2006-01-02")+" "+p.Label)
			}
			if strings.Join(got, ",") != strings.Join(tt.want, ",") {
				t.Errorf("phases %v, want %v", got, tt.want)
			}
		})
	}
}

func TestSessionsDue(t *testing.T) {
	veterans := at(t, "2026-11-11 00:00")
	noWednesday := func(d time.Time) bool {
		return d.Weekday() >= time.Monday && d.Weekday() <= time.Friday && !d.Equal(veterans)
	}
	tests := []struct {
		name      string
		schedule  Schedule
		schoolDay func(time.Time) bool
		due, with int
		noData    int
	}{
		{"every school day", Schedule{}, nil, 5, 2, 3},
		{"a holiday is not due", Schedule{}, noWednesday, 4, 2, 2},
		{"Mondays and Wednesdays", Schedule{Weekdays: []time.Weekday{time.Monday, time.Wednesday}}, nil, 2, 1, 1},
		{"weekly: the week has its data", Schedule{Weekly: true}, nil, 1, 1, 0},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			g := trialGoal(1)
			g.Schedule = tt.schedule
			s := summarize(t, Input{Goals: []Goal{g}, SchoolDay: tt.schoolDay, Sessions: []Session{
				trialSession(t, "2026-11-09 09:00", "+i"),
				trialSession(t, "2026-11-10 09:00", "+i"),
			}})
			gs := s.Goals[0]
			if gs.DaysDue != tt.due || gs.DaysWithData != tt.with || gs.NoDataDays != tt.noData {
				t.Errorf("due %d with data %d no data %d, want %d %d %d", gs.DaysDue, gs.DaysWithData, gs.NoDataDays, tt.due, tt.with, tt.noData)
			}
		})
	}
}

func TestNoDataFlag(t *testing.T) {
	g2 := trialGoal(1)
	g2.ID, g2.Code = 2, "G2"
	s := summarize(t, Input{Goals: []Goal{trialGoal(1), g2}, Sessions: []Session{
		trialSession(t, "2026-11-09 09:00", "+i"),
		trialSession(t, "2026-11-12 09:00", "+i"),
	}})
	var flags []string
	for _, f := range s.Flags {
		flags = append(flags, string(f.Kind)+" "+f.Goal)
	}
	// G1 last had data Thursday (1 day since); G2 never, since its start
	// on Nov 2: 10 school days.
	if len(flags) != 1 || flags[0] != "no_data G2" || s.Goals[1].NoDataDays != 10 {
		t.Errorf("flags %v, G2 no data %d days; want only no_data G2 and 10", flags, s.Goals[1].NoDataDays)
	}
}

func TestLatencyOnTrack(t *testing.T) {
	// Aim: 60 s on Nov 2 to 10 s on Nov 30; Wed 43.93, Thu 42.14, Fri 40.36.
	g := trialGoal(0)
	g.Type, g.Target, g.BaselineValue = TypeLatency, 10, 60
	var ss []Session
	for i, v := range []int{50, 45, 40, 35, 30} {
		ss = append(ss, Session{GoalID: 1, At: at(t, "2026-11-09 10:00").AddDate(0, 0, i), Type: TypeLatency, Latency: time.Duration(v) * time.Second, Active: true})
	}
	s := summarize(t, Input{Goals: []Goal{g}, Sessions: ss})
	gs := s.Goals[0]
	if gs.Progress != OnTrack || !near(gs.Mean, 40) || !near(gs.TrendPerWeek, -35) || gs.Stalled {
		t.Errorf("progress %q mean %v trend %v stalled %v, want on track, 40, -35, false", gs.Progress, gs.Mean, gs.TrendPerWeek, gs.Stalled)
	}
}

func TestWeekendPeriod(t *testing.T) {
	s := summarize(t, Input{Goals: []Goal{trialGoal(1)}, Period: Period{From: at(t, "2026-11-14 00:00"), To: at(t, "2026-11-15 00:00"), Loc: testLoc}})
	if s.SchoolDays != 0 || s.Goals[0].DaysDue != 0 || s.Goals[0].Progress != NotEnoughData {
		t.Errorf("weekend: school days %d due %d progress %q", s.SchoolDays, s.Goals[0].DaysDue, s.Goals[0].Progress)
	}
	s = summarize(t, Input{Goals: []Goal{trialGoal(1)}})
	if s.SchoolDays != 5 {
		t.Errorf("a school week has %d school days", s.SchoolDays)
	}
}
