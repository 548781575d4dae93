package bot

import (
	"reflect"
	"strings"
	"testing"
	"time"

	"parabot/storage"
)

func TestParseSessionValues(t *testing.T) {
	c := func(p storage.Prompt) storage.TrialResult {
		return storage.TrialResult{Outcome: storage.Correct, Prompt: p}
	}
	wrong := storage.TrialResult{Outcome: storage.Incorrect}
	freq := storage.Goal{Code: "G2", Type: storage.MeasureFrequency}
	dur := storage.Goal{Code: "G2", Type: storage.MeasureDuration}
	lat := storage.Goal{Code: "G2", Type: storage.MeasureLatency}
	ta := storage.Goal{Code: "G3", Type: storage.MeasureTaskAnalysis, Steps: []string{"unpack", "hang coat", "turn in folder", "start work"}}
	rating := storage.Goal{Code: "G4", Type: storage.MeasureRating, Scale: []string{"not yet", "emerging", "developing", "mastered"}}
	trials := storage.Goal{Code: "G1"}
	tests := []struct {
		goal storage.Goal
		in   string
		want storage.SessionValues
		err  string // part of the error, "" for none
	}{
		{trials, "+ v -", storage.SessionValues{Type: storage.MeasureTrials, Results: []storage.TrialResult{c(storage.Independent), c(storage.Verbal), wrong}}, ""},
		{trials, "2/3", storage.SessionValues{Type: storage.MeasureTrials, Results: []storage.TrialResult{c(storage.Independent), c(storage.Independent), wrong}}, ""},
		{freq, "3", storage.SessionValues{Type: storage.MeasureFrequency, Count: 3}, ""},
		{freq, "+1", storage.SessionValues{Type: storage.MeasureFrequency, Count: 1}, ""},
		{freq, "0", storage.SessionValues{Type: storage.MeasureFrequency}, ""},
		{freq, "3 in 30m", storage.SessionValues{Type: storage.MeasureFrequency, Count: 3, Span: 30 * time.Minute}, ""},
		{freq, "4 over 1h", storage.SessionValues{Type: storage.MeasureFrequency, Count: 4, Span: time.Hour}, ""},
		{freq, "three", storage.SessionValues{}, `G2 is a frequency goal: "three" is not a count`},
		{freq, "3 in ages", storage.SessionValues{}, `"ages" is not the time watched`},
		{freq, "-2", storage.SessionValues{}, "is not a count"},
		{dur, "8m30s", storage.SessionValues{Type: storage.MeasureDuration, Duration: 8*time.Minute + 30*time.Second}, ""},
		{dur, "8:30", storage.SessionValues{Type: storage.MeasureDuration, Duration: 8*time.Minute + 30*time.Second}, ""},
		{dur, "90s", storage.SessionValues{Type: storage.MeasureDuration, Duration: 90 * time.Second}, ""},
		{dur, "10", storage.SessionValues{Type: storage.MeasureDuration, Duration: 10 * time.Minute}, ""},
		{dur, "10:05-10:13", storage.SessionValues{Type: storage.MeasureDuration, Duration: 8 * time.Minute}, ""},
		{dur, "10:13-10:05", storage.SessionValues{}, "is not a duration"},
		{dur, "0", storage.SessionValues{}, "is not a duration"},
		{dur, "", storage.SessionValues{}, "the value is missing. Type how long"},
		{lat, "45s", storage.SessionValues{Type: storage.MeasureLatency, Latencies: []time.Duration{45 * time.Second}}, ""},
		{lat, "12 1m10s, 3.5", storage.SessionValues{Type: storage.MeasureLatency, Latencies: []time.Duration{12 * time.Second, 70 * time.Second, 3500 * time.Millisecond}}, ""},
		{lat, "soon", storage.SessionValues{}, `"soon" is not a latency`},
		{ta, "i v m i", storage.SessionValues{Type: storage.MeasureTaskAnalysis, Results: []storage.TrialResult{c(storage.Independent), c(storage.Verbal), c(storage.Model), c(storage.Independent)}}, ""},
		{ta, "ivm-", storage.SessionValues{Type: storage.MeasureTaskAnalysis, Results: []storage.TrialResult{c(storage.Independent), c(storage.Verbal), c(storage.Model), wrong}}, ""},
		{ta, "i v m", storage.SessionValues{}, "it has 4 steps, and 3 codes were given. Type one code per step (unpack, hang coat, turn in folder, start work)"},
		{ta, "3/4", storage.SessionValues{}, "does not say which step"},
		{rating, "3", storage.SessionValues{Type: storage.MeasureRating, Rating: 3, Of: 4}, ""},
		{rating, "Emerging", storage.SessionValues{Type: storage.MeasureRating, Rating: 2, Of: 4}, ""},
		{rating, "5", storage.SessionValues{}, "5 is off the scale. Type the score, 1 not yet, 2 emerging, 3 developing, 4 mastered"},
		{rating, "great", storage.SessionValues{}, `"great" is not on its scale`},
	}
	for _, tc := range tests {
		got, err := ParseValues(tc.goal, tc.in, DefaultCodes())
		if tc.err != "" {
			if err == nil || !strings.Contains(err.Error(), tc.err) {
				t.Errorf("ParseValues(%s, %q) error = %v, want one containing %q", tc.goal.Measure(), tc.in, err, tc.err)
			}
			if _, ok := AsUserError(err); err != nil && !ok {
				t.Errorf("ParseValues(%s, %q) error %v is not a UserError", tc.goal.Measure(), tc.in, err)
			}
			continue
		}
		if err != nil || !reflect.DeepEqual(got, tc.want) {
			t.Errorf("ParseValues(%s, %q) = %+v, %v; want %+v", tc.goal.Measure(), tc.in, got, err, tc.want)
			continue
		}
		if err := got.Check(); err != nil {
			t.Errorf("ParseValues(%s, %q) = %+v, which storage refuses: %v", tc.goal.Measure(), tc.in, got, err)
		}
	}
}

