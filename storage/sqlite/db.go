// Package sqlite is parabot's embedded storage engine: one SQLite file,
// opened by one process, on modernc.org/sqlite (pure Go). It implements
// storage.Store and holds River's tables, so jobs are inserted in the
// same transaction as the records that cause them.
package sqlite

import (
	"cmp"
	"context"
	"database/sql"
	"embed"
	"errors"
	"fmt"
	"io/fs"
	"log/slog"
	"net/url"
	"os"
	"strconv"
	"sync"
	"syscall"
	"time"

	"github.com/riverqueue/river"
	"github.com/riverqueue/river/riverdriver/riversqlite"
	"github.com/riverqueue/river/rivermigrate"
	"modernc.org/sqlite"
	sqlite3 "modernc.org/sqlite/lib"

	"parabot/storage"
	"parabot/storage/sqlstore"
)

// migrationFS holds the few migrations whose SQL differs on SQLite beyond
// the type words (table rebuilds, SQLite's functions); the rest are
// sqlstore.Shared.
//
//go:embed migrations/*.sql
var migrationFS embed.FS

// DB implements storage.Store, so every small interface it composes
// (storage.RosterReader, storage.Logbook, ...): checked at compile time.
var _ storage.Store = (*DB)(nil)

// DB is an open SQLite database. It holds an exclusive lock on
// "<path>.lock" until Close, so a second process cannot share the file.
// The queries and most migrations are sqlstore's; this package adds
// opening, the migrations only SQLite can run and the write path
// (writer.go: group commit on prepared statements).
type DB struct {
	*sqlstore.Store
	db    *sql.DB
	lock  *os.File
	river *river.Client[*sql.Tx] // insert-only: jobs go in our transactions
	log   *slog.Logger
	stmts map[string]*sql.Stmt // the hot writes, prepared once, by query

	// read holds the read connections: in WAL mode a reader sees every
	// write committed before it began, and readers and the writer do not
	// wait for each other.
	read      *sql.DB
	readMu    sync.Mutex
	readStmts map[string]*sql.Stmt // reads prepared at their first run (exec.go); nil once closed

	writes    chan *write   // to the writer (writer.go); unbuffered
	stop      chan struct{} // closed by Close: the writer returns
	stopped   chan struct{} // closed by the writer when it returns
	closeOnce sync.Once
}

// dialect is SQLite's: times are fixed-width UTC text, a transaction
// holds the whole database, so no row locks, id lists are JSON arrays
// read by json_each, and ids, booleans and times in the schema are
// INTEGER, INTEGER and TEXT.
var dialect = sqlstore.Dialect{
	Time:  func(t time.Time) any { return fmtTime(t) },
	AnyID: anyID,
	IDs:   idList,
	Holds: func(column string, n int) string {
		return fmt.Sprintf("$%d IN (SELECT value FROM json_each(%s))", n, column)
	},
	Types: sqlstore.Types{ID: "INTEGER PRIMARY KEY", BigInt: "INTEGER", Time: "TEXT", Bool: "INTEGER", True: "1", False: "0"},
}

// anyID matches column against the ids of a JSON array argument.
func anyID(column string, n int) string {
	return fmt.Sprintf("%s IN (SELECT value FROM json_each($%d))", column, n)
}

// idList writes ids as a JSON array: "[3,5,8]".
func idList(ids []int64) any {
	b := make([]byte, 0, 2+8*len(ids))
	b = append(b, '[')
	for i, id := range ids {
		if i > 0 {
			b = append(b, ',')
		}
		b = strconv.AppendInt(b, id, 10)
	}
	return string(append(b, ']'))
}

// prepare prepares the hot writes' statements, so SQLite does not parse
// them again for every write. Transactions use them through
// tx.StmtContext, which reuses the statement prepared on the one
// connection (or prepares it again if that connection was replaced).
func (db *DB) prepare(ctx context.Context) error {
	db.stmts = map[string]*sql.Stmt{}
	queries := []string{sqlstore.InsertEntrySQL, sqlstore.InsertAuditSQL, sqlstore.ClaimSQL}
	for _, sh := range sqlstore.Shapes {
		queries = append(queries, sh.Insert)
	}
	for _, q := range queries {
		stmt, err := db.db.PrepareContext(ctx, q)
		if err != nil {
			return fmt.Errorf("preparing %q: %w", q, err)
		}
		db.stmts[q] = stmt
	}
	return nil
}

