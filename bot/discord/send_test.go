package discord

import (
	"context"
	"errors"
	"strings"
	"sync/atomic"
	"testing"
	"time"

	"parabot/bot"
	"parabot/scheduler"
)

func TestSendDM(t *testing.T) {
	t.Parallel()
	e := newEnv(t, newStore(t), testCommands(new(atomic.Int64), nil))
	ctx := context.Background()
	r := bot.Reply{Text: "Bus duty in 10 minutes: door 3.", Buttons: []bot.Button{{Label: "Got it", Action: "ack", Value: "7"}}}
	if err := e.adapter.SendDM(ctx, paraDiscord, r); err != nil {
		t.Fatal(err)
	}
	if err := e.adapter.SendDM(ctx, paraDiscord, bot.Reply{Text: "Second."}); err != nil {
		t.Fatal(err)
	}
	opens := e.discord.Requests("POST /users/@me/channels")
	if len(opens) != 1 {
		t.Fatalf("DM channel opened %d times, want once (then reused)", len(opens))
	}
	if got := opens[0].JSON(t)["recipient_id"]; got != paraDiscord || opens[0].Auth != "Bot "+testToken {
		t.Errorf("open DM: recipient %v, auth %q", got, opens[0].Auth)
	}
	posts := e.discord.Requests("POST /channels/" + dmChannelOf(paraDiscord) + "/messages")
	if len(posts) != 2 {
		t.Fatalf("%d messages posted in the DM channel, want 2", len(posts))
	}
	m := posts[0].JSON(t)
	if m["content"] != r.Text || flags(m) != 0 {
		t.Errorf("message %v", m)
	}
	if ids := customIDs(m); len(ids) != 1 || ids[0] != "ack:7" {
		t.Errorf("buttons %v", ids)
	}
	if m["nonce"] == "" || m["enforce_nonce"] != true {
		t.Errorf("nonce %v enforce %v: a retried post must not post twice", m["nonce"], m["enforce_nonce"])
	}
	if n, _ := m["nonce"].(string); len(n) > 25 {
		t.Errorf("nonce %q is longer than Discord's 25 characters", n)
	}
	if posts[0].JSON(t)["nonce"] == posts[1].JSON(t)["nonce"] {
		t.Errorf("two different messages share a nonce")
	}
	checkLogs(t, e.logs, "Bus duty")
}

func TestSameMessageSameNonce(t *testing.T) {
	t.Parallel()
	e := newEnv(t, newStore(t), testCommands(new(atomic.Int64), nil))
	r := bot.Reply{Text: "Reminder."}
	for range 2 {
		if err := e.adapter.PostChannel(context.Background(), testChannel, r); err != nil {
			t.Fatal(err)
		}
	}
	posts := e.discord.Requests("POST /channels/" + testChannel + "/messages")
	if len(posts) != 2 || posts[0].JSON(t)["nonce"] != posts[1].JSON(t)["nonce"] {
		t.Errorf("a retry of the same message must carry the same nonce, so Discord keeps one")
	}
}

func TestDeliveryNonce(t *testing.T) {
	t.Parallel()
	e := newEnv(t, newStore(t), testCommands(new(atomic.Int64), nil))
	route := "POST /channels/" + testChannel + "/messages"
	post := func(key string) error {
		return e.adapter.PostChannel(scheduler.WithDeliveryKey(context.Background(), key), testChannel, bot.Reply{Text: "Reminder."})
	}
	nonce := func(i int) string {
		t.Helper()
		posts := e.discord.Requests(route)
		if len(posts) <= i {
			t.Fatalf("%d posts, want more than %d", len(posts), i)
		}
		n, _ := posts[i].JSON(t)["nonce"].(string)
		if n == "" || len(n) > 25 || posts[i].JSON(t)["enforce_nonce"] != true {
			t.Fatalf("post %d: nonce %q enforce %v, want an enforced nonce of at most 25 characters", i, n, posts[i].JSON(t)["enforce_nonce"])
		}
		return n
	}

	// Job 41's first attempt fails after Discord may have posted it; the
	// retry must carry the same nonce so Discord keeps one message.
	e.discord.refuse[route] = refusal{502, 0, "Bad Gateway"}
	if err := post("job:41"); err == nil {
		t.Fatal("a refused post succeeded")
	}
	delete(e.discord.refuse, route)
	if err := post("job:41"); err != nil {
		t.Fatal(err)
	}
	if nonce(0) != nonce(1) {
		t.Errorf("two attempts of one job carry nonces %q and %q, want one", nonce(0), nonce(1))
	}

	// Job 42 sends the same text to the same channel: a second message,
	// which Discord must not fold into job 41's.
	if err := post("job:42"); err != nil {
		t.Fatal(err)
	}
	if nonce(2) == nonce(1) {
		t.Errorf("two jobs with the same text share the nonce %q", nonce(2))
	}

	// Without a delivery key, the nonce is the digest of channel and text,
	// unlike either job's.
	if err := e.adapter.PostChannel(context.Background(), testChannel, bot.Reply{Text: "Reminder."}); err != nil {
		t.Fatal(err)
	}
	if n := nonce(3); n == nonce(1) || n == nonce(2) {
		t.Errorf("a send without a delivery key got a job's nonce %q", n)
	}
}

