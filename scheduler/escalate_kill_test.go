package scheduler_test

import (
	"context"
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"github.com/riverqueue/river/riverdriver/riversqlite"

	"parabot/roster"
	"parabot/scheduler"
	"parabot/storage/sqlite"
)

// The child process of TestWalkEscalationKilled reads these.
const (
	helperDB  = "PARABOT_TEST_ESC_HELPER_DB"  // the shared SQLite file
	helperOut = "PARABOT_TEST_ESC_HELPER_OUT" // where it writes the messages it delivered
)

// walkerOnFile walks the demo school on one serve process over the
// SQLite file path, its clock at start; fresh imports the demo roster.
func walkerOnFile(t *testing.T, path string, start time.Time, fresh bool) *walker {
	t.Helper()
	db, err := sqlite.Open(context.Background(), path, quiet())
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { db.Close() })
	if fresh {
		if _, err := roster.Import(context.Background(), db, roster.Demo()); err != nil {
			t.Fatal(err)
		}
	}
	loc, _ := time.LoadLocation("America/New_York")
	w := &walker{t: t, db: db, clock: &fakeClock{now: start}, loc: loc, counts: map[string]int{},
		replica: []replica{{store: db, start: func(cfg scheduler.Config) (scheduler.Runner, error) {
			return scheduler.Start(context.Background(), riversqlite.New(db.SQL()), cfg)
		}}}}
	w.box = &inbox{clock: w.clock, loc: loc}
	w.start()
	t.Cleanup(func() { w.stop() })
	return w
}

// TestHelperEscalationProcess is the serve process that
// TestWalkEscalationKilled kills: it raises a concern at 09:00, delivers
// level 1, writes what it delivered, and waits to be killed.
func TestHelperEscalationProcess(t *testing.T) {
	path, out := os.Getenv(helperDB), os.Getenv(helperOut)
	if path == "" || out == "" {
		t.Skip("run by TestWalkEscalationKilled as its child process")
	}
	w := newEscWalker(t, walkerOnFile(t, path, escStart, true))
	w.to("2026-11-02 09:00")
	w.box.take()
	w.do("lee", "/concern S101 refused lunch and says her stomach hurts")
	var got []string
	for deadline := time.Now().Add(30 * time.Second); len(got) == 0 && time.Now().Before(deadline); time.Sleep(20 * time.Millisecond) {
		got = append(got, w.box.take()...)
	}
	if err := os.WriteFile(out+".tmp", []byte(strings.Join(got, "\n")+"\n"), 0o600); err != nil {
		t.Fatal(err)
	}
	if err := os.Rename(out+".tmp", out); err != nil {
		t.Fatal(err)
	}
	time.Sleep(5 * time.Minute) // killed long before
	t.Error("not killed")
}

// TestWalkEscalationKilled kills the serve process with SIGKILL between
// two steps of a concern's ladder (no graceful stop: its job runner, its
// leadership and its database connection just end). A new process on the
// same database, its clock moved on, tells level 2 on time, once.
func TestWalkEscalationKilled(t *testing.T) {
	dir := t.TempDir()
	path, out := filepath.Join(dir, "parabot.db"), filepath.Join(dir, "delivered.txt")
	child := exec.Command(os.Args[0], "-test.run=^TestHelperEscalationProcess$", "-test.count=1")
	child.Env = append(os.Environ(), helperDB+"="+path, helperOut+"="+out)
	child.Stdout, child.Stderr = os.Stderr, os.Stderr
	if err := child.Start(); err != nil {
		t.Fatal(err)
	}
	var delivered []byte
	for deadline := time.Now().Add(2 * time.Minute); ; time.Sleep(50 * time.Millisecond) {
		b, err := os.ReadFile(out)
		if err == nil {
			delivered = b
			break
		}
		if time.Now().After(deadline) {
			child.Process.Kill()
			child.Wait()
			t.Fatal("the child process delivered nothing in 2 minutes")
		}
	}
	if err := child.Process.Kill(); err != nil { // SIGKILL
		t.Fatal(err)
	}
	if err := child.Wait(); err == nil || !strings.Contains(err.Error(), "killed") {
		t.Fatalf("child ended with %v, want killed", err)
	}
	if got, want := strings.TrimSpace(string(delivered)), "Mon Nov 2 09:00 EST rivera: "+concern1; got != want {
		t.Fatalf("before the kill, delivered:\n  %s\nwant:\n  %s", got, want)
	}

	w := newEscWalker(t, walkerOnFile(t, path, escStart.Add(5*time.Minute), false))
	w.to("2026-11-02 09:29")
	w.expectEsc("restarted, before the timeout")
	w.to("2026-11-02 09:30")
	w.expectEsc("level 1's timeout, after the kill",
		"Mon Nov 2 09:30 EST patel: "+concern1,
		"Mon Nov 2 09:30 EST lee: Your concern #1 about Ava B. (S101) was not acknowledged in time; it went to Dr. Anil Patel (level 2).")
	w.to("2026-11-02 11:00")
	w.expectEsc("the top of the ladder: nothing more")
	w.timeline(1,
		"Mon Nov 2 09:00  opened by Jamie Lee",
		"Mon Nov 2 09:00  level 1: told Maria Rivera",
		"Mon Nov 2 09:30  moved up to level 2: told Dr. Anil Patel")
}
