package postgres_test

import (
	"context"
	"os"
	"path/filepath"
	"strings"
	"sync"
	"testing"

	"github.com/jackc/pgx/v5"

	"parabot/storage"
	"parabot/storage/postgres"
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
	files, err := filepath.Glob("migrations/*.sql")
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
	for _, s := range storagetest.BeforeCodes(t, `CREATE TABLE schema_migrations (version INTEGER PRIMARY KEY, name TEXT NOT NULL, applied_at TIMESTAMPTZ NOT NULL DEFAULT now())`, ov) {
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
