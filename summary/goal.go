package summary

import (
	"math"
	"sort"
	"strconv"
	"time"

	"parabot/storage"
)

// Progress is a goal's standing in IEP progress-report wording.
type Progress string

// The progress statuses. The rule (see judge):
//   - Mastered: the criterion was met on or before the period's last day.
//   - NotEnoughData: fewer than Options.MinPoints session days in the
//     period, or no aim line (no target, start or end date).
//   - OnTrack: the last three session days are all on or past the aim
//     line, or the trend line at the last session day is on or past it.
//   - NoProgress: otherwise, when the trend is flat or going the wrong way.
//   - NotExpectedRate: otherwise: improving, but behind the aim line.
//
// The aim line runs from the baseline on the goal's start date to the
// criterion on its end date; "past" means above it, or below it for a goal
// where less is better.
const (
	Mastered        Progress = "mastered"
	OnTrack         Progress = "on track"
	NotExpectedRate Progress = "not at the expected rate"
	NoProgress      Progress = "no progress"
	NotEnoughData   Progress = "not enough data"
)

// WhyNoAim is why a goal with data enough is still "not enough data":
// nothing to judge the data against.
const WhyNoAim = "No aim line: the goal needs a criterion and start and end dates."

// Point is one session day of a goal: every session of the goal logged on
// that school day, combined. Trials and task-analysis steps add up (the
// value is the percent of all of them); frequency counts and spans add up;
// durations, latencies and ratings are averaged.
type Point struct {
	Day      time.Time // midnight, school time
	Value    float64   // in the type's unit (see Unit)
	Sessions int
	// N is the trials (or task-analysis steps) that day; Correct and
	// Independent count them. A correct trial is independent only when
	// no prompt was given; an incorrect one never is.
	N           int
	Correct     int
	Independent int
	// Prompt is the most used prompt level that day (trials, steps).
	Prompt storage.Prompt
	Count  int           // frequency
	Span   time.Duration // frequency
	Met    bool          // the day meets the criterion (value and minimum trials)
	day    day
}

// Mastery is the goal's criterion judged on its session days from its start
// to the period's end: a run of Needed consecutive session days that each
// meet the criterion. A session day that falls short breaks the run.
type Mastery struct {
	Met      bool
	MetOn    time.Time // the day the first full run ended
	Run      int       // the run of qualifying session days ending on the last one
	Needed   int
	Criteria bool // false when the goal has no criterion to judge
}

// GoalStats is one goal's statistics over a period.
type GoalStats struct {
	Goal   Goal
	Unit   string  // what Value means, for axes and text
	Points []Point // session days in the period, in order
	// History is every session day from the goal's start to the period's
	// end; mastery, stalls and charts read it.
	History []Point

	Sessions     int // sessions logged in the period
	DaysDue      int // school days (weeks, for a weekly goal) data was due in the period
	DaysWithData int // of those, how many have data

	// Trials and task analysis: totals over the period.
	Trials             int
	Correct            int
	Independent        int
	PercentCorrect     float64 // of Trials; meaningful when Trials > 0
	PercentIndependent float64
	Prompts            [storage.FullPhysical + 1]int // trials (steps) by prompt level
	PrevPrompts        [storage.FullPhysical + 1]int // the same, in the previous period
	MeanPrompt         float64                       // mean prompt level, 0 independent .. 5 full physical
	PrevMeanPrompt     float64
	HasPrevPrompts     bool

	// Frequency: totals over the period.
	Count       int
	Span        time.Duration
	RatePerHour float64 // meaningful when Span > 0

	Mean float64 // mean of the period's point values

	// Trend is the least-squares line through the period's points, by
	// calendar day; its slope is given per week.
	HasTrend      bool
	TrendPerWeek  float64
	trendA        float64 // value at the period's first day
	trendB        float64 // slope per day
	trendFromDay  day
	HasAim        bool
	AimStart      time.Time
	AimStartValue float64
	AimEnd        time.Time
	AimEndValue   float64

	Mastery  Mastery
	Progress Progress
	// Why explains Progress in one sentence, for reports.
	Why string

	Stalled    bool // no gain over Options.StallSessions session days
	NoDataDays int  // due school days since the last data (or the goal's start)
	Started    bool // false when the goal starts after the period
	Phases     []Phase
	Recorders  map[int64]int // sessions by staff id, in the period

	loc       *time.Location
	periodEnd day
}

