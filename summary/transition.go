package summary

import (
	"sort"
	"strings"
	"time"

	"parabot/storage"
)

// TransitionStats sums up a student's transitions in a period.
type TransitionStats struct {
	Count int
	// Recorded is the transitions with a prompt level on the scale;
	// Independent counts those needing no prompt.
	Recorded           int
	Independent        int
	PercentIndependent float64 // of Recorded
	Prompts            [storage.FullPhysical + 1]int
	// Latency over the transitions that recorded one.
	Timed         int
	MeanLatency   time.Duration
	MedianLatency time.Duration
	// Handoffs are transitions to a bus or pickup; HandoffsComplete name
	// to whom the student was released.
	Handoffs         int
	HandoffsComplete int
	Transitions      []storage.Transition // the period's active ones, oldest first
}

// IsHandoff reports whether a transition releases the student to a bus or
// a pickup, where the handoff must be recorded.
func IsHandoff(t storage.Transition) bool {
	to := strings.ToLower(t.To)
	return strings.Contains(to, "bus") || strings.Contains(to, "pickup") || strings.Contains(to, "pick-up") || strings.Contains(to, "parent")
}

func transitionStats(in []storage.Transition, cal calendar, first, last day) TransitionStats {
	var st TransitionStats
	var latencies []time.Duration
	for _, t := range in {
		d := dayOf(t.At, cal.loc)
		if !t.Active || d < first || d > last {
			continue
		}
		st.Count++
		st.Transitions = append(st.Transitions, t)
		if t.Prompt.Valid() {
			st.Recorded++
			st.Prompts[t.Prompt]++
			if t.Prompt == storage.Independent {
				st.Independent++
			}
		}
		if t.Latency > 0 {
			latencies = append(latencies, t.Latency)
		}
		if IsHandoff(t) {
			st.Handoffs++
			if strings.TrimSpace(t.HandoffTo) != "" {
				st.HandoffsComplete++
			}
		}
	}
	sort.SliceStable(st.Transitions, func(i, j int) bool { return st.Transitions[i].At.Before(st.Transitions[j].At) })
	st.PercentIndependent = percent(st.Independent, st.Recorded)
	st.Timed = len(latencies)
	if st.Timed > 0 {
		var sum time.Duration
		for _, l := range latencies {
			sum += l
		}
		st.MeanLatency = sum / time.Duration(st.Timed)
		sort.Slice(latencies, func(i, j int) bool { return latencies[i] < latencies[j] })
		mid := st.Timed / 2
		st.MedianLatency = latencies[mid]
		if st.Timed%2 == 0 {
			st.MedianLatency = (latencies[mid-1] + latencies[mid]) / 2
		}
	}
	return st
}
