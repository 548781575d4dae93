package main

import (
	"context"
	"fmt"
	"io"
	"log/slog"
	"net"
	"net/http"
	"net/http/httptest"
	"net/url"
	"path/filepath"
	"regexp"
	"strconv"
	"strings"
	"sync"
	"sync/atomic"
	"testing"
	"time"

	"parabot/bot/slack"
	"parabot/config"
	"parabot/storage"
)

func slackSign(body, ts string) string { return slack.Sign(slackKey, ts, []byte(body)) }

// slackAPI is a local Slack Web API for the tests of parabot serve as a
// whole: it opens DMs and counts the notes posted, by the "note-…" token
// in their text. It can be slowed down or taken down.
type slackAPI struct {
	srv *httptest.Server

	delay    atomic.Int64 // nanoseconds each chat.postMessage takes
	down     atomic.Bool  // answer every call with 503
	calls    atomic.Int64 // chat.postMessage calls received, answered or not
	refused  atomic.Int64 // calls of any method answered 503 while down
	inflight atomic.Int64 // chat.postMessage calls being answered

	mu     sync.Mutex
	posted map[string]int // note token -> posts answered ok
	first  map[string]time.Time
}

var noteToken = regexp.MustCompile(`note-[0-9a-z-]+`)

func newSlackAPI(t testing.TB) *slackAPI {
	f := &slackAPI{posted: map[string]int{}, first: map[string]time.Time{}}
	f.srv = httptest.NewServer(http.HandlerFunc(f.serve))
	t.Cleanup(f.srv.Close)
	return f
}

func (f *slackAPI) serve(w http.ResponseWriter, r *http.Request) {
	body, _ := io.ReadAll(r.Body)
	form, _ := url.ParseQuery(string(body))
	method := strings.TrimPrefix(r.URL.Path, "/api/")
	if method == "chat.postMessage" {
		f.calls.Add(1)
	}
	if f.down.Load() {
		f.refused.Add(1)
		http.Error(w, "service unavailable", http.StatusServiceUnavailable)
		return
	}
	w.Header().Set("Content-Type", "application/json")
	switch method {
	case "conversations.open":
		fmt.Fprintf(w, `{"ok":true,"channel":{"id":"D%s"}}`, form.Get("users"))
	case "chat.postMessage":
		f.inflight.Add(1)
		defer f.inflight.Add(-1)
		select {
		case <-time.After(time.Duration(f.delay.Load())):
		case <-r.Context().Done():
			return // the caller went away before the answer: not posted
		}
		f.mu.Lock()
		text := form.Get("text") + form.Get("blocks")
		if strings.Contains(text, "Daily summary") || strings.Contains(text, "Weekly summary") {
			// A teacher's summary quotes the day's notes: it is not a
			// delivery of the note (serve started after the summary's time
			// sends the day's summary at once).
			text = ""
		}
		for _, tok := range noteToken.FindAllString(text, 1) {
			f.posted[tok]++
			if _, ok := f.first[tok]; !ok {
				f.first[tok] = time.Now()
			}
		}
		f.mu.Unlock()
		fmt.Fprintf(w, `{"ok":true,"channel":%q,"ts":"1700000000.%06d"}`, form.Get("channel"), f.calls.Load())
	default:
		fmt.Fprint(w, `{"ok":true}`)
	}
}

// counts returns a copy of the posts by note token.
func (f *slackAPI) counts() map[string]int {
	f.mu.Lock()
	defer f.mu.Unlock()
	out := make(map[string]int, len(f.posted))
	for k, v := range f.posted {
		out[k] = v
	}
	return out
}

// firstPosted is when token was first posted (zero if never).
func (f *slackAPI) firstPosted(token string) time.Time {
	f.mu.Lock()
	defer f.mu.Unlock()
	return f.first[token]
}

// waitDelivered waits until every token is posted, up to d.
func (f *slackAPI) waitDelivered(tokens []string, d time.Duration) bool {
	deadline := time.Now().Add(d)
	for time.Now().Before(deadline) {
		c := f.counts()
		all := true
		for _, tok := range tokens {
			if c[tok] == 0 {
				all = false
				break
			}
		}
		if all {
			return true
		}
		time.Sleep(50 * time.Millisecond)
	}
	return false
}

