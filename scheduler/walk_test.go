package scheduler_test

import (
	"context"
	"errors"
	"fmt"
	"regexp"
	"slices"
	"strconv"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/riverqueue/river/riverdriver/riverpgxv5"
	"github.com/riverqueue/river/riverdriver/riversqlite"

	"parabot/bot"
	"parabot/roster"
	"parabot/scheduler"
	"parabot/storage"
	"parabot/storage/postgres"
	"parabot/storage/sqlite"
	"parabot/storage/storagetest"
	"parabot/today"
)

// fakeClock is a clock the test sets.
type fakeClock struct {
	mu  sync.Mutex
	now time.Time
}

func (c *fakeClock) Now() time.Time { c.mu.Lock(); defer c.mu.Unlock(); return c.now }
func (c *fakeClock) Set(t time.Time) {
	c.mu.Lock()
	defer c.mu.Unlock()
	if t.After(c.now) {
		c.now = t
	}
}

// inbox records direct messages with the clock's time when they arrived.
type inbox struct {
	mu    sync.Mutex
	clock *fakeClock
	loc   *time.Location
	got   []string // "Mon Nov 23 11:20 EST lee: <first line>"
	full  map[string]string
	// replies are every message in full, in the order sent.
	replies    []post
	unpostable map[string]bool
}

// post is one message as delivered: to a channel, or to a user.
type post struct {
	key, channel, user string
	reply              bot.Reply
}

func (b *inbox) SendDM(_ context.Context, user string, r bot.Reply) error {
	b.mu.Lock()
	defer b.mu.Unlock()
	head, _, _ := strings.Cut(r.Text, "\n")
	k := b.clock.Now().In(b.loc).Format("Mon Jan 2 15:04 MST") + " " + user + ": " + head
	b.got = append(b.got, k)
	if b.full == nil {
		b.full = map[string]string{}
	}
	b.full[k] = r.Text
	b.replies = append(b.replies, post{key: k, user: user, reply: r})
	return nil
}

// PostChannel records a channel post as from "#<channel>"; a channel
// in unpostable fails for good, as a platform's unknown channel does.
func (b *inbox) PostChannel(_ context.Context, ch string, r bot.Reply) error {
	b.mu.Lock()
	defer b.mu.Unlock()
	if b.unpostable[ch] {
		return &scheduler.Permanent{Err: fmt.Errorf("no channel named %q", ch)}
	}
	head, _, _ := strings.Cut(r.Text, "\n")
	k := b.clock.Now().In(b.loc).Format("Mon Jan 2 15:04 MST") + " #" + ch + ": " + head
	b.got = append(b.got, k)
	if b.full == nil {
		b.full = map[string]string{}
	}
	b.full[k] = r.Text
	b.replies = append(b.replies, post{key: k, channel: ch, reply: r})
	return nil
}

// take returns what arrived since the last take, sorted.
func (b *inbox) take() []string {
	b.mu.Lock()
	defer b.mu.Unlock()
	out := b.got
	b.got = nil
	slices.Sort(out)
	return out
}

// walker moves a fake clock through days, running the jobs that come due
// at their times.
type walker struct {
	t       *testing.T
	db      storage.Store
	clock   *fakeClock
	box     *inbox
	replica []replica // the serve processes: each a store and its job runner
	runners []scheduler.Runner
	loc     *time.Location
	counts  map[string]int
	mu      sync.Mutex
}

// replica starts the job runner of one serve process.
type replica struct {
	store storage.Store
	start func(cfg scheduler.Config) (scheduler.Runner, error)
}

// newWalker walks the demo school on one SQLite serve.
func newWalker(t *testing.T, start time.Time) *walker {
	db := storagetest.OpenSQLite(t)
	return walkOn(t, start, db, replica{store: db, start: func(cfg scheduler.Config) (scheduler.Runner, error) {
		return scheduler.Start(context.Background(), riversqlite.New(db.SQL()), cfg)
	}})
}

// newPostgresWalker walks the demo school on n serve replicas sharing one
// Postgres database, each with its own connection pool.
func newPostgresWalker(t *testing.T, start time.Time, n int) *walker {
	url := storagetest.NewPostgresURL(t)
	var reps []replica
	for i := 0; i < n; i++ {
		db, err := postgres.Open(context.Background(), url, quiet(), 8)
		if err != nil {
			t.Fatal(err)
		}
		t.Cleanup(func() { db.Close() })
		reps = append(reps, replica{store: db, start: func(cfg scheduler.Config) (scheduler.Runner, error) {
			return scheduler.Start(context.Background(), riverpgxv5.New(db.Pool()), cfg)
		}})
	}
	return walkOn(t, start, reps[0].store, reps...)
}

