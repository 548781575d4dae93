package commands

import (
	"context"
	"errors"
	"fmt"
	"strconv"
	"time"

	"parabot/bot"
	"parabot/storage"
)

const actionUndo = "undo"

func undoButton(entryID int64) bot.Button {
	return bot.Button{Label: "Undo", Action: actionUndo, Value: strconv.FormatInt(entryID, 10), Style: "danger"}
}

// Undo takes back the caller's own last entry: it is deactivated with a
// reason, never deleted.
func Undo(d Deps) *bot.Command {
	return &bot.Command{
		Name:    "undo",
		Summary: "Take back your last entry (it is kept, marked undone, with your reason).",
		Params: []bot.Param{
			{Name: "reason", Kind: bot.KindText, Positional: true, MaxLen: 200,
				Help: "why, e.g. wrong student"},
		},
		Examples: []string{"/undo", "/undo logged for the wrong student"},
		Run: func(ctx context.Context, c *bot.Call) (bot.Reply, error) {
			e, err := d.Store.LastEntry(ctx, c.Staff.ID)
			if errors.Is(err, storage.ErrNotFound) {
				return bot.Reply{}, bot.Errorf("", "You have nothing to undo.")
			}
			if err != nil {
				return bot.Reply{}, fmt.Errorf("finding last entry: %w", err)
			}
			return deactivate(ctx, d.Store, c.Staff, e, c.Values.Text("reason"), c.Now)
		},
		Buttons: []bot.ButtonAction{{
			Action: actionUndo,
			Run: func(ctx context.Context, c *bot.PressCall) (bot.Reply, error) {
				id, err := strconv.ParseInt(c.Press.Value, 10, 64)
				if err != nil {
					return bot.Reply{}, bot.Errorf("", "That Undo button is broken; type /undo instead.")
				}
				e, err := d.Store.Entry(ctx, id)
				if errors.Is(err, storage.ErrNotFound) {
					return bot.Reply{}, bot.Errorf("", "That entry no longer exists.")
				}
				if err != nil {
					return bot.Reply{}, fmt.Errorf("loading entry %d: %w", id, err)
				}
				return deactivate(ctx, d.Store, c.Staff, e, "", c.Now)
			},
		}},
	}
}

func deactivate(ctx context.Context, s storage.Store, staff storage.Staff, e storage.Entry, reason string, now time.Time) (bot.Reply, error) {
	if e.StaffID != staff.ID {
		return bot.Reply{}, bot.Errorf("", "Only the person who logged an entry can undo it.")
	}
	if !e.Active {
		return bot.Reply{}, bot.Errorf("", "That entry was already undone.")
	}
	if reason == "" {
		reason = "undone by the author"
	}
	err := s.DeactivateEntry(ctx, e.ID, staff.ID, reason, now)
	if errors.Is(err, storage.ErrConflict) {
		return bot.Reply{}, bot.Errorf("", "That entry was already undone.")
	}
	if err != nil {
		return bot.Reply{}, fmt.Errorf("undoing entry %d: %w", e.ID, err)
	}
	return bot.Reply{Text: "Undone: " + e.Summary}, nil
}