// Unit names the value a goal of type t is charted and judged in.
func Unit(g Goal) string {
	switch g.Type {
	case TypeFrequency:
		if g.RatePerHour {
			return "rate per hour"
		}
		return "count per session"
	case TypeDuration:
		return "minutes"
	case TypeLatency:
		return "seconds"
	case TypeTaskAnalysis:
		return "% of steps independent"
	case TypeRating:
		return "rating"
	}
	return "% correct"
}

// goalStats computes one goal's statistics; sessions are the goal's own,
// any order, active or not.
func goalStats(g Goal, sessions []*Session, cal calendar, first, last day, opt Options) GoalStats {
	if g.Type == "" {
		g.Type = TypeTrials
	}
	gs := GoalStats{Goal: g, Unit: Unit(g), Recorders: map[int64]int{}, Phases: append([]Phase(nil), g.Phases...),
		loc: cal.loc, periodEnd: last}
	start, hasStart := parseDay(g.StartDate)
	end, hasEnd := parseDay(g.EndDate)
	if !hasStart {
		start = first
	}
	gs.Started = start <= last
	prevFirst := cal.previous(first, last)

	active := make([]dated, 0, len(sessions))
	for _, s := range sessions {
		if !s.Active || (s.Type != "" && s.Type != g.Type) {
			continue
		}
		active = append(active, dated{s, dayOf(s.At, cal.loc)})
	}
	if !sort.SliceIsSorted(active, func(i, j int) bool { return active[i].At.Before(active[j].At) }) {
		sort.SliceStable(active, func(i, j int) bool { return active[i].At.Before(active[j].At) })
	}

	// Prompt mix of the previous period, for prompt fading.
	for _, s := range active {
		if d := s.day; d >= prevFirst && d < first && d >= start {
			addPrompts(&gs.PrevPrompts, s.Session)
		}
	}
	gs.HasPrevPrompts = total(gs.PrevPrompts) > 0
	gs.PrevMeanPrompt = meanPrompt(gs.PrevPrompts)

	gs.History = points(g, active, cal.loc, start, last)
	for i, p := range gs.History { // History is in day order
		if p.day >= first {
			gs.Points = gs.History[i:]
			break
		}
	}
	for _, s := range active {
		if d := s.day; d < first || d > last || d < start {
			continue
		}
		gs.Sessions++
		gs.Recorders[s.StaffID]++
		addPrompts(&gs.Prompts, s.Session)
		gs.Count += s.Count
		gs.Span += s.Span
	}
	gs.MeanPrompt = meanPrompt(gs.Prompts)
	var sum float64
	for _, p := range gs.Points {
		gs.Trials += p.N
		gs.Correct += p.Correct
		gs.Independent += p.Independent
		sum += p.Value
	}
	if len(gs.Points) > 0 {
		gs.Mean = sum / float64(len(gs.Points))
	}
	if gs.Trials > 0 {
		gs.PercentCorrect = 100 * float64(gs.Correct) / float64(gs.Trials)
		gs.PercentIndependent = 100 * float64(gs.Independent) / float64(gs.Trials)
	}
	if gs.Span > 0 {
		gs.RatePerHour = float64(gs.Count) / gs.Span.Hours()
	}

	gs.due(cal, g, first, last, start, end, hasEnd)
	gs.trend(first, opt.MinPoints)
	gs.aim(g, start, end, hasStart, hasEnd, cal.loc)
	gs.Mastery = mastery(g, gs.History)
	gs.judge(opt)
	gs.stall(opt)
	gs.Phases = append(gs.Phases, promptPhases(g, gs.History, cal.loc)...)
	return gs
}

