package export

import (
	"fmt"
	"testing"
)

// days makes session days from {correct, trials} pairs, one a day from
// 2026-11-10.
func days(pairs ...[2]int) []Session {
	out := make([]Session, len(pairs))
	for i, p := range pairs {
		out[i] = Session{Date: fmt.Sprintf("2026-11-%02d", 10+i),
			Tally: Tally{Correct: p[0], TrialCount: p[1]}}
	}
	return out
}

func TestMastery(t *testing.T) {
	c := Criterion{Percent: 80, Sessions: 3, MinTrials: 5}
	tests := []struct {
		name     string
		c        Criterion
		sessions []Session
		want     Mastery
	}{
		{"no sessions", c, nil, Mastery{Needed: 3}},
		{"exactly at the criterion", c, days([2]int{4, 5}, [2]int{4, 5}, [2]int{8, 10}),
			Mastery{Met: true, MetOn: "2026-11-12", BestRun: 3, Needed: 3}},
		{"met on the first full run only", c, days([2]int{5, 5}, [2]int{5, 5}, [2]int{5, 5}, [2]int{5, 5}),
			Mastery{Met: true, MetOn: "2026-11-12", BestRun: 4, Needed: 3}},
		{"a low day breaks the run", c, days([2]int{5, 5}, [2]int{5, 5}, [2]int{3, 5}, [2]int{5, 5}, [2]int{5, 5}),
			Mastery{BestRun: 2, Needed: 3}},
		{"a short day breaks the run", c, days([2]int{5, 5}, [2]int{5, 5}, [2]int{4, 4}, [2]int{5, 5}, [2]int{5, 5}),
			Mastery{BestRun: 2, Needed: 3}},
		{"run after a break", c, days([2]int{1, 5}, [2]int{5, 5}, [2]int{6, 6}, [2]int{5, 6}),
			Mastery{Met: true, MetOn: "2026-11-13", BestRun: 3, Needed: 3}},
		{"79.6% is not 80%", c, days([2]int{39, 49}, [2]int{5, 5}, [2]int{5, 5}), Mastery{BestRun: 2, Needed: 3}},
		{"one session", Criterion{Percent: 100, Sessions: 1, MinTrials: 1}, days([2]int{0, 1}, [2]int{2, 2}),
			Mastery{Met: true, MetOn: "2026-11-11", BestRun: 1, Needed: 1}},
		{"no criterion", Criterion{}, days([2]int{5, 5}), Mastery{}},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			if got := mastery(tc.c, tc.sessions); got != tc.want {
				t.Errorf("mastery = %+v, want %+v", got, tc.want)
			}
		})
	}
}

func TestPercent(t *testing.T) {
	for _, tc := range []struct{ n, total, want int }{
		{0, 5, 0}, {4, 5, 80}, {13, 15, 87}, {5, 8, 63}, {1, 3, 33}, {2, 3, 67}, {1, 200, 1}, {1, 201, 0}, {7, 7, 100},
	} {
		if got := percent(tc.n, tc.total); got == nil || *got != tc.want {
			t.Errorf("percent(%d, %d) = %v, want %d", tc.n, tc.total, got, tc.want)
		}
	}
	if got := percent(0, 0); got != nil {
		t.Errorf("percent of no trials = %d, want nil", *got)
	}
}

func TestDuration(t *testing.T) {
	for sec, want := range map[int64]string{0: "0s", 45: "45s", 60: "1m", 90: "1m 30s", 3900: "1h 5m", 7201: "2h 1s"} {
		if got := duration(sec); got != want {
			t.Errorf("duration(%d) = %q, want %q", sec, got, want)
		}
	}
}

func TestCell(t *testing.T) {
	for in, want := range map[string]string{
		"": "", "calm": "calm", "=SUM(A1)": "'=SUM(A1)", "+1 day": "'+1 day", "-ate lunch": "'-ate lunch",
		"@here": "'@here", "\tx": "'\tx", "2026-11-20T09:40:00-05:00": "2026-11-20T09:40:00-05:00",
	} {
		if got := cell(in); got != want {
			t.Errorf("cell(%q) = %q, want %q", in, got, want)
		}
	}
}
