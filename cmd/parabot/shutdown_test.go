package main

import (
	"context"
	"fmt"
	"io"
	"net/http"
	"net/http/httptrace"
	"strings"
	"sync"
	"testing"
	"time"

	"parabot/storage/sqlite"
)

// TestShutdownUnderLoad ends parabot serve while clients on kept-alive
// connections send notes and deliveries are in the middle of
// chat.postMessage: no client sees an error on a kept-alive connection,
// every delivery that had started finishes (none is cut off to be posted
// again), and after a restart every acknowledged note arrives once.
func TestShutdownUnderLoad(t *testing.T) {
	if testing.Short() {
		t.Skip("a load test of several seconds")
	}
	api := newSlackAPI(t)
	api.delay.Store(int64(1500 * time.Millisecond))
	vars := slackEnv(api, tempDB(t), "PARABOT_SHUTDOWN_TIMEOUT", "20s")
	seedSlack(t, vars)
	r := serveInProcess(t, vars, 500*time.Millisecond)
	base := r.base

	var (
		mu       sync.Mutex
		acked    []string
		reusedOK int
		failures []string
	)
	quit := make(chan struct{})
	var clients sync.WaitGroup
	for c := range 3 {
		clients.Go(func() {
			client := &http.Client{Timeout: 10 * time.Second, Transport: &http.Transport{MaxIdleConnsPerHost: 1}}
			for i := 0; ; i++ {
				select {
				case <-quit:
					return
				default:
				}
				token := fmt.Sprintf("note-%d-%d", c, i)
				var reused bool
				req := noteRequest(t, base, token)
				req = req.WithContext(httptrace.WithClientTrace(req.Context(), &httptrace.ClientTrace{
					GotConn: func(info httptrace.GotConnInfo) { reused = info.Reused },
				}))
				resp, err := client.Do(req)
				if err != nil {
					if reused {
						mu.Lock()
						failures = append(failures, fmt.Sprintf("%s on a kept-alive connection: %v", token, err))
						mu.Unlock()
					}
					return // a new connection refused: the server is gone
				}
				body, _ := io.ReadAll(resp.Body)
				resp.Body.Close()
				mu.Lock()
				switch {
				case resp.StatusCode == 200 && strings.Contains(string(body), "sent to"):
					acked = append(acked, token)
					if reused {
						reusedOK++
					}
				default:
					failures = append(failures, fmt.Sprintf("%s answered %d %s", token, resp.StatusCode, body))
				}
				mu.Unlock()
				// Light enough that a restart delivers the backlog soon:
				// Slack takes about one message a second per DM.
				time.Sleep(250 * time.Millisecond)
			}
		})
	}
	// Load until deliveries are in the middle of chat.postMessage.
	deadline := time.Now().Add(10 * time.Second)
	for api.inflight.Load() == 0 && time.Now().Before(deadline) {
		time.Sleep(10 * time.Millisecond)
	}
	time.Sleep(300 * time.Millisecond)
	if api.inflight.Load() == 0 {
		t.Fatal("no delivery was in flight")
	}
	if err := r.shutdown(t); err != nil { // SIGTERM
		t.Errorf("shutdown: %v", err)
	}
	close(quit)
	clients.Wait()
	if n := api.inflight.Load(); n != 0 {
		t.Errorf("%d deliveries were cut off in chat.postMessage", n)
	}
	if len(failures) > 0 {
		t.Errorf("%d requests failed, e.g. %s", len(failures), failures[0])
	}
	if reusedOK == 0 || len(acked) < 5 {
		t.Fatalf("the load was too light: %d notes acknowledged, %d on kept-alive connections", len(acked), reusedOK)
	}
	// No delivery was cancelled or cut off: none failed, none ran twice.
	db, err := sqlite.Open(context.Background(), r.cfg.SQLitePath(), newLogger(io.Discard, "error"))
	if err != nil {
		t.Fatal(err)
	}
	var failed int
	if err := db.SQL().QueryRow(`SELECT count(*) FROM river_job WHERE attempt > 1 OR (attempt > 0 AND state <> 'completed')`).Scan(&failed); err != nil {
		t.Fatal(err)
	}
	db.Close()
	if failed != 0 {
		t.Errorf("%d delivery jobs failed or were cut off at shutdown", failed)
	}

	// Restart: what was queued and not yet started is delivered, once.
	api.delay.Store(0)
	r2 := serveInProcess(t, vars, 0)
	delivered := api.waitDelivered(acked, 10*time.Second+time.Duration(len(acked))*1500*time.Millisecond)
	if err := r2.shutdown(t); err != nil {
		t.Errorf("second shutdown: %v", err)
	}
	if !delivered {
		t.Fatal("not every acknowledged note was delivered after the restart")
	}
	for tok, n := range api.counts() {
		if n != 1 {
			t.Errorf("%s posted %d times", tok, n)
		}
	}
}

// TestShutdownKeptAliveConnections ends parabot serve while many clients
// send requests as fast as they can on kept-alive connections: none of
// them sees its connection closed under a request (a reset or EOF).
func TestShutdownKeptAliveConnections(t *testing.T) {
	if testing.Short() {
		t.Skip("a load test of several seconds")
	}
	api := newSlackAPI(t)
	vars := slackEnv(api, tempDB(t))
	r := serveInProcess(t, vars, 500*time.Millisecond)
	base := r.base
	var mu sync.Mutex
	var failures []string
	var answered int
	var clients sync.WaitGroup
	for range 16 {
		clients.Go(func() {
			client := &http.Client{Timeout: 10 * time.Second, Transport: &http.Transport{MaxIdleConnsPerHost: 1}}
			for {
				// A POST: Go's client does not retry it on a closed
				// connection, as it does a GET, so every reset shows.
				var reused bool
				req, _ := http.NewRequest("POST", base+"/slack/commands", strings.NewReader("command=%2Fnote"))
				req.Header.Set("Content-Type", "application/x-www-form-urlencoded")
				req = req.WithContext(httptrace.WithClientTrace(req.Context(), &httptrace.ClientTrace{
					GotConn: func(info httptrace.GotConnInfo) { reused = info.Reused },
				}))
				resp, err := client.Do(req)
				if err != nil {
					if reused {
						mu.Lock()
						failures = append(failures, err.Error())
						mu.Unlock()
					}
					return
				}
				io.Copy(io.Discard, resp.Body)
				resp.Body.Close()
				mu.Lock()
				answered++
				mu.Unlock()
			}
		})
	}
	time.Sleep(500 * time.Millisecond)
	if err := r.shutdown(t); err != nil {
		t.Errorf("shutdown: %v", err)
	}
	clients.Wait()
	if answered < 100 {
		t.Fatalf("only %d requests answered: too light a load", answered)
	}
	if len(failures) > 0 {
		t.Errorf("%d of %d requests failed on a kept-alive connection, e.g. %s", len(failures), answered, failures[0])
	}
}