// due counts the school days (or weeks) data was due in the part of the
// period the goal was running, the ones with data, and the due days since
// the last data.
func (gs *GoalStats) due(cal calendar, g Goal, first, last, start, end day, hasEnd bool) {
	from, to := max(first, start), last
	if hasEnd && end < to {
		to = end
	}
	days := cal.dueDays(g.Schedule, from, to)
	with := map[day]bool{}
	for _, p := range gs.Points {
		with[p.day] = true
	}
	if g.Schedule.Weekly {
		weeks, weeksWith := map[int]bool{}, map[int]bool{}
		for _, d := range days {
			weeks[d.week()] = true
			if with[d] {
				weeksWith[d.week()] = true
			}
		}
		gs.DaysDue, gs.DaysWithData = len(weeks), len(weeksWith)
	} else {
		gs.DaysDue = len(days)
		for _, d := range days {
			if with[d] {
				gs.DaysWithData++
			}
		}
	}
	since := start
	if n := len(gs.History); n > 0 {
		since = gs.History[n-1].day + 1
		if g.Schedule.Weekly { // the week of the last data has what it needs
			since = day(gs.History[n-1].day.week()*7 + 4)
		}
	}
	if since <= to && gs.Started {
		gs.NoDataDays = len(cal.dueDays(g.Schedule, since, to))
	}
}

// dated is a session with its school day, worked out once.
type dated struct {
	*Session
	day day
}

// points combines the active sessions (sorted by time) into session days
// from the goal's start to last.
func points(g Goal, sessions []dated, loc *time.Location, start, last day) []Point {
	out := make([]Point, 0, len(sessions)) // most days have one session
	var sumValue float64                   // duration, latency, rating: summed, then averaged
	flush := func() {
		if len(out) == 0 {
			return
		}
		p := &out[len(out)-1]
		switch g.Type {
		case TypeTrials:
			p.Value = percent(p.Correct, p.N)
		case TypeTaskAnalysis:
			p.Value = percent(p.Independent, p.N)
		case TypeFrequency:
			p.Value = float64(p.Count)
			if g.RatePerHour && p.Span > 0 {
				p.Value = float64(p.Count) / p.Span.Hours()
			}
		default:
			p.Value = sumValue / float64(p.Sessions)
		}
		p.Met = meets(g, *p)
	}
	var prompts [storage.FullPhysical + 1]int
	for _, s := range sessions {
		d := s.day
		if d < start || d > last {
			continue
		}
		if len(out) == 0 || out[len(out)-1].day != d {
			if len(out) > 0 {
				out[len(out)-1].Prompt = mode(prompts)
			}
			flush()
			out = append(out, Point{Day: d.time(loc), day: d})
			sumValue = 0
			prompts = [storage.FullPhysical + 1]int{}
		}
		p := &out[len(out)-1]
		p.Sessions++
		addPrompts(&prompts, s.Session)
		switch g.Type {
		case TypeTrials:
			for _, t := range s.Trials {
				p.N++
				if t.Outcome == storage.Correct {
					p.Correct++
					if t.Prompt == storage.Independent {
						p.Independent++
					}
				}
			}
		case TypeTaskAnalysis:
			for _, st := range s.Steps {
				p.N++
				if st == storage.Independent {
					p.Independent++
				}
			}
		case TypeFrequency:
			p.Count += s.Count
			p.Span += s.Span
		case TypeDuration:
			sumValue += s.Duration.Minutes()
		case TypeLatency:
			sumValue += s.Latency.Seconds()
		case TypeRating:
			sumValue += float64(s.Rating)
		}
	}
	if len(out) > 0 {
		out[len(out)-1].Prompt = mode(prompts)
	}
	flush()
	return out
}

// meets reports whether one session day meets the goal's criterion: the
// value at or past the target and, for trials and task analysis, at least
// the minimum number of trials (steps).
func meets(g Goal, p Point) bool {
	if (g.Type == TypeTrials || g.Type == TypeTaskAnalysis) && p.N < g.MasteryMinTrials {
		return false
	}
	if p.N == 0 && (g.Type == TypeTrials || g.Type == TypeTaskAnalysis) {
		return false
	}
	return atOrPast(g, p.Value, g.target())
}

