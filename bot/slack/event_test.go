package slack

import (
	"bytes"
	"context"
	"encoding/json"
	"log/slog"
	"net/http"
	"os"
	"regexp"
	"strconv"
	"strings"
	"sync"
	"testing"
	"time"

	"parabot/bot"
	"parabot/storage/storagetest"
)

func homeOpened(eventID, user string) string {
	b, _ := json.Marshal(map[string]any{
		"token": "ignored", "team_id": "T0SCHOOL", "api_app_id": "A0PARABOT", "type": "event_callback",
		"event_id": eventID, "event_time": 1700000000,
		"event": map[string]any{"type": "app_home_opened", "user": user, "channel": "D0HOME", "tab": "home",
			"event_ts": "1700000000.000100"},
	})
	return string(b)
}

func TestEventsURLVerification(t *testing.T) {
	t.Parallel()
	h := newHarness(t, storagetest.OpenSQLite(t))
	status, body := h.post("/slack/events", "application/json",
		`{"token":"ignored","challenge":"3eZbrw1aBm2rZgRNFdxV2595E9CY3gmdALWMmHkvFXO7tYXAYM8P","type":"url_verification"}`)
	if status != http.StatusOK {
		t.Fatalf("status %d", status)
	}
	if got := decode(t, body)["challenge"]; got != "3eZbrw1aBm2rZgRNFdxV2595E9CY3gmdALWMmHkvFXO7tYXAYM8P" {
		t.Errorf("challenge answered with %v", got)
	}
}

func TestHomeTab(t *testing.T) {
	t.Parallel()
	h := newHarness(t, storagetest.OpenSQLite(t))
	status, _ := h.post("/slack/events", "application/json", homeOpened("Ev001", userPara))
	if status != http.StatusOK {
		t.Fatalf("status %d", status)
	}
	// Slack retries the same event: it is acted on once.
	ts := strconv.FormatInt(h.now.Unix(), 10)
	body := homeOpened("Ev001", userPara)
	status, _ = h.postSigned("/slack/events", "application/json", body, ts, Sign(testSecret, ts, []byte(body)),
		"X-Slack-Retry-Num", "1", "X-Slack-Retry-Reason", "http_timeout")
	if status != http.StatusOK {
		t.Fatalf("retry: status %d", status)
	}
	pubs := h.slack.callsTo("views.publish")
	if len(pubs) != 1 {
		t.Fatalf("views.publish called %d times, want 1", len(pubs))
	}
	if pubs[0].JSON["user_id"] != userPara {
		t.Errorf("published for %v", pubs[0].JSON["user_id"])
	}
	view := pubs[0].JSON["view"].(map[string]any)
	text := blockText(view)
	// The Home tab is the staff member's own, like /today: students by
	// first name, last initial and code, never a whole last name.
	for _, want := range []string{"Ava B. (S101)", "Caleb D. (S102)", "Bus 15:00–15:20, bus loop", "Tuesday, November 24", "Data still due today", "Ava B. (S101) — G1 Requests a break: 0 of 5 trials"} {
		if !strings.Contains(text, want) {
			t.Errorf("home tab lacks %q:\n%s", want, text)
		}
	}
	for _, no := range []string{"Brown", "S103"} {
		if strings.Contains(text, no) {
			t.Errorf("home tab shows %q:\n%s", no, text)
		}
	}
	trial := buttonOf(t, view["blocks"], "Trial")
	buttonOf(t, view["blocks"], "Note")

	// A button of the Home tab opens that command's form.
	h.interact(map[string]any{"type": "block_actions", "user": map[string]any{"id": userPara}, "trigger_id": "T-home",
		"container": map[string]any{"type": "view", "view_id": "V0HOME"}, "view": map[string]any{"id": "V0HOME", "type": "home"},
		"actions": []any{map[string]any{"type": "button", "action_id": trial["action_id"], "block_id": "open"}}})
	opens := h.slack.callsTo("views.open")
	if len(opens) != 1 || opens[0].JSON["trigger_id"] != "T-home" {
		t.Fatalf("views.open calls: %v", opens)
	}
	if m, _ := parseMeta(opens[0].JSON["view"].(map[string]any)["private_metadata"].(string)); m.Command != "trial" {
		t.Errorf("opened the form of %q", m.Command)
	}
}

