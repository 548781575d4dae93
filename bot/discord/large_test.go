package discord

import (
	"context"
	"encoding/json"
	"io"
	"log/slog"
	"strings"
	"sync/atomic"
	"testing"
	"time"
	"unicode/utf8"

	"parabot/bot"
	"parabot/commands"
	"parabot/roster/rostertest"
	"parabot/storage"
	"parabot/storage/storagetest"
)

// checkMessage fails when m breaks Discord's limits: 2,000 characters of
// content; per embed 256 in the title, 4,096 in the description, 25
// fields of at most 1,024, 6,000 in all; 5 rows of 5 buttons.
func checkMessage(t *testing.T, what string, m message) {
	t.Helper()
	if n := utf8.RuneCountInString(m.Content); n > maxContent {
		t.Errorf("%s: content of %d characters", what, n)
	}
	for _, e := range m.Embeds {
		total := utf8.RuneCountInString(e.Title) + utf8.RuneCountInString(e.Description)
		if utf8.RuneCountInString(e.Title) > maxTitle || utf8.RuneCountInString(e.Description) > maxDescription || len(e.Fields) > maxFields {
			t.Errorf("%s: embed over a limit: title %d, description %d, %d fields", what, utf8.RuneCountInString(e.Title), utf8.RuneCountInString(e.Description), len(e.Fields))
		}
		if strings.HasSuffix(e.Description, "…") {
			t.Errorf("%s: the description was cut", what)
		}
		for _, f := range e.Fields {
			total += utf8.RuneCountInString(f.Name) + utf8.RuneCountInString(f.Value)
			if utf8.RuneCountInString(f.Value) > maxFieldValue {
				t.Errorf("%s: a field of %d characters", what, utf8.RuneCountInString(f.Value))
			}
		}
		if e.Footer != nil {
			total += utf8.RuneCountInString(e.Footer.Text)
		}
		if total > maxEmbedTotal {
			t.Errorf("%s: an embed of %d characters", what, total)
		}
	}
	if len(m.Components) > maxRows {
		t.Errorf("%s: %d rows of buttons", what, len(m.Components))
	}
}

// TestLargeSchoolFitsDiscord: with 600 students on an admin's caseload,
// replies stay within Discord's limits, say how many are not shown, and
// autocomplete offers at most 25 students.
func TestLargeSchoolFitsDiscord(t *testing.T) {
	store := storagetest.OpenSQLite(t)
	ctx := context.Background()
	if _, err := store.ImportRoster(ctx, rostertest.Large(600)); err != nil {
		t.Fatal(err)
	}
	admin, err := store.StaffByEmail(ctx, "robin.admin@large.example")
	if err != nil {
		t.Fatal(err)
	}
	const user = "100000000000000600"
	if err := store.LinkIdentity(ctx, storage.Identity{StaffID: admin.ID, Platform: storage.PlatformDiscord, UserID: user}); err != nil {
		t.Fatal(err)
	}
	log := slog.New(slog.NewTextHandler(io.Discard, nil))
	now := time.Date(2026, 11, 24, 10, 30, 0, 0, time.UTC)
	router := bot.NewRouter(store, log, func() time.Time { return now }, commands.All(commands.Deps{Store: store, Log: log}))
	run := func(cmd string, args map[string]string) bot.Reply {
		return router.Handle(ctx, bot.Request{Platform: storage.PlatformDiscord, UserID: user, Command: cmd, Args: args})
	}

	r := run("today", map[string]string{})
	m := render(r)
	checkMessage(t, "/today", m)
	if !strings.Contains(m.Content, "600 students have goals that need data; 1 to 10 shown (page 1 of 60)") || len(m.Components) != 1 {
		t.Errorf("/today: %q, %d rows of buttons", m.Content, len(m.Components))
	}
	r = run("today", map[string]string{"page": "60"})
	checkMessage(t, "/today page 60", render(r))
	if !strings.Contains(r.Text, "591 to 600 shown") {
		t.Errorf("/today page 60:\n%s", r.Text)
	}
	r = run("goals", map[string]string{"student": "aidan"})
	m = render(r)
	checkMessage(t, "/goals aidan", m)
	if !strings.Contains(m.Content, "(5 of 30 close names") || len(customIDs(toJSON(t, m))) != 5 {
		t.Errorf("/goals aidan: %q", m.Content)
	}
	choices, err := router.Complete(ctx, bot.Request{Platform: storage.PlatformDiscord, UserID: user, Command: "goals"}, "student", "")
	if err != nil || len(choices) != 25 {
		t.Errorf("autocomplete offered %d students (%v), want Discord's 25", len(choices), err)
	}
}

// toJSON is a message as Discord receives it, decoded from its JSON.
func toJSON(t *testing.T, m message) map[string]any {
	t.Helper()
	raw, err := json.Marshal(m)
	if err != nil {
		t.Fatal(err)
	}
	var out map[string]any
	if err := json.Unmarshal(raw, &out); err != nil {
		t.Fatal(err)
	}
	return out
}

// TestNearMissButton: a misspelt name is answered with the closest
// students as buttons; pressing one runs the command for that student.
func TestNearMissButton(t *testing.T) {
	t.Parallel()
	var runs atomic.Int64
	e := newEnv(t, newStore(t), testCommands(&runs, nil))
	_, resp := e.post(commandInteraction("1800000000000000901", paraDiscord, "log", opt("student", 3, "avva"), opt("goal", 3, "G1"), opt("trials", 3, "+ vp")))
	d := data(t, resp)
	ids := customIDs(d)
	if text := d["content"].(string); !strings.Contains(text, `No student on your caseload matches "avva". Did you mean Ava B. (S101)?`) || len(ids) != 1 || runs.Load() != 0 {
		t.Fatalf("answer %q, buttons %v, %d runs", text, ids, runs.Load())
	}
	_, resp = e.post(componentInteraction("1800000000000000902", paraDiscord, ids[0], true))
	if text := data(t, resp)["content"].(string); !strings.HasPrefix(text, "Logged 2 trials of G1 for A.B. (S101)") || runs.Load() != 1 {
		t.Errorf("press answered %q, %d runs", text, runs.Load())
	}
}
