package roster

import (
	"fmt"
	"strconv"
	"strings"

	"parabot/schoolday"
	"parabot/storage"
)

// EscalationFile is the optional file of a school's escalation ladder:
// one row a level, who it tells and how long they have to acknowledge.
// A school it names gets exactly the levels it lists; a school it does
// not name keeps its ladder (the default: teacher, then admin).
const EscalationFile = "escalation.csv"

// maxLevels is how many levels a ladder may have.
const maxLevels = 9

// escalationSpec describes escalation.csv.
func escalationSpec() fileSpec {
	return fileSpec{name: EscalationFile, columns: []column{
		{name: "school", required: true, max: 100},
		{name: "level", required: true, max: 2},
		{name: "notify", required: true, max: 400},
		{name: "timeout", required: true, max: 20},
		{name: "urgent_timeout", required: true, max: 20},
	}}
}

func (p *parser) parseEscalation(rows []row) {
	levels := map[string]map[int]int{} // school -> level -> line
	var out []storage.RosterSetting
	var schools []string
	for _, r := range rows {
		school := r.school("school")
		ok := true
		n, err := strconv.Atoi(strings.TrimSpace(r.get("level")))
		if err != nil || n < 1 || n > maxLevels {
			if r.get("level") != "" { // empty: reported as a required column
				r.problem("level", "%q is not a level; write 1 for the first people told, 2 for the next, up to %d", r.get("level"), maxLevels)
			}
			ok = false
		}
		l := schoolday.Level{Number: n}
		if l.Notify, l.Handles, err = schoolday.ParseWho(r.get("notify")); err != nil {
			ok = false // empty: reported as a required column
		}
		for _, h := range l.Handles {
			st, known := p.staff[fold(h)]
			switch {
			case !known:
				r.problem("notify", "%q is neither a role (teacher, admin) nor a handle of %s", h, StaffFile)
				ok = false
			case school != nil && st.school != nil && st.school != school:
				r.problem("notify", "%s is staff of %s, not of %s", h, st.school.name, school.name)
				ok = false
			}
		}
		for _, col := range []string{"timeout", "urgent_timeout"} {
			d, err := schoolday.ParseTimeout(r.get(col))
			if err != nil {
				if r.get(col) != "" { // empty: reported as a required column
					r.problem(col, "%s", err.Error())
				}
				ok = false
			}
			if col == "timeout" {
				l.Timeout = d
			} else {
				l.UrgentTimeout = d
			}
		}
		if school == nil || !ok {
			continue
		}
		if levels[school.name] == nil {
			levels[school.name] = map[int]int{}
			schools = append(schools, school.name)
		}
		if prev, dup := levels[school.name][n]; dup {
			r.problem("level", "level %d of %s is already on line %d", n, school.name, prev)
			continue
		}
		levels[school.name][n] = r.line
		out = append(out, storage.RosterSetting{School: school.name, Name: fmt.Sprintf("%s%d", schoolday.SettingEscalationPrefix, n), Value: l.Value()})
	}
	for _, s := range schools {
		for n := 1; n <= maxLevels; n++ {
			if _, ok := levels[s][n]; !ok {
				out = append(out, storage.RosterSetting{School: s, Name: fmt.Sprintf("%s%d", schoolday.SettingEscalationPrefix, n)})
			}
		}
		for n := 2; n <= maxLevels; n++ {
			if _, ok := levels[s][n]; ok {
				if _, before := levels[s][n-1]; !before {
					p.add(EscalationFile, levels[s][n], "level", fmt.Sprintf("%s has level %d but no level %d; number the levels 1, 2, 3 without gaps", s, n, n-1))
				}
			}
		}
	}
	p.out.Reminders.Settings = append(p.out.Reminders.Settings, out...)
}
