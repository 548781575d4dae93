package summary

import (
	"sort"
	"strings"
	"time"

	"parabot/storage"
)

// IncidentStats sums up a student's incidents in a period.
type IncidentStats struct {
	Count       int
	PrevCount   int // in the previous period of the same length
	Severe      int // restraint, seclusion, injury or top severity
	Restraint   int
	Seclusion   int
	Injury      int
	MaxSeverity int
	ByDay       []IncidentDay // school days of the period with incidents, in order
	// ByTimeOfDay counts incidents in the blocks of timeBlocks.
	ByTimeOfDay []Count
	// BySetting, ByAntecedent and Strategies are free text as logged
	// (trimmed, compared without case), most frequent first. Channels
	// never show them.
	BySetting    []Count
	ByAntecedent []Count
	Strategies   []Count
	// Rising is set when the rate per school day went up by half or more
	// against the previous period, by at least two incidents.
	Rising bool
	// Incidents are the period's active incidents, oldest first.
	Incidents []storage.Incident
}

// IncidentDay is the incidents of one day.
type IncidentDay struct {
	Day           time.Time
	Count         int
	MaxSeverity   int
	TotalSeverity int
}

// Count is how often one value was seen.
type Count struct {
	Value string
	N     int
}

// timeBlocks are the parts of the school day incidents are grouped by,
// as [start hour, end hour) in school time.
var timeBlocks = []struct {
	Label      string
	Start, End int
}{
	{"before 9:00", 0, 9},
	{"9:00-11:00", 9, 11},
	{"11:00-13:00", 11, 13},
	{"13:00-15:00", 13, 15},
	{"after 15:00", 15, 24},
}

func incidentStats(in []storage.Incident, cal calendar, first, last day) IncidentStats {
	var st IncidentStats
	prevFirst := cal.previous(first, last)
	blocks := make([]int, len(timeBlocks))
	setting, antecedent, strategies := counter{}, counter{}, counter{}
	byDay := map[day]*IncidentDay{}
	for _, x := range in {
		if !x.Active {
			continue
		}
		d := dayOf(x.At, cal.loc)
		if d >= prevFirst && d < first {
			st.PrevCount++
		}
		if d < first || d > last {
			continue
		}
		st.Count++
		st.Incidents = append(st.Incidents, x)
		if x.Severe() {
			st.Severe++
		}
		if x.Restraint {
			st.Restraint++
		}
		if x.Seclusion {
			st.Seclusion++
		}
		if x.Injury {
			st.Injury++
		}
		st.MaxSeverity = max(st.MaxSeverity, x.Severity)
		bd := byDay[d]
		if bd == nil {
			bd = &IncidentDay{Day: d.time(cal.loc)}
			byDay[d] = bd
		}
		bd.Count++
		bd.MaxSeverity = max(bd.MaxSeverity, x.Severity)
		bd.TotalSeverity += x.Severity
		h := x.At.In(cal.loc).Hour()
		for i, b := range timeBlocks {
			if h >= b.Start && h < b.End {
				blocks[i]++
			}
		}
		setting.add(x.Setting)
		antecedent.add(x.Antecedent)
		for _, s := range x.Strategies {
			strategies.add(s)
		}
	}
	sort.SliceStable(st.Incidents, func(i, j int) bool { return st.Incidents[i].At.Before(st.Incidents[j].At) })
	for _, bd := range byDay {
		st.ByDay = append(st.ByDay, *bd)
	}
	sort.Slice(st.ByDay, func(i, j int) bool { return st.ByDay[i].Day.Before(st.ByDay[j].Day) })
	for i, n := range blocks {
		if n > 0 {
			st.ByTimeOfDay = append(st.ByTimeOfDay, Count{timeBlocks[i].Label, n})
		}
	}
	st.BySetting, st.ByAntecedent, st.Strategies = setting.sorted(), antecedent.sorted(), strategies.sorted()

	days := len(cal.dueDays(Schedule{}, first, last))
	prevDays := len(cal.dueDays(Schedule{}, prevFirst, first-1))
	if days > 0 && st.Count-st.PrevCount >= 2 {
		rate := float64(st.Count) / float64(days)
		prevRate := 0.0
		if prevDays > 0 {
			prevRate = float64(st.PrevCount) / float64(prevDays)
		}
		st.Rising = rate >= 1.5*prevRate
	}
	return st
}

// Busiest is the most frequent value of cs, or "" when there is none.
func Busiest(cs []Count) string {
	if len(cs) == 0 {
		return ""
	}
	best := cs[0]
	for _, c := range cs[1:] {
		if c.N > best.N {
			best = c
		}
	}
	return best.Value
}

// counter counts free-text values without regard to case, keeping the
// first spelling seen.
type counter map[string]*Count

func (c counter) add(v string) {
	v = strings.TrimSpace(v)
	if v == "" {
		return
	}
	k := strings.ToLower(v)
	if x, ok := c[k]; ok {
		x.N++
		return
	}
	c[k] = &Count{Value: v, N: 1}
}

// sorted lists the counts, most frequent first, then by value.
func (c counter) sorted() []Count {
	out := make([]Count, 0, len(c))
	for _, x := range c {
		out = append(out, *x)
	}
	sort.Slice(out, func(i, j int) bool {
		if out[i].N != out[j].N {
			return out[i].N > out[j].N
		}
		return out[i].Value < out[j].Value
	})
	return out
}
