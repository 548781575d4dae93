package scheduler

import (
	"cmp"
	"context"
	"errors"
	"fmt"
	"log/slog"
	"sync/atomic"
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
	// ReplicaSilence is how long a replica may go without beating before
	// the others take it for dead; zero means the constant ReplicaSilence.
	ReplicaSilence time.Duration
	// CountReplicas is told at every beat how many replicas are alive and
	// how many jobs of dead ones this replica has just run again
	// (metrics); may be nil.
	CountReplicas func(live, rerun int)
	// CountWaiting is told of every delivery put off because its
	// recipient's platform is not configured here (metrics); may be nil.
	CountWaiting func(platform string)
}

// JobTimeout bounds one attempt of any job. A delivery is a few Web API
// calls of at most 10 seconds each; a job running longer is cancelled.
const JobTimeout = 25 * time.Second

// RescueAfter is how long a job may stay "running" before it is taken for
// dead (its process was killed) and run again: just past JobTimeout, so a
// message whose worker died arrives within about a minute (River's own
// default is an hour), and a live job is never run twice.
const RescueAfter = JobTimeout + 5*time.Second

// movableRescueAfter replaces RescueAfter on a movable clock. River's
// rescuer compares the wall clock with when a job started, which the
// movable clock stamps: on a clock set before today every running job
// would look hours or months old, be taken for dead at the rescuer's next
// pass and be made retryable while its worker still runs, so nothing
// would show it running any more. A century is longer than any clock is
// set back; a process on a movable clock is one terminal, not a fleet
// whose workers die.
const movableRescueAfter = 100 * 365 * 24 * time.Hour

