package sqlite_test

import (
	"context"
	"database/sql"
	"log/slog"
	"os"
	"path/filepath"
	"strings"
	"syscall"
	"testing"

	"parabot/storage"
	"parabot/storage/sqlite"
	"parabot/storage/storagetest"
)

func TestStore(t *testing.T) {
	storagetest.Run(t, func(t *testing.T) storage.Store { return storagetest.OpenSQLite(t) })
}

func BenchmarkStore(b *testing.B) {
	storagetest.Bench(b, func(b *testing.B) storage.Store { return storagetest.OpenSQLite(b) })
}

// A second process (or a second Open) on the same file is refused until
// the first closes it; reopening keeps the data and re-applies nothing.
func TestOpenIsExclusive(t *testing.T) {
	ctx := context.Background()
	path := filepath.Join(t.TempDir(), "parabot.db")
	log := storagetest.Logger(t)
	db, err := sqlite.Open(ctx, path, log)
	if err != nil {
		t.Fatalf("Open: %v", err)
	}
	if _, err := db.ImportRoster(ctx, storagetest.SampleRoster()); err != nil {
		t.Fatalf("ImportRoster: %v", err)
	}
	second, err := sqlite.Open(ctx, path, log)
	if err == nil {
		second.Close()
		t.Fatal("a second Open of the same file succeeded")
	}
	if !strings.Contains(err.Error(), "in use by another parabot process") {
		t.Errorf("second Open error = %q, want it to say the file is in use by another parabot process", err)
	}
	if err := db.Close(); err != nil {
		t.Fatalf("Close: %v", err)
	}
	db, err = sqlite.Open(ctx, path, log)
	if err != nil {
		t.Fatalf("reopening after Close: %v", err)
	}
	defer db.Close()
	schools, err := db.Schools(ctx)
	if err != nil || len(schools) != 1 {
		t.Errorf("Schools after reopening = %v, %v; want the imported school", schools, err)
	}
	var n int
	if err := db.SQL().QueryRowContext(ctx, `SELECT count(*) FROM schema_migrations`).Scan(&n); err != nil || n < 1 {
		t.Errorf("schema_migrations rows = %d, %v", n, err)
	}
	for _, tc := range []struct{ pragma, want string }{
		{"journal_mode", "wal"}, {"foreign_keys", "1"}, {"busy_timeout", "5000"}, {"synchronous", "2"},
	} {
		var got string
		if err := db.SQL().QueryRowContext(ctx, `PRAGMA `+tc.pragma).Scan(&got); err != nil || got != tc.want {
			t.Errorf("PRAGMA %s = %q, %v; want %q", tc.pragma, got, err, tc.want)
		}
	}
}

// A database made before student codes were per school keeps its rows
// and references through migration 0003, and the foreign keys still hold.
func TestMigrateToSchoolCodes(t *testing.T) {
	ctx := context.Background()
	path := filepath.Join(t.TempDir(), "parabot.db")
	raw, err := sql.Open("sqlite", path+"?_pragma=foreign_keys(1)")
	if err != nil {
		t.Fatalf("opening: %v", err)
	}
	for _, s := range storagetest.BeforeCodes(t, `CREATE TABLE schema_migrations (version INTEGER PRIMARY KEY, name TEXT NOT NULL, applied_at TEXT NOT NULL)`, "", sqlite.MigrationSQL) {
		if _, err := raw.ExecContext(ctx, s); err != nil {
			t.Fatalf("preparing the old database: %v\n%s", err, s)
		}
	}
	if err := raw.Close(); err != nil {
		t.Fatalf("closing: %v", err)
	}
	db, err := sqlite.Open(ctx, path, storagetest.Logger(t))
	if err != nil {
		t.Fatalf("Open (migrating): %v", err)
	}
	defer db.Close()
	var fk string
	if err := db.SQL().QueryRowContext(ctx, `PRAGMA foreign_keys`).Scan(&fk); err != nil || fk != "1" {
		t.Errorf("PRAGMA foreign_keys after migrating = %q, %v; want 1", fk, err)
	}
	storagetest.CheckCodesMigrated(t, db, "", func(q string) error { _, err := db.SQL().ExecContext(ctx, q); return err })
}

