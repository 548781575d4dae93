package discord

import (
	"context"
	"errors"
	"sync/atomic"
	"testing"
	"time"

	"github.com/bwmarrin/discordgo"

	"parabot/bot"
)

// interactionCalls are an interaction callback and an edit of the
// original response, as the adapter makes them.
func interactionCalls(id string) []call {
	token := "interaction-token-" + id
	return []call{
		{method: "POST", route: "/interactions/{id}/{token}/callback", path: "/interactions/" + id + "/" + token + "/callback",
			body: response{Type: discordgo.InteractionResponseDeferredChannelMessageWithSource}},
		{method: "PATCH", route: "/webhooks/{app}/{token}/messages/@original", path: "/webhooks/" + testAppID + "/" + token + "/messages/@original",
			body: map[string]string{"content": "Done."}},
	}
}

// TestInteractionRoutesSkipGlobalLimit: Discord does not bind interaction
// endpoints to the bot's global rate limit, so neither do we. A callback
// or a webhook edit is held up neither by a global 429 nor by the pace of
// the bot's other calls (either would break the 3-second rule), while an
// interaction route's own 429 is still honoured.
func TestInteractionRoutesSkipGlobalLimit(t *testing.T) {
	t.Parallel()
	store := newStore(t)
	msgRoute := "POST /channels/" + testChannel + "/messages"

	t.Run("a global 429", func(t *testing.T) {
		ctx := context.Background()
		e := newEnv(t, store, testCommands(new(atomic.Int64), nil))
		e.discord.limited[msgRoute] = limit{n: 1, retryAfter: 60, global: true}
		var rl *RateLimitError
		if err := e.adapter.PostChannel(ctx, testChannel, bot.Reply{Text: "x"}); !errors.As(err, &rl) || !rl.Global {
			t.Fatalf("error %v, want a global RateLimitError", err)
		}
		for _, k := range interactionCalls("1800000000000000100") {
			if err := e.adapter.rest.do(ctx, k); err != nil {
				t.Errorf("%s %s during a global limit: %v", k.method, k.route, err)
			}
		}
		if n := len(e.discord.Requests("POST /interactions/")) + len(e.discord.Requests("PATCH /webhooks/")); n != 2 {
			t.Errorf("%d interaction calls reached Discord, want 2", n)
		}
		// The bot's own calls still wait.
		if err := e.adapter.SendDM(ctx, paraDiscord, bot.Reply{Text: "x"}); !errors.As(err, &rl) || !rl.Global {
			t.Errorf("a DM during the global limit: %v, want a global RateLimitError", err)
		}
	})

	t.Run("the global pace", func(t *testing.T) {
		// The deadline only ends a test that would otherwise wait an hour.
		ctx, cancel := context.WithTimeout(context.Background(), 20*time.Second)
		defer cancel()
		e := newEnv(t, store, testCommands(new(atomic.Int64), nil))
		lim := e.adapter.rest.lim
		lim.mu.Lock()
		lim.next = time.Now().Add(time.Hour) // a long queue of the bot's own calls
		lim.mu.Unlock()
		for _, k := range interactionCalls("1800000000000000101") {
			if err := e.adapter.rest.do(ctx, k); err != nil {
				t.Errorf("%s %s behind the bot's paced calls: %v", k.method, k.route, err)
			}
		}
	})

	t.Run("an interaction route's own 429", func(t *testing.T) {
		ctx := context.Background()
		e := newEnv(t, store, testCommands(new(atomic.Int64), nil))
		e.discord.limited["POST /interactions/"] = limit{n: 1, retryAfter: 60}
		k := interactionCalls("1800000000000000102")[0]
		for i := range 2 {
			var rl *RateLimitError
			if err := e.adapter.rest.do(ctx, k); !errors.As(err, &rl) || rl.RetryAfter() <= 0 {
				t.Errorf("callback %d: %v, want a RateLimitError", i+1, err)
			}
		}
		if n := len(e.discord.Requests("POST /interactions/")); n != 1 {
			t.Errorf("%d callbacks reached Discord while it asked us to wait, want 1", n)
		}
		if err := e.adapter.PostChannel(ctx, testChannel, bot.Reply{Text: "x"}); err != nil {
			t.Errorf("a message while a callback route is limited: %v", err)
		}
	})
}

// TestShareSplitsGlobalPace: the bot's global limit is shared by the live
// replicas, so each paces its calls at its share.
func TestShareSplitsGlobalPace(t *testing.T) {
	t.Parallel()
	now := time.Date(2026, 12, 2, 14, 0, 0, 0, time.UTC)
	l := newLimiter(func() time.Time { return now }, time.Minute)
	l.share(3)
	if _, _, err := l.wait(context.Background(), "POST /channels/1/messages", true); err != nil {
		t.Fatal(err)
	}
	if got, want := l.next.Sub(now), 3*globalPace; got != want {
		t.Errorf("three replicas: the next call may go after %s, want %s", got, want)
	}
	l.share(1)
	ctx, cancel := context.WithCancel(context.Background())
	cancel() // books the slot, then returns without waiting
	l.wait(ctx, "POST /channels/1/messages", true)
	if got, want := l.next.Sub(now), 3*globalPace+globalPace; got != want {
		t.Errorf("alone again: the next call may go after %s, want %s", got, want)
	}
}
