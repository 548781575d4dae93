package scheduler

import (
	"context"
	"errors"
	"fmt"
	"log/slog"
	"strconv"
	"strings"
	"sync"
	"time"

	"github.com/riverqueue/river"

	"parabot/bot"
	"parabot/progress"
	"parabot/storage"
	"parabot/summary"
	"parabot/today"
)

// QueueRemind is the queue of reminder occurrences and planning.
const QueueRemind = "remind"

// payloadVersion is the version of the reminder and planner payloads.
const payloadVersion = 1

// RemindArgs is the job of one reminder occurrence, due at At. Its
// fields are its identity: one job is kept per occurrence.
type RemindArgs struct {
	V        int       `json:"v"`
	Reminder string    `json:"reminder"` // KindDuty, KindDataReminder, ...
	SchoolID int64     `json:"school_id"`
	Date     string    `json:"date"`
	StaffID  int64     `json:"staff_id"`
	DutyID   int64     `json:"duty_id,omitempty"`
	At       time.Time `json:"at"`
}

// Kind is River's job kind.
func (RemindArgs) Kind() string { return "remind" }

// Remind makes the job of one occurrence, as planners before the
// firing jobs (FireJobs) queued it: scheduled at its time and unique by
// the occurrence's key. The planner no longer makes them; jobs already
// queued still run (RemindWorker), and tests make them to check so.
func Remind(o Occurrence) storage.Job {
	return storage.Job{
		Args:  RemindArgs{V: payloadVersion, Reminder: o.Kind, SchoolID: o.SchoolID, Date: o.Date, StaffID: o.StaffID, DutyID: o.DutyID, At: o.At.UTC()},
		Queue: QueueRemind, MaxAttempts: 5, ScheduledAt: o.At, UniqueKey: o.Key(),
	}
}

// Outcome is what became of a reminder occurrence when it fired.
type Outcome string

// The outcomes, as counted in /metrics.
const (
	OutcomeSent    Outcome = "sent"    // sent on time
	OutcomeLate    Outcome = "late"    // sent after downtime, still useful
	OutcomeStale   Outcome = "stale"   // due while down and no longer useful: dropped
	OutcomeNothing Outcome = "nothing" // nothing to say (data all logged, roll accounted for)
	OutcomeChanged Outcome = "changed" // no longer in the plan (absence, calendar, roster)
	OutcomeDone    Outcome = "done"    // sent before (a retry or a second replica)
)

// lateAfter is how late an occurrence may fire and still count as on time.
const lateAfter = 2 * time.Minute

// RemindWorker fires reminder occurrences: it checks the occurrence is
// still in the day's plan, drops a stale one, composes the messages and
// enqueues their deliveries once.
type RemindWorker struct {
	river.WorkerDefaults[RemindArgs]
	Store storage.Store
	Log   *slog.Logger
	Now   func() time.Time
	// Count is told every outcome (metrics); may be nil.
	Count func(kind string, o Outcome)
	// Narrator writes the narratives of the summaries' private copies;
	// nil for none.
	Narrator *summary.Narrator

	// The facts of a school day, kept for factsTTL: a minute's reminders
	// of one school (often hundreds) read them once, not once each.
	mu    sync.Mutex
	facts map[factsKey]cachedFacts
}

type factsKey struct {
	school int64
	date   string
}

type cachedFacts struct {
	f      today.Facts
	loaded time.Time // on the process's own clock: this bounds staleness, not school time
}

// factsTTL is how old the cached facts a reminder checks may be (the
// calendar, settings, staff and duties); absences are always read fresh.
const factsTTL = time.Second

// cachedFacts returns the facts of a school day when they were read less
// than factsTTL ago (the school with them, so a minute's reminders read
// neither again).
func (w *RemindWorker) cachedFacts(school int64, date string) (today.Facts, bool) {
	w.mu.Lock()
	defer w.mu.Unlock()
	c, ok := w.facts[factsKey{school, date}]
	if !ok || time.Since(c.loaded) >= factsTTL {
		return today.Facts{}, false
	}
	return c.f, true
}

