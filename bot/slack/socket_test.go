package slack

import (
	"context"
	"encoding/json"
	"errors"
	"log/slog"
	"strings"
	"testing"
	"time"

	"github.com/gorilla/websocket"

	"parabot/bot"
	"parabot/storage"
	"parabot/storage/storagetest"
)

// socketPeer is the Slack end of a Socket Mode connection.
type socketPeer struct {
	t    *testing.T
	conn *websocket.Conn
}

func (p socketPeer) send(v any) {
	p.t.Helper()
	if err := p.conn.WriteJSON(v); err != nil {
		p.t.Fatalf("socket send: %v", err)
	}
}

// ack reads the next acknowledgement and checks its envelope.
func (p socketPeer) ack(envelope string) map[string]any {
	p.t.Helper()
	p.conn.SetReadDeadline(time.Now().Add(10 * time.Second))
	var m map[string]any
	if err := p.conn.ReadJSON(&m); err != nil {
		p.t.Fatalf("socket read: %v", err)
	}
	if m["envelope_id"] != envelope {
		p.t.Fatalf("acknowledged %v, want %s", m["envelope_id"], envelope)
	}
	payload, _ := m["payload"].(map[string]any)
	return payload
}

// startSocket runs the adapter's Socket Mode against the fake Slack and
// returns Slack's end of the connection, the cancel of RunSocketMode's
// context and where RunSocketMode's result arrives.
func startSocket(t *testing.T, h *harness) (socketPeer, context.CancelFunc, <-chan error) {
	t.Helper()
	ctx, cancel := context.WithCancel(context.Background())
	t.Cleanup(cancel)
	done := make(chan error, 1)
	go func() { done <- h.adapter.RunSocketMode(ctx) }()
	var peer socketPeer
	select {
	case conn := <-h.slack.socket:
		peer = socketPeer{t: t, conn: conn}
	case err := <-done:
		t.Fatalf("socket mode stopped: %v", err)
	case <-time.After(10 * time.Second):
		t.Fatal("socket mode did not connect")
	}
	t.Cleanup(func() { peer.conn.Close() })
	peer.send(map[string]any{"type": "hello", "num_connections": 1, "connection_info": map[string]any{"app_id": "A0PARABOT"}})
	return peer, cancel, done
}

// stopped waits for RunSocketMode to return after its context ended.
func stopped(t *testing.T, done <-chan error) {
	t.Helper()
	select {
	case err := <-done:
		if err != nil {
			t.Errorf("RunSocketMode returned %v after cancel", err)
		}
	case <-time.After(30 * time.Second):
		t.Fatal("RunSocketMode did not stop")
	}
}

// slashEnvelope is a slash_commands envelope.
func (h *harness) slashEnvelope(envelope, user, command, text, responseID string) map[string]any {
	return map[string]any{"envelope_id": envelope, "type": "slash_commands", "accepts_response_payload": true,
		"payload": map[string]any{"user_id": user, "channel_id": "C0GENERAL", "command": command, "text": text,
			"response_url": h.slack.responseURL(responseID), "trigger_id": "T-" + responseID, "team_id": "T0SCHOOL"}}
}