func walkOn(t *testing.T, start time.Time, db storage.Store, reps ...replica) *walker {
	if _, err := roster.Import(context.Background(), db, roster.Demo()); err != nil {
		t.Fatal(err)
	}
	loc, _ := time.LoadLocation("America/New_York")
	w := &walker{t: t, db: db, replica: reps, clock: &fakeClock{now: start}, loc: loc, counts: map[string]int{}}
	w.box = &inbox{clock: w.clock, loc: loc}
	w.start()
	t.Cleanup(func() { w.stop() })
	return w
}

// start starts every replica, as parabot serve does, and plans.
func (w *walker) start() {
	w.t.Helper()
	for _, rep := range w.replica {
		r, err := rep.start(scheduler.Config{
			Store: rep.store, Senders: map[storage.Platform]scheduler.Sender{storage.PlatformShell: w.box}, Log: quiet(),
			Now: w.clock.Now, Movable: true, PollInterval: 10 * time.Millisecond,
			CountReminder: func(kind string, o scheduler.Outcome) {
				w.mu.Lock()
				w.counts[kind+"/"+string(o)]++
				w.mu.Unlock()
			},
		})
		if err != nil {
			w.t.Fatal(err)
		}
		w.runners = append(w.runners, r)
		schools, _ := rep.store.Schools(context.Background())
		if err := rep.store.Enqueue(context.Background(), scheduler.Replan(schools, w.clock.Now())); err != nil {
			w.t.Fatal(err)
		}
	}
	w.idle()
}

// stop stops every replica (a restart, or the end of the test).
func (w *walker) stop() {
	for _, r := range w.runners {
		ctx, cancel := context.WithTimeout(context.Background(), 10*time.Second)
		r.Stop(ctx)
		cancel()
	}
	w.runners = nil
}

func (w *walker) idle() {
	w.t.Helper()
	// A guard against a job that never finishes, not a speed goal: the
	// race detector on a busy machine makes a school day take a while.
	ctx, cancel := context.WithTimeout(context.Background(), 3*time.Minute)
	defer cancel()
	// Every replica: each knows the Work its own workers are in.
	for _, r := range w.runners {
		if err := r.Idle(ctx); err != nil {
			w.unfinished()
			w.t.Fatalf("jobs did not finish: %v", err)
		}
	}
}

// unfinished logs the jobs that kept the runners busy.
func (w *walker) unfinished() {
	db, ok := w.db.(*sqlite.DB)
	if !ok {
		return
	}
	rows, _ := db.SQL().Query(`SELECT id, kind, state, scheduled_at FROM river_job WHERE state NOT IN ('completed') ORDER BY scheduled_at LIMIT 30`)
	for rows != nil && rows.Next() {
		var id int
		var kind, state, at string
		rows.Scan(&id, &kind, &state, &at)
		w.t.Logf("unfinished job %d %s %s %s (now %s)", id, kind, state, at, w.clock.Now().UTC())
	}
}

// to walks the clock to a school-local time ("2026-11-23 11:55"), each
// scheduled job running at its own time.
func (w *walker) to(local string) {
	w.t.Helper()
	target, err := time.ParseInLocation("2006-01-02 15:04", local, w.loc)
	if err != nil {
		w.t.Fatal(err)
	}
	for {
		// Next waits for the jobs due now, then reads the next stop.
		w.idle()
		ctx, cancel := context.WithTimeout(context.Background(), 3*time.Minute)
		next, ok, err := w.runners[0].Next(ctx)
		cancel()
		if err != nil {
			w.unfinished()
			w.t.Fatal(err)
		}
		if !ok || next.After(target) {
			break
		}
		w.clock.Set(next)
		w.idle()
	}
	w.clock.Set(target)
	w.idle()
}

// escID is an escalation's number in a message; expect writes it #N,
// since the order students are escalated in a minute is not fixed.
var escID = regexp.MustCompile(`#[0-9]+`)

// unaccounted is what an unaccounted student at the end of a bus duty
// sends: an urgent escalation to the teacher at once, then to the admin
// and the para on duty when nobody acknowledged in 10 minutes.
func unaccounted(day, zone, end, after, para, paraName, student, code, way, duty string) []string {
	at := func(clock, who string) string { return day + " " + clock + " " + zone + " " + who + ": " }
	alert := "URGENT Unaccounted student #N about " + student + " raised by the end-of-duty check of " + paraName + "'s bus duty: " + code + " (" + way + ") was neither released nor marked absent when " +
		duty + " ended at " + end + " (" + day + "); last transition none today."
	return []string{
		at(end, "rivera") + alert,
		at(after, "patel") + alert,
		at(after, para) + "Your unaccounted student #N about " + student + " was not acknowledged in time; it went to Dr. Anil Patel (level 2).",
	}
}

