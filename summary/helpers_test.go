package summary

import (
	"strings"
	"testing"
	"time"

	"parabot/storage"
)

var testLoc = mustLoc("America/New_York")

func mustLoc(name string) *time.Location {
	loc, err := time.LoadLocation(name)
	if err != nil {
		panic(err)
	}
	return loc
}

// at is a school time: "2026-11-09 09:30".
func at(t testing.TB, s string) time.Time {
	t.Helper()
	v, err := time.ParseInLocation("2006-01-02 15:04", s, testLoc)
	if err != nil {
		t.Fatalf("bad test time %q: %v", s, err)
	}
	return v
}

// trials reads "+i +v -i 0m": + correct, - incorrect, 0 no response, then
// the prompt's letter (i g v m p f).
func trials(t testing.TB, s string) []storage.TrialResult {
	t.Helper()
	var out []storage.TrialResult
	for _, f := range strings.Fields(s) {
		var r storage.TrialResult
		switch f[0] {
		case '+':
			r.Outcome = storage.Correct
		case '-':
			r.Outcome = storage.Incorrect
		case '0':
			r.Outcome = storage.NoResponse
		default:
			t.Fatalf("bad trial %q", f)
		}
		r.Prompt = promptLetter(t, f[1])
		out = append(out, r)
	}
	return out
}

func promptLetter(t testing.TB, c byte) storage.Prompt {
	t.Helper()
	i := strings.IndexByte("igvmpf", c)
	if i < 0 {
		t.Fatalf("bad prompt letter %q", c)
	}
	return storage.Prompt(i)
}

// trialSession is an active trials session of goal 1 by staff 7.
func trialSession(t testing.TB, when, results string) Session {
	t.Helper()
	return Session{GoalID: 1, StaffID: 7, At: at(t, when), Type: TypeTrials, Trials: trials(t, results), Active: true}
}

// repeat is n copies of one trial code, space separated.
func repeat(code string, n int) string {
	return strings.TrimSpace(strings.Repeat(code+" ", n))
}

// week is Monday 2026-11-09 to Friday 2026-11-13.
func week(t testing.TB) Period {
	return Period{From: at(t, "2026-11-09 00:00"), To: at(t, "2026-11-13 23:00"), Loc: testLoc}
}

// trialGoal is G1: 80% over 3 sessions with at least minTrials trials,
// from 2026-11-02 to 2026-11-30, baseline 20%.
func trialGoal(minTrials int) Goal {
	return Goal{Goal: storage.Goal{ID: 1, StudentID: 1, Code: "G1", Text: "Ava will name letters.", MasteryPercent: 80,
		MasterySessions: 3, MasteryMinTrials: minTrials, StartDate: "2026-11-02", EndDate: "2026-11-30", Active: true},
		Type: TypeTrials, BaselineValue: 20, HasBaseline: true}
}

func summarize(t testing.TB, in Input) Student {
	t.Helper()
	if in.Period.Loc == nil {
		in.Period = week(t)
	}
	if in.Student.Code == "" {
		in.Student = storage.Student{ID: 1, Code: "S101", Initials: "A.B.", FirstName: "Ava", LastName: "Brooks", Active: true}
	}
	s, err := Summarize(in)
	if err != nil {
		t.Fatalf("Summarize: %v", err)
	}
	return s
}

func near(a, b float64) bool { return a-b < 1e-6 && b-a < 1e-6 }
