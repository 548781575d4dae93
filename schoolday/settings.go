package schoolday

import (
	"fmt"
	"strconv"
	"strings"
	"time"

	"parabot/storage"
)

// The names of a school's reminder settings as stored (schools.csv
// columns, and "schedule:<kind>" for schedules.csv rows).
const (
	SettingDataDue      = "data_due"
	SettingDataReminder = "data_reminder"
	SettingDutyLead     = "duty_lead"
	// SettingLeadSuffix follows a duty kind: "bus_lead", "lunch_lead".
	SettingLeadSuffix = "_lead"
	// SettingSchedulePrefix precedes a schedule kind: "schedule:data_reminder".
	SettingSchedulePrefix = "schedule:"
)

// The schedule kinds of schedules.csv.
const (
	ScheduleDataReminder  = "data_reminder"
	ScheduleDataDeadline  = "data_deadline"
	ScheduleDailySummary  = "daily_summary"
	ScheduleWeeklySummary = "weekly_summary"
)

// ScheduleKinds lists the kinds schedules.csv accepts.
func ScheduleKinds() []string {
	return []string{ScheduleDataReminder, ScheduleDataDeadline, ScheduleDailySummary, ScheduleWeeklySummary}
}

// DefaultDutyLead is how long before a duty its reminder comes when the
// school sets nothing.
const DefaultDutyLead = 10 * time.Minute

// DefaultDataReminder is how long before the data deadline the reminder
// comes when the school sets no data_reminder.
const DefaultDataReminder = 30 * time.Minute

// Settings are a school's reminder settings, read.
type Settings struct {
	DataDue      string        // HH:MM data-entry deadline; "" when the school has none
	DataReminder time.Duration // lead of the data reminder before DataDue
	DutyLead     time.Duration
	KindLead     map[storage.DutyKind]time.Duration
	Schedules    map[string]Spec // by schedule kind; replace the times above
}

// ReadSettings reads stored settings; a value that does not parse (it was
// checked on import) falls back to the default.
func ReadSettings(kv map[string]string) Settings {
	s := Settings{DataReminder: DefaultDataReminder, DutyLead: DefaultDutyLead,
		KindLead: map[storage.DutyKind]time.Duration{}, Schedules: map[string]Spec{}}
	for k, v := range kv {
		switch {
		case k == SettingDataDue:
			if _, err := Minutes(v); err == nil {
				s.DataDue = v
			}
		case k == SettingDataReminder:
			if d, err := ParseLead(v); err == nil {
				s.DataReminder = d
			}
		case k == SettingDutyLead:
			if d, err := ParseLead(v); err == nil {
				s.DutyLead = d
			}
		case strings.HasSuffix(k, SettingLeadSuffix):
			if d, err := ParseLead(v); err == nil {
				s.KindLead[storage.DutyKind(strings.TrimSuffix(k, SettingLeadSuffix))] = d
			}
		case strings.HasPrefix(k, SettingSchedulePrefix):
			if sp, err := ParseSpec(v); err == nil {
				s.Schedules[strings.TrimPrefix(k, SettingSchedulePrefix)] = sp
			}
		}
	}
	return s
}

// Lead is how long before a duty of kind its reminder comes.
func (s Settings) Lead(kind storage.DutyKind) time.Duration {
	if d, ok := s.KindLead[kind]; ok {
		return d
	}
	return s.DutyLead
}

// MaxLead bounds a lead time: a reminder more than this early is a typo.
const MaxLead = 4 * time.Hour

// ParseLead reads a lead time: "10m", "1h", "1h30m", or a number of
// minutes ("15"), from 0 to 4 hours.
func ParseLead(v string) (time.Duration, error) {
	v = strings.TrimSpace(v)
	var d time.Duration
	if n, err := strconv.Atoi(v); err == nil {
		d = time.Duration(n) * time.Minute
	} else if d, err = time.ParseDuration(v); err != nil {
		return 0, fmt.Errorf("%q is not a lead time; write minutes like 10m or 30m, or hours like 1h", v)
	}
	if d < 0 || d > MaxLead || d%time.Minute != 0 {
		return 0, fmt.Errorf("%q is not a lead time from 0 to 4h in whole minutes; write e.g. 10m", v)
	}
	return d, nil
}
