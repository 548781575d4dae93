package scheduler

import (
	"context"
	"fmt"
	"time"

	"github.com/riverqueue/river"

	"parabot/storage"
)

// FireArgs is the job that fires, at At, the occurrences of a school day
// due at that instant whose recipient falls in Part (FirePart). One job
// sends a share of a minute's reminders, in the order of what they remind
// of, instead of one job per reminder; the parts of a large minute run
// side by side, on any replica. Which occurrences it fires is read from
// the day's plan when it runs, so a roster change made after planning
// counts.
type FireArgs struct {
	V        int       `json:"v"`
	SchoolID int64     `json:"school_id"`
	Date     string    `json:"date"`
	At       time.Time `json:"at"`
	Part     int       `json:"part"`
}

// Kind is River's job kind.
func (FireArgs) Kind() string { return "remind_minute" }

// FireParts is how many parts a school's reminders of one instant are
// split into, by recipient: enough that a large school's minute spreads
// over the workers of every replica. A person's reminders of one instant
// are always in the same part, so they arrive in order.
const FireParts = 8

// FirePart is the part an occurrence is fired in: by recipient, so a
// person's reminders of one instant arrive in order. A summary has a part
// of its own past the shared ones (its teacher's id), so that one job
// composes one teacher's summaries and their narratives, within its own
// timeout, and a school's summaries of one instant are composed side by
// side.
func FirePart(o Occurrence) int {
	if o.Kind == KindDailySummary || o.Kind == KindWeeklySummary {
		return FireParts + int(o.StaffID)
	}
	return int(o.StaffID % FireParts)
}

// fireSendFor is how long one FireArgs job sends messages itself; what is
// left after that is queued as delivery jobs, so the job ends well within
// JobTimeout however slowly the platform lets messages out.
const fireSendFor = 15 * time.Second

// scheduleAt is the ScheduledAt of a job due at at, made at now. River
// holds a job given a time until its scheduler next looks (every few
// seconds), so a job already due on the real clock is given none and runs
// at once. On a clock moved away from the real one (tests, the terminal's
// demo clock) it keeps its time, by which the waits for due jobs order
// them.
func scheduleAt(at, now time.Time) time.Time {
	if !at.After(now) && time.Since(now).Abs() < time.Minute {
		return time.Time{}
	}
	return at
}

// FireJobs makes the jobs that fire occs (a day's plan) as planned at now:
// one per instant and part that has an occurrence, in the plan's order,
// and unique, so planning again, on any replica, inserts nothing. Each is
// scheduled at its instant, or runs at once when that has come
// (scheduleAt).
func FireJobs(occs []Occurrence, now time.Time) []storage.Job {
	var jobs []storage.Job
	seen := map[string]bool{}
	for _, o := range occs {
		part := FirePart(o)
		key := fireUniqueKey(o.SchoolID, o.Date, o.At, part)
		if seen[key] {
			continue
		}
		seen[key] = true
		jobs = append(jobs, storage.Job{
			Args:  FireArgs{V: payloadVersion, SchoolID: o.SchoolID, Date: o.Date, At: o.At.UTC(), Part: part},
			Queue: QueueRemind, MaxAttempts: 5, ScheduledAt: scheduleAt(o.At, now), UniqueKey: key,
		})
	}
	return jobs
}

// fireUniqueKey is the UniqueKey of the FireArgs job of an instant and
// part. The store claims storage.UniqueJobClaim when it inserts the job,
// which is how an occurrence's job of an older planner
// finds that one was planned.
func fireUniqueKey(schoolID int64, date string, at time.Time, part int) string {
	return fmt.Sprintf("%d:%s:%d:%d", schoolID, date, at.Unix(), part)
}

// FireWorker runs FireArgs: each occurrence is fired once (RemindWorker's
// checks and outcomes), and its message sent at once through the
// delivery worker's platforms; one that cannot go now is queued for
// delivery, with its retries.
type FireWorker struct {
	river.WorkerDefaults[FireArgs]
	Remind  *RemindWorker
	Deliver *DeliverWorker
}

// Timeout bounds one run: it ends before a job is taken for dead.
func (w *FireWorker) Timeout(*river.Job[FireArgs]) time.Duration { return JobTimeout }

// Work fires the occurrences of the instant and part. An error leaves the
// rest to the job's next attempt; what went out was recorded and is not
// sent again.
func (w *FireWorker) Work(ctx context.Context, job *river.Job[FireArgs]) error {
	a := job.Args
	f, ok, err := w.Remind.freshFacts(ctx, a.SchoolID, a.Date)
	if err != nil || !ok {
		return err
	}
	sendUntil := time.Now().Add(fireSendFor)
	for _, o := range PlanDay(f) {
		if !o.At.Equal(a.At) || FirePart(o) != a.Part {
			continue
		}
		d := w.Deliver
		if time.Now().After(sendUntil) {
			d = nil
		}
		out, err := w.Remind.fireOne(ctx, f, o, d, job.Attempt > 1)
		if err != nil {
			return err
		}
		w.Remind.fired(job.ID, o, out)
	}
	return nil
}