// dayFacts loads (or reuses) the facts of a school day.
func (w *RemindWorker) dayFacts(ctx context.Context, school storage.School, date string) (today.Facts, error) {
	k := factsKey{school.ID, date}
	if f, ok := w.cachedFacts(school.ID, date); ok {
		return f, nil
	}
	f, err := today.LoadFacts(ctx, w.Store, school, date)
	if err != nil {
		return f, err
	}
	w.mu.Lock()
	defer w.mu.Unlock()
	if w.facts == nil || len(w.facts) > 1000 {
		w.facts = map[factsKey]cachedFacts{}
	}
	w.facts[k] = cachedFacts{f: f, loaded: time.Now()}
	return f, nil
}

// Timeout bounds one occurrence.
func (w *RemindWorker) Timeout(*river.Job[RemindArgs]) time.Duration { return time.Minute }

// Work fires one occurrence.
func (w *RemindWorker) Work(ctx context.Context, job *river.Job[RemindArgs]) error {
	a := job.Args
	out, err := w.fire(ctx, a)
	if err != nil {
		return err
	}
	w.fired(job.ID, Occurrence{Kind: a.Reminder, StaffID: a.StaffID, DutyID: a.DutyID, Date: a.Date}, out)
	return nil
}

// fired logs and counts what became of an occurrence.
func (w *RemindWorker) fired(jobID int64, o Occurrence, out Outcome) {
	w.Log.Info("reminder fired", "job_id", jobID, "reminder", o.Kind, "staff_id", o.StaffID, "duty_id", o.DutyID, "date", o.Date, "outcome", out)
	if w.Count != nil {
		w.Count(o.Kind, out)
	}
}

func (w *RemindWorker) fire(ctx context.Context, a RemindArgs) (Outcome, error) {
	// A job of one occurrence was queued by an older planner. When the day
	// has been planned again since, a FireArgs job fires the occurrence:
	// this one leaves it to that job, so the two cannot both send it.
	fireKey := fireUniqueKey(a.SchoolID, a.Date, a.At, FirePart(Occurrence{Kind: a.Reminder, StaffID: a.StaffID}))
	if planned, err := w.Store.Claimed(ctx, storage.UniqueJobClaim(FireArgs{}.Kind(), fireKey)); err != nil || planned {
		return OutcomeDone, err
	}
	f, ok, err := w.freshFacts(ctx, a.SchoolID, a.Date)
	if err != nil || !ok {
		return OutcomeChanged, err
	}
	for _, o := range PlanDay(f) {
		if o.Kind == a.Reminder && o.StaffID == a.StaffID && o.DutyID == a.DutyID && o.At.Equal(a.At) {
			return w.fireOne(ctx, f, o, nil, false)
		}
	}
	return OutcomeChanged, nil
}

// freshFacts returns the facts of a school day to fire its reminders on:
// cached for factsTTL, but with the day's absences read now, so one marked
// just before a reminder fires is honoured. It reports false when the
// school is gone.
func (w *RemindWorker) freshFacts(ctx context.Context, schoolID int64, date string) (today.Facts, bool, error) {
	f, ok := w.cachedFacts(schoolID, date)
	if !ok {
		school, err := w.Store.School(ctx, schoolID)
		if errors.Is(err, storage.ErrNotFound) {
			return f, false, nil
		}
		if err != nil {
			return f, false, fmt.Errorf("loading school %d: %w", schoolID, err)
		}
		if f, err = w.dayFacts(ctx, school, date); err != nil {
			return f, false, err
		}
	}
	var err error
	if f.Absences, err = w.Store.Absences(ctx, f.School.ID, date, date); err != nil {
		return f, false, fmt.Errorf("loading absences of school %d: %w", f.School.ID, err)
	}
	return f, true, nil
}

