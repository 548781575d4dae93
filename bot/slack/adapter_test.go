package slack

import (
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"log/slog"
	"net/http"
	"net/url"
	"regexp"
	"strconv"
	"strings"
	"testing"
	"time"

	"parabot/bot"
	"parabot/scheduler"
	"parabot/storage"
	"parabot/storage/storagetest"
)

// engines runs fn against every storage engine.
func engines(t *testing.T, fn func(t *testing.T, store storage.Store)) {
	t.Run("sqlite", func(t *testing.T) { fn(t, storagetest.OpenSQLite(t)) })
	t.Run("postgres", func(t *testing.T) { fn(t, storagetest.OpenPostgres(t)) })

}

func TestSlashCommandWithText(t *testing.T) {
	t.Parallel()
	engines(t, func(t *testing.T, store storage.Store) {
		h := newHarness(t, store)
		status, ans := h.slash(userPara, "/trial", "S101 G2 + + v - +", "r1")
		if status != http.StatusOK || ans == nil {
			t.Fatalf("status %d, answer %v", status, ans)
		}
		if ans["response_type"] != "ephemeral" {
			t.Errorf("answer is not ephemeral: %v", ans)
		}
		text := blockText(ans["blocks"])
		if !strings.Contains(text, "Logged for Ava B. (S101) — G2 Identifies coins by name: 5 trials") {
			t.Errorf("confirmation = %q", text)
		}
		undo := buttonOf(t, ans["blocks"], "Undo")
		e, err := store.LastEntry(context.Background(), h.staff("jrivera"))
		if err != nil {
			t.Fatalf("nothing stored: %v", err)
		}
		if undo["value"] != strconv.FormatInt(e.ID, 10) || e.Kind != storage.EntryTrials || !e.Active {
			t.Errorf("entry %+v, undo button %v", e, undo)
		}
		if got := h.slack.responsesTo("r1"); len(got) != 0 {
			t.Errorf("answered twice: %v", got)
		}
	})
}

func TestSlashUmbrella(t *testing.T) {
	t.Parallel()
	h := newHarness(t, storagetest.OpenSQLite(t))
	_, ans := h.slash(userPara, "/para", "trial S102 G1 + -", "r1")
	if text := blockText(ans["blocks"]); !strings.Contains(text, "Logged for Caleb D. (S102) — G1 Takes turns in a structured game: 2 trials") {
		t.Errorf("/para trial answered %q", text)
	}
	for _, text := range []string{"help", ""} {
		_, ans = h.slash(userPara, "/para", text, "r2")
		got := blockText(ans["blocks"])
		if !strings.Contains(got, "/trial") || !strings.Contains(got, "/undo") || !strings.Contains(got, "/para help") {
			t.Errorf("/para %s answered %q", text, got)
		}
		// Slack has no /help: help names it as Slack users type it.
		if regexp.MustCompile(`(^|[^a]) ?/help`).MatchString(strings.ReplaceAll(got, "/para help", "")) {
			t.Errorf("/para %s names /help, which Slack does not have: %q", text, got)
		}
	}
	_, ans = h.slash(userPara, "/para", "help help", "r3")
	if got := blockText(ans["blocks"]); !strings.Contains(got, "Usage: /para help [&lt;command&gt;]") || !strings.Contains(got, "/para help incident") {
		t.Errorf("/para help help answered %q", got)
	}
}

func TestSlashCommandRefusals(t *testing.T) {
	t.Parallel()
	h := newHarness(t, storagetest.OpenSQLite(t))
	tests := []struct {
		name, user, cmd, text, want string
	}{
		{"not on caseload", userPara, "/trial", "S103 G1 +", "not on your caseload"},
		{"bad trials", userPara, "/trial", "S101 G2 x y z", "not a trial code"},
		{"unknown user", userUnknown, "/trial", "S101 G2 +", "not on parabot's roster"},
		{"unknown command", userPara, "/para", "frobnicate S101", "There is no /para frobnicate. Commands: /trial, /data, /incident, /transition, /note, /concern, /escalation, /reply, /notified, /debriefed, /undo, /void, /today, /goals, /absent, /dismissal, /progress, /report, /audit, /para help. /para help explains each."},
		{"role", userTeacher, "/note", "S101 great day", "/note is for"},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			_, ans := h.slash(tc.user, tc.cmd, tc.text, "r-"+tc.name)
			if text := blockText(ans["blocks"]); !strings.Contains(text, tc.want) {
				t.Errorf("answer %q, want %q", text, tc.want)
			}
		})
	}
	if _, err := h.store.LastEntry(context.Background(), h.staff("jrivera")); !errors.Is(err, storage.ErrNotFound) {
		t.Errorf("something was stored: %v", err)
	}
	if n := len(h.slack.callsTo("users.info")); n != 1 {
		t.Errorf("users.info called %d times for the unknown user, want 1", n)
	}
}

