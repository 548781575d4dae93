package main

import (
	"bytes"
	"context"
	"crypto/ed25519"
	"encoding/hex"
	"encoding/json"
	"fmt"
	"io"
	"net/http"
	"net/http/httptest"
	"net/url"
	"path/filepath"
	"reflect"
	"strconv"
	"strings"
	"testing"
	"time"

	"parabot/bot"
	"parabot/bot/shell"
	"parabot/bot/slack"
	"parabot/config"
	"parabot/roster"
	"parabot/storage"
)

// scenario is one para's morning, as typed: the same lines go through
// every adapter.
var scenario = []string{
	"/trial S101 G1 + + v - + at=2026-11-24 10:00",
	"/incident S102 threw a pencil at a peer antecedent=asked to start math consequence=break in calm corner severity=2 duration=4m setting=classroom strategies=break, first-then at=2026-11-24 10:30",
	"/transition S101 class bus prompt=v latency=30s handoff=driver Mr. Diaz, bus 12 at=2026-11-24 15:10",
	"/note S102 Finished all his math today!",
	"/trial S103 G1 +v,-,0 at=2026-11-24 11:00",
}

const (
	leeSlack   = "U0LEE"
	leeDiscord = "100000000000000001"
	slackKey   = "8f742231b10e8888abcd99yyyzzz85a5"
	discordApp = "200000000000000002"
)

// platformEnv is parabot serve with Slack and Discord configured against
// local fakes that accept every Web API call.
type platformEnv struct {
	srv     *server
	http    *httptest.Server
	priv    ed25519.PrivateKey
	fakeAPI *httptest.Server
}

func newPlatformEnv(t *testing.T) *platformEnv {
	t.Helper()
	fake := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		io.Copy(io.Discard, r.Body)
		w.Header().Set("Content-Type", "application/json")
		if strings.Contains(r.URL.Path, "/webhooks/") || strings.Contains(r.URL.Path, "/interactions/") {
			fmt.Fprint(w, `{"id":"1","channel_id":"1","content":""}`)
			return
		}
		fmt.Fprint(w, `{"ok":true,"channel":{"id":"D1"},"ts":"1.1"}`)
	}))
	t.Cleanup(fake.Close)
	pub, priv, err := ed25519.GenerateKey(nil)
	if err != nil {
		t.Fatal(err)
	}
	cfg, err := config.Load(env(map[string]string{
		"PARABOT_DATABASE_URL": filepath.Join(t.TempDir(), "parabot.db"),
		"SLACK_BOT_TOKEN":      "xoxb-test", "SLACK_SIGNING_SECRET": slackKey, "SLACK_API_URL": fake.URL + "/api/",
		"DISCORD_BOT_TOKEN": "test-token", "DISCORD_APP_ID": discordApp,
		"DISCORD_PUBLIC_KEY": hex.EncodeToString(pub), "DISCORD_API_URL": fake.URL + "/api/v10",
	}))
	if err != nil {
		t.Fatal(err)
	}
	srv, err := newServer(context.Background(), cfg, newLogger(io.Discard, "error"))
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { srv.store.Close() })
	seed(t, srv.store)
	e := &platformEnv{srv: srv, http: httptest.NewServer(srv.mux), priv: priv, fakeAPI: fake}
	t.Cleanup(e.http.Close)
	return e
}

// seed imports the demo school and links lee's Slack and Discord ids.
func seed(t *testing.T, store storage.Store) {
	t.Helper()
	ctx := context.Background()
	if _, err := roster.Import(ctx, store, roster.Demo()); err != nil {
		t.Fatal(err)
	}
	lee, err := store.StaffByIdentity(ctx, storage.PlatformShell, "lee")
	if err != nil {
		t.Fatal(err)
	}
	for p, id := range map[storage.Platform]string{storage.PlatformSlack: leeSlack, storage.PlatformDiscord: leeDiscord} {
		if err := store.LinkIdentity(ctx, storage.Identity{StaffID: lee.ID, Platform: p, UserID: id}); err != nil {
			t.Fatal(err)
		}
	}
}

