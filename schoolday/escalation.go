package schoolday

import (
	"cmp"
	"fmt"
	"sort"
	"strconv"
	"strings"
	"time"

	"parabot/storage"
)

// SettingEscalationPrefix precedes a level's number in the stored policy:
// "escalation:1" = "teacher|30m|10m" (who, timeout, urgent timeout).
const SettingEscalationPrefix = "escalation:"

// The people a level can name by role; anything else is a list of handles.
const (
	NotifyTeacher = "teacher" // the student's teachers (case managers)
	NotifyAdmin   = "admin"   // the school's admins
)

// MaxEscalationTimeout is the longest a level may wait for an answer.
const MaxEscalationTimeout = 7 * 24 * time.Hour

// Level is one level of a school's escalation policy: who is told, and
// how long they have to acknowledge before the next level is.
type Level struct {
	Number  int
	Notify  string   // NotifyTeacher, NotifyAdmin, or "" when Handles
	Handles []string // staff handles, lower case
	Timeout time.Duration
	// UrgentTimeout is the timeout of urgent concerns and top-severity
	// incidents.
	UrgentTimeout time.Duration
}

// DefaultPolicy is the ladder of a school that sets none: the student's
// teachers, then the admins, 30 minutes each (10 when urgent).
func DefaultPolicy() []Level {
	return []Level{
		{Number: 1, Notify: NotifyTeacher, Timeout: 30 * time.Minute, UrgentTimeout: 10 * time.Minute},
		{Number: 2, Notify: NotifyAdmin, Timeout: 30 * time.Minute, UrgentTimeout: 10 * time.Minute},
	}
}

// Who describes a level's people: "teacher", "admin" or "@lee @rivera".
func (l Level) Who() string {
	if l.Notify != "" {
		return l.Notify
	}
	return "@" + strings.Join(l.Handles, " @")
}

// Value is the level as stored in school settings.
func (l Level) Value() string {
	return fmt.Sprintf("%s|%s|%s", l.Who(), FormatTimeout(l.Timeout), FormatTimeout(l.UrgentTimeout))
}

// FormatTimeout writes a timeout as escalation.csv takes it: 30m, 2h, 1h30m.
func FormatTimeout(d time.Duration) string {
	s := d.String()
	s = strings.TrimSuffix(s, "0s")
	if strings.HasSuffix(s, "h0m") {
		s = strings.TrimSuffix(s, "0m")
	}
	return s
}

// ParseWho reads who a level tells: a role (teacher, admin) or handles
// separated by spaces or semicolons, each with or without "@".
func ParseWho(v string) (notify string, handles []string, err error) {
	v = strings.ToLower(strings.TrimSpace(v))
	switch v {
	case "":
		return "", nil, fmt.Errorf("say who this level tells: teacher, admin, or handles like @lee @rivera")
	case NotifyTeacher, "teachers":
		return NotifyTeacher, nil, nil
	case NotifyAdmin, "admins":
		return NotifyAdmin, nil, nil
	}
	for _, h := range strings.FieldsFunc(v, func(r rune) bool { return r == ' ' || r == ';' || r == ',' }) {
		h = strings.TrimPrefix(h, "@")
		if h == "" {
			continue
		}
		handles = append(handles, h)
	}
	if len(handles) == 0 {
		return "", nil, fmt.Errorf("%q names nobody: say teacher, admin, or handles like @lee @rivera", v)
	}
	return "", handles, nil
}

// ParseTimeout reads a level's timeout: minutes (30) or a duration (30m,
// 2h); it must be more than zero and at most MaxEscalationTimeout.
func ParseTimeout(v string) (time.Duration, error) {
	v = strings.TrimSpace(v)
	if v == "" {
		return 0, fmt.Errorf("a timeout is required; write minutes like 30m, or hours like 2h")
	}
	d, err := time.ParseDuration(v)
	if n, aerr := strconv.Atoi(v); aerr == nil {
		d, err = time.Duration(n)*time.Minute, nil
	}
	switch {
	case err != nil:
		return 0, fmt.Errorf("%q is not a timeout; write minutes like 30m, or hours like 2h", v)
	case d <= 0:
		return 0, fmt.Errorf("%q: a timeout must be more than zero; write e.g. 30m", v)
	case d > MaxEscalationTimeout || d%time.Minute != 0:
		return 0, fmt.Errorf("%q is not a timeout of whole minutes up to 7 days; write e.g. 30m", v)
	}
	return d, nil
}

