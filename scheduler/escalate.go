package scheduler

import (
	"context"
	"errors"
	"fmt"
	"log/slog"
	"slices"
	"strconv"
	"strings"
	"time"

	"github.com/riverqueue/river"

	"parabot/bot"
	"parabot/schoolday"
	"parabot/storage"
	"parabot/today"
)

// Button actions of escalations; the commands that handle them declare them.
const (
	ActionEscAcknowledge = "esc_ack"
	ActionEscResolve     = "esc_resolve"
	ActionEscReply       = "esc_reply"
)

// EscalateArgs is the job of one step of an escalation's ladder: tell
// level Level of round Round, unless the escalation moved on since.
type EscalateArgs struct {
	V            int   `json:"v"`
	EscalationID int64 `json:"escalation_id"`
	Round        int   `json:"round"`
	Level        int   `json:"level"`
	// Waited is set when the step was put off to the school morning.
	Waited bool `json:"waited,omitempty"`
}

// Kind is River's job kind.
func (EscalateArgs) Kind() string { return "escalate" }

// EscalateStep makes the job that tells level of e's current round at at,
// unique by escalation, round and level, so a step is inserted once
// whichever replica schedules it.
func EscalateStep(e storage.Escalation, level int, at time.Time, waited bool) storage.Job {
	return storage.Job{
		Args:  EscalateArgs{V: payloadVersion, EscalationID: e.ID, Round: e.Round, Level: level, Waited: waited},
		Queue: QueueRemind, MaxAttempts: 10, Priority: 1, ScheduledAt: at,
		UniqueKey: fmt.Sprintf("%d/%d/%d", e.ID, e.Round, level),
	}
}

// StepTime is when a step due at due fires: due itself for an urgent
// escalation or within school hours, else the next school morning
// (waited is then true).
func StepTime(school storage.School, special []storage.CalendarDay, urgent bool, due time.Time) (at time.Time, waited bool) {
	if urgent {
		return due, false
	}
	at, _ = schoolday.NextMorning(school, special, due)
	return at, !at.Equal(due)
}

// Opened is an escalation just opened: its ladder on the day its first
// step fires, and when that is.
type Opened struct {
	Escalation storage.Escalation
	Ladder     Ladder
	At         time.Time
	Waited     bool // put off to the next school morning
}

// Prepare works out how e (CreatedAt is now) opens: its first step at
// once, or the next school morning when it is not urgent and school is
// out, and the ladder on the day that step fires. The escalation is not
// stored: Open does that, or a write that stores it with what opened it
// (an incident), with First as its job.
func Prepare(ctx context.Context, store storage.Store, e storage.Escalation) (Opened, error) {
	l, err := LoadLadder(ctx, store, e.SchoolID, e.CreatedAt)
	if err != nil {
		return Opened{}, err
	}
	return l.Prepare(ctx, store, e)
}

// Prepare is Prepare on l, the ladder of e's school already read for the
// day of e.CreatedAt.
func (l Ladder) Prepare(ctx context.Context, store storage.Store, e storage.Escalation) (Opened, error) {
	at, waited := StepTime(l.School, l.Special, e.Urgent, e.CreatedAt)
	l, err := l.On(ctx, store, at)
	if err != nil {
		return Opened{}, err
	}
	return Opened{Escalation: e, Ladder: l, At: at, Waited: waited}, nil
}

// First is the job of the first step of o's escalation, once stored.
func (o Opened) First(e storage.Escalation) storage.Job { return EscalateStep(e, 1, o.At, o.Waited) }

// Open opens e (CreatedAt is now) with its first step (Prepare). With a
// one-time key in ctx (storage.WithOnce) a second open is
// storage.ErrDuplicate.
func Open(ctx context.Context, store storage.Store, e storage.Escalation) (Opened, error) {
	l, err := LoadLadder(ctx, store, e.SchoolID, e.CreatedAt)
	if err != nil {
		return Opened{}, err
	}
	return l.Open(ctx, store, e)
}

// Open is Open on l, the ladder of e's school already read for the day of
// e.CreatedAt: a check that opens several escalations at once reads the
// ladder once.
func (l Ladder) Open(ctx context.Context, store storage.Store, e storage.Escalation) (Opened, error) {
	o, err := l.Prepare(ctx, store, e)
	if err != nil {
		return Opened{}, err
	}
	if o.Escalation, err = store.OpenEscalation(ctx, e, o.First); err != nil {
		return Opened{}, fmt.Errorf("opening escalation: %w", err)
	}
	return o, nil
}