// slackEnv is the environment of parabot serve with Slack over HTTP
// against api, on the database at dbURL.
func slackEnv(api *slackAPI, dbURL string, extra ...string) map[string]string {
	m := map[string]string{
		"PARABOT_DATABASE_URL": dbURL,
		"SLACK_BOT_TOKEN":      "xoxb-test", "SLACK_SIGNING_SECRET": slackKey, "SLACK_API_URL": api.srv.URL + "/api/",
		"PARABOT_LOG_LEVEL": "warn",
	}
	for i := 0; i+1 < len(extra); i += 2 {
		m[extra[i]] = extra[i+1]
	}
	return m
}

// tempDB is a fresh SQLite file in t's temp dir.
func tempDB(t testing.TB) string { return filepath.Join(t.TempDir(), "parabot.db") }

// seedSlack imports the demo school and links lee and the teacher rivera
// to Slack ids, so lee's notes are DMs to rivera on Slack.
func seedSlack(t *testing.T, vars map[string]string) {
	t.Helper()
	store := openVars(t, vars)
	defer store.Close()
	seed(t, store)
	ctx := context.Background()
	rivera, err := store.StaffByIdentity(ctx, storage.PlatformShell, "rivera")
	if err != nil {
		t.Fatal(err)
	}
	if err := store.LinkIdentity(ctx, storage.Identity{StaffID: rivera.ID, Platform: storage.PlatformSlack, UserID: "U0RIVERA"}); err != nil {
		t.Fatal(err)
	}
}

// openVars opens the database of the settings vars, for a test to
// prepare before serve starts; close it before.
func openVars(t *testing.T, vars map[string]string) storage.Store {
	t.Helper()
	cfg, err := config.Load(env(vars))
	if err != nil {
		t.Fatal(err)
	}
	store, err := openStore(context.Background(), cfg, newLogger(io.Discard, "error"))
	if err != nil {
		t.Fatal(err)
	}
	return store
}

// noteRequest is lee's signed "/note S102 <token>" for parabot at base,
// with a trigger_id of its own.
func noteRequest(t testing.TB, base, token string) *http.Request {
	t.Helper()
	form := url.Values{
		"team_id": {"T1"}, "channel_id": {"C1"}, "user_id": {leeSlack}, "command": {"/note"},
		"text": {"S102 " + token}, "response_url": {base + "/unused"}, "trigger_id": {"T-" + token},
	}
	body := form.Encode()
	ts := strconv.FormatInt(time.Now().Unix(), 10)
	req, err := http.NewRequest("POST", base+"/slack/commands", strings.NewReader(body))
	if err != nil {
		t.Fatal(err)
	}
	req.Header.Set("Content-Type", "application/x-www-form-urlencoded")
	req.Header.Set("X-Slack-Request-Timestamp", ts)
	req.Header.Set("X-Slack-Signature", slackSign(body, ts))
	return req
}

// running is parabot serve started in the test's own process.
type running struct {
	srv  *server
	cfg  config.Config
	base string // http://127.0.0.1:port
	stop context.CancelFunc
	done chan error
}

// serveInProcess starts parabot serve with vars on a free port; grace is
// how long its shutdown tells clients to go before it stops listening.
func serveInProcess(t *testing.T, vars map[string]string, grace time.Duration) *running {
	t.Helper()
	return serveLogging(t, vars, grace, newLogger(io.Discard, "error"))
}

// serveLogging is serveInProcess logging to log.
func serveLogging(t *testing.T, vars map[string]string, grace time.Duration, log *slog.Logger) *running {
	t.Helper()
	cfg, err := config.Load(env(vars))
	if err != nil {
		t.Fatal(err)
	}
	srv, err := newServer(context.Background(), cfg, log)
	if err != nil {
		t.Fatal(err)
	}
	srv.drainGrace = grace
	ln, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	ctx, stop := context.WithCancel(context.Background())
	r := &running{srv: srv, cfg: cfg, base: "http://" + ln.Addr().String(), stop: stop, done: make(chan error, 1)}
	go func() { r.done <- srv.Serve(ctx, ln) }()
	return r
}

// shutdown ends Serve's context, as SIGTERM does, and returns what Serve
// returned; it fails the test when Serve takes over 30 seconds.
func (r *running) shutdown(t *testing.T) error {
	t.Helper()
	r.stop()
	select {
	case err := <-r.done:
		return err
	case <-time.After(30 * time.Second):
		t.Fatal("serve did not stop within the shutdown timeout")
		return nil
	}
}
