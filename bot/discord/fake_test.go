package discord

import (
	"bytes"
	"context"
	"crypto/ed25519"
	"crypto/rand"
	"encoding/hex"
	"encoding/json"
	"fmt"
	"io"
	"log/slog"
	"net/http"
	"net/http/httptest"
	"strconv"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/gorilla/websocket"

	"parabot/bot"
	"parabot/storage"
)

// Test constants: ids as Discord writes them.
const (
	testAppID    = "1100000000000000001"
	testToken    = "bot-token-SECRET-123"
	testGuild    = "1200000000000000001"
	testChannel  = "1300000000000000001"
	paraDiscord  = "1400000000000000001" // on the roster
	otherDiscord = "1400000000000000009" // not on the roster
)

// testNow is the clock of every unit test: a school morning.
var testNow = time.Date(2026, 11, 24, 15, 0, 0, 0, time.UTC)

// request is one request the fake Discord API received.
type request struct {
	Method string
	Path   string // without the /api/v10 prefix
	Auth   string
	Body   []byte
	Status int    // the status of the answer; 0 for a dropped connection
	Type   string // the Content-Type of the request
}

// JSON decodes the request body into a generic value.
func (r request) JSON(t *testing.T) map[string]any {
	t.Helper()
	var m map[string]any
	if err := json.Unmarshal(r.Body, &m); err != nil {
		t.Fatalf("%s %s: body is not a JSON object: %v\n%s", r.Method, r.Path, err, r.Body)
	}
	return m
}

// fakeDiscord is a local Discord: the REST API under /api/v10 and a
// gateway websocket at /gateway, speaking Discord's JSON.
type fakeDiscord struct {
	t   testing.TB
	srv *httptest.Server

	mu       sync.Mutex
	requests []request
	// limited answers 429 with retry_after (seconds) to the next n
	// requests whose "METHOD path" has the key as prefix.
	limited map[string]limit
	// exhaust makes the answers to a route say its bucket is empty.
	exhaust map[string]float64
	// refuse answers a route with a Discord error.
	refuse map[string]refusal
	// flaky answers the next requests of a route with these refusals in
	// turn; a status of 0 drops the connection without an answer.
	flaky map[string][]refusal
	// answered holds the interaction tokens whose interaction has been
	// answered (by callback, or by answering the HTTP request). As on
	// Discord, a webhook call with a token not answered yet is refused
	// with Unknown Webhook, and a second callback is refused.
	answered map[string]bool
	// seen is signalled on every request.
	seen chan request
	// gateways receives each accepted gateway connection.
	gateways chan *websocket.Conn
}

type limit struct {
	n          int
	retryAfter float64
	global     bool
}

type refusal struct {
	status, code int
	message      string
}

func newFakeDiscord(t testing.TB) *fakeDiscord {
	t.Helper()
	f := &fakeDiscord{t: t, limited: map[string]limit{}, exhaust: map[string]float64{}, refuse: map[string]refusal{},
		flaky: map[string][]refusal{}, answered: map[string]bool{},
		seen: make(chan request, 100), gateways: make(chan *websocket.Conn, 10)}
	mux := http.NewServeMux()
	mux.HandleFunc("/api/v10/", f.serveREST)
	mux.HandleFunc("/gateway", f.serveGateway)
	f.srv = httptest.NewServer(mux)
	t.Cleanup(f.srv.Close)
	return f
}

// APIURL is what DISCORD_API_URL would be.
func (f *fakeDiscord) APIURL() string { return f.srv.URL + "/api/v10" }

// Requests returns the requests so far whose "METHOD path" starts with prefix.
func (f *fakeDiscord) Requests(prefix string) []request {
	f.mu.Lock()
	defer f.mu.Unlock()
	var out []request
	for _, r := range f.requests {
		if strings.HasPrefix(r.Method+" "+r.Path, prefix) {
			out = append(out, r)
		}
	}
	return out
}

// answer records that the interaction with token was answered: Discord
// got the answer to its HTTP request.
func (f *fakeDiscord) answer(token string) {
	f.mu.Lock()
	defer f.mu.Unlock()
	f.answered[token] = true
}

