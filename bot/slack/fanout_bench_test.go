package slack

import (
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"log/slog"
	"net/http"
	"net/http/httptest"
	"path"
	"slices"
	"sync"
	"testing"
	"time"

	"github.com/riverqueue/river/riverdriver/riverpgxv5"
	"github.com/riverqueue/river/riverdriver/riversqlite"

	"parabot/bot"
	"parabot/scheduler"
	"parabot/storage"
	"parabot/storage/postgres"
	"parabot/storage/storagetest"
)

// Fan-out benchmark sizes: fanOutSchools schools of fanOutStaff staff
// members, each with a duty starting at the same minute, so
// fanOutSchools*fanOutStaff duty reminders come due together.
const (
	fanOutSchools = 40
	fanOutStaff   = 50
	// fanOutRate is the fake workspace's limit, messages a second.
	fanOutRate = 200
	// fanOutMargin is the share of the limit the adapters are set to, so
	// that timer jitter does not cross it.
	fanOutMargin = 0.95
	// fanOutRescue is how long a job of a killed replica stays running
	// before the survivor may take it over: more than a live job runs here
	// (a few seconds), or live jobs would be taken over too.
	fanOutRescue = 10 * time.Second
	// fanOutSilence is how long a replica goes without beating before the
	// other takes it for dead (scheduler.ReplicaSilence, 5 s by default):
	// then the survivor posts at the whole workspace's rate and runs again
	// the jobs the dead one was running.
	fanOutSilence = 2 * time.Second
	// fanOutWorkers is how many reminder jobs a replica runs at once: a
	// job sends its messages one after the other, each waiting on the
	// database and on Slack, so the workspace's rate takes many at once.
	fanOutWorkers = 96
)

// BenchmarkReminderFanOut sends 2,000 duty reminders due in the same
// minute through the real planner, reminder and delivery jobs and the
// Slack adapter, to a fake Slack that allows one message a second per
// channel and fanOutRate a second per workspace (a sliding second),
// answering 429 with Retry-After beyond that. It reports the time from
// planning to the last message against the minimum the limits allow
// (2,000 / fanOutRate), the messages lost and doubled, and the 429s; on
// one SQLite serve, on two Postgres replicas, and on two replicas of
// which one is killed halfway (no shutdown: its jobs stay running until
// the survivor, once the dead one has been silent fanOutSilence, runs
// them again). The replicas share the workspace's limit by how many of
// them beat, so after a kill the survivor takes the whole rate. Run it
// with:
//
//	go test ./bot/slack -run '^$' -bench ReminderFanOut -benchtime 1x
func BenchmarkReminderFanOut(b *testing.B) {
	for _, tc := range []struct {
		name     string
		replicas int
		kill     bool
	}{
		{"sqlite", 1, false},
		{"postgres-2-replicas", 2, false},
		{"postgres-2-replicas-one-killed-halfway", 2, true},
	} {
		b.Run(tc.name, func(b *testing.B) {
			for i := 0; i < b.N; i++ {
				fanOut(b, tc.replicas, tc.kill)
			}
		})
	}
}

