package scheduler

import (
	"fmt"
	"slices"
	"strings"
	"time"

	"parabot/schoolday"
	"parabot/storage"
	"parabot/today"
)

// The kinds of reminder occurrences.
const (
	// KindDuty reminds the person on duty (or their cover) a lead time
	// before the duty starts.
	KindDuty = "duty"
	// KindDutyEnd checks, when a bus duty ends, that every student on the
	// dismissal roll was released or is absent, and tells the teacher and
	// the admins of any who is not.
	KindDutyEnd = "duty_end"
	// KindDataReminder tells a para or therapist what data is still due,
	// before the data-entry deadline.
	KindDataReminder = "data_reminder"
	// KindDataDeadline tells a teacher, at the deadline, what is still
	// missing, by para.
	KindDataDeadline = "data_deadline"
	// KindUncovered tells an admin, in the morning, of the day's duties
	// whose staff member is absent without a cover.
	KindUncovered = "uncovered"
	// KindDailySummary posts a teacher's daily summary after dismissal.
	KindDailySummary = "daily_summary"
	// KindWeeklySummary posts a teacher's weekly summary, with charts, on
	// the last school day of the week.
	KindWeeklySummary = "weekly_summary"
)

// Occurrence is one reminder to send: what, to whom, when, and until when
// it is still worth sending.
type Occurrence struct {
	Kind     string
	SchoolID int64
	Date     string // the school day, YYYY-MM-DD
	StaffID  int64  // the recipient (the duty's staff member for KindDutyEnd)
	DutyID   int64  // duty reminders
	At       time.Time
	// Until is the last instant it is still useful: a late one is sent
	// up to then (after downtime), and dropped after.
	Until time.Time
	// About is when what it reminds of happens, to order deliveries.
	About time.Time
}

// Key identifies an occurrence across plans, replicas and restarts.
func (o Occurrence) Key() string {
	return fmt.Sprintf("occ:%s:%d:%s:%d:%d:%d", o.Kind, o.SchoolID, o.Date, o.StaffID, o.DutyID, o.At.Unix())
}

// dutyReminder is the reminder of duty du on f's day to staff member who
// (the one on duty, or their cover), with its key's school and date.
func dutyReminder(f today.Facts, du storage.Duty, who int64) Occurrence {
	start := f.At(du.Start)
	return Occurrence{Kind: KindDuty, SchoolID: f.School.ID, Date: f.Day.Date, StaffID: who, DutyID: du.ID,
		At: start.Add(-f.Settings.Lead(du.Kind)), Until: start, About: start}
}

// uncoveredLead is how long before the first bell admins hear of
// uncovered duties.
const uncoveredLead = 30 * time.Minute

// PlanDay lists the occurrences of a school day from its facts, ordered by
// time, then by what they remind of. A day without school has none.
func PlanDay(f today.Facts) []Occurrence {
	if !f.Day.School {
		return nil
	}
	var out []Occurrence
	add := func(o Occurrence) {
		if !o.At.IsZero() {
			o.SchoolID, o.Date = f.School.ID, f.Day.Date
			out = append(out, o)
		}
	}
	uncovered := false
	for _, du := range f.Duties {
		end := f.At(du.End)
		who, _ := f.OnDuty(du)
		if who == 0 {
			uncovered = true
		} else {
			add(dutyReminder(f, du, who))
		}
		if du.Kind == storage.DutyBus {
			add(Occurrence{Kind: KindDutyEnd, StaffID: du.StaffID, DutyID: du.ID, At: end, Until: f.EndOfDay(), About: end})
		}
	}
	ids := staffIDs(f)
	if uncovered {
		at := f.At(f.School.DayStart).Add(-uncoveredLead)
		for _, id := range ids {
			if f.Staff[id].Role == storage.RoleAdmin && f.Working(id) {
				add(Occurrence{Kind: KindUncovered, StaffID: id, At: at, Until: f.EndOfDay(), About: at})
			}
		}
	}
	deadlines := dataDeadlines(f)
	for _, at := range dataReminders(f) {
		until := f.EndOfDay()
		for _, d := range deadlines {
			if !d.Before(at) {
				until = d
				break
			}
		}
		for _, id := range ids {
			if r := f.Staff[id].Role; (r == storage.RolePara || r == storage.RoleTherapist) && f.Working(id) {
				add(Occurrence{Kind: KindDataReminder, StaffID: id, At: at, Until: until, About: until})
			}
		}
	}
	for _, at := range deadlines {
		for _, id := range ids {
			if f.Staff[id].Role == storage.RoleTeacher && f.Working(id) {
				add(Occurrence{Kind: KindDataDeadline, StaffID: id, At: at, Until: f.EndOfDay(), About: at})
			}
		}
	}
	for _, o := range summaries(f, ids) {
		add(o)
	}
	slices.SortStableFunc(out, func(a, b Occurrence) int {
		if c := a.At.Compare(b.At); c != 0 {
			return c
		}
		if c := a.About.Compare(b.About); c != 0 {
			return c
		}
		return strings.Compare(a.Key(), b.Key())
	})
	return out
}

// staffIDs lists the day's staff ids in order, so plans are stable.
func staffIDs(f today.Facts) []int64 {
	ids := make([]int64, 0, len(f.Staff))
	for id := range f.Staff {
		ids = append(ids, id)
	}
	slices.Sort(ids)
	return ids
}

// dataReminders are the instants of the day's data reminders: the
// schedule's, else the lead before the deadline. On an early release they
// move with dismissal (dataAt).
func dataReminders(f today.Facts) []time.Time {
	if sp, ok := f.Settings.Schedules[schoolday.ScheduleDataReminder]; ok {
		return specTimes(f, sp, func(c string) time.Time { return dataAt(f, c) })
	}
	if f.Settings.DataDue == "" {
		return nil
	}
	due, err := schoolday.Minutes(schoolday.MoveWithDismissal(f.Settings.DataDue, f.Day, f.School.Dismissal))
	if err != nil {
		return nil
	}
	lead := int(f.Settings.DataReminder / time.Minute)
	if due-lead < 0 {
		return nil
	}
	return []time.Time{f.At(schoolday.Clock(due - lead))}
}

// dataDeadlines are the instants of the day's data-entry deadlines,
// moved with dismissal on an early release (dataAt).
func dataDeadlines(f today.Facts) []time.Time {
	if sp, ok := f.Settings.Schedules[schoolday.ScheduleDataDeadline]; ok {
		return specTimes(f, sp, func(c string) time.Time { return dataAt(f, c) })
	}
	if f.Settings.DataDue == "" {
		return nil
	}
	return []time.Time{dataAt(f, f.Settings.DataDue)}
}

// dataAt is the instant of a data reminder's or deadline's wall time on
// the day. On an early release it keeps its offset before dismissal, as
// bus duty does: data is logged while the students are there, and the
// summaries, after dismissal, still come after the deadline.
func dataAt(f today.Facts, clock string) time.Time {
	return f.At(schoolday.MoveWithDismissal(clock, f.Day, f.School.Dismissal))
}

// specTimes are the instants of a spec's wall times on the day, each
// read by at (f.At, or dataAt).
func specTimes(f today.Facts, sp schoolday.Spec, at func(clock string) time.Time) []time.Time {
	var out []time.Time
	seen := map[time.Time]bool{}
	for _, c := range sp.Times(f.Day.Date) {
		t := at(c)
		if !t.IsZero() && !seen[t] { // two skipped wall times land on one instant: once
			seen[t] = true
			out = append(out, t)
		}
	}
	return out
}
