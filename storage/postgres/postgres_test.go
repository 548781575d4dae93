package postgres_test

import (
	"context"
	"net"
	"os"
	"strings"
	"sync"
	"testing"

	"github.com/jackc/pgx/v5"

	"parabot/storage"
	"parabot/storage/postgres"
	"parabot/storage/sqlstore"
	"parabot/storage/storagetest"
)

func TestStore(t *testing.T) {
	storagetest.Run(t, func(t *testing.T) storage.Store { return storagetest.OpenPostgres(t) })
}

func BenchmarkStore(b *testing.B) {
	storagetest.Bench(b, func(b *testing.B) storage.Store { return storagetest.OpenPostgres(b) })
}

// Replicas starting together on one empty database all open it: the
// migrations run once, under the advisory lock.
func TestOpenConcurrently(t *testing.T) {
	ctx := context.Background()
	url := storagetest.NewPostgresURL(t)
	log := storagetest.Logger(t)
	const replicas = 4
	dbs := make([]*postgres.DB, replicas)
	errs := make([]error, replicas)
	var wg sync.WaitGroup
	for i := range replicas {
		wg.Go(func() { dbs[i], errs[i] = postgres.Open(ctx, url, log, 0) })
	}
	wg.Wait()
	for i, err := range errs {
		if err != nil {
			t.Fatalf("replica %d: Open: %v", i, err)
		}
		defer dbs[i].Close()
	}
	if _, err := dbs[0].ImportRoster(ctx, storagetest.SampleRoster()); err != nil {
		t.Fatalf("ImportRoster: %v", err)
	}
	schools, err := dbs[3].Schools(ctx)
	if err != nil || len(schools) != 1 {
		t.Errorf("Schools on another replica = %v, %v; want the imported school", schools, err)
	}
	files, err := sqlstore.Migrations(os.DirFS("."))
	if err != nil || len(files) == 0 {
		t.Fatalf("listing migration files: %v, %v", files, err)
	}
	var n int
	if err := dbs[1].Pool().QueryRow(ctx, `SELECT count(*) FROM schema_migrations`).Scan(&n); err != nil || n != len(files) {
		t.Errorf("schema_migrations rows = %d, %v; want %d, one a migration file", n, err, len(files))
	}
}

// A database made before student codes were per school keeps its rows
// and references through migration 0003.
func TestMigrateToSchoolCodes(t *testing.T) {
	ctx := context.Background()
	url := storagetest.NewPostgresURL(t)
	conn, err := pgx.Connect(ctx, url)
	if err != nil {
		t.Fatalf("connecting: %v", err)
	}
	const ov = "OVERRIDING SYSTEM VALUE"
	for _, s := range storagetest.BeforeCodes(t, `CREATE TABLE schema_migrations (version INTEGER PRIMARY KEY, name TEXT NOT NULL, applied_at TIMESTAMPTZ NOT NULL DEFAULT now())`, ov, postgres.MigrationSQL) {
		if _, err := conn.Exec(ctx, s); err != nil {
			t.Fatalf("preparing the old database: %v\n%s", err, s)
		}
	}
	if err := conn.Close(ctx); err != nil {
		t.Fatalf("closing: %v", err)
	}
	db, err := postgres.Open(ctx, url, storagetest.Logger(t), 2)
	if err != nil {
		t.Fatalf("Open (migrating): %v", err)
	}
	defer db.Close()
	storagetest.CheckCodesMigrated(t, db, ov, func(q string) error { _, err := db.Pool().Exec(ctx, q); return err })
}

// One student's audit trail can be read from indexes: the audit table's and
// the entries' (their creations).
func TestAuditIndex(t *testing.T) {
	ctx := context.Background()
	db := storagetest.OpenPostgres(t)
	for _, ix := range []struct{ table, name, cols string }{
		{"audit", "audit_student_at", "(student_id, at, id)"},
		{"entries", "entries_student_created", "(student_id, created_at, id)"},
	} {
		var def string
		err := db.Pool().QueryRow(ctx, `SELECT indexdef FROM pg_indexes
			WHERE schemaname = current_schema() AND tablename = $1 AND indexname = $2`, ix.table, ix.name).Scan(&def)
		if err != nil || !strings.Contains(def, ix.cols) {
			t.Errorf("%s = %q, %v; want an index on %s", ix.name, def, err, ix.cols)
		}
	}
}

