package scheduler_test

import (
	"context"
	"errors"
	"fmt"
	"io"
	"log/slog"
	"slices"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/riverqueue/river"
	"github.com/riverqueue/river/riverdriver/riverpgxv5"
	"github.com/riverqueue/river/riverdriver/riversqlite"
	"github.com/riverqueue/river/rivertype"

	"parabot/bot"
	"parabot/scheduler"
	"parabot/storage"
	"parabot/storage/postgres"
	"parabot/storage/sqlite"
	"parabot/storage/storagetest"
)

// recorder is a Sender that records what it was asked to send, failing
// the first calls with fail (when set).
type recorder struct {
	mu    sync.Mutex
	sent  []string // "dm:<user>:<text>" or "channel:<name>:<text>"
	keys  []string // scheduler.DeliveryKey of every call's context, failed ones too
	fail  []error
	calls int
}

func (r *recorder) next(ctx context.Context) error {
	r.calls++
	r.keys = append(r.keys, scheduler.DeliveryKey(ctx))
	if len(r.fail) > 0 {
		err := r.fail[0]
		r.fail = r.fail[1:]
		return err
	}
	return nil
}

func (r *recorder) SendDM(ctx context.Context, user string, rep bot.Reply) error {
	r.mu.Lock()
	defer r.mu.Unlock()
	if err := r.next(ctx); err != nil {
		return err
	}
	r.sent = append(r.sent, "dm:"+user+":"+rep.Text)
	return nil
}

func (r *recorder) PostChannel(ctx context.Context, ch string, rep bot.Reply) error {
	r.mu.Lock()
	defer r.mu.Unlock()
	if err := r.next(ctx); err != nil {
		return err
	}
	r.sent = append(r.sent, "channel:"+ch+":"+rep.Text)
	return nil
}

func (r *recorder) got() []string {
	r.mu.Lock()
	defer r.mu.Unlock()
	return append([]string(nil), r.sent...)
}

func (r *recorder) gotKeys() []string {
	r.mu.Lock()
	defer r.mu.Unlock()
	return append([]string(nil), r.keys...)
}

type wait time.Duration

func (w wait) Error() string             { return "slow down" }
func (w wait) RetryAfter() time.Duration { return time.Duration(w) }
func quiet() *slog.Logger                { return slog.New(slog.NewTextHandler(io.Discard, nil)) }
func setup(t *testing.T) (*sqlite.DB, map[storage.Platform]scheduler.Sender, *recorder, *recorder) {
	t.Helper()
	db := storagetest.OpenSQLite(t)
	if _, err := db.ImportRoster(context.Background(), storagetest.SampleRoster()); err != nil {
		t.Fatal(err)
	}
	shell, slack := &recorder{}, &recorder{}
	return db, map[storage.Platform]scheduler.Sender{storage.PlatformShell: shell}, shell, slack
}

// start starts the workers on a clock that runs from a Sunday before the
// sample school's year, so the planner, which runs at start, finds no
// reminder due (on the real clock it would send the day's late ones,
// depending on the hour).
func start(t *testing.T, db *sqlite.DB, senders map[storage.Platform]scheduler.Sender) scheduler.Runner {
	t.Helper()
	return startWith(t, db, scheduler.Config{Senders: senders})
}

// startFrom starts the workers on a clock that runs from from.
func startFrom(t *testing.T, db *sqlite.DB, senders map[storage.Platform]scheduler.Sender, from time.Time) scheduler.Runner {
	t.Helper()
	began := time.Now()
	return startWith(t, db, scheduler.Config{Senders: senders, Now: func() time.Time { return from.Add(time.Since(began)) }})
}

// startWith starts the workers with cfg on db, filling in what cfg
// leaves out: db as the store, the clock of start, a quiet log and a
// short poll. They are stopped when the test ends.
func startWith(t *testing.T, db *sqlite.DB, cfg scheduler.Config) scheduler.Runner {
	t.Helper()
	if cfg.Store == nil {
		cfg.Store = db
	}
	if cfg.Now == nil {
		from, began := time.Date(2026, 7, 5, 12, 0, 0, 0, time.UTC), time.Now()
		cfg.Now = func() time.Time { return from.Add(time.Since(began)) }
	}
	cfg.Log, cfg.PollInterval = quiet(), 20*time.Millisecond
	r, err := scheduler.Start(context.Background(), riversqlite.New(db.SQL()), cfg)
	if err != nil {
		t.Fatal(err)
	}
	stopAtEnd(t, r)
	return r
}