// Wait returns the next request whose "METHOD path" starts with prefix.
func (f *fakeDiscord) Wait(prefix string) request {
	f.t.Helper()
	timeout := time.After(20 * time.Second)
	for {
		select {
		case r := <-f.seen:
			if strings.HasPrefix(r.Method+" "+r.Path, prefix) {
				return r
			}
		case <-timeout:
			f.t.Fatalf("no %s request reached the fake Discord", prefix)
		}
	}
}

// statusWriter records a request, with the status of its answer, before
// the answer leaves, so a test that got the answer finds the request.
type statusWriter struct {
	http.ResponseWriter
	f   *fakeDiscord
	req request
	// i is the request's index in f.requests.
	i int
}

func (w *statusWriter) WriteHeader(status int) {
	if w.i < 0 {
		w.f.mu.Lock()
		w.req.Status = status
		w.i = len(w.f.requests)
		w.f.requests = append(w.f.requests, w.req)
		w.f.mu.Unlock()
		w.f.seen <- w.req
	}
	w.ResponseWriter.WriteHeader(status)
}

func (w *statusWriter) Write(b []byte) (int, error) {
	if w.i < 0 {
		w.WriteHeader(http.StatusOK)
	}
	return w.ResponseWriter.Write(b)
}

// drop records the request as unanswered and closes the connection.
func (w *statusWriter) drop() {
	w.f.mu.Lock()
	w.i = len(w.f.requests)
	w.f.requests = append(w.f.requests, w.req)
	w.f.mu.Unlock()
	w.f.seen <- w.req
	conn, _, err := http.NewResponseController(w.ResponseWriter).Hijack()
	if err != nil {
		w.f.t.Errorf("fake Discord cannot drop a connection: %v", err)
		return
	}
	conn.Close()
}

