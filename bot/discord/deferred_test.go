package discord

import (
	"context"
	"encoding/json"
	"net/http"
	"net/http/httptest"
	"strconv"
	"strings"
	"sync"
	"sync/atomic"
	"testing"
	"time"

	"parabot/storage"
)

// postAsync sends an interaction to the HTTP endpoint from another
// goroutine; the recorder comes on the channel once the handler returns.
// Flushed answers reach the fake Discord at once; the rest when the
// handler returns, or, when held, when the test calls
// e.discord.answer. A writer that cannot flush sends everything at the
// end.
func (e *env) postAsync(interaction map[string]any, held, canFlush bool) <-chan *httptest.ResponseRecorder {
	e.t.Helper()
	body, err := json.Marshal(interaction)
	if err != nil {
		e.t.Fatal(err)
	}
	token, _ := interaction["token"].(string)
	req := signed(e.t, e.priv, e.now, body)
	out := make(chan *httptest.ResponseRecorder, 1)
	go func() {
		rec := httptest.NewRecorder()
		var w http.ResponseWriter = struct{ http.ResponseWriter }{rec} // hides Flush
		if canFlush {
			w = &answerRecorder{ResponseRecorder: rec, sent: func() { e.discord.answer(token) }}
		}
		e.mux.ServeHTTP(w, req)
		if !held && rec.Code == http.StatusOK {
			e.discord.answer(token)
		}
		out <- rec
	}()
	return out
}

// answerOf waits for the answer of postAsync and decodes it.
func (e *env) answerOf(c <-chan *httptest.ResponseRecorder) map[string]any {
	e.t.Helper()
	select {
	case rec := <-c:
		if rec.Code != http.StatusOK {
			e.t.Fatalf("status %d: %s", rec.Code, rec.Body.String())
		}
		var resp map[string]any
		if err := json.Unmarshal(rec.Body.Bytes(), &resp); err != nil {
			e.t.Fatalf("interaction response is not JSON: %v\n%s", err, rec.Body.Bytes())
		}
		return resp
	case <-time.After(20 * time.Second):
		e.t.Fatal("the interaction got no answer: Discord would have shown an error after 3 seconds")
		return nil
	}
}

// waitDeferred waits until the adapter has sent its deferred replies.
func (e *env) waitDeferred() {
	e.t.Helper()
	ctx, cancel := context.WithTimeout(context.Background(), 20*time.Second)
	defer cancel()
	if err := e.adapter.Wait(ctx); err != nil {
		e.t.Fatalf("deferred replies still in flight: %v", err)
	}
}

// slowClaims is a real store whose Claim waits until the test lets it
// go: a database slower than Discord's 3 seconds.
type slowClaims struct {
	storage.Store
	release chan struct{}
}

func (s *slowClaims) Claim(ctx context.Context, key string, at time.Time) (bool, error) {
	select {
	case <-s.release:
	case <-ctx.Done():
		return false, ctx.Err()
	}
	return s.Store.Claim(ctx, key, at)
}