func fanOut(b *testing.B, replicas int, kill bool) {
	b.StopTimer()
	ctx := context.Background()
	log := slog.New(slog.DiscardHandler)
	fake := newFanOutSlack(fanOutRate)
	srv := httptest.NewServer(fake)
	defer srv.Close()

	var stores []storage.Store
	var starts []func(scheduler.Config) (scheduler.Runner, error)
	// kills[i] kills replica i as a crash would: its Slack calls fail from
	// then on, its database connections close, and its jobs are cancelled
	// with nothing recorded, so they stay running until another replica
	// rescues them.
	var kills []func()
	if replicas == 1 {
		db := storagetest.OpenSQLite(b)
		stores = append(stores, db)
		starts = append(starts, func(cfg scheduler.Config) (scheduler.Runner, error) {
			return scheduler.Start(ctx, riversqlite.New(db.SQL()), cfg)
		})
	} else {
		url := storagetest.NewPostgresURL(b)
		for i := 0; i < replicas; i++ {
			db, err := postgres.Open(ctx, url, log, 20)
			if err != nil {
				b.Fatal(err)
			}
			defer db.Close()
			stores = append(stores, db)
			rctx, cancel := context.WithCancel(ctx)
			defer cancel()
			starts = append(starts, func(cfg scheduler.Config) (scheduler.Runner, error) {
				return scheduler.Start(rctx, riverpgxv5.New(db.Pool()), cfg)
			})
			kills = append(kills, func() {
				go db.Pool().Close() // waits for the queries under way
				cancel()
			})
		}
	}
	cut := make([]*cutTransport, len(stores))
	want := fanOutRoster(b, stores[0])

	var runners []scheduler.Runner
	var fired sync.Mutex
	var nFired int
	var lastFired time.Time
	count := func(kind string, o scheduler.Outcome) {
		fired.Lock()
		defer fired.Unlock()
		if o == scheduler.OutcomeSent || o == scheduler.OutcomeLate {
			nFired++
			lastFired = time.Now()
		}
	}
	for i, st := range stores {
		router := bot.NewRouter(st, log, time.Now, nil)
		cut[i] = &cutTransport{next: http.DefaultTransport}
		a, err := New(Config{BotToken: "xoxb-bench", SigningSecret: testSecret, APIURL: srv.URL + "/api/",
			Router: router, Store: st, Log: log, HTTPClient: &http.Client{Timeout: 10 * time.Second, Transport: cut[i]},
			WorkspaceRate: int(fanOutMargin * fanOutRate)})
		if err != nil {
			b.Fatal(err)
		}
		// A job of a killed replica runs again once the replica has been
		// silent fanOutSilence; River's own rescuer (after fanOutRescue,
		// when it next looks) stays behind that.
		r, err := starts[i](scheduler.Config{Store: st, Senders: map[storage.Platform]scheduler.Sender{storage.PlatformSlack: a},
			Log: log, Now: time.Now, PollInterval: 20 * time.Millisecond, CountReminder: count, RescueAfter: fanOutRescue,
			RemindWorkers: fanOutWorkers, ReplicaSilence: fanOutSilence})
		if err != nil {
			b.Fatal(err)
		}
		runners = append(runners, r)
	}
	defer func() {
		for _, r := range runners {
			sctx, cancel := context.WithTimeout(ctx, 10*time.Second)
			r.Stop(sctx)
			cancel()
		}
	}()

	schools, err := stores[0].Schools(ctx)
	if err != nil {
		b.Fatal(err)
	}
	// The replicas see each other at their next beat (the last one to
	// start knew at once): wait for it, as a fleet has long been up when
	// a minute's reminders come due.
	time.Sleep(fanOutSilence / 4)
	start := time.Now()
	b.StartTimer()
	if err := stores[0].Enqueue(ctx, scheduler.Replan(schools, start)); err != nil {
		b.Fatal(err)
	}
	stopped := !kill
	var killedAt time.Time
	deadline := time.Now().Add(5 * time.Minute)
	for fake.delivered() < want && time.Now().Before(deadline) {
		if !stopped && fake.delivered() >= want/2 {
			// A replica dies halfway, in the middle of its jobs.
			cut[1].cut()
			kills[1]()
			runners, stopped = runners[:1], true
			killedAt = time.Now()
		}
		time.Sleep(10 * time.Millisecond)
	}
	b.StopTimer()
	// The periodic planner may have fired the minute before the replan:
	// the time counts from whichever came first.
	if first := fake.firstAt(); first.Before(start) {
		start = first
	}
	elapsed := fake.lastAt().Sub(start)
	time.Sleep(2 * time.Second) // anything sent twice would arrive now
	lost, doubled := fake.check(want)
	minimum := time.Duration(float64(want) / fanOutRate * float64(time.Second))
	b.ReportMetric(elapsed.Seconds(), "s")
	b.ReportMetric(fake.firstAt().Sub(start).Seconds(), "first-s")
	b.Logf("messages a second: %v", fake.rates())
	b.ReportMetric(minimum.Seconds(), "min-s")
	b.ReportMetric(elapsed.Seconds()/minimum.Seconds(), "x-min")
	b.ReportMetric(float64(lost), "lost")
	b.ReportMetric(float64(doubled), "doubled")
	b.ReportMetric(float64(fake.limitedCount()), "429s")
	fired.Lock()
	b.ReportMetric(lastFired.Sub(start).Seconds(), "fired-s")
	fired.Unlock()
	if kill {
		b.ReportMetric(killedAt.Sub(start).Seconds(), "killed-s")
	}
	if lost > 0 || doubled > 0 {
		b.Errorf("lost %d, doubled %d of %d reminders", lost, doubled, want)
	}
}