func TestUnlinkedUserLinkedByEmail(t *testing.T) {
	t.Parallel()
	h := newHarness(t, storagetest.OpenSQLite(t))
	h.slack.setEmail("U0NEWPARA", "Mei.Chen@maple.example")
	_, ans := h.slash("U0NEWPARA", "/trial", "S103 G1 + +", "r1")
	if text := blockText(ans["blocks"]); !strings.Contains(text, "Logged for Emma F. (S103) — G1 Follows a two-step direction: 2 trials") {
		t.Fatalf("answer %q", text)
	}
	st, err := h.store.StaffByIdentity(context.Background(), storage.PlatformSlack, "U0NEWPARA")
	if err != nil || st.Handle != "mchen" {
		t.Fatalf("not linked: %+v, %v", st, err)
	}
	h.slash("U0NEWPARA", "/trial", "S103 G1 -", "r2")
	if n := len(h.slack.callsTo("users.info")); n != 1 {
		t.Errorf("users.info called %d times, want once", n)
	}
}

func TestSlashWithoutTextOpensForm(t *testing.T) {
	t.Parallel()
	engines(t, func(t *testing.T, store storage.Store) {
		h := newHarness(t, store)
		status, ans := h.slash(userPara, "/trial", "", "r1")
		if status != http.StatusOK || ans != nil {
			t.Fatalf("status %d, answer %v; want an empty acknowledgement", status, ans)
		}
		opens := h.slack.callsTo("views.open")
		if len(opens) != 1 {
			t.Fatalf("views.open called %d times", len(opens))
		}
		if opens[0].JSON["trigger_id"] != "T-r1" {
			t.Errorf("trigger_id = %v", opens[0].JSON["trigger_id"])
		}
		view := opens[0].JSON["view"].(map[string]any)
		in := inputsByID(t, view)
		for _, id := range []string{"student", "trials", "at"} {
			if _, ok := in[id]; !ok {
				t.Errorf("no %s field", id)
			}
		}
		opts := in["student"]["element"].(map[string]any)["options"].([]any)
		var codes []string
		for _, o := range opts {
			codes = append(codes, o.(map[string]any)["value"].(string))
		}
		if strings.Join(codes, ",") != "S101,S102" {
			t.Errorf("student choices %v, want the caseload S101,S102", codes)
		}
		if _, err := store.LastEntry(context.Background(), h.staff("jrivera")); !errors.Is(err, storage.ErrNotFound) {
			t.Errorf("opening a form stored something: %v", err)
		}
	})
}

func TestFormForbiddenCommandRefusesInstead(t *testing.T) {
	t.Parallel()
	h := newHarness(t, storagetest.OpenSQLite(t))
	_, ans := h.slash(userTeacher, "/note", "", "r1")
	if text := blockText(ans["blocks"]); !strings.Contains(text, "/note is for") {
		t.Errorf("answer %q", text)
	}
	_, ans = h.slash(userUnknown, "/incident", "", "r2")
	if text := blockText(ans["blocks"]); !strings.Contains(text, "not on parabot's roster") {
		t.Errorf("answer %q", text)
	}
	if n := len(h.slack.callsTo("views.open")); n != 0 {
		t.Errorf("views.open called %d times", n)
	}
}