func (f *fakeDiscord) serveREST(rw http.ResponseWriter, r *http.Request) {
	body, _ := io.ReadAll(r.Body)
	path := strings.TrimPrefix(r.URL.Path, "/api/v10")
	req := request{Method: r.Method, Path: path, Auth: r.Header.Get("Authorization"), Body: body, Type: r.Header.Get("Content-Type")}
	w := &statusWriter{ResponseWriter: rw, f: f, req: req, i: -1}
	key := r.Method + " " + path
	f.mu.Lock()
	var lim *limit
	for k, l := range f.limited {
		if strings.HasPrefix(key, k) && l.n > 0 {
			l.n--
			f.limited[k] = l
			lim = &l
		}
	}
	var ref *refusal
	for k, rf := range f.refuse {
		if strings.HasPrefix(key, k) {
			ref = &rf
		}
	}
	var flake *refusal
	for k, rs := range f.flaky {
		if strings.HasPrefix(key, k) && len(rs) > 0 {
			flake = &rs[0]
			f.flaky[k] = rs[1:]
		}
	}
	for k, after := range f.exhaust {
		if strings.HasPrefix(key, k) {
			w.Header().Set("X-RateLimit-Remaining", "0")
			w.Header().Set("X-RateLimit-Reset-After", strconv.FormatFloat(after, 'f', 3, 64))
		}
	}
	f.mu.Unlock()

	if flake != nil && flake.status == 0 {
		w.drop()
		return
	}
	if flake != nil {
		ref = flake
	}
	w.Header().Set("Content-Type", "application/json")
	if lim != nil {
		w.Header().Set("Retry-After", strconv.Itoa(int(lim.retryAfter)+1))
		if lim.global {
			w.Header().Set("X-RateLimit-Global", "true")
		}
		w.WriteHeader(http.StatusTooManyRequests)
		fmt.Fprintf(w, `{"message": "You are being rate limited.", "retry_after": %g, "global": %t}`, lim.retryAfter, lim.global)
		return
	}
	if ref != nil {
		w.WriteHeader(ref.status)
		fmt.Fprintf(w, `{"message": %q, "code": %d}`, ref.message, ref.code)
		return
	}
	if r.Header.Get("User-Agent") == "" || !strings.HasPrefix(r.Header.Get("User-Agent"), "DiscordBot") {
		w.WriteHeader(http.StatusBadRequest)
		fmt.Fprint(w, `{"message": "User-Agent must be DiscordBot", "code": 0}`)
		return
	}
	if msg := badMultipart(req); msg != "" {
		w.WriteHeader(http.StatusBadRequest)
		fmt.Fprintf(w, `{"message": %q, "code": 50035}`, msg)
		return
	}
	parts := strings.Split(strings.Trim(path, "/"), "/")
	switch {
	case r.Method == "PUT" && parts[0] == "applications":
		var cmds []map[string]any
		if err := json.Unmarshal(body, &cmds); err != nil {
			w.WriteHeader(http.StatusBadRequest)
			fmt.Fprint(w, `{"message": "Invalid Form Body", "code": 50035}`)
			return
		}
		for i, c := range cmds {
			c["id"] = strconv.Itoa(1500000000000000000 + i)
			c["application_id"] = parts[1]
			c["version"] = "1"
		}
		_ = json.NewEncoder(w).Encode(cmds)
	case r.Method == "POST" && path == "/users/@me/channels":
		var b struct {
			RecipientID string `json:"recipient_id"`
		}
		_ = json.Unmarshal(body, &b)
		fmt.Fprintf(w, `{"id": "%s", "type": 1, "last_message_id": null, "flags": 0, "recipients": [{"id": %q, "username": "someone", "discriminator": "0"}]}`,
			dmChannelOf(b.RecipientID), b.RecipientID)
	case r.Method == "POST" && len(parts) == 3 && parts[0] == "channels" && parts[2] == "messages":
		fmt.Fprintf(w, `{"id": "1600000000000000001", "channel_id": %q, "type": 0, "content": "", "timestamp": "2026-11-24T15:00:00.000000+00:00", "flags": 0}`, parts[1])
	case r.Method == "GET" && path == "/users/@me/guilds":
		fmt.Fprintf(w, `[{"id": %q, "name": "Lincoln Elementary", "icon": null, "owner": false, "permissions": "2048", "features": []}]`, testGuild)
	case r.Method == "GET" && len(parts) == 3 && parts[0] == "guilds" && parts[2] == "channels":
		fmt.Fprintf(w, `[{"id": %q, "type": 0, "guild_id": %q, "name": "room-12", "position": 0},
			{"id": "1300000000000000002", "type": 2, "guild_id": %q, "name": "room-13", "position": 1},
			{"id": "1300000000000000003", "type": 4, "guild_id": %q, "name": "Classrooms", "position": 2}]`, testChannel, parts[1], parts[1], parts[1])
	case r.Method == "POST" && parts[0] == "interactions" && len(parts) == 4 && parts[3] == "callback":
		f.mu.Lock()
		again := f.answered[parts[2]]
		f.answered[parts[2]] = true
		f.mu.Unlock()
		if again {
			w.WriteHeader(http.StatusBadRequest)
			fmt.Fprint(w, `{"message": "Interaction has already been acknowledged.", "code": 40060}`)
			return
		}
		w.WriteHeader(http.StatusNoContent)
	case parts[0] == "webhooks" && len(parts) >= 3 && (r.Method == "PATCH" || r.Method == "POST"):
		f.mu.Lock()
		answered := f.answered[parts[2]]
		f.mu.Unlock()
		if !answered {
			// The interaction was not answered (yet): Discord does not
			// know its token.
			w.WriteHeader(http.StatusNotFound)
			fmt.Fprint(w, `{"message": "Unknown Webhook", "code": 10015}`)
			return
		}
		fmt.Fprint(w, `{"id": "1600000000000000002", "type": 20, "content": "", "timestamp": "2026-11-24T15:00:00.000000+00:00", "flags": 64}`)
	case r.Method == "GET" && path == "/gateway/bot":
		fmt.Fprintf(w, `{"url": %q, "shards": 1, "session_start_limit": {"total": 1000, "remaining": 999, "reset_after": 14400000, "max_concurrency": 1}}`,
			"ws"+strings.TrimPrefix(f.srv.URL, "http")+"/gateway")
	default:
		w.WriteHeader(http.StatusNotFound)
		fmt.Fprint(w, `{"message": "404: Not Found", "code": 0}`)
	}
}

// dmChannelOf is the id of the fake DM channel with a user.
func dmChannelOf(userID string) string { return "17" + userID[2:] }

func (f *fakeDiscord) serveGateway(w http.ResponseWriter, r *http.Request) {
	if r.URL.Query().Get("v") != "10" || r.URL.Query().Get("encoding") != "json" {
		http.Error(w, "want v=10&encoding=json", http.StatusBadRequest)
		return
	}
	up := websocket.Upgrader{}
	conn, err := up.Upgrade(w, r, nil)
	if err != nil {
		return
	}
	f.gateways <- conn
}

