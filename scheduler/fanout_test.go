package scheduler_test

import (
	"context"
	"errors"
	"fmt"
	"slices"
	"sync"
	"testing"
	"time"

	"github.com/riverqueue/river"
	"github.com/riverqueue/river/rivertype"

	"parabot/bot"
	"parabot/scheduler"
	"parabot/storage"
	"parabot/storage/sqlite"
	"parabot/storage/storagetest"
	"parabot/today"
)

// minuteDate is a Tuesday of the school year of minuteRoster.
const minuteDate = "2026-11-24"

// minuteRoster is one school whose n staff members all have lunch duty at
// 11:30 on Tuesdays, so their n duty reminders are due together, at 11:20.
func minuteRoster(t *testing.T, n int) (*sqlite.DB, storage.School) {
	t.Helper()
	db := storagetest.OpenSQLite(t)
	r := storage.Roster{Schools: []storage.School{{Name: "Minute School", TimeZone: "America/New_York",
		YearStart: "2026-08-24", YearEnd: "2027-06-18", DayStart: "07:30", Dismissal: "15:00"}}}
	for i := range n {
		handle := fmt.Sprintf("p%02d", i)
		r.Staff = append(r.Staff, storage.RosterStaff{School: "Minute School", Handle: handle, Name: "Para " + handle,
			Role: storage.RolePara, SlackID: fmt.Sprintf("U%07d", i), Active: true})
		r.Duties = append(r.Duties, storage.RosterDuty{StaffHandle: handle, Active: true, Duty: storage.Duty{
			Kind: storage.DutyLunch, Weekday: time.Tuesday, Start: "11:30", End: "12:00", Place: "Cafeteria"}})
	}
	ctx := context.Background()
	if _, err := db.ImportRoster(ctx, r); err != nil {
		t.Fatal(err)
	}
	schools, err := db.Schools(ctx)
	if err != nil || len(schools) != 1 {
		t.Fatalf("Schools = %v, %v", schools, err)
	}
	return db, schools[0]
}

// minuteJobs plans the school's day and returns its FireArgs jobs and the
// instant they fire at.
func minuteJobs(t *testing.T, db *sqlite.DB, school storage.School) ([]scheduler.FireArgs, time.Time) {
	t.Helper()
	f, err := today.LoadFacts(context.Background(), db, school, minuteDate)
	if err != nil {
		t.Fatal(err)
	}
	occs := scheduler.PlanDay(f)
	if len(occs) == 0 {
		t.Fatal("nothing planned")
	}
	var out []scheduler.FireArgs
	for _, j := range scheduler.FireJobs(occs, occs[0].At) {
		out = append(out, j.Args.(scheduler.FireArgs))
	}
	return out, occs[0].At
}

// fireRig runs FireArgs jobs directly, on a clock standing at the instant.
type fireRig struct {
	w        *scheduler.FireWorker
	mu       sync.Mutex
	outcomes map[scheduler.Outcome]int
}

func newFireRig(db *sqlite.DB, s scheduler.Sender, at time.Time) *fireRig {
	rig := &fireRig{outcomes: map[scheduler.Outcome]int{}}
	now := func() time.Time { return at }
	rig.w = &scheduler.FireWorker{
		Remind: &scheduler.RemindWorker{Store: db, Log: quiet(), Now: now, Count: func(_ string, o scheduler.Outcome) {
			rig.mu.Lock()
			rig.outcomes[o]++
			rig.mu.Unlock()
		}},
		Deliver: &scheduler.DeliverWorker{Store: db, Senders: map[storage.Platform]scheduler.Sender{storage.PlatformSlack: s}, Log: quiet(), Now: now},
	}
	return rig
}

func (rig *fireRig) run(ctx context.Context, a scheduler.FireArgs, attempt int) error {
	return rig.w.Work(ctx, &river.Job[scheduler.FireArgs]{JobRow: &rivertype.JobRow{ID: int64(100 + a.Part), Attempt: attempt}, Args: a})
}

func (rig *fireRig) count(o scheduler.Outcome) int {
	rig.mu.Lock()
	defer rig.mu.Unlock()
	return rig.outcomes[o]
}