// closeStatements closes the prepared statements.
func (db *DB) closeStatements() {
	for _, stmt := range db.stmts {
		_ = stmt.Close()
	}
	db.readMu.Lock()
	defer db.readMu.Unlock()
	for _, stmt := range db.readStmts {
		_ = stmt.Close()
	}
	db.readStmts = nil
}

// OpenShared opens the database at path like Open, but without taking
// the file for this process alone: for one-shot commands (import, export,
// migrate) that may run beside the one parabot serve using the file.
func OpenShared(ctx context.Context, path string, log *slog.Logger) (*DB, error) {
	return open(ctx, path, log)
}

// Open opens (creating if needed) the SQLite database at path, refuses it
// when another long-running process (parabot serve or shell) has it, and
// applies parabot's and River's migrations.
func Open(ctx context.Context, path string, log *slog.Logger) (*DB, error) {
	lock, err := lockFile(path)
	if err != nil {
		return nil, err
	}
	db, err := open(ctx, path, log)
	if err != nil {
		unlock(lock)
		return nil, err
	}
	db.lock = lock
	return db, nil
}

func open(ctx context.Context, path string, log *slog.Logger) (*DB, error) {
	q := url.Values{}
	q.Add("_pragma", "busy_timeout(5000)")
	q.Add("_pragma", "journal_mode(WAL)")
	q.Add("_pragma", "foreign_keys(1)")
	// FULL: what the bot confirmed survives a power cut, not only a crash;
	// group commit (writer.go) keeps that to one sync per batch of writes.
	q.Add("_pragma", "synchronous(FULL)")
	q.Set("_txlock", "immediate") // writers take the lock at BEGIN, never mid-transaction
	if err := privateFile(path, log); err != nil {
		return nil, err
	}
	// One connection: SQLite has one writer, and River's SQLite driver
	// recommends it to avoid SQLITE_BUSY between its own goroutines.
	sqlDB, err := openPool(ctx, path, q, 1, "sqlite database")
	if err != nil {
		return nil, err
	}
	db := &DB{db: sqlDB, log: log, writes: make(chan *write), stop: make(chan struct{}), stopped: make(chan struct{})}
	if err := db.migrate(ctx); err != nil {
		sqlDB.Close()
		return nil, err
	}
	if db.read, err = openReader(ctx, path); err != nil {
		sqlDB.Close()
		return nil, err
	}
	db.readStmts = map[string]*sql.Stmt{}
	rc, err := river.NewClient(riversqlite.New(sqlDB), &river.Config{Logger: log})
	if err != nil {
		db.read.Close()
		sqlDB.Close()
		return nil, fmt.Errorf("creating river insert client: %w", err)
	}
	db.river = rc
	if err := db.prepare(ctx); err != nil {
		db.closeStatements()
		db.read.Close()
		sqlDB.Close()
		return nil, err
	}
	db.Store = sqlstore.New(db.exec(nil), dialect, db.txExec, db.writeTx, db.logEntry)
	go db.writeLoop()
	return db, nil
}

// privateFile creates the database file at path readable by its owner
// only (mode 0600, whatever the umask), for it holds students' names;
// SQLite gives its -wal and -shm files the same mode. A file that exists
// keeps its mode, and a warning is logged when others may read it or its
// -wal or -shm file.
func privateFile(path string, log *slog.Logger) error {
	f, err := os.OpenFile(path, os.O_RDWR|os.O_CREATE|os.O_EXCL, 0o600)
	if err == nil {
		if err := f.Close(); err != nil {
			return fmt.Errorf("creating sqlite database %s: %w", path, err)
		}
		return nil
	}
	if !errors.Is(err, fs.ErrExist) {
		return fmt.Errorf("creating sqlite database %s: %w", path, err)
	}
	for _, name := range []string{path, path + "-wal", path + "-shm"} {
		fi, err := os.Stat(name)
		if err != nil {
			continue // no -wal or -shm file now; SQLite creates them private
		}
		if mode := fi.Mode().Perm(); mode&0o044 != 0 {
			log.Warn("the sqlite database file is readable by other users of this machine, and it holds students' names: run chmod 600 on it",
				"path", name, "mode", fmt.Sprintf("%04o", mode))
		}
	}
	return nil
}