// TestSlowClaimIsDeferred: the deferral deadline runs from the
// interaction's arrival, and the claim of its id runs under it, so a slow
// database defers the answer instead of delaying it.
func TestSlowClaimIsDeferred(t *testing.T) {
	t.Parallel()
	store := &slowClaims{Store: newStore(t), release: make(chan struct{})}
	var runs atomic.Int64
	e := newEnv(t, store, testCommands(&runs, nil))
	e.adapter.deferAfter = time.Millisecond
	id := "1800000000000000110"
	in := commandInteraction(id, paraDiscord, "log", opt("student", 3, "S101"), opt("goal", 3, "G1"), opt("trials", 3, "+ -"))
	editRoute := "PATCH /webhooks/" + testAppID + "/interaction-token-" + id + "/messages/@original"

	resp := e.answerOf(e.postAsync(in, false, true))
	if resp["type"] != float64(5) || flags(data(t, resp)) != 64 {
		t.Fatalf("answer %v while the claim is pending, want type 5 (deferred) with flags 64", resp)
	}
	if runs.Load() != 0 {
		t.Fatalf("the command ran before its interaction was claimed")
	}
	store.release <- struct{}{}
	if m := e.discord.Wait(editRoute).JSON(t); !strings.HasPrefix(m["content"].(string), "Logged 2 trials of G1") {
		t.Errorf("edit %v, want the command's reply", m)
	}

	// The same interaction again, its claim slow too: deferred, then left
	// alone; the first delivery's reply stands.
	resp = e.answerOf(e.postAsync(in, false, true))
	if resp["type"] != float64(5) {
		t.Fatalf("replay answered %v, want type 5 (deferred)", resp)
	}
	store.release <- struct{}{}
	e.waitDeferred()
	if n := len(e.discord.Requests(editRoute)); n != 1 {
		t.Errorf("original response edited %d times, want once (not again for the replay)", n)
	}
	if runs.Load() != 1 {
		t.Errorf("command ran %d times for one interaction id", runs.Load())
	}
	checkLogs(t, e.logs, "interaction-token-")
}

// deadlineStore is a real store that notes the deadline of the first
// StaffByIdentity call, the router's first step of an autocomplete.
type deadlineStore struct {
	storage.Store
	mu       sync.Mutex
	deadline time.Time
	seen     bool
}

func (s *deadlineStore) StaffByIdentity(ctx context.Context, p storage.Platform, userID string) (storage.Staff, error) {
	s.mu.Lock()
	if !s.seen {
		s.deadline, s.seen = ctx.Deadline()
	}
	s.mu.Unlock()
	return s.Store.StaffByIdentity(ctx, p, userID)
}

// TestAutocompleteDeadline: autocomplete cannot be deferred, so its
// choices must be found within 2 seconds of the interaction's arrival,
// leaving time for the answer to reach Discord within its 3.
func TestAutocompleteDeadline(t *testing.T) {
	t.Parallel()
	store := &deadlineStore{Store: newStore(t)}
	e := newEnv(t, store, testCommands(new(atomic.Int64), nil))
	_, resp := e.post(autocompleteInteraction("1800000000000000120", paraDiscord, "log", focused("student", "")))
	answered := time.Now()
	if resp["type"] != float64(8) || len(data(t, resp)["choices"].([]any)) != 2 {
		t.Fatalf("autocomplete answered %v", resp)
	}
	store.mu.Lock()
	defer store.mu.Unlock()
	if !store.seen {
		t.Fatal("the store was looked up without a deadline")
	}
	// The interaction arrived before it was answered, so a deadline 2
	// seconds after its arrival is at most 2 seconds after the answer.
	if late := store.deadline.Sub(answered); late > 2*time.Second {
		t.Errorf("autocomplete may run until %s after it was answered, want at most 2s after it arrived", late)
	}
}

// TestDeferredAnswerSentBeforeEdit: the deferred answer is flushed to
// Discord before the edit of the original response can set out. The fake
// Discord refuses an edit of an interaction it has no answer for, and
// here it gets what the handler did not flush only after the first edit
// (a response still on its way), so an edit that could overtake the
// answer fails.
func TestDeferredAnswerSentBeforeEdit(t *testing.T) {
	t.Parallel()
	release := make(chan struct{})
	e := newEnv(t, newStore(t), testCommands(new(atomic.Int64), release))
	e.adapter.deferAfter = time.Millisecond
	id := "1800000000000000130"
	token := "interaction-token-" + id
	editRoute := "PATCH /webhooks/" + testAppID + "/" + token + "/messages/@original"

	resp := e.answerOf(e.postAsync(commandInteraction(id, paraDiscord, "slow"), true, true))
	if resp["type"] != float64(5) {
		t.Fatalf("answer %v, want type 5 (deferred)", resp)
	}
	release <- struct{}{}
	first := e.discord.Wait(editRoute)
	e.discord.answer(token)
	e.waitDeferred()
	if first.Status != http.StatusOK {
		t.Errorf("the first edit was answered %d: it reached Discord before the deferred answer", first.Status)
	}
	if edits := e.discord.Requests(editRoute); len(edits) != 1 || edits[0].JSON(t)["content"] != "Finally done." {
		t.Errorf("%d edits, want one with the reply", len(edits))
	}
}