// formPayload is a view_submission or block_actions payload of the form
// the adapter opened, with the given state.
func formPayload(typ, user string, view map[string]any, state map[string]any, extra map[string]any) map[string]any {
	v := map[string]any{}
	for k, x := range view {
		v[k] = x
	}
	v["id"], v["hash"] = "V0VIEW", "h1"
	v["state"] = map[string]any{"values": state}
	p := map[string]any{"type": typ, "user": map[string]any{"id": user}, "api_app_id": "A0PARABOT",
		"trigger_id": "T-form", "view": v}
	for k, x := range extra {
		p[k] = x
	}
	return p
}

func selected(name, value string) map[string]any {
	return map[string]any{name: map[string]any{"type": "static_select", "selected_option": map[string]any{"value": value}}}
}

func typed(name, value string) map[string]any {
	return map[string]any{name: map[string]any{"type": "plain_text_input", "value": value}}
}

func TestFormFlow(t *testing.T) {
	t.Parallel()
	engines(t, func(t *testing.T, store storage.Store) {
		h := newHarness(t, store)
		ctx := context.Background()
		h.slash(userPara, "/trial", "", "r1")
		view := h.slack.callsTo("views.open")[0].JSON["view"].(map[string]any)

		// Choosing a student redraws the form with that student's goals.
		state := map[string]any{"student": selected("student", "S101"), "trials": typed("trials", "+ +")}
		status, ans := h.interact(formPayload("block_actions", userPara, view, state, map[string]any{
			"container": map[string]any{"type": "view", "view_id": "V0VIEW"},
			"actions": []any{map[string]any{"type": "static_select", "action_id": "student", "block_id": "student",
				"selected_option": map[string]any{"value": "S101"}}},
		}))
		if status != http.StatusOK || ans != nil {
			t.Fatalf("status %d, answer %v", status, ans)
		}
		updates := h.slack.callsTo("views.update")
		if len(updates) != 1 || updates[0].JSON["view_id"] != "V0VIEW" || updates[0].JSON["hash"] != "h1" {
			t.Fatalf("views.update calls: %v", updates)
		}
		view = updates[0].JSON["view"].(map[string]any)
		in := inputsByID(t, view)
		goal, ok := in["goal"]
		if !ok {
			t.Fatal("no goal field after choosing a student")
		}
		if n := len(goal["element"].(map[string]any)["options"].([]any)); n != 2 {
			t.Errorf("%d goal choices, want G1 and G2", n)
		}
		if v := in["trials"]["element"].(map[string]any)["initial_value"]; v != "+ +" {
			t.Errorf("the typed trials were lost: %v", v)
		}

		// A bad value is shown on its field, and nothing is stored.
		state = map[string]any{"student": selected("student", "S101"), "goal": selected("goal", "G2"),
			"trials": typed("trials", "+ x +"), "at": typed("at", "now")}
		status, ans = h.interact(formPayload("view_submission", userPara, view, state, nil))
		if status != http.StatusOK || ans["response_action"] != "errors" {
			t.Fatalf("status %d, answer %v", status, ans)
		}
		errs := ans["errors"].(map[string]any)
		if msg, _ := errs["trials"].(string); !strings.Contains(msg, "not a trial code") || strings.Contains(msg, "Usage:") {
			t.Errorf("errors = %v", errs)
		}
		if _, err := store.LastEntry(ctx, h.staff("jrivera")); !errors.Is(err, storage.ErrNotFound) {
			t.Fatalf("an invalid form stored something: %v", err)
		}

		// A time in the future is refused on its field too.
		state["trials"], state["at"] = typed("trials", "+ v +"), typed("at", "23:00")
		_, ans = h.interact(formPayload("view_submission", userPara, view, state, nil))
		if errs, _ := ans["errors"].(map[string]any); errs == nil || !strings.Contains(fmt.Sprint(errs["at"]), "in the future") {
			t.Errorf("answer = %v", ans)
		}

		// A valid form is saved once and replaced by the confirmation.
		state["at"] = typed("at", "10:15")
		_, ans = h.interact(formPayload("view_submission", userPara, view, state, nil))
		if ans["response_action"] != "update" {
			t.Fatalf("answer = %v", ans)
		}
		result := ans["view"].(map[string]any)
		if text := blockText(result["blocks"]); !strings.Contains(text, "Logged for Ava B. (S101) — G2 Identifies coins by name: 3 trials at 10:15") {
			t.Errorf("confirmation = %q", text)
		}
		undo := buttonOf(t, result["blocks"], "Undo")
		e, err := store.LastEntry(ctx, h.staff("jrivera"))
		if err != nil || strconv.FormatInt(e.ID, 10) != undo["value"] {
			t.Fatalf("entry %+v, %v; undo %v", e, err, undo)
		}

		// Undo from the confirmation updates the view.
		result["id"] = "V0VIEW"
		status, ans = h.interact(map[string]any{"type": "block_actions", "user": map[string]any{"id": userPara},
			"trigger_id": "T-undo", "container": map[string]any{"type": "view", "view_id": "V0VIEW"}, "view": result,
			"actions": []any{map[string]any{"type": "button", "action_id": undo["action_id"], "block_id": "buttons", "value": undo["value"]}}})
		if status != http.StatusOK || ans != nil {
			t.Errorf("status %d, answer %v", status, ans)
		}
		updates = h.slack.callsTo("views.update")
		last := updates[len(updates)-1].JSON["view"].(map[string]any)
		if text := blockText(last["blocks"]); !strings.Contains(text, "Undone: Logged 3 trials") {
			t.Errorf("after undo the view shows %q", text)
		}
		if e, _ := store.Entry(ctx, e.ID); e.Active {
			t.Error("the entry is still active")
		}
	})
}

