package summary

import (
	"fmt"
	"sort"
	"time"

	"parabot/storage"
)

// Student is one student's summary over a period.
type Student struct {
	Student     storage.Student
	From, To    time.Time // the period's first and last day, midnight school time
	SchoolDays  int       // school days in the period; none means nothing was due
	Goals       []GoalStats
	Incidents   IncidentStats
	Transitions TransitionStats
	Notes       []storage.Note // the period's active notes, oldest first
	Flags       []Flag
	// Recorders are the staff who logged the period's goal data, most
	// sessions first.
	Recorders []Recorder
}

// Recorder is a staff member who logged goal data, with how many sessions.
type Recorder struct {
	StaffID  int64
	Name     string
	Role     storage.Role
	Sessions int
}

// FlagKind is what a flag is about.
type FlagKind string

// The flags a summary raises.
const (
	FlagStalled        FlagKind = "stalled"
	FlagNoData         FlagKind = "no_data"
	FlagRisingIncident FlagKind = "rising_incidents"
)

// Flag is something the teacher should look at. Text names goals by code
// only, so it may go to a channel.
type Flag struct {
	Kind FlagKind
	Goal string // goal code, when about a goal
	Text string
}

// Summarize computes one student's summary. Records outside the period
// count only as history (mastery, previous period); inactive ones are
// skipped. It fails only on a period that has no time zone or ends before
// it starts.
func Summarize(in Input) (Student, error) {
	first, last, err := periodDays(in.Period)
	if err != nil {
		return Student{}, err
	}
	opt := in.Options.withDefaults()
	cal := calendar{loc: in.Period.Loc, schoolDay: in.SchoolDay}
	out := Student{Student: in.Student, From: first.time(cal.loc), To: last.time(cal.loc),
		SchoolDays: len(cal.dueDays(Schedule{}, first, last))}

	byGoal := map[int64][]*Session{}
	for i := range in.Sessions {
		s := &in.Sessions[i]
		byGoal[s.GoalID] = append(byGoal[s.GoalID], s)
	}
	sessions := map[int64]int{}
	for _, g := range in.Goals {
		if !g.Active {
			continue
		}
		gs := goalStats(g, byGoal[g.ID], cal, first, last, opt)
		out.Goals = append(out.Goals, gs)
		for id, n := range gs.Recorders {
			sessions[id] += n
		}
		if gs.Stalled {
			out.Flags = append(out.Flags, Flag{Kind: FlagStalled, Goal: g.Code,
				Text: fmt.Sprintf("%s: no gain over the last %d session days.", g.Code, opt.StallSessions)})
		}
		if gs.NoDataDays >= opt.NoDataDays {
			out.Flags = append(out.Flags, Flag{Kind: FlagNoData, Goal: g.Code,
				Text: fmt.Sprintf("%s: no data for %d school days.", g.Code, gs.NoDataDays)})
		}
	}
	out.Incidents = incidentStats(in.Incidents, cal, first, last)
	if out.Incidents.Rising {
		out.Flags = append(out.Flags, Flag{Kind: FlagRisingIncident,
			Text: fmt.Sprintf("Incidents are rising: %d, up from %d the period before.", out.Incidents.Count, out.Incidents.PrevCount)})
	}
	out.Transitions = transitionStats(in.Transitions, cal, first, last)
	for _, n := range in.Notes {
		if d := dayOf(n.At, cal.loc); n.Active && d >= first && d <= last {
			out.Notes = append(out.Notes, n)
		}
	}
	sort.SliceStable(out.Notes, func(i, j int) bool { return out.Notes[i].At.Before(out.Notes[j].At) })
	for id, n := range sessions {
		m := in.Staff[id]
		out.Recorders = append(out.Recorders, Recorder{StaffID: id, Name: m.Name, Role: m.Role, Sessions: n})
	}
	sort.Slice(out.Recorders, func(i, j int) bool {
		if out.Recorders[i].Sessions != out.Recorders[j].Sessions {
			return out.Recorders[i].Sessions > out.Recorders[j].Sessions
		}
		return out.Recorders[i].StaffID < out.Recorders[j].StaffID
	})
	return out, nil
}