func TestHomeTabHolidayAndStrangers(t *testing.T) {
	t.Parallel()
	h := newHarness(t, storagetest.OpenSQLite(t))
	h.now = time.Date(2026, 11, 26, 9, 0, 0, 0, mustLoc("America/New_York")) // Thanksgiving
	h.post("/slack/events", "application/json", homeOpened("Ev002", userPara))
	h.post("/slack/events", "application/json", homeOpened("Ev003", userUnknown))
	pubs := h.slack.callsTo("views.publish")
	if len(pubs) != 2 {
		t.Fatalf("views.publish called %d times", len(pubs))
	}
	if text := blockText(pubs[0].JSON["view"]); !strings.Contains(text, "No school today: holiday — Thanksgiving.") || strings.Contains(text, "Bus") {
		t.Errorf("holiday home tab:\n%s", text)
	}
	if text := blockText(pubs[1].JSON["view"]); !strings.Contains(text, "not on parabot's roster") {
		t.Errorf("stranger's home tab:\n%s", text)
	}
}

// TestManifest checks the app manifest offers every command that takes
// parameters, the umbrella command, and the three endpoints.
func TestManifest(t *testing.T) {
	t.Parallel()
	b, err := os.ReadFile("manifest.yaml")
	if err != nil {
		t.Fatal(err)
	}
	m := string(b)
	h := newHarness(t, storagetest.OpenSQLite(t))
	for _, c := range h.router.Commands() {
		if c.Name == "help" {
			continue // reached as /para help
		}
		if !strings.Contains(m, "- command: /"+c.Name+"\n") {
			t.Errorf("manifest lacks /%s", c.Name)
		}
	}
	for _, want := range []string{"- command: /" + Umbrella + "\n", "/slack/commands", "/slack/interactions", "/slack/events",
		"app_home_opened", "users:read.email", "im:write", "chat:write", "commands"} {
		if !strings.Contains(m, want) {
			t.Errorf("manifest lacks %q", want)
		}
	}
	if regexp.MustCompile(`(?m)^\t`).MatchString(m) {
		t.Error("manifest is indented with tabs; YAML wants spaces")
	}
}

// TestLogsCarryNoSecretsOrText runs every kind of request with debug logs
// on and checks the log has ids only: no token, secret, student name or
// typed text.
func TestLogsCarryNoSecretsOrText(t *testing.T) {
	t.Parallel()
	var buf syncBuffer
	log := slog.New(slog.NewTextHandler(&buf, &slog.HandlerOptions{Level: slog.LevelDebug}))
	h := newHarnessLog(t, storagetest.OpenSQLite(t), log)
	h.slack.setEmail("U0NEWPARA", "mei.chen@maple.example")
	_, ans := h.slash(userPara, "/note", "S101 Ava Brown cried at recess secretword", "r1")
	h.slash(userPara, "/trial", "Ava G9 + +", "r2")
	h.slash("U0NEWPARA", "/trial", "S103 G1 +", "r3")
	h.slash(userUnknown, "/note", "S101 hello secretword", "r4")
	h.slash(userPara, "/incident", "", "r5")
	h.interact(h.pressPayload(userPara, buttonOf(t, ans["blocks"], "Undo"), "1700000000.000001", "p1"))
	h.post("/slack/events", "application/json", homeOpened("Ev900", userPara))
	h.slack.failWith("chat.postMessage", "channel_not_found")
	h.adapter.SendDM(context.Background(), userTeacher, bot.Reply{Text: "About Ava Brown: secretword"})
	h.postSigned("/slack/commands", "application/x-www-form-urlencoded", "text=secretword", "1", "v0=00")
	h.settle()
	out := buf.String()
	if !strings.Contains(out, "slack request refused") || !strings.Contains(out, "msg=press") {
		t.Fatalf("nothing was logged:\n%s", out)
	}
	for _, secret := range []string{"xoxb-test", "xapp-test", testSecret, "Ava", "Brown", "secretword", "mei.chen", "/response/"} {
		if strings.Contains(out, secret) {
			t.Errorf("the log contains %q:\n%s", secret, out)
		}
	}
}

// syncBuffer is a bytes.Buffer safe for the adapter's goroutines.
type syncBuffer struct {
	mu sync.Mutex
	b  bytes.Buffer
}

func (s *syncBuffer) Write(p []byte) (int, error) {
	s.mu.Lock()
	defer s.mu.Unlock()
	return s.b.Write(p)
}

func (s *syncBuffer) String() string {
	s.mu.Lock()
	defer s.mu.Unlock()
	return s.b.String()
}