// stopAtEnd stops r when the test ends.
func stopAtEnd(t *testing.T, r scheduler.Runner) {
	t.Cleanup(func() {
		ctx, cancel := context.WithTimeout(context.Background(), 10*time.Second)
		defer cancel()
		r.Stop(ctx)
	})
}

func idle(t *testing.T, r scheduler.Runner) {
	t.Helper()
	ctx, cancel := context.WithTimeout(context.Background(), 10*time.Second)
	defer cancel()
	if err := r.Idle(ctx); err != nil {
		t.Fatalf("jobs did not finish: %v", err)
	}
}

func TestDeliverRoutesByIdentity(t *testing.T) {
	db, senders, shell, _ := setup(t)
	teacher := firstOfRole(t, db, storage.RoleTeacher)
	jobs := []storage.Job{
		scheduler.Deliver(bot.Message{StaffID: teacher.ID, Reply: bot.Reply{Text: "hello"}}, storage.PlatformShell),
		scheduler.Deliver(bot.Message{Channel: "room-12", Reply: bot.Reply{Text: "summary"}}, storage.PlatformShell),
	}
	if err := db.Enqueue(context.Background(), jobs); err != nil {
		t.Fatal(err)
	}
	r := start(t, db, senders)
	idle(t, r)
	got := shell.got()
	slices.Sort(got)
	if want := []string{"channel:room-12:summary", "dm:" + teacher.Handle + ":hello"}; !slices.Equal(got, want) {
		t.Errorf("sent %v, want %v", got, want)
	}
}

func firstOfRole(t *testing.T, db *sqlite.DB, role storage.Role) storage.Staff {
	t.Helper()
	schools, _ := db.Schools(context.Background())
	staff, err := db.ListStaff(context.Background(), schools[0].ID)
	if err != nil {
		t.Fatal(err)
	}
	for _, st := range staff {
		if st.Role == role {
			return st
		}
	}
	t.Fatalf("no %s in the sample roster", role)
	return storage.Staff{}
}

// attempts counts the runs of each job id of a test, as River does.
var (
	attemptsMu sync.Mutex
	attempts   = map[string]int{}
)

// jobCreated is when the jobs work runs were created.
var jobCreated = time.Date(2026, 9, 14, 13, 0, 0, 0, time.UTC)

// work runs the worker directly on a job, as River would: each run of
// one job id is its next attempt.
func work(t *testing.T, w *scheduler.DeliverWorker, id int64, args scheduler.DeliverArgs) error {
	t.Helper()
	attemptsMu.Lock()
	k := fmt.Sprintf("%s/%d", t.Name(), id)
	attempts[k]++
	n := attempts[k]
	attemptsMu.Unlock()
	return w.Work(context.Background(), &river.Job[scheduler.DeliverArgs]{JobRow: &rivertype.JobRow{ID: id, Attempt: n, CreatedAt: jobCreated}, Args: args})
}

func TestDeliverOncePerJob(t *testing.T) {
	db, senders, shell, _ := setup(t)
	teacher := firstOfRole(t, db, storage.RoleTeacher)
	w := &scheduler.DeliverWorker{Store: db, Senders: senders, Log: quiet(), Now: time.Now}
	args := scheduler.DeliverArgs{StaffID: teacher.ID, Reply: bot.Reply{Text: "once"}}
	for range 2 {
		if err := work(t, w, 41, args); err != nil {
			t.Fatal(err)
		}
	}
	if got := shell.got(); len(got) != 1 {
		t.Errorf("a job run twice sent %d messages, want 1: %v", len(got), got)
	}
}

func TestDeliverFailureIsRetried(t *testing.T) {
	db, senders, shell, _ := setup(t)
	teacher := firstOfRole(t, db, storage.RoleTeacher)
	shell.fail = []error{errors.New("connection reset")}
	w := &scheduler.DeliverWorker{Store: db, Senders: senders, Log: quiet(), Now: time.Now}
	args := scheduler.DeliverArgs{StaffID: teacher.ID, Reply: bot.Reply{Text: "retry me"}}
	if err := work(t, w, 7, args); err == nil {
		t.Fatal("a failed send must fail the job so River retries it")
	}
	if err := work(t, w, 7, args); err != nil {
		t.Fatalf("retry: %v", err)
	}
	if got := shell.got(); len(got) != 1 {
		t.Errorf("sent %v, want the message once after the retry", got)
	}
}