// A database at schema 0003 (testdata/schema0003.sql, its schema and
// data) opens, migrates, and keeps every trial, audit row and one-time key.
func TestMigratesSchema0003(t *testing.T) {
	ctx := context.Background()
	script, err := os.ReadFile("testdata/schema0003.sql")
	if err != nil {
		t.Fatal(err)
	}
	url := storagetest.NewPostgresURL(t)
	conn, err := pgx.Connect(ctx, url)
	if err != nil {
		t.Fatal(err)
	}
	defer conn.Close(ctx)
	if _, err := conn.Exec(ctx, string(script)); err != nil {
		t.Fatalf("loading the schema 0003 database: %v", err)
	}
	old := storagetest.ReadLegacy(t, func(t *testing.T, query string, row func(func(...any) error) error) {
		rows, err := conn.Query(ctx, query)
		storagetest.EachRow(t, query, rows, err, row)
		rows.Close()
	})
	log := storagetest.Logger(t)
	db, err := postgres.Open(ctx, url, log, 4)
	if err != nil {
		t.Fatalf("opening the schema 0003 database: %v", err)
	}
	defer db.Close()
	storagetest.CheckMigrated(t, db, old)
}

// TestMigrateCommentsOutOfSummaries: a comment kept at the end of a trials
// or transition summary (" Note: was tired") moves to its record's note.
func TestMigrateCommentsOutOfSummaries(t *testing.T) {
	ctx := context.Background()
	url := storagetest.NewPostgresURL(t)
	conn, err := pgx.Connect(ctx, url)
	if err != nil {
		t.Fatalf("connecting: %v", err)
	}
	stmts := []string{`CREATE TABLE schema_migrations (version INTEGER PRIMARY KEY, name TEXT NOT NULL, applied_at TIMESTAMPTZ NOT NULL DEFAULT now())`}
	for version := 1; version <= 4; version++ {
		body, err := postgres.MigrationSQL(version)
		if err != nil {
			t.Fatal(err)
		}
		stmts = append(stmts, body)
	}
	stmts = append(stmts,
		`INSERT INTO schema_migrations (version, name) VALUES (1, 'init'), (2, 'roster_active'), (3, 'school_scoped_codes'), (4, 'sessions')`,
		`INSERT INTO schools (id, name, time_zone) OVERRIDING SYSTEM VALUE VALUES (1, 'Maple', 'UTC')`,
		`INSERT INTO staff (id, school_id, handle, name, role) OVERRIDING SYSTEM VALUE VALUES (1, 1, 'jlee', 'J Lee', 'para')`,
		`INSERT INTO students (id, school_id, code) OVERRIDING SYSTEM VALUE VALUES (1, 1, 'S101')`,
		`INSERT INTO goals (id, student_id, code) OVERRIDING SYSTEM VALUE VALUES (1, 1, 'G1')`,
		`INSERT INTO entries (id, kind, staff_id, student_id, created_at, summary) OVERRIDING SYSTEM VALUE VALUES
			(1, 'trials', 1, 1, '2026-09-14T13:00:00Z', 'Logged 2 trials for A.B. (S101) G1: 2/2 correct, 2 independent. Note: was tired'),
			(2, 'trials', 1, 1, '2026-09-14T13:05:00Z', 'Logged 1 trial for A.B. (S101) G1: 1/1 correct, 1 independent.'),
			(3, 'transition', 1, 1, '2026-09-14T13:10:00Z', 'Logged transition for A.B. (S101): class → gym, verbal. Note: ran ahead'),
			(4, 'note', 1, 1, '2026-09-14T13:15:00Z', 'Note about A.B. (S101) sent to T. Note: kept')`,
		`INSERT INTO sessions (entry_id, goal_id, student_id, staff_id, at, data, trials, correct, independent) VALUES
			(1, 1, 1, 1, '2026-09-14T13:00:00Z', '[["correct",0],["correct",0]]', 2, 2, 2),
			(2, 1, 1, 1, '2026-09-14T13:05:00Z', '[["correct",0]]', 1, 1, 1)`,
		`INSERT INTO transitions (entry_id, student_id, staff_id, at, from_place, to_place, prompt) VALUES
			(3, 1, 1, '2026-09-14T13:10:00Z', 'class', 'gym', 2)`,
		`INSERT INTO notes (entry_id, student_id, staff_id, at, body) VALUES (4, 1, 1, '2026-09-14T13:15:00Z', 'x')`,
	)
	for _, s := range stmts {
		if _, err := conn.Exec(ctx, s); err != nil {
			t.Fatalf("preparing the old database: %v\n%s", err, s)
		}
	}
	if err := conn.Close(ctx); err != nil {
		t.Fatalf("closing: %v", err)
	}
	db, err := postgres.Open(ctx, url, storagetest.Logger(t), 2)
	if err != nil {
		t.Fatalf("Open (migrating): %v", err)
	}
	defer db.Close()
	storagetest.CheckCommentsMoved(t, db)
}