func TestFormSubmissionErrorOffForm(t *testing.T) {
	t.Parallel()
	h := newHarness(t, storagetest.OpenSQLite(t))
	h.slash(userPara, "/note", "", "r1")
	view := h.slack.callsTo("views.open")[0].JSON["view"].(map[string]any)
	// The para is taken off the roster between opening and saving the form.
	r := storagetest.SampleRoster()
	for i := range r.Staff {
		if r.Staff[i].Handle == "jrivera" {
			r.Staff[i].Active = false
		}
	}
	if _, err := h.store.ImportRoster(context.Background(), r); err != nil {
		t.Fatal(err)
	}
	h.router.Forget()
	state := map[string]any{"student": selected("student", "S101"), "text": typed("text", "Great day")}
	_, ans := h.interact(formPayload("view_submission", userPara, view, state, nil))
	if ans["response_action"] != "update" {
		t.Fatalf("answer = %v", ans)
	}
	v := ans["view"].(map[string]any)
	if text := blockText(v["blocks"]); !strings.Contains(text, "not on parabot's roster") {
		t.Errorf("banner = %q", text)
	}
}

func TestUndoButton(t *testing.T) {
	t.Parallel()
	engines(t, func(t *testing.T, store storage.Store) {
		h := newHarness(t, store)
		ctx := context.Background()
		_, ans := h.slash(userPara, "/trial", "S101 G1 + +", "r1")
		undo := buttonOf(t, ans["blocks"], "Undo")
		id, _ := strconv.ParseInt(undo["value"].(string), 10, 64)

		// Someone else's press is refused, and does not use up the button.
		h.interact(h.pressPayload(userTeacher, undo, "1700000000.000001", "p0"))
		got := h.slack.responsesTo("p0")
		if len(got) != 1 || !strings.Contains(blockText(got[0]["blocks"]), "Only the person who logged") || got[0]["replace_original"] == true {
			t.Fatalf("other user's press answered %v", got)
		}

		// A double click undoes once and answers once.
		status, ans := h.interact(h.pressPayload(userPara, undo, "1700000000.000001", "p1"))
		if status != http.StatusOK || ans != nil {
			t.Fatalf("status %d, answer %v", status, ans)
		}
		h.interact(h.pressPayload(userPara, undo, "1700000000.000001", "p1"))
		got = h.slack.responsesTo("p1")
		if len(got) != 1 {
			t.Fatalf("%d answers to a double click, want 1: %v", len(got), got)
		}
		if got[0]["replace_original"] != true || !strings.Contains(blockText(got[0]["blocks"]), "Undone: Logged 2 trials") {
			t.Errorf("answer = %v", got[0])
		}
		if e, err := store.Entry(ctx, id); err != nil || e.Active {
			t.Errorf("entry %+v, %v: want undone", e, err)
		}

		// On a message others can see, the private reply goes beside it.
		_, ans = h.slash(userPara, "/trial", "S102 G1 -", "r2")
		press := h.pressPayload(userPara, buttonOf(t, ans["blocks"], "Undo"), "1700000000.000002", "p2")
		press["container"].(map[string]any)["is_ephemeral"] = false
		h.interact(press)
		got = h.slack.responsesTo("p2")
		if len(got) != 1 || got[0]["replace_original"] == true || got[0]["response_type"] != "ephemeral" {
			t.Errorf("answer on a shared message = %v", got)
		}
	})
}