// expect checks what arrived since the last check.
func (w *walker) expect(when string, want ...string) {
	w.t.Helper()
	got := w.box.take()
	for i := range got {
		got[i] = escID.ReplaceAllString(got[i], "#N")
	}
	slices.Sort(got)
	slices.Sort(want)
	if !slices.Equal(got, want) {
		w.t.Errorf("%s: direct messages\n got:\n  %s\nwant:\n  %s", when, strings.Join(got, "\n  "), strings.Join(want, "\n  "))
	}
}

func (w *walker) staff(handle string) storage.Staff {
	st, err := w.db.StaffByIdentity(context.Background(), storage.PlatformShell, handle)
	if err != nil {
		w.t.Fatal(err)
	}
	return st
}

func (w *walker) student(code string) storage.Student {
	schools, _ := w.db.Schools(context.Background())
	all, _ := w.db.Students(context.Background(), schools[0].ID)
	for _, s := range all {
		if s.Code == code {
			return s
		}
	}
	w.t.Fatalf("no student %s", code)
	return storage.Student{}
}

func (w *walker) at(local string) time.Time {
	t, _ := time.ParseInLocation("2006-01-02 15:04", local, w.loc)
	return t
}

// handoff logs a release to the bus or pickup.
func (w *walker) handoff(by, code, to, local string) {
	w.t.Helper()
	_, err := w.db.LogTransition(context.Background(), storage.Transition{StudentID: w.student(code).ID, StaffID: w.staff(by).ID,
		At: w.at(local), From: "class", To: to, HandoffTo: "driver", Summary: "handoff"}, nil)
	if err != nil {
		w.t.Fatal(err)
	}
}

// trials logs, for each goal, the trials its mastery criterion needs in
// a day (a goal with fewer is still due).
func (w *walker) trials(by, code, local string, goals ...string) {
	w.t.Helper()
	st := w.student(code)
	all, _ := w.db.Goals(context.Background(), st.ID)
	for _, g := range all {
		if slices.Contains(goals, g.Code) {
			if _, err := w.db.LogTrials(context.Background(), storage.TrialBatch{GoalID: g.ID, StudentID: st.ID, StaffID: w.staff(by).ID,
				At: w.at(local), Results: slices.Repeat([]storage.TrialResult{{Outcome: storage.Correct, Prompt: storage.Independent}}, today.Needed(g)),
				Summary: "t"}, nil); err != nil {
				w.t.Fatal(err)
			}
		}
	}
}

func (w *walker) absent(a storage.Absence) {
	w.t.Helper()
	schools, _ := w.db.Schools(context.Background())
	a.SchoolID, a.ByStaffID, a.CreatedAt = schools[0].ID, w.staff("patel").ID, w.clock.Now()
	if _, err := w.db.AddAbsence(context.Background(), a); err != nil {
		w.t.Fatal(err)
	}
}

const (
	busLoop   = "bus duty 15:10–15:30 at Bus loop at the front doors"
	lunchCaf  = "lunch duty 11:30–12:00 at Cafeteria"
	recessPlg = "recess duty 12:00–12:20 at Playground"
)

// plainDay is what a regular day sends when nothing is logged: duty
// reminders, data reminders to both paras and the therapist, the
// teacher's deadline DM, and the unaccounted students of both bus duties
// escalated to the teacher, then the admin. day is "Fri Oct 30", zone "EDT" or "EST".
func plainDay(day, zone, lunch, recess string) []string {
	at := func(clock, who string) string { return day + " " + clock + " " + zone + " " + who + ": " }
	out := []string{
		at("11:20", lunch) + "Reminder: " + lunchCaf + " today (" + day + ").",
		at("11:50", recess) + "Reminder: " + recessPlg + " today (" + day + ").",
		at("14:15", "lee") + "Data still due today (" + day + ") by 14:45:",
		at("14:15", "okafor") + "Data still due today (" + day + ") by 14:45:",
		at("14:15", "nguyen") + "Data still due today (" + day + ") by 14:45:",
		at("14:45", "rivera") + "Data-entry deadline 14:45 (" + day + "): still missing",
		at("15:00", "lee") + "Reminder: " + busLoop + " today (" + day + ").",
		at("15:00", "okafor") + "Reminder: " + busLoop + " today (" + day + ").",
	}
	out = append(out, unaccounted(day, zone, "15:30", "15:40", "lee", "Jamie Lee", "Ava B. (S101)", "S101", "bus 12", busLoop)...)
	out = append(out, unaccounted(day, zone, "15:30", "15:40", "lee", "Jamie Lee", "Liam C. (S102)", "S102", "pickup", busLoop)...)
	out = append(out, unaccounted(day, zone, "15:30", "15:40", "lee", "Jamie Lee", "Aiden B. (S103)", "S103", "bus 7", busLoop)...)
	out = append(out, unaccounted(day, zone, "15:30", "15:40", "okafor", "Chris Okafor", "Noah W. (S105)", "S105", "bus 12", busLoop)...)
	return append(out, summaryPosts(day, zone, "15:40")...)
}

