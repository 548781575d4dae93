package main

import (
	"bytes"
	"context"
	"crypto/ed25519"
	"encoding/hex"
	"encoding/json"
	"net/http"
	"net/url"
	"path/filepath"
	"strconv"
	"strings"
	"testing"
	"time"

	"parabot/bot"
	"parabot/bot/slack"
	"parabot/scheduler"
	"parabot/storage"
)

const (
	riveraSlack   = "U0RIVERA"
	riveraDiscord = "100000000000000009"
)

// slackPress presses a button as rivera on Slack: the action_id Slack
// sends back is "press:<action>:<n>".
func (e *platformEnv) slackPress(t *testing.T, action, value string) {
	t.Helper()
	payload, _ := json.Marshal(map[string]any{
		"type": "block_actions", "user": map[string]any{"id": riveraSlack}, "api_app_id": "A0PARABOT",
		"trigger_id": "T" + strconv.FormatInt(time.Now().UnixNano(), 10), "response_url": e.fakeAPI.URL + "/response",
		"container": map[string]any{"type": "message", "message_ts": "1.1", "channel_id": "D1"},
		"channel":   map[string]any{"id": "D1"},
		"actions":   []map[string]any{{"action_id": "press:" + action + ":0", "value": value, "type": "button", "block_id": "b", "action_ts": "1.2"}},
	})
	body := []byte(url.Values{"payload": {string(payload)}}.Encode())
	ts := strconv.FormatInt(time.Now().Unix(), 10)
	req, _ := http.NewRequest("POST", e.http.URL+"/slack/interactions", bytes.NewReader(body))
	req.Header.Set("Content-Type", "application/x-www-form-urlencoded")
	req.Header.Set("X-Slack-Request-Timestamp", ts)
	req.Header.Set("X-Slack-Signature", slack.Sign(slackKey, ts, body))
	do(t, req)
}

// discordPress presses a button as rivera on Discord: a component
// interaction whose custom_id is "<action>:<value>".
func (e *platformEnv) discordPress(t *testing.T, n int, action, value string) {
	t.Helper()
	body, _ := json.Marshal(map[string]any{
		"id": "60000000000000000" + strconv.Itoa(n), "application_id": discordApp, "type": 3, "token": "press" + strconv.Itoa(n),
		"version": 1, "channel_id": "400000000000000004",
		"user":    map[string]any{"id": riveraDiscord, "username": "mrivera"},
		"message": map[string]any{"id": "700000000000000007", "channel_id": "400000000000000004", "flags": 0},
		"data":    map[string]any{"custom_id": action + ":" + value, "component_type": 2},
	})
	ts := strconv.FormatInt(time.Now().Unix(), 10)
	req, _ := http.NewRequest("POST", e.http.URL+"/discord/interactions", bytes.NewReader(body))
	req.Header.Set("Content-Type", "application/json")
	req.Header.Set("X-Signature-Ed25519", hex.EncodeToString(ed25519.Sign(e.priv, append([]byte(ts), body...))))
	req.Header.Set("X-Signature-Timestamp", ts)
	do(t, req)
}

