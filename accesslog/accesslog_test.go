package accesslog_test

import (
	"context"
	"errors"
	"io"
	"log/slog"
	"strings"
	"sync"
	"testing"
	"time"

	"parabot/accesslog"
	"parabot/storage"
	"parabot/storage/storagetest"
)

var quiet = slog.New(slog.NewTextHandler(io.Discard, nil))

func read(staffID int64, n int) storage.AuditEvent {
	return storage.AuditEvent{At: time.Date(2026, 11, 24, 15, 0, n, 0, time.UTC), StaffID: staffID, Action: "read", Entity: "today"}
}

// Rows recorded just before Close are written by Close, before the store
// closes: none is lost at shutdown, even with a flush interval that never
// comes.
func TestCloseWritesWhatIsLeft(t *testing.T) {
	db := storagetest.OpenSQLite(t)
	l := accesslog.Start(db, quiet, time.Hour)
	for i := range 1234 {
		l.Record(read(1, i))
	}
	if err := l.Close(context.Background()); err != nil {
		t.Fatalf("Close: %v", err)
	}
	got, err := db.Audit(context.Background(), 0)
	if err != nil || len(got) != 1234 {
		t.Fatalf("audit rows after Close = %d (err %v), want 1234", len(got), err)
	}
	// Recorded after Close: written at once.
	l.Record(read(2, 0))
	if got, _ := db.Audit(context.Background(), 0); len(got) != 1235 {
		t.Errorf("audit rows after a late record = %d, want 1235", len(got))
	}
}

// The writer writes by itself, off the caller's path.
func TestWritesInTheBackground(t *testing.T) {
	db := storagetest.OpenSQLite(t)
	l := accesslog.Start(db, quiet, 10*time.Millisecond)
	defer l.Close(context.Background())
	l.Record(read(1, 0), read(1, 1))
	for deadline := time.Now().Add(10 * time.Second); l.Pending() > 0; time.Sleep(5 * time.Millisecond) {
		if time.Now().After(deadline) {
			t.Fatalf("%d rows still pending", l.Pending())
		}
	}
	if got, err := db.Audit(context.Background(), 0); err != nil || len(got) != 2 {
		t.Errorf("audit rows = %d (err %v), want 2", len(got), err)
	}
}

// failing fails its first writes, then stores.
type failing struct {
	mu    sync.Mutex
	fails int
	rows  []storage.AuditEvent
}

func (f *failing) RecordAudits(ctx context.Context, events []storage.AuditEvent) error {
	f.mu.Lock()
	defer f.mu.Unlock()
	if f.fails > 0 {
		f.fails--
		return errors.New("database unavailable")
	}
	f.rows = append(f.rows, events...)
	return nil
}

// A failed write keeps its rows, in order, ahead of newer ones.
func TestFailedWriteKeepsRows(t *testing.T) {
	st := &failing{fails: 1}
	l := accesslog.Start(st, quiet, time.Hour)
	l.Record(read(1, 0), read(1, 1))
	if err := l.Flush(context.Background()); err == nil {
		t.Fatal("Flush succeeded on a failing store")
	}
	l.Record(read(1, 2))
	if err := l.Close(context.Background()); err != nil {
		t.Fatalf("Close: %v", err)
	}
	if len(st.rows) != 3 || st.rows[0].At.Second() != 0 || st.rows[2].At.Second() != 2 {
		t.Errorf("rows = %+v, want the 3 in order", st.rows)
	}
}

// stalled is a database that does not answer: a write waits until its
// context ends.
type stalled struct{ began chan struct{} }

func (s *stalled) RecordAudits(ctx context.Context, events []storage.AuditEvent) error {
	select {
	case s.began <- struct{}{}:
	default:
	}
	<-ctx.Done()
	return ctx.Err()
}

// Close keeps its context's deadline while the writer waits on a database
// that does not answer, and says how many rows were not written.
func TestCloseKeepsItsDeadline(t *testing.T) {
	st := &stalled{began: make(chan struct{}, 1)}
	l := accesslog.Start(st, quiet, 10*time.Millisecond)
	l.Record(read(1, 0), read(1, 1))
	select {
	case <-st.began:
	case <-time.After(10 * time.Second):
		t.Fatal("the writer did not start writing")
	}
	ctx, cancel := context.WithTimeout(context.Background(), 200*time.Millisecond)
	defer cancel()
	began := time.Now()
	err := l.Close(ctx)
	if took := time.Since(began); took > 2*time.Second {
		t.Errorf("Close took %s with a 200ms deadline", took.Round(time.Millisecond))
	}
	if err == nil || !strings.Contains(err.Error(), "2 rows not written") {
		t.Errorf("Close = %v, want the 2 rows not written", err)
	}
}
