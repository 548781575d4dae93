package discord

import (
	"bytes"
	"context"
	"encoding/hex"
	"encoding/json"
	"fmt"
	"log/slog"
	"net"
	"net/http"
	"net/http/httptest"
	"strconv"
	"strings"
	"sync/atomic"
	"syscall"
	"testing"
	"time"

	"github.com/bwmarrin/discordgo"

	"parabot/bot"
	"parabot/storage"
)

func TestVerification(t *testing.T) {
	t.Parallel()
	ping := []byte(`{"id":"1800000000000000001","application_id":"` + testAppID + `","type":1,"token":"ping-token","version":1,"user":{"id":"1","username":"discord"}}`)
	_, otherKey := keys(t)
	store := &countingStore{Store: newStore(t)}
	tests := []struct {
		name   string
		req    func(e *env) *http.Request
		status int
	}{
		{"good signature", func(e *env) *http.Request { return signed(t, e.priv, e.now, ping) }, http.StatusOK},
		{"clock a little behind", func(e *env) *http.Request { return signed(t, e.priv, e.now.Add(-4*time.Minute), ping) }, http.StatusOK},
		{"signed by another key", func(e *env) *http.Request { return signed(t, otherKey, e.now, ping) }, http.StatusUnauthorized},
		{"body changed after signing", func(e *env) *http.Request {
			r := signed(t, e.priv, e.now, ping)
			r.Body = httptest.NewRequest("POST", "/", bytes.NewReader(bytes.Replace(ping, []byte(`"type":1`), []byte(`"type":2`), 1))).Body
			return r
		}, http.StatusUnauthorized},
		{"timestamp changed after signing", func(e *env) *http.Request {
			r := signed(t, e.priv, e.now, ping)
			r.Header.Set("X-Signature-Timestamp", strconv.FormatInt(e.now.Unix()+1, 10))
			return r
		}, http.StatusUnauthorized},
		{"stale timestamp", func(e *env) *http.Request { return signed(t, e.priv, e.now.Add(-10*time.Minute), ping) }, http.StatusUnauthorized},
		{"timestamp from the future", func(e *env) *http.Request { return signed(t, e.priv, e.now.Add(10*time.Minute), ping) }, http.StatusUnauthorized},
		{"no signature", func(e *env) *http.Request {
			r := signed(t, e.priv, e.now, ping)
			r.Header.Del("X-Signature-Ed25519")
			return r
		}, http.StatusUnauthorized},
		{"signature not hex", func(e *env) *http.Request {
			r := signed(t, e.priv, e.now, ping)
			r.Header.Set("X-Signature-Ed25519", "zz"+r.Header.Get("X-Signature-Ed25519")[2:])
			return r
		}, http.StatusUnauthorized},
		{"no timestamp", func(e *env) *http.Request {
			r := signed(t, e.priv, e.now, ping)
			r.Header.Del("X-Signature-Timestamp")
			return r
		}, http.StatusUnauthorized},
		{"body too large", func(e *env) *http.Request {
			big := append(bytes.TrimSuffix(ping, []byte("}")), []byte(`,"pad":"`+strings.Repeat("x", maxBody)+`"}`)...)
			return signed(t, e.priv, e.now, big)
		}, http.StatusRequestEntityTooLarge},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			e := newEnv(t, store, testCommands(new(atomic.Int64), nil))
			before := store.calls.Load()
			rec := httptest.NewRecorder()
			e.mux.ServeHTTP(rec, tt.req(e))
			if rec.Code != tt.status {
				t.Fatalf("status %d, want %d (%s)", rec.Code, tt.status, rec.Body.String())
			}
			if tt.status == http.StatusOK {
				if got := strings.TrimSpace(rec.Body.String()); got != `{"type":1}` {
					t.Errorf("PING answered %s, want PONG {\"type\":1}", got)
				}
			}
			if n := store.calls.Load() - before; n != 0 {
				t.Errorf("the store was called %d times for a PING or a refused request", n)
			}
			if n := len(e.discord.Requests("")); n != 0 {
				t.Errorf("%d calls to Discord for a PING or a refused request", n)
			}
		})
	}
}