// fireOne fires an occurrence of the day's plan f, once: its key is
// claimed when its message goes out, or in the transaction that enqueues
// its deliveries, so the key itself means it went out (rollWentOut); a
// stale one claims <key>/dropped instead (drop). With a sender d, a single
// direct message is sent at once (the common case: a minute's reminders
// go out without a queued job each); a message d cannot send now is
// queued for delivery instead. repeat says this run may follow one that
// was cut short (a retried or rescued job).
func (w *RemindWorker) fireOne(ctx context.Context, f today.Facts, occ Occurrence, d *DeliverWorker, repeat bool) (Outcome, error) {
	now := w.Now()
	key := occ.Key()
	if now.After(occ.Until) {
		return w.drop(ctx, key, now)
	}
	if occ.Kind == KindDutyEnd {
		if now.Sub(occ.At) > lateAfter {
			// Late: the bot was not running when the duty ended. The check
			// means something only if the roll went out, so that the
			// handoffs could be logged; otherwise (a first start after
			// dismissal, a bot down all through the duty) it would call
			// every student on the roll unaccounted.
			sent, err := w.rollWentOut(ctx, f, occ)
			if err != nil {
				return "", err
			}
			if !sent {
				return w.drop(ctx, key, now)
			}
		}
		return escalateUnaccounted(ctx, w.Store, f, occ, now)
	}
	// Sent before? Looked up before composing when the send is direct, and
	// on a repeated run, so a retried job does not write again (a summary's
	// narratives, its reads) what EnqueueOnce would then drop.
	if d != nil || repeat {
		done, err := w.Store.Claimed(ctx, key)
		if err != nil {
			return "", fmt.Errorf("looking up reminder: %w", err)
		}
		if done {
			return OutcomeDone, nil
		}
	}
	msgs, err := compose(ctx, w.Store, w.narrate(), f, occ)
	if err != nil {
		return "", err
	}
	if len(msgs) == 0 {
		return OutcomeNothing, nil
	}
	out := OutcomeSent
	if now.Sub(occ.At) > lateAfter {
		out = OutcomeLate
	}
	if m := msgs[0]; d != nil && len(msgs) == 1 && m.Channel == "" && len(m.Reply.Files) == 0 {
		// The key is recorded after the send: a run cut short between the
		// two may repeat the message (DeliveryRepeat lets the platform
		// tell), never lose it.
		a := DeliverArgs{StaffID: m.StaffID, Reply: m.Reply}
		err := d.deliver(ctx, a, key, repeat)
		var ra RetryAfter
		if errors.As(err, &ra) && ra.RetryAfter() <= retryInline {
			// A short wait (a 429's Retry-After, a busy channel: nothing was
			// posted) costs less here than a queued job, which waits for
			// River's scheduler.
			select {
			case <-time.After(ra.RetryAfter()):
				err = d.deliver(ctx, a, key, repeat)
			case <-ctx.Done():
				return "", ctx.Err()
			}
		}
		if err == nil {
			return out, nil
		}
		if ctx.Err() != nil {
			return "", err
		}
		w.Log.Info("reminder queued for delivery", "reminder", occ.Kind, "staff_id", occ.StaffID, "error", err)
	}
	jobs := make([]storage.Job, len(msgs))
	for i, m := range msgs {
		jobs[i] = DeliverAt(m, "", scheduleAt(now, now))
	}
	first, err := w.Store.EnqueueOnce(ctx, key, now, jobs)
	if err != nil {
		return "", fmt.Errorf("enqueueing reminder: %w", err)
	}
	if !first {
		return OutcomeDone, nil
	}
	return out, nil
}

// retryInline is the longest wait a reminder's direct send sleeps through
// before trying once more, rather than queueing the message.
const retryInline = 2 * time.Second

// Button actions of reminders; the commands that handle them declare them.
const (
	ActionOnMyWay  = "duty_on_my_way"
	ActionCantMake = "duty_cant_make"
	ActionHandoff  = "handoff"
	ActionLogTrial = "log_trial"
	// ActionDuePage shows another page of a data reminder's student
	// buttons; its value is the page number.
	ActionDuePage = "due_page"
)

// DuePageSize is how many student buttons a data reminder's page holds:
// one button is kept for the next page.
const DuePageSize = bot.MaxButtons - 1

// DueButtons are the "Log" buttons of page (from 1) of the students with
// data due, and a button to the next page when there is one.
func DueButtons(due []today.Due, page int) []bot.Button {
	from := min(len(due), (page-1)*DuePageSize)
	to := min(len(due), from+DuePageSize)
	var out []bot.Button
	for _, d := range due[from:to] {
		out = append(out, bot.Button{Label: "Log " + d.Student.Label(), Action: ActionLogTrial, Value: d.Student.Code})
	}
	if to < len(due) {
		out = append(out, bot.Button{Label: fmt.Sprintf("More students (%d)", len(due)-to), Action: ActionDuePage, Value: strconv.Itoa(page + 1)})
	}
	return out
}