func TestLateReplyGoesThroughResponseURL(t *testing.T) {
	t.Parallel()
	release := make(chan struct{})
	slow := &bot.Command{Name: "slow", Summary: "Takes its time.",
		Run: func(ctx context.Context, c *bot.Call) (bot.Reply, error) {
			<-release
			return bot.Reply{Text: "Finally done."}, nil
		}}
	h := newHarness(t, storagetest.OpenSQLite(t), slow)
	h.adapter.ackBudget = 10 * time.Millisecond
	form := url.Values{"user_id": {userPara}, "command": {"/slow"}, "text": {""}, "channel_id": {"C0GENERAL"},
		"response_url": {h.slack.responseURL("late")}, "trigger_id": {"T-late"}}
	body := form.Encode()
	ts := strconv.FormatInt(h.now.Unix(), 10)
	req, _ := http.NewRequest(http.MethodPost, h.srv.URL+"/slack/commands", strings.NewReader(body))
	req.Header.Set("X-Slack-Request-Timestamp", ts)
	req.Header.Set("X-Slack-Signature", Sign(testSecret, ts, []byte(body)))
	resp, err := h.srv.Client().Do(req)
	if err != nil {
		t.Fatal(err)
	}
	resp.Body.Close()
	if resp.StatusCode != http.StatusOK || resp.ContentLength > 0 {
		t.Fatalf("acknowledgement: %d, %d bytes", resp.StatusCode, resp.ContentLength)
	}
	if got := h.slack.responsesTo("late"); len(got) != 0 {
		t.Fatalf("answered before the command finished: %v", got)
	}
	close(release)
	h.settle()
	got := h.slack.responsesTo("late")
	if len(got) != 1 || !strings.Contains(blockText(got[0]["blocks"]), "Finally done.") || got[0]["response_type"] != "ephemeral" {
		t.Fatalf("late answer = %v", got)
	}
}

func TestRequestsRefused(t *testing.T) {
	t.Parallel()
	h := newHarness(t, storagetest.OpenSQLite(t))
	form := url.Values{"user_id": {userPara}, "command": {"/trial"}, "text": {"S101 G1 +"},
		"response_url": {h.slack.responseURL("x")}}.Encode()
	now := strconv.FormatInt(h.now.Unix(), 10)
	stale := strconv.FormatInt(h.now.Add(-6*time.Minute).Unix(), 10)
	tests := []struct {
		name, path, body, ts, sig string
	}{
		{"bad signature", "/slack/commands", form, now, Sign("wrong-secret", now, []byte(form))},
		{"no signature", "/slack/commands", form, now, ""},
		{"stale timestamp", "/slack/commands", form, stale, Sign(testSecret, stale, []byte(form))},
		{"bad signature on interactions", "/slack/interactions", "payload={}", now, "v0=00"},
		{"bad signature on events", "/slack/events", `{"type":"url_verification","challenge":"x"}`, now, "v0=00"},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			status, body := h.postSigned(tc.path, "application/x-www-form-urlencoded", tc.body, tc.ts, tc.sig)
			if status != http.StatusUnauthorized {
				t.Errorf("status %d, want 401", status)
			}
			if strings.Contains(string(body), "challenge") || strings.Contains(string(body), "Logged") {
				t.Errorf("body %q", body)
			}
		})
	}
	if _, err := h.store.LastEntry(context.Background(), h.staff("jrivera")); !errors.Is(err, storage.ErrNotFound) {
		t.Errorf("a refused request stored something: %v", err)
	}
	if n := h.slack.count(); n != 0 {
		t.Errorf("a refused request called Slack %d times", n)
	}
}

