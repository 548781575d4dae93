package slack

import (
	"context"
	"encoding/json"
	"io"
	"log/slog"
	"net/http"
	"net/http/httptest"
	"net/url"
	"strconv"
	"strings"
	"testing"
	"time"

	"parabot/bot"
	"parabot/commands"
	"parabot/storage"
	"parabot/storage/storagetest"
)

// Slack ids of the sample roster (storagetest.SampleRoster).
const (
	userPara    = "U0JRIVERA" // jrivera, para of S101 and S102
	userTeacher = "U0TLOPEZ"  // tlopez, teacher of S101..S104
	userUnknown = "U0NOBODY"
	testSecret  = "test-signing-secret"
)

// schoolNow is a Tuesday morning at the sample school.
var schoolNow = time.Date(2026, 11, 24, 10, 30, 0, 0, mustLoc("America/New_York"))

func mustLoc(name string) *time.Location {
	loc, err := time.LoadLocation(name)
	if err != nil {
		panic(err)
	}
	return loc
}

// harness is a real adapter on a real store with the real commands,
// served by httptest, talking to a fake Slack.
type harness struct {
	t       testing.TB
	store   storage.Store
	slack   *fakeSlack
	adapter *Adapter
	router  *bot.Router
	srv     *httptest.Server
	now     time.Time
	// routerNow, when set, is the commands' clock; the adapter (request
	// signatures, the replay window) keeps now.
	routerNow func() time.Time
	// attempts counts the runs of each delivery job, as River does.
	attempts map[int64]int
}

// newHarness builds the harness on store, with the sample roster, the
// real commands and extra test commands.
func newHarness(t testing.TB, store storage.Store, extra ...*bot.Command) *harness {
	t.Helper()
	return newHarnessLog(t, store, slog.New(slog.NewTextHandler(t.Output(), &slog.HandlerOptions{Level: slog.LevelWarn})), extra...)
}

// newHarnessLog is newHarness with the logger of the router, commands
// and adapter.
func newHarnessLog(t testing.TB, store storage.Store, log *slog.Logger, extra ...*bot.Command) *harness {
	t.Helper()
	ctx := context.Background()
	if _, err := store.ImportRoster(ctx, storagetest.SampleRoster()); err != nil {
		t.Fatalf("importing roster: %v", err)
	}
	h := &harness{t: t, store: store, slack: newFakeSlack(t), now: schoolNow}
	clock := func() time.Time { return h.now }
	cmds := append(commands.All(commands.Deps{Store: store, Log: log}), extra...)
	h.router = bot.NewRouter(store, log, func() time.Time {
		if h.routerNow != nil {
			return h.routerNow()
		}
		return h.now
	}, cmds)
	a, err := New(Config{
		BotToken: "xoxb-test", SigningSecret: testSecret, AppToken: "xapp-test", APIURL: h.slack.apiURL(),
		Router: h.router, Store: store, Log: log, Now: clock,
		HTTPClient: &http.Client{Timeout: 5 * time.Second},
	})
	if err != nil {
		t.Fatal(err)
	}
	a.pace = newPacer(time.Millisecond)
	h.adapter = a
	mux := http.NewServeMux()
	a.Routes(mux)
	h.srv = httptest.NewServer(mux)
	t.Cleanup(func() {
		h.srv.Close()
		h.settle()
	})
	return h
}

// settle waits for the work the adapter does after acknowledging.
func (h *harness) settle() {
	h.t.Helper()
	ctx, cancel := context.WithTimeout(context.Background(), 30*time.Second)
	defer cancel()
	if err := h.adapter.Wait(ctx); err != nil {
		h.t.Fatal(err)
	}
}

// post sends a signed request to one of the adapter's endpoints and
// returns the status and body, after the work that runs on after the
// acknowledgement has finished.
func (h *harness) post(path, contentType, body string) (int, []byte) {
	h.t.Helper()
	ts := strconv.FormatInt(h.now.Unix(), 10)
	return h.postSigned(path, contentType, body, ts, Sign(testSecret, ts, []byte(body)))
}