// rollRoom is how many hand-off buttons a bus-duty reminder holds beside
// its two answers and the button to the whole roll.
const rollRoom = bot.MaxButtons - 3

// DayValue is a button value naming an id on a day: "<id>:<date>".
func DayValue(id int64, date string) string { return strconv.FormatInt(id, 10) + ":" + date }

// ParseDayValue reads a DayValue.
func ParseDayValue(v string) (int64, string, bool) {
	idText, date, ok := strings.Cut(v, ":")
	id, err := strconv.ParseInt(idText, 10, 64)
	return id, date, ok && err == nil && len(date) == len("2006-01-02")
}

// Compose writes the messages of an occurrence; none when there is
// nothing to say. Summaries have no narrative.
func Compose(ctx context.Context, store storage.Store, f today.Facts, o Occurrence) ([]bot.Message, error) {
	return compose(ctx, store, progress.Service{Reader: progress.Reader{Store: store}}, f, o)
}

// compose is Compose with the service that writes the narratives of the
// summaries' private copies (its Narrator nil: none).
func compose(ctx context.Context, store storage.Store, narrate progress.Service, f today.Facts, o Occurrence) ([]bot.Message, error) {
	switch o.Kind {
	case KindDuty:
		return composeDuty(ctx, store, f, o)
	case KindDataReminder:
		return composeDataReminder(ctx, store, f, o)
	case KindDataDeadline:
		return composeDataDeadline(ctx, store, f, o)
	case KindUncovered:
		return composeUncovered(f, o)
	case KindDailySummary, KindWeeklySummary:
		return composeSummary(ctx, store, narrate, f, o)
	}
	return nil, fmt.Errorf("unknown reminder kind %q", o.Kind)
}

func dayDuty(f today.Facts, id int64) (storage.Duty, bool) {
	for _, du := range f.Duties {
		if du.ID == id {
			return du, true
		}
	}
	return storage.Duty{}, false
}

// DutyLine describes a duty: "bus duty 15:10–15:30 at Bus loop".
func DutyLine(du storage.Duty) string {
	s := fmt.Sprintf("%s duty %s–%s", du.Kind, du.Start, du.End)
	if du.Place != "" {
		s += " at " + du.Place
	}
	return s
}

// dateLine is how a reminder names its day: "Fri Mar 12".
func dateLine(f today.Facts) string {
	t, _ := time.Parse("2006-01-02", f.Day.Date)
	return t.Format("Mon Jan 2")
}

func composeDuty(ctx context.Context, store storage.Store, f today.Facts, o Occurrence) ([]bot.Message, error) {
	du, ok := dayDuty(f, o.DutyID)
	if !ok {
		return nil, nil
	}
	r := bot.Reply{Text: fmt.Sprintf("Reminder: %s today (%s).", DutyLine(du), dateLine(f))}
	if who, covering := f.OnDuty(du); covering && who == o.StaffID {
		r.Text += fmt.Sprintf("\nYou cover for %s, who is absent.", f.Staff[du.StaffID].Name)
	}
	if f.Day.EarlyRelease != "" && du.Kind == storage.DutyBus {
		r.Text += fmt.Sprintf("\nEarly release: dismissal at %s.", f.Day.EarlyRelease)
	}
	val := DayValue(du.ID, f.Day.Date)
	r.Buttons = []bot.Button{
		{Label: "On my way", Action: ActionOnMyWay, Value: val, Style: "primary"},
		{Label: "Can't make it", Action: ActionCantMake, Value: val, Style: "danger"},
	}
	if du.Kind == storage.DutyBus {
		caseload, err := store.Caseload(ctx, du.StaffID)
		if err != nil {
			return nil, fmt.Errorf("loading caseload of staff %d: %w", du.StaffID, err)
		}
		roll, err := Roll(ctx, store, f, caseload)
		if err != nil {
			return nil, err
		}
		var lines []string
		var handoffs []bot.Button
		for _, e := range roll {
			if e.Absent {
				continue
			}
			lines = append(lines, fmt.Sprintf("%s: %s", e.Student.Label(), e.Dismissal))
			handoffs = append(handoffs, bot.Button{Label: "Hand off " + e.Student.Label(), Action: ActionHandoff, Value: DayValue(e.Student.ID, f.Day.Date)})
		}
		if len(lines) > 0 {
			r.Text += "\nDismissal roll:\n" + strings.Join(lines, "\n")
		}
		if len(handoffs) > rollRoom {
			// Too many for one message: the rest are on /dismissal, which pages them.
			handoffs = append(handoffs[:rollRoom], bot.Button{Label: fmt.Sprintf("Whole roll (%d more)", len(handoffs)-rollRoom), Action: bot.ActionRetry, Value: "dismissal"})
			r.Context = fmt.Sprintf("Hand-off buttons for the first %d; Whole roll shows the rest.", rollRoom)
		}
		r.Buttons = append(r.Buttons, handoffs...)
	}
	return []bot.Message{{StaffID: o.StaffID, Reply: r}}, nil
}