// ReadPolicy reads a school's escalation policy from its settings; the
// default policy when it sets none. Levels are in order of number.
func ReadPolicy(kv map[string]string) ([]Level, error) {
	var out []Level
	for k, v := range kv {
		num, ok := strings.CutPrefix(k, SettingEscalationPrefix)
		if !ok {
			continue
		}
		n, err := strconv.Atoi(num)
		if err != nil {
			return nil, fmt.Errorf("escalation setting %q: not a level number", k)
		}
		parts := strings.Split(v, "|")
		if len(parts) != 3 {
			return nil, fmt.Errorf("escalation level %d: %q is not who|timeout|urgent timeout", n, v)
		}
		l := Level{Number: n}
		if l.Notify, l.Handles, err = ParseWho(parts[0]); err != nil {
			return nil, fmt.Errorf("escalation level %d: %w", n, err)
		}
		if l.Timeout, err = ParseTimeout(parts[1]); err != nil {
			return nil, fmt.Errorf("escalation level %d: %w", n, err)
		}
		if l.UrgentTimeout, err = ParseTimeout(parts[2]); err != nil {
			return nil, fmt.Errorf("escalation level %d: %w", n, err)
		}
		out = append(out, l)
	}
	if len(out) == 0 {
		return DefaultPolicy(), nil
	}
	sort.Slice(out, func(i, j int) bool { return out[i].Number < out[j].Number })
	return out, nil
}

// InHours reports whether t is within school hours: a school day, from
// the first bell to the day's dismissal. special holds the calendar's
// special days (any range containing t's date).
func InHours(school storage.School, special []storage.CalendarDay, t time.Time) bool {
	loc := school.Location()
	date := t.In(loc).Format(DateLayout)
	d, err := Classify(school, date, special)
	if err != nil || !d.School {
		return false
	}
	start, end, err := Hours(school, d)
	return err == nil && !t.Before(start) && t.Before(end)
}

// Hours is when school day d's hours start and end: the first bell
// (08:00 when the school sets none) and the day's dismissal (an early
// release's, or 15:00 when the school sets none).
func Hours(school storage.School, d Day) (start, end time.Time, err error) {
	loc := school.Location()
	if start, err = At(d.Date, cmp.Or(school.DayStart, "08:00"), loc); err != nil {
		return start, end, err
	}
	end, err = At(d.Date, cmp.Or(d.Dismissal, "15:00"), loc)
	return start, end, err
}

// NextMorning is t when it is within school hours, else the first bell
// of the next school day (within the next 30 days; special holds their
// calendar). ok is false when no school day comes in that time.
func NextMorning(school storage.School, special []storage.CalendarDay, t time.Time) (time.Time, bool) {
	if InHours(school, special, t) {
		return t, true
	}
	loc := school.Location()
	date := t.In(loc).Format(DateLayout)
	for i := 0; i <= 30; i++ {
		day := AddDays(date, i)
		d, err := Classify(school, day, special)
		if err != nil || !d.School {
			continue
		}
		start, err := At(day, cmp.Or(school.DayStart, "08:00"), loc)
		if err == nil && start.After(t) {
			return start, true
		}
	}
	return t, false
}

// The names of a school's parent-notice settings (schools.csv columns).
const (
	SettingNoticeOral    = "notice_oral"    // a duration: 24h
	SettingNoticeWritten = "notice_written" // school days: 3
	SettingNoticeOwner   = "notice_owner"   // teacher or admin
)

// The parent-notice deadlines of a school that sets none: Massachusetts'
// (603 CMR 46.06): oral notice within 24 hours, written within 3 school
// working days.
const (
	DefaultNoticeOral        = 24 * time.Hour
	DefaultNoticeWrittenDays = 3
)

