package discord

import (
	"context"
	"encoding/json"
	"errors"
	"strings"
	"sync/atomic"
	"testing"
	"time"

	"github.com/gorilla/websocket"
)

// fakeGateway is the server side of one gateway connection.
type fakeGateway struct {
	t    testing.TB
	conn *websocket.Conn
}

func (f *fakeDiscord) nextGateway() *fakeGateway {
	f.t.Helper()
	select {
	case c := <-f.gateways:
		f.t.Cleanup(func() { c.Close() })
		return &fakeGateway{t: f.t, conn: c}
	case <-time.After(20 * time.Second):
		f.t.Fatal("the adapter did not connect to the gateway")
		return nil
	}
}

func (g *fakeGateway) send(op int, t string, s int64, d any) {
	g.t.Helper()
	f := map[string]any{"op": op, "d": d, "s": nil, "t": nil}
	if op == opDispatch {
		f["s"], f["t"] = s, t
	}
	if err := g.conn.WriteJSON(f); err != nil {
		g.t.Fatalf("gateway send op %d: %v", op, err)
	}
}

// expect reads frames until one with op arrives, acknowledging the
// heartbeats that come in between.
func (g *fakeGateway) expect(op int) json.RawMessage {
	g.t.Helper()
	for {
		_ = g.conn.SetReadDeadline(time.Now().Add(20 * time.Second))
		var f struct {
			Op int             `json:"op"`
			D  json.RawMessage `json:"d"`
		}
		if err := g.conn.ReadJSON(&f); err != nil {
			g.t.Fatalf("gateway: waiting for op %d: %v", op, err)
		}
		if f.Op == op {
			return f.D
		}
		if f.Op == opHeartbeat {
			g.send(opHeartbeatAck, "", 0, nil)
		}
	}
}

func (g *fakeGateway) hello() {
	g.t.Helper()
	// Ten hours: the adapter's own beats (the first at a random point of
	// the interval) stay out of the way; the test asks for beats instead.
	g.send(opHello, "", 0, map[string]any{"heartbeat_interval": 36_000_000})
}

func (g *fakeGateway) ready(f *fakeDiscord, session string, seq int64) {
	g.t.Helper()
	g.send(opDispatch, "READY", seq, map[string]any{
		"v": 10, "session_id": session, "session_type": "normal",
		"resume_gateway_url": "ws" + strings.TrimPrefix(f.srv.URL, "http") + "/gateway",
		"user":               map[string]any{"id": testAppID, "username": "parabot", "bot": true},
		"guilds":             []any{map[string]any{"id": testGuild, "unavailable": true}},
		"application":        map[string]any{"id": testAppID, "flags": 0},
	})
}