func (e *platformEnv) slash(t *testing.T, line string) string {
	t.Helper()
	name, text, _ := strings.Cut(strings.TrimPrefix(line, "/"), " ")
	form := url.Values{
		"team_id": {"T1"}, "channel_id": {"C1"}, "user_id": {leeSlack}, "command": {"/" + name},
		"text": {text}, "response_url": {e.fakeAPI.URL + "/response"}, "trigger_id": {"T" + strconv.FormatInt(time.Now().UnixNano(), 10)}, // new for every command, as Slack makes it
	}
	body := []byte(form.Encode())
	ts := strconv.FormatInt(time.Now().Unix(), 10)
	req, _ := http.NewRequest("POST", e.http.URL+"/slack/commands", bytes.NewReader(body))
	req.Header.Set("Content-Type", "application/x-www-form-urlencoded")
	req.Header.Set("X-Slack-Request-Timestamp", ts)
	req.Header.Set("X-Slack-Signature", slack.Sign(slackKey, ts, body))
	return do(t, req)
}

func (e *platformEnv) discordCommand(t *testing.T, n int, line string) string {
	t.Helper()
	name, text, _ := strings.Cut(strings.TrimPrefix(line, "/"), " ")
	cmd, ok := e.srv.router.Command(name)
	if !ok {
		t.Fatalf("no command %s", name)
	}
	raw, err := bot.Raw(cmd, text)
	if err != nil {
		t.Fatal(err)
	}
	// Options as Discord sends them: typed by the registered option type.
	var opts []map[string]any
	for _, p := range cmd.Params {
		v, ok := raw[p.Name]
		if !ok {
			continue
		}
		switch p.Kind {
		case bot.KindInt:
			i, _ := strconv.Atoi(v)
			opts = append(opts, map[string]any{"name": p.Name, "type": 4, "value": i})
		case bot.KindBool:
			opts = append(opts, map[string]any{"name": p.Name, "type": 5, "value": v == "yes"})
		default:
			opts = append(opts, map[string]any{"name": p.Name, "type": 3, "value": v})
		}
	}
	body, _ := json.Marshal(map[string]any{
		"id": fmt.Sprintf("30000000000000000%d", n), "application_id": discordApp, "type": 2, "token": "tok" + strconv.Itoa(n),
		"version": 1, "channel_id": "400000000000000004",
		"user": map[string]any{"id": leeDiscord, "username": "jlee"},
		"data": map[string]any{"id": "500000000000000005", "name": name, "type": 1, "options": opts},
	})
	ts := strconv.FormatInt(time.Now().Unix(), 10)
	req, _ := http.NewRequest("POST", e.http.URL+"/discord/interactions", bytes.NewReader(body))
	req.Header.Set("Content-Type", "application/json")
	req.Header.Set("X-Signature-Ed25519", hex.EncodeToString(ed25519.Sign(e.priv, append([]byte(ts), body...))))
	req.Header.Set("X-Signature-Timestamp", ts)
	return do(t, req)
}

func mustGet(t *testing.T, url string) *http.Request {
	t.Helper()
	req, err := http.NewRequest("GET", url, nil)
	if err != nil {
		t.Fatal(err)
	}
	return req
}

func do(t *testing.T, req *http.Request) string {
	t.Helper()
	resp, err := (&http.Client{Timeout: 10 * time.Second}).Do(req)
	if err != nil {
		t.Fatal(err)
	}
	defer resp.Body.Close()
	b, _ := io.ReadAll(resp.Body)
	if resp.StatusCode != 200 {
		t.Fatalf("%s: %d %s", req.URL.Path, resp.StatusCode, b)
	}
	return string(b)
}