func TestDeliverHonoursRetryAfter(t *testing.T) {
	db, senders, shell, _ := setup(t)
	teacher := firstOfRole(t, db, storage.RoleTeacher)
	shell.fail = []error{wait(30 * time.Second)}
	w := &scheduler.DeliverWorker{Store: db, Senders: senders, Log: quiet(), Now: time.Now}
	err := work(t, w, 8, scheduler.DeliverArgs{StaffID: teacher.ID, Reply: bot.Reply{Text: "later"}})
	var snooze *river.JobSnoozeError
	if !errors.As(err, &snooze) || snooze.Duration != 30*time.Second {
		t.Fatalf("err = %v, want a 30s snooze", err)
	}
}

func TestDeliverPermanentFailureCancels(t *testing.T) {
	db, senders, shell, _ := setup(t)
	teacher := firstOfRole(t, db, storage.RoleTeacher)
	shell.fail = []error{&scheduler.Permanent{Err: errors.New("channel_not_found")}}
	w := &scheduler.DeliverWorker{Store: db, Senders: senders, Log: quiet(), Now: time.Now}
	err := work(t, w, 9, scheduler.DeliverArgs{StaffID: teacher.ID, Reply: bot.Reply{Text: "x"}})
	var cancel *river.JobCancelError
	if !errors.As(err, &cancel) {
		t.Fatalf("err = %v, want the job cancelled", err)
	}
}

// TestDeliverWaitsForAnUnconfiguredPlatform: a delivery that a platform
// not configured here could make is put off for PlatformWait, never
// cancelled: someone on Slack when only Discord is configured, anyone and
// any channel post when no platform is. Someone no platform knows is
// still cancelled when one is configured.
func TestDeliverWaitsForAnUnconfiguredPlatform(t *testing.T) {
	db, _, _, _ := setup(t)
	teacher := firstOfRole(t, db, storage.RoleTeacher)     // on Slack
	therapist := firstOfRole(t, db, storage.RoleTherapist) // on no chat platform
	discord := &recorder{}
	var counted []string
	w := &scheduler.DeliverWorker{Store: db, Log: quiet(), Now: time.Now, CountWaiting: func(p string) { counted = append(counted, p) }}
	for i, c := range []struct {
		senders map[storage.Platform]scheduler.Sender
		args    scheduler.DeliverArgs
		wait    bool
	}{
		{map[storage.Platform]scheduler.Sender{storage.PlatformDiscord: discord}, scheduler.DeliverArgs{StaffID: teacher.ID, Reply: bot.Reply{Text: "a"}}, true},
		{nil, scheduler.DeliverArgs{StaffID: teacher.ID, Reply: bot.Reply{Text: "b"}}, true},
		{nil, scheduler.DeliverArgs{StaffID: therapist.ID, Reply: bot.Reply{Text: "c"}}, true},
		{nil, scheduler.DeliverArgs{StaffID: teacher.ID, Channel: "room-12", Reply: bot.Reply{Text: "d"}}, true},
		{map[storage.Platform]scheduler.Sender{storage.PlatformDiscord: discord}, scheduler.DeliverArgs{StaffID: therapist.ID, Reply: bot.Reply{Text: "e"}}, false},
	} {
		w.Senders = c.senders
		err := work(t, w, int64(70+i), c.args)
		var snooze *river.JobSnoozeError
		var cancel *river.JobCancelError
		switch {
		case c.wait && (!errors.As(err, &snooze) || snooze.Duration != scheduler.PlatformWait):
			t.Errorf("%s: err = %v, want put off for %s", c.args.Reply.Text, err, scheduler.PlatformWait)
		case !c.wait && !errors.As(err, &cancel):
			t.Errorf("%s: err = %v, want cancelled", c.args.Reply.Text, err)
		}
	}
	if got := discord.got(); len(got) != 0 {
		t.Errorf("Discord was asked to send %v", got)
	}
	if want := []string{"slack", "slack", "any", "any"}; !slices.Equal(counted, want) {
		t.Errorf("counted waiting for %v, want %v", counted, want)
	}
}