// atOrPast reports whether v is at or beyond ref in the goal's direction.
func atOrPast(g Goal, v, ref float64) bool {
	const eps = 1e-9
	if g.decreasing() {
		return v <= ref+eps
	}
	return v >= ref-eps
}

// hasCriterion reports whether the goal has something to be judged against.
func hasCriterion(g Goal) bool {
	switch g.Type {
	case TypeTrials, TypeTaskAnalysis:
		return g.MasteryPercent > 0
	case TypeLatency:
		return g.Target > 0
	}
	return g.Target > 0 || g.decreasing()
}

func mastery(g Goal, history []Point) Mastery {
	m := Mastery{Needed: max(g.MasterySessions, 1), Criteria: hasCriterion(g)}
	if !m.Criteria {
		return m
	}
	for _, p := range history {
		if !p.Met {
			m.Run = 0
			continue
		}
		m.Run++
		if m.Run >= m.Needed && !m.Met {
			m.Met, m.MetOn = true, p.Day
		}
	}
	return m
}

// trend fits the least-squares line through the period's points by day,
// when there are at least minPoints of them.
func (gs *GoalStats) trend(first day, minPoints int) {
	if len(gs.Points) < max(2, minPoints) {
		return
	}
	xs := make([]float64, len(gs.Points))
	ys := make([]float64, len(gs.Points))
	for i, p := range gs.Points {
		xs[i], ys[i] = float64(p.day-first), p.Value
	}
	a, b, ok := leastSquares(xs, ys)
	if !ok {
		return
	}
	gs.HasTrend, gs.trendA, gs.trendB, gs.trendFromDay = true, a, b, first
	gs.TrendPerWeek = 7 * b
}

// TrendAt is the trend line's value on a day; HasTrend must be set.
func (gs GoalStats) TrendAt(t time.Time) float64 {
	return gs.trendA + gs.trendB*float64(dayOf(t, t.Location())-gs.trendFromDay)
}

// leastSquares fits y = a + b*x; ok is false when every x is the same.
func leastSquares(xs, ys []float64) (a, b float64, ok bool) {
	n := float64(len(xs))
	var sx, sy, sxx, sxy float64
	for i := range xs {
		sx += xs[i]
		sy += ys[i]
		sxx += xs[i] * xs[i]
		sxy += xs[i] * ys[i]
	}
	den := n*sxx - sx*sx
	if n < 2 || math.Abs(den) < 1e-12 {
		return 0, 0, false
	}
	b = (n*sxy - sx*sy) / den
	a = (sy - b*sx) / n
	return a, b, true
}

// aim sets the aim line from the baseline on the start date to the
// criterion on the end date.
func (gs *GoalStats) aim(g Goal, start, end day, hasStart, hasEnd bool, loc *time.Location) {
	if !hasStart || !hasEnd || end <= start || !hasCriterion(g) {
		return
	}
	base := g.BaselineValue
	if !g.HasBaseline {
		if len(gs.History) == 0 {
			return
		}
		base = gs.History[0].Value
		start = gs.History[0].day
		if end <= start {
			return
		}
	}
	gs.HasAim = true
	gs.AimStart, gs.AimStartValue = start.time(loc), base
	gs.AimEnd, gs.AimEndValue = end.time(loc), g.target()
}

// AimAt is the aim line's value on a day; HasAim must be set.
func (gs GoalStats) AimAt(t time.Time) float64 {
	s, e := dayOf(gs.AimStart, gs.AimStart.Location()), dayOf(gs.AimEnd, gs.AimEnd.Location())
	d := dayOf(t, gs.AimStart.Location())
	return gs.AimStartValue + (gs.AimEndValue-gs.AimStartValue)*float64(d-s)/float64(e-s)
}

