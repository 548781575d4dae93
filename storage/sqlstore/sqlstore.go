// Package sqlstore holds every query that both storage engines run as
// written: the SQL of parabot lives here once, beside the Go that runs it.
// It runs on a small Executor; storage/postgres adapts pgx to it and
// storage/sqlite adapts database/sql. The schema's migrations are here
// too, written once (Shared). An engine keeps only what must differ:
// opening, the few migrations whose SQL differs, its write path and its
// Dialect.
package sqlstore

import (
	"context"
	"fmt"
	"time"

	"parabot/storage"
)

// Executor runs SQL with $n placeholders. Its errors are already the
// storage package's: "no rows" is storage.ErrNotFound, a uniqueness
// violation storage.ErrConflict (the engine's adapter translates them).
type Executor interface {
	// QueryRow runs a query expected to return at most one row; Scan on
	// the row returns storage.ErrNotFound when there is none.
	QueryRow(ctx context.Context, query string, args ...any) Row
	// Query runs a query returning rows.
	Query(ctx context.Context, query string, args ...any) (Rows, error)
	// Exec runs a statement and returns how many rows it changed.
	Exec(ctx context.Context, query string, args ...any) (int64, error)
}

// Row is one row of QueryRow.
type Row interface {
	Scan(dest ...any) error
}

// Rows are the rows of Query. Close may be called more than once.
type Rows interface {
	Next() bool
	Scan(dest ...any) error
	Err() error
	Close()
}

// Dialect is what differs between the engines in the statements this
// package runs.
type Dialect struct {
	// Time is how a time is passed as an argument: SQLite stores a
	// fixed-width UTC text, Postgres a TIMESTAMPTZ.
	Time func(time.Time) any
	// Lock ends a SELECT whose rows a transaction will change ("FOR
	// UPDATE" on Postgres; empty on SQLite, whose transactions hold the
	// whole database).
	Lock string
	// AnyID is the condition that column holds one of the ids passed as
	// argument $n, and IDs how that list is passed: "= ANY($n)" with a
	// bigint array on Postgres, "IN (SELECT value FROM json_each($n))"
	// with a JSON array on SQLite.
	AnyID func(column string, n int) string
	IDs   func(ids []int64) any
	// Holds is the condition that a JSON array of ids in column (a TEXT
	// column, such as the staff told at a step) holds the id passed as
	// argument $n.
	Holds func(column string, n int) string
	// Types are the engine's words for the placeholders of the shared
	// migrations, such as {time}.
	Types Types
}

// lockOf locks the rows of one table of a join.
func (d Dialect) lockOf(table string) string {
	if d.Lock == "" {
		return ""
	}
	return d.Lock + " OF " + table
}

// TxFunc runs fn in one transaction of its own, committing when fn
// returns nil.
type TxFunc func(ctx context.Context, fn func(ctx context.Context, x Executor) error) error

// WriteFunc runs fn and inserts jobs in one transaction, on the engine's
// write path (on SQLite, shared with other writes: see sqlite.DB.write).
// fn must run its statements on the context it is given.
type WriteFunc func(ctx context.Context, jobs []storage.Job, fn func(ctx context.Context, x Executor) error) error

// Store implements the parts of storage.Store that both engines share.
// Engines embed it.
type Store struct {
	db    Executor
	d     Dialect
	tx    TxFunc
	write WriteFunc
	logf  LogFunc
}

// New returns a Store reading through db, with the engine's dialect, its
// transactions, its write path and its logging write.
func New(db Executor, d Dialect, tx TxFunc, write WriteFunc, log LogFunc) *Store {
	return &Store{db: db, d: d, tx: tx, write: write, logf: log}
}

// UTC scans a stored time (TEXT from SQLite, TIMESTAMPTZ from Postgres,
// or NULL as the zero time) into *T, in UTC.
type UTC struct{ T *time.Time }

// Scan implements sql.Scanner (and what pgx asks of a scan target).
func (u UTC) Scan(src any) error {
	switch v := src.(type) {
	case string:
		t, err := time.Parse(TimeFormat, v)
		if err != nil {
			return fmt.Errorf("parsing stored time %q: %w", v, err)
		}
		*u.T = t.UTC()
	case []byte:
		return u.Scan(string(v))
	case time.Time:
		*u.T = v.UTC()
	case nil:
		*u.T = time.Time{}
	default:
		return fmt.Errorf("cannot scan %T into a time", src)
	}
	return nil
}

// TimeFormat is how SQLite stores times: UTC with a fixed width, so that
// text order is time order.
const TimeFormat = "2006-01-02T15:04:05.000000Z"

// farFuture stands in for "no upper bound" in time ranges.
var farFuture = time.Date(9999, 12, 31, 0, 0, 0, 0, time.UTC)

// upper is a filter's upper bound: To, or far in the future when unset.
func upper(to time.Time) time.Time {
	if to.IsZero() {
		return farFuture
	}
	return to
}

// nullID writes 0 as NULL.
func nullID(id int64) any {
	if id == 0 {
		return nil
	}
	return id
}

// deref reads a nullable id, NULL as 0.
func deref(p *int64) int64 {
	if p == nil {
		return 0
	}
	return *p
}

// scanner is a Row or Rows.
type scanner interface{ Scan(dest ...any) error }

// list runs a query and scans every row with scan; an error says what
// was being done.
func list[T any](ctx context.Context, x Executor, what string, scan func(scanner) (T, error), query string, args ...any) ([]T, error) {
	rows, err := x.Query(ctx, query, args...)
	if err != nil {
		return nil, fmt.Errorf("%s: %w", what, err)
	}
	defer rows.Close()
	var out []T
	for rows.Next() {
		v, err := scan(rows)
		if err != nil {
			return nil, fmt.Errorf("%s: %w", what, err)
		}
		out = append(out, v)
	}
	if err := rows.Err(); err != nil {
		return nil, fmt.Errorf("%s: %w", what, err)
	}
	return out, nil
}

// one runs a query for one row and scans it with scan; no row is
// storage.ErrNotFound, and an error says what was being done.
func one[T any](ctx context.Context, x Executor, what string, scan func(scanner) (T, error), query string, args ...any) (T, error) {
	v, err := scan(x.QueryRow(ctx, query, args...))
	if err != nil {
		var zero T
		return zero, fmt.Errorf("%s: %w", what, err)
	}
	return v, nil
}
