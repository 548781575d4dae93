package commands

import (
	"context"
	"errors"
	"fmt"
	"strings"
	"time"

	"parabot/bot"
	"parabot/schoolday"
	"parabot/storage"
)

// planNotice works out the parent-notice task of a restraint, seclusion
// or injury, owned by the student's teacher (or the first admin, per the
// school's notice_owner), for the write that logs the incident; nil, with
// what to tell the para, when nobody on the roster can own it.
func planNotice(ctx context.Context, d Deps, c *bot.Call, st storage.Student, in storage.Incident) (*storage.ParentNotice, string, error) {
	kv, err := d.Store.SchoolSettings(ctx, c.Staff.SchoolID)
	if err != nil {
		return nil, "", fmt.Errorf("loading settings: %w", err)
	}
	rule := schoolday.ReadNotice(kv)
	owner, err := taskOwner(ctx, d, c.Staff.SchoolID, st, rule.Owner)
	if err != nil {
		return nil, "", err
	}
	if owner.ID == 0 {
		return nil, "Nobody on the roster can own the parent notice (no teacher or admin): tell the office it is due.", nil
	}
	loc := c.School.Location()
	date := schoolday.Today(in.At, loc)
	special, err := d.Store.CalendarDays(ctx, c.Staff.SchoolID, date, schoolday.AddDays(date, 60))
	if err != nil {
		return nil, "", fmt.Errorf("loading calendar: %w", err)
	}
	oral, written := rule.Deadlines(c.School, special, in.At)
	return &storage.ParentNotice{SchoolID: c.Staff.SchoolID, StudentID: st.ID, OwnerID: owner.ID, IncidentAt: in.At,
		OralDue: oral, WrittenDue: written, CreatedAt: c.Now}, owner.Name, nil
}

// taskOwner is who owns an incident's task: the student's first teacher
// (when owner is schoolday.NotifyTeacher and they have one), else the
// school's first admin; the zero Staff when there is neither.
func taskOwner(ctx context.Context, d Deps, schoolID int64, st storage.Student, owner string) (storage.Staff, error) {
	if owner == schoolday.NotifyTeacher {
		ts, err := teachers(ctx, d.Store, st.ID)
		if err != nil {
			return storage.Staff{}, err
		}
		if len(ts) > 0 {
			return ts[0], nil
		}
	}
	staff, err := d.Store.ListStaff(ctx, schoolID)
	if err != nil {
		return storage.Staff{}, fmt.Errorf("listing staff: %w", err)
	}
	for _, s := range staff {
		if s.Role == storage.RoleAdmin {
			return s, nil
		}
	}
	return storage.Staff{}, nil
}

// ownerOnly refuses a task's mark by anyone but its owner: "<task> is
// Maria Rivera's task; only they can mark it."
func ownerOnly(ctx context.Context, d Deps, ownerID, staffID int64, task string) error {
	if ownerID == staffID {
		return nil
	}
	owner, err := d.Store.StaffMember(ctx, ownerID)
	if err != nil {
		return fmt.Errorf("loading owner: %w", err)
	}
	return bot.Errorf("", "%s is %s's task; only they can mark it. Nothing changed.", task, owner.Name)
}

// noticeLine says whose task an opened parent notice is, and its deadlines.
func noticeLine(n storage.ParentNotice, owner string, loc *time.Location) string {
	f := "Mon Jan 2 15:04"
	return fmt.Sprintf("Parent notice (incident %d) is %s's task: oral by %s, written by %s.", n.IncidentID, owner,
		n.OralDue.In(loc).Format(f), n.WrittenDue.In(loc).Format(f))
}

// noticeMethods are the ways a family is told, and whether each is written.
var noticeMethods = map[string]bool{"phone": false, "in person": false, "email": true, "letter": true}

