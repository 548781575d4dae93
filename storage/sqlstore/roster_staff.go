package sqlstore

import (
	"errors"
	"fmt"
	"strings"

	"parabot/schoolday"
	"parabot/storage"
)

// What an import checks of its staff rows against the database as the
// import leaves it: chat accounts and emails that are someone else's, and
// roster rules that rows left out of the import could break.

// platformNames are the platforms' names in messages, with their roster
// columns.
var platformNames = map[storage.Platform][2]string{
	storage.PlatformShell:   {"terminal", "handle"},
	storage.PlatformSlack:   {"Slack", "slack_id"},
	storage.PlatformDiscord: {"Discord", "discord_id"},
}

// rosterID is the id a staff row gives on one platform ("" for none), and
// whether its file has the column.
type rosterID struct {
	platform storage.Platform
	id       string
	column   bool
}

// rosterIDs are a staff row's Slack and Discord ids.
func rosterIDs(s storage.RosterStaff) []rosterID {
	return []rosterID{
		{storage.PlatformSlack, s.SlackID, s.SlackIDColumn},
		{storage.PlatformDiscord, s.DiscordID, s.DiscordIDColumn},
	}
}

// identities links the staff rows' platform ids, after every staff row is
// written. First each row's own ids go: a Slack or Discord id replaces
// the staff member's other ids on that platform, and an empty one (the
// file has the column) unlinks the id an earlier import gave. Then the ids
// are linked; an id still linked to someone else is refused, so a
// mistyped id never hands one person's account to another, and an id
// moves only when the import takes it off its old row.
func (im *importer) identities(rows []storage.RosterStaff) error {
	removed := map[int64]map[storage.Platform]bool{}
	for _, s := range rows {
		st, ok := im.staff[s.Handle]
		if !ok {
			continue // refused
		}
		for _, g := range rosterIDs(s) {
			p := g.platform
			var n int64
			var err error
			switch {
			case g.id != "":
				n, err = im.x.Exec(im.ctx, `DELETE FROM identities WHERE staff_id = $1 AND platform = $2 AND user_id <> $3`, st.ID, p, g.id)
			case g.column:
				n, err = im.x.Exec(im.ctx, `DELETE FROM identities WHERE staff_id = $1 AND platform = $2 AND from_roster`, st.ID, p)
			}
			if err != nil {
				return fmt.Errorf("unlinking %s ids of %q: %w", p, s.Handle, err)
			}
			if n > 0 {
				if removed[st.ID] == nil {
					removed[st.ID] = map[storage.Platform]bool{}
				}
				removed[st.ID][p] = true
			}
		}
	}
	for _, s := range rows {
		st, ok := im.staff[s.Handle]
		if !ok {
			continue
		}
		created, err := im.identity(s, st, storage.PlatformShell, st.Handle, false)
		if err != nil {
			return err
		}
		im.count("identities", created, false)
		for _, g := range rosterIDs(s) {
			p := g.platform
			created := false
			if g.id != "" {
				var err error
				if created, err = im.identity(s, st, p, g.id, true); err != nil {
					return err
				}
			}
			im.count("identities", created && !removed[st.ID][p], removed[st.ID][p])
		}
	}
	return nil
}

// identity links a platform user id to st, the staff member of row s, and
// reports whether it was new. An id of someone else is refused.
func (im *importer) identity(s storage.RosterStaff, st storage.Staff, p storage.Platform, userID string, fromRoster bool) (bool, error) {
	var owner int64
	err := im.x.QueryRow(im.ctx, `SELECT staff_id FROM identities WHERE platform = $1 AND user_id = $2`, p, userID).Scan(&owner)
	switch {
	case errors.Is(err, storage.ErrNotFound):
		_, err = im.x.Exec(im.ctx, `INSERT INTO identities (platform, user_id, staff_id, from_roster) VALUES ($1, $2, $3, $4)`,
			p, userID, st.ID, fromRoster)
		if err != nil {
			return false, fmt.Errorf("linking %s id of %q: %w", p, st.Handle, err)
		}
		return true, nil
	case err != nil:
		return false, fmt.Errorf("finding %s id of %q: %w", p, st.Handle, err)
	case owner == st.ID:
		if fromRoster { // now the roster's, even if first linked by email
			_, err = im.x.Exec(im.ctx, `UPDATE identities SET from_roster = $3 WHERE platform = $1 AND user_id = $2 AND NOT from_roster`, p, userID, true)
		}
		return false, err
	}
	other, err := scanStaff(im.x.QueryRow(im.ctx, `SELECT `+staffCols+` FROM staff WHERE id = $1`, owner))
	if err != nil {
		return false, fmt.Errorf("loading staff %d: %w", owner, err)
	}
	name := platformNames[p]
	im.refuse(storage.RowsStaff, s.Line, name[1], "%s is already the %s account of %s (%s); check the id, or take it off %s's row in the same import",
		userID, name[0], other.Handle, other.Name, other.Handle)
	return false, nil
}