// TestEscalationButtonsOnEveryAdapter: the teacher's Acknowledge on a
// concern has the same effect pressed on the terminal, on Slack and on
// Discord, and a second press changes nothing on any of them.
func TestEscalationButtonsOnEveryAdapter(t *testing.T) {
	ctx := context.Background()
	for _, platform := range []storage.Platform{storage.PlatformShell, storage.PlatformSlack, storage.PlatformDiscord} {
		t.Run(string(platform), func(t *testing.T) {
			e := newPlatformEnv(t)
			rivera, err := e.srv.store.StaffByIdentity(ctx, storage.PlatformShell, "rivera")
			if err != nil {
				t.Fatal(err)
			}
			for p, id := range map[storage.Platform]string{storage.PlatformSlack: riveraSlack, storage.PlatformDiscord: riveraDiscord} {
				if err := e.srv.store.LinkIdentity(ctx, storage.Identity{StaffID: rivera.ID, Platform: p, UserID: id}); err != nil {
					t.Fatal(err)
				}
			}
			r := e.srv.router.Handle(ctx, bot.Request{Platform: storage.PlatformShell, UserID: "lee", Command: "concern", Text: "S101 refused lunch"})
			if r.IsError {
				t.Fatalf("/concern: %s", r.Text)
			}
			// The first step fires at once when school is in; outside school
			// hours it waits, but the teacher may still acknowledge once told:
			// the test tells level 1 itself.
			esc, err := e.srv.store.Escalation(ctx, 1)
			if err != nil {
				t.Fatal(err)
			}
			if esc.Level == 0 {
				at := time.Now()
				if err := e.srv.store.AdvanceEscalation(ctx, esc.ID, esc.Round, 0, 1, at,
					[]storage.EscalationStep{{At: at, Action: storage.StepNotified, Level: 1, Notified: []int64{rivera.ID}}}, nil); err != nil {
					t.Fatal(err)
				}
			}
			press := func(n int) {
				switch platform {
				case storage.PlatformShell:
					e.srv.router.HandlePress(ctx, bot.Press{Platform: storage.PlatformShell, UserID: "rivera", Action: scheduler.ActionEscAcknowledge, Value: "1"})
				case storage.PlatformSlack:
					e.slackPress(t, scheduler.ActionEscAcknowledge, "1")
				case storage.PlatformDiscord:
					e.discordPress(t, n, scheduler.ActionEscAcknowledge, "1")
				}
			}
			press(1)
			press(2)
			dctx, cancel := context.WithTimeout(ctx, 10*time.Second)
			defer cancel()
			deadline := time.Now().Add(5 * time.Second)
			for {
				esc, err = e.srv.store.Escalation(ctx, 1)
				if err != nil {
					t.Fatal(err)
				}
				if esc.State == storage.EscalationAcknowledged || time.Now().After(deadline) || dctx.Err() != nil {
					break
				}
				time.Sleep(20 * time.Millisecond) // Slack and Discord presses are answered first, then run
			}
			if esc.State != storage.EscalationAcknowledged || esc.AckBy != rivera.ID {
				t.Fatalf("after Acknowledge on %s: %+v", platform, esc)
			}
			time.Sleep(200 * time.Millisecond) // the second press, too
			steps, err := e.srv.store.EscalationSteps(ctx, 1)
			if err != nil {
				t.Fatal(err)
			}
			acks := 0
			for _, s := range steps {
				if s.Action == storage.StepAcknowledged {
					acks++
				}
			}
			if acks != 1 {
				t.Errorf("%d acknowledged steps after two presses on %s, want 1: %+v", acks, platform, steps)
			}
		})
	}
}

// discordPost posts an interaction signed with the test key and returns
// the response body.
func (e *platformEnv) discordPost(t *testing.T, interaction map[string]any) map[string]any {
	t.Helper()
	body, _ := json.Marshal(interaction)
	ts := strconv.FormatInt(time.Now().Unix(), 10)
	req, _ := http.NewRequest("POST", e.http.URL+"/discord/interactions", bytes.NewReader(body))
	req.Header.Set("Content-Type", "application/json")
	req.Header.Set("X-Signature-Ed25519", hex.EncodeToString(ed25519.Sign(e.priv, append([]byte(ts), body...))))
	req.Header.Set("X-Signature-Timestamp", ts)
	var out map[string]any
	if err := json.Unmarshal([]byte(do(t, req)), &out); err != nil {
		t.Fatal(err)
	}
	return out
}

// TestEscalationReplyFormOnDiscord: the teacher's Reply button on
// Discord opens the /reply modal (response type 9) with the escalation
// filled in and a text input for the answer; submitting it (type 5)
// records the reply on the timeline, for the para.
func TestEscalationReplyFormOnDiscord(t *testing.T) {
	ctx := context.Background()
	e := newPlatformEnv(t)
	rivera, err := e.srv.store.StaffByIdentity(ctx, storage.PlatformShell, "rivera")
	if err != nil {
		t.Fatal(err)
	}
	lee, err := e.srv.store.StaffByIdentity(ctx, storage.PlatformShell, "lee")
	if err != nil {
		t.Fatal(err)
	}
	if err := e.srv.store.LinkIdentity(ctx, storage.Identity{StaffID: rivera.ID, Platform: storage.PlatformDiscord, UserID: riveraDiscord}); err != nil {
		t.Fatal(err)
	}
	if r := e.srv.router.Handle(ctx, bot.Request{Platform: storage.PlatformShell, UserID: "lee", Command: "concern", Text: "S101 refused lunch"}); r.IsError {
		t.Fatalf("/concern: %s", r.Text)
	}
	esc, err := e.srv.store.Escalation(ctx, 1)
	if err != nil {
		t.Fatal(err)
	}
	if esc.Level == 0 { // outside school hours the first step waits: tell level 1 here
		at := time.Now()
		if err := e.srv.store.AdvanceEscalation(ctx, esc.ID, esc.Round, 0, 1, at,
			[]storage.EscalationStep{{At: at, Action: storage.StepNotified, Level: 1, Notified: []int64{rivera.ID}}}, nil); err != nil {
			t.Fatal(err)
		}
	}
	user := map[string]any{"id": riveraDiscord, "username": "mrivera"}
	resp := e.discordPost(t, map[string]any{
		"id": "600000000000000011", "application_id": discordApp, "type": 3, "token": "press11", "version": 1,
		"channel_id": "400000000000000004", "user": user,
		"message": map[string]any{"id": "700000000000000007", "channel_id": "400000000000000004", "flags": 0},
		"data":    map[string]any{"custom_id": scheduler.ActionEscReply + ":1", "component_type": 2},
	})
	if resp["type"] != float64(9) {
		t.Fatalf("response %v, want type 9 (a modal)", resp)
	}
	data := resp["data"].(map[string]any)
	inputs := map[string]map[string]any{}
	for _, row := range data["components"].([]any) {
		in := row.(map[string]any)["components"].([]any)[0].(map[string]any)
		inputs[in["custom_id"].(string)] = in
	}
	if data["custom_id"] != "form:reply" || inputs["id"]["value"] != "1" || inputs["text"] == nil || inputs["text"]["type"] != float64(4) {
		t.Fatalf("modal %v, want /reply with the escalation filled in and a text input", data)
	}
	field := func(id, v string) map[string]any {
		return map[string]any{"type": 1, "components": []any{map[string]any{"type": 4, "custom_id": id, "value": v}}}
	}
	resp = e.discordPost(t, map[string]any{
		"id": "600000000000000012", "application_id": discordApp, "type": 5, "token": "submit12", "version": 1,
		"channel_id": "400000000000000004", "user": user,
		"data": map[string]any{"custom_id": "form:reply", "components": []any{field("id", "1"), field("text", "I'll come by at 11")}},
	})
	if d, _ := resp["data"].(map[string]any); d == nil || d["content"] != "Reply sent on escalation #1." {
		t.Errorf("submission answered %v", resp)
	}
	steps, err := e.srv.store.EscalationSteps(ctx, 1)
	if err != nil {
		t.Fatal(err)
	}
	last := steps[len(steps)-1]
	if last.Action != storage.StepReplied || last.StaffID != rivera.ID || last.Note != "I'll come by at 11" ||
		len(last.Notified) != 1 || last.Notified[0] != lee.ID {
		t.Errorf("timeline ends with %+v, want Maria Rivera's reply to Jamie Lee", last)
	}
}

