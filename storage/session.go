package storage

import (
	"encoding/json"
	"errors"
	"fmt"
	"slices"
	"time"
)

// Measure is how an IEP goal is measured; it decides the values a
// session of the goal holds.
type Measure string

// The measurement types. Every session is a row of one shape whatever its
// type: the values as logged (Data, JSON in the type's shape) and the
// counts summaries read. Trials store [outcome, prompt] pairs in order;
// each other type defines its Data when it is first logged (a count, a
// duration, task-analysis steps with their prompts, a rating) and uses
// the counts where they mean something (steps done, steps independent).
const (
	MeasureTrials       Measure = "trials"
	MeasureFrequency    Measure = "frequency"
	MeasureDuration     Measure = "duration"
	MeasureLatency      Measure = "latency"
	MeasureTaskAnalysis Measure = "task_analysis"
	MeasureRating       Measure = "rating"
)

// Measures lists the measurement types in the order help shows them.
var Measures = []Measure{MeasureTrials, MeasureFrequency, MeasureDuration, MeasureLatency, MeasureTaskAnalysis, MeasureRating}

// Valid reports whether m is a known measurement type.
func (m Measure) Valid() bool { return slices.Contains(Measures, m) }

// Session is the data of one goal logged together: for trials, the
// outcomes and prompts in the order they were logged. A session is one
// entry's data: its ID is the entry's.
type Session struct {
	ID        int64
	EntryID   int64
	GoalID    int64
	StudentID int64
	StaffID   int64
	At        time.Time
	Type      Measure
	// Data is the values exactly as logged, as JSON in the type's shape;
	// for trials an array of [outcome, prompt] pairs.
	Data json.RawMessage
	// Trials, Correct and Independent count a trials session: trials
	// logged, correct ones, and correct ones with no prompt (a wrong
	// answer is never independent).
	Trials, Correct, Independent int
	// Note is the short comment logged with it ("was tired").
	Note   string
	Active bool
}

// SessionValues are the values of one session, by type: trials and task
// analysis steps as outcome and prompt (a step's in step order), a
// frequency's count and the span observed, a duration, latencies (one
// per direction given), a rating and the top of its scale.
type SessionValues struct {
	Type      Measure
	Results   []TrialResult // trials; task analysis, one per step
	Count     int           // frequency
	Span      time.Duration // frequency: the time observed, zero when not timed
	Duration  time.Duration // duration
	Latencies []time.Duration
	Rating    int // rating: 1..Of
	Of        int
}

// sessionJSON is the Data of every type but trials and task analysis
// (whose Data is the [outcome, prompt] pairs).
type sessionJSON struct {
	Count     int       `json:"count,omitempty"`
	SpanS     float64   `json:"span_s,omitempty"`
	Seconds   float64   `json:"seconds,omitempty"`
	Latencies []float64 `json:"latencies_s,omitempty"`
	Rating    int       `json:"rating,omitempty"`
	Of        int       `json:"of,omitempty"`
}

// Data encodes the values as a session's Data, in the type's shape.
func (v SessionValues) Data() json.RawMessage {
	switch v.Type {
	case MeasureTrials, MeasureTaskAnalysis:
		return TrialData(v.Results)
	}
	j := sessionJSON{Count: v.Count, SpanS: v.Span.Seconds(), Seconds: v.Duration.Seconds(), Rating: v.Rating, Of: v.Of}
	for _, l := range v.Latencies {
		j.Latencies = append(j.Latencies, l.Seconds())
	}
	if v.Type == MeasureFrequency && v.Count == 0 {
		return json.RawMessage(`{"count":0}`) // a zero count is data, not an empty object
	}
	b, _ := json.Marshal(j) // numbers always marshal
	return b
}

// Counts are the session's counts: trials, correct and independent for
// trials and task analysis (steps, steps done, steps done with no
// prompt; a wrong answer is never independent), the number of
// latencies, and 1 for every other type (one observation).
func (v SessionValues) Counts() (trials, correct, independent int) {
	switch v.Type {
	case MeasureTrials, MeasureTaskAnalysis:
		return TrialCounts(v.Results)
	case MeasureLatency:
		return len(v.Latencies), 0, 0
	}
	return 1, 0, 0
}