// checkStaff checks the import's staff rows against the database as the
// import leaves it, rows it does not name included: an active staff
// member's email is no other active staff member's (it links chat
// accounts on first use); a role still fits every active assignment; and
// a staff member moved to another school is on no other school's
// escalation ladder.
func (im *importer) checkStaff(rows []storage.RosterStaff) error {
	ladders, err := im.ladders()
	if err != nil {
		return err
	}
	for i, s := range rows {
		st, ok := im.staff[s.Handle]
		if !ok {
			continue // refused
		}
		if err := im.checkEmail(rows, i, st); err != nil {
			return err
		}
		if err := im.checkRole(s, st); err != nil {
			return err
		}
		for _, l := range ladders {
			if l.schoolID != st.SchoolID && l.names(st.Handle) {
				im.refuse(storage.RowsStaff, s.Line, "school", "%s is on %s's escalation ladder (level %d), which names staff of %s only; "+
					"take them off that level in escalation.csv in the same import, or keep the school", st.Handle, l.school, l.level, l.school)
			}
		}
	}
	return nil
}

// checkEmail refuses the email of rows[i], st, when another active staff
// member has it: linking a chat account by email would not know whose it
// is. Of two rows of the import, the later one is refused.
func (im *importer) checkEmail(rows []storage.RosterStaff, i int, st storage.Staff) error {
	if !st.Active || st.Email == "" {
		return nil
	}
	other, err := scanStaff(im.x.QueryRow(im.ctx, `SELECT `+staffCols+` FROM staff
		WHERE lower(email) = lower($1) AND id <> $2 AND active ORDER BY id LIMIT 1`, st.Email, st.ID))
	if errors.Is(err, storage.ErrNotFound) {
		return nil
	}
	if err != nil {
		return fmt.Errorf("finding the email of %q: %w", st.Handle, err)
	}
	for _, later := range rows[i+1:] {
		if later.Handle == other.Handle {
			return nil // reported on that row
		}
	}
	im.refuse(storage.RowsStaff, rows[i].Line, "email", "%s is already the email of %s (%s); each person needs their own: "+
		"check the email, or change %s's in the same import", st.Email, other.Handle, other.Name, other.Handle)
	return nil
}

// checkRole refuses a role that no longer fits one of the staff member's
// active assignments: a para who stays a student's teacher would still
// get the teacher's notes.
func (im *importer) checkRole(s storage.RosterStaff, st storage.Staff) error {
	type assigned struct {
		kind storage.AssignmentKind
		code string
	}
	rows, err := list(im.ctx, im.x, fmt.Sprintf("listing assignments of staff %d", st.ID), func(row scanner) (assigned, error) {
		var a assigned
		return a, row.Scan(&a.kind, &a.code)
	}, `SELECT a.kind, s.code FROM assignments a JOIN students s ON s.id = a.student_id
		WHERE a.staff_id = $1 AND a.active ORDER BY a.kind, s.code`, st.ID)
	if err != nil {
		return err
	}
	var kinds []storage.AssignmentKind
	codes := map[storage.AssignmentKind][]string{}
	for _, a := range rows {
		if a.kind.Fits(st.Role) {
			continue
		}
		if codes[a.kind] == nil {
			kinds = append(kinds, a.kind)
		}
		codes[a.kind] = append(codes[a.kind], a.code)
	}
	for _, k := range kinds {
		im.refuse(storage.RowsStaff, s.Line, "role", "%s is the %s of %s in assignments, and a %s assignment needs %s; "+
			"change those assignments too (active no, or another kind), or keep the role", st.Handle, k, joinAnd(codes[k]), k, k.Needs())
	}
	return nil
}

// joinAnd joins words as "A", "A and B", "A, B and C".
func joinAnd(words []string) string {
	if len(words) < 2 {
		return strings.Join(words, "")
	}
	return strings.Join(words[:len(words)-1], ", ") + " and " + words[len(words)-1]
}

// ladderLevel is one stored escalation level that names staff by handle.
type ladderLevel struct {
	schoolID int64
	school   string
	level    int
	handles  []string
}

// names reports whether the level names handle.
func (l ladderLevel) names(handle string) bool {
	for _, h := range l.handles {
		if strings.EqualFold(h, handle) {
			return true
		}
	}
	return false
}

// ladders lists the stored escalation levels that name staff by handle,
// as the import leaves them.
func (im *importer) ladders() ([]ladderLevel, error) {
	type setting struct {
		schoolID    int64
		school      string
		name, value string
	}
	rows, err := list(im.ctx, im.x, "listing escalation ladders", func(row scanner) (setting, error) {
		var s setting
		return s, row.Scan(&s.schoolID, &s.school, &s.name, &s.value)
	}, `SELECT ss.school_id, sc.name, ss.name, ss.value FROM school_settings ss JOIN schools sc ON sc.id = ss.school_id
		WHERE ss.name LIKE $1 ORDER BY sc.name, ss.name`, schoolday.SettingEscalationPrefix+"%")
	if err != nil {
		return nil, err
	}
	var out []ladderLevel
	for i := 0; i < len(rows); {
		school := rows[i]
		kv := map[string]string{}
		for ; i < len(rows) && rows[i].schoolID == school.schoolID; i++ {
			kv[rows[i].name] = rows[i].value
		}
		policy, err := schoolday.ReadPolicy(kv)
		if err != nil {
			return nil, fmt.Errorf("reading the escalation ladder of school %d: %w", school.schoolID, err)
		}
		for _, l := range policy {
			if len(l.Handles) > 0 {
				out = append(out, ladderLevel{schoolID: school.schoolID, school: school.school, level: l.Number, handles: l.Handles})
			}
		}
	}
	return out, nil
}
