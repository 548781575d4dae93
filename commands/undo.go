package commands

import (
	"context"
	"errors"
	"fmt"
	"slices"
	"strconv"
	"strings"
	"time"

	"parabot/bot"
	"parabot/scheduler"
	"parabot/schoolday"
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

// Undo lists the caller's entries of the last 24 hours, newest first, as
// buttons; pressing one asks to confirm, and confirming takes it back: it
// is deactivated with a reason, never deleted. The same 24-hour rule
// holds for every way of undoing.
func Undo(d Deps) *bot.Command {
	return &bot.Command{
		Name:    "undo",
		Summary: "Take back one of your entries of the last 24 hours: choose it, confirm; it is kept, marked undone.",
		Params: []bot.Param{
			{Name: "reason", Kind: bot.KindText, Positional: true, MaxLen: 60,
				Help: "why, e.g. wrong student"},
		},
		Examples: []string{"/undo", "/undo logged for the wrong student"},
		Run: func(ctx context.Context, c *bot.Call) (bot.Reply, error) {
			loc := c.School.Location()
			es, err := d.Store.RecentEntries(ctx, c.Staff.ID, c.Now.Add(-undoWindow), maxUndoChoices+1)
			if err != nil {
				return bot.Reply{}, fmt.Errorf("listing recent entries: %w", err)
			}
			if len(es) == 0 {
				older, err := olderHint(ctx, d.Store, c.Staff, "")
				if err != nil {
					return bot.Reply{}, err
				}
				return bot.Reply{}, bot.Errorf("", "You have nothing logged in the last %d hours to undo: /undo takes back only your own entries of the last %d hours. %s",
					int(undoWindow.Hours()), int(undoWindow.Hours()), older)
			}
			reason := c.Values.Text("reason")
			r := bot.Reply{Text: "Which entry do you want to take back? Newest first:"}
			for i, e := range es {
				if i == maxUndoChoices {
					r.Context = fmt.Sprintf("Only your %d newest entries of the last %d hours are listed.", maxUndoChoices, int(undoWindow.Hours()))
					break
				}
				at := e.CreatedAt.In(loc).Format("15:04")
				if schoolday.Today(e.CreatedAt, loc) != schoolday.Today(c.Now, loc) {
					at = e.CreatedAt.In(loc).Format("Mon 15:04")
				}
				r.Text += fmt.Sprintf("\n%d. %s %s", i+1, at, e.Summary)
				r.Buttons = append(r.Buttons, bot.Button{Label: fmt.Sprintf("%d. %s", i+1, at),
					Action: actionUndoPick, Value: undoValue(e.ID, reason)})
			}
			return r, nil
		},
		Buttons: []bot.ButtonAction{{
			// The Undo button of a confirmation: that entry, at once.
			Action: actionUndo,
			Run: func(ctx context.Context, c *bot.PressCall) (bot.Reply, error) {
				e, reason, err := pressedEntry(ctx, d.Store, c, "undo")
				if err != nil {
					return bot.Reply{}, err
				}
				return deactivate(ctx, d.Store, c.Staff, c.School, e, reason, c.Now, c.Press.Platform)
			},
		}, {
			Action: actionUndoPick,
			Run: func(ctx context.Context, c *bot.PressCall) (bot.Reply, error) {
				e, reason, err := pressedEntry(ctx, d.Store, c, "undo")
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
				e, reason, err := pressedEntry(ctx, d.Store, c, "undo")
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

// pressedEntry reads the entry and reason of a button of /undo or /void
// (command).
func pressedEntry(ctx context.Context, s storage.Store, c *bot.PressCall, command string) (storage.Entry, string, error) {
	idText, reason, _ := strings.Cut(c.Press.Value, " ")
	id, err := strconv.ParseInt(idText, 10, 64)
	if err != nil {
		return storage.Entry{}, "", bot.Errorf("", "That button is broken; type /%s instead.", command)
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
	in, isIncident, err := entryIncident(ctx, s, e)
	if err != nil {
		return err
	}
	target := voidTarget(e, in, isIncident)
	if now.Sub(e.CreatedAt) > undoWindow {
		older, err := olderHint(ctx, s, staff, target)
		if err != nil {
			return err
		}
		return bot.Errorf("", "That entry was logged %s; undo takes back only entries of the last %d hours, so older records are not changed by accident. %s",
			e.CreatedAt.In(school.Location()).Format("Mon Jan 2 15:04"), int(undoWindow.Hours()), older)
	}
	if isIncident && in.Protected() {
		if staff.Role == storage.RoleAdmin {
			return bot.Errorf("", "An incident with restraint, seclusion or injury cannot be undone; void it instead, with a reason: /void %s <reason>.", target)
		}
		admins, err := adminNames(ctx, s, staff.SchoolID)
		if err != nil {
			return err
		}
		return bot.Errorf("", "An incident with restraint, seclusion or injury cannot be undone; only an admin can void it, with a reason (%s: /void %s <reason>). Tell them what is wrong.",
			admins, target)
	}
	return nil
}

// olderHint says what the caller can do about an entry undo no longer
// reaches, by role: a para or therapist asks their teacher, a teacher
// asks an admin to void it, an admin voids it. target is the entry as
// /void names it ("incident 22"), or "" for entries older than the list.
func olderHint(ctx context.Context, s storage.Store, staff storage.Staff, target string) (string, error) {
	it := "it"
	if target == "" {
		it = "an older one"
	}
	switch staff.Role {
	case storage.RoleAdmin:
		if target == "" {
			return "You can void an older one instead, with a reason: /void incident <number> <reason> (the number its messages give) or /void entry <number> <reason>.", nil
		}
		return "You can void it instead, with a reason: /void " + target + " <reason>.", nil
	case storage.RoleTeacher:
		admins, err := adminNames(ctx, s, staff.SchoolID)
		if err != nil {
			return "", err
		}
		return fmt.Sprintf("Ask an admin (%s) to void %s, with a reason.", admins, it), nil
	}
	return fmt.Sprintf("Ask your teacher to correct %s.", it), nil
}

// voidTarget is an entry as /void names it: "incident 22" for an
// incident (the number its messages give), else "entry 461".
func voidTarget(e storage.Entry, in storage.Incident, isIncident bool) string {
	if isIncident {
		return fmt.Sprintf("incident %d", in.ID)
	}
	return fmt.Sprintf("entry %d", e.ID)
}

// deactivate takes back the caller's own entry after checking the rules
// every way of undoing shares.
func deactivate(ctx context.Context, s storage.Store, staff storage.Staff, school storage.School, e storage.Entry, reason string, now time.Time, platform storage.Platform) (bot.Reply, error) {
	if err := undoable(ctx, s, staff, school, e, now); err != nil {
		return bot.Reply{}, err
	}
	return takeBack(ctx, s, staff, e, reason, now, platform, "Undone: "+e.Summary)
}

// takeBack deactivates an entry with a reason, withdraws its incident's
// open or acknowledged escalations in the same write, and tells those
// who were sent it; the reply is done, then a line per escalation
// withdrawn.
func takeBack(ctx context.Context, s storage.Store, staff storage.Staff, e storage.Entry, reason string, now time.Time, platform storage.Platform, done string) (bot.Reply, error) {
	if reason == "" {
		reason = "undone by the author"
	}
	for attempt := 1; ; attempt++ {
		jobs, withdrawn, err := retractions(ctx, s, staff, e, reason, platform)
		if err != nil {
			return bot.Reply{}, err
		}
		err = s.DeactivateEntry(ctx, e.ID, staff.ID, reason, now, withdrawn, jobs)
		if errors.Is(err, storage.ErrConflict) {
			// Taken back already, or its escalation moved up a level
			// since it was read (then its people are read again).
			cur, lerr := s.Entry(ctx, e.ID)
			if lerr != nil {
				return bot.Reply{}, fmt.Errorf("reloading entry %d: %w", e.ID, lerr)
			}
			if !cur.Active {
				return bot.Reply{}, bot.Errorf("", "That entry was already undone or voided.")
			}
			if attempt < 3 {
				continue
			}
		}
		if err != nil {
			return bot.Reply{}, fmt.Errorf("undoing entry %d: %w", e.ID, err)
		}
		r := bot.Reply{Text: done}
		for _, w := range withdrawn {
			r.Text += "\n" + withdrawnLine(w)
		}
		if len(jobs) > 0 {
			r.Context = fmt.Sprintf("%s told it was taken back.", plural(len(jobs), "person who was sent it is", "people who were sent it are"))
		}
		return r, nil
	}
}

// withdrawnLine says an escalation was withdrawn with its incident.
func withdrawnLine(e storage.Escalation) string {
	return fmt.Sprintf("%s #%d is withdrawn: nobody is asked to act on it any more.", scheduler.KindWord(e.Kind), e.ID)
}

// retractions tell the people an entry was sent to that it was taken
// back, one message each: a note's teachers; for an incident, a severe
// one's teachers and admins, and everyone its open or acknowledged
// escalations reached, with their opener when someone else takes it
// back. withdraw lists those escalations, which the take-back withdraws.
func retractions(ctx context.Context, s storage.Store, staff storage.Staff, e storage.Entry, reason string, platform storage.Platform) (jobs []storage.Job, withdraw []storage.Escalation, err error) {
	st, err := s.Student(ctx, e.StudentID)
	if err != nil {
		return nil, nil, fmt.Errorf("loading student %d: %w", e.StudentID, err)
	}
	var to []int64
	switch e.Kind {
	case storage.EntryNote:
		ts, err := teachers(ctx, s, e.StudentID)
		if err != nil {
			return nil, nil, err
		}
		for _, t := range ts {
			to = append(to, t.ID)
		}
	case storage.EntryIncident:
		in, ok, err := entryIncident(ctx, s, e)
		if err != nil || !ok {
			return nil, nil, err
		}
		if in.Severe() {
			list, err := s.ListStaff(ctx, staff.SchoolID)
			if err != nil {
				return nil, nil, fmt.Errorf("listing staff: %w", err)
			}
			byID := make(map[int64]storage.Staff, len(list))
			for _, m := range list {
				byID[m.ID] = m
			}
			if to, err = severeRecipients(ctx, s, staff, st, byID); err != nil {
				return nil, nil, err
			}
		}
		if withdraw, err = openEscalations(ctx, s, in); err != nil {
			return nil, nil, err
		}
		for _, w := range withdraw {
			steps, err := s.EscalationSteps(ctx, w.ID)
			if err != nil {
				return nil, nil, err
			}
			to = append(to, escalationFacts{e: w, steps: steps}.told()...)
			to = append(to, w.OpenedBy)
		}
	}
	text := fmt.Sprintf("%s took back an entry about %s: %s\nReason: %s", staff.Name, bot.Named(st), e.Summary, reason)
	for _, w := range withdraw {
		text += "\n" + withdrawnLine(w)
	}
	var sent []int64
	for _, id := range to {
		if id == staff.ID || slices.Contains(sent, id) {
			continue
		}
		sent = append(sent, id)
		jobs = append(jobs, scheduler.Deliver(bot.Message{StaffID: id, Reply: bot.Reply{Text: text}}, platform))
	}
	return jobs, withdraw, nil
}

// openEscalations lists an incident's escalations that are open or
// acknowledged.
func openEscalations(ctx context.Context, s storage.Store, in storage.Incident) ([]storage.Escalation, error) {
	all, err := s.StudentEscalations(ctx, in.StudentID)
	if err != nil {
		return nil, fmt.Errorf("listing escalations of student %d: %w", in.StudentID, err)
	}
	var out []storage.Escalation
	for _, e := range all {
		if e.IncidentID == in.ID && e.State != storage.EscalationResolved {
			out = append(out, e)
		}
	}
	return out, nil
}

// entryIncident returns the incident an entry logged; false for another
// kind of entry.
func entryIncident(ctx context.Context, s storage.Store, e storage.Entry) (storage.Incident, bool, error) {
	if e.Kind != storage.EntryIncident {
		return storage.Incident{}, false, nil
	}
	// The student's incidents, found by entry: an incident's own time may
	// differ from its entry's (backdated, or edited since).
	ins, err := s.Incidents(ctx, storage.Filter{StudentID: e.StudentID, IncludeInactive: true})
	if err != nil {
		return storage.Incident{}, false, fmt.Errorf("loading incident of entry %d: %w", e.ID, err)
	}
	for _, in := range ins {
		if in.EntryID == e.ID {
			return in, true, nil
		}
	}
	return storage.Incident{}, false, nil
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