// TestDeferredReplyRetries: a deferred reply is sent again after an
// Unknown Webhook (the edit overtook the deferred answer), a rate limit,
// and, for an edit, a server or network error; a few times, not forever.
// A follow-up, which might have been posted, is not sent again after a
// server error.
func TestDeferredReplyRetries(t *testing.T) {
	t.Parallel()
	unknown := refusal{404, 10015, "Unknown Webhook"}
	bad := refusal{502, 0, "Bad Gateway"}
	tests := []struct {
		name     string
		followUp bool      // a failed press on our message: a follow-up, not an edit
		held     bool      // Discord gets the deferred answer only after the first try
		flaky    []refusal // the first answers to the reply
		limited  bool      // the first try is rate limited
		tries    int
		sent     bool
	}{
		{name: "edit overtook the answer", held: true, tries: 2, sent: true},
		{name: "unknown webhook twice", flaky: []refusal{unknown, unknown}, tries: 3, sent: true},
		{name: "server errors", flaky: []refusal{bad, {500, 0, "Internal Server Error"}}, tries: 3, sent: true},
		{name: "connection dropped", flaky: []refusal{{}}, tries: 2, sent: true},
		{name: "rate limited", limited: true, tries: 2, sent: true},
		{name: "bad payload is not sent again", flaky: []refusal{{400, 50035, "Invalid Form Body"}}, tries: 1},
		{name: "a lasting outage is given up", flaky: []refusal{bad, bad, bad, bad, bad, bad}, tries: 4},
		{name: "follow-up overtook the answer", followUp: true, held: true, tries: 2, sent: true},
		{name: "follow-up after a server error is not posted twice", followUp: true, flaky: []refusal{bad}, tries: 1},
	}
	store := newStore(t)
	for i, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			release := make(chan struct{})
			e := newEnv(t, store, testCommands(new(atomic.Int64), release))
			e.adapter.deferAfter = time.Millisecond
			e.adapter.backoff = []time.Duration{time.Millisecond, time.Millisecond, time.Millisecond}
			id := strconv.Itoa(1800000000000000140 + i)
			token := "interaction-token-" + id
			in := commandInteraction(id, paraDiscord, "slow")
			route, want := "PATCH /webhooks/"+testAppID+"/"+token+"/messages/@original", "Finally done."
			if tt.followUp {
				in = componentInteraction(id, paraDiscord, "again:fail", true)
				route, want = "POST /webhooks/"+testAppID+"/"+token, "Not again."
			}
			e.discord.flaky[route] = tt.flaky
			if tt.limited {
				e.discord.limited[route] = limit{n: 1, retryAfter: 0.01}
			}

			// Held, and with a writer that cannot flush: the answer
			// reaches Discord only after the first try.
			e.answerOf(e.postAsync(in, tt.held, !tt.held))
			release <- struct{}{}
			if tt.held {
				e.discord.Wait(route)
				e.discord.answer(token)
			}
			e.waitDeferred()
			tries := e.discord.Requests(route)
			if len(tries) != tt.tries {
				t.Errorf("%d tries, want %d", len(tries), tt.tries)
			}
			last := tries[len(tries)-1]
			if sent := last.Status == http.StatusOK; sent != tt.sent {
				t.Errorf("last try answered %d; sent=%t, want %t", last.Status, sent, tt.sent)
			} else if sent && last.JSON(t)["content"] != want {
				t.Errorf("reply %v, want %q", last.JSON(t)["content"], want)
			}
			checkLogs(t, e.logs, "interaction-token-")
		})
	}
}