// Notified marks the oral or written parent notice of an incident given.
func Notified(d Deps) *bot.Command {
	return &bot.Command{
		Name:    "notified",
		Summary: "Mark a parent notice given: oral (phone, in person) or written (email, letter).",
		Roles:   []storage.Role{storage.RoleTeacher, storage.RoleAdmin},
		Params: []bot.Param{
			{Name: "incident", Kind: bot.KindInt, Required: true, Positional: true, Min: 1, Max: 1 << 62,
				Help: "the incident's number, as in the parent-notice reminder"},
			{Name: "method", Kind: bot.KindText, Required: true, MaxLen: 520,
				Help: "phone, in person (oral), email or letter (written)"},
			{Name: "at", Kind: bot.KindTime, Default: "now", Help: "when the family was told: now, 10:15, yesterday 16:00"},
			{Name: "note", Kind: bot.KindText, MaxLen: 500, Help: "who was told, what was said: note=..., or end the line with -- spoke with mom"},
		},
		Examples: []string{"/notified 12 method=phone spoke with mom", "/notified 12 method=in person at=15:30 -- met dad at pickup", "/notified 12 method=letter at=yesterday 16:00"},
		Run: func(ctx context.Context, c *bot.Call) (bot.Reply, error) {
			id := int64(c.Values.Int("incident"))
			// A method may run on into the note (method=in person spoke with mom).
			words := strings.Fields(strings.ReplaceAll(c.Values.Text("method"), "-", " "))
			note := strings.TrimSpace(c.Values.Text("note"))
			method, rest := "", words
			if len(words) > 0 {
				method, rest = strings.ToLower(words[0]), words[1:]
			}
			if method == "in" && len(rest) > 0 && strings.EqualFold(rest[0], "person") {
				method, rest = "in person", rest[1:]
			}
			note = strings.TrimSpace(strings.Join(rest, " ") + " " + note)
			written, ok := noticeMethods[method]
			if !ok {
				return bot.Reply{}, bot.Errorf("method", "%q is not a way of telling a family; write method=phone, in person, email or letter.", c.Values.Text("method"))
			}
			n, err := d.Store.ParentNotice(ctx, id)
			if errors.Is(err, storage.ErrNotFound) || err == nil && n.SchoolID != c.Staff.SchoolID {
				return bot.Reply{}, bot.Errorf("incident", "Incident %d has no parent-notice task; the number is in the parent-notice reminder.", id)
			}
			if err != nil {
				return bot.Reply{}, fmt.Errorf("loading parent notice: %w", err)
			}
			if err := ownerOnly(ctx, d, n.OwnerID, c.Staff.ID, fmt.Sprintf("The parent notice of incident %d", id)); err != nil {
				return bot.Reply{}, err
			}
			at := c.Values.Time("at")
			loc := c.School.Location()
			switch {
			case at.After(c.Now):
				return bot.Reply{}, bot.Errorf("at", "%s is in the future; give the time the family was told, e.g. at=10:15. Nothing changed.", at.In(loc).Format("Mon Jan 2 15:04"))
			case at.Before(n.IncidentAt):
				return bot.Reply{}, bot.Errorf("at", "%s is before the incident (%s); give the time the family was told. Nothing changed.",
					at.In(loc).Format("Mon Jan 2 15:04"), n.IncidentAt.In(loc).Format("Mon Jan 2 15:04"))
			}
			kind := "oral"
			if written {
				kind = "written"
			}
			err = d.Store.MarkNotified(ctx, id, written, method, note, at, c.Staff.ID, c.Now)
			if errors.Is(err, storage.ErrConflict) {
				return bot.Reply{}, bot.Errorf("method", "The %s notice of incident %d was marked given already; nothing changed.", kind, id)
			}
			if err != nil {
				return bot.Reply{}, err
			}
			r := bot.Reply{Text: fmt.Sprintf("Marked the %s parent notice of incident %d given (%s) at %s.", kind, id, method, at.In(loc).Format("Mon Jan 2 15:04"))}
			if written && n.OralAt.IsZero() {
				r.Context = "The oral notice is still due."
			} else if !written && n.WrittenAt.IsZero() {
				r.Context = "The written notice is still due."
			}
			return r, nil
		},
	}
}
