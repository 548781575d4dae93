package postgres_test

import (
	"context"
	"log/slog"
	"path/filepath"
	"sync"
	"testing"

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
	log := slog.New(slog.NewTextHandler(t.Output(), &slog.HandlerOptions{Level: slog.LevelWarn}))
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