func TestSocketMode(t *testing.T) {
	t.Parallel()
	h := newHarness(t, storagetest.OpenSQLite(t))
	peer, cancel, done := startSocket(t, h)
	if opens := h.slack.callsTo("apps.connections.open"); len(opens) != 1 {
		t.Fatalf("apps.connections.open called %d times", len(opens))
	}

	// A slash command with text is answered in the acknowledgement.
	peer.send(map[string]any{"envelope_id": "E1", "type": "slash_commands", "accepts_response_payload": true,
		"payload": map[string]any{"user_id": userPara, "channel_id": "C0GENERAL", "command": "/trial", "text": "S101 G2 + +",
			"response_url": h.slack.responseURL("s1"), "trigger_id": "T-s1", "team_id": "T0SCHOOL"}})
	ans := peer.ack("E1")
	if ans["response_type"] != "ephemeral" || !strings.Contains(blockText(ans["blocks"]), "Logged for Ava B. (S101) — G2") {
		t.Fatalf("slash answer = %v", ans)
	}
	undo := buttonOf(t, ans["blocks"], "Undo")

	// Without text it opens the form.
	peer.send(map[string]any{"envelope_id": "E2", "type": "slash_commands", "accepts_response_payload": true,
		"payload": map[string]any{"user_id": userPara, "channel_id": "C0GENERAL", "command": "/para", "text": "incident",
			"response_url": h.slack.responseURL("s2"), "trigger_id": "T-s2"}})
	if ans := peer.ack("E2"); ans != nil {
		t.Errorf("form open acknowledged with %v", ans)
	}

	// The Undo button works as over HTTP.
	press := h.pressPayload(userPara, undo, "1700000000.000009", "s3")
	peer.send(map[string]any{"envelope_id": "E3", "type": "interactive", "accepts_response_payload": false, "payload": press})
	peer.ack("E3")

	// A form submission's field error comes back in the acknowledgement.
	h.settle()
	opens := h.slack.callsTo("views.open")
	if len(opens) != 1 {
		t.Fatalf("views.open called %d times", len(opens))
	}
	view := opens[0].JSON["view"].(map[string]any)
	state := map[string]any{"student": selected("student", "S101"), "behavior": typed("behavior", "threw a pencil"),
		"antecedent": typed("antecedent", "math"), "consequence": typed("consequence", "break"),
		"severity": selected("severity", "2"), "at": typed("at", "tomorrow")}
	peer.send(map[string]any{"envelope_id": "E4", "type": "interactive", "accepts_response_payload": true,
		"payload": formPayload("view_submission", userPara, view, state, nil)})
	ans = peer.ack("E4")
	if ans["response_action"] != "errors" || ans["errors"].(map[string]any)["at"] == nil {
		t.Errorf("submission answer = %v", ans)
	}

	// An event is acknowledged, and retried deliveries act once.
	for i, env := range []string{"E5", "E6"} {
		var outer map[string]any
		json.Unmarshal([]byte(homeOpened("Ev100", userPara)), &outer)
		peer.send(map[string]any{"envelope_id": env, "type": "events_api", "accepts_response_payload": false,
			"retry_attempt": i, "retry_reason": "", "payload": outer})
		peer.ack(env)
	}

	h.settle()
	if got := h.slack.responsesTo("s3"); len(got) != 1 || !strings.Contains(blockText(got[0]["blocks"]), "Undone:") {
		t.Errorf("undo answered %v", got)
	}
	if _, err := h.store.LastEntry(context.Background(), h.staff("jrivera")); err == nil {
		t.Error("the entry is still active after Undo")
	} else if !strings.Contains(err.Error(), storage.ErrNotFound.Error()) {
		t.Errorf("LastEntry: %v", err)
	}
	if n := len(h.slack.callsTo("views.publish")); n != 1 {
		t.Errorf("views.publish called %d times, want 1", n)
	}

	cancel()
	stopped(t, done)
}

// slowCommand is a command that tells when it has started and answers
// once released.
func slowCommand(started chan<- struct{}, release <-chan struct{}) *bot.Command {
	return &bot.Command{Name: "slow", Summary: "Takes its time.",
		Run: func(ctx context.Context, c *bot.Call) (bot.Reply, error) {
			started <- struct{}{}
			<-release
			return bot.Reply{Text: "Finally done."}, nil
		}}
}