func (h *harness) postSigned(path, contentType, body, ts, sig string, headers ...string) (int, []byte) {
	h.t.Helper()
	req, err := http.NewRequest(http.MethodPost, h.srv.URL+path, strings.NewReader(body))
	if err != nil {
		h.t.Fatal(err)
	}
	req.Header.Set("Content-Type", contentType)
	req.Header.Set("X-Slack-Request-Timestamp", ts)
	req.Header.Set("X-Slack-Signature", sig)
	for i := 0; i+1 < len(headers); i += 2 {
		req.Header.Set(headers[i], headers[i+1])
	}
	resp, err := h.srv.Client().Do(req)
	if err != nil {
		h.t.Fatal(err)
	}
	defer resp.Body.Close()
	b, _ := io.ReadAll(resp.Body)
	h.settle()
	return resp.StatusCode, b
}

// slash sends a slash command as Slack does (form-encoded) and returns
// the status and the decoded answer (nil for an empty one).
func (h *harness) slash(user, command, text, responseID string) (int, map[string]any) {
	h.t.Helper()
	form := url.Values{
		"token": {"ignored"}, "team_id": {"T0SCHOOL"}, "team_domain": {"maple"}, "channel_id": {"C0GENERAL"},
		"channel_name": {"general"}, "user_id": {user}, "user_name": {"someone"}, "command": {command},
		"text": {text}, "response_url": {h.slack.responseURL(responseID)}, "trigger_id": {"T-" + responseID},
		"api_app_id": {"A0PARABOT"},
	}
	status, body := h.post("/slack/commands", "application/x-www-form-urlencoded", form.Encode())
	return status, decode(h.t, body)
}

// interact sends an interaction payload as Slack does.
func (h *harness) interact(payload any) (int, map[string]any) {
	h.t.Helper()
	b, err := json.Marshal(payload)
	if err != nil {
		h.t.Fatal(err)
	}
	status, body := h.post("/slack/interactions", "application/x-www-form-urlencoded", url.Values{"payload": {string(b)}}.Encode())
	return status, decode(h.t, body)
}

func decode(t testing.TB, b []byte) map[string]any {
	t.Helper()
	if len(strings.TrimSpace(string(b))) == 0 {
		return nil
	}
	var m map[string]any
	if err := json.Unmarshal(b, &m); err != nil {
		t.Fatalf("answer is not JSON: %v: %s", err, b)
	}
	return m
}

// staff returns the id of a staff member of the sample roster.
func (h *harness) staff(handle string) int64 {
	h.t.Helper()
	ctx := context.Background()
	schools, err := h.store.Schools(ctx)
	if err != nil || len(schools) == 0 {
		h.t.Fatalf("schools: %v", err)
	}
	list, err := h.store.ListStaff(ctx, schools[0].ID)
	if err != nil {
		h.t.Fatal(err)
	}
	for _, s := range list {
		if s.Handle == handle {
			return s.ID
		}
	}
	h.t.Fatalf("no staff %q", handle)
	return 0
}

// buttonOf finds a button in rendered blocks.
func buttonOf(t testing.TB, blocks any, label string) map[string]any {
	t.Helper()
	bs, _ := json.Marshal(blocks)
	var list []map[string]any
	json.Unmarshal(bs, &list)
	for _, b := range list {
		if b["type"] != "actions" {
			continue
		}
		for _, e := range b["elements"].([]any) {
			el := e.(map[string]any)
			if el["type"] == "button" && el["text"].(map[string]any)["text"] == label {
				return el
			}
		}
	}
	t.Fatalf("no %q button in %s", label, bs)
	return nil
}

// pressPayload is a block_actions payload of a button on an ephemeral
// message.
func (h *harness) pressPayload(user string, button map[string]any, messageTs, responseID string) map[string]any {
	return map[string]any{
		"type": "block_actions", "user": map[string]any{"id": user}, "api_app_id": "A0PARABOT",
		"trigger_id": "T-press-" + user + "-" + messageTs, "response_url": h.slack.responseURL(responseID),
		"container": map[string]any{"type": "message", "message_ts": messageTs, "channel_id": "C0GENERAL", "is_ephemeral": true},
		"channel":   map[string]any{"id": "C0GENERAL"},
		"actions": []any{map[string]any{"type": "button", "action_id": button["action_id"], "block_id": "buttons",
			"value": button["value"], "action_ts": "1700000001.000200"}},
	}
}