// One student's audit trail is read from indexes: the audit table's and
// the entries' (their creations), never by scanning either table.
func TestAuditUsesIndex(t *testing.T) {
	ctx := context.Background()
	db := storagetest.OpenSQLite(t)
	rows, err := db.SQL().QueryContext(ctx, `EXPLAIN QUERY PLAN
		SELECT id, at, staff_id, student_id, action, entity, entity_id, detail FROM audit_log WHERE student_id = $1
		ORDER BY at, CASE action WHEN 'create' THEN 0 ELSE 1 END, id`, 1)
	var plan []string
	storagetest.EachRow(t, "EXPLAIN", rows, err, func(scan func(...any) error) error {
		var id, parent, unused int
		var detail string
		err := scan(&id, &parent, &unused, &detail)
		plan = append(plan, detail)
		return err
	})
	rows.Close()
	got := strings.Join(plan, "; ")
	if !strings.Contains(got, "SEARCH audit USING INDEX audit_student_at") ||
		!strings.Contains(got, "SEARCH entries USING INDEX entries_student_created") ||
		strings.Contains(got, "SCAN audit ") || strings.Contains(got, "SCAN entries") {
		t.Errorf("plan = %q, want searches of audit_student_at and entries_student_created", got)
	}
}

// A database written at schema 0003 (testdata/schema0003.db) opens,
// migrates, and keeps every trial, audit row and one-time key.
func TestMigratesSchema0003(t *testing.T) {
	fixture, err := os.ReadFile("testdata/schema0003.db")
	if err != nil {
		t.Fatal(err)
	}
	path := filepath.Join(t.TempDir(), "parabot.db")
	if err := os.WriteFile(path, fixture, 0o600); err != nil {
		t.Fatal(err)
	}
	raw, err := sql.Open("sqlite", path)
	if err != nil {
		t.Fatal(err)
	}
	old := storagetest.ReadLegacy(t, func(t *testing.T, query string, row func(func(...any) error) error) {
		rows, err := raw.Query(query)
		storagetest.EachRow(t, query, rows, err, row)
		rows.Close()
	})
	raw.Close()
	log := storagetest.Logger(t)
	db, err := sqlite.Open(context.Background(), path, log)
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
	path := filepath.Join(t.TempDir(), "parabot.db")
	raw, err := sql.Open("sqlite", path+"?_pragma=foreign_keys(1)")
	if err != nil {
		t.Fatalf("opening: %v", err)
	}
	stmts := []string{`CREATE TABLE schema_migrations (version INTEGER PRIMARY KEY, name TEXT NOT NULL, applied_at TEXT NOT NULL)`}
	for version := 1; version <= 4; version++ {
		body, err := sqlite.MigrationSQL(version)
		if err != nil {
			t.Fatal(err)
		}
		stmts = append(stmts, body)
	}
	stmts = append(stmts,
		`INSERT INTO schema_migrations VALUES (1, 'init', '2026-01-01T00:00:00.000000Z'), (2, 'roster_active', '2026-01-01T00:00:00.000000Z'),
			(3, 'school_scoped_codes', '2026-01-01T00:00:00.000000Z'), (4, 'sessions', '2026-01-01T00:00:00.000000Z')`,
		`INSERT INTO schools (id, name, time_zone) VALUES (1, 'Maple', 'UTC')`,
		`INSERT INTO staff (id, school_id, handle, name, role) VALUES (1, 1, 'jlee', 'J Lee', 'para')`,
		`INSERT INTO students (id, school_id, code) VALUES (1, 1, 'S101')`,
		`INSERT INTO goals (id, student_id, code) VALUES (1, 1, 'G1')`,
		`INSERT INTO entries (id, kind, staff_id, student_id, created_at, summary) VALUES
			(1, 'trials', 1, 1, '2026-09-14T13:00:00.000000Z', 'Logged 2 trials for A.B. (S101) G1: 2/2 correct, 2 independent. Note: was tired'),
			(2, 'trials', 1, 1, '2026-09-14T13:05:00.000000Z', 'Logged 1 trial for A.B. (S101) G1: 1/1 correct, 1 independent.'),
			(3, 'transition', 1, 1, '2026-09-14T13:10:00.000000Z', 'Logged transition for A.B. (S101): class → gym, verbal. Note: ran ahead'),
			(4, 'note', 1, 1, '2026-09-14T13:15:00.000000Z', 'Note about A.B. (S101) sent to T. Note: kept')`,
		`INSERT INTO sessions (entry_id, goal_id, student_id, staff_id, at, data, trials, correct, independent) VALUES
			(1, 1, 1, 1, '2026-09-14T13:00:00.000000Z', '[["correct",0],["correct",0]]', 2, 2, 2),
			(2, 1, 1, 1, '2026-09-14T13:05:00.000000Z', '[["correct",0]]', 1, 1, 1)`,
		`INSERT INTO transitions (entry_id, student_id, staff_id, at, from_place, to_place, prompt) VALUES
			(3, 1, 1, '2026-09-14T13:10:00.000000Z', 'class', 'gym', 2)`,
		`INSERT INTO notes (entry_id, student_id, staff_id, at, body) VALUES (4, 1, 1, '2026-09-14T13:15:00.000000Z', 'x')`,
	)
	for _, s := range stmts {
		if _, err := raw.ExecContext(ctx, s); err != nil {
			t.Fatalf("preparing the old database: %v\n%s", err, s)
		}
	}
	if err := raw.Close(); err != nil {
		t.Fatalf("closing: %v", err)
	}
	db, err := sqlite.Open(ctx, path, storagetest.Logger(t))
	if err != nil {
		t.Fatalf("Open (migrating): %v", err)
	}
	defer db.Close()
	storagetest.CheckCommentsMoved(t, db)
}

