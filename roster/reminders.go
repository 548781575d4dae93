package roster

import (
	"slices"
	"strconv"
	"strings"

	"parabot/schoolday"
	"parabot/storage"
)

// SchedulesFile is the optional file of cron schedules that replace a
// school's reminder times.
const SchedulesFile = "schedules.csv"

// reminderSchoolColumns are schools.csv's optional reminder columns.
func reminderSchoolColumns() []column {
	return []column{
		{name: schoolday.SettingDataDue, max: 40},
		{name: schoolday.SettingDataReminder, max: 40},
		{name: schoolday.SettingDutyLead, max: 40},
		{name: string(storage.DutyBus) + schoolday.SettingLeadSuffix, max: 40},
		{name: string(storage.DutyLunch) + schoolday.SettingLeadSuffix, max: 40},
		{name: string(storage.DutyRecess) + schoolday.SettingLeadSuffix, max: 40},
		{name: SettingEscalateSeverity, max: 2},
		{name: schoolday.SettingNoticeOral, max: 20},
		{name: schoolday.SettingNoticeWritten, max: 3},
		{name: schoolday.SettingNoticeOwner, max: 20},
		{name: schoolday.SettingDebrief, max: 20},
		{name: schoolday.SettingDebriefDays, max: 3},
	}
}

// SettingEscalateSeverity is schools.csv's column of the lowest incident
// severity that opens an escalation (default 4).
const SettingEscalateSeverity = "escalate_severity"

// escalationSetting checks schools.csv's escalation and parent-notice
// columns; ok is false when the value is wrong (and reported).
func escalationSetting(r row, col, v string) (string, bool) {
	switch col {
	case SettingEscalateSeverity:
		if n, err := strconv.Atoi(v); err != nil || n < 1 || n > storage.MaxSeverity {
			r.problem(col, "%q is not a severity; write 1 to %d (incidents at or above it are escalated)", v, storage.MaxSeverity)
			return "", false
		}
	case schoolday.SettingNoticeOral:
		if _, ok := schoolday.ParseNoticeOral(v); !ok {
			r.problem(col, "%q is not a deadline; write hours like 24h", v)
			return "", false
		}
	case schoolday.SettingNoticeWritten:
		if _, ok := schoolday.ParseSchoolDays(v); !ok {
			r.problem(col, "%q is not a number of school days; write e.g. 3", v)
			return "", false
		}
	case schoolday.SettingNoticeOwner:
		v = strings.ToLower(v)
		if v != schoolday.NotifyTeacher && v != schoolday.NotifyAdmin {
			r.problem(col, "%q is not who owns the parent notice; write teacher or admin", v)
			return "", false
		}
	case schoolday.SettingDebrief:
		v = strings.ToLower(v)
		if v != schoolday.DebriefRestraint && v != schoolday.DebriefSevere {
			r.problem(col, "%q is not which incidents get a debrief; write restraint, severe, or leave it empty for none", v)
			return "", false
		}
	case schoolday.SettingDebriefDays:
		if _, ok := schoolday.ParseSchoolDays(v); !ok {
			r.problem(col, "%q is not a number of school days; write e.g. 2", v)
			return "", false
		}
	}
	return v, true
}

// has reports whether the file's header has column col.
func (r row) has(col string) bool { _, ok := r.vals[col]; return ok }

// parseSchoolReminders reads a schools.csv row's reminder columns. A
// column the header lacks leaves the stored setting as it is; an empty
// value goes back to the default. The values are checked even when the
// row's school name is wrong, so that every problem is reported at once.
func (p *parser) parseSchoolReminders(r row, school string) {
	for _, c := range reminderSchoolColumns() {
		if !r.has(c.name) {
			continue
		}
		v := r.get(c.name)
		switch {
		case v == "":
		case c.name == SettingEscalateSeverity || c.name == schoolday.SettingNoticeOral ||
			c.name == schoolday.SettingNoticeWritten || c.name == schoolday.SettingNoticeOwner ||
			c.name == schoolday.SettingDebrief || c.name == schoolday.SettingDebriefDays:
			var ok bool
			if v, ok = escalationSetting(r, c.name, v); !ok {
				continue
			}
		case c.name == schoolday.SettingDataDue:
			hhmm, _, ok := r.clock(c.name)
			if !ok {
				continue
			}
			v = hhmm
		default:
			if _, err := schoolday.ParseLead(v); err != nil {
				r.problem(c.name, "%s", err.Error())
				continue
			}
		}
		if school == "" {
			continue
		}
		p.out.Reminders.Settings = append(p.out.Reminders.Settings, storage.RosterSetting{School: school, Name: c.name, Value: v})
	}
	if due, lead := r.get(schoolday.SettingDataDue), r.get(schoolday.SettingDataReminder); due != "" && lead != "" {
		m, err1 := schoolday.Minutes(normalClock(due))
		d, err2 := schoolday.ParseLead(lead)
		if err1 == nil && err2 == nil && int(d.Minutes()) > m {
			r.problem(schoolday.SettingDataReminder, "%s before data_due %s is before midnight; write a shorter lead", lead, due)
		}
	}
}