// trialCount is how many active trials a student of the sample roster has.
func (h *harness) trialCount(code string) int {
	h.t.Helper()
	ctx := context.Background()
	students, err := h.store.Caseload(ctx, h.staff("tlopez"))
	if err != nil {
		h.t.Fatal(err)
	}
	for _, s := range students {
		if s.Code == code {
			trials, err := h.store.Trials(ctx, storage.Filter{StudentID: s.ID})
			if err != nil {
				h.t.Fatal(err)
			}
			return len(trials)
		}
	}
	h.t.Fatalf("no student %s", code)
	return 0
}

func TestOversizedBodyIs413(t *testing.T) {
	t.Parallel()
	logs := &syncBuffer{}
	h := newHarnessLog(t, storagetest.OpenSQLite(t), slog.New(slog.NewTextHandler(logs, nil)))
	form := url.Values{"user_id": {userPara}, "command": {"/note"}, "text": {"S101 " + strings.Repeat("a", 10<<20)}}.Encode()
	now := strconv.FormatInt(h.now.Unix(), 10)
	for _, path := range []string{"/slack/commands", "/slack/interactions", "/slack/events"} {
		status, _ := h.postSigned(path, "application/x-www-form-urlencoded", form, now, Sign(testSecret, now, []byte(form)))
		if status != http.StatusRequestEntityTooLarge {
			t.Errorf("%s: status %d for a 10 MB body, want 413", path, status)
		}
	}
	if !strings.Contains(logs.String(), "body too large") || strings.Contains(logs.String(), "signature") {
		t.Errorf("log does not say too large:\n%s", logs.String())
	}
	if _, err := h.store.LastEntry(context.Background(), h.staff("jrivera")); !errors.Is(err, storage.ErrNotFound) {
		t.Errorf("an oversized request stored something: %v", err)
	}
}

// Slack checks the certificate with an unsigned form post.
func TestSSLCheckAnswered(t *testing.T) {
	t.Parallel()
	h := newHarness(t, storagetest.OpenSQLite(t))
	req, err := http.NewRequest(http.MethodPost, h.srv.URL+"/slack/commands", strings.NewReader("ssl_check=1&token=legacy-verification-token"))
	if err != nil {
		t.Fatal(err)
	}
	req.Header.Set("Content-Type", "application/x-www-form-urlencoded")
	resp, err := h.srv.Client().Do(req)
	if err != nil {
		t.Fatal(err)
	}
	resp.Body.Close()
	if resp.StatusCode != http.StatusOK {
		t.Errorf("ssl_check answered %d, want 200", resp.StatusCode)
	}
	if n := h.slack.count(); n != 0 {
		t.Errorf("ssl_check called Slack %d times", n)
	}
	// Only ssl_check goes unsigned: the same post with a command is refused.
	status, _ := h.postSigned("/slack/commands", "application/x-www-form-urlencoded",
		url.Values{"user_id": {userPara}, "command": {"/trial"}, "text": {"S101 G1 +"}}.Encode(), "", "")
	if status != http.StatusUnauthorized {
		t.Errorf("an unsigned command answered %d, want 401", status)
	}
}

// The same command signed again later (a new timestamp and signature)
// is still the same command: its trigger_id says so.
func TestResignedSlashCommandActsOnce(t *testing.T) {
	t.Parallel()
	engines(t, func(t *testing.T, store storage.Store) {
		h := newHarness(t, store)
		h.slash(userPara, "/trial", "S101 G2 + +", "r1")
		h.now = h.now.Add(time.Minute)
		_, ans := h.slash(userPara, "/trial", "S101 G2 + +", "r1")
		if !strings.Contains(blockText(ans["blocks"]), AlreadyHandled) {
			t.Errorf("re-signed command answered %v", ans)
		}
		if n := h.trialCount("S101"); n != 2 {
			t.Errorf("%d trials stored, want the 2 of one command", n)
		}
	})
}

