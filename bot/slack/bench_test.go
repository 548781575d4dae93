package slack

import (
	"context"
	"errors"
	"fmt"
	"io"
	"log/slog"
	"net/http"
	"net/http/httptest"
	"net/url"
	"slices"
	"strconv"
	"strings"
	"sync"
	"sync/atomic"
	"testing"
	"time"

	"parabot/bot"
	"parabot/storage"
	"parabot/storage/postgres"
	"parabot/storage/storagetest"
)

// benchConns is how many connections send requests at once.
const benchConns = 64

// BenchmarkSlashCommand sends signed "/trial S101 G2 + + v - +" commands
// through the real handler (signature, router, parser, one write of an
// entry and its session; the entry is its own audit row and carries the
// one-time key) from 64 connections at once, next to a bare handler that
// only verifies the signature and inserts one row (a Claim), on each
// engine, on the same store and pool ("pair"). It reports requests per
// second and the 99th percentile latency of each and their ratios, and
// prints the ratios. The commands' clock moves 6 minutes a request
// (movingClock), so no request is refused as a likely duplicate of
// another. Two more rows split the time: "core" runs the same
// command through Router.Handle without HTTP, "claim" inserts the bare
// handler's row without HTTP. Run it with:
//
//	go test ./bot/slack -run '^$' -bench SlashCommand -benchtime 5000x
func BenchmarkSlashCommand(b *testing.B) {
	engines := []struct {
		name string
		open func(testing.TB) storage.Store
	}{
		{"sqlite", func(tb testing.TB) storage.Store { return storagetest.OpenSQLite(tb) }},
		{"postgres", openPostgresDefaultPool},
	}
	for _, eng := range engines {
		// The pair runs on one store, so on one pool: the real handler
		// and the bare one take turns, in rounds, so that whatever else
		// the machine does weighs on both alike.
		b.Run(eng.name+"/pair", func(b *testing.B) {
			store := eng.open(b)
			h := newHarness(b, store)
			h.routerNow = movingClock()
			h.slash(userPara, "/trial", "S101 G1 +", "warm") // warm the caches, as a running server has them
			// Every request is a new one, as Slack's are (each has its own
			// trigger_id, so its own signature): a repeat would be refused
			// as a replay.
			real := httpLoad(b, h.srv.URL+"/slack/commands", h.now, func(i int) string {
				return url.Values{"team_id": {"T0SCHOOL"}, "channel_id": {"C0GENERAL"}, "user_id": {userPara},
					"command": {"/trial"}, "text": {"S101 G2 + + v - +"}, "response_url": {h.slack.responseURL("bench")},
					"trigger_id": {"T-bench-" + strconv.Itoa(i)}}.Encode()
			}, func(body []byte) bool {
				return strings.Contains(string(body), "Logged for ") && strings.Contains(string(body), ": 5 trials, ")
			})
			bare := httpLoad(b, bareServer(b, store).URL, schoolNow, func(i int) string {
				return url.Values{"user_id": {userPara}, "command": {"/trial"}, "text": {"S101 G2 + + v - +"}, "n": {strconv.Itoa(i)}}.Encode()
			}, nil)
			const rounds = 10
			var rs, bs loadStats
			b.ResetTimer()
			for r := range rounds {
				from, n := r*b.N/rounds, (r+1)*b.N/rounds-r*b.N/rounds
				rs.add(load(from, n, real))
				bs.add(load(from, n, bare))
			}
			b.StopTimer()
			rr, br := rs.check(b, "parabot"), bs.check(b, "bare")
			b.ReportMetric(rr.rps, "parabot-req/s")
			b.ReportMetric(br.rps, "bare-req/s")
			b.ReportMetric(rr.p99ms, "parabot-p99-ms")
			b.ReportMetric(br.p99ms, "bare-p99-ms")
			b.ReportMetric(rr.rps/br.rps, "throughput-ratio")
			b.ReportMetric(rr.p99ms/br.p99ms, "p99-ratio")
			b.ReportMetric(0, "ns/op")
			b.Logf("%s, %d requests each: parabot/bare throughput %.2fx (%.0f / %.0f req/s), p99 %.2fx (%.1f / %.1f ms)", eng.name,
				b.N, rr.rps/br.rps, rr.rps, br.rps, rr.p99ms/br.p99ms, rr.p99ms, br.p99ms)
		})
		b.Run(eng.name+"/core", func(b *testing.B) {
			h := newHarness(b, eng.open(b))
			h.routerNow = movingClock()
			req := bot.Request{Platform: storage.PlatformSlack, UserID: userPara, Command: "trial", Text: "S101 G2 + + v - +"}
			h.router.Handle(context.Background(), req)
			runLoad(b, func(int) (bool, error) {
				if r := h.router.Handle(context.Background(), req); r.IsError {
					return false, errors.New(r.Text)
				}
				return true, nil
			})
		})
		b.Run(eng.name+"/claim", func(b *testing.B) {
			store := eng.open(b)
			runLoad(b, func(i int) (bool, error) {
				_, err := store.Claim(context.Background(), "bench:"+strconv.Itoa(i), schoolNow)
				return true, err
			})
		})
	}
}

// movingClock is a commands' clock that moves 6 minutes at each reading,
// so that the same line sent again is a new session, never a likely
// duplicate of the one before (logged within 5 minutes of it), as when a
// school's paras log through the day. Request signatures keep the
// harness's fixed clock.
func movingClock() func() time.Time {
	var n atomic.Int64
	return func() time.Time { return schoolNow.Add(time.Duration(n.Add(1)) * 6 * time.Minute) }
}