// narrate is the service that writes the summaries' narratives, logging
// to the worker's log.
func (w *RemindWorker) narrate() progress.Service {
	return progress.Service{Reader: progress.Reader{Store: w.Store, Log: w.Log}, Narrator: w.Narrator, Log: w.Log}
}

// drop records that a stale occurrence was dropped, so it is counted
// once, and sends nothing. It claims a key of its own: the occurrence's
// key, claimed, means it went out (rollWentOut).
func (w *RemindWorker) drop(ctx context.Context, key string, now time.Time) (Outcome, error) {
	first, err := w.Store.Claim(ctx, key+"/dropped", now)
	if err != nil {
		return "", fmt.Errorf("dropping stale reminder: %w", err)
	}
	if !first {
		return OutcomeDone, nil
	}
	return OutcomeStale, nil
}

// rollWentOut reports whether the reminder of occ's duty, which carries
// the dismissal roll, went out that day, to the staff member or to a
// cover. Both are looked up: who is on duty now (an absence marked after
// the roll went out) need not be who got it.
func (w *RemindWorker) rollWentOut(ctx context.Context, f today.Facts, occ Occurrence) (bool, error) {
	du, ok := dayDuty(f, occ.DutyID)
	if !ok {
		return false, nil
	}
	who := []int64{du.StaffID}
	if a, absent := f.StaffAbsence(du.StaffID); absent && a.CoverID != 0 {
		who = append(who, a.CoverID)
	}
	for _, id := range who {
		sent, err := w.Store.Claimed(ctx, dutyReminder(f, du, id).Key())
		if err != nil {
			return false, fmt.Errorf("looking up the duty reminder: %w", err)
		}
		if sent {
			return true, nil
		}
	}
	return false, nil
}

// escalateUnaccounted opens, when a bus duty ends, an urgent escalation
// for every student on its roll neither released nor marked absent,
// opened by whoever was on duty: the teacher is told at once with
// Acknowledge and Resolve, the admins when nobody acknowledges. Each
// student's escalation is opened once a day, whichever replica fires.
func escalateUnaccounted(ctx context.Context, store storage.Store, f today.Facts, o Occurrence, now time.Time) (Outcome, error) {
	du, ok := dayDuty(f, o.DutyID)
	if !ok {
		return OutcomeChanged, nil
	}
	caseload, err := store.Caseload(ctx, du.StaffID)
	if err != nil {
		return "", fmt.Errorf("loading caseload of staff %d: %w", du.StaffID, err)
	}
	roll, err := Roll(ctx, store, f, caseload)
	if err != nil {
		return "", err
	}
	opener, _ := f.OnDuty(du)
	if opener == 0 {
		opener = du.StaffID
	}
	out := OutcomeNothing
	var ladder *Ladder // read once, for the first student unaccounted
	for _, e := range roll {
		if !e.Unaccounted() {
			continue
		}
		if ladder == nil {
			l, err := LadderOf(ctx, store, f)
			if err != nil {
				return "", err
			}
			if l, err = l.On(ctx, store, now); err != nil {
				return "", err
			}
			ladder = &l
		}
		body := fmt.Sprintf("%s (%s) was neither released nor marked absent when %s ended at %s (%s); last transition ",
			e.Student.Code, e.Dismissal, DutyLine(du), du.End, dateLine(f))
		if e.Last != nil {
			body += fmt.Sprintf("%s → %s at %s.", e.Last.From, e.Last.To, e.Last.At.In(f.Loc).Format("15:04"))
		} else {
			body += "none today."
		}
		once := storage.WithOnce(ctx, fmt.Sprintf("%s/unaccounted/%d", o.Key(), e.Student.ID))
		_, err := ladder.Open(once, store, storage.Escalation{SchoolID: f.School.ID, StudentID: e.Student.ID, OpenedBy: opener,
			Kind: storage.EscalationUnaccounted, Body: body, Urgent: true, CreatedAt: now})
		switch {
		case errors.Is(err, storage.ErrDuplicate):
			if out == OutcomeNothing {
				out = OutcomeDone
			}
		case err != nil:
			return "", err
		case now.Sub(o.At) > lateAfter:
			out = OutcomeLate
		default:
			out = OutcomeSent
		}
	}
	return out, nil
}