func TestDescribeValues(t *testing.T) {
	ta := storage.Goal{Type: storage.MeasureTaskAnalysis, Steps: []string{"unpack", "hang coat", "turn in folder"}}
	rating := storage.Goal{Type: storage.MeasureRating, Scale: []string{"not yet", "emerging", "mastered"}}
	tests := []struct {
		goal storage.Goal
		in   string
		want string
	}{
		{storage.Goal{Type: storage.MeasureFrequency}, "3 in 30m", "count 3 in 30m (6.0 an hour)"},
		{storage.Goal{Type: storage.MeasureDuration}, "8:30", "duration 8m30s"},
		{storage.Goal{Type: storage.MeasureLatency}, "45 70", "latency 45s, 1m10s"},
		{ta, "i v -", "2 of 3 steps done, 1 independent (hang coat: verbal; turn in folder: not done)"},
		{rating, "2", "rating 2 of 3 (emerging)"},
		{storage.Goal{}, "+ v -", "2/3 correct, 1 independent"},
	}
	for _, tc := range tests {
		v, err := ParseValues(tc.goal, tc.in, DefaultCodes())
		if err != nil {
			t.Fatalf("ParseValues(%q): %v", tc.in, err)
		}
		if got := DescribeValues(tc.goal, v); got != tc.want {
			t.Errorf("DescribeValues(%q) = %q, want %q", tc.in, got, tc.want)
		}
	}
}

func FuzzParseSessionValues(f *testing.F) {
	for _, s := range []string{"3", "+1", "3 in 30m", "8m30s", "10:05-10:13", "45 20", "i v m i", "2", "emerging"} {
		f.Add(s)
	}
	goals := []storage.Goal{{Type: storage.MeasureFrequency}, {Type: storage.MeasureDuration}, {Type: storage.MeasureLatency},
		{Type: storage.MeasureTaskAnalysis, Steps: []string{"a", "b", "c", "d"}}, {Type: storage.MeasureRating, Scale: []string{"x", "y", "z"}}}
	f.Fuzz(func(t *testing.T, s string) {
		for _, g := range goals {
			v, err := ParseValues(g, s, DefaultCodes())
			if err != nil {
				if _, ok := AsUserError(err); !ok {
					t.Fatalf("ParseValues(%s, %q): %v is not a UserError", g.Type, s, err)
				}
				continue
			}
			if err := v.Check(); err != nil {
				t.Fatalf("ParseValues(%s, %q) = %+v, which storage refuses: %v", g.Type, s, v, err)
			}
		}
	})
}