// normalClock writes "8:30" as "08:30".
func normalClock(v string) string {
	if len(v) == 4 && v[1] == ':' {
		return "0" + v
	}
	return v
}

// parseDismissal reads students.csv's dismissal column: bus (with its
// number), pickup, walker or after-care. The value is checked even when
// the row's school or code is wrong.
func (p *parser) parseDismissal(r row, school, code string) {
	if !r.has("dismissal") {
		return
	}
	v := strings.ToLower(strings.Join(strings.Fields(r.get("dismissal")), " "))
	switch {
	case v == "", v == "pickup", v == "walker", v == "after-care", v == "bus":
	case v == "aftercare":
		v = "after-care"
	case strings.HasPrefix(v, "bus "):
	default:
		r.problem("dismissal", "%q is not a way home; write bus 12, pickup, walker or after-care", r.get("dismissal"))
		return
	}
	if school == "" || code == "" {
		return
	}
	p.out.Reminders.Dismissals = append(p.out.Reminders.Dismissals, storage.RosterDismissal{School: school, StudentCode: code, Dismissal: v})
}

// parseGoalSchedule reads goals.csv's schedule column. The value is
// checked even when the row's student or goal code is wrong.
func (p *parser) parseGoalSchedule(r row, g storage.RosterGoal) {
	if !r.has("schedule") {
		return
	}
	v := strings.ToLower(strings.TrimSpace(r.get("schedule")))
	if _, err := schoolday.ParseGoalSchedule(v); err != nil {
		r.problem("schedule", "%s", err.Error())
		return
	}
	if g.School == "" || g.StudentCode == "" || g.Goal.Code == "" {
		return
	}
	if v == "" {
		v = "daily"
	}
	p.out.Reminders.GoalSchedules = append(p.out.Reminders.GoalSchedules, storage.RosterGoalSchedule{School: g.School, StudentCode: g.StudentCode, GoalCode: g.Goal.Code, Schedule: v})
}

// schedulesSpec describes schedules.csv: one row a school's schedule.
func schedulesSpec() fileSpec {
	return fileSpec{name: SchedulesFile, columns: []column{
		{name: "school", required: true, max: 100},
		{name: "kind", required: true, max: 40},
		{name: "spec", required: true, max: 100},
		{name: "active", max: 40},
	}}
}

func (p *parser) parseSchedules(rows []row) {
	seen := map[string]int{}
	for _, r := range rows {
		school := r.school("school")
		kind := strings.ToLower(r.get("kind"))
		ok := true
		if kind != "" && !slices.Contains(schoolday.ScheduleKinds(), kind) {
			r.problem("kind", "%q is not a schedule kind; write %s", r.get("kind"), strings.Join(schoolday.ScheduleKinds(), ", "))
			ok = false
		}
		spec := r.get("spec")
		if spec != "" {
			if _, err := schoolday.ParseSpec(spec); err != nil {
				r.problem("spec", "%q is not a cron spec: %s", spec, err.Error())
				ok = false
			}
		}
		active := r.active()
		if school == nil || kind == "" || spec == "" || !ok {
			continue
		}
		k := key(fold(school.name), kind)
		if prev, dup := seen[k]; dup {
			r.problem("kind", "the %s schedule of %s is already on line %d", kind, school.name, prev)
			continue
		}
		seen[k] = r.line
		if !active {
			spec = ""
		}
		p.out.Reminders.Settings = append(p.out.Reminders.Settings, storage.RosterSetting{School: school.name, Name: schoolday.SettingSchedulePrefix + kind, Value: spec})
	}
}
