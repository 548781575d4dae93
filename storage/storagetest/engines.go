package storagetest

import (
	"context"
	"log/slog"
	"path/filepath"
	"testing"

	"parabot/storage/sqlite"
)

// Logger logs warnings and errors into the test's output.
func Logger(tb testing.TB) *slog.Logger {
	return slog.New(slog.NewTextHandler(tb.Output(), &slog.HandlerOptions{Level: slog.LevelWarn}))
}

// OpenSQLite opens a fresh SQLite database in a temporary directory,
// closed when the test ends.
func OpenSQLite(tb testing.TB) *sqlite.DB {
	tb.Helper()
	db, err := sqlite.Open(context.Background(), filepath.Join(tb.TempDir(), "parabot.db"), Logger(tb))
	if err != nil {
		tb.Fatalf("opening sqlite: %v", err)
	}
	tb.Cleanup(func() {
		if err := db.Close(); err != nil {
			tb.Errorf("closing sqlite: %v", err)
		}
	})
	return db
}