// fanOutRoster imports the schools, staff and duties and returns how many
// reminders will come due together: every duty starts 10 minutes after
// this minute (school time), so its reminder is due now.
func fanOutRoster(b *testing.B, st storage.Store) int {
	now := time.Now().UTC()
	// A zone where it is around noon, so the duties fall within the day.
	off := 12 - now.Hour()
	zone := fmt.Sprintf("Etc/GMT%+d", -off)
	if off == 0 {
		zone = "Etc/GMT"
	}
	loc, err := time.LoadLocation(zone)
	if err != nil {
		b.Fatal(err)
	}
	local := now.In(loc)
	today := local.Format("2006-01-02")
	startAt := local.Truncate(time.Minute).Add(10 * time.Minute)
	var r storage.Roster
	for s := 0; s < fanOutSchools; s++ {
		name := fmt.Sprintf("School %02d", s)
		r.Schools = append(r.Schools, storage.School{Name: name, TimeZone: zone,
			YearStart: local.AddDate(0, -1, 0).Format("2006-01-02"), YearEnd: local.AddDate(0, 6, 0).Format("2006-01-02"),
			DayStart: "00:01", Dismissal: "23:58"})
		if wd := local.Weekday(); wd == time.Saturday || wd == time.Sunday {
			r.Calendar = append(r.Calendar, storage.RosterDay{School: name, Day: storage.CalendarDay{Date: today, Kind: storage.DaySchool}, Active: true})
		}
		for p := 0; p < fanOutStaff; p++ {
			n := s*fanOutStaff + p
			handle := fmt.Sprintf("p%04d", n)
			r.Staff = append(r.Staff, storage.RosterStaff{School: name, Handle: handle, Name: "Para " + handle,
				Role: storage.RolePara, SlackID: fmt.Sprintf("U%07d", n), Active: true})
			r.Duties = append(r.Duties, storage.RosterDuty{StaffHandle: handle, Active: true, Duty: storage.Duty{
				Kind: storage.DutyLunch, Weekday: local.Weekday(), Start: startAt.Format("15:04"),
				End: startAt.Add(20 * time.Minute).Format("15:04"), Place: "Cafeteria"}})
		}
	}
	if _, err := st.ImportRoster(context.Background(), r); err != nil {
		b.Fatal(err)
	}
	return fanOutSchools * fanOutStaff
}

// fanOutSlack is a fake Slack for the benchmark: conversations.open gives
// each user a DM channel; chat.postMessage allows one message a second
// per channel and rate in any one second across the workspace, answering
// 429 with Retry-After: 1 beyond that; conversations.history lists a
// channel's messages with their metadata. It counts what it delivered.
type fanOutSlack struct {
	rate    int
	mu      sync.Mutex
	recent  []time.Time                 // the last accepted posts, at most rate
	perChan map[string]time.Time        // last accepted post per channel
	got     map[string]int              // deliveries per channel
	history map[string][]map[string]any // messages per channel, with their metadata
	limited int
	first   time.Time
	last    time.Time
	perSec  map[int64]int // accepted posts by second, for tracing a run
}

func newFanOutSlack(rate int) *fanOutSlack {
	return &fanOutSlack{rate: rate, perChan: map[string]time.Time{}, got: map[string]int{}, history: map[string][]map[string]any{}, perSec: map[int64]int{}}
}