// The same form submission signed again later is still the same
// submission: the view's id and hash say so.
func TestResignedFormSubmissionActsOnce(t *testing.T) {
	t.Parallel()
	engines(t, func(t *testing.T, store storage.Store) {
		h := newHarness(t, store)
		h.slash(userPara, "/trial", "", "r1")
		view := h.slack.callsTo("views.open")[0].JSON["view"].(map[string]any)
		state := map[string]any{"student": selected("student", "S101"), "goal": selected("goal", "G2"),
			"trials": typed("trials", "+ v +"), "at": typed("at", "10:15")}
		payload := formPayload("view_submission", userPara, view, state, nil)
		h.interact(payload)
		h.now = h.now.Add(time.Minute)
		h.interact(payload)
		if n := h.trialCount("S101"); n != 3 {
			t.Errorf("%d trials stored, want the 3 of one submission", n)
		}
	})
}

func TestReplayedSlashCommandActsOnce(t *testing.T) {
	t.Parallel()
	engines(t, func(t *testing.T, store storage.Store) {
		h := newHarness(t, store)
		_, ans := h.slash(userPara, "/trial", "S101 G2 + +", "r1")
		if text := blockText(ans["blocks"]); !strings.Contains(text, "2 trials, 2 correct") {
			t.Fatalf("first answer %q", text)
		}
		calls := h.slack.count()
		// The same signed request again (same timestamp, same signature).
		status, ans := h.slash(userPara, "/trial", "S101 G2 + +", "r1")
		if status != http.StatusOK || ans["response_type"] != "ephemeral" || !strings.Contains(blockText(ans["blocks"]), AlreadyHandled) {
			t.Errorf("replay answered %d %v", status, ans)
		}
		if n := h.trialCount("S101"); n != 2 {
			t.Errorf("%d trials stored, want the 2 of one request", n)
		}
		if n := h.slack.count(); n != calls {
			t.Errorf("the replay called Slack %d times", n-calls)
		}
		if got := h.slack.responsesTo("r1"); len(got) != 0 {
			t.Errorf("the replay answered through response_url: %v", got)
		}
		// A second, genuine request a second later is not a replay (the
		// same values so soon are a likely duplicate: it says again=yes).
		h.now = h.now.Add(time.Second)
		if _, ans := h.slash(userPara, "/trial", "S101 G2 + + again=yes", "r2"); !strings.Contains(blockText(ans["blocks"]), "2 trials, 2 correct") {
			t.Errorf("a new request answered %v", ans)
		}
		if n := h.trialCount("S101"); n != 4 {
			t.Errorf("%d trials stored, want 4", n)
		}
	})
}

func TestReplayedFormSubmissionActsOnce(t *testing.T) {
	t.Parallel()
	engines(t, func(t *testing.T, store storage.Store) {
		h := newHarness(t, store)
		h.slash(userPara, "/trial", "", "r1")
		view := h.slack.callsTo("views.open")[0].JSON["view"].(map[string]any)
		state := map[string]any{"student": selected("student", "S101"), "goal": selected("goal", "G2"),
			"trials": typed("trials", "+ v +"), "at": typed("at", "10:15")}
		payload := formPayload("view_submission", userPara, view, state, nil)
		if _, ans := h.interact(payload); ans["response_action"] != "update" {
			t.Fatalf("first answer %v", ans)
		}
		calls := h.slack.count()
		status, ans := h.interact(payload)
		if b, _ := json.Marshal(ans); status != http.StatusOK || !strings.Contains(string(b), AlreadyHandled) {
			t.Errorf("replay answered %d %v, want the form saying %q", status, ans, AlreadyHandled)
		}
		if n := h.trialCount("S101"); n != 3 {
			t.Errorf("%d trials stored, want the 3 of one submission", n)
		}
		if n := h.slack.count(); n != calls {
			t.Errorf("the replay called Slack %d times", n-calls)
		}
	})
}

// addNewcomer adds a para with a Slack id and nobody assigned to them.
func (h *harness) addNewcomer(slackID string) {
	h.t.Helper()
	r := storagetest.SampleRoster()
	r.Staff = append(r.Staff, storage.RosterStaff{School: storagetest.SampleSchool, Handle: "nnew", Name: "Nia New",
		Email: "nia.new@maple.example", Role: storage.RolePara, SlackID: slackID, Active: true})
	if _, err := h.store.ImportRoster(context.Background(), r); err != nil {
		h.t.Fatal(err)
	}
	h.router.Forget()
}

