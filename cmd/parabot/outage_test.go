package main

import (
	"fmt"
	"strings"
	"testing"
	"time"

	"parabot/storage/sqlite"
)

// TestSlackDownDeliveriesRetry takes Slack's Web API down while notes are
// sent: the deliveries fail, retry with growing waits, and when Slack is
// back each note arrives once, within seconds.
func TestSlackDownDeliveriesRetry(t *testing.T) {
	if testing.Short() {
		t.Skip("waits through an outage of several seconds")
	}
	api := newSlackAPI(t)
	api.down.Store(true)
	vars := slackEnv(api, tempDB(t))
	seedSlack(t, vars)
	r := serveInProcess(t, vars, 0)
	base := r.base
	defer func() {
		if err := r.shutdown(t); err != nil {
			t.Errorf("shutdown: %v", err)
		}
	}()

	var acked []string
	for i := range 3 {
		token := fmt.Sprintf("note-down-%d", i)
		if body := do(t, noteRequest(t, base, token)); !strings.Contains(body, "sent to") {
			t.Fatalf("note %s answered %s while Slack is down: %s", token, body, body)
		}
		acked = append(acked, token)
	}
	time.Sleep(7 * time.Second) // the outage
	if n := api.refused.Load(); n < 6 {
		t.Errorf("%d attempts during the outage, want every note tried again (at least 6)", n)
	}
	if n := api.refused.Load(); n > 15 {
		t.Errorf("%d attempts in 7 seconds: retries do not back off", n)
	}
	api.down.Store(false)
	back := time.Now()
	if !api.waitDelivered(acked, 30*time.Second) {
		t.Fatalf("not delivered after the outage: %v", api.counts())
	}
	for _, tok := range acked {
		if d := api.firstPosted(tok).Sub(back); d > 10*time.Second {
			t.Errorf("%s arrived %s after Slack was back, want within 10s", tok, d.Round(100*time.Millisecond))
		}
	}
	time.Sleep(time.Second)
	for tok, n := range api.counts() {
		if n != 1 {
			t.Errorf("%s posted %d times", tok, n)
		}
	}
	db := r.srv.store.(*sqlite.DB)
	var retried int
	if err := db.SQL().QueryRow(`SELECT count(*) FROM river_job WHERE kind = 'deliver' AND attempt >= 2 AND json(args) LIKE '%Note from%'`).Scan(&retried); err != nil {
		t.Fatal(err)
	}
	// Only the notes count: a day's late reminders planned at start
	// (after school, on the real clock) may be retried beside them.
	if retried != len(acked) {
		t.Errorf("%d note deliveries retried, want %d", retried, len(acked))
	}
}
