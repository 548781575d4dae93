package sqlite

import (
	"context"
	"database/sql"
	"errors"
	"fmt"

	"parabot/storage"
	"parabot/storage/sqlstore"
)

// exec adapts database/sql to sqlstore.Executor: on the database when tx
// is nil, else in tx. A query prepared at Open runs as its prepared
// statement. Errors are translated by dbErr.
func (db *DB) exec(tx *sql.Tx) sqlstore.Executor { return executor{db: db, tx: tx} }

type executor struct {
	db *DB
	tx *sql.Tx
}

// queryer is what *sql.DB, *sql.Tx and *sql.Stmt share, with or without
// the query text.
type queryer interface {
	QueryRowContext(ctx context.Context, args ...any) *sql.Row
	QueryContext(ctx context.Context, args ...any) (*sql.Rows, error)
	ExecContext(ctx context.Context, args ...any) (sql.Result, error)
}

// on returns what runs query with args: its prepared statement, in tx if
// any, or the query text on the database or tx.
func (e executor) on(ctx context.Context, query string, args []any) (queryer, []any) {
	if stmt, ok := e.db.stmts[query]; ok {
		if e.tx != nil {
			stmt = e.tx.StmtContext(ctx, stmt)
		}
		return stmt, args
	}
	if e.tx != nil {
		return textQueryer{e.tx}, append([]any{query}, args...)
	}
	return textQueryer{e.db.db}, append([]any{query}, args...)
}

func (e executor) QueryRow(ctx context.Context, query string, args ...any) sqlstore.Row {
	q, args := e.on(ctx, query, args)
	return row{q.QueryRowContext(ctx, args...)}
}

func (e executor) Query(ctx context.Context, query string, args ...any) (sqlstore.Rows, error) {
	q, args := e.on(ctx, query, args)
	r, err := q.QueryContext(ctx, args...)
	if err != nil {
		return nil, dbErr(err)
	}
	return rows{r}, nil
}

func (e executor) Exec(ctx context.Context, query string, args ...any) (int64, error) {
	q, args := e.on(ctx, query, args)
	res, err := q.ExecContext(ctx, args...)
	if err != nil {
		return 0, dbErr(err)
	}
	n, err := res.RowsAffected()
	if err != nil {
		return 0, fmt.Errorf("counting rows: %w", err)
	}
	return n, nil
}

// sqlQueryer is *sql.DB or *sql.Tx.
type sqlQueryer interface {
	QueryRowContext(ctx context.Context, query string, args ...any) *sql.Row
	QueryContext(ctx context.Context, query string, args ...any) (*sql.Rows, error)
	ExecContext(ctx context.Context, query string, args ...any) (sql.Result, error)
}

// textQueryer runs a query given as its first argument.
type textQueryer struct{ q sqlQueryer }

func (t textQueryer) QueryRowContext(ctx context.Context, args ...any) *sql.Row {
	return t.q.QueryRowContext(ctx, args[0].(string), args[1:]...)
}

func (t textQueryer) QueryContext(ctx context.Context, args ...any) (*sql.Rows, error) {
	return t.q.QueryContext(ctx, args[0].(string), args[1:]...)
}

func (t textQueryer) ExecContext(ctx context.Context, args ...any) (sql.Result, error) {
	return t.q.ExecContext(ctx, args[0].(string), args[1:]...)
}

type row struct{ r *sql.Row }

func (r row) Scan(dest ...any) error { return dbErr(r.r.Scan(dest...)) }

type rows struct{ r *sql.Rows }

func (r rows) Next() bool             { return r.r.Next() }
func (r rows) Scan(dest ...any) error { return r.r.Scan(dest...) }
func (r rows) Err() error             { return dbErr(r.r.Err()) }
func (r rows) Close()                 { _ = r.r.Close() }

// writeTx runs fn and inserts jobs in one transaction on the writer
// (writer.go), shared with other writes.
func (db *DB) writeTx(ctx context.Context, jobs []storage.Job, fn func(ctx context.Context, x sqlstore.Executor) error) error {
	return db.write(ctx, func(ctx context.Context, tx *sql.Tx) error {
		if err := fn(ctx, db.exec(tx)); err != nil {
			return err
		}
		return db.insertJobs(ctx, tx, jobs)
	})
}

// logEntry writes an entry and its record on the writer: two prepared
// inserts, in a transaction shared with other writes.
func (db *DB) logEntry(ctx context.Context, n sqlstore.NewEntry, jobs []storage.Job) (int64, error) {
	var id int64
	err := db.writeTx(ctx, jobs, func(ctx context.Context, x sqlstore.Executor) error {
		err := x.QueryRow(ctx, sqlstore.InsertEntrySQL, n.EntryArgs(dialect)...).Scan(&id)
		if errors.Is(err, sql.ErrNoRows) {
			return storage.ErrDuplicate // no row: the one-time key was used
		}
		if err != nil {
			return fmt.Errorf("inserting entry: %w", err)
		}
		if _, err := x.Exec(ctx, n.Shape.InsertSQL(), append([]any{id}, n.Args...)...); err != nil {
			return fmt.Errorf("inserting %s: %w", n.Shape.Table, err)
		}
		return nil
	})
	return id, err
}

// insertJobs inserts jobs with River in tx, so they commit with it; a job
// whose uniqueness key was claimed before is left out.
func (db *DB) insertJobs(ctx context.Context, tx *sql.Tx, jobs []storage.Job) error {
	if len(jobs) == 0 {
		return nil
	}
	jobs, err := sqlstore.UniqueJobs(ctx, db.exec(tx), dialect, jobs)
	if err != nil || len(jobs) == 0 {
		return err
	}
	if _, err := db.river.InsertManyTx(ctx, tx, sqlstore.RiverJobs(jobs)); err != nil {
		return fmt.Errorf("inserting %d jobs: %w", len(jobs), err)
	}
	return nil
}