func TestNoPublicKeyRefusesEverything(t *testing.T) {
	t.Parallel()
	e := newEnv(t, newStore(t), testCommands(new(atomic.Int64), nil))
	e.adapter.key = nil
	status, _ := e.post(map[string]any{"id": "1", "type": 1, "token": "x"})
	if status != http.StatusUnauthorized {
		t.Fatalf("status %d without a public key, want 401", status)
	}
}

func TestCommandWithOptions(t *testing.T) {
	t.Parallel()
	var runs atomic.Int64
	e := newEnv(t, newStore(t), testCommands(&runs, nil))
	status, resp := e.post(commandInteraction("1800000000000000010", paraDiscord, "log",
		opt("student", 3, "S101"), opt("goal", 3, "G2"), opt("trials", 3, "+ + v"),
		opt("prompt", 3, "gestural"), opt("count", 4, 3), opt("ok", 5, true), opt("mood", 3, "upset"),
		opt("lasted", 3, "5m"), opt("tried", 3, "break, first-then"), opt("note", 3, "was tired @everyone")))
	if status != http.StatusOK {
		t.Fatalf("status %d", status)
	}
	if resp["type"] != float64(4) {
		t.Fatalf("response type %v, want 4 (CHANNEL_MESSAGE_WITH_SOURCE)", resp["type"])
	}
	d := data(t, resp)
	want := `Logged 3 trials of G2 for A.B. (S101), prompt gestural, count 3, ok true, mood upset, lasted 5m0s, tried [break first-then], note "was tired @everyone".`
	if d["content"] != want {
		t.Errorf("content\n %v\nwant\n %v", d["content"], want)
	}
	if flags(d) != 64 {
		t.Errorf("flags %d, want 64 (ephemeral)", flags(d))
	}
	if ids := customIDs(d); len(ids) != 1 || ids[0] != "undo:42" {
		t.Errorf("buttons %v, want one undo:42", ids)
	}
	if am, _ := d["allowed_mentions"].(map[string]any); am == nil || len(am["parse"].([]any)) != 0 {
		t.Errorf("allowed_mentions %v, want parse [] so nothing pings", d["allowed_mentions"])
	}
	if runs.Load() != 1 {
		t.Errorf("command ran %d times", runs.Load())
	}
	checkLogs(t, e.logs, "interaction-token-", "Ava", "Brooks", "was tired")
}

func TestCommandErrorsShowAnExample(t *testing.T) {
	t.Parallel()
	tests := []struct {
		name    string
		options []map[string]any
		want    []string
	}{
		{"missing trials", []map[string]any{opt("student", 3, "S101"), opt("goal", 3, "G1")}, []string{"Missing trials", "Example: /log"}},
		{"student not on caseload", []map[string]any{opt("student", 3, "S103"), opt("goal", 3, "G7"), opt("trials", 3, "+")}, []string{"not on your caseload", "Example: /log"}},
		{"goal of another student", []map[string]any{opt("student", 3, "S102"), opt("goal", 3, "G2"), opt("trials", 3, "+")}, []string{`Goal "G2" not found`, "Example: /log"}},
		{"time in the future", []map[string]any{opt("student", 3, "S101"), opt("goal", 3, "G1"), opt("trials", 3, "+"), opt("at", 3, "23:59")}, []string{"in the future"}},
		{"bad duration", []map[string]any{opt("student", 3, "S101"), opt("goal", 3, "G1"), opt("trials", 3, "+"), opt("lasted", 3, "forever")}, []string{"not a duration"}},
	}
	store := newStore(t)
	for i, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			var runs atomic.Int64
			e := newEnv(t, store, testCommands(&runs, nil))
			_, resp := e.post(commandInteraction("18000000000000001"+strconv.Itoa(10+i), paraDiscord, "log", tt.options...))
			d := data(t, resp)
			text, _ := d["content"].(string)
			for _, w := range tt.want {
				if !strings.Contains(text, w) {
					t.Errorf("error %q does not say %q", text, w)
				}
			}
			if flags(d) != 64 {
				t.Errorf("error shown to everyone (flags %d)", flags(d))
			}
			for _, id := range customIDs(d) {
				if !strings.HasPrefix(id, bot.ActionRetry+":log?") {
					t.Errorf("error reply has button %q; only buttons that run the command again with another student are offered", id)
				}
			}
			if runs.Load() != 0 {
				t.Errorf("command ran on bad input")
			}
		})
	}
}

