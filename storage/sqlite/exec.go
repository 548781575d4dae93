package sqlite

import (
	"context"
	"database/sql"
	"fmt"

	"parabot/storage"
	"parabot/storage/sqlstore"
)

// exec adapts database/sql to sqlstore.Executor: on the database when tx
// is nil, else in tx. Outside a transaction, reads (QueryRow, Query) run
// on the read connections and writes (Exec) on the one write connection.
// A query prepared at Open runs as its prepared statement in tx or on
// the write connection; a read on the read connections runs as a
// statement prepared at its first run and kept. Errors are translated by
// dbErr.
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

// query runs a read: in tx (its statement prepared at Open if it has
// one), or on the read connections as a kept prepared statement.
func (e executor) query(ctx context.Context, query string, args []any) (*sql.Rows, error) {
	if e.tx != nil {
		if stmt := e.stmt(ctx, query); stmt != nil {
			return stmt.QueryContext(ctx, args...)
		}
		return e.tx.QueryContext(ctx, query, args...)
	}
	if stmt := e.db.readStmt(ctx, query); stmt != nil {
		return stmt.QueryContext(ctx, args...)
	}
	return e.db.read.QueryContext(ctx, query, args...)
}

// maxReadStmts bounds how many read statements are kept prepared: the
// queries are the program's own, but a few are built from a filter's
// parts.
const maxReadStmts = 512

// readStmt returns query's statement prepared on the read connections,
// preparing and keeping it at its first run while there is room; nil
// when it cannot be prepared (the query then reports its own error) or
// there is no room.
func (db *DB) readStmt(ctx context.Context, query string) *sql.Stmt {
	db.readMu.Lock()
	stmt, ok := db.readStmts[query]
	full := db.readStmts == nil || len(db.readStmts) >= maxReadStmts
	db.readMu.Unlock()
	if ok || full {
		return stmt
	}
	stmt, err := db.read.PrepareContext(ctx, query)
	if err != nil {
		return nil
	}
	db.readMu.Lock()
	defer db.readMu.Unlock()
	if kept, ok := db.readStmts[query]; ok || db.readStmts == nil {
		_ = stmt.Close() // prepared meanwhile by another caller, or closed
		return kept
	}
	db.readStmts[query] = stmt
	return stmt
}

func (e executor) QueryRow(ctx context.Context, query string, args ...any) sqlstore.Row {
	r, err := e.query(ctx, query, args)
	return row{r, err}
}

func (e executor) Query(ctx context.Context, query string, args ...any) (sqlstore.Rows, error) {
	r, err := e.query(ctx, query, args)
	if err != nil {
		return nil, dbErr(err)
	}
	return rows{r}, nil
}

func (e executor) Exec(ctx context.Context, query string, args ...any) (int64, error) {
	var res sql.Result
	var err error
	switch stmt := e.stmt(ctx, query); {
	case stmt != nil:
		res, err = stmt.ExecContext(ctx, args...)
	case e.tx != nil:
		res, err = e.tx.ExecContext(ctx, query, args...)
	default:
		res, err = e.db.db.ExecContext(ctx, query, args...)
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

// row is the first row of rows, as database/sql's Row, whose Scan
// returns sql.ErrNoRows (translated) when there is none.
type row struct {
	r   *sql.Rows
	err error
}

func (r row) Scan(dest ...any) error {
	if r.err != nil {
		return dbErr(r.err)
	}
	defer r.r.Close()
	if !r.r.Next() {
		if err := r.r.Err(); err != nil {
			return dbErr(err)
		}
		return dbErr(sql.ErrNoRows)
	}
	if err := r.r.Scan(dest...); err != nil {
		return dbErr(err)
	}
	return dbErr(r.r.Close())
}

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
// inserts, the entry's guarded by the right to log, in a transaction
// shared with other writes (the writer is SQLite's only one, so no import
// commits between the check and the inserts). When the entry was not
// inserted, a second look tells a right that is gone
// (storage.ErrNoAccess) from a used one-time key (storage.ErrDuplicate).
func (db *DB) logEntry(ctx context.Context, n sqlstore.NewEntry, jobs []storage.Job) (int64, error) {
	var id int64
	err := db.write(ctx, func(ctx context.Context, tx *sql.Tx) error {
		res, err := tx.StmtContext(ctx, db.stmts[sqlstore.InsertEntrySQL]).ExecContext(ctx, append(n.EntryArgs(dialect), n.Day)...)
		if err != nil {
			return fmt.Errorf("inserting entry: %w", dbErr(err))
		}
		added, err := res.RowsAffected()
		if err != nil {
			return fmt.Errorf("counting the entries inserted: %w", err)
		}
		if added == 0 {
			return sqlstore.NotLogged(ctx, db.exec(tx), n)
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