// httpLoad makes one signed POST to target per call; answered tells an
// answer with the reply from an empty acknowledgement (the reply then
// comes later through the response_url, as when the work outlasts the ack
// budget).
func httpLoad(b *testing.B, target string, now time.Time, body func(i int) string, answered func([]byte) bool) func(int) (bool, error) {
	tr := &http.Transport{MaxIdleConns: benchConns, MaxIdleConnsPerHost: benchConns, MaxConnsPerHost: benchConns}
	client := &http.Client{Transport: tr, Timeout: 30 * time.Second}
	b.Cleanup(tr.CloseIdleConnections)
	ts := strconv.FormatInt(now.Unix(), 10)
	return func(i int) (bool, error) {
		payload := body(i)
		req, err := http.NewRequest(http.MethodPost, target, strings.NewReader(payload))
		if err != nil {
			return false, err
		}
		req.Header.Set("Content-Type", "application/x-www-form-urlencoded")
		req.Header.Set("X-Slack-Request-Timestamp", ts)
		req.Header.Set("X-Slack-Signature", Sign(testSecret, ts, []byte(payload)))
		resp, err := client.Do(req)
		if err != nil {
			return false, err
		}
		answer, _ := io.ReadAll(resp.Body)
		resp.Body.Close()
		if resp.StatusCode != http.StatusOK {
			return false, fmt.Errorf("status %d", resp.StatusCode)
		}
		return answered == nil || answered(answer), nil
	}
}

// bareServer verifies a request's signature and inserts one row (a
// Claim) in store: the least a logging request can do.
func bareServer(b *testing.B, store storage.Store) *httptest.Server {
	srv := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		body, err := io.ReadAll(http.MaxBytesReader(w, r.Body, MaxBody))
		if err != nil || Verify(testSecret, r.Header, body, schoolNow) != nil {
			http.Error(w, "unauthorized", http.StatusUnauthorized)
			return
		}
		form, _ := url.ParseQuery(string(body))
		if _, err := store.Claim(r.Context(), "bench:"+form.Get("n"), schoolNow); err != nil {
			http.Error(w, err.Error(), http.StatusInternalServerError)
			return
		}
		w.WriteHeader(http.StatusOK)
	}))
	b.Cleanup(srv.Close)
	return srv
}

// loadStats is what calls of load measured, added up.
type loadStats struct {
	elapsed      time.Duration
	lat          []time.Duration
	failed, late int64
	firstErr     error
}

func (s *loadStats) add(o loadStats) {
	s.elapsed += o.elapsed
	s.lat = append(s.lat, o.lat...)
	s.failed += o.failed
	s.late += o.late
	if s.firstErr == nil {
		s.firstErr = o.firstErr
	}
}

// check fails the benchmark when requests failed or came without the
// reply, and returns req/s and the 99th percentile latency.
func (s *loadStats) check(b *testing.B, what string) loadResult {
	b.Helper()
	n := int64(len(s.lat))
	if s.failed > 0 {
		b.Fatalf("%s: %d of %d requests failed, the first with: %v", what, s.failed, n, s.firstErr)
	}
	if s.late > n/100 {
		b.Fatalf("%s: %d of %d answers came without the reply (late or refused): the figures would not measure the work", what, s.late, n)
	}
	slices.Sort(s.lat)
	p99 := s.lat[min(len(s.lat)-1, len(s.lat)*99/100)]
	return loadResult{rps: float64(n) / s.elapsed.Seconds(), p99ms: float64(p99.Microseconds()) / 1000}
}

// loadResult is requests per second and the 99th percentile latency.
type loadResult struct{ rps, p99ms float64 }

// load makes calls from..from+n-1 of do from benchConns goroutines.
func load(from, n int, do func(i int) (answered bool, err error)) loadStats {
	s := loadStats{lat: make([]time.Duration, n)}
	var next, failed, late atomic.Int64
	var firstErr atomic.Value
	var wg sync.WaitGroup
	start := time.Now()
	for range benchConns {
		wg.Go(func() {
			for {
				i := int(next.Add(1) - 1)
				if i >= n {
					return
				}
				t0 := time.Now()
				ok, err := do(from + i)
				s.lat[i] = time.Since(t0)
				switch {
				case err != nil:
					failed.Add(1)
					firstErr.CompareAndSwap(nil, err)
				case !ok:
					late.Add(1)
				}
			}
		})
	}
	wg.Wait()
	s.elapsed = time.Since(start)
	s.failed, s.late = failed.Load(), late.Load()
	if err, ok := firstErr.Load().(error); ok {
		s.firstErr = err
	}
	return s
}

// runLoad makes b.N calls of do from benchConns goroutines and reports
// req/s, p99 latency and how many answers came late (do returned false).
func runLoad(b *testing.B, do func(i int) (answered bool, err error)) {
	b.Helper()
	b.ResetTimer()
	s := load(0, b.N, do)
	b.StopTimer()
	res := s.check(b, "load")
	b.ReportMetric(res.rps, "req/s")
	b.ReportMetric(res.p99ms, "p99-ms")
	b.ReportMetric(float64(s.late), "late")
	b.ReportMetric(0, "ns/op") // per-request time is in req/s and p99
}

// openPostgresDefaultPool opens a fresh Postgres schema with the pool
// size a server runs with (postgres.DefaultMaxConns), not the tests'
// small pool.
func openPostgresDefaultPool(tb testing.TB) storage.Store {
	tb.Helper()
	db, err := postgres.Open(context.Background(), storagetest.NewPostgresURL(tb), slog.New(slog.DiscardHandler), 0)
	if err != nil {
		tb.Fatalf("opening postgres: %v", err)
	}
	tb.Cleanup(func() { db.Close() })
	return db
}
