package scheduler_test

import (
	"context"
	"slices"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/riverqueue/river/riverdriver/riversqlite"

	"parabot/bot"
	"parabot/scheduler"
	"parabot/storage"
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

	// School time is a Sunday in July, so the planner has nothing to send.
	shell := &sharer{}
	var counted sync.Mutex
	var lastLive, reruns int
	from, began := time.Date(2026, 7, 5, 12, 0, 0, 0, time.UTC), time.Now()
	r, err := scheduler.Start(ctx, riversqlite.New(db.SQL()), scheduler.Config{
		Store: db, Senders: map[storage.Platform]scheduler.Sender{storage.PlatformShell: shell}, Log: quiet(),
		Now: func() time.Time { return from.Add(time.Since(began)) }, PollInterval: 20 * time.Millisecond, ReplicaSilence: silence,
		CountReplicas: func(live, rerun int) {
			counted.Lock()
			defer counted.Unlock()
			lastLive, reruns = live, reruns+rerun
		},
	})
	if err != nil {
		t.Fatal(err)
	}
	stopped := false
	stop := func() {
		if stopped {
			return
		}
		stopped = true
		sctx, cancel := context.WithTimeout(ctx, 10*time.Second)
		defer cancel()
		if err := r.Stop(sctx); err != nil {
			t.Errorf("Stop: %v", err)
		}
	}
	t.Cleanup(stop)

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
	for !slices.Equal(shell.got(), []int{2, 1}) && time.Now().Before(deadline) {
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
	stop()
	now := time.Now()
	live, dead, err := db.Beat(ctx, "newcomer", now, now.Add(-silence))
	if err != nil {
		t.Fatal(err)
	}
	if live != 1 || len(dead) != 0 {
		t.Errorf("after Stop: live %d, dead %v; want the newcomer alone and nobody dead", live, dead)
	}
}
