package main

import (
	"bytes"
	"context"
	"database/sql"
	"io"
	"net/http"
	"strings"
	"sync"
	"testing"
	"time"

	"parabot/bot"
	"parabot/scheduler"
	"parabot/storage"
	"parabot/storage/sqlite"
)

// logBuffer collects a server's log lines; safe for its goroutines.
type logBuffer struct {
	mu  sync.Mutex
	buf bytes.Buffer
}

func (b *logBuffer) Write(p []byte) (int, error) {
	b.mu.Lock()
	defer b.mu.Unlock()
	return b.buf.Write(p)
}

func (b *logBuffer) String() string {
	b.mu.Lock()
	defer b.mu.Unlock()
	return b.buf.String()
}

// TestQueuedDeliveryWaitsForItsPlatform: a message queued for a teacher
// on Slack survives a serve started without any chat platform (a broken
// env file): serve says so at start, the delivery is put off (counted,
// logged without names), never cancelled, and the next serve with Slack
// delivers it at once, once.
func TestQueuedDeliveryWaitsForItsPlatform(t *testing.T) {
	api := newSlackAPI(t)
	withSlack := slackEnv(api, tempDB(t))
	seedSlack(t, withSlack)
	queueNote(t, withSlack, "rivera", "note-waiting")

	without := map[string]string{"PARABOT_DATABASE_URL": withSlack["PARABOT_DATABASE_URL"]}
	var logs logBuffer
	r := serveLogging(t, without, 0, newLogger(&logs, "info"))
	db := r.srv.store.(*sqlite.DB)
	state, waits := "", ""
	deadline := time.Now().Add(15 * time.Second)
	for time.Now().Before(deadline) {
		state, waits = noteJob(t, db.SQL(), "note-waiting")
		if state != "available" && state != "running" {
			break
		}
		time.Sleep(50 * time.Millisecond)
	}
	metrics := get(t, r.base+"/metrics")
	if err := r.shutdown(t); err != nil {
		t.Errorf("shutdown: %v", err)
	}
	if state != "scheduled" || waits != "slack" {
		t.Fatalf("after a run without Slack the delivery is %s (waits for %q), want scheduled, waiting for slack\n%s", state, waits, logs.String())
	}
	out := logs.String()
	for _, want := range []string{
		`level=WARN msg="no chat platform is configured (neither SLACK_BOT_TOKEN nor DISCORD_BOT_TOKEN is set)`,
		`level=WARN msg="delivery waits for a chat platform not configured here"`,
	} {
		if !strings.Contains(out, want) {
			t.Errorf("log lacks %s:\n%s", want, out)
		}
	}
	if strings.Contains(out, "not deliverable") || strings.Contains(out, "Maria") || strings.Contains(out, "Rivera") {
		t.Errorf("log calls the message undeliverable or names someone:\n%s", out)
	}
	if !strings.Contains(metrics, `parabot_deliveries_waiting_total{platform="slack"}`) {
		t.Errorf("/metrics does not count the waiting delivery:\n%s", metrics)
	}

	r2 := serveInProcess(t, withSlack, 0)
	delivered := api.waitDelivered([]string{"note-waiting"}, 10*time.Second)
	if err := r2.shutdown(t); err != nil {
		t.Errorf("second shutdown: %v", err)
	}
	if !delivered {
		t.Fatal("the next serve with Slack did not deliver the waiting message within 10 seconds")
	}
	if n := api.counts()["note-waiting"]; n != 1 {
		t.Errorf("posted %d times, want once", n)
	}
}

// queueNote queues a direct message with text to the staff member of
// handle, as a serve that went down before delivering it would leave it.
func queueNote(t *testing.T, vars map[string]string, handle, text string) {
	t.Helper()
	store := openVars(t, vars)
	defer store.Close()
	st, err := store.StaffByIdentity(context.Background(), storage.PlatformShell, handle)
	if err != nil {
		t.Fatal(err)
	}
	job := scheduler.Deliver(bot.Message{StaffID: st.ID, Reply: bot.Reply{Text: text}}, storage.PlatformSlack)
	if err := store.Enqueue(context.Background(), []storage.Job{job}); err != nil {
		t.Fatal(err)
	}
}

// noteJob is the state of the delivery job whose message holds text, and
// the platform its metadata says it waits for ("" for none).
func noteJob(t *testing.T, db *sql.DB, text string) (state, waitsFor string) {
	t.Helper()
	var waits sql.NullString
	err := db.QueryRow(`SELECT state, json_extract(metadata, '$.`+scheduler.WaitsFor+`') FROM river_job
		WHERE kind = 'deliver' AND json(args) LIKE '%' || $1 || '%'`, text).Scan(&state, &waits)
	if err != nil {
		t.Fatal(err)
	}
	return state, waits.String
}

// get returns the body of a GET of url.
func get(t *testing.T, url string) string {
	t.Helper()
	resp, err := http.Get(url)
	if err != nil {
		t.Fatal(err)
	}
	defer resp.Body.Close()
	body, _ := io.ReadAll(resp.Body)
	return string(body)
}
