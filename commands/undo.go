package commands

import (
	"context"
	"errors"
	"fmt"
	"strconv"
	"strings"
	"time"

	"parabot/bot"
	"parabot/scheduler"
	"parabot/storage"
)

const actionUndo = "undo"

// undoWindow is how far back /undo reaches: typing it again and again
// must not quietly take back last week's records.
const undoWindow = 24 * time.Hour

func undoButton(entryID int64) bot.Button {
	return bot.Button{Label: "Undo", Action: actionUndo, Value: strconv.FormatInt(entryID, 10), Style: "danger"}
}

// The button actions of /undo: pick an entry from the list, then confirm.
const (
	actionUndoPick    = "undo_pick"
	actionUndoConfirm = "undo_confirm"
)

// maxUndoChoices bounds the entries /undo lists as buttons.
const maxUndoChoices = 10

// Undo lists the caller's entries of today, newest first, as buttons;
// pressing one asks to confirm, and confirming takes it back: it is
// deactivated with a reason, never deleted. The same 24-hour rule holds
// for every way of undoing.
func Undo(d Deps) *bot.Command {
	return &bot.Command{
		Name:    "undo",
		Summary: "Take back one of your entries of today: choose it, confirm; it is kept, marked undone.",
		Params: []bot.Param{
			{Name: "reason", Kind: bot.KindText, Positional: true, MaxLen: 60,
				Help: "why, e.g. wrong student"},
		},
		Examples: []string{"/undo", "/undo logged for the wrong student"},
		Run: func(ctx context.Context, c *bot.Call) (bot.Reply, error) {
			loc := c.School.Location()
			now := c.Now.In(loc)
			midnight := time.Date(now.Year(), now.Month(), now.Day(), 0, 0, 0, 0, loc)
			es, err := d.Store.RecentEntries(ctx, c.Staff.ID, midnight, maxUndoChoices+1)
			if err != nil {
				return bot.Reply{}, fmt.Errorf("listing recent entries: %w", err)
			}
			if len(es) == 0 {
				return bot.Reply{}, bot.Errorf("", "You have nothing of today to undo. /undo takes back only entries of today; ask your teacher to correct an older one.")
			}
			reason := c.Values.Text("reason")
			r := bot.Reply{Text: "Which entry do you want to take back? Newest first:"}
			for i, e := range es {
				if i == maxUndoChoices {
					r.Context = fmt.Sprintf("Only your %d newest entries of today are listed.", maxUndoChoices)
					break
				}
				r.Text += fmt.Sprintf("\n%d. %s %s", i+1, e.CreatedAt.In(loc).Format("15:04"), e.Summary)
				r.Buttons = append(r.Buttons, bot.Button{Label: fmt.Sprintf("%d. %s", i+1, e.CreatedAt.In(loc).Format("15:04")),
					Action: actionUndoPick, Value: undoValue(e.ID, reason)})
			}
			return r, nil
		},
		Buttons: []bot.ButtonAction{{
			// The Undo button of a confirmation: that entry, at once.
			Action: actionUndo,
			Run: func(ctx context.Context, c *bot.PressCall) (bot.Reply, error) {
				e, reason, err := pressedEntry(ctx, d.Store, c)
				if err != nil {
					return bot.Reply{}, err
				}
				return deactivate(ctx, d.Store, c.Staff, c.School, e, reason, c.Now, c.Press.Platform)
			},
		}, {
			Action: actionUndoPick,
			Run: func(ctx context.Context, c *bot.PressCall) (bot.Reply, error) {
				e, reason, err := pressedEntry(ctx, d.Store, c)
				if err != nil {
					return bot.Reply{}, err
				}
				if err := undoable(ctx, d.Store, c.Staff, c.School, e, c.Now); err != nil {
					return bot.Reply{}, err
				}
				return bot.Reply{
					Text:    "Take back this entry? " + e.Summary,
					Buttons: []bot.Button{{Label: "Yes, take it back", Action: actionUndoConfirm, Value: undoValue(e.ID, reason), Style: "danger"}},
					Context: "Nothing changes unless you press the button.",
				}, nil
			},
		}, {
			Action: actionUndoConfirm,
			Run: func(ctx context.Context, c *bot.PressCall) (bot.Reply, error) {
				e, reason, err := pressedEntry(ctx, d.Store, c)
				if err != nil {
					return bot.Reply{}, err
				}
				return deactivate(ctx, d.Store, c.Staff, c.School, e, reason, c.Now, c.Press.Platform)
			},
		}},
	}
}

// undoValue is a button's value: the entry id, then the reason if any.
func undoValue(id int64, reason string) string {
	v := strconv.FormatInt(id, 10)
	if reason != "" {
		v += " " + reason
	}
	return v
}

// pressedEntry reads the entry and reason of an undo button.
func pressedEntry(ctx context.Context, s storage.Store, c *bot.PressCall) (storage.Entry, string, error) {
	idText, reason, _ := strings.Cut(c.Press.Value, " ")
	id, err := strconv.ParseInt(idText, 10, 64)
	if err != nil {
		return storage.Entry{}, "", bot.Errorf("", "That button is broken; type /undo instead.")
	}
	e, err := s.Entry(ctx, id)
	if errors.Is(err, storage.ErrNotFound) {
		return storage.Entry{}, "", bot.Errorf("", "That entry no longer exists.")
	}
	if err != nil {
		return storage.Entry{}, "", fmt.Errorf("loading entry %d: %w", id, err)
	}
	return e, strings.TrimSpace(reason), nil
}

