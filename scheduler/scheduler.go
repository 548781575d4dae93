package scheduler

import (
	"cmp"
	"context"
	"errors"
	"fmt"
	"log/slog"
	"time"

	"github.com/riverqueue/river"
	"github.com/riverqueue/river/riverdriver"
	"github.com/riverqueue/river/rivertype"

	"parabot/storage"
	"parabot/summary"
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
	// DeliverWorkers bounds concurrent deliveries; zero means 32 (a
	// delivery mostly waits on the platform and its rate limits).
	DeliverWorkers int
	// RemindWorkers bounds concurrent reminders and planning; zero means
	// 32. River fetches at most this many at a time, so it also bounds
	// how fast a minute's reminders fire.
	RemindWorkers int
	// CountReminder is told what became of every reminder occurrence
	// (metrics); may be nil.
	CountReminder func(kind string, o Outcome)
	// Narrator writes the narratives of the daily and weekly summaries'
	// private copies; nil for none.
	Narrator *summary.Narrator
	// RescueAfter is how long a job may run before it is taken for dead;
	// zero means the constant RescueAfter. Tests set it short, above how
	// long their jobs run.
	RescueAfter time.Duration
}

// JobTimeout bounds one attempt of any job. A delivery is a few Web API
// calls of at most 10 seconds each; a job running longer is cancelled.
const JobTimeout = 25 * time.Second

// RescueAfter is how long a job may stay "running" before it is taken for
// dead (its process was killed) and run again: just past JobTimeout, so a
// message whose worker died arrives within about a minute (River's own
// default is an hour), and a live job is never run twice.
const RescueAfter = JobTimeout + 5*time.Second

// movableRescueAfter is RescueAfter on a movable clock: in effect never.
const movableRescueAfter = 100 * 365 * 24 * time.Hour

// Runner is a started River client working parabot's queues.
type Runner interface {
	// Stop stops fetching jobs and waits for running jobs to finish, up to
	// ctx's deadline; then it cancels those still running.
	Stop(ctx context.Context) error
	// Idle waits until no job is due or running, up to ctx's deadline
	// (the terminal adapter waits so its transcript is in order).
	Idle(ctx context.Context) error
	// Next returns when the earliest scheduled (or retryable) job is due;
	// false when none waits.
	Next(ctx context.Context) (time.Time, bool, error)
}