func TestUnknownUser(t *testing.T) {
	t.Parallel()
	var runs atomic.Int64
	e := newEnv(t, newStore(t), testCommands(&runs, nil))
	_, resp := e.post(commandInteraction("1800000000000000020", otherDiscord, "log",
		opt("student", 3, "S101"), opt("goal", 3, "G1"), opt("trials", 3, "+")))
	d := data(t, resp)
	if text, _ := d["content"].(string); !strings.Contains(text, "not on parabot's roster") || flags(d) != 64 {
		t.Errorf("unknown user got %q (flags %d), want an ephemeral 'not on the roster'", text, flags(d))
	}
	if runs.Load() != 0 {
		t.Errorf("command ran for someone not on the roster")
	}
	// Autocomplete offers them nothing.
	_, resp = e.post(autocompleteInteraction("1800000000000000021", otherDiscord, "log", focused("student", "")))
	if cs := data(t, resp)["choices"].([]any); len(cs) != 0 {
		t.Errorf("someone not on the roster was offered %v", cs)
	}
}

func TestReplayedInteractionRunsOnce(t *testing.T) {
	t.Parallel()
	var runs atomic.Int64
	e := newEnv(t, newStore(t), testCommands(&runs, nil))
	in := commandInteraction("1800000000000000030", paraDiscord, "log",
		opt("student", 3, "S101"), opt("goal", 3, "G1"), opt("trials", 3, "+ - +"))
	_, first := e.post(in)
	if !strings.HasPrefix(data(t, first)["content"].(string), "Logged 3 trials") {
		t.Fatalf("first delivery: %v", first)
	}
	_, second := e.post(in)
	if got := data(t, second)["content"]; got != alreadyHandled {
		t.Errorf("replay answered %q, want %q", got, alreadyHandled)
	}
	if runs.Load() != 1 {
		t.Errorf("command ran %d times for one interaction id", runs.Load())
	}
}

func TestAutocomplete(t *testing.T) {
	t.Parallel()
	e := newEnv(t, newStore(t), testCommands(new(atomic.Int64), nil))
	tests := []struct {
		name    string
		options []map[string]any
		want    []string // "value=name"
	}{
		{"students of the caseload only", []map[string]any{focused("student", "")}, []string{"S101=Ava B. (S101)", "S102=Ben C. (S102)"}},
		{"students filtered by what is typed", []map[string]any{focused("student", "b.c")}, []string{"S102=Ben C. (S102)"}},
		{"a student off the caseload is not offered", []map[string]any{focused("student", "S103")}, nil},
		{"by first name, as commands accept", []map[string]any{focused("student", "Ava")}, []string{"S101=Ava B. (S101)"}},
		{"by the start of a first name", []map[string]any{focused("student", "be")}, []string{"S102=Ben C. (S102)"}},
		{"by full name", []map[string]any{focused("student", "ben c")}, []string{"S102=Ben C. (S102)"}},
		{"a first name off the caseload is not offered", []map[string]any{focused("student", "Cora")}, nil},
		{"goals of the chosen student", []map[string]any{opt("student", 3, "S101"), focused("goal", "")}, []string{"G1=G1 Reads CVC words", "G2=G2 Asks for a break"}},
		{"goals of another student", []map[string]any{opt("student", 3, "S102"), focused("goal", "g")}, []string{"G1=G1 Counts to 20"}},
		{"no goals before a student", []map[string]any{focused("goal", "")}, nil},
		{"no goals of a student off the caseload", []map[string]any{opt("student", 3, "S103"), focused("goal", "")}, nil},
	}
	for i, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			status, resp := e.post(autocompleteInteraction("18000000000000004"+strconv.Itoa(10+i), paraDiscord, "log", tt.options...))
			if status != http.StatusOK || resp["type"] != float64(8) {
				t.Fatalf("status %d, response %v; want type 8 (autocomplete result)", status, resp)
			}
			var got []string
			for _, c := range data(t, resp)["choices"].([]any) {
				m := c.(map[string]any)
				got = append(got, m["value"].(string)+"="+m["name"].(string))
			}
			if strings.Join(got, "|") != strings.Join(tt.want, "|") {
				t.Errorf("choices %q, want %q", got, tt.want)
			}
		})
	}
	checkLogs(t, e.logs, "Ava", "Ben", "Cora", "Reads CVC")
}

