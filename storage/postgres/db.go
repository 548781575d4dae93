// Package postgres is parabot's production storage engine on PostgreSQL
// (pgx/v5, pgxpool). It implements storage.Store and holds River's
// tables, so jobs are inserted in the same transaction as the records that
// cause them, and several replicas can share one database.
package postgres

import (
	"context"
	"embed"
	"errors"
	"fmt"
	"log/slog"
	"net"
	"sync/atomic"
	"time"

	"github.com/jackc/pgx/v5"
	"github.com/jackc/pgx/v5/pgconn"
	"github.com/jackc/pgx/v5/pgxpool"
	"github.com/riverqueue/river"
	"github.com/riverqueue/river/riverdriver/riverpgxv5"
	"github.com/riverqueue/river/rivermigrate"

	"parabot/storage"
	"parabot/storage/sqlstore"
)

// migrationFS holds the few migrations whose SQL differs on Postgres
// beyond the type words (Postgres's functions, UPDATE ... FROM); the rest
// are sqlstore.Shared.
//
//go:embed migrations/*.sql
var migrationFS embed.FS

// DB implements storage.Store, so every small interface it composes
// (storage.RosterReader, storage.Logbook, ...): checked at compile time.
var _ storage.Store = (*DB)(nil)

// DefaultMaxConns is the pool size when Open is given 0. The pool never
// has fewer than 2.
const DefaultMaxConns = 10

// connectTimeout bounds establishing one connection when the URL does not
// say (connect_timeout=...).
const connectTimeout = 10 * time.Second

// migrationLock is the pg_advisory_lock key held while migrating, so that
// replicas starting together migrate one at a time. It is per schema:
// databases in different schemas do not wait for each other.
const migrationLock = `hashtextextended('parabot migrations ' || current_schema(), 0)`

// DB is an open Postgres connection pool. The queries and most
// migrations are sqlstore's; this package adds opening, the migrations
// only Postgres can run and the one-statement logging write.
type DB struct {
	*sqlstore.Store
	pool  *pgxpool.Pool
	river *river.Client[pgx.Tx] // insert-only: jobs go in our transactions
	log   *slog.Logger
	logs  map[string]string // the logging statement of each record table (logEntry)
}

// Open connects to the database at url (a postgres:// URL, which may set
// search_path), with a pool of maxConns connections (0 means
// DefaultMaxConns), and applies parabot's and River's migrations.
func Open(ctx context.Context, url string, log *slog.Logger, maxConns int32) (*DB, error) {
	cfg, err := pgxpool.ParseConfig(url)
	if err != nil {
		return nil, fmt.Errorf("parsing postgres url: %w", err)
	}
	if maxConns <= 0 {
		maxConns = DefaultMaxConns
	}
	// One connection holds the migration lock while River migrates on another.
	maxConns = max(maxConns, 2)
	cfg.MaxConns = maxConns
	if cfg.ConnConfig.ConnectTimeout == 0 {
		cfg.ConnConfig.ConnectTimeout = connectTimeout
	}
	// Whether the server took the connection, so that a timeout can say
	// which side was silent.
	var accepted atomic.Bool
	dial := cfg.ConnConfig.DialFunc
	cfg.ConnConfig.DialFunc = func(ctx context.Context, network, addr string) (net.Conn, error) {
		c, err := dial(ctx, network, addr)
		if err == nil {
			accepted.Store(true)
		}
		return c, err
	}
	pool, err := pgxpool.NewWithConfig(ctx, cfg)
	if err != nil {
		return nil, fmt.Errorf("connecting to postgres: %w", err)
	}
	began := time.Now()
	pingCtx, cancel := context.WithTimeout(ctx, connectTimeout)
	defer cancel()
	if err := pool.Ping(pingCtx); err != nil {
		pool.Close()
		return nil, connectError(cfg.ConnConfig.Host, cfg.ConnConfig.Port, err, accepted.Load(), time.Since(began))
	}
	db := &DB{pool: pool, log: log, logs: logStatements()}
	if err := db.migrate(ctx); err != nil {
		pool.Close()
		return nil, err
	}
	rc, err := river.NewClient(riverpgxv5.New(pool), &river.Config{Logger: log})
	if err != nil {
		pool.Close()
		return nil, fmt.Errorf("creating river insert client: %w", err)
	}
	db.river = rc
	db.Store = sqlstore.New(executor{pool}, dialect, db.txExec, db.writeTx, db.logEntry)
	return db, nil
}

// connectError says why the first connection to host:port failed after
// waited. A timeout says which side was silent and what to check: a
// server that took the connection and never answered is not PostgreSQL,
// or is stuck, or is a proxy whose backend is gone.
func connectError(host string, port uint16, err error, accepted bool, waited time.Duration) error {
	at := fmt.Sprintf("connecting to postgres at %s:%d", host, port)
	if !errors.Is(err, context.DeadlineExceeded) && !pgconn.Timeout(err) {
		return fmt.Errorf("%s: %w", at, err)
	}
	waited = waited.Round(time.Second)
	if accepted {
		return fmt.Errorf("%s: the server accepted the connection but did not answer within %s: "+
			"check that this host and port are PostgreSQL's (not another service, or a proxy or tunnel whose database is down) "+
			"and that the server is running and not overloaded", at, waited)
	}
	return fmt.Errorf("%s: no connection within %s: check the host and port, and that no firewall drops the connection", at, waited)
}