func TestEmptyCaseloadAnswersInsteadOfForm(t *testing.T) {
	t.Parallel()
	h := newHarness(t, storagetest.OpenSQLite(t))
	h.addNewcomer("U0NEWBIE")
	for _, cmd := range []string{"/trial", "/note", "/incident"} {
		id := "r-" + strings.TrimPrefix(cmd, "/")
		status, ans := h.slash("U0NEWBIE", cmd, "", id)
		if status != http.StatusOK || ans["response_type"] != "ephemeral" || !strings.Contains(blockText(ans["blocks"]), NoStudents) {
			t.Errorf("%s answered %d %v", cmd, status, ans)
		}
		if got := h.slack.responsesTo(id); len(got) != 0 {
			t.Errorf("%s also answered %v", cmd, got)
		}
	}
	if n := len(h.slack.callsTo("views.open")); n != 0 {
		t.Errorf("views.open called %d times", n)
	}

	// From the Home tab, the answer comes by direct message.
	h.interact(map[string]any{"type": "block_actions", "user": map[string]any{"id": "U0NEWBIE"}, "trigger_id": "T-home",
		"container": map[string]any{"type": "view", "view_id": "V0HOME"}, "view": map[string]any{"id": "V0HOME", "type": "home"},
		"actions": []any{map[string]any{"type": "button", "action_id": openPrefix + "trial", "block_id": "open"}}})
	posts := h.slack.callsTo("chat.postMessage")
	if len(posts) != 1 || posts[0].Form.Get("channel") != "DU0NEWBIE" || !strings.Contains(blockText(decodeBlocks(t, posts[0])), NoStudents) {
		t.Errorf("home tab button answered %v", posts)
	}
	if n := len(h.slack.callsTo("views.open")); n != 0 {
		t.Errorf("views.open called %d times", n)
	}
}

// TestDataReminderButtonOpensTrialForm presses a data reminder's student
// button: the /trial form opens with that student chosen, and nothing
// else is answered or stored.
func TestDataReminderButtonOpensTrialForm(t *testing.T) {
	t.Parallel()
	engines(t, func(t *testing.T, store storage.Store) {
		h := newHarness(t, store)
		reminder := blocks(bot.Reply{Text: "Data still due today", Buttons: []bot.Button{
			{Label: "Log S102", Action: scheduler.ActionLogTrial, Value: "S102"}}})
		press := h.pressPayload(userPara, buttonOf(t, reminder, "Log S102"), "1700000000.000009", "p9")
		press["container"].(map[string]any)["is_ephemeral"] = false
		if status, ans := h.interact(press); status != http.StatusOK || ans != nil {
			t.Fatalf("status %d, answer %v; want an empty acknowledgement", status, ans)
		}
		opens := h.slack.callsTo("views.open")
		if len(opens) != 1 {
			t.Fatalf("views.open called %d times, want 1", len(opens))
		}
		if opens[0].JSON["trigger_id"] != "T-press-"+userPara+"-1700000000.000009" {
			t.Errorf("trigger_id = %v, want the press's", opens[0].JSON["trigger_id"])
		}
		in := inputsByID(t, opens[0].JSON["view"].(map[string]any))
		initial, _ := in["student"]["element"].(map[string]any)["initial_option"].(map[string]any)
		if initial["value"] != "S102" {
			t.Errorf("student chosen %v, want S102", initial)
		}
		for _, id := range []string{"goal", "trials"} {
			if _, ok := in[id]; !ok {
				t.Errorf("no %s field in the form", id)
			}
		}
		if got := h.slack.responsesTo("p9"); len(got) != 0 {
			t.Errorf("the press was also answered: %v", got)
		}
		if _, err := store.LastEntry(context.Background(), h.staff("jrivera")); !errors.Is(err, storage.ErrNotFound) {
			t.Errorf("opening the form stored something: %v", err)
		}

		// Where the form cannot open, the reply says what to type.
		h.slack.failWith("views.open", "expired_trigger_id")
		h.interact(h.pressPayload(userPara, buttonOf(t, reminder, "Log S102"), "1700000000.000010", "p10"))
		got := h.slack.responsesTo("p10")
		if len(got) != 1 || !strings.Contains(blockText(got[0]["blocks"]), "/trial S102 G1") {
			t.Errorf("answer when the form did not open = %v", got)
		}
	})
}