// reopened opens a new database, lets change alter it (SQL through
// exec) as an older release would have left it, and opens it again, which
// runs the migrations on it.
func reopened(t *testing.T, change func(db *postgres.DB, exec func(t *testing.T, query string))) *postgres.DB {
	t.Helper()
	ctx := context.Background()
	url := storagetest.NewPostgresURL(t)
	db, err := postgres.Open(ctx, url, storagetest.Logger(t), 2)
	if err != nil {
		t.Fatal(err)
	}
	change(db, func(t *testing.T, query string) {
		if _, err := db.Pool().Exec(ctx, query); err != nil {
			t.Fatalf("%s: %v", query, err)
		}
	})
	db.Close()
	db, err = postgres.Open(ctx, url, storagetest.Logger(t), 2)
	if err != nil {
		t.Fatalf("Open (migrating): %v", err)
	}
	t.Cleanup(func() { db.Close() })
	return db
}

// A database from before the purged and roster-identity marks gets them
// from what it holds (see storagetest.MakeUnmarked).
func TestMigrateMarksPurgedAndRosterIDs(t *testing.T) {
	db := reopened(t, func(db *postgres.DB, exec func(t *testing.T, query string)) { storagetest.MakeUnmarked(t, db, exec) })
	storagetest.CheckMarked(t, db)
}

// A database that ran the debrief migration under its first number, 0032,
// opens under the code that numbers it 0060: the table is kept, and 0060
// is recorded.
func TestMigrateDebriefsRenumbered(t *testing.T) {
	db := reopened(t, func(_ *postgres.DB, exec func(t *testing.T, query string)) {
		exec(t, `UPDATE schema_migrations SET version = 32 WHERE version = 60`)
	})
	var n int
	if err := db.Pool().QueryRow(context.Background(), `SELECT count(*) FROM schema_migrations WHERE version IN (32, 60)`).Scan(&n); err != nil || n != 2 {
		t.Errorf("versions 32 and 60 recorded: %d, %v; want both", n, err)
	}
}

// TestOpenSaysTheServerDidNotAnswer: a server that accepts connections
// and never answers (not PostgreSQL, or stuck) is named as such, with
// what to check, not as a bare deadline.
func TestOpenSaysTheServerDidNotAnswer(t *testing.T) {
	ln, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	defer ln.Close()
	go func() {
		var held []net.Conn // accepted, never answered
		for {
			c, err := ln.Accept()
			if err != nil {
				for _, c := range held {
					c.Close()
				}
				return
			}
			held = append(held, c)
		}
	}()
	url := "postgres://root@" + ln.Addr().String() + "/test?sslmode=disable&connect_timeout=1"
	_, err = postgres.Open(context.Background(), url, storagetest.Logger(t), 2)
	want := "connecting to postgres at 127.0.0.1:"
	if err == nil || !strings.Contains(err.Error(), want) ||
		!strings.Contains(err.Error(), "the server accepted the connection but did not answer within 1s: check that this host and port are PostgreSQL's") {
		t.Errorf("Open = %v, want the server named as accepting and not answering", err)
	}
}