func TestUndoButton(t *testing.T) {
	t.Parallel()
	var runs atomic.Int64
	e := newEnv(t, newStore(t), testCommands(&runs, nil))

	// On our own ephemeral confirmation, Undo replaces it and its button.
	_, resp := e.post(componentInteraction("1800000000000000050", paraDiscord, "undo:42", true))
	if resp["type"] != float64(7) {
		t.Fatalf("response type %v, want 7 (UPDATE_MESSAGE)", resp["type"])
	}
	d := data(t, resp)
	if !strings.HasPrefix(d["content"].(string), "Undone:") || len(customIDs(d)) != 0 {
		t.Errorf("update %v, want the Undone text and no buttons", d)
	}
	if comps, ok := d["components"].([]any); !ok || len(comps) != 0 {
		t.Errorf("components %v, want [] so the Undo button goes away", d["components"])
	}

	// An error leaves the confirmation and answers in a new ephemeral message.
	_, resp = e.post(componentInteraction("1800000000000000051", paraDiscord, "undo:7", true))
	if resp["type"] != float64(4) || flags(data(t, resp)) != 64 || data(t, resp)["content"] != "That entry no longer exists." {
		t.Errorf("error press answered %v, want a new ephemeral message", resp)
	}

	// On a message others can read, the reply is a new ephemeral message.
	_, resp = e.post(componentInteraction("1800000000000000052", paraDiscord, "undo:42", false))
	if resp["type"] != float64(4) || flags(data(t, resp)) != 64 {
		t.Errorf("press on a public message answered %v, want a new ephemeral message", resp)
	}

	// A press by someone not on the roster does nothing.
	before := runs.Load()
	_, resp = e.post(componentInteraction("1800000000000000053", otherDiscord, "undo:42", true))
	if resp["type"] != float64(4) || !strings.Contains(data(t, resp)["content"].(string), "not on parabot's roster") {
		t.Errorf("stranger's press answered %v", resp)
	}
	if runs.Load() != before {
		t.Errorf("a stranger's press ran the action")
	}

	// A replayed press acts once.
	before = runs.Load()
	e.post(componentInteraction("1800000000000000050", paraDiscord, "undo:42", true))
	if runs.Load() != before {
		t.Errorf("a replayed press ran the action again")
	}
}

func TestDeferredResponse(t *testing.T) {
	t.Parallel()
	release := make(chan struct{})
	var runs atomic.Int64
	e := newEnv(t, newStore(t), testCommands(&runs, release))
	e.adapter.deferAfter = time.Millisecond // the command blocks until released

	_, resp := e.post(commandInteraction("1800000000000000060", paraDiscord, "slow"))
	if resp["type"] != float64(5) || flags(data(t, resp)) != 64 {
		t.Fatalf("response %v, want type 5 (deferred) with flags 64", resp)
	}
	if n := len(e.discord.Requests("PATCH")); n != 0 {
		t.Fatalf("original response edited before the work was done")
	}
	release <- struct{}{}
	edit := e.discord.Wait("PATCH /webhooks/" + testAppID + "/interaction-token-1800000000000000060/messages/@original")
	m := edit.JSON(t)
	if m["content"] != "Finally done." {
		t.Errorf("edit content %v", m["content"])
	}
	if ids := customIDs(m); len(ids) != 1 || ids[0] != "again:1" {
		t.Errorf("edit buttons %v", ids)
	}
	if edit.Auth != "" {
		t.Errorf("webhook edit sent the bot token")
	}

	// A slow press on our ephemeral message defers as an update.
	_, resp = e.post(componentInteraction("1800000000000000061", paraDiscord, "again:1", true))
	if resp["type"] != float64(6) {
		t.Fatalf("press response %v, want type 6 (deferred update)", resp)
	}
	release <- struct{}{}
	if m := e.discord.Wait("PATCH /webhooks/" + testAppID + "/interaction-token-1800000000000000061/messages/@original").JSON(t); m["content"] != "Done again." {
		t.Errorf("press edit %v", m)
	}

	// A slow press that fails adds an ephemeral follow-up instead.
	_, resp = e.post(componentInteraction("1800000000000000062", paraDiscord, "again:fail", true))
	if resp["type"] != float64(6) {
		t.Fatalf("press response %v, want type 6", resp)
	}
	release <- struct{}{}
	f := e.discord.Wait("POST /webhooks/" + testAppID + "/interaction-token-1800000000000000062").JSON(t)
	if f["content"] != "Not again." || flags(f) != 64 {
		t.Errorf("follow-up %v, want the error, ephemeral", f)
	}
	checkLogs(t, e.logs, "interaction-token-")
}