// Start builds and starts a River client on driver with parabot's
// workers. driver is riverpgxv5.New(pool) or riversqlite.New(db).
func Start[TTx any](ctx context.Context, driver riverdriver.Driver[TTx], cfg Config) (Runner, error) {
	if cfg.PollInterval == 0 {
		cfg.PollInterval = time.Second
	}
	if cfg.DeliverWorkers == 0 {
		cfg.DeliverWorkers = 32
	}
	if cfg.RemindWorkers == 0 {
		cfg.RemindWorkers = 32
	}
	workers := river.NewWorkers()
	deliver := &DeliverWorker{Store: cfg.Store, Senders: cfg.Senders, Log: cfg.Log, Now: cfg.Now}
	if err := river.AddWorkerSafely(workers, deliver); err != nil {
		return nil, fmt.Errorf("adding delivery worker: %w", err)
	}
	remind := &RemindWorker{Store: cfg.Store, Log: cfg.Log, Now: cfg.Now, Count: cfg.CountReminder, Narrator: cfg.Narrator}
	if err := river.AddWorkerSafely(workers, remind); err != nil {
		return nil, fmt.Errorf("adding reminder worker: %w", err)
	}
	if err := river.AddWorkerSafely(workers, &FireWorker{Remind: remind, Deliver: deliver}); err != nil {
		return nil, fmt.Errorf("adding reminder worker: %w", err)
	}
	if err := river.AddWorkerSafely(workers, &EscalateWorker{Store: cfg.Store, Log: cfg.Log, Now: cfg.Now}); err != nil {
		return nil, fmt.Errorf("adding escalation worker: %w", err)
	}
	if err := river.AddWorkerSafely(workers, &NoticeWorker{Store: cfg.Store, Log: cfg.Log, Now: cfg.Now}); err != nil {
		return nil, fmt.Errorf("adding parent-notice worker: %w", err)
	}
	if err := river.AddWorkerSafely(workers, &PlanWorker{Store: cfg.Store, Log: cfg.Log, Now: cfg.Now}); err != nil {
		return nil, fmt.Errorf("adding planner: %w", err)
	}
	if err := river.AddWorkerSafely(workers, &PlanAllWorker{Store: cfg.Store, Now: cfg.Now}); err != nil {
		return nil, fmt.Errorf("adding planner: %w", err)
	}
	if err := river.AddWorkerSafely(workers, &PurgeWorker{Store: cfg.Store, Log: cfg.Log, Now: cfg.Now}); err != nil {
		return nil, fmt.Errorf("adding purge worker: %w", err)
	}
	planner, err := plannerJob()
	if err != nil {
		return nil, err
	}
	purge, err := purgeJob()
	if err != nil {
		return nil, err
	}
	rc := &river.Config{
		PeriodicJobs:         []*river.PeriodicJob{planner, purge},
		Logger:               cfg.Log.With("component", "river"),
		Workers:              workers,
		FetchPollInterval:    cfg.PollInterval,
		FetchCooldown:        min(cfg.PollInterval, 100*time.Millisecond),
		JobTimeout:           min(JobTimeout, cmp.Or(cfg.RescueAfter, RescueAfter)),
		RescueStuckJobsAfter: cmp.Or(cfg.RescueAfter, RescueAfter),
		Queues: map[string]river.QueueConfig{
			QueueDeliver: {MaxWorkers: cfg.DeliverWorkers},
			QueueRemind:  {MaxWorkers: cfg.RemindWorkers},
		},
	}
	if cfg.Movable {
		rc.Test.Time = movable(cfg.Now)
		// River's rescuer measures how long a job has run on the real clock
		// from when it started on this one: on a moved clock it would take
		// live jobs for dead and run them twice. One process, stopped
		// gracefully, needs no rescue.
		rc.RescueStuckJobsAfter = movableRescueAfter
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

func (r *runner[TTx]) Next(ctx context.Context) (time.Time, bool, error) {
	res, err := r.client.JobList(ctx, river.NewJobListParams().States(rivertype.JobStateScheduled, rivertype.JobStateRetryable).
		OrderBy(river.JobListOrderByScheduledAt, river.SortOrderAsc).First(1))
	if err != nil {
		return time.Time{}, false, fmt.Errorf("listing scheduled jobs: %w", err)
	}
	if len(res.Jobs) == 0 {
		return time.Time{}, false, nil
	}
	return res.Jobs[0].ScheduledAt, true, nil
}

// Idle makes scheduled jobs whose time came on the movable clock available
// at once (River's own scheduler looks only every few seconds of real
// time), then waits until no job is due or running.
func (r *runner[TTx]) Idle(ctx context.Context) error {
	t := time.NewTicker(20 * time.Millisecond)
	defer t.Stop()
	for {
		if err := r.releaseDue(ctx); err != nil {
			return err
		}
		res, err := r.client.JobList(ctx, river.NewJobListParams().
			States(rivertype.JobStateAvailable, rivertype.JobStateRunning, rivertype.JobStateRetryable, rivertype.JobStateScheduled).
			OrderBy(river.JobListOrderByScheduledAt, river.SortOrderAsc).First(100)) // the due ones first, however many wait
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

// releaseDue makes the scheduled and retryable jobs due on the movable clock
// available now, and brings jobs made available on the real clock (the
// store inserts with its own) to the movable one, when that is behind.
func (r *runner[TTx]) releaseDue(ctx context.Context) error {
	res, err := r.client.JobList(ctx, river.NewJobListParams().States(rivertype.JobStateScheduled, rivertype.JobStateRetryable, rivertype.JobStateAvailable).
		OrderBy(river.JobListOrderByScheduledAt, river.SortOrderAsc).First(100))
	if err != nil {
		return fmt.Errorf("listing scheduled jobs: %w", err)
	}
	now := r.now()
	for _, j := range res.Jobs {
		if j.State != rivertype.JobStateAvailable && j.ScheduledAt.After(now) {
			continue
		}
		// An available job stamped ahead of the movable clock (the store
		// inserts with its own clock) would wait for the clock to catch up:
		// it is due now.
		if j.State == rivertype.JobStateAvailable && !j.ScheduledAt.After(now) {
			continue
		}
		if _, err := r.client.JobRetry(ctx, j.ID); err != nil {
			return fmt.Errorf("releasing job %d: %w", j.ID, err)
		}
	}
	return nil
}

// movable makes River read our clock.
type movable func() time.Time

func (m movable) Now() time.Time { return m() }
func (m movable) NowOrNil() *time.Time {
	t := m()
	return &t
}