// TestFireJobsSplitAMinuteByRecipient checks a minute's reminders are
// fired by one job per part that has any, each recipient in one part.
func TestFireJobsSplitAMinuteByRecipient(t *testing.T) {
	db, school := minuteRoster(t, 20)
	jobs, at := minuteJobs(t, db, school)
	if len(jobs) != scheduler.FireParts {
		t.Fatalf("%d jobs for 20 reminders of one instant, want %d", len(jobs), scheduler.FireParts)
	}
	for _, a := range jobs {
		if !a.At.Equal(at) || a.SchoolID != school.ID || a.Date != minuteDate {
			t.Errorf("job %+v, want school %d on %s at %s", a, school.ID, minuteDate, at)
		}
	}
	f, err := today.LoadFacts(context.Background(), db, school, minuteDate)
	if err != nil {
		t.Fatal(err)
	}
	later := scheduler.FireJobs(scheduler.PlanDay(f), at.Add(-time.Hour))
	if !later[0].ScheduledAt.Equal(at) {
		t.Errorf("a job planned an hour ahead is scheduled at %s, want %s", later[0].ScheduledAt, at)
	}
	if due := scheduler.FireJobs(scheduler.PlanDay(f), at); !due[0].ScheduledAt.Equal(at) {
		t.Errorf("a job due on a moved clock is scheduled at %s, want %s (the waits for due jobs go by it)", due[0].ScheduledAt, at)
	}
	now := time.Now()
	due := scheduler.FireJobs([]scheduler.Occurrence{{Kind: scheduler.KindDuty, SchoolID: school.ID, Date: minuteDate, StaffID: 1, At: now.Add(-time.Second)}}, now)
	if !due[0].ScheduledAt.IsZero() {
		t.Errorf("a job already due on the real clock is scheduled at %s, want at once", due[0].ScheduledAt)
	}
}

// TestFireSendsEachReminderOnce fires a minute's reminders, then fires
// the same jobs again as a rescued run would: every reminder went out
// once, and the second run sends nothing.
func TestFireSendsEachReminderOnce(t *testing.T) {
	db, school := minuteRoster(t, 12)
	jobs, at := minuteJobs(t, db, school)
	rec := &recorder{}
	rig := newFireRig(db, rec, at)
	ctx := context.Background()
	for _, a := range jobs {
		if err := rig.run(ctx, a, 1); err != nil {
			t.Fatal(err)
		}
	}
	for _, a := range jobs {
		if err := rig.run(ctx, a, 2); err != nil {
			t.Fatal(err)
		}
	}
	got := rec.got()
	if len(got) != 12 {
		t.Fatalf("sent %d messages, want 12: %q", len(got), got)
	}
	seen := map[string]bool{}
	for _, m := range got {
		if seen[m] {
			t.Errorf("sent twice: %s", m)
		}
		seen[m] = true
	}
	if rig.count(scheduler.OutcomeSent) != 12 || rig.count(scheduler.OutcomeDone) != 12 {
		t.Errorf("outcomes %v, want 12 sent then 12 done", rig.outcomes)
	}
	for _, k := range rec.gotKeys() {
		if k == "" {
			t.Error("a reminder was sent without its delivery key")
		}
	}
}

// crasher is a Sender whose process dies at its n-th send: that send
// reaches the platform, but the worker's context is cancelled before it
// hears so (its run records nothing more).
type crasher struct {
	recorder
	n      int
	cancel context.CancelFunc
	// repeats counts sends made with scheduler.DeliveryRepeat set.
	repeats int
}

func (c *crasher) SendDM(ctx context.Context, user string, rep bot.Reply) error {
	if scheduler.DeliveryRepeat(ctx) {
		c.mu.Lock()
		c.repeats++
		sent := slices.Contains(c.sent, "dm:"+user+":"+rep.Text)
		c.mu.Unlock()
		if sent {
			return nil // the platform tells it went out (Slack: its metadata)
		}
	}
	if err := c.recorder.SendDM(ctx, user, rep); err != nil {
		return err
	}
	c.mu.Lock()
	defer c.mu.Unlock()
	if c.calls == c.n && c.cancel != nil {
		c.cancel()
		c.cancel = nil
		return context.Canceled
	}
	return nil
}

// TestFireAfterACrashSendsTheRest cuts a part's run short in the middle
// of a send: the job's next attempt sends what was left, the messages
// recorded are not sent again, and the one cut short is looked up on the
// platform rather than repeated.
func TestFireAfterACrashSendsTheRest(t *testing.T) {
	db, school := minuteRoster(t, 24) // three reminders a part
	jobs, at := minuteJobs(t, db, school)
	ctx, cancel := context.WithCancel(context.Background())
	defer cancel()
	c := &crasher{n: 2, cancel: cancel}
	rig := newFireRig(db, c, at)
	if err := rig.run(ctx, jobs[0], 1); err == nil || !errors.Is(ctx.Err(), context.Canceled) {
		t.Fatalf("a run cut short returned %v", err)
	}
	if got := len(c.got()); got != 2 {
		t.Fatalf("%d messages out before the crash, want 2", got)
	}
	if err := rig.run(context.Background(), jobs[0], 2); err != nil {
		t.Fatal(err)
	}
	if got := c.got(); len(got) != 3 {
		t.Errorf("after the rescue %d messages went out, want 3 (each once): %q", len(got), got)
	}
	if c.repeats != 2 {
		t.Errorf("%d sends looked up whether they went out, want 2 (the one cut short and the one never tried)", c.repeats)
	}
}