// logBuffer collects log output for the privacy checks.
type logBuffer struct {
	mu sync.Mutex
	b  bytes.Buffer
}

func (l *logBuffer) Write(p []byte) (int, error) {
	l.mu.Lock()
	defer l.mu.Unlock()
	return l.b.Write(p)
}

func (l *logBuffer) String() string {
	l.mu.Lock()
	defer l.mu.Unlock()
	return l.b.String()
}

// checkLogs fails when a secret or a private text reached the logs.
func checkLogs(t *testing.T, logs *logBuffer, secrets ...string) {
	t.Helper()
	out := logs.String()
	for _, s := range append(secrets, testToken) {
		if s != "" && strings.Contains(out, s) {
			t.Errorf("logs contain %q:\n%s", s, out)
		}
	}
}

// keys generates an application key pair.
func keys(t testing.TB) (ed25519.PublicKey, ed25519.PrivateKey) {
	t.Helper()
	pub, priv, err := ed25519.GenerateKey(rand.Reader)
	if err != nil {
		t.Fatal(err)
	}
	return pub, priv
}

// signed builds a POST /discord/interactions request signed as Discord
// signs: Ed25519 over timestamp + body.
func signed(t testing.TB, priv ed25519.PrivateKey, at time.Time, body []byte) *http.Request {
	t.Helper()
	ts := strconv.FormatInt(at.Unix(), 10)
	sig := ed25519.Sign(priv, append([]byte(ts), body...))
	r := httptest.NewRequest("POST", "/discord/interactions", bytes.NewReader(body))
	r.Header.Set("Content-Type", "application/json")
	r.Header.Set("X-Signature-Ed25519", hex.EncodeToString(sig))
	r.Header.Set("X-Signature-Timestamp", ts)
	return r
}

// env is one adapter under test with its fakes.
type env struct {
	t       testing.TB
	adapter *Adapter
	mux     *http.ServeMux
	discord *fakeDiscord
	priv    ed25519.PrivateKey
	logs    *logBuffer
	log     *slog.Logger // writes to logs
	now     time.Time
}

// newEnv builds an adapter over store and cmds, pointed at a fake Discord.
func newEnv(t testing.TB, store storage.Store, cmds []*bot.Command) *env {
	t.Helper()
	return newEnvAt(t, store, testNow, func(*slog.Logger) []*bot.Command { return cmds })
}

// newEnvAt builds an adapter over store with the clock stopped at at; cmds
// builds the commands with the logger whose output the test checks.
func newEnvAt(t testing.TB, store storage.Store, at time.Time, cmds func(*slog.Logger) []*bot.Command) *env {
	t.Helper()
	pub, priv := keys(t)
	logs := &logBuffer{}
	log := slog.New(slog.NewTextHandler(logs, &slog.HandlerOptions{Level: slog.LevelDebug}))
	now := func() time.Time { return at }
	router := bot.NewRouter(store, log, now, cmds(log))
	fd := newFakeDiscord(t)
	a, err := New(Config{BotToken: testToken, AppID: testAppID, PublicKey: hex.EncodeToString(pub), APIURL: fd.APIURL(),
		Router: router, Store: store, Log: log, Now: now, HTTPClient: &http.Client{Timeout: 10 * time.Second}})
	if err != nil {
		t.Fatal(err)
	}
	// Unit tests answer at once unless they test deferral; no test may
	// depend on how fast the machine is.
	a.deferAfter = time.Hour
	mux := http.NewServeMux()
	a.Routes(mux)
	t.Cleanup(func() {
		ctx, cancel := context.WithTimeout(context.Background(), 20*time.Second)
		defer cancel()
		if err := a.Wait(ctx); err != nil {
			t.Errorf("deferred replies still in flight: %v", err)
		}
	})
	return &env{t: t, adapter: a, mux: mux, discord: fd, priv: priv, logs: logs, now: at, log: log}
}

