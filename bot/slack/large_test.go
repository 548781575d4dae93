package slack

import (
	"context"
	"encoding/json"
	"strings"
	"testing"
	"time"
	"unicode/utf8"

	"parabot/roster/rostertest"
	"parabot/storage"
	"parabot/storage/storagetest"
)

// checkBlocks fails when blocks break Slack's limits: at most maxBlocks
// blocks, 3,000 characters a section text, 2,000 a field, and at most
// maxTotal characters of text in all (0: no total limit).
func checkBlocks(t *testing.T, what string, blocks []any, maxBlocks, maxTotal int) {
	t.Helper()
	if len(blocks) > maxBlocks {
		t.Errorf("%s: %d blocks, Slack takes at most %d", what, len(blocks), maxBlocks)
	}
	total := 0
	for _, b := range blocks {
		block := b.(map[string]any)
		if text, ok := block["text"].(map[string]any); ok {
			n := utf8.RuneCountInString(text["text"].(string))
			total += n
			if n > maxSectionText {
				t.Errorf("%s: a %s text of %d characters", what, block["type"], n)
			}
		}
		fields, _ := block["fields"].([]any)
		for _, f := range fields {
			n := utf8.RuneCountInString(f.(map[string]any)["text"].(string))
			total += n
			if n > maxFieldText {
				t.Errorf("%s: a field of %d characters", what, n)
			}
		}
	}
	if maxTotal > 0 && total > maxTotal {
		t.Errorf("%s: %d characters of text, above Slack's safe %d", what, total, maxTotal)
	}
}

// TestLargeSchoolFitsSlack: with 600 students on an admin's caseload,
// the /today reply and the Home tab stay within Slack's limits and say
// how many are not shown.
func TestLargeSchoolFitsSlack(t *testing.T) {
	h := newHarness(t, storagetest.OpenSQLite(t))
	// What is checked is the reply's shape, so it must come in the answer:
	// under the race detector on a busy machine 600 students take longer
	// than the 2 seconds Slack is given (the benchmark TodayLarge times it).
	h.adapter.ackBudget = time.Minute
	ctx := context.Background()
	if _, err := h.store.ImportRoster(ctx, rostertest.Large(600)); err != nil {
		t.Fatal(err)
	}
	admin, err := h.store.StaffByEmail(ctx, "robin.admin@large.example")
	if err != nil {
		t.Fatal(err)
	}
	const user = "U0BIGADMIN"
	if err := h.store.LinkIdentity(ctx, storage.Identity{StaffID: admin.ID, Platform: storage.PlatformSlack, UserID: user}); err != nil {
		t.Fatal(err)
	}

	_, ans := h.slash(user, "/today", "", "r1")
	blocks, _ := ans["blocks"].([]any)
	checkBlocks(t, "/today reply", blocks, 50, 13000)
	if text := blockText(ans["blocks"]); !strings.Contains(text, "600 students have goals that need data; 1 to 10 shown (page 1 of 60)") || !strings.Contains(text, "Next 10") {
		t.Errorf("/today reply:\n%s", text)
	}

	_, ans = h.slash(user, "/para", "goals aidan", "r2")
	blocks, _ = ans["blocks"].([]any)
	checkBlocks(t, "/goals aidan reply", blocks, 50, 13000)
	if text := blockText(ans["blocks"]); !strings.Contains(text, "(5 of 30 close names") {
		t.Errorf("/goals aidan reply:\n%s", text)
	}

	home, err := h.adapter.homeBlocks(ctx, user)
	if err != nil {
		t.Fatal(err)
	}
	var view []any
	for _, b := range home {
		view = append(view, toMap(t, b))
	}
	checkBlocks(t, "Home tab", view, 100, 0)
	text := blockText(view)
	for _, want := range []string{"Your students (600)", "30 of 600 shown. /para goals and a name or code shows a student's goals.", "Data still due today (600 students)", "10 of 600 shown. /para today page=2 shows more"} {
		if !strings.Contains(text, want) {
			t.Errorf("Home tab lacks %q:\n%s", want, text)
		}
	}
}

// toMap is a block as Slack receives it, decoded from its JSON.
func toMap(t *testing.T, b any) map[string]any {
	t.Helper()
	raw, err := json.Marshal(b)
	if err != nil {
		t.Fatal(err)
	}
	var m map[string]any
	if err := json.Unmarshal(raw, &m); err != nil {
		t.Fatal(err)
	}
	return m
}

// TestNearMissButton: a misspelt name is answered with the closest
// students as buttons; pressing one logs what was typed for that student,
// once however often it is pressed.
func TestNearMissButton(t *testing.T) {
	h := newHarness(t, storagetest.OpenSQLite(t))
	_, ans := h.slash(userPara, "/trial", "avva G2 + v", "r1")
	if text := blockText(ans["blocks"]); !strings.Contains(text, `No student on your caseload matches "avva". Did you mean Ava B. (S101)?`) {
		t.Fatalf("answer:\n%s", text)
	}
	ava := buttonOf(t, ans["blocks"], "Ava B. (S101)")
	h.interact(h.pressPayload(userPara, ava, "1700000000.000001", "p1"))
	h.interact(h.pressPayload(userPara, ava, "1700000000.000001", "p1"))
	h.settle()
	got := h.slack.responsesTo("p1")
	if len(got) != 1 || !strings.Contains(blockText(got[0]["blocks"]), "Logged for Ava B. (S101) — G2 Identifies coins by name: 2 trials, 2 correct, 1 independent (prompted: 1 verbal).") {
		t.Fatalf("press answered %v", got)
	}
	ctx := context.Background()
	cl, _ := h.store.Caseload(ctx, h.staff("jrivera"))
	if ts, _ := h.store.Trials(ctx, storage.Filter{StudentID: cl[0].ID}); len(ts) != 2 {
		t.Errorf("%d trials stored, want 2", len(ts))
	}
}