// TestWaitingDeliveryReleasedAtStart runs a delivery to a teacher on
// Slack on workers with Discord only: it waits, marked with the platform,
// and workers that have Slack deliver it as soon as they start, not at
// the end of its wait. On both engines (the mark is read with SQL).
func TestWaitingDeliveryReleasedAtStart(t *testing.T) {
	for _, engine := range []string{"sqlite", "postgres"} {
		t.Run(engine, func(t *testing.T) {
			var store storage.Store
			var startOn func(cfg scheduler.Config) (scheduler.Runner, error)
			if engine == "sqlite" {
				db := storagetest.OpenSQLite(t)
				store = db
				startOn = func(cfg scheduler.Config) (scheduler.Runner, error) {
					return scheduler.Start(context.Background(), riversqlite.New(db.SQL()), cfg)
				}
			} else {
				db := storagetest.OpenPostgres(t)
				store = db
				startOn = func(cfg scheduler.Config) (scheduler.Runner, error) {
					return scheduler.Start(context.Background(), riverpgxv5.New(db.Pool()), cfg)
				}
			}
			ctx := context.Background()
			if _, err := store.ImportRoster(ctx, storagetest.SampleRoster()); err != nil {
				t.Fatal(err)
			}
			schools, _ := store.Schools(ctx)
			staff, _ := store.ListStaff(ctx, schools[0].ID)
			var teacher storage.Staff
			for _, st := range staff {
				if st.Role == storage.RoleTeacher {
					teacher = st
				}
			}
			if err := store.Enqueue(ctx, []storage.Job{scheduler.Deliver(bot.Message{StaffID: teacher.ID, Reply: bot.Reply{Text: "queued"}}, "")}); err != nil {
				t.Fatal(err)
			}
			from, began := time.Date(2026, 7, 5, 12, 0, 0, 0, time.UTC), time.Now()
			run := func(senders map[storage.Platform]scheduler.Sender) scheduler.Runner {
				r, err := startOn(scheduler.Config{Store: store, Senders: senders, Log: quiet(), PollInterval: 20 * time.Millisecond,
					Now: func() time.Time { return from.Add(time.Since(began)) }})
				if err != nil {
					t.Fatal(err)
				}
				stopAtEnd(t, r)
				return r
			}
			discord, slack := &recorder{}, &recorder{}
			first := run(map[storage.Platform]scheduler.Sender{storage.PlatformDiscord: discord})
			idle(t, first)
			stop(t, first)
			if n := waitingDeliveries(t, store); n != 1 {
				t.Fatalf("%d deliveries wait for slack after a run with Discord only, want 1", n)
			}
			second := run(map[storage.Platform]scheduler.Sender{storage.PlatformSlack: slack})
			deadline := time.Now().Add(10 * time.Second)
			for len(slack.got()) == 0 && time.Now().Before(deadline) {
				time.Sleep(20 * time.Millisecond)
			}
			idle(t, second)
			if got, want := slack.got(), []string{"dm:U0TLOPEZ:queued"}; !slices.Equal(got, want) {
				t.Errorf("Slack sent %v, want %v at start", got, want)
			}
			if got := discord.got(); len(got) != 0 {
				t.Errorf("Discord sent %v", got)
			}
		})
	}
}

// stop stops r within 10 seconds.
func stop(t *testing.T, r scheduler.Runner) {
	t.Helper()
	ctx, cancel := context.WithTimeout(context.Background(), 10*time.Second)
	defer cancel()
	if err := r.Stop(ctx); err != nil {
		t.Fatal(err)
	}
}

// waitingDeliveries counts the delivery jobs scheduled to wait for slack.
func waitingDeliveries(t *testing.T, store storage.Store) int {
	t.Helper()
	q := `SELECT count(*) FROM river_job WHERE kind = 'deliver' AND state = 'scheduled' AND metadata->>'` + scheduler.WaitsFor + `' = 'slack'`
	var n int
	var err error
	switch db := store.(type) {
	case *sqlite.DB:
		err = db.SQL().QueryRow(q).Scan(&n)
	case *postgres.DB:
		err = db.Pool().QueryRow(context.Background(), q).Scan(&n)
	}
	if err != nil {
		t.Fatal(err)
	}
	return n
}

