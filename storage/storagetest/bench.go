package storagetest

import (
	"context"
	"runtime"
	"testing"

	"parabot/storage"
)

// benchWriters is how many goroutines log at once in the concurrent
// benchmark, as many chat users would.
const benchWriters = 64

// Bench benchmarks the hot path of every engine: logging a batch of
// trials with one job, in one transaction, one after another; and the
// same without a job (as /trial does) from benchWriters goroutines at once.
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
	b.Run("LogTrialsConcurrent", func(b *testing.B) {
		s := open(b)
		f := load(b, s)
		ctx := context.Background()
		batch := trialBatch(b, f, at(b, "2026-09-14", "10:15"))
		b.ReportAllocs()
		b.SetParallelism(max(1, benchWriters/runtime.GOMAXPROCS(0)))
		b.RunParallel(func(pb *testing.PB) {
			for pb.Next() {
				if _, err := s.LogTrials(ctx, batch, nil); err != nil {
					b.Errorf("LogTrials: %v", err)
					return
				}
			}
		})
	})
}