func TestSocketModeAcknowledgesOnShutdown(t *testing.T) {
	t.Parallel()
	started, release := make(chan struct{}, 1), make(chan struct{})
	h := newHarness(t, storagetest.OpenSQLite(t), slowCommand(started, release))
	h.adapter.ackBudget = time.Minute // the reply goes in the acknowledgement
	peer, cancel, done := startSocket(t, h)
	peer.send(h.slashEnvelope("E1", userPara, "/slow", "", "s1"))
	<-started
	cancel() // shutting down while the command runs
	close(release)
	ans := peer.ack("E1")
	if !strings.Contains(blockText(ans["blocks"]), "Finally done.") {
		t.Errorf("acknowledged with %v", ans)
	}
	stopped(t, done)
	h.settle()
	if got := h.slack.responsesTo("s1"); len(got) != 0 {
		t.Errorf("also answered through response_url: %v", got)
	}
}

func TestSocketModeAnswersThroughResponseURLWhenConnectionGone(t *testing.T) {
	t.Parallel()
	started, release := make(chan struct{}, 1), make(chan struct{})
	h := newHarness(t, storagetest.OpenSQLite(t), slowCommand(started, release))
	h.adapter.ackBudget = time.Minute
	h.adapter.drain = time.Millisecond // the connection closes before the command ends
	peer, cancel, done := startSocket(t, h)
	peer.send(h.slashEnvelope("E1", userPara, "/slow", "", "s1"))
	<-started
	cancel()
	stopped(t, done)
	close(release)
	h.settle()
	got := h.slack.responsesTo("s1")
	if len(got) != 1 || !strings.Contains(blockText(got[0]["blocks"]), "Finally done.") || got[0]["response_type"] != "ephemeral" {
		t.Errorf("response_url got %v", got)
	}
}

func TestSocketModeLargeAnswerGoesThroughResponseURL(t *testing.T) {
	t.Parallel()
	// 30 fields of about 1,000 characters: over 30 KB as blocks, within
	// what one message may hold.
	var fields []bot.Field
	for i := 0; i < 30; i++ {
		fields = append(fields, bot.Field{Label: "Part", Value: strings.Repeat("Lots to say. ", 80)})
	}
	big := &bot.Command{Name: "big", Summary: "Says a lot.",
		Run: func(ctx context.Context, c *bot.Call) (bot.Reply, error) {
			return bot.Reply{Text: "Lots to say.", Fields: fields}, nil
		}}
	h := newHarness(t, storagetest.OpenSQLite(t), big)
	peer, cancel, done := startSocket(t, h)
	peer.send(h.slashEnvelope("E1", userPara, "/big", "", "s1"))
	if ans := peer.ack("E1"); ans != nil {
		t.Errorf("acknowledged with %d keys, want an empty acknowledgement", len(ans))
	}
	h.settle()
	got := h.slack.responsesTo("s1")
	if len(got) != 1 || !strings.Contains(blockText(got[0]["blocks"]), "Lots to say.") {
		t.Errorf("response_url got %d answers", len(got))
	}
	cancel()
	stopped(t, done)
}

func TestSocketModeRedeliveredEnvelopeActsOnce(t *testing.T) {
	t.Parallel()
	h := newHarness(t, storagetest.OpenSQLite(t))
	peer, cancel, done := startSocket(t, h)

	// A slash command delivered twice logs once.
	for i, want := range []string{"Logged for Ava B. (S101) — G2 Identifies coins by name: 2 trials", AlreadyHandled} {
		peer.send(h.slashEnvelope("E1", userPara, "/trial", "S101 G2 + +", "s1"))
		if ans := peer.ack("E1"); ans["response_type"] != "ephemeral" || !strings.Contains(blockText(ans["blocks"]), want) {
			t.Errorf("delivery %d acknowledged with %v", i+1, ans)
		}
	}
	if n := h.trialCount("S101"); n != 2 {
		t.Errorf("%d trials stored, want 2", n)
	}

	// So does a form submission.
	peer.send(h.slashEnvelope("E2", userPara, "/trial", "", "s2"))
	peer.ack("E2")
	h.settle()
	view := h.slack.callsTo("views.open")[0].JSON["view"].(map[string]any)
	state := map[string]any{"student": selected("student", "S101"), "goal": selected("goal", "G1"),
		"trials": typed("trials", "+ - +"), "at": typed("at", "10:15")}
	submit := map[string]any{"envelope_id": "E3", "type": "interactive", "accepts_response_payload": true,
		"payload": formPayload("view_submission", userPara, view, state, nil)}
	peer.send(submit)
	if ans := peer.ack("E3"); ans["response_action"] != "update" {
		t.Errorf("submission acknowledged with %v", ans)
	}
	peer.send(submit)
	if ans, _ := json.Marshal(peer.ack("E3")); !strings.Contains(string(ans), AlreadyHandled) {
		t.Errorf("redelivered submission acknowledged with %s, want the form saying %q", ans, AlreadyHandled)
	}
	if n := h.trialCount("S101"); n != 5 {
		t.Errorf("%d trials stored, want 5", n)
	}
	cancel()
	stopped(t, done)
}

