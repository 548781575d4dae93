package storagetest

import (
	"context"
	"testing"

	"parabot/storage"
)

// Bench benchmarks the hot path of every engine: logging a batch of
// trials with one job, in one transaction.
func Bench(b *testing.B, open func(b *testing.B) storage.Store) {
	b.Run("LogTrials", func(b *testing.B) {
		s := open(b)
		f := load(b, s)
		ctx := context.Background()
		batch := trialBatch(b, f, at(b, "2026-09-14", "10:15"))
		jobs := []storage.Job{notice(f.staff["tlopez"].ID)}
		b.ReportAllocs()
		for b.Loop() {
			if _, err := s.LogTrials(ctx, batch, jobs); err != nil {
				b.Fatalf("LogTrials: %v", err)
			}
		}
	})
}
