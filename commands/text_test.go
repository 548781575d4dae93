package commands_test

import (
	"context"
	"io"
	"log/slog"
	"strings"
	"testing"
	"time"

	"parabot/bot"
	"parabot/commands"
	"parabot/roster"
	"parabot/storage"
	"parabot/storage/storagetest"
)

// Text with NUL, control characters or invalid UTF-8 is cleaned before
// any engine sees it, stored alike on both engines, and the user is told.
func TestBadBytesStoredCleanOnBothEngines(t *testing.T) {
	for _, engine := range []struct {
		name string
		open func(t *testing.T) storage.Store
	}{
		{"sqlite", func(t *testing.T) storage.Store { return storagetest.OpenSQLite(t) }},
		{"postgres", func(t *testing.T) storage.Store { return storagetest.OpenPostgres(t) }},
	} {
		t.Run(engine.name, func(t *testing.T) {
			store := engine.open(t)
			ctx := context.Background()
			if _, err := roster.Import(ctx, store, roster.Demo()); err != nil {
				t.Fatal(err)
			}
			loc, _ := time.LoadLocation("America/New_York")
			now := time.Date(2026, 11, 24, 10, 0, 0, 0, loc)
			log := slog.New(slog.NewTextHandler(io.Discard, nil))
			router := bot.NewRouter(store, log, func() time.Time { return now }, commands.All(commands.Deps{Store: store, Log: log}))
			do := func(user, text string) bot.Reply {
				name, rest, _ := strings.Cut(text, " ")
				return router.Handle(ctx, bot.Request{Platform: storage.PlatformShell, UserID: user, Command: name, Text: rest})
			}
			r := do("lee", "note S101 hello\x00world \xff\xfe")
			if r.IsError || !strings.Contains(r.Text, bot.TextCleaned) {
				t.Errorf("note with bad bytes answered %q", r.Text)
			}
			r = do("lee", "incident S101 bit\x00 a peer antecedent=asked to line up consequence=break severity=5 injury=yes")
			if r.IsError || !strings.Contains(r.Text, bot.TextCleaned) {
				t.Errorf("severe incident with a NUL answered %q", r.Text)
			}
			if r := do("lee\x00", "note S101 hi"); r.IsError {
				t.Errorf("a user id with a NUL answered %q", r.Text)
			}
			r = do("lee", "note S101 plain")
			if strings.Contains(r.Text, bot.TextCleaned) {
				t.Errorf("clean text was said to be changed: %q", r.Text)
			}
			st, err := store.StaffByIdentity(ctx, storage.PlatformShell, "lee")
			if err != nil {
				t.Fatal(err)
			}
			caseload, err := store.Caseload(ctx, st.ID)
			if err != nil {
				t.Fatal(err)
			}
			var s101 int64
			for _, s := range caseload {
				if s.Code == "S101" {
					s101 = s.ID
				}
			}
			notes, err := store.Notes(ctx, storage.Filter{StudentID: s101})
			if err != nil {
				t.Fatal(err)
			}
			if len(notes) != 3 || notes[0].Text != "helloworld \ufffd\ufffd" {
				t.Errorf("notes stored %+v", notes)
			}
			incidents, err := store.Incidents(ctx, storage.Filter{StudentID: s101})
			if err != nil {
				t.Fatal(err)
			}
			if len(incidents) != 1 || incidents[0].Behavior != "bit a peer" {
				t.Errorf("incidents stored %+v", incidents)
			}
		})
	}
}