// judge sets Progress and Why by the rule documented on Progress.
func (gs *GoalStats) judge(opt Options) {
	g := gs.Goal
	switch {
	case gs.Mastery.Met:
		gs.Progress, gs.Why = Mastered, "The criterion was met on "+gs.Mastery.MetOn.Format("Jan 2, 2006")+"."
		return
	case !gs.Started:
		gs.Progress, gs.Why = NotEnoughData, "The goal starts after this period."
		return
	case len(gs.Points) < opt.MinPoints:
		gs.Progress, gs.Why = NotEnoughData, "Fewer than "+strconv.Itoa(opt.MinPoints)+" session days with data in this period."
		return
	case !gs.HasAim:
		gs.Progress, gs.Why = NotEnoughData, WhyNoAim
		return
	}
	last := gs.Points[len(gs.Points)-1]
	tail := gs.Points[max(0, len(gs.Points)-3):]
	allPast := true
	for _, p := range tail {
		if !atOrPast(g, p.Value, gs.AimAt(p.Day)) {
			allPast = false
		}
	}
	dir := 1.0
	if g.decreasing() {
		dir = -1
	}
	switch {
	case allPast:
		gs.Progress, gs.Why = OnTrack, "The last session days are on or past the aim line."
	case gs.HasTrend && atOrPast(g, gs.TrendAt(last.Day), gs.AimAt(last.Day)):
		gs.Progress, gs.Why = OnTrack, "The trend is on or past the aim line."
	case !gs.HasTrend || gs.TrendPerWeek*dir <= 0:
		gs.Progress, gs.Why = NoProgress, "The trend is flat or going the wrong way."
	default:
		gs.Progress, gs.Why = NotExpectedRate, "Improving, but behind the aim line."
	}
}

// stall flags a goal whose last StallSessions session days show no gain:
// their least-squares slope is flat or going the wrong way.
func (gs *GoalStats) stall(opt Options) {
	n := opt.StallSessions
	if gs.Mastery.Met || len(gs.History) < n {
		return
	}
	tail := gs.History[len(gs.History)-n:]
	xs, ys := make([]float64, n), make([]float64, n)
	for i, p := range tail {
		xs[i], ys[i] = float64(i), p.Value
	}
	_, b, ok := leastSquares(xs, ys)
	if !ok {
		return
	}
	if gs.Goal.decreasing() {
		b = -b
	}
	gs.Stalled = b <= 1e-9
}

// promptPhases marks the days where the most used prompt level changed
// and stayed changed for at least three session days, so one odd day
// draws no line.
func promptPhases(g Goal, history []Point, loc *time.Location) []Phase {
	if (g.Type != TypeTrials && g.Type != TypeTaskAnalysis) || len(history) == 0 {
		return nil
	}
	const sustained = 3
	var out []Phase
	cur := history[0].Prompt
	for i := 1; i < len(history); {
		j := i
		for j < len(history) && history[j].Prompt == history[i].Prompt {
			j++
		}
		if history[i].Prompt != cur && j-i >= sustained {
			cur = history[i].Prompt
			out = append(out, Phase{Start: history[i].day.time(loc), Label: cur.String()})
		}
		i = j
	}
	return out
}

func addPrompts(into *[storage.FullPhysical + 1]int, s *Session) {
	for _, t := range s.Trials {
		if t.Prompt.Valid() {
			into[t.Prompt]++
		}
	}
	for _, p := range s.Steps {
		if p.Valid() {
			into[p]++
		}
	}
}

func total(ps [storage.FullPhysical + 1]int) int {
	n := 0
	for _, c := range ps {
		n += c
	}
	return n
}

func meanPrompt(ps [storage.FullPhysical + 1]int) float64 {
	n, sum := 0, 0
	for level, c := range ps {
		n += c
		sum += level * c
	}
	if n == 0 {
		return 0
	}
	return float64(sum) / float64(n)
}

// mode is the most used level; ties go to the less supportive one.
func mode(ps [storage.FullPhysical + 1]int) storage.Prompt {
	best := 0
	for level, c := range ps {
		if c > ps[best] {
			best = level
		}
	}
	return storage.Prompt(best)
}

func percent(n, of int) float64 {
	if of == 0 {
		return 0
	}
	return 100 * float64(n) / float64(of)
}
