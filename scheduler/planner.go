package scheduler

import (
	"context"
	"errors"
	"fmt"
	"log/slog"
	"time"

	"github.com/riverqueue/river"
	"github.com/robfig/cron/v3"

	"parabot/schoolday"
	"parabot/storage"
	"parabot/today"
)

// PlanArgs is the job that plans one school day's reminders. A chained
// plan (Nonce 0) is unique per school and day and, when it runs, chains
// the next day's; a plan with a Nonce (at start, after an import) always
// runs.
type PlanArgs struct {
	V        int    `json:"v"`
	SchoolID int64  `json:"school_id"`
	Date     string `json:"date"`
	Nonce    int64  `json:"nonce,omitempty"`
}

// Kind is River's job kind.
func (PlanArgs) Kind() string { return "plan_day" }

// planHour is when, the evening before, a day's reminders are planned.
const planHour = "18:00"

// PlanDayJob makes the job that plans school's reminders of date, at at.
func PlanDayJob(schoolID int64, date string, at time.Time, nonce int64) storage.Job {
	j := storage.Job{Args: PlanArgs{V: payloadVersion, SchoolID: schoolID, Date: date, Nonce: nonce},
		Queue: QueueRemind, MaxAttempts: 10, ScheduledAt: at}
	if nonce == 0 {
		// The evening plan of a day is inserted once, however often the
		// day before is planned; a plan with a nonce always runs.
		j.UniqueKey = fmt.Sprintf("%d:%s", schoolID, date)
	}
	return j
}

// Replan makes the jobs that plan, now, the rest of today and tomorrow
// of every school (at start and after a roster import), and chain the
// evening planning of the days after.
func Replan(schools []storage.School, now time.Time) []storage.Job {
	var jobs []storage.Job
	at := scheduleAt(now, now)
	for _, s := range schools {
		d := schoolday.Today(now, s.Location())
		jobs = append(jobs,
			PlanDayJob(s.ID, d, at, now.UnixNano()),
			PlanDayJob(s.ID, schoolday.AddDays(d, 1), at, now.UnixNano()+1),
			chainJob(s, d))
	}
	return jobs
}

// chainJob plans the day after date on date's evening.
func chainJob(s storage.School, date string) storage.Job {
	at, err := schoolday.At(date, planHour, s.Location())
	if err != nil {
		at = time.Now()
	}
	return PlanDayJob(s.ID, schoolday.AddDays(date, 1), at, 0)
}

// PlanWorker plans a school day: it inserts the jobs that fire its
// occurrences (FireJobs: one per instant and part, kept once however often
// the day is planned).
type PlanWorker struct {
	river.WorkerDefaults[PlanArgs]
	Store storage.Store
	Log   *slog.Logger
	Now   func() time.Time
}

// Timeout bounds one planning.
func (w *PlanWorker) Timeout(*river.Job[PlanArgs]) time.Duration { return 2 * time.Minute }

// Work plans the day.
func (w *PlanWorker) Work(ctx context.Context, job *river.Job[PlanArgs]) error {
	a := job.Args
	school, err := w.Store.School(ctx, a.SchoolID)
	if errors.Is(err, storage.ErrNotFound) {
		return nil
	}
	if err != nil {
		return fmt.Errorf("loading school %d: %w", a.SchoolID, err)
	}
	f, err := today.LoadFacts(ctx, w.Store, school, a.Date)
	if err != nil {
		return err
	}
	occs := PlanDay(f)
	jobs := FireJobs(occs, w.Now())
	if a.Nonce == 0 && (school.YearEnd == "" || a.Date <= school.YearEnd) {
		jobs = append(jobs, chainJob(school, a.Date))
	}
	if err := w.Store.Enqueue(ctx, jobs); err != nil {
		return fmt.Errorf("planning school %d on %s: %w", a.SchoolID, a.Date, err)
	}
	w.Log.Info("day planned", "school_id", a.SchoolID, "date", a.Date, "occurrences", len(occs))
	return nil
}

// PlanAllArgs is the periodic job that replans every school.
type PlanAllArgs struct {
	V int `json:"v"`
}

// Kind is River's job kind.
func (PlanAllArgs) Kind() string { return "plan_all" }

// PlanAllWorker replans every school (Replan).
type PlanAllWorker struct {
	river.WorkerDefaults[PlanAllArgs]
	Store storage.Store
	Now   func() time.Time
}

// Work replans every school.
func (w *PlanAllWorker) Work(ctx context.Context, _ *river.Job[PlanAllArgs]) error {
	schools, err := w.Store.Schools(ctx)
	if err != nil {
		return fmt.Errorf("listing schools: %w", err)
	}
	if err := w.Store.Enqueue(ctx, Replan(schools, w.Now())); err != nil {
		return fmt.Errorf("replanning: %w", err)
	}
	return nil
}

// planSpec is when the leader replans every school: hourly, so a missed
// evening plan or a roster change is caught within the hour.
const planSpec = "7 * * * *"

// plannerJob is the periodic planner: River runs it on the leader only,
// at start and on planSpec (robfig/cron's schedule, used as a parser).
func plannerJob() (*river.PeriodicJob, error) {
	sched, err := cron.ParseStandard(planSpec)
	if err != nil {
		return nil, fmt.Errorf("parsing planner schedule: %w", err)
	}
	return river.NewPeriodicJob(sched, func() (river.JobArgs, *river.InsertOpts) {
		return PlanAllArgs{V: payloadVersion}, &river.InsertOpts{Queue: QueueRemind}
	}, &river.PeriodicJobOpts{RunOnStart: true, ID: "plan_all"}), nil
}