// summaryPosts are the teacher's daily summary (and on Fridays the
// weekly one) at clock: the channel version to #rivera-class, the private
// one to Maria Rivera.
func summaryPosts(day, zone, clock string) []string {
	t, _ := time.Parse("Mon Jan 2 2006", day+" 2026")
	if t.Month() < time.August { // the 2026-27 school year
		t = t.AddDate(1, 0, 0)
	}
	head := "Daily summary for " + t.Format("Monday, Jan 2")
	out := []string{day + " " + clock + " " + zone + " #rivera-class: " + head, day + " " + clock + " " + zone + " rivera: " + head}
	if t.Weekday() == time.Friday {
		week := "Weekly summary, " + t.AddDate(0, 0, -4).Format("Jan 2") + " to " + t.Format("Jan 2")
		out = append(out, day+" "+clock+" "+zone+" #rivera-class: "+week, day+" "+clock+" "+zone+" rivera: "+week)
	}
	return out
}

// TestWalkThanksgivingWeek walks the week of 2026-11-23 at the demo
// school: a regular Monday, a Tuesday with a para absent (covered) and a
// student absent and the bot down from 10:00 to 11:55, an early-release
// Wednesday with a para absent and no cover, and the Thanksgiving
// holidays.
func TestWalkThanksgivingWeek(t *testing.T) {
	walkThanksgiving(t, newWalker(t, thanksgivingStart))
}

// TestWalkThanksgivingWeekTwoReplicas walks the same week with two serve
// replicas on one Postgres: every message still arrives once.
func TestWalkThanksgivingWeekTwoReplicas(t *testing.T) {
	walkThanksgiving(t, newPostgresWalker(t, thanksgivingStart, 2))
}

var thanksgivingStart = time.Date(2026, 11, 23, 1, 0, 0, 0, time.UTC) // Sunday 20:00 EST