// Pool is the connection pool, for River's workers (riverpgxv5.New(db.Pool())).
func (db *DB) Pool() *pgxpool.Pool { return db.pool }

// Engine names the engine.
func (db *DB) Engine() string { return "postgres" }

// Close closes every connection of the pool.
func (db *DB) Close() error {
	db.pool.Close()
	return nil
}

// Ping checks the database answers.
func (db *DB) Ping(ctx context.Context) error {
	if err := db.pool.Ping(ctx); err != nil {
		return fmt.Errorf("pinging postgres: %w", err)
	}
	return nil
}

// migrate applies parabot's numbered migrations (sqlstore.Shared and
// this package's own), each in its own transaction, then River's, all
// under an advisory lock.
func (db *DB) migrate(ctx context.Context) error {
	conn, err := db.pool.Acquire(ctx)
	if err != nil {
		return fmt.Errorf("acquiring a connection to migrate: %w", err)
	}
	defer conn.Release()
	if _, err := conn.Exec(ctx, `SELECT pg_advisory_lock(`+migrationLock+`)`); err != nil {
		return fmt.Errorf("taking the migration lock: %w", err)
	}
	defer func() {
		ctx := context.WithoutCancel(ctx)
		if _, err := conn.Exec(ctx, `SELECT pg_advisory_unlock(`+migrationLock+`)`); err != nil {
			// Closing the session is what releases the lock then.
			db.log.Error("releasing the migration lock", "error", err)
			conn.Conn().Close(ctx) //nolint:errcheck // closing is the fallback
		}
	}()
	if _, err := conn.Exec(ctx, `CREATE TABLE IF NOT EXISTS schema_migrations (
		version    INTEGER PRIMARY KEY,
		name       TEXT NOT NULL,
		applied_at TIMESTAMPTZ NOT NULL DEFAULT now()
	)`); err != nil {
		return fmt.Errorf("creating schema_migrations: %w", err)
	}
	inConn := func(ctx context.Context, fn func(ctx context.Context, x sqlstore.Executor) error) error {
		return pgx.BeginFunc(ctx, conn, func(tx pgx.Tx) error { return fn(ctx, executor{tx}) })
	}
	if err := sqlstore.Migrate(ctx, migrationFS, dialect, inConn, nil, db.log.With("engine", "postgres")); err != nil {
		return err
	}
	migrator, err := rivermigrate.New(riverpgxv5.New(db.pool), &rivermigrate.Config{Logger: db.log})
	if err != nil {
		return fmt.Errorf("creating river migrator: %w", err)
	}
	if _, err := migrator.Migrate(ctx, rivermigrate.DirectionUp, nil); err != nil {
		return fmt.Errorf("migrating river tables: %w", err)
	}
	return nil
}

// txExec runs fn in one transaction of its own, for sqlstore.
func (db *DB) txExec(ctx context.Context, fn func(ctx context.Context, x sqlstore.Executor) error) error {
	return db.inTx(ctx, func(tx pgx.Tx) error { return fn(ctx, executor{tx}) })
}

// inTx runs fn in one transaction, committing when it returns nil.
func (db *DB) inTx(ctx context.Context, fn func(tx pgx.Tx) error) error {
	tx, err := db.pool.Begin(ctx)
	if err != nil {
		return fmt.Errorf("beginning transaction: %w", err)
	}
	defer tx.Rollback(context.WithoutCancel(ctx)) //nolint:errcheck // a no-op after Commit
	if err := fn(tx); err != nil {
		return err
	}
	if err := tx.Commit(ctx); err != nil {
		return fmt.Errorf("committing: %w", dbErr(err))
	}
	return nil
}

// dbErr translates Postgres errors into the storage package's: no rows
// and broken references become ErrNotFound, uniqueness ErrConflict. The
// original error stays in the chain for the log.
func dbErr(err error) error {
	if err == nil {
		return nil
	}
	if errors.Is(err, pgx.ErrNoRows) {
		return fmt.Errorf("%w: %w", storage.ErrNotFound, err)
	}
	var pe *pgconn.PgError
	if errors.As(err, &pe) {
		switch pe.Code {
		case "23505": // unique_violation
			return fmt.Errorf("%w: %w", storage.ErrConflict, err)
		case "23503": // foreign_key_violation
			return fmt.Errorf("%w: a referenced row does not exist: %w", storage.ErrNotFound, err)
		}
	}
	return err
}

// fmtTime is how a time is written: UTC, truncated to the microsecond
// (Postgres would round).
func fmtTime(t time.Time) any { return t.UTC().Truncate(time.Microsecond) }

// dialect is Postgres's: TIMESTAMPTZ times, row locks, id lists as
// bigint arrays, and identity columns, BIGINT references and BOOLEAN in
// the schema.
var dialect = sqlstore.Dialect{
	Time:  fmtTime,
	Lock:  "FOR UPDATE",
	AnyID: func(column string, n int) string { return fmt.Sprintf("%s = ANY($%d)", column, n) },
	IDs:   func(ids []int64) any { return ids },
	Holds: func(column string, n int) string {
		return fmt.Sprintf("%s::jsonb @> jsonb_build_array($%d::bigint)", column, n)
	},
	Types: sqlstore.Types{
		ID: "BIGINT GENERATED ALWAYS AS IDENTITY PRIMARY KEY", BigInt: "BIGINT",
		Time: "TIMESTAMPTZ", Bool: "BOOLEAN", True: "true", False: "false",
	},
}