// TestFireQueuesWhatCannotGoNow has the platform ask for a long wait: the
// reminder is handed to a queued delivery, which sends it once.
func TestFireQueuesWhatCannotGoNow(t *testing.T) {
	db, school := minuteRoster(t, 2)
	jobs, at := minuteJobs(t, db, school)
	rec := &recorder{fail: []error{wait(time.Hour)}}
	rig := newFireRig(db, rec, at)
	for _, a := range jobs {
		if err := rig.run(context.Background(), a, 1); err != nil {
			t.Fatal(err)
		}
	}
	if got := rec.got(); len(got) != 1 {
		t.Fatalf("sent at once %q, want the one reminder the platform let through", got)
	}
	// The next day, a Wednesday: nothing else is due.
	r := startFrom(t, db, map[storage.Platform]scheduler.Sender{storage.PlatformSlack: rec}, at.Add(24*time.Hour))
	ctx, cancel := context.WithTimeout(context.Background(), 30*time.Second)
	defer cancel()
	if err := r.Idle(ctx); err != nil {
		t.Fatalf("the queued delivery did not run: %v", err)
	}
	if got := rec.got(); len(got) != 2 || got[0] == got[1] {
		t.Errorf("sent %q, want both reminders once", got)
	}
	if rig.count(scheduler.OutcomeSent) != 2 {
		t.Errorf("outcomes %v, want 2 sent", rig.outcomes)
	}
}

// TestOccurrenceJobLeavesItToTheMinute runs a job of one occurrence, as
// an older planner queued them, after the day was planned again into
// FireArgs jobs: it leaves the occurrence to those, which send it once.
func TestOccurrenceJobLeavesItToTheMinute(t *testing.T) {
	db, school := minuteRoster(t, 3)
	f, err := today.LoadFacts(context.Background(), db, school, minuteDate)
	if err != nil {
		t.Fatal(err)
	}
	occs := scheduler.PlanDay(f)
	ctx := context.Background()
	if err := db.Enqueue(ctx, scheduler.FireJobs(occs, occs[0].At)); err != nil {
		t.Fatal(err)
	}
	rec := &recorder{}
	rig := newFireRig(db, rec, occs[0].At)
	old := scheduler.Remind(occs[0]).Args.(scheduler.RemindArgs)
	if err := rig.w.Remind.Work(ctx, &river.Job[scheduler.RemindArgs]{JobRow: &rivertype.JobRow{ID: 1, Attempt: 1}, Args: old}); err != nil {
		t.Fatal(err)
	}
	if rig.count(scheduler.OutcomeDone) != 1 {
		t.Fatalf("outcomes %v, want the occurrence left to the FireArgs job (done)", rig.outcomes)
	}
	jobs, _ := minuteJobs(t, db, school)
	for _, a := range jobs {
		if err := rig.run(ctx, a, 1); err != nil {
			t.Fatal(err)
		}
	}
	if got := rec.got(); len(got) != 3 {
		t.Errorf("sent %q, want the 3 reminders once", got)
	}
}

// TestFireJobsGiveEachTeachersSummariesAJob: a summary, whose narratives
// take time, is not composed after other teachers' in one job: each
// teacher's summaries of an instant have a job of their own, apart from
// the shared parts, while reminders share them.
func TestFireJobsGiveEachTeachersSummariesAJob(t *testing.T) {
	at := time.Date(2026, 11, 27, 20, 40, 0, 0, time.UTC)
	occ := func(kind string, staff int64) scheduler.Occurrence {
		return scheduler.Occurrence{Kind: kind, SchoolID: 1, Date: "2026-11-27", StaffID: staff, At: at}
	}
	jobs := scheduler.FireJobs([]scheduler.Occurrence{
		occ(scheduler.KindDailySummary, 3), occ(scheduler.KindWeeklySummary, 3), // one teacher's two: one job
		occ(scheduler.KindDailySummary, 3+scheduler.FireParts),                     // another teacher, in 3's shared part
		occ(scheduler.KindDuty, 3), occ(scheduler.KindDuty, 3+scheduler.FireParts), // reminders: one shared part
	}, at.Add(-time.Hour))
	var parts []int
	for _, j := range jobs {
		parts = append(parts, j.Args.(scheduler.FireArgs).Part)
	}
	if want := []int{scheduler.FireParts + 3, 2*scheduler.FireParts + 3, 3}; !slices.Equal(parts, want) {
		t.Errorf("parts %v, want %v", parts, want)
	}
}
