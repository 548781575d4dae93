// Package accesslog records who read which student's records, through
// which surface, off the request path: a request appends its rows to an
// in-process buffer, and one goroutine writes them every second (or as
// soon as a batch is full) with one multi-row insert. Close writes what
// is left, so nothing recorded is lost at shutdown.
package accesslog

import (
	"context"
	"fmt"
	"log/slog"
	"sync"
	"time"

	"parabot/storage"
)

// Store is what the log writes to.
type Store interface {
	RecordAudits(ctx context.Context, events []storage.AuditEvent) error
}

// Defaults of a Log.
const (
	// FlushEvery is how often buffered rows are written.
	FlushEvery = time.Second
	// BatchRows is how many buffered rows start a write at once.
	BatchRows = 500
	// writeTimeout bounds one write.
	writeTimeout = 10 * time.Second
)

// Log is the buffered access log. Record never waits for the database.
type Log struct {
	store Store
	log   *slog.Logger
	every time.Duration

	mu      sync.Mutex
	buf     []storage.AuditEvent
	writing int // rows taken from buf whose write has not returned yet
	closed  bool

	kick chan struct{} // a full batch is waiting
	stop chan struct{}
	done chan struct{}
}

// Start starts the log's writer; every is the flush interval (0:
// FlushEvery). Stop it with Close.
func Start(store Store, log *slog.Logger, every time.Duration) *Log {
	if every <= 0 {
		every = FlushEvery
	}
	l := &Log{store: store, log: log, every: every, kick: make(chan struct{}, 1), stop: make(chan struct{}), done: make(chan struct{})}
	go l.run()
	return l
}

// Record buffers rows for the next write. After Close it writes them at
// once instead, so a late read is still recorded.
func (l *Log) Record(events ...storage.AuditEvent) {
	if len(events) == 0 {
		return
	}
	l.mu.Lock()
	if l.closed {
		l.mu.Unlock()
		ctx, cancel := context.WithTimeout(context.Background(), writeTimeout)
		defer cancel()
		if err := l.store.RecordAudits(ctx, events); err != nil {
			l.log.Error("access log: writing rows after close", "rows", len(events), "error", err)
		}
		return
	}
	l.buf = append(l.buf, events...)
	full := len(l.buf) >= BatchRows
	l.mu.Unlock()
	if full {
		select {
		case l.kick <- struct{}{}:
		default:
		}
	}
}

// Pending tells how many rows are not stored yet: buffered, or being
// written.
func (l *Log) Pending() int {
	l.mu.Lock()
	defer l.mu.Unlock()
	return len(l.buf) + l.writing
}

func (l *Log) run() {
	defer close(l.done)
	tick := time.NewTicker(l.every)
	defer tick.Stop()
	for {
		select {
		case <-l.stop:
			return
		case <-tick.C:
		case <-l.kick:
		}
		ctx, cancel := context.WithTimeout(context.Background(), writeTimeout)
		if err := l.Flush(ctx); err != nil {
			l.log.Warn("access log: write failed; rows kept for the next try", "error", err)
		}
		cancel()
	}
}

// Flush writes every buffered row now. Rows it could not write stay in
// the buffer, ahead of newer ones.
func (l *Log) Flush(ctx context.Context) error {
	l.mu.Lock()
	rows := l.buf
	l.buf = nil
	l.writing += len(rows)
	l.mu.Unlock()
	if len(rows) == 0 {
		return nil
	}
	err := l.store.RecordAudits(ctx, rows)
	l.mu.Lock()
	defer l.mu.Unlock()
	l.writing -= len(rows)
	if err != nil {
		l.buf = append(rows, l.buf...)
		return fmt.Errorf("writing %d access log rows: %w", len(rows), err)
	}
	return nil
}

// Close stops the writer and writes what is left; call it before the
// store closes. Rows recorded after Close are written one call at a time.
// It returns when ctx ends, even while a write is waiting for the
// database, saying how many rows were not written.
func (l *Log) Close(ctx context.Context) error {
	l.mu.Lock()
	if l.closed {
		l.mu.Unlock()
		return nil
	}
	l.closed = true
	l.mu.Unlock()
	close(l.stop)
	select {
	case <-l.done:
	case <-ctx.Done():
		return fmt.Errorf("access log: %d rows not written: %w", l.Pending(), ctx.Err())
	}
	return l.Flush(ctx)
}