func TestPostChannel(t *testing.T) {
	t.Parallel()
	tests := []struct {
		channel string
		want    string // channel id posted to; "" for a permanent failure
	}{
		{"room-12", testChannel},
		{"#room-12", testChannel},
		{"Room-12", testChannel},
		{testChannel, testChannel},
		{"room-13", ""},    // a voice channel
		{"Classrooms", ""}, // a category
		{"room-99", ""},
	}
	store := newStore(t)
	for _, tt := range tests {
		t.Run(tt.channel, func(t *testing.T) {
			e := newEnv(t, store, testCommands(new(atomic.Int64), nil))
			err := e.adapter.PostChannel(context.Background(), tt.channel, bot.Reply{Text: "Daily summary for A.B. (S101)"})
			if tt.want == "" {
				var perm *scheduler.Permanent
				if !errors.As(err, &perm) {
					t.Fatalf("error %v, want scheduler.Permanent", err)
				}
				if n := len(e.discord.Requests("POST /channels/")); n != 0 {
					t.Errorf("posted %d messages", n)
				}
				return
			}
			if err != nil {
				t.Fatal(err)
			}
			if n := len(e.discord.Requests("POST /channels/" + tt.want + "/messages")); n != 1 {
				t.Errorf("%d posts to %s, want 1", n, tt.want)
			}
		})
	}
	// A resolved name is remembered.
	e := newEnv(t, store, testCommands(new(atomic.Int64), nil))
	for range 3 {
		if err := e.adapter.PostChannel(context.Background(), "room-12", bot.Reply{Text: "x"}); err != nil {
			t.Fatal(err)
		}
	}
	if n := len(e.discord.Requests("GET /guilds/")); n != 1 {
		t.Errorf("guild channels listed %d times for one name, want 1", n)
	}
}

func TestSendErrors(t *testing.T) {
	t.Parallel()
	tests := []struct {
		name      string
		refuse    refusal
		permanent bool
	}{
		{"DMs closed", refusal{403, 50007, "Cannot send messages to this user"}, true},
		{"missing permissions", refusal{403, 50013, "Missing Permissions"}, true},
		// The DM channel is gone: the retry opens a new one.
		{"unknown DM channel", refusal{404, 10003, "Unknown Channel"}, false},
		{"bad payload", refusal{400, 50035, "Invalid Form Body"}, true},
		{"server error", refusal{502, 0, "Bad Gateway"}, false},
		{"token revoked", refusal{401, 0, "401: Unauthorized"}, false},
	}
	store := newStore(t)
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			e := newEnv(t, store, testCommands(new(atomic.Int64), nil))
			e.discord.refuse["POST /channels/"] = tt.refuse
			err := e.adapter.SendDM(context.Background(), paraDiscord, bot.Reply{Text: "x"})
			var perm *scheduler.Permanent
			if err == nil || errors.As(err, &perm) != tt.permanent {
				t.Errorf("error %v: permanent=%t, want %t", err, errors.As(err, &perm), tt.permanent)
			}
			var api *APIError
			if !errors.As(err, &api) || api.Code != tt.refuse.code || api.Status != tt.refuse.status {
				t.Errorf("error %v does not carry Discord's status and code", err)
			}
		})
	}
	e := newEnv(t, store, testCommands(new(atomic.Int64), nil))
	var perm *scheduler.Permanent
	if err := e.adapter.SendDM(context.Background(), "not-an-id", bot.Reply{Text: "x"}); !errors.As(err, &perm) {
		t.Errorf("a user id that is not a Discord id: %v, want Permanent", err)
	}
	e.adapter.token = ""
	if err := e.adapter.SendDM(context.Background(), paraDiscord, bot.Reply{Text: "x"}); !errors.As(err, &perm) {
		t.Errorf("a DM without a bot token: %v, want Permanent", err)
	}
	e.adapter.token = testToken
	e.discord.refuse["POST /channels/"] = refusal{404, 10003, "Unknown Channel"}
	if err := e.adapter.PostChannel(context.Background(), testChannel, bot.Reply{Text: "x"}); !errors.As(err, &perm) {
		t.Errorf("an unknown channel: %v, want Permanent", err)
	}
	// After a lost DM channel, the next DM opens a new one.
	if err := e.adapter.SendDM(context.Background(), paraDiscord, bot.Reply{Text: "x"}); err == nil || errors.As(err, &perm) {
		t.Fatalf("DM to a lost channel: %v, want a retryable error", err)
	}
	delete(e.discord.refuse, "POST /channels/")
	if err := e.adapter.SendDM(context.Background(), paraDiscord, bot.Reply{Text: "x"}); err != nil {
		t.Fatal(err)
	}
	if n := len(e.discord.Requests("POST /users/@me/channels")); n != 2 {
		t.Errorf("DM channel opened %d times, want 2 (again after it was lost)", n)
	}
}