// Ladder is what a step needs to know of a school: its policy, calendar
// and the day's facts (absences).
type Ladder struct {
	School  storage.School
	Policy  []schoolday.Level
	Special []storage.CalendarDay // the next month's special days
	Facts   today.Facts           // the day the step fires
}

// LoadLadder reads a school's ladder for the day of now.
func LoadLadder(ctx context.Context, store storage.Store, schoolID int64, now time.Time) (Ladder, error) {
	school, err := store.School(ctx, schoolID)
	if err != nil {
		return Ladder{}, fmt.Errorf("loading school %d: %w", schoolID, err)
	}
	f, err := today.LoadFacts(ctx, store, school, schoolday.Today(now, school.Location()))
	if err != nil {
		return Ladder{}, err
	}
	return LadderOf(ctx, store, f)
}

// LadderOf reads the ladder of f's school for f's day, whose facts are
// already read.
func LadderOf(ctx context.Context, store storage.Store, f today.Facts) (Ladder, error) {
	l := Ladder{School: f.School, Facts: f}
	kv, err := store.SchoolSettings(ctx, f.School.ID)
	if err != nil {
		return l, fmt.Errorf("loading settings of school %d: %w", f.School.ID, err)
	}
	if l.Policy, err = schoolday.ReadPolicy(kv); err != nil {
		return l, err
	}
	if l.Special, err = store.CalendarDays(ctx, f.School.ID, f.Day.Date, schoolday.AddDays(f.Day.Date, 31)); err != nil {
		return l, fmt.Errorf("loading calendar of school %d: %w", f.School.ID, err)
	}
	return l, nil
}

// On returns the ladder with the facts of t's school day (a step put off
// to a later morning is told who is present then).
func (l Ladder) On(ctx context.Context, store storage.Store, t time.Time) (Ladder, error) {
	date := schoolday.Today(t, l.School.Location())
	if date == l.Facts.Day.Date {
		return l, nil
	}
	f, err := today.LoadFacts(ctx, store, l.School, date)
	if err != nil {
		return l, err
	}
	l.Facts = f
	return l, nil
}

// Members lists who level n names for e, in staff order, without the
// person who opened it; absent lists those of them away today.
func (l Ladder) Members(ctx context.Context, store storage.Store, e storage.Escalation, n int) (present, absent []storage.Staff, err error) {
	ids, err := l.memberIDs(ctx, store, e, n)
	if err != nil {
		return nil, nil, err
	}
	for _, id := range ids {
		st, ok := l.Facts.Staff[id]
		if !ok || id == e.OpenedBy || slices.ContainsFunc(present, func(s storage.Staff) bool { return s.ID == id }) ||
			slices.ContainsFunc(absent, func(s storage.Staff) bool { return s.ID == id }) {
			continue
		}
		if l.Facts.Working(id) {
			present = append(present, st)
		} else {
			absent = append(absent, st)
		}
	}
	byName := func(a, b storage.Staff) int { return cmpStaff(a, b) }
	slices.SortFunc(present, byName)
	slices.SortFunc(absent, byName)
	return present, absent, nil
}

// memberIDs lists the staff level n names for e, the opener included.
func (l Ladder) memberIDs(ctx context.Context, store storage.Store, e storage.Escalation, n int) ([]int64, error) {
	if n < 1 || n > len(l.Policy) {
		return nil, nil
	}
	lv := l.Policy[n-1]
	var ids []int64
	switch lv.Notify {
	case schoolday.NotifyTeacher:
		team, err := store.StudentTeam(ctx, e.StudentID)
		if err != nil {
			return nil, fmt.Errorf("loading team of student %d: %w", e.StudentID, err)
		}
		for _, m := range team {
			if m.Kind == storage.AssignTeacher {
				ids = append(ids, m.Staff.ID)
			}
		}
	case schoolday.NotifyAdmin:
		for id, st := range l.Facts.Staff {
			if st.Role == storage.RoleAdmin {
				ids = append(ids, id)
			}
		}
	default:
		for _, h := range lv.Handles {
			for id, st := range l.Facts.Staff {
				if strings.EqualFold(st.Handle, h) {
					ids = append(ids, id)
				}
			}
		}
	}
	return ids, nil
}

func cmpStaff(a, b storage.Staff) int {
	if c := strings.Compare(a.Name, b.Name); c != 0 {
		return c
	}
	return int(a.ID - b.ID)
}

