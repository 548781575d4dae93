package roster

import (
	"strconv"

	"parabot/storage"
)

// retentionSchoolColumns are schools.csv's optional retention columns:
// whole years to keep a student's records after they leave, and access
// log rows after they are written (see parabot purge).
func retentionSchoolColumns() []column {
	return []column{
		{name: storage.SettingKeepRecords, max: 3},
		{name: storage.SettingKeepAccessLog, max: 3},
	}
}

// parseSchoolRetention reads a schools.csv row's retention columns. A
// column the header lacks leaves the stored setting as it is; an empty
// value removes it (keep everything). The values are checked even when
// the row's school name is wrong.
func (p *parser) parseSchoolRetention(r row, school string) {
	for _, c := range retentionSchoolColumns() {
		if !r.has(c.name) {
			continue
		}
		v := r.get(c.name)
		if v != "" {
			n, err := strconv.Atoi(v)
			if err != nil || n < 1 || n > 100 {
				r.problem(c.name, "%q is not a number of years; write a whole number from 1 to 100, or leave it empty to keep everything", v)
				continue
			}
			v = strconv.Itoa(n)
		}
		if school == "" {
			continue
		}
		p.out.Reminders.Settings = append(p.out.Reminders.Settings, storage.RosterSetting{School: school, Name: c.name, Value: v})
	}
}
