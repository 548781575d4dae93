package scheduler

import (
	"context"
	"errors"
	"fmt"
	"log/slog"
	"time"

	"github.com/riverqueue/river"
	"github.com/riverqueue/river/riverdriver"
	"github.com/riverqueue/river/rivertype"

	"parabot/storage"
)

// Config configures the job workers.
type Config struct {
	Store   storage.Store
	Senders map[storage.Platform]Sender
	Log     *slog.Logger
	// Now is the clock. When Movable is set, River reads it too, so moving
	// it (the terminal adapter, tests) makes scheduled jobs come due.
	Now     func() time.Time
	Movable bool
	// PollInterval is how often workers look for due jobs when nothing
	// woke them (SQLite has no LISTEN/NOTIFY). Zero means one second.
	PollInterval time.Duration
	// DeliverWorkers bounds concurrent deliveries.
	DeliverWorkers int
}

// JobTimeout bounds one attempt of any job. A delivery is a few Web API
// calls of at most 10 seconds each; a job running longer is cancelled.
const JobTimeout = 25 * time.Second

// RescueAfter is how long a job may stay "running" before it is taken for
// dead (its process was killed) and run again: just past JobTimeout, so a
// message whose worker died arrives within about a minute (River's own
// default is an hour), and a live job is never run twice.
const RescueAfter = JobTimeout + 5*time.Second

// Runner is a started River client working parabot's queues.
type Runner interface {
	// Stop stops fetching jobs and waits for running jobs to finish, up to
	// ctx's deadline; then it cancels those still running.
	Stop(ctx context.Context) error
	// Idle waits until no job is due or running, up to ctx's deadline
	// (the terminal adapter waits so its transcript is in order).
	Idle(ctx context.Context) error
}

// Start builds and starts a River client on driver with parabot's
// workers. driver is riverpgxv5.New(pool) or riversqlite.New(db).
func Start[TTx any](ctx context.Context, driver riverdriver.Driver[TTx], cfg Config) (Runner, error) {
	if cfg.PollInterval == 0 {
		cfg.PollInterval = time.Second
	}
	if cfg.DeliverWorkers == 0 {
		cfg.DeliverWorkers = 4
	}
	workers := river.NewWorkers()
	if err := river.AddWorkerSafely(workers, &DeliverWorker{Store: cfg.Store, Senders: cfg.Senders, Log: cfg.Log, Now: cfg.Now}); err != nil {
		return nil, fmt.Errorf("adding delivery worker: %w", err)
	}
	rc := &river.Config{
		Logger:               cfg.Log.With("component", "river"),
		Workers:              workers,
		FetchPollInterval:    cfg.PollInterval,
		FetchCooldown:        min(cfg.PollInterval, 100*time.Millisecond),
		JobTimeout:           JobTimeout,
		RescueStuckJobsAfter: RescueAfter,
		Queues: map[string]river.QueueConfig{
			QueueDeliver: {MaxWorkers: cfg.DeliverWorkers},
		},
	}
	if cfg.Movable {
		rc.Test.Time = movable(cfg.Now)
	}
	client, err := river.NewClient(driver, rc)
	if err != nil {
		return nil, fmt.Errorf("creating job client: %w", err)
	}
	if err := client.Start(ctx); err != nil {
		return nil, fmt.Errorf("starting job workers: %w", err)
	}
	return &runner[TTx]{client: client, now: cfg.Now}, nil
}

type runner[TTx any] struct {
	client *river.Client[TTx]
	now    func() time.Time
}

func (r *runner[TTx]) Stop(ctx context.Context) error {
	err := r.client.Stop(ctx)
	if err == nil {
		return nil
	}
	// Out of time: cancel what still runs, so nothing works on after the
	// database closes. A cancelled job is retried (or rescued) later.
	hctx, cancel := context.WithTimeout(context.WithoutCancel(ctx), 5*time.Second)
	defer cancel()
	return errors.Join(fmt.Errorf("jobs still running at the shutdown deadline were cancelled: %w", err), r.client.StopAndCancel(hctx))
}

func (r *runner[TTx]) Idle(ctx context.Context) error {
	t := time.NewTicker(20 * time.Millisecond)
	defer t.Stop()
	for {
		res, err := r.client.JobList(ctx, river.NewJobListParams().
			States(rivertype.JobStateAvailable, rivertype.JobStateRunning, rivertype.JobStateRetryable, rivertype.JobStateScheduled).
			First(100))
		if err != nil {
			return fmt.Errorf("listing jobs: %w", err)
		}
		busy := false
		now := r.now()
		for _, j := range res.Jobs {
			if j.State == rivertype.JobStateAvailable || j.State == rivertype.JobStateRunning || !j.ScheduledAt.After(now) {
				busy = true
			}
		}
		if !busy {
			return nil
		}
		select {
		case <-ctx.Done():
			return ctx.Err()
		case <-t.C:
		}
	}
}

// movable makes River read our clock.
type movable func() time.Time

func (m movable) Now() time.Time { return m() }
func (m movable) NowOrNil() *time.Time {
	t := m()
	return &t
}
