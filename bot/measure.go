package bot

import (
	"fmt"
	"strconv"
	"strings"
	"time"
	"unicode"

	"parabot/storage"
)

// MeasureHelp says how a value of each measurement type is typed, for
// /help data and the value field of forms.
var MeasureHelp = map[storage.Measure]string{
	storage.MeasureTrials:       "trial codes, like + + v - + or 3/5",
	storage.MeasureFrequency:    "a count, like 3 (or +1 for one more), and the time watched if any: 3 in 30m",
	storage.MeasureDuration:     "how long, like 8m30s, 8:30 or 90s, or the start and stop times: 10:05-10:13",
	storage.MeasureLatency:      "the time to start after the direction, like 45s (a bare number is seconds); several: 45s 20s",
	storage.MeasureTaskAnalysis: "one code per step of the routine, in order, like i v m i (- for a step not done)",
	storage.MeasureRating:       "the score, 1 to the top of the goal's scale, or its label",
}

// ValueExample is one value of goal g as typed, for an example line.
func ValueExample(g storage.Goal) string {
	switch g.Measure() {
	case storage.MeasureFrequency:
		return "3"
	case storage.MeasureDuration:
		return "8m30s"
	case storage.MeasureLatency:
		return "45s"
	case storage.MeasureTaskAnalysis:
		return strings.TrimSpace(strings.Repeat("i ", max(len(g.Steps), 1)))
	case storage.MeasureRating:
		return "1"
	}
	return "+ + v - +"
}

// ValueHelp says how to type a value of goal g, with its steps or scale.
func ValueHelp(g storage.Goal) string {
	m := g.Measure()
	switch m {
	case storage.MeasureTaskAnalysis:
		return fmt.Sprintf("one code per step (%s), like %s", strings.Join(g.Steps, ", "), strings.TrimSpace(strings.Repeat("i ", len(g.Steps))))
	case storage.MeasureRating:
		return "the score, " + scaleHelp(g.Scale)
	}
	return MeasureHelp[m]
}

// scaleHelp lists a rating scale: "1 not yet, 2 emerging, 3 mastered".
func scaleHelp(scale []string) string {
	parts := make([]string, len(scale))
	for i, l := range scale {
		parts[i] = fmt.Sprintf("%d %s", i+1, l)
	}
	return strings.Join(parts, ", ")
}