// post sends an interaction to the HTTP endpoint, signed, and returns the
// status and the decoded interaction response.
func (e *env) post(interaction map[string]any) (int, map[string]any) {
	e.t.Helper()
	body, err := json.Marshal(interaction)
	if err != nil {
		e.t.Fatal(err)
	}
	token, _ := interaction["token"].(string)
	rec := &answerRecorder{ResponseRecorder: httptest.NewRecorder(), sent: func() { e.discord.answer(token) }}
	e.mux.ServeHTTP(rec, signed(e.t, e.priv, e.now, body))
	if rec.Code != http.StatusOK {
		return rec.Code, nil
	}
	// The server sends what it has not flushed when the handler returns.
	e.discord.answer(token)
	var resp map[string]any
	if err := json.Unmarshal(rec.Body.Bytes(), &resp); err != nil {
		e.t.Fatalf("interaction response is not JSON: %v\n%s", err, rec.Body.Bytes())
	}
	return rec.Code, resp
}

// answerRecorder records the answer to an interaction request; what it
// flushes has reached Discord, which sent calls sent.
type answerRecorder struct {
	*httptest.ResponseRecorder
	sent func()
}

// Flush sends the answer so far.
func (r *answerRecorder) Flush() {
	r.ResponseRecorder.Flush()
	if r.Code == http.StatusOK {
		r.sent()
	}
}

// The interaction payloads below are Discord's JSON as the API sends it.

func member(userID string) map[string]any {
	return map[string]any{
		"user":        map[string]any{"id": userID, "username": "para", "discriminator": "0", "global_name": "Para"},
		"roles":       []any{},
		"joined_at":   "2025-08-20T12:00:00.000000+00:00",
		"permissions": "2248473465835073",
		"deaf":        false, "mute": false, "pending": false, "flags": 0,
	}
}

func commandInteraction(id, userID, name string, options ...map[string]any) map[string]any {
	if options == nil {
		options = []map[string]any{}
	}
	return map[string]any{
		"id":              id,
		"application_id":  testAppID,
		"type":            2,
		"token":           "interaction-token-" + id,
		"version":         1,
		"guild_id":        testGuild,
		"channel_id":      testChannel,
		"app_permissions": "2248473465835073",
		"locale":          "en-US",
		"guild_locale":    "en-US",
		"member":          member(userID),
		"data":            map[string]any{"id": "1500000000000000000", "name": name, "type": 1, "options": options},
	}
}

func autocompleteInteraction(id, userID, name string, options ...map[string]any) map[string]any {
	in := commandInteraction(id, userID, name, options...)
	in["type"] = 4
	return in
}

func componentInteraction(id, userID, customID string, ephemeral bool) map[string]any {
	flags := 0
	if ephemeral {
		flags = 64
	}
	return map[string]any{
		"id":             id,
		"application_id": testAppID,
		"type":           3,
		"token":          "interaction-token-" + id,
		"version":        1,
		"guild_id":       testGuild,
		"channel_id":     testChannel,
		"locale":         "en-US",
		"member":         member(userID),
		"message": map[string]any{
			"id": "1600000000000000001", "channel_id": testChannel, "type": 20, "content": "Logged.",
			"timestamp": "2026-11-24T15:00:00.000000+00:00", "edited_timestamp": nil, "flags": flags,
			"author":     map[string]any{"id": testAppID, "username": "parabot", "bot": true},
			"components": []any{map[string]any{"type": 1, "components": []any{map[string]any{"type": 2, "style": 4, "label": "Undo", "custom_id": customID}}}},
		},
		"data": map[string]any{"custom_id": customID, "component_type": 2},
	}
}

func opt(name string, typ int, value any) map[string]any {
	return map[string]any{"name": name, "type": typ, "value": value}
}

func focused(name string, value string) map[string]any {
	return map[string]any{"name": name, "type": 3, "value": value, "focused": true}
}

// data returns the "data" object of an interaction response.
func data(t testing.TB, resp map[string]any) map[string]any {
	t.Helper()
	d, ok := resp["data"].(map[string]any)
	if !ok {
		t.Fatalf("response has no data: %v", resp)
	}
	return d
}

// flags reads the flags of a message as an int.
func flags(m map[string]any) int {
	f, _ := m["flags"].(float64)
	return int(f)
}

// customIDs lists the custom_ids of the buttons of a message.
func customIDs(m map[string]any) []string {
	var out []string
	rows, _ := m["components"].([]any)
	for _, row := range rows {
		cs, _ := row.(map[string]any)["components"].([]any)
		for _, c := range cs {
			out = append(out, c.(map[string]any)["custom_id"].(string))
		}
	}
	return out
}
