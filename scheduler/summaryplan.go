package scheduler

import (
	"time"

	"parabot/schoolday"
	"parabot/storage"
	"parabot/today"
)

// DefaultSummaryDelay is how long after the day's dismissal the daily and
// weekly summaries come when the school's schedules set no time: after
// the buses have left, and moved with an early release.
const DefaultSummaryDelay = 30 * time.Minute

// summaries are the day's summary occurrences: a daily summary for each
// working teacher, and on the last school day of the week a weekly one.
// They are useful until midnight: one due while parabot was down is sent
// when it comes back the same day.
func summaries(f today.Facts, ids []int64) []Occurrence {
	var teachers []int64
	for _, id := range ids {
		if f.Staff[id].Role == storage.RoleTeacher && f.Working(id) {
			teachers = append(teachers, id)
		}
	}
	if len(teachers) == 0 {
		return nil
	}
	var out []Occurrence
	add := func(kind string, times []time.Time) {
		for _, at := range times {
			for _, id := range teachers {
				out = append(out, Occurrence{Kind: kind, StaffID: id, At: at, Until: f.EndOfDay(), About: at})
			}
		}
	}
	add(KindDailySummary, summaryTimes(f, schoolday.ScheduleDailySummary, false))
	if schoolday.LastSchoolDayOfWeek(f.School, f.Day.Date, f.Special) == f.Day.Date {
		add(KindWeeklySummary, summaryTimes(f, schoolday.ScheduleWeeklySummary, true))
	}
	return out
}

// summaryTimes are the instants of a summary on the day: the schedule's
// times, else DefaultSummaryDelay after the day's dismissal. The weekly
// summary comes on the week's last school day whatever the schedule's
// day fields say: when they name no time that day (a Friday spec in a
// week whose Friday is a holiday), it comes at the default time.
func summaryTimes(f today.Facts, kind string, weekly bool) []time.Time {
	if sp, ok := f.Settings.Schedules[kind]; ok {
		if ts := specTimes(f, sp, f.At); len(ts) > 0 || !weekly {
			return ts
		}
	}
	dismissal := f.Day.Dismissal
	if dismissal == "" {
		dismissal = f.School.Dismissal
	}
	at := f.At(dismissal)
	if at.IsZero() {
		return nil
	}
	return []time.Time{at.Add(DefaultSummaryDelay)}
}