// records is every record of the demo school's first students, with the
// ids and the note's own logging time (now, not typed) left out.
func records(t *testing.T, store storage.Store) map[string]any {
	t.Helper()
	ctx := context.Background()
	out := map[string]any{}
	for _, code := range []string{"S101", "S102", "S103"} {
		var st storage.Student
		schools, _ := store.Schools(ctx)
		all, _ := store.Students(ctx, schools[0].ID)
		for _, s := range all {
			if s.Code == code {
				st = s
			}
		}
		f := storage.Filter{StudentID: st.ID, IncludeInactive: true}
		trials, err1 := store.Trials(ctx, f)
		incidents, err2 := store.Incidents(ctx, f)
		transitions, err3 := store.Transitions(ctx, f)
		notes, err4 := store.Notes(ctx, f)
		for _, err := range []error{err1, err2, err3, err4} {
			if err != nil {
				t.Fatal(err)
			}
		}
		for i := range trials {
			trials[i].ID, trials[i].EntryID = 0, 0
		}
		for i := range incidents {
			incidents[i].ID, incidents[i].EntryID = 0, 0
		}
		for i := range transitions {
			transitions[i].ID, transitions[i].EntryID = 0, 0
		}
		for i := range notes {
			notes[i].ID, notes[i].EntryID, notes[i].At = 0, 0, time.Time{}
		}
		out[code] = []any{trials, incidents, transitions, notes}
	}
	return out
}

// TestSameRecordsOnEveryAdapter runs one scenario through the terminal,
// Slack and Discord adapters and checks the stored records are identical.
func TestSameRecordsOnEveryAdapter(t *testing.T) {
	// Terminal.
	shellDB := filepath.Join(t.TempDir(), "shell.db")
	cfg, _ := config.Load(env(map[string]string{"PARABOT_DATABASE_URL": shellDB}))
	store, err := openStore(context.Background(), cfg, newLogger(io.Discard, "error"))
	if err != nil {
		t.Fatal(err)
	}
	defer store.Close()
	seed(t, store)
	var out bytes.Buffer
	clock := shell.NewClock(time.Now)
	sh := shell.New(shell.Config{Router: newRouter(store, newLogger(io.Discard, "error"), clock.Now, nil), Store: store, Clock: clock,
		In: strings.NewReader(strings.Join(scenario, "\n") + "\n"), Out: &out, User: "lee", Log: newLogger(io.Discard, "error")})
	if err := sh.Run(context.Background()); err != nil {
		t.Fatal(err)
	}
	if strings.Count(out.String(), "> ok ") != len(scenario) {
		t.Fatalf("terminal transcript:\n%s", out.String())
	}
	want := records(t, store)
	if s101 := want["S101"].([]any); len(s101[0].([]storage.Trial)) != 5 || len(s101[2].([]storage.Transition)) != 1 {
		t.Fatalf("the terminal run stored %+v", s101)
	}

	// Slack.
	se := newPlatformEnv(t)
	for _, line := range scenario {
		if resp := se.slash(t, line); !strings.Contains(resp, "Logged") && !strings.Contains(resp, "sent to") {
			t.Fatalf("Slack %s: %s", line, resp)
		}
	}
	if got := records(t, se.srv.store); !reflect.DeepEqual(got, want) {
		t.Errorf("Slack stored\n%+v\nthe terminal stored\n%+v", got, want)
	}
	se.slash(t, "/dance S101")
	metrics := do(t, mustGet(t, se.http.URL+"/metrics"))
	for _, m := range []string{
		`parabot_commands_total{kind="command",name="trial",platform="slack",result="ok"} 2`,
		`parabot_commands_total{kind="command",name="unknown",platform="slack",result="refused"} 1`,
		`parabot_command_seconds_count{kind="command",platform="slack"} 6`,
	} {
		if !strings.Contains(metrics, m) {
			t.Errorf("/metrics lacks %s", m)
		}
	}

	// Discord.
	de := newPlatformEnv(t)
	for i, line := range scenario {
		de.discordCommand(t, i, line)
	}
	ctx, cancel := context.WithTimeout(context.Background(), 10*time.Second)
	defer cancel()
	for _, d := range de.srv.drain {
		if err := d(ctx); err != nil {
			t.Fatal(err)
		}
	}
	if got := records(t, de.srv.store); !reflect.DeepEqual(got, want) {
		t.Errorf("Discord stored\n%+v\nthe terminal stored\n%+v", got, want)
	}
}