func TestDeliverPrefersThePlatformOfOrigin(t *testing.T) {
	db, senders, shell, slack := setup(t)
	senders[storage.PlatformSlack] = slack
	teacher := firstOfRole(t, db, storage.RoleTeacher)
	ids, err := db.Identities(context.Background(), teacher.ID)
	if err != nil {
		t.Fatal(err)
	}
	slackID := ""
	for _, id := range ids {
		if id.Platform == storage.PlatformSlack {
			slackID = id.UserID
		}
	}
	if slackID == "" {
		t.Fatal("the sample teacher has no Slack id")
	}
	w := &scheduler.DeliverWorker{Store: db, Senders: senders, Log: quiet(), Now: time.Now}
	if err := work(t, w, 11, scheduler.DeliverArgs{StaffID: teacher.ID, Prefer: storage.PlatformShell, Reply: bot.Reply{Text: "a"}}); err != nil {
		t.Fatal(err)
	}
	if err := work(t, w, 12, scheduler.DeliverArgs{StaffID: teacher.ID, Prefer: storage.PlatformDiscord, Reply: bot.Reply{Text: "b"}}); err != nil {
		t.Fatal(err)
	}
	if s, sl := shell.got(), slack.got(); len(s) != 1 || len(sl) != 1 || sl[0] != "dm:"+slackID+":b" {
		t.Errorf("shell got %v, slack got %v; want a on the shell (preferred) and b on Slack (no Discord identity)", s, sl)
	}
}

func TestDeliverPassesItsKeyToTheSender(t *testing.T) {
	db, senders, shell, _ := setup(t)
	teacher := firstOfRole(t, db, storage.RoleTeacher)
	shell.fail = []error{errors.New("connection reset")}
	w := &scheduler.DeliverWorker{Store: db, Senders: senders, Log: quiet(), Now: time.Now}
	dm := scheduler.DeliverArgs{StaffID: teacher.ID, Reply: bot.Reply{Text: "same text"}}
	if err := work(t, w, 51, dm); err == nil {
		t.Fatal("a failed send must fail the job so River retries it")
	}
	if err := work(t, w, 51, dm); err != nil {
		t.Fatalf("retry: %v", err)
	}
	if err := work(t, w, 52, dm); err != nil {
		t.Fatal(err)
	}
	if err := work(t, w, 53, scheduler.DeliverArgs{Channel: "room-12", Reply: bot.Reply{Text: "same text"}}); err != nil {
		t.Fatal(err)
	}
	k := func(id int64) string { return scheduler.JobKey(id, jobCreated) }
	want := []string{k(51), k(51), k(52), k(53)}
	if got := shell.gotKeys(); strings.Join(got, " ") != strings.Join(want, " ") {
		t.Errorf("senders saw delivery keys %q, want %q: one per job, the same on a retry", got, want)
	}
}

func TestDeliveryKey(t *testing.T) {
	ctx := context.Background()
	if got := scheduler.DeliveryKey(ctx); got != "" {
		t.Errorf("DeliveryKey of a plain context = %q, want empty", got)
	}
	ctx = scheduler.WithDeliveryKey(ctx, "job:7")
	if got := scheduler.DeliveryKey(context.WithoutCancel(ctx)); got != "job:7" {
		t.Errorf("DeliveryKey = %q, want job:7", got)
	}
	if got := scheduler.DeliveryKey(scheduler.WithDeliveryKey(ctx, "job:8")); got != "job:8" {
		t.Errorf("DeliveryKey after a second WithDeliveryKey = %q, want job:8", got)
	}
}

// finder is a Sender that also finds users by email.
type finder struct {
	recorder
	users map[string]string
}

func (f *finder) UserByEmail(ctx context.Context, email string) (string, error) {
	if id, ok := f.users[email]; ok {
		return id, nil
	}
	return "", scheduler.ErrNoSuchUser
}

func TestDeliverFindsUnlinkedStaffByEmail(t *testing.T) {
	db, _, _, _ := setup(t)
	ctx := context.Background()
	admin := firstOfRole(t, db, storage.RoleAdmin)
	ids, _ := db.Identities(ctx, admin.ID)
	for _, id := range ids {
		if id.Platform == storage.PlatformSlack {
			t.Fatalf("the sample admin should have no Slack id; has %s", id.UserID)
		}
	}
	slack := &finder{users: map[string]string{admin.Email: "U0ADMIN"}}
	w := &scheduler.DeliverWorker{Store: db, Senders: map[storage.Platform]scheduler.Sender{storage.PlatformSlack: slack}, Log: quiet(), Now: time.Now}
	if err := work(t, w, 60, scheduler.DeliverArgs{StaffID: admin.ID, Reply: bot.Reply{Text: "severe"}}); err != nil {
		t.Fatal(err)
	}
	if got := slack.got(); len(got) != 1 || got[0] != "dm:U0ADMIN:severe" {
		t.Errorf("sent %v", got)
	}
	if st, err := db.StaffByIdentity(ctx, storage.PlatformSlack, "U0ADMIN"); err != nil || st.ID != admin.ID {
		t.Errorf("the admin should now be linked: %v %v", st, err)
	}
	// Someone Slack does not know is still not deliverable: cancelled.
	slack.users = nil
	teacherless := firstOfRole(t, db, storage.RoleTherapist)
	var cancel *river.JobCancelError
	if err := work(t, w, 61, scheduler.DeliverArgs{StaffID: teacherless.ID}); !errors.As(err, &cancel) {
		t.Errorf("unknown by email: err = %v, want cancelled", err)
	}
}