func TestGateway(t *testing.T) {
	t.Parallel()
	var runs atomic.Int64
	e := newEnv(t, newStore(t), testCommands(&runs, nil))
	ctx, cancel := context.WithCancel(context.Background())
	defer cancel()
	done := make(chan error, 1)
	go func() { done <- e.adapter.RunGateway(ctx) }()

	// Hello, Identify, READY.
	g := e.discord.nextGateway()
	if reqs := e.discord.Requests("GET /gateway/bot"); len(reqs) != 1 || reqs[0].Auth != "Bot "+testToken {
		t.Fatalf("gateway url asked %d times (auth %v)", len(reqs), reqs)
	}
	g.hello()
	var id struct {
		Token      string            `json:"token"`
		Intents    *int              `json:"intents"`
		Properties map[string]string `json:"properties"`
	}
	if err := json.Unmarshal(g.expect(opIdentify), &id); err != nil {
		t.Fatal(err)
	}
	if id.Token != testToken || id.Intents == nil || *id.Intents != 0 || id.Properties["browser"] != "parabot" {
		t.Fatalf("identify %+v", id)
	}
	g.ready(e.discord, "session-1", 1)

	// INTERACTION_CREATE is answered with a callback.
	in := commandInteraction("1900000000000000001", paraDiscord, "log",
		opt("student", 3, "S102"), opt("goal", 3, "G1"), opt("trials", 3, "+ -"))
	g.send(opDispatch, "INTERACTION_CREATE", 2, in)
	cb := e.discord.Wait("POST /interactions/1900000000000000001/interaction-token-1900000000000000001/callback")
	resp := cb.JSON(t)
	if resp["type"] != float64(4) || !strings.HasPrefix(data(t, resp)["content"].(string), "Logged 2 trials of G1 for B.C. (S102)") || flags(data(t, resp)) != 64 {
		t.Errorf("callback %v", resp)
	}
	if cb.Auth != "" {
		t.Errorf("interaction callback sent the bot token")
	}

	// Autocomplete over the gateway too.
	g.send(opDispatch, "INTERACTION_CREATE", 3, autocompleteInteraction("1900000000000000002", paraDiscord, "log", focused("student", "")))
	ac := e.discord.Wait("POST /interactions/1900000000000000002/").JSON(t)
	if ac["type"] != float64(8) || len(data(t, ac)["choices"].([]any)) != 2 {
		t.Errorf("autocomplete callback %v", ac)
	}

	// A heartbeat asked for is sent at once, with the last sequence.
	g.send(opHeartbeat, "", 0, nil)
	d := string(g.expect(opHeartbeat))
	if d != "3" { // a scheduled beat may come first
		g.send(opHeartbeatAck, "", 0, nil)
		d = string(g.expect(opHeartbeat))
	}
	if d != "3" {
		t.Errorf("heartbeat d=%s, want 3", d)
	}
	g.send(opHeartbeatAck, "", 0, nil)

	// Reconnect asked for: the adapter resumes the session.
	g.send(opReconnect, "", 0, nil)
	g2 := e.discord.nextGateway()
	g2.hello()
	var res struct {
		Token     string `json:"token"`
		SessionID string `json:"session_id"`
		Seq       int64  `json:"seq"`
	}
	if err := json.Unmarshal(g2.expect(opResume), &res); err != nil {
		t.Fatal(err)
	}
	if res.Token != testToken || res.SessionID != "session-1" || res.Seq != 3 {
		t.Errorf("resume %+v, want session-1 at 3", res)
	}
	g2.send(opDispatch, "RESUMED", 4, map[string]any{})

	// A replayed INTERACTION_CREATE (same id) is not acted on again.
	g2.send(opDispatch, "INTERACTION_CREATE", 5, in)
	in2 := commandInteraction("1900000000000000003", paraDiscord, "log",
		opt("student", 3, "S101"), opt("goal", 3, "G2"), opt("trials", 3, "+"))
	g2.send(opDispatch, "INTERACTION_CREATE", 6, in2)
	e.discord.Wait("POST /interactions/1900000000000000003/")
	waitCtx, waitCancel := context.WithTimeout(context.Background(), 20*time.Second)
	defer waitCancel()
	if err := e.adapter.Wait(waitCtx); err != nil {
		t.Fatal(err)
	}
	if n := len(e.discord.Requests("POST /interactions/1900000000000000001/")); n != 1 {
		t.Errorf("replayed interaction answered %d times, want once", n)
	}
	if runs.Load() != 2 {
		t.Errorf("commands ran %d times, want 2", runs.Load())
	}

	// Authentication failed: no point reconnecting.
	_ = g2.conn.WriteControl(websocket.CloseMessage, websocket.FormatCloseMessage(4004, "Authentication failed."), time.Now().Add(time.Second))
	select {
	case err := <-done:
		var closed *GatewayClosedError
		if !errors.As(err, &closed) || closed.Code != 4004 {
			t.Errorf("RunGateway returned %v, want a GatewayClosedError 4004", err)
		}
	case <-time.After(20 * time.Second):
		t.Fatal("RunGateway kept going after close code 4004")
	}
	checkLogs(t, e.logs, "interaction-token-", "session-1", "Ben", "Carter")
}

func TestGatewaySessionLost(t *testing.T) {
	t.Parallel()
	e := newEnv(t, newStore(t), testCommands(new(atomic.Int64), nil))
	ctx, cancel := context.WithCancel(context.Background())
	done := make(chan error, 1)
	go func() { done <- e.adapter.RunGateway(ctx) }()

	g := e.discord.nextGateway()
	g.hello()
	g.expect(opIdentify)
	g.ready(e.discord, "session-1", 1)
	// Session timed out (4009): it cannot be resumed, so identify anew.
	_ = g.conn.WriteControl(websocket.CloseMessage, websocket.FormatCloseMessage(4009, "Session timed out."), time.Now().Add(time.Second))
	g2 := e.discord.nextGateway()
	g2.hello()
	g2.expect(opIdentify)

	// Shutting down closes the connection normally and returns nil.
	cancel()
	_ = g2.conn.SetReadDeadline(time.Now().Add(20 * time.Second))
	for {
		if _, _, err := g2.conn.ReadMessage(); err != nil {
			if !websocket.IsCloseError(err, websocket.CloseNormalClosure) {
				t.Errorf("connection ended with %v, want a normal close", err)
			}
			break
		}
	}
	if err := <-done; err != nil {
		t.Errorf("RunGateway after cancel: %v", err)
	}
}

func TestGatewayBadToken(t *testing.T) {
	t.Parallel()
	e := newEnv(t, newStore(t), testCommands(new(atomic.Int64), nil))
	e.discord.refuse["GET /gateway/bot"] = refusal{401, 0, "401: Unauthorized"}
	err := e.adapter.RunGateway(context.Background())
	var closed *GatewayClosedError
	if !errors.As(err, &closed) {
		t.Errorf("RunGateway with a refused token: %v, want GatewayClosedError", err)
	}
	e.adapter.token = ""
	if err := e.adapter.RunGateway(context.Background()); err == nil {
		t.Errorf("RunGateway without a token started")
	}
}
