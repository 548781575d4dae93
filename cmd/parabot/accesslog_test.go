package main

import (
	"context"
	"io"
	"net/http"
	"net/url"
	"strconv"
	"strings"
	"testing"
	"time"

	"parabot/accesslog"
	"parabot/storage/sqlite"
)

// A read recorded just before SIGTERM is in the database after shutdown:
// the access log is written in the shutdown order, before the store
// closes, even when its next periodic write is an hour away.
func TestShutdownWritesTheAccessLog(t *testing.T) {
	api := newSlackAPI(t)
	vars := slackEnv(api, tempDB(t))
	seedSlack(t, vars)
	r := serveInProcess(t, vars, 0)
	// An interval that never comes: only the shutdown writes the rows.
	// (Swapped before any request, so no read is recorded by the first.)
	if err := r.srv.access.Close(context.Background()); err != nil {
		t.Fatal(err)
	}
	r.srv.access = accesslog.Start(r.srv.store, newLogger(io.Discard, "error"), time.Hour)
	r.srv.router.SetAccessLog(r.srv.access.Record)

	form := url.Values{
		"team_id": {"T1"}, "channel_id": {"C1"}, "user_id": {leeSlack}, "command": {"/goals"},
		"text": {"S102"}, "response_url": {r.base + "/unused"}, "trigger_id": {"T-goals"},
	}
	body := form.Encode()
	ts := strconv.FormatInt(time.Now().Unix(), 10)
	req, err := http.NewRequest("POST", r.base+"/slack/commands", strings.NewReader(body))
	if err != nil {
		t.Fatal(err)
	}
	req.Header.Set("Content-Type", "application/x-www-form-urlencoded")
	req.Header.Set("X-Slack-Request-Timestamp", ts)
	req.Header.Set("X-Slack-Signature", slackSign(body, ts))
	resp, err := (&http.Client{Timeout: 10 * time.Second}).Do(req)
	if err != nil {
		t.Fatal(err)
	}
	resp.Body.Close()
	if resp.StatusCode != http.StatusOK {
		t.Fatalf("/goals answered %d", resp.StatusCode)
	}
	if err := r.shutdown(t); err != nil {
		t.Fatalf("shutdown: %v", err)
	}

	db, err := sqlite.Open(context.Background(), r.cfg.SQLitePath(), newLogger(io.Discard, "error"))
	if err != nil {
		t.Fatal(err)
	}
	defer db.Close()
	rows, err := db.Audit(context.Background(), 0)
	if err != nil {
		t.Fatal(err)
	}
	var reads int
	for _, a := range rows {
		if a.Action == "read" && a.Entity == "goals" && a.Detail == "surface=slack/command" {
			reads++
		}
	}
	if reads != 1 {
		t.Errorf("%d reads of goals in the audit log after shutdown, want 1 (rows: %+v)", reads, rows)
	}
}
