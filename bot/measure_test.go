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
		{freq, "3 30m", storage.SessionValues{Type: storage.MeasureFrequency, Count: 3, Span: 30 * time.Minute}, ""},
		{freq, "3 30 min", storage.SessionValues{Type: storage.MeasureFrequency, Count: 3, Span: 30 * time.Minute}, ""},
		{freq, "3 in 4", storage.SessionValues{Type: storage.MeasureFrequency, Count: 3, Span: 4 * time.Minute}, ""}, // after "in", minutes as everywhere
		{freq, "3 4", storage.SessionValues{}, `G2 is a frequency goal: "4" after the count needs a unit to be the time watched, like 3 in 4m. Type a count`},
		{freq, "3 4 5", storage.SessionValues{}, `"4 5" after the count needs a unit to be the time watched, like 3 in 30m.`},
		{freq, "three", storage.SessionValues{}, `G2 is a frequency goal: "three" is not a count`},
		{freq, "3 in ages", storage.SessionValues{}, `"ages" is not the time watched`},
		{freq, "-2", storage.SessionValues{}, "is not a count"},
		{dur, "8m30s", storage.SessionValues{Type: storage.MeasureDuration, Duration: 8*time.Minute + 30*time.Second}, ""},
		{dur, "8:30", storage.SessionValues{Type: storage.MeasureDuration, Duration: 8*time.Minute + 30*time.Second}, ""},
		{dur, "90s", storage.SessionValues{Type: storage.MeasureDuration, Duration: 90 * time.Second}, ""},
		{dur, "10", storage.SessionValues{Type: storage.MeasureDuration, Duration: 10 * time.Minute}, ""},
		{dur, "10:05-10:13", storage.SessionValues{Type: storage.MeasureDuration, Duration: 8 * time.Minute}, ""},
		{dur, "10:13-10:05", storage.SessionValues{}, "the stop, 10:05, is not after the start, 10:13"},
		{dur, "23:50-00:10", storage.SessionValues{}, "the stop, 00:10, is not after the start, 23:50 (a range starts and stops on one day"},
		{dur, "12:50-1:10", storage.SessionValues{Type: storage.MeasureDuration, Duration: 20 * time.Minute}, ""}, // 1:10 is pm, as at= reads it
		{dur, "2:30pm-2:45pm", storage.SessionValues{Type: storage.MeasureDuration, Duration: 15 * time.Minute}, ""},
		{dur, "10:05-soon", storage.SessionValues{}, `"10:05-soon" is not a start and a stop time`},
		{dur, "0", storage.SessionValues{}, "is not a duration"},
		{dur, "", storage.SessionValues{}, "the value is missing. Type how long"},
		{lat, "45s", storage.SessionValues{Type: storage.MeasureLatency, Latencies: []time.Duration{45 * time.Second}}, ""},
		{lat, "12 1m10s, 3.5", storage.SessionValues{Type: storage.MeasureLatency, Latencies: []time.Duration{12 * time.Second, 70 * time.Second, 3500 * time.Millisecond}}, ""},
		{lat, "soon", storage.SessionValues{}, `"soon" is not a latency`},
		{ta, "i v m i", storage.SessionValues{Type: storage.MeasureTaskAnalysis, Results: []storage.TrialResult{c(storage.Independent), c(storage.Verbal), c(storage.Model), c(storage.Independent)}}, ""},
		{ta, "ivm-", storage.SessionValues{Type: storage.MeasureTaskAnalysis, Results: []storage.TrialResult{c(storage.Independent), c(storage.Verbal), c(storage.Model), wrong}}, ""},
		{ta, "i v m", storage.SessionValues{}, "it has 4 steps, and 3 codes were given. Type one code per step (unpack, hang coat, turn in folder, start work)"},
		{ta, "3/4", storage.SessionValues{}, "does not say which step"},
		{ta, "i v x i", storage.SessionValues{}, `G3 is a task analysis goal: "x" is not a trial code; use +, C or I: correct, independent; G or GP: gestural prompt; ` +
			"V or VP: verbal prompt; M: model prompt; P or PP: partial physical prompt; FP: full physical prompt; -: incorrect; 0 or NR: no response. Type one code per step"},
		{rating, "3", storage.SessionValues{Type: storage.MeasureRating, Rating: 3, Of: 4}, ""},
		{rating, "Emerging", storage.SessionValues{Type: storage.MeasureRating, Rating: 2, Of: 4}, ""},
		{rating, "5", storage.SessionValues{}, "5 is off the scale. Type the score, 1 not yet, 2 emerging, 3 developing, 4 mastered"},
		{rating, "great", storage.SessionValues{}, `"great" is not on its scale`},
	}
	for _, tc := range tests {
		got, err := ParseValues(tc.goal, tc.in, DefaultCodes(), time.Time{}, time.Time{})
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

// TestTaskAnalysisCodesOnly: a routine's steps are answered with the
// codes of steps, never with counts of trials (3/5), which they refuse.
func TestTaskAnalysisCodesOnly(t *testing.T) {
	ta := storage.Goal{Code: "G3", Type: storage.MeasureTaskAnalysis, Steps: []string{"unpack", "hang coat"}}
	_, err := ParseValues(ta, "i x", DefaultCodes(), time.Time{}, time.Time{})
	if err == nil || strings.Contains(err.Error(), "3/5") || strings.Contains(err.Error(), "+v or -v") || !strings.Contains(err.Error(), "G or GP: gestural prompt") {
		t.Errorf("task analysis error %v: want the step codes without counts", err)
	}
	if _, err := ParseValues(storage.Goal{Code: "G1"}, "i x", DefaultCodes(), time.Time{}, time.Time{}); err == nil || !strings.Contains(err.Error(), "3/5 is 3 correct of 5") {
		t.Errorf("trials error %v: want counts offered", err)
	}
}

// TestDurationRange: start and stop times are read on the day of the
// session's time and must have ended by it: now, or the backdated time.
func TestDurationRange(t *testing.T) {
	loc, _ := time.LoadLocation("America/New_York")
	now := time.Date(2027, 3, 12, 10, 0, 0, 0, loc)
	dur := storage.Goal{Code: "G2", Type: storage.MeasureDuration}
	for _, tc := range []struct {
		in   string
		at   time.Time
		want time.Duration
		err  string
	}{
		{"9:10-9:30", now, 20 * time.Minute, ""},
		{"9:40-10:00", now, 20 * time.Minute, ""},
		{"9:50-10:30", now, 0, "G2 is a duration goal: 10:30 is in the future (it is 10:00 now); log a range that has ended, or how long so far. Type how long"},
		{"1:15-1:30", now, 0, "13:30 is in the future (it is 10:00 now)"}, // 1:15 is pm, as at= reads it
		{"9:10-9:30", now.Add(-20 * time.Minute), 20 * time.Minute, ""},
		{"9:30-9:50", now.Add(-20 * time.Minute), 0, "the range ends at 09:50, after the session's time, 09:40; give the time it ended (at 09:50)."},
		{"9:50-10:30", now.AddDate(0, 0, -1).Add(4 * time.Hour), 40 * time.Minute, ""}, // yesterday 14:00
		{"13:50-14:30", now.AddDate(0, 0, -1).Add(4 * time.Hour), 0, "give the time it ended (at=2027-03-11 14:30)"},
		{"10:13-10:05", now, 0, "the stop, 10:05, is not after the start, 10:13"},
	} {
		v, err := ParseValues(dur, tc.in, nil, tc.at, now)
		if tc.err != "" {
			if _, ok := AsUserError(err); !ok || !strings.Contains(err.Error(), tc.err) {
				t.Errorf("%s at %s: error %v, want %q", tc.in, tc.at.Format("01-02 15:04"), err, tc.err)
			}
			continue
		}
		if err != nil || v.Duration != tc.want {
			t.Errorf("%s at %s = %v, %v; want %v", tc.in, tc.at.Format("01-02 15:04"), v.Duration, err, tc.want)
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
		v, err := ParseValues(tc.goal, tc.in, DefaultCodes(), time.Time{}, time.Time{})
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
			v, err := ParseValues(g, s, DefaultCodes(), time.Time{}, time.Time{})
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