// readConns is how many reads run at once, each on its own connection.
const readConns = 4

// openReader opens the read connections of the database at path, which
// is open and in WAL mode already. They cannot write (query_only), so a
// write sent there by mistake fails rather than bypassing the writer.
func openReader(ctx context.Context, path string) (*sql.DB, error) {
	q := url.Values{}
	q.Add("_pragma", "busy_timeout(5000)")
	q.Add("_pragma", "query_only(1)")
	return openPool(ctx, path, q, readConns, "sqlite read connections")
}

// openPool opens conns connections to the database at path with the
// parameters q, kept open for the life of the pool, and checks one
// answers; what names them in errors.
func openPool(ctx context.Context, path string, q url.Values, conns int, what string) (*sql.DB, error) {
	// Without a "file:" prefix the driver takes the path as it is (no URI
	// decoding) and reads the parameters after the '?'.
	pool, err := sql.Open("sqlite", path+"?"+q.Encode())
	if err != nil {
		return nil, fmt.Errorf("opening %s: %w", what, err)
	}
	pool.SetMaxOpenConns(conns)
	pool.SetMaxIdleConns(conns)
	pool.SetConnMaxIdleTime(0)
	pool.SetConnMaxLifetime(0)
	ctx, cancel := context.WithTimeout(ctx, 10*time.Second)
	defer cancel()
	if err := pool.PingContext(ctx); err != nil {
		pool.Close()
		return nil, fmt.Errorf("opening %s: %w", what, err)
	}
	return pool, nil
}

// lockFile takes an exclusive, non-blocking flock on path+".lock". The
// kernel drops it when the process dies, so a crash leaves no stale lock.
func lockFile(path string) (*os.File, error) {
	name := path + ".lock"
	f, err := os.OpenFile(name, os.O_RDWR|os.O_CREATE, 0o600)
	if err != nil {
		return nil, fmt.Errorf("opening lock file %s: %w", name, err)
	}
	if err := syscall.Flock(int(f.Fd()), syscall.LOCK_EX|syscall.LOCK_NB); err != nil {
		f.Close()
		if errors.Is(err, syscall.EWOULDBLOCK) {
			return nil, fmt.Errorf("sqlite database %s is in use by another parabot process (SQLite serves one process; use Postgres for several replicas)", path)
		}
		return nil, fmt.Errorf("locking %s: %w", name, err)
	}
	return f, nil
}

func unlock(f *os.File) {
	if f == nil {
		return
	}
	_ = syscall.Flock(int(f.Fd()), syscall.LOCK_UN)
	_ = f.Close()
}

// SQL is the database handle, for River's workers
// (riversqlite.New(db.SQL())). It has one connection: never use it while
// holding a transaction of your own.
func (db *DB) SQL() *sql.DB { return db.db }

// Engine names the engine.
func (db *DB) Engine() string { return "sqlite" }

// Close closes the database and releases the file lock.
func (db *DB) Close() error {
	db.closeOnce.Do(func() {
		close(db.stop)
		<-db.stopped
		db.closeStatements()
	})
	readErr := db.read.Close()
	err := cmp.Or(db.db.Close(), readErr)
	unlock(db.lock)
	db.lock = nil
	if err != nil {
		return fmt.Errorf("closing sqlite database: %w", err)
	}
	return nil
}

// Ping checks the database answers.
func (db *DB) Ping(ctx context.Context) error {
	if err := db.db.PingContext(ctx); err != nil {
		return fmt.Errorf("pinging sqlite: %w", err)
	}
	return nil
}

// migrate applies parabot's numbered migrations (sqlstore.Shared and
// this package's own), each in its own transaction, then River's. The
// migrations run on one connection with foreign keys off, so one can
// rebuild a table others refer to (SQLite's way to change a constraint);
// each checks every foreign key before it commits instead.
func (db *DB) migrate(ctx context.Context) error {
	conn, err := db.db.Conn(ctx)
	if err != nil {
		return fmt.Errorf("migrating: %w", err)
	}
	err = db.migrateOn(ctx, conn)
	if _, onErr := conn.ExecContext(ctx, `PRAGMA foreign_keys = ON`); onErr != nil && err == nil {
		err = fmt.Errorf("turning foreign keys back on: %w", onErr)
	}
	if closeErr := conn.Close(); closeErr != nil && err == nil {
		err = fmt.Errorf("migrating: %w", closeErr)
	}
	if err != nil {
		return err
	}
	migrator, err := rivermigrate.New(riversqlite.New(db.db), &rivermigrate.Config{Logger: db.log})
	if err != nil {
		return fmt.Errorf("creating river migrator: %w", err)
	}
	if _, err := migrator.Migrate(ctx, rivermigrate.DirectionUp, nil); err != nil {
		return fmt.Errorf("migrating river tables: %w", err)
	}
	return nil
}