func walkThanksgiving(t *testing.T, w *walker) {
	const mon, tue, wed = "Mon Nov 23", "Tue Nov 24", "Wed Nov 25"

	// Monday: Jamie Lee logs all of A.B.'s goals in the morning; S101,
	// S102 and S105 are handed off at the bus, S103 is not.
	w.to("2026-11-23 10:00")
	w.expect("Monday morning")
	w.trials("lee", "S101", "2026-11-23 10:00", "G1", "G2", "G3")
	w.to("2026-11-23 15:20")
	w.handoff("lee", "S101", "bus", "2026-11-23 15:15")
	w.handoff("lee", "S102", "pickup", "2026-11-23 15:16")
	w.handoff("okafor", "S105", "bus", "2026-11-23 15:17")
	w.to("2026-11-23 23:00")
	w.expect("Monday", append([]string{
		mon + " 11:20 EST lee: Reminder: " + lunchCaf + " today (" + mon + ").",
		mon + " 11:50 EST okafor: Reminder: " + recessPlg + " today (" + mon + ").",
		mon + " 14:15 EST lee: Data still due today (" + mon + ") by 14:45:",
		mon + " 14:15 EST okafor: Data still due today (" + mon + ") by 14:45:",
		mon + " 14:15 EST nguyen: Data still due today (" + mon + ") by 14:45:",
		mon + " 14:45 EST rivera: Data-entry deadline 14:45 (" + mon + "): still missing",
		mon + " 15:00 EST lee: Reminder: " + busLoop + " today (" + mon + ").",
		mon + " 15:00 EST okafor: Reminder: " + busLoop + " today (" + mon + ").",
		mon + " 15:40 EST #rivera-class: Daily summary for Monday, Nov 23",
		mon + " 15:40 EST rivera: Daily summary for Monday, Nov 23",
	}, unaccounted(mon, "EST", "15:30", "15:40", "lee", "Jamie Lee", "Aiden B. (S103)", "S103", "bus 7", busLoop)...)...)
	full := w.box.full
	checkText(t, full[mon+" 14:15 EST lee: Data still due today ("+mon+") by 14:45:"],
		"Data still due today (Mon Nov 23) by 14:45:\nL.C. (S102): G1, G2\nA.B. (S103): G1, G2")
	checkText(t, full[mon+" 14:15 EST okafor: Data still due today ("+mon+") by 14:45:"],
		"Data still due today (Mon Nov 23) by 14:45:\nS.M. (S104): G1, G2, G3\nN.W. (S105): G1, G2, G3\nS.J. (S106): G1, G2")
	checkText(t, full[mon+" 14:15 EST nguyen: Data still due today ("+mon+") by 14:45:"],
		"Data still due today (Mon Nov 23) by 14:45:\nL.C. (S102): G1, G2\nN.W. (S105): G1, G2, G3")
	checkText(t, full[mon+" 14:45 EST rivera: Data-entry deadline 14:45 ("+mon+"): still missing"],
		"Data-entry deadline 14:45 (Mon Nov 23): still missing\nBy Jamie Lee:\n  L.C. (S102): G1, G2\n  A.B. (S103): G1, G2\n"+
			"By Linh Nguyen:\n  L.C. (S102): G1, G2\n  N.W. (S105): G1, G2, G3\nBy Chris Okafor:\n  S.M. (S104): G1, G2, G3\n  N.W. (S105): G1, G2, G3\n  S.J. (S106): G1, G2")
	checkText(t, full[mon+" 15:00 EST lee: Reminder: "+busLoop+" today ("+mon+")."],
		"Reminder: "+busLoop+" today (Mon Nov 23).\nDismissal roll:\nA.B. (S101): bus 12\nL.C. (S102): pickup\nA.B. (S103): bus 7")

	// Tuesday: Jamie Lee is away, Linh Nguyen covers; N.W. (S105) is
	// away. The bot is down from 10:00 to 11:55: the 11:20 lunch reminder
	// is stale (lunch started at 11:30) and dropped; the 11:50 recess
	// reminder is still useful and sent late.
	w.absent(storage.Absence{StaffID: w.staff("lee").ID, From: "2026-11-24", To: "2026-11-24", CoverID: w.staff("nguyen").ID})
	w.absent(storage.Absence{StudentID: w.student("S105").ID, From: "2026-11-24", To: "2026-11-24"})
	w.absent(storage.Absence{StaffID: w.staff("okafor").ID, From: "2026-11-25", To: "2026-11-25"})
	w.to("2026-11-24 10:00")
	w.stop()
	w.clock.Set(w.at("2026-11-24 11:55"))
	w.start()
	w.to("2026-11-24 23:00")
	tueUnacc := func(student, code, way string) []string {
		return unaccounted(tue, "EST", "15:30", "15:40", "nguyen", "Linh Nguyen", student, code, way, busLoop)
	}
	w.expect("Tuesday", slices.Concat([]string{
		tue + " 11:55 EST okafor: Reminder: " + recessPlg + " today (" + tue + ").",
		tue + " 14:15 EST okafor: Data still due today (" + tue + ") by 14:45:",
		tue + " 14:15 EST nguyen: Data still due today (" + tue + ") by 14:45:",
		tue + " 14:45 EST rivera: Data-entry deadline 14:45 (" + tue + "): still missing",
		tue + " 15:00 EST nguyen: Reminder: " + busLoop + " today (" + tue + ").",
		tue + " 15:00 EST okafor: Reminder: " + busLoop + " today (" + tue + ").",
		tue + " 15:40 EST #rivera-class: Daily summary for Tuesday, Nov 24",
		tue + " 15:40 EST rivera: Daily summary for Tuesday, Nov 24",
	}, tueUnacc("Ava B. (S101)", "S101", "bus 12"), tueUnacc("Liam C. (S102)", "S102", "pickup"), tueUnacc("Aiden B. (S103)", "S103", "bus 7"))...)
	full = w.box.full
	checkText(t, full[tue+" 15:00 EST nguyen: Reminder: "+busLoop+" today ("+tue+")."],
		"Reminder: "+busLoop+" today (Tue Nov 24).\nYou cover for Jamie Lee, who is absent.\nDismissal roll:\nA.B. (S101): bus 12\nL.C. (S102): pickup\nA.B. (S103): bus 7")
	checkText(t, full[tue+" 15:00 EST okafor: Reminder: "+busLoop+" today ("+tue+")."], "Reminder: "+busLoop+" today (Tue Nov 24).")
	checkText(t, full[tue+" 14:15 EST okafor: Data still due today ("+tue+") by 14:45:"],
		"Data still due today (Tue Nov 24) by 14:45:\nS.M. (S104): G1, G2, G3\nS.J. (S106): G1, G2")
	if got := w.count("duty/stale"); got != 1 {
		t.Errorf("stale duty reminders counted %d, want 1", got)
	}
	if got := w.count("duty/late"); got != 1 {
		t.Errorf("late duty reminders counted %d, want 1", got)
	}

	// Wednesday: early release at 12:30, so bus duty is 12:30–12:50;
	// Chris Okafor is away with no cover: the admin hears at 08:00. Jamie
	// Lee hands off all three; Chris Okafor's N.W. is unaccounted.
	w.to("2026-11-25 12:45")
	w.handoff("lee", "S101", "bus", "2026-11-25 12:40")
	w.handoff("lee", "S102", "pickup", "2026-11-25 12:41")
	w.handoff("lee", "S103", "bus", "2026-11-25 12:42")
	w.to("2026-11-27 23:00") // Thanksgiving and the Friday after: holidays
	earlyBus := "bus duty 12:30–12:50 at Bus loop at the front doors"
	w.expect("Wednesday to Friday", append([]string{
		wed + " 08:00 EST patel: Uncovered duties today (" + wed + "):",
		wed + " 11:20 EST lee: Reminder: " + lunchCaf + " today (" + wed + ").",
		// Early release moves the data reminder and deadline (14:15 and
		// 14:45, 25 and 55 minutes before the 15:10 dismissal) to 25 and
		// 55 minutes before 12:30.
		wed + " 11:35 EST lee: Data still due today (" + wed + ") by 12:05:",
		wed + " 11:35 EST nguyen: Data still due today (" + wed + ") by 12:05:",
		wed + " 12:05 EST rivera: Data-entry deadline 12:05 (" + wed + "): still missing",
		wed + " 12:20 EST lee: Reminder: " + earlyBus + " today (" + wed + ").",
		// It moves the summaries to 30 minutes after 12:30, after the
		// deadline; Thursday and Friday are holidays, so the week's
		// summary comes on Wednesday.
		wed + " 13:00 EST #rivera-class: Daily summary for Wednesday, Nov 25",
		wed + " 13:00 EST rivera: Daily summary for Wednesday, Nov 25",
		wed + " 13:00 EST #rivera-class: Weekly summary, Nov 23 to Nov 25",
		wed + " 13:00 EST rivera: Weekly summary, Nov 23 to Nov 25",
	}, unaccounted(wed, "EST", "12:50", "13:00", "okafor", "Chris Okafor", "Noah W. (S105)", "S105", "bus 12", earlyBus)...)...)
	full = w.box.full
	checkText(t, full[wed+" 08:00 EST patel: Uncovered duties today ("+wed+"):"],
		"Uncovered duties today (Wed Nov 25):\n"+recessPlg+": Chris Okafor is absent, no cover\n"+earlyBus+": Chris Okafor is absent, no cover")
	// The weekly goal (N.W.'s G4) is due on the week's last school day.
	checkText(t, full[wed+" 11:35 EST nguyen: Data still due today ("+wed+") by 12:05:"],
		"Data still due today (Wed Nov 25) by 12:05:\nA.B. (S101): G1, G2, G3\nL.C. (S102): G1, G2\nN.W. (S105): G1, G2, G3, G4")
}

