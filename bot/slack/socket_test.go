package slack

import (
	"context"
	"encoding/json"
	"strings"
	"testing"
	"time"

	"github.com/gorilla/websocket"

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

func TestSocketMode(t *testing.T) {
	t.Parallel()
	h := newHarness(t, storagetest.OpenSQLite(t))
	ctx, cancel := context.WithCancel(context.Background())
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
	defer peer.conn.Close()
	if opens := h.slack.callsTo("apps.connections.open"); len(opens) != 1 {
		t.Fatalf("apps.connections.open called %d times", len(opens))
	}
	peer.send(map[string]any{"type": "hello", "num_connections": 1, "connection_info": map[string]any{"app_id": "A0PARABOT"}})

	// A slash command with text is answered in the acknowledgement.
	peer.send(map[string]any{"envelope_id": "E1", "type": "slash_commands", "accepts_response_payload": true,
		"payload": map[string]any{"user_id": userPara, "channel_id": "C0GENERAL", "command": "/trial", "text": "S101 G2 + +",
			"response_url": h.slack.responseURL("s1"), "trigger_id": "T-s1", "team_id": "T0SCHOOL"}})
	ans := peer.ack("E1")
	if ans["response_type"] != "ephemeral" || !strings.Contains(blockText(ans["blocks"]), "Logged 2 trials for A.B. (S101) G2") {
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
	select {
	case err := <-done:
		if err != nil {
			t.Errorf("RunSocketMode returned %v after cancel", err)
		}
	case <-time.After(10 * time.Second):
		t.Fatal("RunSocketMode did not stop")
	}
}