// TestDeliverReusedJobIDStillSends: SQLite gives the id of a cleaned job
// to a new one. The new job's retry must not take the old job's recorded
// delivery for its own.
func TestDeliverReusedJobIDStillSends(t *testing.T) {
	db, senders, shell, _ := setup(t)
	teacher := firstOfRole(t, db, storage.RoleTeacher)
	w := &scheduler.DeliverWorker{Store: db, Senders: senders, Log: quiet(), Now: time.Now}
	run := func(created time.Time, attempt int, text string) error {
		return w.Work(context.Background(), &river.Job[scheduler.DeliverArgs]{
			JobRow: &rivertype.JobRow{ID: 61, Attempt: attempt, CreatedAt: created},
			Args:   scheduler.DeliverArgs{StaffID: teacher.ID, Reply: bot.Reply{Text: text}}})
	}
	monday := time.Date(2026, 9, 14, 13, 0, 0, 0, time.UTC)
	if err := run(monday, 1, "Monday's message"); err != nil {
		t.Fatal(err)
	}
	// Thursday, the job of id 61 cleaned long since, a new job gets the
	// id; its first attempt fails, its retry looks up what it sent.
	thursday := monday.AddDate(0, 0, 3)
	shell.fail = []error{errors.New("connection reset")}
	if err := run(thursday, 1, "Thursday's message"); err == nil {
		t.Fatal("a failed send must fail the job")
	}
	if err := run(thursday, 2, "Thursday's message"); err != nil {
		t.Fatal(err)
	}
	want := []string{"dm:" + teacher.Handle + ":Monday's message", "dm:" + teacher.Handle + ":Thursday's message"}
	if got := shell.got(); !slices.Equal(got, want) {
		t.Errorf("sent %q, want %q: the new job's message is not the old one's", got, want)
	}
}

// stuck is a Sender whose sends never return, whatever their context
// says (a call blocked on something that ignores cancellation).
type stuck struct{ began chan struct{} }

func (s *stuck) SendDM(ctx context.Context, user string, rep bot.Reply) error {
	s.began <- struct{}{}
	select {}
}

func (s *stuck) PostChannel(ctx context.Context, ch string, rep bot.Reply) error {
	return s.SendDM(ctx, ch, rep)
}

// TestStopKeepsItsDeadline: a job that does not stop when cancelled holds
// Stop for at most StopGrace past its context's deadline.
func TestStopKeepsItsDeadline(t *testing.T) {
	db, _, _, _ := setup(t)
	teacher := firstOfRole(t, db, storage.RoleTeacher)
	s := &stuck{began: make(chan struct{}, 1)}
	r, err := scheduler.Start(context.Background(), riversqlite.New(db.SQL()), scheduler.Config{Store: db,
		Senders: map[storage.Platform]scheduler.Sender{storage.PlatformShell: s}, Log: quiet(), Now: time.Now, PollInterval: 20 * time.Millisecond})
	if err != nil {
		t.Fatal(err)
	}
	if err := db.Enqueue(context.Background(), []storage.Job{scheduler.Deliver(bot.Message{StaffID: teacher.ID, Reply: bot.Reply{Text: "x"}}, "")}); err != nil {
		t.Fatal(err)
	}
	select {
	case <-s.began:
	case <-time.After(10 * time.Second):
		t.Fatal("the delivery did not start")
	}
	ctx, cancel := context.WithTimeout(context.Background(), 300*time.Millisecond)
	defer cancel()
	began := time.Now()
	if err := r.Stop(ctx); err == nil {
		t.Error("Stop with a job still running at the deadline returned no error")
	}
	if took, most := time.Since(began), 300*time.Millisecond+scheduler.StopGrace+500*time.Millisecond; took > most {
		t.Errorf("Stop took %s, want at most %s", took.Round(10*time.Millisecond), most)
	}
}
