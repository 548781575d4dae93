package postgres

import (
	"context"
	"errors"
	"fmt"
	"strings"

	"github.com/jackc/pgx/v5"
	"github.com/jackc/pgx/v5/pgconn"

	"parabot/storage"
	"parabot/storage/sqlstore"
)

// queryer is what *pgxpool.Pool and pgx.Tx both offer.
type queryer interface {
	Exec(ctx context.Context, sql string, args ...any) (pgconn.CommandTag, error)
	Query(ctx context.Context, sql string, args ...any) (pgx.Rows, error)
	QueryRow(ctx context.Context, sql string, args ...any) pgx.Row
}

// executor adapts pgx to sqlstore.Executor; errors are translated by dbErr.
type executor struct{ q queryer }

func (e executor) QueryRow(ctx context.Context, query string, args ...any) sqlstore.Row {
	return row{e.q.QueryRow(ctx, query, args...)}
}

func (e executor) Query(ctx context.Context, query string, args ...any) (sqlstore.Rows, error) {
	r, err := e.q.Query(ctx, query, args...)
	if err != nil {
		return nil, dbErr(err)
	}
	return rows{r}, nil
}

func (e executor) Exec(ctx context.Context, query string, args ...any) (int64, error) {
	tag, err := e.q.Exec(ctx, query, args...)
	if err != nil {
		return 0, dbErr(err)
	}
	return tag.RowsAffected(), nil
}

type row struct{ r pgx.Row }

func (r row) Scan(dest ...any) error { return dbErr(r.r.Scan(dest...)) }

type rows struct{ r pgx.Rows }

func (r rows) Next() bool             { return r.r.Next() }
func (r rows) Scan(dest ...any) error { return r.r.Scan(dest...) }
func (r rows) Err() error             { return dbErr(r.r.Err()) }
func (r rows) Close()                 { r.r.Close() }

// writeTx runs fn and inserts jobs in one transaction.
func (db *DB) writeTx(ctx context.Context, jobs []storage.Job, fn func(ctx context.Context, x sqlstore.Executor) error) error {
	return db.inTx(ctx, func(tx pgx.Tx) error {
		if err := fn(ctx, executor{tx}); err != nil {
			return err
		}
		return db.insertJobs(ctx, tx, jobs)
	})
}

// entryValues are InsertEntrySQL's columns and arguments, typed (INSERT
// ... SELECT does not type its arguments from the columns).
const entryValues = `(kind, staff_id, student_id, created_at, summary, active, once_key, detail)
	SELECT CAST($1 AS TEXT), CAST($2 AS BIGINT), CAST($3 AS BIGINT), CAST($4 AS TIMESTAMPTZ), CAST($5 AS TEXT), true,
		CAST($6 AS TEXT), CAST($7 AS TEXT)`

// logStatements builds, once, the statement that logs an entry with its
// record, for each record table: a data-modifying CTE, so that without
// jobs logging is one round trip. The entry is inserted only when the
// staff member may log for the student (sqlstore.MayLogCond, its day the
// last argument), read in the statement's own snapshot.
func logStatements() map[string]string {
	out := map[string]string{}
	for _, sh := range sqlstore.Shapes {
		base := len(sqlstore.NewEntry{}.EntryArgs(dialect)) // InsertEntrySQL's arguments come first
		vals := make([]string, len(sh.Cols))
		for i, c := range sh.Cols {
			vals[i] = fmt.Sprintf("CAST($%d AS %s)", base+i+1, c.Type)
		}
		day := fmt.Sprintf("CAST($%d AS TEXT)", base+len(sh.Cols)+1)
		out[sh.Table] = `WITH ok AS (SELECT 1 WHERE ` + sqlstore.MayLogCond("$2", "$3", day) + `),
		e AS (INSERT INTO entries ` + entryValues + ` FROM ok ON CONFLICT (once_key) DO NOTHING RETURNING id), r AS (
			INSERT INTO ` + sh.Table + ` (` + sh.Names() + `) SELECT e.id, ` + strings.Join(vals, ", ") + ` FROM e
		)
		SELECT id FROM e`
	}
	return out
}

// logEntry writes an entry and its record as one statement (logStatements);
// with jobs (or n.Then) it is that statement, n.Then and River's insert
// in one transaction.
// When it wrote nothing, a second look tells a used one-time key
// (storage.ErrDuplicate) from a right that is gone (storage.ErrNoAccess).
func (db *DB) logEntry(ctx context.Context, n sqlstore.NewEntry, jobs []storage.Job) (int64, error) {
	args := append(append(n.EntryArgs(dialect), n.Args...), n.Day)
	q, ok := db.logs[n.Shape.Table]
	if !ok {
		return 0, fmt.Errorf("logging into %s: not a record table", n.Shape.Table)
	}
	var id int64
	scan := func(x sqlstore.Executor) error {
		err := x.QueryRow(ctx, q, args...).Scan(&id)
		if !errors.Is(err, pgx.ErrNoRows) {
			return err
		}
		return sqlstore.NotLogged(ctx, x, n)
	}
	var err error
	if len(jobs) == 0 && n.Then == nil {
		err = scan(executor{db.pool})
	} else {
		err = db.writeTx(ctx, jobs, func(ctx context.Context, x sqlstore.Executor) error {
			if err := scan(x); err != nil || n.Then == nil {
				return err
			}
			return n.Then(ctx, x, id)
		})
	}
	return id, err
}

// insertJobs inserts jobs with River in tx, so they commit with it; a job
// whose uniqueness key was claimed before is left out.
func (db *DB) insertJobs(ctx context.Context, tx pgx.Tx, jobs []storage.Job) error {
	if len(jobs) == 0 {
		return nil
	}
	jobs, err := sqlstore.UniqueJobs(ctx, executor{tx}, dialect, jobs)
	if err != nil || len(jobs) == 0 {
		return err
	}
	if _, err := db.river.InsertManyTx(ctx, tx, sqlstore.RiverJobs(jobs)); err != nil {
		return fmt.Errorf("inserting %d jobs: %w", len(jobs), err)
	}
	return nil
}
