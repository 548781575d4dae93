package sqlite

import (
	"context"
	"database/sql"
	"errors"
	"fmt"
	"sync/atomic"
	"time"
)

// The hot writes (Log*, DeactivateEntry, Claim) are committed in groups.
// SQLite has one writer, so concurrent writes queue anyway; here one
// goroutine takes every write waiting when it is free, runs them in one
// transaction and commits once. That saves, per write, a BEGIN, a COMMIT
// writing the same pages to the WAL again, and a handoff of the one
// connection. When a write fails, the group is rolled back and each write
// runs again in a transaction of its own, so a failure stays alone. Every
// caller is answered only after the COMMIT that holds its rows, so a write
// is as durable as with one transaction each.

// maxGroup bounds how many writes share one transaction.
const maxGroup = 64

// groupTimeout bounds one group's transaction.
const groupTimeout = 30 * time.Second

// errClosed answers a write that arrives after Close.
var errClosed = errors.New("sqlite database is closed")

// The states of a queued write: the writer takes a pending write before
// running it; its caller abandons a pending write when its context ends.
const (
	writePending int32 = iota
	writeTaken
	writeAbandoned
)

// write is one caller's write waiting for the writer.
type write struct {
	fn    func(ctx context.Context, tx *sql.Tx) error
	state atomic.Int32
	done  chan error // buffered: the writer never waits for the caller
}

// write runs fn in a transaction shared with other callers' writes and
// returns once that transaction has committed (nil) or fn's work was
// rolled back (fn's error). fn must run its statements with the context
// it is given, never the caller's: a statement interrupted by a caller's
// context would roll back the other callers' writes too. When ctx ends
// before the writer has started fn, nothing is written and ctx's error is
// returned; once fn has started, write waits for its outcome.
func (db *DB) write(ctx context.Context, fn func(ctx context.Context, tx *sql.Tx) error) error {
	if err := ctx.Err(); err != nil {
		return err
	}
	w := &write{fn: fn, done: make(chan error, 1)}
	select {
	case db.writes <- w:
	case <-ctx.Done():
		return ctx.Err()
	case <-db.stop:
		return errClosed
	}
	select {
	case err := <-w.done:
		return err
	case <-ctx.Done():
		if w.state.CompareAndSwap(writePending, writeAbandoned) {
			return ctx.Err()
		}
		return <-w.done
	}
}

// writeLoop is the writer: it takes a write, then every other write
// already waiting (up to maxGroup), and commits them as one group. It
// returns when stop is closed, after finishing the group in progress.
func (db *DB) writeLoop() {
	defer close(db.stopped)
	for {
		var group []*write
		select {
		case w := <-db.writes:
			group = append(group, w)
		case <-db.stop:
			return
		}
	gather:
		for len(group) < maxGroup {
			select {
			case w := <-db.writes:
				group = append(group, w)
			default:
				break gather
			}
		}
		db.commitGroup(group)
	}
}

// commitGroup runs and commits a group of writes and answers each. When
// the group's transaction fails (BEGIN, a write, COMMIT), nothing of it
// is saved, so each write is run again in a transaction of its own and
// answered with its own outcome.
func (db *DB) commitGroup(group []*write) {
	ctx, cancel := context.WithTimeout(context.Background(), groupTimeout)
	defer cancel()
	run := group[:0]
	for _, w := range group {
		if w.state.CompareAndSwap(writePending, writeTaken) {
			run = append(run, w)
		}
	}
	if len(run) == 0 {
		return
	}
	errs, err := db.runGroup(ctx, run)
	if err != nil {
		db.log.Warn("group commit failed, running its writes one by one", "engine", "sqlite", "writes", len(run), "error", err)
		for _, w := range run {
			w.done <- db.runAlone(w)
		}
		return
	}
	for i, w := range run {
		w.done <- errs[i]
	}
}

// runAlone runs one write in a transaction of its own, with a timeout of
// its own: the failed group may have used up most of its time.
func (db *DB) runAlone(w *write) error {
	ctx, cancel := context.WithTimeout(context.Background(), groupTimeout)
	defer cancel()
	return db.inTx(ctx, db.db, func(tx *sql.Tx) error { return w.fn(ctx, tx) })
}

// runGroup runs the writes in one transaction and commits. Writes rarely
// fail (commands check their input first), so there are no savepoints:
// when one write fails, the transaction is rolled back and the error is
// returned, and commitGroup runs every write again on its own. It returns
// an error for the whole transaction, which then saved nothing.
func (db *DB) runGroup(ctx context.Context, group []*write) ([]error, error) {
	tx, err := db.db.BeginTx(ctx, nil)
	if err != nil {
		return nil, fmt.Errorf("beginning transaction: %w", err)
	}
	defer tx.Rollback() //nolint:errcheck // a no-op after Commit
	for i, w := range group {
		if err := w.fn(ctx, tx); err != nil {
			if len(group) == 1 {
				return []error{err}, nil // rolled back by the deferred Rollback; nothing to run again
			}
			return nil, fmt.Errorf("write %d of %d failed: %w", i+1, len(group), err)
		}
	}
	if err := tx.Commit(); err != nil {
		return nil, fmt.Errorf("committing: %w", dbErr(err))
	}
	return make([]error, len(group)), nil
}
