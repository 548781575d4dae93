package commands

import (
	"context"
	"errors"
	"fmt"
	"strconv"
	"strings"

	"parabot/bot"
	"parabot/storage"
)

// Void lets an admin take back any entry of their school, with a reason:
// the only way to take back an incident with restraint, seclusion or
// injury. The entry is kept, marked voided with who and why; exports show
// it so.
func Void(d Deps) *bot.Command {
	return &bot.Command{
		Name:    "void",
		Summary: "Admins: void an entry with a reason (restraint, seclusion, injury); it stays on record.",
		Roles:   []storage.Role{storage.RoleAdmin},
		Params: []bot.Param{
			{Name: "entry", Kind: bot.KindInt, Required: true, Positional: true, Min: 1, Max: 1<<31 - 1,
				Help: "the entry's number, as the alert or the refused /undo gives it"},
			{Name: "reason", Kind: bot.KindText, Required: true, Positional: true, MaxLen: 200,
				Help: "why it is voided, e.g. logged for the wrong student"},
		},
		Examples: []string{"/void 42 logged for the wrong student"},
		Run: func(ctx context.Context, c *bot.Call) (bot.Reply, error) {
			id := int64(c.Values.Int("entry"))
			reason := strings.TrimSpace(c.Values.Text("reason"))
			e, err := d.Store.Entry(ctx, id)
			if errors.Is(err, storage.ErrNotFound) {
				return bot.Reply{}, bot.Errorf("entry", "There is no entry %d.", id)
			}
			if err != nil {
				return bot.Reply{}, fmt.Errorf("loading entry %d: %w", id, err)
			}
			st, err := d.Store.Student(ctx, e.StudentID)
			if err != nil {
				return bot.Reply{}, fmt.Errorf("loading student %d: %w", e.StudentID, err)
			}
			if st.SchoolID != c.Staff.SchoolID {
				return bot.Reply{}, bot.Errorf("entry", "There is no entry %d.", id) // another school's entries are not to be known
			}
			if !e.Active {
				return bot.Reply{}, bot.Errorf("entry", "Entry %d was already undone or voided.", id)
			}
			r, err := takeBack(ctx, d.Store, c.Staff, e, "voided by an admin: "+reason, c.Now, c.Req.Platform)
			if err != nil {
				return bot.Reply{}, err
			}
			r.Text = "Voided entry " + strconv.FormatInt(id, 10) + " (" + bot.Named(st) + "): " + e.Summary + "\nReason: " + reason +
				"\nIt stays on record, marked voided, and in exports."
			return r, nil
		},
	}
}