// A modal submission as Discord's current docs show it: inputs wrapped in
// Label components (type 18), which discordgo v0.29.0 cannot decode, and a
// component of a type nobody knows yet.
func TestModalSubmitWithUnknownComponents(t *testing.T) {
	t.Parallel()
	e := newEnv(t, newStore(t), testCommands(new(atomic.Int64), nil))
	in := commandInteraction("1800000000000000071", paraDiscord, "log")
	in["type"] = 5
	in["data"] = map[string]any{"custom_id": "modal:log", "components": []any{
		map[string]any{"type": 18, "id": 1, "component": map[string]any{"type": 4, "id": 2, "custom_id": "student", "value": "S101"}},
		map[string]any{"type": 99, "id": 3},
		map[string]any{"type": 1, "components": []any{map[string]any{"type": 4, "custom_id": "note", "value": "x"}}},
	}}
	status, resp := e.post(in)
	if status != http.StatusOK {
		t.Fatalf("status %d, want 200 and the usual refusal", status)
	}
	if text := data(t, resp)["content"].(string); !strings.Contains(text, "That form is not one parabot knows") {
		t.Errorf("modal submit answered %q", text)
	}
	got, err := decodeInteraction(mustJSON(t, in))
	if err != nil {
		t.Fatal(err)
	}
	rows := got.ModalSubmitData().Components
	if len(rows) != 2 {
		t.Fatalf("%d components kept, want the label's input and the row", len(rows))
	}
	row, ok := rows[0].(*discordgo.ActionsRow)
	if !ok || len(row.Components) != 1 || row.Components[0].(*discordgo.TextInput).Value != "S101" {
		t.Errorf("the label's input was not kept: %#v", rows[0])
	}
}

func mustJSON(t *testing.T, v any) []byte {
	t.Helper()
	b, err := json.Marshal(v)
	if err != nil {
		t.Fatal(err)
	}
	return b
}

func TestUnknownCommand(t *testing.T) {
	t.Parallel()
	e := newEnv(t, newStore(t), testCommands(new(atomic.Int64), nil))
	_, resp := e.post(commandInteraction("1800000000000000070", paraDiscord, "dance"))
	if text := data(t, resp)["content"].(string); !strings.Contains(text, "There is no /dance") {
		t.Errorf("unknown command answered %q", text)
	}
}

func TestInteractionFromDM(t *testing.T) {
	t.Parallel()
	e := newEnv(t, newStore(t), testCommands(new(atomic.Int64), nil))
	in := commandInteraction("1800000000000000080", paraDiscord, "log",
		opt("student", 3, "ava"), opt("goal", 3, "1"), opt("trials", 3, "++"))
	delete(in, "member")
	delete(in, "guild_id")
	in["user"] = map[string]any{"id": paraDiscord, "username": "para"}
	_, resp := e.post(in)
	if text := data(t, resp)["content"].(string); !strings.HasPrefix(text, "Logged 2 trials of G1") {
		t.Errorf("DM command answered %q", text)
	}
}