// migrateOn applies parabot's migrations on conn.
func (db *DB) migrateOn(ctx context.Context, conn *sql.Conn) error {
	if _, err := conn.ExecContext(ctx, `CREATE TABLE IF NOT EXISTS schema_migrations (
		version    INTEGER PRIMARY KEY,
		name       TEXT NOT NULL,
		applied_at TEXT NOT NULL
	)`); err != nil {
		return fmt.Errorf("creating schema_migrations: %w", err)
	}
	if _, err := conn.ExecContext(ctx, `PRAGMA foreign_keys = OFF`); err != nil {
		return fmt.Errorf("turning foreign keys off for migrations: %w", err)
	}
	inConn := func(ctx context.Context, fn func(ctx context.Context, x sqlstore.Executor) error) error {
		return db.inTx(ctx, conn, func(tx *sql.Tx) error { return fn(ctx, db.exec(tx)) })
	}
	return sqlstore.Migrate(ctx, migrationFS, dialect, inConn, foreignKeyCheck, db.log.With("engine", "sqlite"))
}

// foreignKeyCheck fails when a migration left rows referring to rows that
// do not exist (it runs with foreign keys off).
func foreignKeyCheck(ctx context.Context, x sqlstore.Executor) error {
	rows, err := x.Query(ctx, `PRAGMA foreign_key_check`)
	if err != nil {
		return fmt.Errorf("checking foreign keys: %w", err)
	}
	broken := rows.Next()
	rows.Close()
	if broken {
		return errors.New("it leaves rows referring to rows that do not exist")
	}
	return rows.Err()
}

// txExec runs fn in one transaction of its own, for sqlstore.
func (db *DB) txExec(ctx context.Context, fn func(ctx context.Context, x sqlstore.Executor) error) error {
	return db.inTx(ctx, db.db, func(tx *sql.Tx) error { return fn(ctx, db.exec(tx)) })
}

// inTx runs fn in one transaction of its own on on (the database or one
// connection), committing when it returns nil.
func (db *DB) inTx(ctx context.Context, on interface {
	BeginTx(context.Context, *sql.TxOptions) (*sql.Tx, error)
}, fn func(tx *sql.Tx) error) error {
	tx, err := on.BeginTx(ctx, nil)
	if err != nil {
		return fmt.Errorf("beginning transaction: %w", err)
	}
	defer tx.Rollback() //nolint:errcheck // a no-op after Commit
	if err := fn(tx); err != nil {
		return err
	}
	if err := tx.Commit(); err != nil {
		return fmt.Errorf("committing: %w", dbErr(err))
	}
	return nil
}

// dbErr translates SQLite's errors into the storage package's: no rows
// and broken references become ErrNotFound, uniqueness ErrConflict. The
// original error stays in the chain for the log.
func dbErr(err error) error {
	if err == nil {
		return nil
	}
	if errors.Is(err, sql.ErrNoRows) {
		return fmt.Errorf("%w: %w", storage.ErrNotFound, err)
	}
	var se *sqlite.Error
	if errors.As(err, &se) {
		switch se.Code() {
		case sqlite3.SQLITE_CONSTRAINT_UNIQUE, sqlite3.SQLITE_CONSTRAINT_PRIMARYKEY:
			return fmt.Errorf("%w: %w", storage.ErrConflict, err)
		case sqlite3.SQLITE_CONSTRAINT_FOREIGNKEY:
			return fmt.Errorf("%w: a referenced row does not exist: %w", storage.ErrNotFound, err)
		}
	}
	return err
}

// fmtTime is how a time is written: UTC, truncated to the microsecond,
// fixed width so that text order is time order.
func fmtTime(t time.Time) string { return t.UTC().Format(sqlstore.TimeFormat) }
