package commands

import (
	"context"
	"errors"
	"fmt"
	"strings"

	"parabot/bot"
	"parabot/schoolday"
	"parabot/storage"
)

// planDebrief works out the debrief task of an incident when the school
// asks for one (schools.csv debrief), owned by the student's teacher (or
// the first admin), for the write that logs the incident, and the owner's
// name; nil when the school asks for none, and nil with what to tell the
// para when nobody can own it.
func planDebrief(ctx context.Context, d Deps, c *bot.Call, st storage.Student, in storage.Incident, kv map[string]string) (*storage.Debrief, string, error) {
	rule := schoolday.ReadDebrief(kv)
	if !rule.Wants(in) {
		return nil, "", nil
	}
	owner, err := taskOwner(ctx, d, c.Staff.SchoolID, st, schoolday.NotifyTeacher)
	if err != nil {
		return nil, "", err
	}
	if owner.ID == 0 {
		return nil, "Nobody on the roster can own the debrief (no teacher or admin): tell the office one is due.", nil
	}
	date := schoolday.Today(in.At, c.School.Location())
	special, err := d.Store.CalendarDays(ctx, c.Staff.SchoolID, date, schoolday.AddDays(date, 60))
	if err != nil {
		return nil, "", fmt.Errorf("loading calendar: %w", err)
	}
	return &storage.Debrief{SchoolID: c.Staff.SchoolID, StudentID: st.ID, OwnerID: owner.ID, IncidentAt: in.At,
		Due: schoolday.ByDismissal(c.School, special, in.At, rule.Days), CreatedAt: c.Now}, owner.Name, nil
}

// Debriefed marks an incident's debrief held.
func Debriefed(d Deps) *bot.Command {
	return &bot.Command{
		Name:    "debriefed",
		Summary: "Mark an incident's debrief held (when the school asks for one after a restraint or seclusion).",
		Roles:   []storage.Role{storage.RoleTeacher, storage.RoleAdmin},
		Params: []bot.Param{
			{Name: "incident", Kind: bot.KindInt, Required: true, Positional: true, Min: 1, Max: 1 << 62,
				Help: "the incident's number, as in the debrief reminder"},
			{Name: "note", Kind: bot.KindText, Positional: true, MaxLen: 1000,
				Help: "who took part, what was agreed"},
		},
		Examples: []string{"/debriefed 12 with Jamie Lee and the nurse; new break plan"},
		Run: func(ctx context.Context, c *bot.Call) (bot.Reply, error) {
			id := int64(c.Values.Int("incident"))
			db, err := d.Store.Debrief(ctx, id)
			if errors.Is(err, storage.ErrNotFound) || err == nil && db.SchoolID != c.Staff.SchoolID {
				return bot.Reply{}, bot.Errorf("incident", "Incident %d has no debrief task; the number is in the debrief reminder.", id)
			}
			if err != nil {
				return bot.Reply{}, fmt.Errorf("loading debrief: %w", err)
			}
			if err := ownerOnly(ctx, d, db.OwnerID, c.Staff.ID, fmt.Sprintf("The debrief of incident %d", id)); err != nil {
				return bot.Reply{}, err
			}
			err = d.Store.MarkDebriefed(ctx, id, c.Staff.ID, strings.TrimSpace(c.Values.Text("note")), c.Now, nil)
			if errors.Is(err, storage.ErrConflict) {
				return bot.Reply{}, bot.Errorf("incident", "The debrief of incident %d was marked held already; nothing changed.", id)
			}
			if err != nil {
				return bot.Reply{}, err
			}
			return bot.Reply{Text: fmt.Sprintf("Marked the debrief of incident %d held at %s.", id, c.Now.In(c.School.Location()).Format("Mon Jan 2 15:04"))}, nil
		},
	}
}