// FuzzInteraction feeds signed bodies of any shape to the endpoint: it
// must answer, never panic.
func FuzzInteraction(f *testing.F) {
	for _, in := range []map[string]any{
		commandInteraction("1", paraDiscord, "log", opt("student", 3, "S101"), opt("count", 4, 2.5), opt("ok", 5, "maybe")),
		autocompleteInteraction("2", paraDiscord, "log", focused("goal", "g")),
		componentInteraction("3", paraDiscord, "undo:42", true),
		{"id": "4", "type": 5, "token": "t", "data": map[string]any{"custom_id": "x", "components": []any{}}},
		{"id": "5", "type": 3, "token": "t", "member": member(paraDiscord)},
		{"id": "6", "type": 2, "token": "t", "user": map[string]any{"id": paraDiscord}, "data": nil},
	} {
		b, _ := json.Marshal(in)
		f.Add(b)
	}
	f.Add([]byte(`{"type":2,"data":{"options":[{"name":"student","type":1,"options":[{"name":"x","value":[1,2]}]}]}}`))
	f.Add([]byte(`null`))
	// One database and adapter for every input: building them per input
	// slowed fuzzing to about one input a second. Not "slow": that command
	// waits for a release no fuzz input sends.
	e := newEnv(f, newStore(f), testCommands(new(atomic.Int64), nil)[:1])
	f.Fuzz(func(t *testing.T, body []byte) {
		rec := httptest.NewRecorder()
		e.mux.ServeHTTP(rec, signed(t, e.priv, e.now, body))
		if rec.Code != http.StatusOK && rec.Code != http.StatusBadRequest && rec.Code != http.StatusRequestEntityTooLarge {
			t.Fatalf("status %d for a signed body", rec.Code)
		}
	})
}

func TestNewChecksConfig(t *testing.T) {
	t.Parallel()
	pub, _ := keys(t)
	store := newStore(t)
	router := bot.NewRouter(store, slog.New(slog.DiscardHandler), time.Now, nil)
	good := Config{AppID: testAppID, PublicKey: hex.EncodeToString(pub), Router: router, Store: store}
	tests := []struct {
		name   string
		change func(c *Config)
		ok     bool
	}{
		{"public key only", func(c *Config) {}, true},
		{"token only", func(c *Config) { c.PublicKey, c.BotToken = "", "x" }, true},
		{"neither", func(c *Config) { c.PublicKey = "" }, false},
		{"no app id", func(c *Config) { c.AppID = "" }, false},
		{"short key", func(c *Config) { c.PublicKey = "abcd" }, false},
		{"key not hex", func(c *Config) { c.PublicKey = strings.Repeat("z", 64) }, false},
		{"no router", func(c *Config) { c.Router = nil }, false},
		{"no store", func(c *Config) { c.Store = nil }, false},
		{"api url without scheme", func(c *Config) { c.APIURL = "discord.com/api" }, false},
		{"app id not a number", func(c *Config) { c.AppID = "../x" }, false},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			c := good
			tt.change(&c)
			_, err := New(c)
			if (err == nil) != tt.ok {
				t.Errorf("New: %v, want ok=%t", err, tt.ok)
			}
		})
	}
}

func TestPanickingCommand(t *testing.T) {
	t.Parallel()
	cmds := append(testCommands(new(atomic.Int64), nil), &bot.Command{Name: "boom",
		Run: func(context.Context, *bot.Call) (bot.Reply, error) { panic("index out of range") }})
	e := newEnv(t, newStore(t), cmds)
	_, resp := e.post(commandInteraction("1800000000000000090", paraDiscord, "boom"))
	if d := data(t, resp); d["content"] != bot.SomethingWentWrong || flags(d) != 64 {
		t.Errorf("panicking command answered %v", d)
	}
}

// unreachableStore is a store whose database stopped answering.
type unreachableStore struct{ storage.Store }

func (unreachableStore) Claim(context.Context, string, time.Time) (bool, error) {
	return false, fmt.Errorf("claiming: %w", &net.OpError{Op: "dial", Net: "tcp", Err: syscall.ECONNREFUSED})
}

// With the database down, the user is told to try again, not that
// something went wrong.
func TestDatabaseDownSaysTryAgain(t *testing.T) {
	t.Parallel()
	e := newEnv(t, unreachableStore{newStore(t)}, testCommands(new(atomic.Int64), nil))
	_, resp := e.post(commandInteraction("1800000000000000090", paraDiscord, "log", opt("student", 3, "S101"), opt("goal", 3, "G1"), opt("trials", 3, "+")))
	if text := data(t, resp)["content"].(string); text != bot.TryAgain {
		t.Errorf("answered %q, want %q", text, bot.TryAgain)
	}
}

