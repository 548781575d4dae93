package commands

import (
	"context"
	"errors"
	"fmt"
	"strings"

	"parabot/bot"
	"parabot/storage"
)

// actionVoidConfirm is the button that voids what /void showed.
const actionVoidConfirm = "void_confirm"

// What /void takes back: an incident by the number its messages give
// (parent notice, debrief, the admin's alert, the refused /undo), or any
// entry by its own number. The word before the number is required, so
// one kind of number is never read as the other.
const (
	voidIncident = "incident"
	voidEntry    = "entry"
)

// Void lets an admin take back any entry of their school, with a reason:
// the only way to take back an incident with restraint, seclusion or
// injury. It first shows what it would void and asks to confirm with a
// button; nothing changes before the press. The entry is kept, marked
// voided with who and why; exports show it so.
func Void(d Deps) *bot.Command {
	return &bot.Command{
		Name:    "void",
		Summary: "Admins: void an incident or an entry with a reason, after confirming; it stays on record.",
		Roles:   []storage.Role{storage.RoleAdmin},
		Params: []bot.Param{
			{Name: "record", Kind: bot.KindChoice, Required: true, Positional: true,
				Help:    "incident (its number as its messages give it: incident 22, not an escalation's #1) or entry",
				Choices: []bot.Choice{{Value: voidIncident}, {Value: voidEntry}}},
			{Name: "number", Kind: bot.KindInt, Required: true, Positional: true, Min: 1, Max: 1<<31 - 1,
				Help: "the incident's or the entry's number, e.g. 22 in incident 22"},
			{Name: "reason", Kind: bot.KindText, Required: true, Positional: true, MaxLen: 200,
				Help: "why it is voided, e.g. logged for the wrong student"},
		},
		Examples: []string{"/void incident 22 logged for the wrong student"},
		Run: func(ctx context.Context, c *bot.Call) (bot.Reply, error) {
			record, n := c.Values.Text("record"), int64(c.Values.Int("number"))
			reason := strings.TrimSpace(c.Values.Text("reason"))
			e, err := voidEntryOf(ctx, d.Store, record, n)
			if err != nil {
				return bot.Reply{}, err
			}
			st, target, err := voidable(ctx, d.Store, c.Staff, e, fmt.Sprintf("%s %d", record, n))
			if err != nil {
				return bot.Reply{}, err
			}
			by, err := d.Store.StaffMember(ctx, e.StaffID)
			if err != nil {
				return bot.Reply{}, fmt.Errorf("loading staff %d: %w", e.StaffID, err)
			}
			return bot.Reply{
				Text: fmt.Sprintf("Void %s? About %s, logged %s by %s: %s\nReason: %s", target, bot.Named(st),
					e.CreatedAt.In(c.School.Location()).Format("Mon Jan 2 15:04"), by.Name, e.Summary, reason),
				Buttons: []bot.Button{{Label: "Yes, void it", Action: actionVoidConfirm, Value: undoValue(e.ID, reason), Style: "danger"}},
				Context: "Nothing changes unless you press the button.",
			}, nil
		},
		Buttons: []bot.ButtonAction{{
			Action: actionVoidConfirm,
			Run: func(ctx context.Context, c *bot.PressCall) (bot.Reply, error) {
				if c.Staff.Role != storage.RoleAdmin {
					return bot.Reply{}, bot.Errorf("", "Only an admin can void an entry; nothing changed.")
				}
				e, reason, err := pressedEntry(ctx, d.Store, c, "void")
				if err != nil {
					return bot.Reply{}, err
				}
				if reason == "" {
					return bot.Reply{}, bot.Errorf("", "That button is broken; type /void again with the reason.")
				}
				st, target, err := voidable(ctx, d.Store, c.Staff, e, "such entry")
				if err != nil {
					return bot.Reply{}, err
				}
				done := "Voided " + target + " (" + bot.Named(st) + "): " + e.Summary + "\nReason: " + reason +
					"\nIt stays on record, marked voided, and in exports."
				return takeBack(ctx, d.Store, c.Staff, e, "voided by an admin: "+reason, c.Now, c.Press.Platform, done)
			},
		}},
	}
}

// voidEntryOf finds the entry /void names: an incident's entry, or an
// entry by its number.
func voidEntryOf(ctx context.Context, s storage.Store, record string, n int64) (storage.Entry, error) {
	id := n
	if record == voidIncident {
		in, err := s.Incident(ctx, n)
		if errors.Is(err, storage.ErrNotFound) {
			return storage.Entry{}, bot.Errorf("number", "There is no incident %d at your school; the number is in the incident's messages (Parent notice (incident 22)), not an escalation's #number.", n)
		}
		if err != nil {
			return storage.Entry{}, fmt.Errorf("loading incident %d: %w", n, err)
		}
		id = in.EntryID
	}
	e, err := s.Entry(ctx, id)
	if errors.Is(err, storage.ErrNotFound) {
		return storage.Entry{}, bot.Errorf("number", "There is no %s %d at your school.", record, n)
	}
	if err != nil {
		return storage.Entry{}, fmt.Errorf("loading entry %d: %w", id, err)
	}
	return e, nil
}

// voidable checks an admin may void e now (their school's, still
// active), and returns its student and how /void names it; asked is how
// the admin named it ("incident 22"), for the refusal of another
// school's entry, which is not to be known.
func voidable(ctx context.Context, s storage.Store, staff storage.Staff, e storage.Entry, asked string) (storage.Student, string, error) {
	st, err := s.Student(ctx, e.StudentID)
	if err != nil {
		return st, "", fmt.Errorf("loading student %d: %w", e.StudentID, err)
	}
	if st.SchoolID != staff.SchoolID {
		return st, "", bot.Errorf("number", "There is no %s at your school; nothing changed.", asked)
	}
	in, isIncident, err := entryIncident(ctx, s, e)
	if err != nil {
		return st, "", err
	}
	target := voidTarget(e, in, isIncident)
	if !e.Active {
		return st, "", bot.Errorf("number", "%s was already undone or voided; nothing changed.", strings.ToUpper(target[:1])+target[1:])
	}
	return st, target, nil
}
