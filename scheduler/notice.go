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

// The steps of an incident's tasks: the parent notice and the debrief.
const (
	NoticeRemind         = "remind"          // the owner is reminded (at once, then each school morning)
	NoticeOralOverdue    = "oral_overdue"    // at the oral deadline: the admins hear if it was not given
	NoticeWrittenOverdue = "written_overdue" // at the written deadline: the same
	DebriefRemind        = "debrief_remind"  // the debrief's owner is reminded, as for the notice
	DebriefOverdue       = "debrief_overdue" // at the debrief's due time: the admins hear if it was not held
)

// NoticeArgs is the job of one step of an incident's task: its parent
// notice, or its debrief (the Debrief* steps).
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

// DebriefJobs are a new debrief task's jobs: the first reminder now,
// and the check at its due time.
func DebriefJobs(d storage.Debrief, loc *time.Location, now time.Time) []storage.Job {
	return []storage.Job{
		NoticeStep(d.IncidentID, DebriefRemind, schoolday.Today(now, loc), now),
		NoticeStep(d.IncidentID, DebriefOverdue, "", d.Due),
	}
}

// NoticeWorker reminds the owner of an incident's task (its parent
// notice, its debrief) each school morning until it is done, and tells
// the admins when a deadline passes with it not done.
type NoticeWorker struct {
	river.WorkerDefaults[NoticeArgs]
	Store storage.Store
	Log   *slog.Logger
	Now   func() time.Time
}

// Timeout bounds one step.
func (w *NoticeWorker) Timeout(*river.Job[NoticeArgs]) time.Duration { return time.Minute }

// task is what the steps of an incident's task need of it.
type task struct {
	schoolID, studentID, ownerID int64
	until                        time.Time // the last deadline: no reminder after it
	done                         bool      // what the step checks was done
	remind                       func(st storage.Student, loc *time.Location) string
	overdue                      func(st storage.Student, loc *time.Location) string
}

// load reads the task a step is about; ok is false when there is none.
func (w *NoticeWorker) load(ctx context.Context, a NoticeArgs) (task, bool, error) {
	if a.Step == DebriefRemind || a.Step == DebriefOverdue {
		d, err := w.Store.Debrief(ctx, a.IncidentID)
		if errors.Is(err, storage.ErrNotFound) {
			return task{}, false, nil
		}
		if err != nil {
			return task{}, false, err
		}
		return task{schoolID: d.SchoolID, studentID: d.StudentID, ownerID: d.OwnerID, until: d.Due, done: !d.DoneAt.IsZero(),
			remind: func(st storage.Student, loc *time.Location) string { return DebriefReminder(d, st, loc) },
			overdue: func(st storage.Student, loc *time.Location) string {
				return fmt.Sprintf("OVERDUE: the debrief of incident %d (%s) was due %s and is not marked held. Owner: see /debriefed %d.",
					d.IncidentID, bot.Named(st), d.Due.In(loc).Format("Mon Jan 2 15:04"), d.IncidentID)
			}}, true, nil
	}
	n, err := w.Store.ParentNotice(ctx, a.IncidentID)
	if errors.Is(err, storage.ErrNotFound) {
		return task{}, false, nil
	}
	if err != nil {
		return task{}, false, err
	}
	t := task{schoolID: n.SchoolID, studentID: n.StudentID, ownerID: n.OwnerID, until: n.WrittenDue,
		remind: func(st storage.Student, loc *time.Location) string { return NoticeReminder(n, st, loc) }}
	switch a.Step {
	case NoticeRemind:
		t.done = !n.OralAt.IsZero() && !n.WrittenAt.IsZero()
	case NoticeOralOverdue, NoticeWrittenOverdue:
		written := a.Step == NoticeWrittenOverdue
		t.done = written && !n.WrittenAt.IsZero() || !written && !n.OralAt.IsZero()
		kind, due := "oral", n.OralDue
		if written {
			kind, due = "written", n.WrittenDue
		}
		t.overdue = func(st storage.Student, loc *time.Location) string {
			return fmt.Sprintf("OVERDUE: the %s parent notice of incident %d (%s) was due %s and is not marked given. Owner: see /notified %d.",
				kind, n.IncidentID, bot.Named(st), due.In(loc).Format("Mon Jan 2 15:04"), n.IncidentID)
		}
	default:
		return task{}, false, fmt.Errorf("unknown parent-notice step %q", a.Step)
	}
	return t, true, nil
}