// undoable checks the rules every way of undoing shares: one's own
// entry, still active, logged in the last 24 hours, and not an incident
// only an admin may void.
func undoable(ctx context.Context, s storage.Store, staff storage.Staff, school storage.School, e storage.Entry, now time.Time) error {
	if e.StaffID != staff.ID {
		return bot.Errorf("", "Only the person who logged an entry can undo it.")
	}
	if !e.Active {
		return bot.Errorf("", "That entry was already undone.")
	}
	if now.Sub(e.CreatedAt) > undoWindow {
		return bot.Errorf("", "That entry was logged %s; undo takes back only entries of the last %d hours, so older records are not changed by accident. Ask your teacher to correct it.",
			e.CreatedAt.In(school.Location()).Format("Mon Jan 2 15:04"), int(undoWindow.Hours()))
	}
	protected, err := protectedIncident(ctx, s, e)
	if err != nil {
		return err
	}
	if protected {
		admins, err := adminNames(ctx, s, staff.SchoolID)
		if err != nil {
			return err
		}
		return bot.Errorf("", "An incident with restraint, seclusion or injury cannot be undone; only an admin can void it, with a reason (%s: /void %d <reason>). Tell them what is wrong.",
			admins, e.ID)
	}
	return nil
}

// deactivate takes back the caller's own entry after checking the rules
// every way of undoing shares.
func deactivate(ctx context.Context, s storage.Store, staff storage.Staff, school storage.School, e storage.Entry, reason string, now time.Time, platform storage.Platform) (bot.Reply, error) {
	if err := undoable(ctx, s, staff, school, e, now); err != nil {
		return bot.Reply{}, err
	}
	return takeBack(ctx, s, staff, e, reason, now, platform)
}

// takeBack deactivates an entry with a reason and tells those who were
// sent it.
func takeBack(ctx context.Context, s storage.Store, staff storage.Staff, e storage.Entry, reason string, now time.Time, platform storage.Platform) (bot.Reply, error) {
	if reason == "" {
		reason = "undone by the author"
	}
	jobs, err := retractions(ctx, s, staff, e, reason, platform)
	if err != nil {
		return bot.Reply{}, err
	}
	err = s.DeactivateEntry(ctx, e.ID, staff.ID, reason, now, jobs)
	if errors.Is(err, storage.ErrConflict) {
		return bot.Reply{}, bot.Errorf("", "That entry was already undone.")
	}
	if err != nil {
		return bot.Reply{}, fmt.Errorf("undoing entry %d: %w", e.ID, err)
	}
	r := bot.Reply{Text: "Undone: " + e.Summary}
	if len(jobs) > 0 {
		r.Context = fmt.Sprintf("%s told it was taken back.", plural(len(jobs), "person who was sent it is", "people who were sent it are"))
	}
	return r, nil
}

// retractions tell the people an entry was sent to (a note's teachers, a
// severe incident's teachers and admins) that it was taken back.
func retractions(ctx context.Context, s storage.Store, staff storage.Staff, e storage.Entry, reason string, platform storage.Platform) ([]storage.Job, error) {
	st, err := s.Student(ctx, e.StudentID)
	if err != nil {
		return nil, fmt.Errorf("loading student %d: %w", e.StudentID, err)
	}
	var to []int64
	switch e.Kind {
	case storage.EntryNote:
		ts, err := teachers(ctx, s, e.StudentID)
		if err != nil {
			return nil, err
		}
		for _, t := range ts {
			to = append(to, t.ID)
		}
	case storage.EntryIncident:
		// The student's incidents, found by entry: an incident's own time
		// may differ from its entry's (backdated, or edited since).
		ins, err := s.Incidents(ctx, storage.Filter{StudentID: e.StudentID, IncludeInactive: true})
		if err != nil {
			return nil, fmt.Errorf("loading incident of entry %d: %w", e.ID, err)
		}
		for _, in := range ins {
			if in.EntryID == e.ID && in.Severe() {
				list, err := s.ListStaff(ctx, staff.SchoolID)
				if err != nil {
					return nil, fmt.Errorf("listing staff: %w", err)
				}
				byID := make(map[int64]storage.Staff, len(list))
				for _, m := range list {
					byID[m.ID] = m
				}
				if to, err = severeRecipients(ctx, s, staff, st, byID); err != nil {
					return nil, err
				}
			}
		}
	}
	msg := bot.Reply{Text: fmt.Sprintf("%s took back an entry about %s: %s\nReason: %s", staff.Name, bot.Named(st), e.Summary, reason)}
	jobs := make([]storage.Job, 0, len(to))
	for _, id := range to {
		jobs = append(jobs, scheduler.Deliver(bot.Message{StaffID: id, Reply: msg}, platform))
	}
	return jobs, nil
}

// protectedIncident reports whether an entry is an incident with
// restraint, seclusion or injury: only an admin may void one.
func protectedIncident(ctx context.Context, s storage.Store, e storage.Entry) (bool, error) {
	if e.Kind != storage.EntryIncident {
		return false, nil
	}
	ins, err := s.Incidents(ctx, storage.Filter{StudentID: e.StudentID, IncludeInactive: true})
	if err != nil {
		return false, fmt.Errorf("loading incident of entry %d: %w", e.ID, err)
	}
	for _, in := range ins {
		if in.EntryID == e.ID {
			return in.Restraint || in.Seclusion || in.Injury, nil
		}
	}
	return false, nil
}

// adminNames names the school's admins, who may void an entry.
func adminNames(ctx context.Context, s storage.Store, schoolID int64) (string, error) {
	staff, err := s.ListStaff(ctx, schoolID)
	if err != nil {
		return "", fmt.Errorf("listing staff of school %d: %w", schoolID, err)
	}
	var names []string
	for _, m := range staff {
		if m.Role == storage.RoleAdmin {
			names = append(names, m.Name)
		}
	}
	if len(names) == 0 {
		return "an admin", nil
	}
	return strings.Join(names, " or "), nil
}