// Names joins staff names: "Ms. Rivera and Mr. Okafor".
func Names(staff []storage.Staff) string {
	n := make([]string, len(staff))
	for i, s := range staff {
		n[i] = s.Name
	}
	switch len(n) {
	case 0:
		return "nobody"
	case 1:
		return n[0]
	}
	return strings.Join(n[:len(n)-1], ", ") + " and " + n[len(n)-1]
}

// KindWord names an escalation's kind in a message: "Concern".
func KindWord(k storage.EscalationKind) string {
	switch k {
	case storage.EscalationIncident:
		return "Incident"
	case storage.EscalationUnaccounted:
		return "Unaccounted student"
	}
	return "Concern"
}

// Timeout is how long level n has to acknowledge e.
func (l Ladder) Timeout(e storage.Escalation, n int) time.Duration {
	lv := l.Policy[n-1]
	if e.Urgent {
		return lv.UrgentTimeout
	}
	return lv.Timeout
}

// Alert is the direct message a level's member gets, with the buttons;
// record is an incident's whole record (IncidentRecord), else nil. An
// unaccounted student was raised by the end-of-duty check, not by the
// person on duty, and says so.
func Alert(e storage.Escalation, st storage.Student, opener storage.Staff, level int, timeout time.Duration, record []bot.Field) bot.Reply {
	from := "from " + opener.Name
	if e.Kind == storage.EscalationUnaccounted {
		from = "raised by the end-of-duty check of " + opener.Name + "'s bus duty"
	}
	head := fmt.Sprintf("%s #%d about %s %s", KindWord(e.Kind), e.ID, bot.Named(st), from)
	if e.Urgent {
		head = "URGENT " + head
	}
	r := bot.Reply{Text: head + ": " + e.Body + fmt.Sprintf("\nPlease acknowledge within %s (level %d).", bot.FormatDuration(timeout), level),
		Fields: record}
	v := strconv.FormatInt(e.ID, 10)
	r.Buttons = []bot.Button{
		{Label: "Acknowledge", Action: ActionEscAcknowledge, Value: v, Style: "primary"},
		{Label: "Resolve", Action: ActionEscResolve, Value: v},
		{Label: "Reply", Action: ActionEscReply, Value: v},
	}
	return r
}

// EscalateWorker fires the steps of escalation ladders: it checks the
// escalation still waits at the level before, skips levels with nobody
// present, tells the next level with buttons, tells the opener it moved,
// and schedules the step after, all in one write that changes nothing
// when the escalation moved on (acknowledged, resolved, or fired by
// another replica).
type EscalateWorker struct {
	river.WorkerDefaults[EscalateArgs]
	Store storage.Store
	Log   *slog.Logger
	Now   func() time.Time
}

// Timeout bounds one step.
func (w *EscalateWorker) Timeout(*river.Job[EscalateArgs]) time.Duration { return time.Minute }

// Work fires one step.
func (w *EscalateWorker) Work(ctx context.Context, job *river.Job[EscalateArgs]) error {
	out, err := w.fire(ctx, job.Args)
	if err != nil {
		return err
	}
	w.Log.Info("escalation step", "job_id", job.ID, "escalation_id", job.Args.EscalationID, "round", job.Args.Round, "level", job.Args.Level, "outcome", out)
	return nil
}

func (w *EscalateWorker) fire(ctx context.Context, a EscalateArgs) (string, error) {
	e, err := w.Store.Escalation(ctx, a.EscalationID)
	if errors.Is(err, storage.ErrNotFound) {
		return "gone", nil
	}
	if err != nil {
		return "", err
	}
	if e.State != storage.EscalationOpen || e.Round != a.Round || e.Level != a.Level-1 {
		return "moved on", nil
	}
	now := w.Now()
	steps, jobs, to, err := PlanStep(ctx, w.Store, e, a, now)
	if err != nil {
		return "", err
	}
	err = w.Store.AdvanceEscalation(ctx, e.ID, e.Round, e.Level, to, now, steps, jobs)
	if errors.Is(err, storage.ErrConflict) {
		return "moved on", nil
	}
	if err != nil {
		return "", err
	}
	return steps[len(steps)-1].Action, nil
}