// Notice is a school's parent-notice rule.
type Notice struct {
	Oral        time.Duration
	WrittenDays int
	Owner       string // NotifyTeacher or NotifyAdmin
}

// ParseNoticeOral reads notice_oral: a duration of more than nothing and
// at most a week.
func ParseNoticeOral(v string) (time.Duration, bool) {
	d, err := time.ParseDuration(v)
	return d, err == nil && d > 0 && d <= 7*24*time.Hour
}

// ParseSchoolDays reads notice_written or debrief_days: 1 to 30 school
// days.
func ParseSchoolDays(v string) (int, bool) {
	n, err := strconv.Atoi(v)
	return n, err == nil && n >= 1 && n <= 30
}

// ReadNotice reads a school's parent-notice rule, defaults for what it
// does not set.
func ReadNotice(kv map[string]string) Notice {
	n := Notice{Oral: DefaultNoticeOral, WrittenDays: DefaultNoticeWrittenDays, Owner: NotifyTeacher}
	if d, ok := ParseNoticeOral(kv[SettingNoticeOral]); ok {
		n.Oral = d
	}
	if days, ok := ParseSchoolDays(kv[SettingNoticeWritten]); ok {
		n.WrittenDays = days
	}
	if kv[SettingNoticeOwner] == NotifyAdmin {
		n.Owner = NotifyAdmin
	}
	return n
}

// Deadlines are the oral and written due times of an incident at at: the
// oral notice Oral after it; the written notice by the dismissal of the
// WrittenDays-th school day after the incident's date. special holds the
// calendar's special days of the weeks after it.
func (n Notice) Deadlines(school storage.School, special []storage.CalendarDay, at time.Time) (oral, written time.Time) {
	return at.Add(n.Oral), ByDismissal(school, special, at, n.WrittenDays)
}

// ByDismissal is the dismissal of the days-th school day after at's
// date; special holds the calendar's special days of the weeks after it.
// Past 60 days without enough school days it is days times 24 hours
// after at.
func ByDismissal(school storage.School, special []storage.CalendarDay, at time.Time, days int) time.Time {
	loc := school.Location()
	date := at.In(loc).Format(DateLayout)
	left := days
	for i := 1; i <= 60; i++ {
		day := AddDays(date, i)
		d, err := Classify(school, day, special)
		if err != nil || !d.School {
			continue
		}
		if left--; left == 0 {
			if t, err := At(day, cmp.Or(d.Dismissal, "15:00"), loc); err == nil {
				return t
			}
		}
	}
	return at.Add(time.Duration(days) * 24 * time.Hour)
}

// The names of a school's debrief settings (schools.csv columns).
const (
	SettingDebrief     = "debrief"      // restraint, severe, or empty for none
	SettingDebriefDays = "debrief_days" // school days: 2
)

// The incidents a school's debrief setting asks a debrief for.
const (
	DebriefRestraint = "restraint" // restraint or seclusion
	DebriefSevere    = "severe"    // restraint, seclusion, injury or top severity
)

// DefaultDebriefDays is how many school days a debrief is due within
// when the school sets none.
const DefaultDebriefDays = 2

// Debrief is a school's debrief rule: which incidents get a debrief task
// (When: DebriefRestraint, DebriefSevere, or "" for none), due by the
// dismissal of the Days-th school day after the incident.
type Debrief struct {
	When string
	Days int
}

// ReadDebrief reads a school's debrief rule; a school that sets none asks
// for no debrief.
func ReadDebrief(kv map[string]string) Debrief {
	d := Debrief{When: kv[SettingDebrief], Days: DefaultDebriefDays}
	if d.When != DebriefRestraint && d.When != DebriefSevere {
		d.When = ""
	}
	if days, ok := ParseSchoolDays(kv[SettingDebriefDays]); ok {
		d.Days = days
	}
	return d
}

// Wants reports whether an incident gets a debrief task.
func (d Debrief) Wants(in storage.Incident) bool {
	switch d.When {
	case DebriefRestraint:
		return in.Restraint || in.Seclusion
	case DebriefSevere:
		return in.Severe()
	}
	return false
}