// TestWalkDaylightSaving walks across both changes of the 2026-27 school
// year: every reminder keeps its school-local time.
func TestWalkDaylightSaving(t *testing.T) {
	for _, tc := range []struct {
		name       string
		start      time.Time
		before     string // Friday before the change
		beforeZone string
		after      string // Monday after
		afterZone  string
		fri, mon   string
	}{
		{"fall back 2026-11-01", time.Date(2026, 10, 30, 4, 0, 0, 0, time.UTC), "2026-10-30", "EDT", "2026-11-02", "EST", "Fri Oct 30", "Mon Nov 2"},
		{"spring forward 2027-03-14", time.Date(2027, 3, 12, 5, 0, 0, 0, time.UTC), "2027-03-12", "EST", "2027-03-15", "EDT", "Fri Mar 12", "Mon Mar 15"},
	} {
		t.Run(tc.name, func(t *testing.T) {
			w := newWalker(t, tc.start)
			w.to(tc.before + " 23:00")
			w.expect(tc.fri, plainDay(tc.fri, tc.beforeZone, "okafor", "lee")...)
			w.to(tc.after + " 23:00")
			w.expect(tc.mon, plainDay(tc.mon, tc.afterZone, "lee", "okafor")...)
			if got := w.count("duty/sent"); got != 8 {
				t.Errorf("duty reminders sent %d, want 8", got)
			}
		})
	}
}

func (w *walker) count(k string) int {
	w.mu.Lock()
	defer w.mu.Unlock()
	return w.counts[k]
}

func checkText(t *testing.T, got, want string) {
	t.Helper()
	if got != want {
		t.Errorf("message text\n got: %q\nwant: %q", got, want)
	}
}

