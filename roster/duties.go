package roster

import (
	"strings"

	"parabot/storage"
)

// dutiesSpec describes duties.csv: one row a slot of the duty roster, on
// one weekday or a range of them; with active "no" the slot is cancelled.
func dutiesSpec() fileSpec {
	return fileSpec{name: DutiesFile, columns: []column{
		{name: "staff", required: true, max: 32},
		{name: "kind", required: true, max: 40},
		{name: "weekday", required: true, max: 40},
		{name: "start", required: true, max: 40},
		{name: "end", required: true, max: 40},
		{name: "place", max: 100},
		{name: "active", max: 40},
	}}
}

func (p *parser) parseDuties(rows []row) {
	seen := map[string]int{}
	for _, r := range rows {
		d := storage.Duty{Kind: r.dutyKind("kind"), Place: r.get("place")}
		active := r.active()
		var start, end int
		var okStart, okEnd bool
		d.Start, start, okStart = r.clock("start")
		d.End, end, okEnd = r.clock("end")
		if okStart && okEnd && end <= start {
			r.problem("end", "%s is not after start %s", d.End, d.Start)
		}
		days := r.weekdays("weekday")
		staff := r.staffMember("staff")
		handle := ""
		if staff != nil {
			handle = staff.handle
		}
		for _, day := range days {
			d.Weekday = day
			if staff != nil && d.Start != "" {
				k := key(staff.handle, day.String(), d.Start)
				if prev, dup := seen[k]; dup {
					r.problem("weekday", "%s already has a duty on %s at %s, on line %d", staff.handle, day, d.Start, prev)
				} else {
					seen[k] = r.line
				}
			}
			p.out.Duties = append(p.out.Duties, storage.RosterDuty{StaffHandle: handle, Duty: d, Active: active})
		}
	}
}

// dutyKind reads a kind of duty.
func (r row) dutyKind(col string) storage.DutyKind {
	v := r.get(col)
	switch k := storage.DutyKind(strings.ToLower(v)); k {
	case "":
		return ""
	case storage.DutyBus, storage.DutyLunch, storage.DutyRecess:
		return k
	}
	r.problem(col, "%q is not a duty kind (bus, lunch, recess)", v)
	return ""
}
