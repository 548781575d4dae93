package storage

import (
	"encoding/json"
	"fmt"
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
	Active                       bool
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
	if out, ok := parseTrials(s.Data); ok {
		return out, nil
	}
	var raw [][2]json.RawMessage
	if err := json.Unmarshal(s.Data, &raw); err != nil {
		return nil, fmt.Errorf("decoding session %d: %w", s.ID, err)
	}
	out := make([]TrialResult, len(raw))
	for i, p := range raw {
		if err := json.Unmarshal(p[0], &out[i].Outcome); err != nil {
			return nil, fmt.Errorf("decoding session %d, trial %d: %w", s.ID, i+1, err)
		}
		if err := json.Unmarshal(p[1], &out[i].Prompt); err != nil {
			return nil, fmt.Errorf("decoding session %d, trial %d: %w", s.ID, i+1, err)
		}
	}
	return out, nil
}
