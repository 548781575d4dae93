package sqlite_test

import (
	"context"
	"log/slog"
	"path/filepath"
	"strings"
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
	log := slog.New(slog.NewTextHandler(t.Output(), &slog.HandlerOptions{Level: slog.LevelWarn}))
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