// stalling is a sender whose direct messages wait for release: the
// delivery job stays in its Work until the test lets it go.
type stalling struct {
	started chan string // the delivery key of a send that began
	release chan struct{}
	mu      sync.Mutex
	sent    []string
}

func (s *stalling) SendDM(ctx context.Context, user string, r bot.Reply) error {
	s.started <- scheduler.DeliveryKey(ctx)
	select {
	case <-s.release:
	case <-ctx.Done():
		return ctx.Err()
	}
	s.mu.Lock()
	defer s.mu.Unlock()
	s.sent = append(s.sent, user+": "+r.Text)
	return nil
}

func (s *stalling) PostChannel(context.Context, string, bot.Reply) error {
	return &scheduler.Permanent{Err: fmt.Errorf("no channels here")}
}

// TestIdleWaitsForWorkInProgress holds a delivery in its Work while its
// row says it is no longer running (as River's rescuer leaves a job it
// takes for dead, then runs it again later): Idle and Next wait for the
// Work all the same, and return once it is done.
func TestIdleWaitsForWorkInProgress(t *testing.T) {
	ctx := context.Background()
	db := storagetest.OpenSQLite(t)
	if _, err := roster.Import(ctx, db, roster.Demo()); err != nil {
		t.Fatal(err)
	}
	// Saturday noon: no reminder of the demo school is due, whenever the
	// planner runs, so the only send is the test's own delivery.
	clock := &fakeClock{now: time.Date(2026, 11, 21, 17, 0, 0, 0, time.UTC)}
	s := &stalling{started: make(chan string, 1), release: make(chan struct{})}
	r, err := scheduler.Start(ctx, riversqlite.New(db.SQL()), scheduler.Config{
		Store: db, Senders: map[storage.Platform]scheduler.Sender{storage.PlatformShell: s}, Log: quiet(),
		Now: clock.Now, Movable: true, PollInterval: 10 * time.Millisecond,
	})
	if err != nil {
		t.Fatal(err)
	}
	stopAtEnd(t, r)
	// Guards against a job that never ends, not speed goals.
	bound, cancel := context.WithTimeout(ctx, 3*time.Minute)
	defer cancel()
	if err := r.Idle(bound); err != nil {
		t.Fatal(err)
	}

	lee, err := db.StaffByIdentity(ctx, storage.PlatformShell, "lee")
	if err != nil {
		t.Fatal(err)
	}
	if err := db.Enqueue(ctx, []storage.Job{scheduler.DeliverAt(bot.Message{StaffID: lee.ID, Reply: bot.Reply{Text: "Bus 12 is late."}}, "", clock.Now())}); err != nil {
		t.Fatal(err)
	}
	done := make(chan error, 1)
	go func() { done <- r.Idle(bound) }() // releases the delivery, then waits for it
	var key string
	select {
	case key = <-s.started:
	case <-bound.Done():
		t.Fatal("the delivery never started")
	}
	id, err := strconv.ParseInt(strings.Split(key, ":")[1], 10, 64)
	if err != nil {
		t.Fatalf("delivery key %q: %v", key, err)
	}
	// What the rescuer writes: retryable, due a while later.
	later := clock.Now().Add(time.Hour).UTC().Format("2006-01-02 15:04:05.000")
	if _, err := db.SQL().ExecContext(ctx, `UPDATE river_job SET state = 'retryable', scheduled_at = ? WHERE id = ?`, later, id); err != nil {
		t.Fatal(err)
	}

	short, cancelShort := context.WithTimeout(ctx, 300*time.Millisecond)
	err = r.Idle(short)
	cancelShort()
	if !errors.Is(err, context.DeadlineExceeded) {
		t.Errorf("Idle while a delivery is in its Work: %v, want it to wait (deadline exceeded)", err)
	}
	short, cancelShort = context.WithTimeout(ctx, 300*time.Millisecond)
	_, _, err = r.Next(short)
	cancelShort()
	if !errors.Is(err, context.DeadlineExceeded) {
		t.Errorf("Next while a delivery is in its Work: %v, want it to wait (deadline exceeded)", err)
	}
	select {
	case err := <-done:
		t.Fatalf("Idle returned (%v) while a delivery was in its Work", err)
	default:
	}

	close(s.release)
	if err := <-done; err != nil {
		t.Fatalf("Idle after the delivery: %v", err)
	}
	// The job taken for dead waits for its retry (a planned reminder may
	// come first).
	if next, ok, err := r.Next(bound); err != nil || !ok || next.After(clock.Now().Add(time.Hour)) {
		t.Errorf("Next after the delivery: %v %t %v, want at the latest %v", next, ok, err, clock.Now().Add(time.Hour))
	}
	s.mu.Lock()
	defer s.mu.Unlock()
	if want := []string{"lee: Bus 12 is late."}; !slices.Equal(s.sent, want) {
		t.Errorf("sent %q, want %q", s.sent, want)
	}
}