// TestPressOpensForm presses a button whose reply asks for a form (a
// data reminder's student button): the answer is a modal of the command
// with the student filled in, and submitting it runs the command.
func TestPressOpensForm(t *testing.T) {
	t.Parallel()
	var runs atomic.Int64
	cmds := testCommands(&runs, nil)
	cmds[0].Buttons = append(cmds[0].Buttons, bot.ButtonAction{Action: "open_log", Run: func(_ context.Context, c *bot.PressCall) (bot.Reply, error) {
		return bot.Reply{Text: "Type /log " + c.Press.Value + " G1 + + v - +", Form: &bot.Form{Command: "log", Values: map[string]string{"student": c.Press.Value}}}, nil
	}})
	e := newEnv(t, newStore(t), cmds)

	_, resp := e.post(componentInteraction("1800000000000000080", paraDiscord, "open_log:S101", false))
	if resp["type"] != float64(9) {
		t.Fatalf("response type %v, want 9 (MODAL): %v", resp["type"], resp)
	}
	d := data(t, resp)
	if d["custom_id"] != "form:log" || d["title"] != "/log" {
		t.Errorf("modal custom_id %v, title %v", d["custom_id"], d["title"])
	}
	rows := d["components"].([]any)
	values := map[string]any{}
	var order []string
	for _, r := range rows {
		in := r.(map[string]any)["components"].([]any)[0].(map[string]any)
		if in["type"] != float64(4) {
			t.Errorf("row holds %v, want a text input", in)
		}
		order = append(order, in["custom_id"].(string))
		values[in["custom_id"].(string)] = in["value"]
	}
	if strings.Join(order, ",") != "student,note,goal,trials,prompt" {
		t.Errorf("fields %v, want the required ones and the first optional ones, 5 at most, in the command's order", order)
	}
	if values["student"] != "S101" || values["goal"] != nil {
		t.Errorf("values %v, want the student filled in and nothing else", values)
	}
	if runs.Load() != 0 {
		t.Errorf("opening the form ran the command")
	}

	submit := componentInteraction("1800000000000000081", paraDiscord, "", false)
	delete(submit, "message")
	submit["type"] = 5
	field := func(id, v string) map[string]any {
		return map[string]any{"type": 1, "components": []any{map[string]any{"type": 4, "custom_id": id, "value": v}}}
	}
	submit["data"] = map[string]any{"custom_id": "form:log", "components": []any{
		field("student", "S101"), field("note", ""), field("goal", "G1"), field("trials", "+ + -"), field("prompt", "")}}
	_, resp = e.post(submit)
	if resp["type"] != float64(4) || flags(data(t, resp)) != 64 {
		t.Fatalf("submission answered %v, want a new ephemeral message", resp)
	}
	if text := data(t, resp)["content"].(string); !strings.HasPrefix(text, "Logged 3 trials of G1 for") || runs.Load() != 1 {
		t.Errorf("submission answered %q after %d runs", text, runs.Load())
	}
}

// TestPressFormAsks: a form that asks for an optional parameter (a
// pickup's handoff) holds it among the required ones, marked required,
// however late the command declares it.
func TestPressFormAsks(t *testing.T) {
	t.Parallel()
	var runs atomic.Int64
	cmds := testCommands(&runs, nil)
	cmds[0].Buttons = append(cmds[0].Buttons, bot.ButtonAction{Action: "open_log", Run: func(_ context.Context, c *bot.PressCall) (bot.Reply, error) {
		return bot.Reply{Text: "Type /log " + c.Press.Value + " G1 + tried=<what>", Form: &bot.Form{Command: "log", Values: map[string]string{"student": c.Press.Value}, Ask: []string{"tried"}}}, nil
	}})
	e := newEnv(t, newStore(t), cmds)
	_, resp := e.post(componentInteraction("1800000000000000082", paraDiscord, "open_log:S101", false))
	if resp["type"] != float64(9) {
		t.Fatalf("response type %v, want 9 (MODAL): %v", resp["type"], resp)
	}
	var order []string
	required := map[string]any{}
	for _, r := range data(t, resp)["components"].([]any) {
		in := r.(map[string]any)["components"].([]any)[0].(map[string]any)
		order = append(order, in["custom_id"].(string))
		required[in["custom_id"].(string)] = in["required"]
	}
	if strings.Join(order, ",") != "student,note,goal,trials,tried" || required["tried"] != true || required["note"] == true {
		t.Errorf("fields %v, required %v; want the asked one with the required ones, marked required, then the first optional one", order, required)
	}
}