// ParseValues reads the values of one session of goal g as typed,
// by the goal's type. at is the session's time and now the clock: start
// and stop times (10:05-10:13) are read on at's day and must have ended
// by at. A zero at (a form's hint, before the time is read) reads them on
// no day in particular.
func ParseValues(g storage.Goal, s string, codes Codes, at, now time.Time) (storage.SessionValues, error) {
	m := g.Measure()
	s = strings.TrimSpace(s)
	v := storage.SessionValues{Type: m}
	wrong := func(format string, args ...any) error {
		return Errorf("values", "%s is a %s goal: %s. Type %s.", g.Code, strings.ReplaceAll(string(m), "_", " "),
			fmt.Sprintf(format, args...), ValueHelp(g))
	}
	if s == "" {
		return v, wrong("the value is missing")
	}
	switch m {
	case storage.MeasureTrials:
		rs, err := ParseTrials(s, codes)
		v.Results = rs
		return v, err
	case storage.MeasureFrequency:
		count, span, _ := strings.Cut(strings.ToLower(s), " ")
		n, err := strconv.Atoi(strings.TrimPrefix(count, "+"))
		if err != nil || n < 0 || n > 10000 {
			return v, wrong("%q is not a count", count)
		}
		v.Count = n
		if span = strings.TrimSpace(span); span != "" {
			led := false
			for _, lead := range []string{"in ", "over ", "during ", "per "} {
				if rest, ok := strings.CutPrefix(span, lead); ok {
					span, led = strings.TrimSpace(rest), true
					break
				}
			}
			// "3 4" is not read as 3 in 4 minutes: a second number is the
			// time watched only with a unit (3 30m) or after "in" (3 in 30).
			if !led && !strings.ContainsFunc(span, unicode.IsLetter) {
				example := "3 in 30m"
				if _, err := strconv.Atoi(span); err == nil {
					example = fmt.Sprintf("%d in %sm", n, span)
				}
				return v, wrong("%q after the count needs a unit to be the time watched, like %s", span, example)
			}
			d, err := ParseDuration(span)
			if err != nil || d <= 0 {
				return v, wrong("%q is not the time watched", span)
			}
			v.Span = d
		}
		return v, nil
	case storage.MeasureDuration:
		if start, stop, ok := strings.Cut(s, "-"); ok {
			d, err := parseRange(start, stop, at, now)
			if err != nil {
				return v, wrong("%s", err)
			}
			v.Duration = d
			return v, nil
		}
		d, err := parseSpan(s)
		if err != nil || d <= 0 {
			return v, wrong("%q is not a duration", s)
		}
		v.Duration = d
		return v, nil
	case storage.MeasureLatency:
		for _, w := range strings.FieldsFunc(s, func(r rune) bool { return r == ' ' || r == ',' }) {
			d, err := parseLatency(w)
			if err != nil {
				return v, wrong("%q is not a latency", w)
			}
			v.Latencies = append(v.Latencies, d)
		}
		if len(v.Latencies) == 0 {
			return v, wrong("no latency was given")
		}
		if len(v.Latencies) > 50 {
			return v, wrong("%d latencies is more than the 50 a session holds", len(v.Latencies))
		}
		return v, nil
	case storage.MeasureTaskAnalysis:
		if strings.Contains(s, "/") {
			return v, wrong("a count like %q does not say which step", s)
		}
		// The codes of a routine's steps, without the counts of trials.
		rs, err := readCodes(s, codes, codes.List)
		if err != nil {
			ue, _ := AsUserError(err)
			if ue != nil {
				return v, wrong("%s", strings.TrimSuffix(ue.Msg, "."))
			}
			return v, err
		}
		if len(rs) != len(g.Steps) {
			return v, wrong("it has %d steps, and %d codes were given", len(g.Steps), len(rs))
		}
		v.Results = rs
		return v, nil
	case storage.MeasureRating:
		v.Of = len(g.Scale)
		if n, err := strconv.Atoi(s); err == nil {
			if n < 1 || n > v.Of {
				return v, wrong("%d is off the scale", n)
			}
			v.Rating = n
			return v, nil
		}
		for i, l := range g.Scale {
			if strings.EqualFold(l, s) {
				v.Rating = i + 1
				return v, nil
			}
		}
		return v, wrong("%q is not on its scale", s)
	}
	return v, fmt.Errorf("goal %d: unknown type %q", g.ID, m)
}

// parseRange reads start and stop times, 10:05-10:13, as times of day
// are read (1:00-6:59 are pm), on the day of at, the session's time. A
// range ends after it starts, on the same day, and has ended by at (now,
// unless the line is backdated). Its errors are worded to follow "G2 is
// a duration goal: ".
func parseRange(start, stop string, at, now time.Time) (time.Duration, error) {
	day := at
	if day.IsZero() {
		day = timeRef
	}
	a, ok1 := clockOn(strings.TrimSpace(start), day)
	b, ok2 := clockOn(strings.TrimSpace(stop), day)
	switch {
	case !ok1 || !ok2:
		return 0, fmt.Errorf("%q is not a start and a stop time", strings.TrimSpace(start)+"-"+strings.TrimSpace(stop))
	case !b.After(a):
		return 0, fmt.Errorf("the stop, %s, is not after the start, %s (a range starts and stops on one day, start first)", b.Format("15:04"), a.Format("15:04"))
	case at.IsZero() || !b.After(at.Add(time.Minute)):
		return b.Sub(a), nil
	case !at.Before(now.Add(-time.Minute)):
		return 0, fmt.Errorf("%s is in the future (it is %s now); log a range that has ended, or how long so far", b.Format("15:04"), now.Format("15:04"))
	}
	ended := "at " + b.Format("15:04")
	if b.Format(time.DateOnly) != now.Format(time.DateOnly) {
		ended = "at=" + b.Format("2006-01-02 15:04")
	}
	return 0, fmt.Errorf("the range ends at %s, after the session's time, %s; give the time it ended (%s)", b.Format("15:04"), at.Format("15:04"), ended)
}

