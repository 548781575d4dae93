package sqlite

import (
	"cmp"
	"context"
	"database/sql"
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

// stmt returns query's statement prepared at Open (in tx, if any), or nil.
func (e executor) stmt(ctx context.Context, query string) *sql.Stmt {
	stmt, ok := e.db.stmts[query]
	if ok && e.tx != nil {
		stmt = e.tx.StmtContext(ctx, stmt)
	}
	return stmt
}

// q is the database, or tx when there is one.
func (e executor) q() interface {
	QueryRowContext(ctx context.Context, query string, args ...any) *sql.Row
	QueryContext(ctx context.Context, query string, args ...any) (*sql.Rows, error)
	ExecContext(ctx context.Context, query string, args ...any) (sql.Result, error)
} {
	if e.tx != nil {
		return e.tx
	}
	return e.db.db
}

func (e executor) QueryRow(ctx context.Context, query string, args ...any) sqlstore.Row {
	if stmt := e.stmt(ctx, query); stmt != nil {
		return row{stmt.QueryRowContext(ctx, args...)}
	}
	return row{e.q().QueryRowContext(ctx, query, args...)}
}

func (e executor) Query(ctx context.Context, query string, args ...any) (sqlstore.Rows, error) {
	r, err := e.q().QueryContext(ctx, query, args...)
	if err != nil {
		return nil, dbErr(err)
	}
	return rows{r}, nil
}

func (e executor) Exec(ctx context.Context, query string, args ...any) (int64, error) {
	var res sql.Result
	var err error
	if stmt := e.stmt(ctx, query); stmt != nil {
		res, err = stmt.ExecContext(ctx, args...)
	} else {
		res, err = e.q().ExecContext(ctx, query, args...)
	}
	if err != nil {
		return 0, dbErr(err)
	}
	n, err := res.RowsAffected()
	if err != nil {
		return 0, fmt.Errorf("counting rows: %w", err)
	}
	return n, nil
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

// logEntry writes an entry and its record on the writer: the check of
// the right to log and two prepared inserts, in a transaction shared with
// other writes (the writer is SQLite's only one, so no import commits
// between the check and the inserts).
func (db *DB) logEntry(ctx context.Context, n sqlstore.NewEntry, jobs []storage.Job) (int64, error) {
	var id int64
	err := db.write(ctx, func(ctx context.Context, tx *sql.Tx) error {
		var may bool
		e := n.Entry
		if err := tx.StmtContext(ctx, db.stmts[sqlstore.MayLogSQL]).QueryRowContext(ctx, e.StaffID, e.StudentID, n.Day).Scan(&may); err != nil {
			return fmt.Errorf("checking the right to log: %w", dbErr(err))
		}
		if !may {
			return storage.ErrNoAccess
		}
		res, err := tx.StmtContext(ctx, db.stmts[sqlstore.InsertEntrySQL]).ExecContext(ctx, n.EntryArgs(dialect)...)
		if err != nil {
			return fmt.Errorf("inserting entry: %w", dbErr(err))
		}
		if added, err := res.RowsAffected(); err != nil || added == 0 {
			return cmp.Or(err, storage.ErrDuplicate) // nothing inserted: the one-time key was used
		}
		if id, err = res.LastInsertId(); err != nil {
			return fmt.Errorf("reading the entry's id: %w", err)
		}
		if _, err := tx.StmtContext(ctx, db.stmts[n.Shape.Insert]).ExecContext(ctx, append([]any{id}, n.Args...)...); err != nil {
			return fmt.Errorf("inserting %s: %w", n.Shape.Table, dbErr(err))
		}
		if n.Then != nil {
			if err := n.Then(ctx, db.exec(tx), id); err != nil {
				return err
			}
		}
		return db.insertJobs(ctx, tx, jobs)
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