func composeDataReminder(ctx context.Context, store storage.Store, f today.Facts, o Occurrence) ([]bot.Message, error) {
	caseload, err := store.Caseload(ctx, o.StaffID)
	if err != nil {
		return nil, fmt.Errorf("loading caseload of staff %d: %w", o.StaffID, err)
	}
	due, err := f.Missing(ctx, store, caseload)
	if err != nil || len(due) == 0 {
		return nil, err
	}
	r := bot.Reply{Text: fmt.Sprintf("Data still due today (%s) by %s:", dateLine(f), o.Until.In(f.Loc).Format("15:04"))}
	for _, d := range due {
		r.Text += "\n" + DueLine(d)
	}
	r.Buttons = DueButtons(due, 1)
	return []bot.Message{{StaffID: o.StaffID, Reply: r}}, nil
}

// DueLine is "A.B. (S101): G1, G2".
func DueLine(d today.Due) string {
	codes := make([]string, len(d.Goals))
	for i, g := range d.Goals {
		codes[i] = g.Goal.Code
	}
	return d.Student.Label() + ": " + strings.Join(codes, ", ")
}

func composeDataDeadline(ctx context.Context, store storage.Store, f today.Facts, o Occurrence) ([]bot.Message, error) {
	caseload, err := store.Caseload(ctx, o.StaffID)
	if err != nil {
		return nil, fmt.Errorf("loading caseload of staff %d: %w", o.StaffID, err)
	}
	due, err := f.Missing(ctx, store, caseload)
	if err != nil || len(due) == 0 {
		return nil, err
	}
	byPara := map[string][]string{}
	var paras []string
	for _, d := range due {
		team, err := store.StudentTeam(ctx, d.Student.ID)
		if err != nil {
			return nil, fmt.Errorf("loading team of student %d: %w", d.Student.ID, err)
		}
		var names []string
		for _, m := range team {
			if m.Kind == storage.AssignPara || m.Kind == storage.AssignTherapist {
				names = append(names, m.Staff.Name)
			}
		}
		if len(names) == 0 {
			names = []string{"no para assigned"}
		}
		for _, n := range names {
			if _, ok := byPara[n]; !ok {
				paras = append(paras, n)
			}
			byPara[n] = append(byPara[n], DueLine(d))
		}
	}
	r := bot.Reply{Text: fmt.Sprintf("Data-entry deadline %s (%s): still missing", o.At.In(f.Loc).Format("15:04"), dateLine(f))}
	for _, p := range paras {
		r.Text += "\nBy " + p + ":\n  " + strings.Join(byPara[p], "\n  ")
	}
	return []bot.Message{{StaffID: o.StaffID, Reply: r}}, nil
}

func composeUncovered(f today.Facts, o Occurrence) ([]bot.Message, error) {
	var lines []string
	for _, du := range f.Duties {
		if who, _ := f.OnDuty(du); who == 0 {
			lines = append(lines, fmt.Sprintf("%s: %s is absent, no cover", DutyLine(du), f.Staff[du.StaffID].Name))
		}
	}
	if len(lines) == 0 {
		return nil, nil
	}
	return []bot.Message{{StaffID: o.StaffID, Reply: bot.Reply{Text: fmt.Sprintf("Uncovered duties today (%s):\n%s", dateLine(f), strings.Join(lines, "\n"))}}}, nil
}