// reopened opens a new database, lets change alter it (SQL through
// exec) as an older release would have left it, and opens it again, which
// runs the migrations on it.
func reopened(t *testing.T, change func(db *sqlite.DB, exec func(t *testing.T, query string))) *sqlite.DB {
	t.Helper()
	ctx := context.Background()
	path := filepath.Join(t.TempDir(), "parabot.db")
	db, err := sqlite.Open(ctx, path, storagetest.Logger(t))
	if err != nil {
		t.Fatal(err)
	}
	change(db, func(t *testing.T, query string) {
		if _, err := db.SQL().ExecContext(ctx, query); err != nil {
			t.Fatalf("%s: %v", query, err)
		}
	})
	db.Close()
	db, err = sqlite.Open(ctx, path, storagetest.Logger(t))
	if err != nil {
		t.Fatalf("Open (migrating): %v", err)
	}
	t.Cleanup(func() { db.Close() })
	return db
}

// A database from before the purged and roster-identity marks gets them
// from what it holds (see storagetest.MakeUnmarked).
func TestMigrateMarksPurgedAndRosterIDs(t *testing.T) {
	db := reopened(t, func(db *sqlite.DB, exec func(t *testing.T, query string)) { storagetest.MakeUnmarked(t, db, exec) })
	storagetest.CheckMarked(t, db)
}

// A database that ran the debrief migration under its first number, 0032,
// opens under the code that numbers it 0060: the table is kept, and 0060
// is recorded.
func TestMigrateDebriefsRenumbered(t *testing.T) {
	db := reopened(t, func(_ *sqlite.DB, exec func(t *testing.T, query string)) {
		exec(t, `UPDATE schema_migrations SET version = 32 WHERE version = 60`)
	})
	var n int
	if err := db.SQL().QueryRowContext(context.Background(), `SELECT count(*) FROM schema_migrations WHERE version IN (32, 60)`).Scan(&n); err != nil || n != 2 {
		t.Errorf("versions 32 and 60 recorded: %d, %v; want both", n, err)
	}
}

// A new database file, and its -wal and -shm files, are readable by
// their owner only whatever the umask: they hold students' names.
func TestNewFileIsPrivate(t *testing.T) {
	old := syscall.Umask(0o022)
	defer syscall.Umask(old)
	ctx := context.Background()
	path := filepath.Join(t.TempDir(), "parabot.db")
	db, err := sqlite.Open(ctx, path, storagetest.Logger(t))
	if err != nil {
		t.Fatal(err)
	}
	defer db.Close()
	if _, err := db.ImportRoster(ctx, storagetest.SampleRoster()); err != nil {
		t.Fatal(err)
	}
	for _, name := range []string{path, path + "-wal", path + "-shm"} {
		fi, err := os.Stat(name)
		if err != nil {
			t.Fatal(err)
		}
		if mode := fi.Mode().Perm(); mode != 0o600 {
			t.Errorf("%s has mode %04o, want 0600", filepath.Base(name), mode)
		}
	}
}

// An existing file keeps its mode; one others may read is warned about,
// a private one is not.
func TestReadableFileIsWarnedAbout(t *testing.T) {
	ctx := context.Background()
	for _, mode := range []os.FileMode{0o644, 0o600} {
		path := filepath.Join(t.TempDir(), "parabot.db")
		if err := os.WriteFile(path, nil, mode); err != nil {
			t.Fatal(err)
		}
		if err := os.Chmod(path, mode); err != nil {
			t.Fatal(err)
		}
		var logs strings.Builder
		db, err := sqlite.Open(ctx, path, slog.New(slog.NewTextHandler(&logs, nil)))
		if err != nil {
			t.Fatal(err)
		}
		db.Close()
		fi, err := os.Stat(path)
		if err != nil {
			t.Fatal(err)
		}
		if got := fi.Mode().Perm(); got != mode {
			t.Errorf("an existing %04o file now has mode %04o", mode, got)
		}
		warned := strings.Contains(logs.String(), `level=WARN msg="the sqlite database file is readable by other users of this machine`) &&
			strings.Contains(logs.String(), "mode=0644")
		if warned != (mode == 0o644) {
			t.Errorf("mode %04o: warned %v, want %v:\n%s", mode, warned, mode == 0o644, logs.String())
		}
	}
}