// PlanStep works out one step of e's ladder at now, from level a.Level
// on: the timeline steps, the jobs (messages and the next step) and the
// level the escalation reaches.
func PlanStep(ctx context.Context, store storage.Store, e storage.Escalation, a EscalateArgs, now time.Time) ([]storage.EscalationStep, []storage.Job, int, error) {
	l, err := LoadLadder(ctx, store, e.SchoolID, now)
	if err != nil {
		return nil, nil, 0, err
	}
	st, err := store.Student(ctx, e.StudentID)
	if err != nil {
		return nil, nil, 0, fmt.Errorf("loading student %d: %w", e.StudentID, err)
	}
	opener, err := store.StaffMember(ctx, e.OpenedBy)
	if err != nil {
		return nil, nil, 0, fmt.Errorf("loading staff %d: %w", e.OpenedBy, err)
	}
	var record []bot.Field
	protected := false // a restraint, seclusion or injury: admins are told how to void it
	if e.IncidentID != 0 {
		in, err := store.Incident(ctx, e.IncidentID)
		if err != nil {
			return nil, nil, 0, fmt.Errorf("loading incident %d: %w", e.IncidentID, err)
		}
		record, protected = IncidentRecord(in, l.School.Location()), in.Protected()
	}
	var steps []storage.EscalationStep
	var jobs []storage.Job
	var skipped []string
	for n := a.Level; n <= len(l.Policy); n++ {
		present, absent, err := l.Members(ctx, store, e, n)
		if err != nil {
			return nil, nil, 0, err
		}
		if len(present) == 0 {
			why := "nobody on this level (" + l.Policy[n-1].Who() + ")"
			switch ids, err := l.memberIDs(ctx, store, e, n); {
			case err != nil:
				return nil, nil, 0, err
			case len(absent) > 0:
				why = "nobody present: " + Names(absent) + " absent"
			case slices.Contains(ids, e.OpenedBy):
				why = opener.Name + ", who raised it, is the only one on this level (" + l.Policy[n-1].Who() + ")"
			}
			steps = append(steps, storage.EscalationStep{At: now, Action: storage.StepSkipped, Level: n, Note: why})
			skipped = append(skipped, fmt.Sprintf("level %d skipped: %s", n, why))
			continue
		}
		note := ""
		if len(absent) > 0 {
			note = Names(absent) + " absent, skipped"
		}
		if a.Waited {
			note = strings.TrimPrefix(note+"; waited for school hours", "; ")
		}
		action := storage.StepNotified
		if n > 1 {
			action = storage.StepEscalated
		}
		ids := make([]int64, len(present))
		for i, p := range present {
			ids[i] = p.ID
		}
		steps = append(steps, storage.EscalationStep{At: now, Action: action, Level: n, Notified: ids, Note: note})
		timeout := l.Timeout(e, n)
		for _, p := range present {
			alert := Alert(e, st, opener, n, timeout, record)
			if protected && p.Role == storage.RoleAdmin {
				alert.Text += "\n" + VoidLine(e.IncidentID)
			}
			jobs = append(jobs, DeliverAt(bot.Message{StaffID: p.ID, Reply: alert}, "", now))
		}
		if n > 1 || len(skipped) > 0 {
			msg := fmt.Sprintf("Your %s #%d about %s went to %s (level %d).", strings.ToLower(KindWord(e.Kind)), e.ID, bot.Named(st), Names(present), n)
			if n > 1 && len(skipped) < n-1 {
				msg = fmt.Sprintf("Your %s #%d about %s was not acknowledged in time; it went to %s (level %d).",
					strings.ToLower(KindWord(e.Kind)), e.ID, bot.Named(st), Names(present), n)
			}
			for _, s := range skipped {
				msg += "\n" + strings.ToUpper(s[:1]) + s[1:] + "."
			}
			jobs = append(jobs, DeliverAt(bot.Message{StaffID: e.OpenedBy, Reply: bot.Reply{Text: msg}}, "", now))
		}
		if n < len(l.Policy) {
			at, waited := StepTime(l.School, l.Special, e.Urgent, now.Add(timeout))
			jobs = append(jobs, EscalateStep(e, n+1, at, waited))
		}
		return steps, jobs, n, nil
	}
	steps = append(steps, storage.EscalationStep{At: now, Action: storage.StepExhausted, Level: len(l.Policy), Note: "nobody on any level could be told"})
	msg := fmt.Sprintf("Nobody could be told of your %s #%d about %s: %s. Call the office.",
		strings.ToLower(KindWord(e.Kind)), e.ID, bot.Named(st), strings.Join(skipped, "; "))
	jobs = append(jobs, DeliverAt(bot.Message{StaffID: e.OpenedBy, Reply: bot.Reply{Text: msg}}, "", now))
	return steps, jobs, len(l.Policy), nil
}
