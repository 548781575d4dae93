package roster

import (
	"strings"

	"parabot/storage"
)

// staffSpec describes staff.csv: one row a staff member.
func staffSpec() fileSpec {
	return fileSpec{name: StaffFile, columns: []column{
		{name: "school", required: true, max: 100},
		{name: "handle", required: true, max: 32},
		{name: "name", required: true, max: 100},
		{name: "role", required: true, max: 40},
		{name: "email", max: 254},
		{name: "channel", max: 80},
		{name: "slack_id", max: 40},
		{name: "discord_id", max: 40},
		{name: "active", max: 40},
	}}
}

// staffRef is what later files need to know of a staff member.
type staffRef struct {
	handle string
	school *schoolRef // nil when the row named no known school
	role   storage.Role
	line   int
}

func (p *parser) parseStaff(rows []row) {
	emails := map[string]int{}
	slackIDs := map[string]int{}
	discordIDs := map[string]int{}
	for _, r := range rows {
		school := r.school("school")
		s := storage.RosterStaff{
			Handle:    r.handle("handle"),
			Name:      r.name("name"),
			Role:      r.role("role"),
			Email:     r.email("email"),
			Channel:   r.channel("channel"),
			SlackID:   r.slackID("slack_id"),
			DiscordID: r.discordID("discord_id"),
			Active:    r.active(),
			Line:      r.line,
		}
		s.SlackIDColumn, s.DiscordIDColumn = r.has("slack_id"), r.has("discord_id")
		if school != nil {
			s.School = school.name
		}
		if s.Handle != "" {
			if prev, dup := p.staff[s.Handle]; dup {
				r.problem("handle", "handle %q is already on line %d", s.Handle, prev.line)
			} else {
				p.staff[s.Handle] = &staffRef{handle: s.Handle, school: school, role: s.Role, line: r.line}
			}
		}
		r.unique("email", fold(s.Email), emails)
		r.unique("slack_id", s.SlackID, slackIDs)
		r.unique("discord_id", s.DiscordID, discordIDs)
		p.out.Staff = append(p.out.Staff, s)
	}
}

// unique reports a value seen on an earlier line of the same file.
func (r row) unique(col, k string, seen map[string]int) {
	if k == "" {
		return
	}
	if prev, dup := seen[k]; dup {
		r.problem(col, "%q is already on line %d", r.get(col), prev)
		return
	}
	seen[k] = r.line
}

// handle reads a staff handle: the short login name people type (in the
// terminal adapter, to act as someone). It is stored in lower case.
func (r row) handle(col string) string {
	v := strings.ToLower(r.get(col))
	if v == "" {
		return ""
	}
	if len(v) < 2 || v[0] < 'a' || v[0] > 'z' || !matches(v, "._-") {
		r.problem(col, "%q is not a handle; use 2 to 32 letters, digits, dots, dashes or underscores, starting with a letter, for example jlee", r.get(col))
		r.badKey(v)
		return ""
	}
	return v
}

// role reads a staff role.
func (r row) role(col string) storage.Role {
	v := r.get(col)
	if v == "" {
		return ""
	}
	role := storage.Role(strings.ToLower(v))
	if !role.Valid() {
		r.problem(col, "%q is not a role (para, teacher, admin, therapist)", v)
		return ""
	}
	return role
}

// channel reads a channel name (a leading "#" is dropped) or id.
func (r row) channel(col string) string {
	v := strings.TrimPrefix(r.get(col), "#")
	if v == "" {
		return ""
	}
	if !matches(v, "._-") {
		r.problem(col, "%q is not a channel name; use letters, digits, dashes and underscores without spaces, for example rivera-class", r.get(col))
		return ""
	}
	return v
}

// slackID reads a Slack member id such as U012AB3CD.
func (r row) slackID(col string) string {
	v := r.get(col)
	if v == "" {
		return ""
	}
	if len(v) < 3 || len(v) > 20 || (v[0] != 'U' && v[0] != 'W') || strings.ToUpper(v) != v || !matches(v, "") {
		r.problem(col, "%q is not a Slack member id; it looks like U012AB3CD (in Slack: the person's profile, then \"Copy member ID\")", v)
		return ""
	}
	return v
}

// discordID reads a Discord user id: a number of 17 to 20 digits.
func (r row) discordID(col string) string {
	v := r.get(col)
	if v == "" {
		return ""
	}
	if len(v) < 17 || len(v) > 20 || !isDigits(v) {
		r.problem(col, "%q is not a Discord user id; it is a number like 123456789012345678 (in Discord, with Developer Mode on: right-click the person, then \"Copy User ID\")", v)
		return ""
	}
	return v
}

// staffMember resolves a reference to a staff member of staff.csv by
// handle; nil when the value is empty or names no one (which is reported).
func (r row) staffMember(col string) *staffRef {
	v := r.get(col)
	if v == "" {
		return nil
	}
	s, ok := r.p.staff[fold(v)]
	if !ok {
		r.missingRef(col, "staff member with handle", v, StaffFile)
		return nil
	}
	return s
}