// TestWalkDowntimeOverDismissal: the duty-end check after downtime.
// Monday the bus-duty reminders, with the roll, went out at 15:00 and
// the bot went down at 15:20: back at 16:00, the students nobody handed
// off are escalated late, once. Tuesday the bot is down from 08:00 until
// 15:45, after bus duty: no roll went out, so nobody could log a handoff,
// and nobody is called unaccounted; the deadline and the summaries, still
// useful, go out late.
func TestWalkDowntimeOverDismissal(t *testing.T) {
	w := newWalker(t, time.Date(2026, 11, 23, 19, 55, 0, 0, time.UTC)) // Monday 14:55 EST
	mon, tue := "Mon Nov 23", "Tue Nov 24"
	w.to("2026-11-23 15:20")
	w.expect("Monday until 15:20",
		mon+" 14:55 EST rivera: Data-entry deadline 14:45 ("+mon+"): still missing", // late, at the start
		mon+" 15:00 EST lee: Reminder: "+busLoop+" today ("+mon+").",
		mon+" 15:00 EST okafor: Reminder: "+busLoop+" today ("+mon+").")
	w.stop()
	w.clock.Set(w.at("2026-11-23 16:00"))
	w.start()
	w.to("2026-11-23 23:00")
	late := func(para, paraName, student, code, way string) []string {
		msgs := unaccounted(mon, "EST", "15:30", "16:10", para, paraName, student, code, way, busLoop)
		msgs[0] = strings.Replace(msgs[0], " 15:30 EST ", " 16:00 EST ", 1) // sent at the restart
		return msgs
	}
	w.expect("Monday after the restart", slices.Concat(
		late("lee", "Jamie Lee", "Ava B. (S101)", "S101", "bus 12"),
		late("lee", "Jamie Lee", "Liam C. (S102)", "S102", "pickup"),
		late("lee", "Jamie Lee", "Aiden B. (S103)", "S103", "bus 7"),
		late("okafor", "Chris Okafor", "Noah W. (S105)", "S105", "bus 12"),
		summaryPosts(mon, "EST", "16:00"))...)

	w.to("2026-11-24 08:00")
	w.expect("Tuesday until 08:00")
	w.stop()
	w.clock.Set(w.at("2026-11-24 15:45"))
	w.start()
	w.to("2026-11-24 23:00")
	w.expect("Tuesday after the restart", append([]string{
		tue + " 15:45 EST rivera: Data-entry deadline 14:45 (" + tue + "): still missing",
	}, summaryPosts(tue, "EST", "15:45")...)...)
	if got := w.count("duty_end/stale"); got != 2 {
		t.Errorf("duty-end checks dropped %d, want 2 (Tuesday's two bus duties)", got)
	}
}

// TestWalkAbsentAfterTheRoll: the roll went out to Jamie Lee at 15:00,
// she was marked absent at 15:05 with nobody to cover, and the bot was
// down from 15:20 to 16:00. The late end-of-duty check still finds the
// roll sent (to her, not to whoever is on duty now) and escalates her
// students.
func TestWalkAbsentAfterTheRoll(t *testing.T) {
	w := newWalker(t, time.Date(2026, 11, 23, 19, 55, 0, 0, time.UTC)) // Monday 14:55 EST
	mon := "Mon Nov 23"
	w.to("2026-11-23 15:05")
	lee := w.staff("lee")
	w.absent(storage.Absence{SchoolID: lee.SchoolID, StaffID: lee.ID, From: "2026-11-23", To: "2026-11-23", ByStaffID: lee.ID, CreatedAt: w.at("2026-11-23 15:05")})
	w.to("2026-11-23 15:20")
	w.stop()
	w.clock.Set(w.at("2026-11-23 16:00"))
	w.start()
	w.to("2026-11-23 23:00")
	if got := w.count("duty_end/stale"); got != 0 {
		t.Errorf("duty-end checks dropped %d, want 0: both rolls went out", got)
	}
	for _, code := range []string{"S101", "S102", "S103", "S105"} {
		es, err := w.db.StudentEscalations(context.Background(), w.student(code).ID)
		if err != nil || len(es) != 1 || es[0].Kind != storage.EscalationUnaccounted {
			t.Errorf("%s on %s: escalations %+v, %v; want one unaccounted", code, mon, es, err)
		}
	}
}
