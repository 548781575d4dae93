package summary

import (
	"fmt"
	"math/rand/v2"
	"testing"
	"time"

	"parabot/storage"
)

// yearInputs is a school year (2026-09-14 to 2027-06-11) of trials data
// for as many students (4 trials goals each, one session of 10 trials a
// school day per goal) as make about trials trials; the period is the
// whole year, or its last week when lastWeek.
func yearInputs(tb testing.TB, trials int, lastWeek bool) []Input {
	tb.Helper()
	rng := rand.New(rand.NewPCG(1, 2))
	from := time.Date(2026, 9, 14, 0, 0, 0, 0, testLoc)
	to := time.Date(2027, 6, 11, 0, 0, 0, 0, testLoc)
	var days []time.Time
	for d := from; !d.After(to); d = d.AddDate(0, 0, 1) {
		if wd := d.Weekday(); wd != time.Saturday && wd != time.Sunday {
			days = append(days, d.Add(10*time.Hour))
		}
	}
	perStudent := 4 * len(days) * 10
	students := max(1, trials/perStudent)
	period := Period{From: from, To: to, Loc: testLoc}
	if lastWeek {
		period.From = to.AddDate(0, 0, -4)
	}
	out := make([]Input, 0, students)
	for s := range students {
		in := Input{Student: storage.Student{ID: int64(s + 1), Code: fmt.Sprintf("S%04d", s)}, Period: period}
		for gi := range 4 {
			g := trialGoal(10)
			g.ID, g.Code, g.StartDate, g.EndDate = int64(s*4+gi+1), fmt.Sprintf("G%d", gi+1), "2026-09-14", "2027-06-11"
			in.Goals = append(in.Goals, g)
			for di, d := range days {
				rs := make([]storage.TrialResult, 10)
				p := 0.3 + 0.6*float64(di)/float64(len(days))
				for i := range rs {
					rs[i].Prompt = storage.Prompt(rng.IntN(4))
					rs[i].Outcome = storage.Incorrect
					if rng.Float64() < p {
						rs[i].Outcome = storage.Correct
					}
				}
				in.Sessions = append(in.Sessions, Session{GoalID: g.ID, StaffID: 1, At: d, Type: TypeTrials, Trials: rs, Active: true})
			}
		}
		out = append(out, in)
	}
	return out
}

// BenchmarkYearStats summarizes a school year of sessions for every
// student; trials/op says how many trials that reads, ns/trial the cost of
// each.
func BenchmarkYearStats(b *testing.B) {
	for _, n := range []int{50_000, 500_000, 5_000_000} {
		b.Run(fmt.Sprintf("trials=%d", n), func(b *testing.B) {
			inputs := yearInputs(b, n, false)
			trials := 0
			for _, in := range inputs {
				trials += 10 * len(in.Sessions)
			}
			b.ResetTimer()
			for b.Loop() {
				for _, in := range inputs {
					if _, err := Summarize(in); err != nil {
						b.Fatal(err)
					}
				}
			}
			b.ReportMetric(float64(trials), "trials/op")
			b.ReportMetric(float64(b.Elapsed().Nanoseconds())/float64(b.N)/float64(trials), "ns/trial")
		})
	}
}

// BenchmarkWeeklyTeacher is one teacher's weekly summary: 12 students and
// 48 goals with a year of history in memory, summarized and rendered for
// the channel and the teacher.
func BenchmarkWeeklyTeacher(b *testing.B) {
	inputs := yearInputs(b, 12*4*10*195, true)[:12]
	b.ResetTimer()
	for b.Loop() {
		var students []Student
		for _, in := range inputs {
			s, err := Summarize(in)
			if err != nil {
				b.Fatal(err)
			}
			students = append(students, s)
		}
		_ = ChannelReply(students)
		_ = PrivateReply(students, nil)
	}
}