// TestSocketModeRefusedToken: an app-level token Slack refuses stops
// Socket Mode with the README's message and Slack's reason, whether
// slack-go gives up on the code by itself (invalid_auth) or would retry
// for ever (not_allowed_token_type: a bot token given as the app token).
func TestSocketModeRefusedToken(t *testing.T) {
	for _, code := range []string{"invalid_auth", "not_allowed_token_type"} {
		t.Run(code, func(t *testing.T) {
			h := newHarness(t, storagetest.OpenSQLite(t))
			h.slack.failWith("apps.connections.open", code)
			ctx, cancel := context.WithCancel(context.Background())
			defer cancel()
			done := make(chan error, 1)
			go func() { done <- h.adapter.RunSocketMode(ctx) }()
			select {
			case err := <-done:
				if err == nil || !strings.Contains(err.Error(), "SLACK_APP_TOKEN was refused ("+code+")") {
					t.Errorf("RunSocketMode = %v, want SLACK_APP_TOKEN was refused (%s)", err, code)
				}
			case <-time.After(10 * time.Second):
				t.Fatal("RunSocketMode did not give up on a refused token")
			}
		})
	}
}

// TestSocketModeLogsWhyItRetries: a failed connection is retried, and the
// log says why (TestRedact checks the tokens are taken out of it).
func TestSocketModeLogsWhyItRetries(t *testing.T) {
	var logs syncBuffer
	h := newHarnessLog(t, storagetest.OpenSQLite(t), slog.New(slog.NewTextHandler(&logs, nil)))
	h.slack.failWith("apps.connections.open", "internal_error")
	ctx, cancel := context.WithCancel(context.Background())
	done := make(chan error, 1)
	go func() { done <- h.adapter.RunSocketMode(ctx) }()
	deadline := time.Now().Add(10 * time.Second)
	for !strings.Contains(logs.String(), "retrying") && time.Now().Before(deadline) {
		time.Sleep(20 * time.Millisecond)
	}
	cancel()
	stopped(t, done)
	out := logs.String()
	if !strings.Contains(out, `msg="slack socket mode connection failed; retrying" error=internal_error attempt=`) {
		t.Errorf("the retry's log line gives no reason:\n%s", out)
	}
}

// TestRedact: a Socket Mode error's text loses the tokens and the ticket
// in a connection URL's query.
func TestRedact(t *testing.T) {
	a := &Adapter{cfg: Config{AppToken: "xapp-1-secret", BotToken: "xoxb-secret"}}
	err := errors.New(`dial "wss://wss-primary.slack.com/link/?ticket=abc&app_id=A1": refused; token xapp-1-secret, xoxb-secret`)
	got := a.redact(err)
	want := `dial "wss://wss-primary.slack.com/link/?[redacted]": refused; token [redacted], [redacted]`
	if got != want {
		t.Errorf("redact = %s\nwant     %s", got, want)
	}
}