// Work fires one step: silent when what it checks was done.
func (w *NoticeWorker) Work(ctx context.Context, job *river.Job[NoticeArgs]) error {
	a := job.Args
	t, ok, err := w.load(ctx, a)
	if err != nil || !ok || t.done {
		return err
	}
	// An incident undone or voided since (logged in error, for the wrong
	// student) owes no notice and no debrief: its steps end silently.
	in, err := w.Store.Incident(ctx, a.IncidentID)
	if errors.Is(err, storage.ErrNotFound) {
		return nil
	}
	if err != nil {
		return fmt.Errorf("loading incident %d: %w", a.IncidentID, err)
	}
	if !in.Active {
		w.Log.Info("incident task step dropped: the incident is voided", "job_id", job.ID, "incident_id", a.IncidentID, "step", a.Step)
		return nil
	}
	now := w.Now()
	school, err := w.Store.School(ctx, t.schoolID)
	if err != nil {
		return fmt.Errorf("loading school %d: %w", t.schoolID, err)
	}
	st, err := w.Store.Student(ctx, t.studentID)
	if err != nil {
		return fmt.Errorf("loading student %d: %w", t.studentID, err)
	}
	loc := school.Location()
	var jobs []storage.Job
	if a.Step == NoticeRemind || a.Step == DebriefRemind {
		jobs = append(jobs, DeliverAt(bot.Message{StaffID: t.ownerID, Reply: bot.Reply{Text: t.remind(st, loc)}}, "", now))
		special, err := w.Store.CalendarDays(ctx, school.ID, a.Date, schoolday.AddDays(a.Date, 31))
		if err != nil {
			return fmt.Errorf("loading calendar of school %d: %w", school.ID, err)
		}
		next, ok := schoolday.NextMorning(school, special, nextDay(a.Date, loc))
		if ok && next.Before(t.until) {
			jobs = append(jobs, NoticeStep(a.IncidentID, a.Step, schoolday.Today(next, loc), next))
		}
	} else {
		text := t.overdue(st, loc)
		to := []int64{t.ownerID}
		staff, err := w.Store.ListStaff(ctx, school.ID)
		if err != nil {
			return fmt.Errorf("listing staff of school %d: %w", school.ID, err)
		}
		for _, s := range staff {
			if s.Role == storage.RoleAdmin && s.ID != t.ownerID {
				to = append(to, s.ID)
			}
		}
		for _, id := range to {
			jobs = append(jobs, DeliverAt(bot.Message{StaffID: id, Reply: bot.Reply{Text: text}}, "", now))
		}
	}
	// Claimed with the job's own key, so a retried step sends nothing twice.
	key := fmt.Sprintf("notice:%d/%s/%s", a.IncidentID, a.Step, a.Date)
	if _, err := w.Store.EnqueueOnce(ctx, key, now, jobs); err != nil {
		return fmt.Errorf("enqueueing parent-notice step: %w", err)
	}
	w.Log.Info("incident task step", "job_id", job.ID, "incident_id", a.IncidentID, "step", a.Step)
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

// DebriefReminder is the owner's reminder of a debrief still to hold.
func DebriefReminder(d storage.Debrief, st storage.Student, loc *time.Location) string {
	f := "Mon Jan 2 15:04"
	return fmt.Sprintf("Debrief due for incident %d (%s, %s) by %s.\nWhen held, type /debriefed %d [note].",
		d.IncidentID, bot.Named(st), d.IncidentAt.In(loc).Format(f), d.Due.In(loc).Format(f), d.IncidentID)
}