// parseSpan reads a duration: 8m30s, 90s, 8:30 (minutes and seconds) or a
// bare number of minutes.
func parseSpan(s string) (time.Duration, error) {
	if m, sec, ok := strings.Cut(s, ":"); ok {
		mi, err1 := strconv.Atoi(m)
		se, err2 := strconv.Atoi(sec)
		if err1 != nil || err2 != nil || mi < 0 || se < 0 || se > 59 || len(sec) != 2 || mi > 12*60 {
			return 0, fmt.Errorf("%q is not minutes:seconds", s)
		}
		return time.Duration(mi)*time.Minute + time.Duration(se)*time.Second, nil
	}
	return ParseDuration(s)
}

// parseLatency reads one latency: 45s, 1m10s, or a bare number of
// seconds (a latency is seconds more often than minutes).
func parseLatency(s string) (time.Duration, error) {
	if n, err := strconv.ParseFloat(s, 64); err == nil {
		if n < 0 || n > 3600 {
			return 0, fmt.Errorf("%q is out of range", s)
		}
		return time.Duration(n * float64(time.Second)), nil
	}
	return parseSpan(s)
}

// DescribeValues says what a session of goal g holds, for a
// confirmation and the entry's summary (no names): "3 in 30m (6.0 an
// hour)", "8m30s", "3 of 4 steps done, 2 independent (hang coat:
// verbal; turn in folder: not done)", "3 of 4 (developing)".
func DescribeValues(g storage.Goal, v storage.SessionValues) string {
	switch v.Type {
	case storage.MeasureFrequency:
		if v.Span > 0 {
			return fmt.Sprintf("count %d in %s (%.1f an hour)", v.Count, FormatDuration(v.Span), float64(v.Count)/v.Span.Hours())
		}
		return fmt.Sprintf("count %d", v.Count)
	case storage.MeasureDuration:
		return "duration " + FormatDuration(v.Duration)
	case storage.MeasureLatency:
		parts := make([]string, len(v.Latencies))
		for i, l := range v.Latencies {
			parts[i] = FormatDuration(l)
		}
		return "latency " + strings.Join(parts, ", ")
	case storage.MeasureTaskAnalysis:
		_, done, independent := storage.TrialCounts(v.Results)
		var notes []string
		for i, r := range v.Results {
			step := fmt.Sprintf("step %d", i+1)
			if i < len(g.Steps) {
				step = g.Steps[i]
			}
			switch {
			case r.Outcome != storage.Correct:
				notes = append(notes, step+": not done")
			case r.Prompt != storage.Independent:
				notes = append(notes, step+": "+r.Prompt.String())
			}
		}
		s := fmt.Sprintf("%d of %d steps done, %d independent", done, len(v.Results), independent)
		if len(notes) > 0 {
			s += " (" + strings.Join(notes, "; ") + ")"
		}
		return s
	case storage.MeasureRating:
		s := fmt.Sprintf("rating %d of %d", v.Rating, v.Of)
		if v.Rating >= 1 && v.Rating <= len(g.Scale) {
			s += " (" + g.Scale[v.Rating-1] + ")"
		}
		return s
	}
	trials, correct, independent := storage.TrialCounts(v.Results)
	return fmt.Sprintf("%d/%d correct, %d independent", correct, trials, independent)
}

// ValueChoices are what a form offers for the values of goal g, with
// partial typed so far: a rating's scale, or the typed text labelled
// with how the goal's values are typed (so a form's hint follows the
// goal's type). The first choice's label is that hint.
func ValueChoices(g storage.Goal, partial string) []Choice {
	if g.Measure() == storage.MeasureRating {
		out := make([]Choice, 0, len(g.Scale))
		for i, l := range g.Scale {
			c := Choice{Value: strconv.Itoa(i + 1), Label: fmt.Sprintf("%d %s", i+1, l)}
			if partial == "" || strings.Contains(strings.ToLower(c.Label), strings.ToLower(partial)) {
				out = append(out, c)
			}
		}
		return out
	}
	partial = strings.TrimSpace(partial)
	label := truncate(g.Code+" is "+strings.ReplaceAll(string(g.Measure()), "_", " ")+": "+ValueHelp(g), 100)
	if partial == "" {
		return []Choice{{Value: "?", Label: label}}
	}
	if _, err := ParseValues(g, partial, nil, time.Time{}, time.Time{}); err != nil {
		return []Choice{{Value: truncate(partial, 100), Label: truncate(partial+" — "+err.Error(), 100)}}
	}
	return []Choice{{Value: truncate(partial, 100), Label: truncate(partial+" — "+g.Code+" "+string(g.Measure()), 100)}}
}
