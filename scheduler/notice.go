package scheduler

import (
	"context"
	"errors"
	"fmt"
	"log/slog"
	"time"

	"github.com/riverqueue/river"

	"parabot/bot"
	"parabot/schoolday"
	"parabot/storage"
)

// The steps of a parent-notice task.
const (
	NoticeRemind         = "remind"          // the owner is reminded (at once, then each school morning)
	NoticeOralOverdue    = "oral_overdue"    // at the oral deadline: the admins hear if it was not given
	NoticeWrittenOverdue = "written_overdue" // at the written deadline: the same
)

// NoticeArgs is the job of one step of a parent-notice task.
type NoticeArgs struct {
	V          int    `json:"v"`
	IncidentID int64  `json:"incident_id"`
	Step       string `json:"step"`
	Date       string `json:"date,omitempty"` // a reminder's school day
}

// Kind is River's job kind.
func (NoticeArgs) Kind() string { return "parent_notice" }

// NoticeStep makes the job of a step at at, unique by incident, step and
// day.
func NoticeStep(incidentID int64, step, date string, at time.Time) storage.Job {
	return storage.Job{
		Args:  NoticeArgs{V: payloadVersion, IncidentID: incidentID, Step: step, Date: date},
		Queue: QueueRemind, MaxAttempts: 10, Priority: 1, ScheduledAt: at,
		UniqueKey: fmt.Sprintf("%d/%s/%s", incidentID, step, date),
	}
}

// NoticeJobs are a new task's jobs: the first reminder now, and the
// checks at both deadlines.
func NoticeJobs(n storage.ParentNotice, loc *time.Location, now time.Time) []storage.Job {
	return []storage.Job{
		NoticeStep(n.IncidentID, NoticeRemind, schoolday.Today(now, loc), now),
		NoticeStep(n.IncidentID, NoticeOralOverdue, "", n.OralDue),
		NoticeStep(n.IncidentID, NoticeWrittenOverdue, "", n.WrittenDue),
	}
}

// NoticeWorker reminds the owner of a parent-notice task until both
// notices are marked given, and tells the admins when one is overdue.
type NoticeWorker struct {
	river.WorkerDefaults[NoticeArgs]
	Store storage.Store
	Log   *slog.Logger
	Now   func() time.Time
}

// Timeout bounds one step.
func (w *NoticeWorker) Timeout(*river.Job[NoticeArgs]) time.Duration { return time.Minute }

// Work fires one step: silent when what it checks was done.
func (w *NoticeWorker) Work(ctx context.Context, job *river.Job[NoticeArgs]) error {
	a := job.Args
	n, err := w.Store.ParentNotice(ctx, a.IncidentID)
	if errors.Is(err, storage.ErrNotFound) {
		return nil
	}
	if err != nil {
		return err
	}
	now := w.Now()
	school, err := w.Store.School(ctx, n.SchoolID)
	if err != nil {
		return fmt.Errorf("loading school %d: %w", n.SchoolID, err)
	}
	st, err := w.Store.Student(ctx, n.StudentID)
	if err != nil {
		return fmt.Errorf("loading student %d: %w", n.StudentID, err)
	}
	loc := school.Location()
	var jobs []storage.Job
	switch a.Step {
	case NoticeRemind:
		if !n.OralAt.IsZero() && !n.WrittenAt.IsZero() {
			return nil
		}
		jobs = append(jobs, DeliverAt(bot.Message{StaffID: n.OwnerID, Reply: bot.Reply{Text: NoticeReminder(n, st, loc)}}, "", now))
		special, err := w.Store.CalendarDays(ctx, school.ID, a.Date, schoolday.AddDays(a.Date, 31))
		if err != nil {
			return fmt.Errorf("loading calendar of school %d: %w", school.ID, err)
		}
		next, ok := schoolday.NextMorning(school, special, nextDay(a.Date, loc))
		if ok && next.Before(n.WrittenDue) {
			jobs = append(jobs, NoticeStep(n.IncidentID, NoticeRemind, schoolday.Today(next, loc), next))
		}
	case NoticeOralOverdue, NoticeWrittenOverdue:
		written := a.Step == NoticeWrittenOverdue
		if written && !n.WrittenAt.IsZero() || !written && !n.OralAt.IsZero() {
			return nil
		}
		kind, due := "oral", n.OralDue
		if written {
			kind, due = "written", n.WrittenDue
		}
		text := fmt.Sprintf("OVERDUE: the %s parent notice of incident %d (%s) was due %s and is not marked given. Owner: see /notified %d.",
			kind, n.IncidentID, bot.Named(st), due.In(loc).Format("Mon Jan 2 15:04"), n.IncidentID)
		to := []int64{n.OwnerID}
		staff, err := w.Store.ListStaff(ctx, school.ID)
		if err != nil {
			return fmt.Errorf("listing staff of school %d: %w", school.ID, err)
		}
		for _, s := range staff {
			if s.Role == storage.RoleAdmin && s.ID != n.OwnerID {
				to = append(to, s.ID)
			}
		}
		for _, id := range to {
			jobs = append(jobs, DeliverAt(bot.Message{StaffID: id, Reply: bot.Reply{Text: text}}, "", now))
		}
	default:
		return fmt.Errorf("unknown parent-notice step %q", a.Step)
	}
	// Claimed with the job's own key, so a retried step sends nothing twice.
	key := fmt.Sprintf("notice:%d/%s/%s", a.IncidentID, a.Step, a.Date)
	if _, err := w.Store.EnqueueOnce(ctx, key, now, jobs); err != nil {
		return fmt.Errorf("enqueueing parent-notice step: %w", err)
	}
	w.Log.Info("parent notice step", "job_id", job.ID, "incident_id", a.IncidentID, "step", a.Step)
	return nil
}

// nextDay is the start of the day after date, in loc.
func nextDay(date string, loc *time.Location) time.Time {
	t, err := schoolday.At(schoolday.AddDays(date, 1), "00:00", loc)
	if err != nil {
		return time.Time{}
	}
	return t
}

// NoticeReminder is the owner's reminder of what is still due.
func NoticeReminder(n storage.ParentNotice, st storage.Student, loc *time.Location) string {
	f := "Mon Jan 2 15:04"
	s := fmt.Sprintf("Parent notice due for incident %d (%s, %s):", n.IncidentID, bot.Named(st), n.IncidentAt.In(loc).Format(f))
	if n.OralAt.IsZero() {
		s += "\noral notice (phone or in person) by " + n.OralDue.In(loc).Format(f)
	}
	if n.WrittenAt.IsZero() {
		s += "\nwritten notice (email or letter) by " + n.WrittenDue.In(loc).Format(f)
	}
	return s + fmt.Sprintf("\nWhen given, type /notified %d method=phone (or email, letter, in person) [at=<time>] [note].", n.IncidentID)
}