func (f *fanOutSlack) ServeHTTP(w http.ResponseWriter, r *http.Request) {
	if err := r.ParseForm(); err != nil {
		http.Error(w, err.Error(), http.StatusBadRequest)
		return
	}
	switch path.Base(r.URL.Path) {
	case "conversations.open":
		writeAPI(w, map[string]any{"ok": true, "channel": map[string]any{"id": "D" + r.Form.Get("users")}})
	case "chat.postMessage":
		ch := r.Form.Get("channel")
		now := time.Now()
		f.mu.Lock()
		busy := now.Sub(f.perChan[ch]) < time.Second || (len(f.recent) >= f.rate && now.Sub(f.recent[0]) < time.Second)
		if busy {
			f.limited++
			f.mu.Unlock()
			w.Header().Set("Retry-After", "1")
			w.WriteHeader(http.StatusTooManyRequests)
			writeAPI(w, map[string]any{"ok": false, "error": "ratelimited"})
			return
		}
		f.recent = append(f.recent, now)
		if len(f.recent) > f.rate {
			f.recent = f.recent[1:]
		}
		f.perChan[ch] = now
		f.got[ch]++
		var meta struct {
			EventType    string         `json:"event_type"`
			EventPayload map[string]any `json:"event_payload"`
		}
		if err := json.Unmarshal([]byte(r.Form.Get("metadata")), &meta); err == nil {
			f.history[ch] = append(f.history[ch], map[string]any{"type": "message", "text": "reminder", "metadata": meta})
		}
		if f.first.IsZero() {
			f.first = now
		}
		f.last = now
		f.perSec[now.Unix()]++
		f.mu.Unlock()
		writeAPI(w, map[string]any{"ok": true, "channel": ch, "ts": "1700000000.000100"})
	case "conversations.history":
		f.mu.Lock()
		msgs := append([]map[string]any{}, f.history[r.Form.Get("channel")]...)
		f.mu.Unlock()
		slices.Reverse(msgs) // newest first
		writeAPI(w, map[string]any{"ok": true, "messages": msgs, "has_more": false})
	default:
		writeAPI(w, map[string]any{"ok": true})
	}
}

func (f *fanOutSlack) delivered() int {
	f.mu.Lock()
	defer f.mu.Unlock()
	return len(f.got)
}

func (f *fanOutSlack) firstAt() time.Time {
	f.mu.Lock()
	defer f.mu.Unlock()
	return f.first
}

// rates lists the accepted posts of each second from the first to the last.
func (f *fanOutSlack) rates() []int {
	f.mu.Lock()
	defer f.mu.Unlock()
	var out []int
	for s := f.first.Unix(); s <= f.last.Unix(); s++ {
		out = append(out, f.perSec[s])
	}
	return out
}

func (f *fanOutSlack) lastAt() time.Time {
	f.mu.Lock()
	defer f.mu.Unlock()
	return f.last
}

func (f *fanOutSlack) limitedCount() int {
	f.mu.Lock()
	defer f.mu.Unlock()
	return f.limited
}

// cutTransport is a replica's way to Slack, which its death cuts: every
// request fails from then on.
type cutTransport struct {
	next http.RoundTripper
	mu   sync.Mutex
	dead bool
}

func (c *cutTransport) cut() {
	c.mu.Lock()
	defer c.mu.Unlock()
	c.dead = true
}

func (c *cutTransport) RoundTrip(r *http.Request) (*http.Response, error) {
	c.mu.Lock()
	dead := c.dead
	c.mu.Unlock()
	if dead {
		return nil, errors.New("the replica is dead")
	}
	return c.next.RoundTrip(r)
}

// check counts recipients who got nothing and messages sent twice.
func (f *fanOutSlack) check(want int) (lost, doubled int) {
	f.mu.Lock()
	defer f.mu.Unlock()
	for _, n := range f.got {
		doubled += n - 1
	}
	return want - len(f.got), doubled
}