func TestRateLimits(t *testing.T) {
	t.Parallel()
	ctx := context.Background()
	store := newStore(t)
	post := func(e *env) error { return e.adapter.PostChannel(ctx, testChannel, bot.Reply{Text: "x"}) }
	route := "POST /channels/" + testChannel + "/messages"

	t.Run("429 retry_after is returned for the job to snooze", func(t *testing.T) {
		e := newEnv(t, store, testCommands(new(atomic.Int64), nil))
		e.discord.limited[route] = limit{n: 1, retryAfter: 30}
		err := post(e)
		var ra scheduler.RetryAfter
		if !errors.As(err, &ra) || ra.RetryAfter() != 30*time.Second {
			t.Fatalf("error %v, want a RetryAfter of 30s", err)
		}
		// Honoured: the next try does not call Discord before the time is up.
		err = post(e)
		if !errors.As(err, &ra) || ra.RetryAfter() <= 0 {
			t.Fatalf("second try: %v, want a RetryAfter", err)
		}
		if n := len(e.discord.Requests(route)); n != 1 {
			t.Errorf("%d requests reached Discord while it asked us to wait, want 1", n)
		}
		// Other routes are not held up by this one.
		if err := e.adapter.PostChannel(ctx, "1300000000000000005", bot.Reply{Text: "x"}); err != nil {
			t.Errorf("another channel: %v", err)
		}
	})

	t.Run("a short retry_after is waited out", func(t *testing.T) {
		e := newEnv(t, store, testCommands(new(atomic.Int64), nil))
		e.discord.limited[route] = limit{n: 1, retryAfter: 0.05}
		var ra scheduler.RetryAfter
		if err := post(e); !errors.As(err, &ra) {
			t.Fatalf("first try: %v, want a RetryAfter", err)
		}
		if err := post(e); err != nil {
			t.Fatalf("second try: %v", err)
		}
		if n := len(e.discord.Requests(route)); n != 2 {
			t.Errorf("%d requests, want 2 (the 429 and the post)", n)
		}
	})

	t.Run("a global 429 holds every route", func(t *testing.T) {
		e := newEnv(t, store, testCommands(new(atomic.Int64), nil))
		e.discord.limited[route] = limit{n: 1, retryAfter: 60, global: true}
		var rl *RateLimitError
		if err := post(e); !errors.As(err, &rl) || !rl.Global {
			t.Fatalf("error %v, want a global RateLimitError", err)
		}
		err := e.adapter.SendDM(ctx, paraDiscord, bot.Reply{Text: "x"})
		if !errors.As(err, &rl) || !rl.Global {
			t.Errorf("another route during a global limit: %v", err)
		}
		if n := len(e.discord.Requests("")); n != 1 {
			t.Errorf("%d requests reached Discord, want 1", n)
		}
	})

	t.Run("an exhausted bucket is not used until it resets", func(t *testing.T) {
		e := newEnv(t, store, testCommands(new(atomic.Int64), nil))
		e.discord.exhaust[route] = 20
		if err := post(e); err != nil {
			t.Fatal(err)
		}
		var ra scheduler.RetryAfter
		if err := post(e); !errors.As(err, &ra) || ra.RetryAfter() > 20*time.Second {
			t.Fatalf("error %v, want a RetryAfter of at most 20s", err)
		}
		if n := len(e.discord.Requests(route)); n != 1 {
			t.Errorf("%d requests reached Discord, want 1", n)
		}
	})
}

// TestErrorsHoldNoToken: a failed webhook call names the route, not the
// URL with the interaction token.
func TestErrorsHoldNoToken(t *testing.T) {
	t.Parallel()
	e := newEnv(t, newStore(t), testCommands(new(atomic.Int64), nil))
	e.discord.srv.Close() // every call now fails at the transport
	err := e.adapter.rest.do(context.Background(), call{method: "PATCH", route: "/webhooks/{app}/{token}/messages/@original",
		path: "/webhooks/" + testAppID + "/secret-interaction-token/messages/@original", body: map[string]string{}})
	if err == nil {
		t.Fatal("no error from a closed server")
	}
	if s := err.Error(); strings.Contains(s, "secret-interaction-token") || strings.Contains(s, testToken) {
		t.Errorf("error leaks a token: %s", s)
	}
	err = e.adapter.SendDM(context.Background(), paraDiscord, bot.Reply{Text: "x"})
	if err == nil || strings.Contains(err.Error(), testToken) {
		t.Errorf("error %v", err)
	}
}