// Check reports values that do not fit their type.
func (v SessionValues) Check() error {
	switch v.Type {
	case MeasureTrials, MeasureTaskAnalysis:
		if len(v.Results) == 0 {
			return fmt.Errorf("a %s session needs at least one value", v.Type)
		}
		for i, r := range v.Results {
			if !r.Outcome.Valid() || !r.Prompt.Valid() {
				return fmt.Errorf("value %d has outcome %q and prompt %d, which are not on the scales", i+1, r.Outcome, int(r.Prompt))
			}
		}
	case MeasureFrequency:
		if v.Count < 0 || v.Span < 0 {
			return fmt.Errorf("a count of %d over %s is not a frequency", v.Count, v.Span)
		}
	case MeasureDuration:
		if v.Duration <= 0 {
			return fmt.Errorf("a duration of %s is not positive", v.Duration)
		}
	case MeasureLatency:
		if len(v.Latencies) == 0 {
			return errors.New("a latency session needs at least one latency")
		}
		for _, l := range v.Latencies {
			if l < 0 {
				return fmt.Errorf("a latency of %s is negative", l)
			}
		}
	case MeasureRating:
		if v.Of < 1 || v.Rating < 1 || v.Rating > v.Of {
			return fmt.Errorf("a rating of %d of %d is not on the scale", v.Rating, v.Of)
		}
	default:
		return fmt.Errorf("%q is not a measurement type", v.Type)
	}
	return nil
}

// Values decodes a session's Data into its values.
func (s Session) Values() (SessionValues, error) {
	v := SessionValues{Type: s.Type}
	switch s.Type {
	case MeasureTrials, MeasureTaskAnalysis:
		rs, err := decodePairs(s.ID, s.Data)
		v.Results = rs
		return v, err
	}
	var j sessionJSON
	if err := json.Unmarshal(s.Data, &j); err != nil {
		return v, fmt.Errorf("decoding %s session %d: %w", s.Type, s.ID, err)
	}
	v.Count, v.Span, v.Duration = j.Count, seconds(j.SpanS), seconds(j.Seconds)
	v.Rating, v.Of = j.Rating, j.Of
	for _, l := range j.Latencies {
		v.Latencies = append(v.Latencies, seconds(l))
	}
	return v, nil
}

func seconds(f float64) time.Duration {
	return time.Duration(f * float64(time.Second)).Round(time.Millisecond)
}

// SessionLog is one session to log: the values of one goal logged
// together, the entry's name-free summary and the comment typed with it.
type SessionLog struct {
	GoalID    int64
	StudentID int64
	StaffID   int64
	At        time.Time
	Values    SessionValues
	Summary   string
	Note      string
	// LoggedAt is when it was logged; zero means At.
	LoggedAt time.Time
}

// SessionCheck names what logging a session looks at before it writes.
type SessionCheck struct {
	OnceKey   string // the request's one-time key; "" for none
	SchoolID  int64
	StudentID int64
	GoalID    int64
	Day       string // the school day of the session, YYYY-MM-DD
	// From and To bound, [From, To), where a session with the same
	// values is a likely duplicate.
	From, To time.Time
	Values   SessionValues
}

// SessionChecked is what CheckSession found.
type SessionChecked struct {
	Claimed bool // the one-time key was used already
	Absent  bool // the student is marked absent on the day
	// Same is the first active session of the goal in [From, To) with
	// the same type and values (its StaffID and At), when SameFound.
	SameFound   bool
	SameStaffID int64
	SameAt      time.Time
}

// TrialData encodes trial results as a trials session's Data.
func TrialData(results []TrialResult) json.RawMessage {
	pairs := make([][2]any, len(results))
	for i, r := range results {
		pairs[i] = [2]any{string(r.Outcome), int(r.Prompt)}
	}
	b, _ := json.Marshal(pairs) // strings and ints always marshal
	return b
}

// TrialCounts counts trials, correct ones and independent correct ones.
func TrialCounts(results []TrialResult) (trials, correct, independent int) {
	for _, r := range results {
		if r.Outcome == Correct {
			correct++
			if r.Prompt == Independent {
				independent++
			}
		}
	}
	return len(results), correct, independent
}

// Results decodes a trials session's values, in the order logged.
func (s Session) Results() ([]TrialResult, error) {
	if s.Type != MeasureTrials {
		return nil, fmt.Errorf("session %d is a %s session, not trials", s.ID, s.Type)
	}
	return decodePairs(s.ID, s.Data)
}

// decodePairs decodes [outcome, prompt] pairs: in one pass when they are
// as TrialData writes them, else with encoding/json.
func decodePairs(id int64, data json.RawMessage) ([]TrialResult, error) {
	if out, ok := parseTrials(data); ok {
		return out, nil
	}
	var raw [][2]json.RawMessage
	if err := json.Unmarshal(data, &raw); err != nil {
		return nil, fmt.Errorf("decoding session %d: %w", id, err)
	}
	out := make([]TrialResult, len(raw))
	for i, p := range raw {
		if err := json.Unmarshal(p[0], &out[i].Outcome); err != nil {
			return nil, fmt.Errorf("decoding session %d, value %d: %w", id, i+1, err)
		}
		if err := json.Unmarshal(p[1], &out[i].Prompt); err != nil {
			return nil, fmt.Errorf("decoding session %d, value %d: %w", id, i+1, err)
		}
	}
	return out, nil
}