// Runner is a started River client working parabot's queues.
type Runner interface {
	// Stop stops fetching jobs and waits for running jobs to finish, up to
	// ctx's deadline; then it cancels those still running.
	Stop(ctx context.Context) error
	// Idle waits until no job is due or running, up to ctx's deadline
	// (the terminal adapter waits so its transcript is in order): no job
	// row is available, running, or scheduled or retryable at or before
	// now, and no worker of this runner is still in its Work. A job
	// inserts what it schedules before its Work returns, so once Idle
	// returns every job due now has run, with the jobs it inserted.
	Idle(ctx context.Context) error
	// Next waits as Idle does, then returns when the earliest scheduled
	// (or retryable) job is due; false when none waits. Moving a movable
	// clock to it never passes a job a running job was about to insert.
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
	deliver := &DeliverWorker{Store: cfg.Store, Senders: cfg.Senders, Log: cfg.Log, Now: cfg.Now, CountWaiting: cfg.CountWaiting}
	if err := river.AddWorkerSafely(workers, deliver); err != nil {
		return nil, fmt.Errorf("adding delivery worker: %w", err)
	}
	remind := &RemindWorker{Store: cfg.Store, Log: cfg.Log, Now: cfg.Now, Count: cfg.CountReminder, Narrator: cfg.Narrator}
	if err := river.AddWorkerSafely(workers, remind); err != nil {
		return nil, fmt.Errorf("adding reminder worker: %w", err)
	}
	if err := river.AddWorkerSafely(workers, &FireWorker{Remind: remind, Deliver: deliver}); err != nil {
		return nil, fmt.Errorf("adding reminder-firing worker: %w", err)
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
	working := &inWork{}
	rep := &replicas[TTx]{id: replicaID(), store: cfg.Store, driver: driver, senders: cfg.Senders, log: cfg.Log,
		now: cfg.Now, silence: cmp.Or(cfg.ReplicaSilence, ReplicaSilence), count: cfg.CountReplicas}
	rc := &river.Config{
		ID:                   rep.id,
		Middleware:           []rivertype.Middleware{working},
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
		rc.RescueStuckJobsAfter = movableRescueAfter
	}
	client, err := river.NewClient(driver, rc)
	if err != nil {
		return nil, fmt.Errorf("creating job client: %w", err)
	}
	if err := client.Start(ctx); err != nil {
		return nil, fmt.Errorf("starting job workers: %w", err)
	}
	if n, err := releaseWaiting(ctx, client); err != nil {
		cfg.Log.Warn("trying again the deliveries that waited for a chat platform failed: they are tried when their wait ends", "error", err)
	} else if n > 0 {
		cfg.Log.Info("deliveries that waited for a chat platform are tried again", "jobs", n)
	}
	// The first beat before any job runs, so the senders know their
	// share; then one every fifth of the silence, until Stop (or ctx ends:
	// a replica that stops without Stop is taken for dead).
	rep.beat(ctx)
	bctx, stopBeat := context.WithCancel(ctx)
	beating := make(chan struct{})
	go func() {
		defer close(beating)
		rep.run(bctx)
	}()
	return &runner[TTx]{client: client, now: cfg.Now, working: working, rep: rep, stopBeat: stopBeat, beating: beating}, nil
}

// releaseWaiting makes the deliveries put off for a platform that was not
// configured (DeliverWorker, PlatformWait) available at once: this
// process may have its settings. Those still waiting are put off again
// at their next attempt, with a warning.
func releaseWaiting[TTx any](ctx context.Context, client *river.Client[TTx]) (int, error) {
	params := river.NewJobListParams().Kinds(DeliverArgs{}.Kind()).States(rivertype.JobStateScheduled).
		Where("metadata->>'" + WaitsFor + "' IS NOT NULL").First(100)
	n := 0
	for {
		res, err := client.JobList(ctx, params)
		if err != nil {
			return n, fmt.Errorf("listing deliveries waiting for a platform: %w", err)
		}
		for _, j := range res.Jobs {
			if _, err := client.JobRetry(ctx, j.ID); err != nil && !errors.Is(err, river.ErrNotFound) {
				return n, fmt.Errorf("releasing delivery %d: %w", j.ID, err)
			}
			n++
		}
		if len(res.Jobs) < 100 {
			return n, nil
		}
		// By id: a job released here and put off again is not listed twice.
		params = params.After(res.LastCursor)
	}
}

type runner[TTx any] struct {
	client   *river.Client[TTx]
	now      func() time.Time
	working  *inWork
	rep      *replicas[TTx]
	stopBeat context.CancelFunc
	beating  chan struct{}
}

// inWork counts the jobs of one client whose Work is running: from just
// before Work starts to just after it returns, when everything it wrote
// (the jobs it inserted with it) is committed.
type inWork struct {
	river.MiddlewareDefaults
	n atomic.Int64
}

func (w *inWork) Work(ctx context.Context, _ *rivertype.JobRow, doInner func(context.Context) error) error {
	w.n.Add(1)
	defer w.n.Add(-1)
	return doInner(ctx)
}

// StopGrace is how long Stop may go on past its context's deadline, to
// cancel the jobs still running and leave the replicas table; it returns
// by then whatever the database does.
const StopGrace = time.Second

// leaveTimeout bounds leaving the replicas table after a stop in time.
const leaveTimeout = 5 * time.Second

// Stop stops the client, then the beat: a replica beats while its jobs
// finish, so none is run twice, and then leaves the replicas table, so
// the others take up its share of the limits at once.
func (r *runner[TTx]) Stop(ctx context.Context) error {
	err := r.client.Stop(ctx)
	late, cancel := afterDeadline(ctx, StopGrace, leaveTimeout)
	defer cancel()
	defer r.leave(late)
	if err == nil {
		return nil
	}
	// Out of time: cancel what still runs, so nothing works on after the
	// database closes. A cancelled job is retried (or rescued) later.
	return errors.Join(fmt.Errorf("jobs still running at the shutdown deadline were cancelled: %w", err), r.client.StopAndCancel(late))
}

// afterDeadline is a context for work that must be tried even when ctx
// has run out: it ends grace after ctx's deadline, and no later than
// most from now.
func afterDeadline(ctx context.Context, grace, most time.Duration) (context.Context, context.CancelFunc) {
	end := time.Now().Add(most)
	if d, ok := ctx.Deadline(); ok && d.Add(grace).Before(end) {
		end = d.Add(grace)
	}
	return context.WithDeadline(context.WithoutCancel(ctx), end)
}

// leave stops the beat and forgets this replica, giving up when ctx ends
// (a beat or the database that does not answer).
func (r *runner[TTx]) leave(ctx context.Context) {
	r.stopBeat()
	select {
	case <-r.beating:
	case <-ctx.Done():
		r.rep.log.Warn("the replica's beat did not stop in time: the others take it for dead soon")
		return
	}
	if err := r.rep.store.Leave(ctx, r.rep.id); err != nil {
		r.rep.log.Warn("forgetting this replica failed: the others take it for dead soon", "error", err)
	}
}

func (r *runner[TTx]) Next(ctx context.Context) (time.Time, bool, error) {
	if err := r.Idle(ctx); err != nil {
		return time.Time{}, false, err
	}
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
// time), then waits until no job is due or running and no Work of this
// runner is in progress.
//
// The count of Work in progress is read before the job table: a Work
// that ended before the count was read has committed the jobs it
// inserted, so the table shows them (due now, so busy); a job fetched
// and not yet in its Work is still running in the table. It is read
// again after the table, for a job the table no longer shows running
// while its Work goes on. While Work is in progress only the due jobs
// are released: the table is not read more often than that (SQLite
// has one connection for the workers too).
func (r *runner[TTx]) Idle(ctx context.Context) error {
	t := time.NewTicker(20 * time.Millisecond)
	defer t.Stop()
	for {
		if err := r.releaseDue(ctx); err != nil {
			return err
		}
		if r.working.n.Load() == 0 {
			due, err := r.due(ctx)
			if err != nil {
				return err
			}
			if !due && r.working.n.Load() == 0 {
				return nil
			}
		}
		select {
		case <-ctx.Done():
			return ctx.Err()
		case <-t.C:
		}
	}
}

// due tells whether a job is available or running, or scheduled or
// retryable at or before now, in one read of the table (one snapshot).
func (r *runner[TTx]) due(ctx context.Context) (bool, error) {
	res, err := r.client.JobList(ctx, river.NewJobListParams().
		States(rivertype.JobStateAvailable, rivertype.JobStateRunning, rivertype.JobStateRetryable, rivertype.JobStateScheduled).
		Where("(state IN ('available', 'running') OR scheduled_at <= @now)", river.NamedArgs{"now": r.now()}).First(1))
	if err != nil {
		return false, fmt.Errorf("listing jobs: %w", err)
	}
	return len(res.Jobs) > 0, nil
}

// releaseDue makes the scheduled and retryable jobs due on the movable clock
// available now, and brings jobs made available on the real clock (the
// store inserts with its own) to the movable one, when that is behind. It
// releases up to 100 of each a call; Idle calls it until none is left.
func (r *runner[TTx]) releaseDue(ctx context.Context) error {
	now := r.now()
	res, err := r.client.JobList(ctx, river.NewJobListParams().States(rivertype.JobStateScheduled, rivertype.JobStateRetryable).
		OrderBy(river.JobListOrderByScheduledAt, river.SortOrderAsc).First(100))
	if err != nil {
		return fmt.Errorf("listing scheduled jobs: %w", err)
	}
	for _, j := range res.Jobs {
		if j.ScheduledAt.After(now) {
			break
		}
		if err := r.release(ctx, j.ID); err != nil {
			return err
		}
	}
	// An available job stamped ahead of the movable clock (the store
	// inserts with its own clock) would wait for the clock to catch up:
	// it is due now.
	res, err = r.client.JobList(ctx, river.NewJobListParams().States(rivertype.JobStateAvailable).
		OrderBy(river.JobListOrderByScheduledAt, river.SortOrderDesc).First(100))
	if err != nil {
		return fmt.Errorf("listing available jobs: %w", err)
	}
	for _, j := range res.Jobs {
		if !j.ScheduledAt.After(now) {
			break
		}
		if err := r.release(ctx, j.ID); err != nil {
			return err
		}
	}
	return nil
}

// release makes a job available now on the movable clock. River leaves a
// job that is running by then alone; a job gone since it was listed
// (finished and cleaned, or replaced) is not due.
func (r *runner[TTx]) release(ctx context.Context, id int64) error {
	if _, err := r.client.JobRetry(ctx, id); err != nil && !errors.Is(err, river.ErrNotFound) {
		return fmt.Errorf("releasing job %d: %w", id, err)
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
