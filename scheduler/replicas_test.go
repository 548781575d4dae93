package scheduler_test

import (
	"context"
	"errors"
	"slices"
	"strings"
	"sync"
	"sync/atomic"
	"testing"
	"time"

	"parabot/bot"
	"parabot/scheduler"
	"parabot/storage"
	"parabot/storage/sqlite"
)

// sharer is a recorder that also records the shares it is told.
type sharer struct {
	recorder
	smu    sync.Mutex
	shares []int
}

func (s *sharer) Share(n int) {
	s.smu.Lock()
	defer s.smu.Unlock()
	s.shares = append(s.shares, n)
}

func (s *sharer) got() []int {
	s.smu.Lock()
	defer s.smu.Unlock()
	return slices.Clone(s.shares)
}

// TestSilentReplicaJobsRunAgain: a replica that stopped beating (killed)
// left a delivery running. The replica that starts takes it for dead at
// its first beat and runs the delivery again at once, not when River's
// rescuer would (RescueAfter); it shares the platform's limit with a
// live replica, then takes it whole once that one falls silent; and when
// it stops it leaves the table.
func TestSilentReplicaJobsRunAgain(t *testing.T) {
	ctx := context.Background()
	db, _, _, _ := setup(t)
	teacher := firstOfRole(t, db, storage.RoleTeacher)
	if err := db.Enqueue(ctx, []storage.Job{scheduler.Deliver(bot.Message{StaffID: teacher.ID, Reply: bot.Reply{Text: "bus 12 is late"}}, storage.PlatformShell)}); err != nil {
		t.Fatal(err)
	}
	// The dead replica took the job and died with it running.
	wall := time.Now()
	if _, err := db.SQL().ExecContext(ctx, `UPDATE river_job SET state = 'running', attempt = 1,
		attempted_at = ?, attempted_by = '["dead_replica"]'`, wall.Add(-2*time.Second).UTC().Format("2006-01-02 15:04:05.000")); err != nil {
		t.Fatal(err)
	}
	const silence = time.Second
	// Another replica is alive, for now; the dead one last beat 2 s ago.
	if _, _, err := db.Beat(ctx, "other_replica", wall, wall.Add(-silence)); err != nil {
		t.Fatal(err)
	}
	if _, _, err := db.Beat(ctx, "dead_replica", wall.Add(-2*time.Second), wall.Add(-2*time.Second-silence)); err != nil {
		t.Fatal(err)
	}

	// School time is a Sunday in July (start), so the planner has nothing
	// to send.
	shell := &sharer{}
	var counted sync.Mutex
	var lastLive, reruns int
	r := startWith(t, db, scheduler.Config{
		Senders: map[storage.Platform]scheduler.Sender{storage.PlatformShell: shell}, ReplicaSilence: silence,
		CountReplicas: func(live, rerun int) {
			counted.Lock()
			defer counted.Unlock()
			lastLive, reruns = live, reruns+rerun
		},
	})

	// The job runs again well before RescueAfter (30 s).
	deadline := time.Now().Add(5 * time.Second)
	for len(shell.recorder.got()) == 0 && time.Now().Before(deadline) {
		time.Sleep(20 * time.Millisecond)
	}
	want := []string{"dm:" + teacher.Handle + ":bus 12 is late"}
	if got := shell.recorder.got(); !slices.Equal(got, want) {
		t.Fatalf("sent %q, want %q: the dead replica's delivery, once", got, want)
	}
	// The other replica never beats again: after the silence, this one
	// has the limits to itself.
	deadline = time.Now().Add(5 * time.Second)
	alone := func() bool {
		counted.Lock()
		defer counted.Unlock()
		return lastLive == 1 && slices.Equal(shell.got(), []int{2, 1})
	}
	for !alone() && time.Now().Before(deadline) {
		time.Sleep(50 * time.Millisecond)
	}
	if got := shell.got(); !slices.Equal(got, []int{2, 1}) {
		t.Errorf("shares %v, want [2 1]: two replicas, then this one alone", got)
	}
	counted.Lock()
	if lastLive != 1 || reruns != 1 {
		t.Errorf("metrics: %d live, %d jobs run again; want 1 and 1", lastLive, reruns)
	}
	counted.Unlock()
	var errs string
	if err := db.SQL().QueryRowContext(ctx, `SELECT json(errors) FROM river_job`).Scan(&errs); err != nil {
		t.Fatal(err)
	}
	if !strings.Contains(errs, "its replica fell silent") {
		t.Errorf("job errors %s, want the rescue recorded", errs)
	}

	// Stopped, it leaves: a newcomer counts itself alone, and finds
	// nobody dead.
	sctx, cancel := context.WithTimeout(ctx, 10*time.Second)
	defer cancel()
	if err := r.Stop(sctx); err != nil {
		t.Errorf("Stop: %v", err)
	}
	now := time.Now()
	live, dead, err := db.Beat(ctx, "newcomer", now, now.Add(-silence))
	if err != nil {
		t.Fatal(err)
	}
	if live != 1 || len(dead) != 0 {
		t.Errorf("after Stop: live %d, dead %v; want the newcomer alone and nobody dead", live, dead)
	}
}

// outage is a store whose beats fail while down is set, as when the
// database is out of reach.
type outage struct {
	*sqlite.DB
	down atomic.Bool
}

func (o *outage) Beat(ctx context.Context, id string, now, stale time.Time) (int, []string, error) {
	if o.down.Load() {
		return 0, nil, errors.New("connection refused")
	}
	return o.DB.Beat(ctx, id, now, stale)
}

// TestDatabaseOutageKillsNobody: when the database was out of reach for
// longer than the silence, every replica fell silent alike. The first
// beat after it takes nobody for dead (another replica's jobs are not run
// twice); a replica still silent at the next beat is.
func TestDatabaseOutageKillsNobody(t *testing.T) {
	ctx := context.Background()
	db, _, _, _ := setup(t)
	store := &outage{DB: db}
	const silence = time.Second
	var mu sync.Mutex
	var lives []int
	startWith(t, db, scheduler.Config{
		Store: store, Senders: map[storage.Platform]scheduler.Sender{storage.PlatformShell: &recorder{}}, ReplicaSilence: silence,
		CountReplicas: func(live, _ int) {
			mu.Lock()
			defer mu.Unlock()
			lives = append(lives, live)
		},
	})
	seen := func() []int {
		mu.Lock()
		defer mu.Unlock()
		return slices.Clone(lives)
	}
	// Another replica beats, then the database goes away for 2 s: nobody
	// beats, the other replica included.
	now := time.Now()
	if _, _, err := db.Beat(ctx, "other_replica", now, now.Add(-silence)); err != nil {
		t.Fatal(err)
	}
	time.Sleep(silence / 2)
	store.down.Store(true)
	time.Sleep(2 * silence)
	before := len(seen())
	store.down.Store(false)
	// The first beat after the outage still counts the other replica.
	deadline := time.Now().Add(5 * time.Second)
	for len(seen()) == before && time.Now().Before(deadline) {
		time.Sleep(10 * time.Millisecond)
	}
	if got := seen(); len(got) == before || got[before] != 2 {
		t.Fatalf("beats %v (outage after %d): the first beat after the outage must count the other replica", got, before)
	}
	// It never beats again: the next beat takes it for dead.
	for !slices.Contains(seen()[before:], 1) && time.Now().Before(deadline) {
		time.Sleep(10 * time.Millisecond)
	}
	if got := seen()[before:]; !slices.Contains(got, 1) {
		t.Errorf("beats after the outage %v: the other replica, still silent, must be taken for dead", got)
	}
}
