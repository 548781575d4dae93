package summary

import (
	"regexp"
	"sort"
	"strconv"
	"time"

	"parabot/storage"
)

// GoalOf is a stored goal as summaries judge it: its type, steps and
// scale; the baseline's first percent (or "n of m") becomes the aim
// line's start.
func GoalOf(g storage.Goal) Goal {
	out := Goal{Goal: g, Type: Type(g.Measure()), Steps: g.Steps, ScaleMax: len(g.Scale)}
	out.BaselineValue, out.HasBaseline = ParseBaseline(g.Baseline)
	return out
}

// SessionOf is a stored session as summaries read it. Several latencies
// logged together are their mean; a task-analysis step not done counts
// as one that needed full physical support.
func SessionOf(se storage.Session) (Session, error) {
	v, err := se.Values()
	if err != nil {
		return Session{}, err
	}
	out := Session{ID: se.ID, GoalID: se.GoalID, StaffID: se.StaffID, At: se.At, Type: Type(se.Type), Active: se.Active,
		Count: v.Count, Span: v.Span, Duration: v.Duration, Rating: v.Rating}
	switch se.Type {
	case storage.MeasureTrials:
		out.Trials = v.Results
	case storage.MeasureTaskAnalysis:
		for _, r := range v.Results {
			p := r.Prompt
			if r.Outcome != storage.Correct {
				p = storage.FullPhysical
			}
			out.Steps = append(out.Steps, p)
		}
	case storage.MeasureLatency:
		var sum time.Duration
		for _, l := range v.Latencies {
			sum += l
		}
		if len(v.Latencies) > 0 {
			out.Latency = sum / time.Duration(len(v.Latencies))
		}
	}
	return out, nil
}

var (
	percentPattern = regexp.MustCompile(`(\d+(?:\.\d+)?)\s*%`)
	ofPattern      = regexp.MustCompile(`(\d+)\s+(?:of|out of|/)\s+(\d+)|(\d+)/(\d+)`)
)

// ParseBaseline reads a percent from a baseline written for people:
// "35% correct" is 35, "1 of 5 opportunities" and "3/4" are 20 and 75. A
// written percent wins over a count. ok is false when there is neither.
func ParseBaseline(text string) (float64, bool) {
	if m := percentPattern.FindStringSubmatch(text); m != nil {
		v, err := strconv.ParseFloat(m[1], 64)
		return v, err == nil
	}
	if m := ofPattern.FindStringSubmatch(text); m != nil {
		n, of := m[1], m[2]
		if n == "" {
			n, of = m[3], m[4]
		}
		a, err1 := strconv.Atoi(n)
		b, err2 := strconv.Atoi(of)
		if err1 != nil || err2 != nil || b == 0 || a > b {
			return 0, false
		}
		return 100 * float64(a) / float64(b), true
	}
	return 0, false
}

// SessionsFromTrials groups stored trials into sessions: the trials of one
// entry, logged together, are one session, in the order they were stored.
// A session is active only when all its trials are (undo deactivates a
// whole entry).
func SessionsFromTrials(trials []storage.Trial) []Session {
	byEntry := map[int64]int{}
	var out []Session
	sorted := append([]storage.Trial(nil), trials...)
	sort.SliceStable(sorted, func(i, j int) bool { return sorted[i].ID < sorted[j].ID })
	for _, t := range sorted {
		i, ok := byEntry[t.EntryID]
		if !ok {
			i = len(out)
			byEntry[t.EntryID] = i
			out = append(out, Session{ID: t.EntryID, GoalID: t.GoalID, StaffID: t.StaffID, At: t.At, Type: TypeTrials, Active: true})
		}
		out[i].Trials = append(out[i].Trials, storage.TrialResult{Outcome: t.Outcome, Prompt: t.Prompt})
		out[i].Active = out[i].Active && t.Active
	}
	return out
}