// TestShellEscalationReplyForm: in the terminal, the teacher's Reply
// button asks for the answer on the next line, and the para finds it in
// their inbox.
func TestShellEscalationReplyForm(t *testing.T) {
	db := filepath.Join(t.TempDir(), "demo.db")
	in := strings.Join([]string{
		"/concern S101 refused lunch again",
		"/as rivera",
		"3",
		"I'll come by at 11",
		"/as lee",
		"/inbox",
		"/quit",
	}, "\n") + "\n"
	var out, errOut bytes.Buffer
	if err := Run(context.Background(), []string{"shell", "--demo", "--db", db, "--clock", "2027-03-12T10:00"}, env(nil), strings.NewReader(in), &out, &errOut); err != nil {
		t.Fatalf("shell: %v\nstderr: %s", err, errOut.String())
	}
	got := out.String()
	for _, want := range []string{
		"/reply 1: text? (your answer; /cancel leaves the form)",
		"ok Reply sent on escalation #1.",
		"Reply from Maria Rivera on escalation #1 about Ava B. (S101):\n   I'll come by at 11",
	} {
		if !strings.Contains(got, want) {
			t.Errorf("transcript lacks %q:\n%s", want, got)
		}
	}
}

// TestShellTeachersOwnConcern: a teacher's concern skips the teacher
// level, and the timeline says why: they raised it themselves.
func TestShellTeachersOwnConcern(t *testing.T) {
	got, _ := demoShell(t, filepath.Join(t.TempDir(), "demo.db"), "2027-03-12T10:00", "/as rivera\n/concern S101 seems unwell today\n/escalation 1\n/quit\n")
	for _, want := range []string{
		"Your concern #1 about Ava B. (S101) went to Dr. Anil Patel (level 2).\n   Level 1 skipped: Maria Rivera, who raised it, is the only one on this level (teacher).",
		"level 1 skipped (Maria Rivera, who raised it, is the only one on this level (teacher))",
	} {
		if !strings.Contains(got, want) {
			t.Errorf("transcript lacks %q:\n%s", want, got)
		}
	}
}

// TestShellResolveTellsEveryoneReached: when whoever raised a concern
// resolves it, the teacher it reached is told, so nobody keeps thinking
// they are asked to act.
func TestShellResolveTellsEveryoneReached(t *testing.T) {
	got, _ := demoShell(t, filepath.Join(t.TempDir(), "demo.db"), "2027-03-12T10:00",
		"/concern S101 refused lunch\n/escalation 1 resolve she ate after all\n/as rivera\n/inbox\n/quit\n")
	want := ">> direct message to rivera (Maria Rivera), Fri Mar 12 10:00\n   Jamie Lee resolved concern #1 about Ava B. (S101); nothing more is asked of you.\n   Note: she ate after all"
	if !strings.Contains(got, want) || strings.Count(got, "resolved concern #1") != 2 {
		t.Errorf("transcript lacks the teacher's message, once (and once more in the inbox) %q:\n%s", want, got)
	}
}
