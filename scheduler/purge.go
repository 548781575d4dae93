package scheduler

import (
	"context"
	"fmt"
	"log/slog"
	"time"

	"github.com/riverqueue/river"
	"github.com/robfig/cron/v3"

	"parabot/storage"
)

// PurgeArgs is the periodic job that applies the schools' retention
// policies (storage.Retention), as parabot purge --yes does.
type PurgeArgs struct {
	V int `json:"v"`
}

// Kind is River's job kind.
func (PurgeArgs) Kind() string { return "purge" }

// PurgeWorker runs a purge and logs what it did (ids and counts only).
type PurgeWorker struct {
	river.WorkerDefaults[PurgeArgs]
	Store storage.Store
	Log   *slog.Logger
	Now   func() time.Time
}

// Work purges as of now.
func (w *PurgeWorker) Work(ctx context.Context, _ *river.Job[PurgeArgs]) error {
	rep, err := w.Store.Purge(ctx, w.Now(), false)
	if err != nil {
		return fmt.Errorf("purging: %w", err)
	}
	for _, s := range rep.Schools {
		w.Log.Info("retention purge", "school_id", s.SchoolID, "students", s.Students, "entries", s.Entries, "access_rows", s.AccessRows)
	}
	return nil
}

// purgeSpec is when the leader purges: daily, at night (UTC).
const purgeSpec = "17 3 * * *"

// purgeJob is the periodic purge: River runs it on the leader only.
func purgeJob() (*river.PeriodicJob, error) {
	sched, err := cron.ParseStandard(purgeSpec)
	if err != nil {
		return nil, fmt.Errorf("parsing purge schedule: %w", err)
	}
	return river.NewPeriodicJob(sched, func() (river.JobArgs, *river.InsertOpts) {
		return PurgeArgs{V: payloadVersion}, &river.InsertOpts{Queue: QueueRemind}
	}, &river.PeriodicJobOpts{ID: "purge"}), nil
}
