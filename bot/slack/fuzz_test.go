package slack

import (
	"bytes"
	"io"
	"net/http"
	"net/url"
	"strconv"
	"testing"

	"parabot/storage/storagetest"
)

// FuzzRequest feeds signed requests of any content to the slash command
// and interaction endpoints, as form fields and as interaction payloads:
// the adapter must answer (never a 5xx) and never panic.
func FuzzRequest(f *testing.F) {
	f.Add(false, "/trial", "S101 G2 + + v", "")
	f.Add(false, "/para", "help trial", "")
	f.Add(false, "/note", "S101 hello\x00world \xff", "")
	f.Add(true, "", "", `{"type":"view_submission","user":{"id":"U0PARA"},"view":{"id":"V1","hash":"h","private_metadata":"{\"command\":\"trial\"}","state":{"values":{"student":{"student":{"type":"static_select","selected_option":{"value":"S101"}}}}}}}`)
	f.Add(true, "", "", `{"type":"block_actions","user":{"id":"U0PARA"},"actions":[{"action_id":"undo","value":"1"}]}`)
	f.Add(true, "", "", `{"type":"block_suggestion","user":{"id":"U0PARA"},"action_id":"student","value":"a"}`)
	f.Add(true, "", "", `{"type":"view_submission","view":{"state":{"values":{"x":{"y":{"type":"datepicker"}}}}}}`)
	h := newHarness(f, storagetest.OpenSQLite(f)) // one store for every input: opening one per input would crawl
	f.Fuzz(func(t *testing.T, interaction bool, command, text, payload string) {
		path := "/slack/commands"
		form := url.Values{"user_id": {userPara}, "command": {command}, "text": {text}, "trigger_id": {"T-" + text}, "response_url": {h.slack.responseURL("fuzz")}}
		if interaction {
			path, form = "/slack/interactions", url.Values{"payload": {payload}}
		}
		body := []byte(form.Encode())
		ts := strconv.FormatInt(h.now.Unix(), 10)
		req, err := http.NewRequest(http.MethodPost, h.srv.URL+path, bytes.NewReader(body))
		if err != nil {
			t.Fatal(err)
		}
		req.Header.Set("Content-Type", "application/x-www-form-urlencoded")
		req.Header.Set("X-Slack-Request-Timestamp", ts)
		req.Header.Set("X-Slack-Signature", Sign(testSecret, ts, body))
		resp, err := h.srv.Client().Do(req)
		if err != nil {
			t.Fatal(err)
		}
		io.Copy(io.Discard, resp.Body)
		resp.Body.Close()
		if resp.StatusCode >= 500 {
			t.Fatalf("status %d for a signed request", resp.StatusCode)
		}
	})
}
