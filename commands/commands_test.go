package commands_test

import (
	"context"
	"errors"
	"io"
	"log/slog"
	"strconv"
	"strings"
	"testing"
	"time"

	"parabot/bot"
	"parabot/commands"
	"parabot/roster"
	"parabot/storage"
	"parabot/storage/sqlite"
	"parabot/storage/storagetest"
)

// school is the demo school on a real SQLite store, with a fixed clock:
// Tuesday 2026-11-24 10:00 in the school's zone.
type school struct {
	t      *testing.T
	db     *sqlite.DB
	router *bot.Router
	now    time.Time
}

func newSchool(t *testing.T) *school {
	t.Helper()
	db := storagetest.OpenSQLite(t)
	if _, err := roster.Import(context.Background(), db, roster.Demo()); err != nil {
		t.Fatalf("importing the demo roster: %v", err)
	}
	loc, err := time.LoadLocation("America/New_York")
	if err != nil {
		t.Fatal(err)
	}
	s := &school{t: t, db: db, now: time.Date(2026, 11, 24, 10, 0, 0, 0, loc)}
	log := slog.New(slog.NewTextHandler(io.Discard, nil))
	s.router = bot.NewRouter(db, log, func() time.Time { return s.now }, commands.All(commands.Deps{Store: db, Log: log}))
	s.router.SetCovering(commands.Covering(db))
	return s
}

// do runs a command line ("/trial S101 G1 + +") as the user with that
// shell handle.
func (s *school) do(user, line string) bot.Reply {
	s.t.Helper()
	name, text, _ := strings.Cut(strings.TrimPrefix(line, "/"), " ")
	return s.router.Handle(context.Background(), bot.Request{Platform: storage.PlatformShell, UserID: user, Command: name, Text: text})
}

func (s *school) staff(handle string) storage.Staff {
	s.t.Helper()
	st, err := s.db.StaffByIdentity(context.Background(), storage.PlatformShell, handle)
	if err != nil {
		s.t.Fatalf("staff %s: %v", handle, err)
	}
	return st
}

// jobs counts River jobs of any state.
func (s *school) jobs() int {
	s.t.Helper()
	var n int
	if err := s.db.SQL().QueryRow("SELECT count(*) FROM river_job").Scan(&n); err != nil {
		s.t.Fatalf("counting jobs: %v", err)
	}
	return n
}

// nothingStored fails unless no entry, audit row or job exists.
func (s *school) nothingStored() {
	s.t.Helper()
	ctx := context.Background()
	for _, h := range []string{"lee", "okafor", "rivera", "patel", "nguyen"} {
		if e, err := s.db.LastEntry(ctx, s.staff(h).ID); !errors.Is(err, storage.ErrNotFound) {
			s.t.Errorf("%s has an entry %+v (err %v); nothing should be stored", h, e, err)
		}
	}
	if a, err := s.db.Audit(ctx, 0); err != nil || len(a) != 0 {
		s.t.Errorf("audit rows %v (err %v); want none", a, err)
	}
	if n := s.jobs(); n != 0 {
		s.t.Errorf("%d jobs; want none", n)
	}
}

func TestTrialLogsAndConfirms(t *testing.T) {
	s := newSchool(t)
	r := s.do("lee", "/trial S101 G1 + + v - +")
	if r.IsError {
		t.Fatalf("trial refused: %s", r.Text)
	}
	want := "Logged for Ava B. (S101) — G1 request a preferred item or activity: 5 trials, 4 correct, 3 independent (prompted: 1 verbal)."
	if r.Text != want {
		t.Errorf("reply %q\nwant     %q", r.Text, want)
	}
	if len(r.Buttons) != 1 || r.Buttons[0].Action != "undo" || !r.Private {
		t.Errorf("reply should be private with an Undo button: %+v", r)
	}
	ctx := context.Background()
	st, _ := s.db.Caseload(ctx, s.staff("lee").ID)
	trials, err := s.db.Trials(ctx, storage.Filter{StudentID: st[0].ID})
	if err != nil || len(trials) != 5 {
		t.Fatalf("trials stored: %d, %v", len(trials), err)
	}
	if trials[2].Outcome != storage.Correct || trials[2].Prompt != storage.Verbal || trials[3].Outcome != storage.Incorrect {
		t.Errorf("stored trials %+v", trials)
	}
	if !trials[0].At.Equal(s.now) {
		t.Errorf("trial time %v, want now %v", trials[0].At, s.now)
	}
	audit, _ := s.db.Audit(ctx, st[0].ID)
	if len(audit) != 1 || audit[0].Action != "create" || audit[0].StaffID != s.staff("lee").ID {
		t.Errorf("audit %+v", audit)
	}
}

func TestTrialBackdatedByFirstName(t *testing.T) {
	s := newSchool(t)
	r := s.do("lee", "/trial Liam 2 +,+g,0 at=9:15")
	if r.IsError || !strings.Contains(r.Text, "Liam C. (S102) — G2 take turns and wait: 3 trials at 09:15, 2 correct, 1 independent (prompted: 1 gestural), 1 no response.") {
		t.Errorf("reply %q", r.Text)
	}
}

func TestIncident(t *testing.T) {
	s := newSchool(t)
	r := s.do("okafor", "/incident S104 threw a pencil at a peer antecedent=asked to start math consequence=break in calm corner severity=2 duration=4m setting=classroom strategies=break, first-then others=S105 at=-20m")
	if r.IsError {
		t.Fatalf("refused: %s", r.Text)
	}
	if want := "Logged incident for Sofia M. (S104) at 09:40: severity 2, 4m, classroom."; r.Text != want {
		t.Errorf("reply %q, want %q", r.Text, want)
	}
	ctx := context.Background()
	st, _ := s.db.Caseload(ctx, s.staff("okafor").ID)
	ins, err := s.db.Incidents(ctx, storage.Filter{StudentID: st[0].ID})
	if err != nil || len(ins) != 1 {
		t.Fatalf("incidents %v %v", ins, err)
	}
	in := ins[0]
	if in.Antecedent != "asked to start math" || in.Behavior != "threw a pencil at a peer" || in.Consequence != "break in calm corner" ||
		in.Duration != 4*time.Minute || len(in.Strategies) != 2 || len(in.Others) != 1 || in.Others[0] != "S105" || in.Severe() {
		t.Errorf("stored %+v", in)
	}
	if s.jobs() != 0 {
		t.Error("a mild incident should send nothing")
	}
}

func TestSevereIncidentAlertsTeacherAndAdmin(t *testing.T) {
	s := newSchool(t)
	r := s.do("lee", "/incident S101 hit staff a=transition c=walked with staff sev=3 restraint=yes")
	if r.IsError {
		t.Fatalf("refused: %s", r.Text)
	}
	if !strings.Contains(r.Context, "2 direct messages are being sent to the teacher and admin now") {
		t.Errorf("context %q", r.Context)
	}
	if n := s.jobs(); n != 6 {
		t.Errorf("%d jobs, want 6 (DMs to teacher and admin, the escalation's first step, the parent notice's reminder and two deadline checks)", n)
	}
	if !strings.Contains(r.Text, "\nParent notice (incident 1) is Maria Rivera's task: oral by Wed Nov 25 10:00, written by Tue Dec 1 15:10.") {
		t.Errorf("reply %q does not give the parent notice's deadlines", r.Text)
	}
	if !strings.Contains(r.Text, "\nEscalation #1: Sent to Maria Rivera. If nobody acknowledges within 10m, it goes to level 2 (admin).") {
		t.Errorf("reply %q does not say the escalation opened", r.Text)
	}
}

// TestIncidentEscalatesAtThreshold: severity 4 (the default threshold)
// opens a non-urgent escalation; severity 3 without restraint, seclusion
// or injury does not.
func TestIncidentEscalatesAtThreshold(t *testing.T) {
	s := newSchool(t)
	r := s.do("lee", "/incident S101 threw a chair a=asked to clean up c=break sev=4")
	if r.IsError || !strings.Contains(r.Text, "\nEscalation #1: Sent to Maria Rivera. If nobody acknowledges within 30m, it goes to level 2 (admin).") {
		t.Fatalf("severity 4: %q", r.Text)
	}
	e, err := s.db.Escalation(context.Background(), 1)
	if err != nil || e.Kind != storage.EscalationIncident || e.IncidentID == 0 || e.Urgent || e.Severity != 4 {
		t.Errorf("escalation %+v, %v", e, err)
	}
	r = s.do("lee", "/incident S101 threw a pencil a=asked to start math c=break sev=3")
	if r.IsError || strings.Contains(r.Text, "Escalation") {
		t.Errorf("severity 3: %q", r.Text)
	}
}

func TestTransitionNeedsHandoffForBus(t *testing.T) {
	s := newSchool(t)
	r := s.do("lee", "/transition S101 class bus prompt=v")
	if !r.IsError || r.Param != "handoff" || !strings.Contains(r.Text, "needs the handoff") {
		t.Fatalf("reply %+v", r)
	}
	s.nothingStored()
	r = s.do("lee", "/transition S101 class bus prompt=v latency=30s handoff=driver Mr. Diaz, bus 12")
	if r.IsError {
		t.Fatalf("refused: %s", r.Text)
	}
	if want := "Logged transition for Ava B. (S101): class → bus, verbal, latency 30s, released to driver Mr. Diaz, bus 12."; r.Text != want {
		t.Errorf("reply %q\nwant     %q", r.Text, want)
	}
}

func TestNoteQueuesTheTeachersDM(t *testing.T) {
	s := newSchool(t)
	r := s.do("lee", "/note S102 Finished all his math today!")
	if r.IsError || r.Text != "Note about Liam C. (S102) sent to Maria Rivera." {
		t.Fatalf("reply %q", r.Text)
	}
	if n := s.jobs(); n != 1 {
		t.Errorf("%d jobs, want the one DM", n)
	}
	var args string
	if err := s.db.SQL().QueryRow("SELECT json(args) FROM river_job").Scan(&args); err != nil {
		t.Fatal(err)
	}
	if !strings.Contains(args, "Finished all his math today!") || !strings.Contains(args, `"staff_id":`+strconv.FormatInt(s.staff("rivera").ID, 10)) {
		t.Errorf("job args %s", args)
	}
}

func TestUndo(t *testing.T) {
	s := newSchool(t)
	if r := s.do("lee", "/undo"); !r.IsError || r.Text != "You have nothing to undo." {
		t.Errorf("undo with nothing: %+v", r)
	}
	first := s.do("lee", "/trial S101 G1 + +")
	s.do("lee", "/trial S101 G2 -")
	r := s.do("lee", "/undo wrong goal")
	if r.IsError || !strings.HasPrefix(r.Text, "Undone: Logged 1 trial for A.B. (S101) G2") {
		t.Fatalf("undo: %+v", r)
	}
	ctx := context.Background()
	cl, _ := s.db.Caseload(ctx, s.staff("lee").ID)
	active, _ := s.db.Trials(ctx, storage.Filter{StudentID: cl[0].ID})
	all, _ := s.db.Trials(ctx, storage.Filter{StudentID: cl[0].ID, IncludeInactive: true})
	if len(active) != 2 || len(all) != 3 {
		t.Errorf("active %d, all %d; want 2 and 3 (undone rows are kept)", len(active), len(all))
	}
	// Someone else cannot press lee's Undo button.
	press := func(user string) bot.Reply {
		return s.router.HandlePress(ctx, bot.Press{Platform: storage.PlatformShell, UserID: user, Action: first.Buttons[0].Action, Value: first.Buttons[0].Value})
	}
	if r := press("okafor"); !r.IsError || !strings.Contains(r.Text, "Only the person who logged") {
		t.Errorf("okafor pressing lee's undo: %+v", r)
	}
	if r := press("lee"); r.IsError {
		t.Errorf("lee pressing undo: %+v", r)
	}
	if r := press("lee"); !r.IsError || !strings.Contains(r.Text, "already undone") {
		t.Errorf("second press: %+v", r)
	}
	e, _ := s.db.Entry(ctx, mustID(t, first.Buttons[0].Value))
	if e.Active || e.DeactivatedBy != s.staff("lee").ID || e.DeactivatedReason == "" {
		t.Errorf("entry after undo %+v", e)
	}
}

func mustID(t *testing.T, s string) int64 {
	t.Helper()
	n, err := strconv.ParseInt(s, 10, 64)
	if err != nil {
		t.Fatalf("bad id %q", s)
	}
	return n
}

func TestHelp(t *testing.T) {
	s := newSchool(t)
	r := s.do("lee", "/help")
	for _, c := range []string{"/trial", "/incident", "/transition", "/note", "/undo", "/help"} {
		if !strings.Contains(r.Text, c+" — ") {
			t.Errorf("/help lacks %s:\n%s", c, r.Text)
		}
	}
	r = s.do("rivera", "/help")
	if strings.Contains(r.Text, "/note — ") {
		t.Errorf("a teacher's /help lists /note, which teachers cannot run:\n%s", r.Text)
	}
	r = s.do("lee", "/help trial")
	if !strings.Contains(r.Text, "Usage: /trial <student> <goal> <trials> [at=<time>]") || !strings.Contains(r.Text, "/trial S101 G2 + + v - +") {
		t.Errorf("/help trial:\n%s", r.Text)
	}
	for _, want := range []string{"Trial codes: + correct independent, - incorrect, 0 no response, C correct, independent, I correct, independent, G correct with a gestural prompt, GP correct with a gestural prompt, V correct with a verbal prompt, VP correct", "NR no response", "3/5 is 3 correct of 5"} {
		if !strings.Contains(r.Text, want) {
			t.Errorf("/help trial lacks %q:\n%s", want, r.Text)
		}
	}
	if r := s.do("lee", "/help dance"); !r.IsError || !strings.Contains(r.Text, "There is no /dance") {
		t.Errorf("/help dance: %+v", r)
	}
}

// TestBadInputStoresNothing checks each bad input gets its message and
// leaves no entry, audit row or job behind.
func TestBadInputStoresNothing(t *testing.T) {
	for _, tc := range []struct {
		name, user, line, param, want string
	}{
		{"unknown student", "lee", "/trial Quinn G1 +", "student", `No student on your caseload matches "Quinn". Your students: Ava B. (S101), Liam C. (S102), Aiden B. (S103).`},
		{"ambiguous initials", "lee", "/trial AB G1 +", "student", `"AB" matches 2 students: Ava B. (S101), Aiden B. (S103). Choose one or use the code.`},
		{"outside caseload", "lee", "/trial S104 G1 +", "student", `"S104" is not on your caseload. Your students: Ava B. (S101), Liam C. (S102), Aiden B. (S103).`},
		{"unknown goal", "lee", "/trial S101 G7 +", "goal", `Goal "G7" not found for Ava B. (S101) — their goals are G1, G2, G3.`},
		{"bad outcome code", "lee", "/trial S101 G1 + y", "trials", `"y" is not a trial code`},
		{"bad prompt", "lee", "/transition S101 class gym prompt=loud", "prompt", `"loud" is not a prompt level`},
		{"missing trials", "lee", "/trial S101 G1", "trials", "Missing trials"},
		{"missing ABC", "lee", "/incident S101 hit a peer severity=2", "antecedent", "Missing antecedent"},
		{"future time", "lee", "/trial S101 G1 + at=11:30", "at", "is in the future"},
		{"before the school year", "lee", "/trial S101 G1 + at=2026-08-20 09:00", "at", "before the school year began (2026-08-31)"},
		{"100 KB note", "lee", "/note S101 " + strings.Repeat("x", 100<<10), "text", "That is too long (102405 characters); the text may be at most 2000 characters."},
		{"far-future time", "lee", "/trial S101 G1 + at=2027-03-04 09:00", "at", "Thu 2027-03-04 09:00 is in the future; log what already happened (it is Tue 2026-11-24 10:00 now)."},
		{"too long", "lee", "/note S101 " + strings.Repeat("x", 2001), "text", "The text is 2001 characters; the limit is 2000."},
		{"severity out of range", "lee", "/incident S101 hit a=x c=y severity=7", "severity", "from 1 to 5"},
		{"other student by name", "lee", "/incident S101 hit a=x c=y severity=2 others=Liam", "others", "by code only"},
		{"role not allowed", "rivera", "/note S101 hello", "", "/note is for paras and therapists; you are on the roster as a teacher."},
		{"admin cannot log trials", "patel", "/trial S101 G1 +", "", "/trial is for paras, teachers and therapists"},
		{"unknown command", "lee", "/dance S101", "", "There is no /dance."},
		{"not on the roster", "stranger", "/trial S101 G1 +", "", "You are not on parabot's roster yet, so I can't log anything for you. Ask an administrator (Dr. Anil Patel) to add you."},
	} {
		t.Run(tc.name, func(t *testing.T) {
			s := newSchool(t)
			r := s.do(tc.user, tc.line)
			if !r.IsError || !strings.Contains(r.Text, tc.want) {
				t.Errorf("reply %q\nwant it to contain %q", r.Text, tc.want)
			}
			if r.Param != tc.param {
				t.Errorf("param %q, want %q", r.Param, tc.param)
			}
			if !r.Private {
				t.Error("errors must be private")
			}
			s.nothingStored()
		})
	}
}

func TestToday(t *testing.T) {
	s := newSchool(t)
	r := s.do("lee", "/today")
	if r.IsError || !strings.HasPrefix(r.Text, "Tuesday, 2026-11-24.") ||
		!strings.Contains(r.Text, "Data still due today (3 students have goals that need trials):\n  Ava B. (S101) — G1 request a preferred item or activity: 0 of 5 trials; G2 stay in her assigned spot: 0 of 2 trials\n") { // G3 of S101 is due on mon,wed,fri
		t.Fatalf("/today on a school day:\n%s", r.Text)
	}
	// A goal is due until its day has the trials its mastery criterion
	// needs (G1: 5, G2: 2), not after the first trial.
	s.do("lee", "/trial S101 G1 + +")
	s.do("lee", "/trial S101 G2 -")
	if r := s.do("lee", "/today"); !strings.Contains(r.Text, "Ava B. (S101) — G1 request a preferred item or activity: 2 of 5 trials; G2 stay in her assigned spot: 1 of 2 trials\n") {
		t.Errorf("after 2 trials of G1 and 1 of G2:\n%s", r.Text)
	}
	s.do("lee", "/trial S101 G2 +")
	s.do("lee", "/trial S101 G1 3/3")
	if r := s.do("lee", "/today"); strings.Contains(r.Text, "(S101) —") || !strings.Contains(r.Text, "(2 students have goals that need trials)") {
		t.Errorf("after G1 and G2 have what they need, S101 owes nothing today:\n%s", r.Text)
	}
	s.do("lee", "/undo")
	if r := s.do("lee", "/today"); !strings.Contains(r.Text, "Ava B. (S101) — G1 request a preferred item or activity: 2 of 5 trials\n") {
		t.Errorf("an undone batch does not count:\n%s", r.Text)
	}
	r = s.do("lee", "/today aiden")
	if !strings.Contains(r.Text, "Data still due today (1 student has goals that need trials):\n  Aiden B. (S103) — G1 add and subtract two-digit numbers: 0 of 10 trials") || strings.Contains(r.Text, "Ava") {
		t.Errorf("/today aiden:\n%s", r.Text)
	}
	// The day before Thanksgiving is an early release: bus duty moves with dismissal.
	s.now = s.now.AddDate(0, 0, 1)
	r = s.do("lee", "/today")
	if !strings.Contains(r.Text, "dismissal at 12:30") || !strings.Contains(r.Text, "bus 12:30–") || strings.Contains(r.Text, "bus 15:10") {
		t.Errorf("/today on early release:\n%s", r.Text)
	}
	s.now = s.now.AddDate(0, 0, 1)
	if r := s.do("lee", "/today"); !strings.HasPrefix(r.Text, "No school today: holiday") {
		t.Errorf("/today on Thanksgiving:\n%s", r.Text)
	}
	s.now = s.now.AddDate(0, 0, 2)
	if r := s.do("lee", "/today"); r.Text != "No school today: weekend." {
		t.Errorf("/today on Saturday: %q", r.Text)
	}
}

func TestUndoTellsWhoWasSentIt(t *testing.T) {
	s := newSchool(t)
	s.do("lee", "/note S102 Finished all his math today!")
	r := s.do("lee", "/undo wrong student")
	if r.IsError || !strings.Contains(r.Context, "1 person who was sent it is told") {
		t.Fatalf("undo of a note: %+v", r)
	}
	var args string
	if err := s.db.SQL().QueryRow("SELECT json(args) FROM river_job ORDER BY id DESC LIMIT 1").Scan(&args); err != nil {
		t.Fatal(err)
	}
	if !strings.Contains(args, "Jamie Lee took back an entry about Liam C. (S102)") || !strings.Contains(args, "Reason: wrong student") ||
		!strings.Contains(args, `"staff_id":`+strconv.FormatInt(s.staff("rivera").ID, 10)) {
		t.Errorf("retraction job %s", args)
	}
	s.do("lee", "/incident S101 bit his hand a=fire drill c=calm room sev=5")
	before := s.jobs()
	if r := s.do("lee", "/undo"); !strings.Contains(r.Context, "2 people who were sent it are told") || s.jobs()-before != 2 {
		t.Errorf("undo of a severe incident: %+v, %d new jobs", r, s.jobs()-before)
	}
	s.do("lee", "/trial S101 G1 +")
	before = s.jobs()
	if r := s.do("lee", "/undo"); r.IsError || r.Context != "" || s.jobs() != before {
		t.Errorf("undo of trials sends nothing: %+v", r)
	}
}

func TestIsReleaseMatchesWords(t *testing.T) {
	s := newSchool(t)
	for _, to := range []string{"carpet", "homeroom", "business class", "caravan"} {
		if r := s.do("lee", "/transition S101 desk "+to); r.IsError {
			t.Errorf("to %q needs no handoff: %s", to, r.Text)
		}
	}
	for _, to := range []string{"bus", "car-pickup", "parents", "Bus 12"} {
		if r := s.do("lee", "/transition S101 class "+to); !r.IsError || r.Param != "handoff" {
			t.Errorf("to %q needs a handoff: %+v", to, r)
		}
	}
}

func TestUndoReachesBackOneDay(t *testing.T) {
	s := newSchool(t)
	logged := s.do("lee", "/trial S101 G1 +")
	s.now = s.now.Add(25 * time.Hour)
	r := s.do("lee", "/undo")
	if !r.IsError || !strings.Contains(r.Text, "undo takes back only entries of the last 24 hours") {
		t.Errorf("undo of yesterday's entry: %+v", r)
	}
	// The Undo button follows the same rule, 60 hours later too.
	s.now = s.now.Add(35 * time.Hour)
	r = s.router.HandlePress(context.Background(), bot.Press{Platform: storage.PlatformShell, UserID: "lee",
		Action: logged.Buttons[0].Action, Value: logged.Buttons[0].Value})
	if !r.IsError || !strings.Contains(r.Text, "undo takes back only entries of the last 24 hours") {
		t.Errorf("Undo button 60 hours later: %+v", r)
	}
	cl, _ := s.db.Caseload(context.Background(), s.staff("lee").ID)
	if trials, _ := s.db.Trials(context.Background(), storage.Filter{StudentID: cl[0].ID}); len(trials) != 1 {
		t.Errorf("the old entry must stay active: %d active trials", len(trials))
	}
}

func TestReplayedRequestLogsOnce(t *testing.T) {
	s := newSchool(t)
	ctx := storage.WithOnce(context.Background(), "slack:req:1531420618:v0=abc")
	req := bot.Request{Platform: storage.PlatformShell, UserID: "lee", Command: "note", Text: "S102 Finished his math"}
	if r := s.router.Handle(ctx, req); r.IsError {
		t.Fatalf("first: %s", r.Text)
	}
	if r := s.router.Handle(ctx, req); !r.IsError || r.Text != bot.AlreadyHandled {
		t.Errorf("replay: %+v", r)
	}
	if n := s.jobs(); n != 1 {
		t.Errorf("%d DMs queued, want 1", n)
	}
}

// TestNearMissNameOffersButtons: a misspelt name offers the closest
// students as buttons; pressing one logs what was typed for that student.
func TestNearMissNameOffersButtons(t *testing.T) {
	s := newSchool(t)
	r := s.do("lee", "/trial aidan G3 + - v at 9:30")
	if !r.IsError || !strings.HasPrefix(r.Text, `No student on your caseload matches "aidan". Did you mean Aiden B. (S103)?`) || r.Param != "student" {
		t.Fatalf("reply %+v", r)
	}
	if len(r.Buttons) != 1 || r.Buttons[0].Label != "Aiden B. (S103)" || r.Buttons[0].Action != bot.ActionRetry {
		t.Fatalf("buttons %+v", r.Buttons)
	}
	s.nothingStored()
	press := func(user string) bot.Reply {
		return s.router.HandlePress(context.Background(), bot.Press{Platform: storage.PlatformShell, UserID: user, Action: r.Buttons[0].Action, Value: r.Buttons[0].Value})
	}
	if got := press("okafor"); !got.IsError || !strings.Contains(got.Text, "not on your caseload") {
		t.Errorf("another para pressing it: %+v", got)
	}
	got := press("lee")
	if want := "Logged for Aiden B. (S103) — G3 write his first and last name: 3 trials at 09:30, 2 correct, 1 independent (prompted: 1 verbal)."; got.IsError || got.Text != want {
		t.Errorf("press: %q\nwant   %q", got.Text, want)
	}
	// A time typed as "now" or "20m ago" stays the time it was typed,
	// however late the button is pressed.
	r = s.do("lee", "/trial aidan G1 + 20m ago")
	s.now = s.now.Add(30 * time.Minute)
	got = press("lee")
	cl, _ := s.db.Caseload(context.Background(), s.staff("lee").ID)
	ts, _ := s.db.Trials(context.Background(), storage.Filter{StudentID: cl[2].ID, GoalID: 0})
	if got.IsError || len(ts) != 4 || !ts[3].At.Equal(s.now.Add(-50*time.Minute)) {
		t.Errorf("press after 30 minutes: %q; trials %+v", got.Text, ts)
	}
	r = s.do("okafor", "/goals sofia m")
	if !r.IsError || !strings.Contains(r.Text, "Did you mean Sofia M. (S104) or Sofia J. (S106)?") || len(r.Buttons) != 2 || r.Buttons[0].Label != "Sofia M. (S104)" {
		t.Errorf("sofia m: %+v", r)
	}
}

func TestGoalsShowTitleAndText(t *testing.T) {
	s := newSchool(t)
	r := s.do("lee", "/goals aiden")
	if r.IsError || !strings.HasPrefix(r.Text, "Aiden B. (S103) — 3 goals:\nG1 add and subtract two-digit numbers: Using a place-value mat, Aiden will add") ||
		!strings.Contains(r.Text, "\nG3 write his first and last name: Aiden will write his first and last name legibly") {
		t.Errorf("/goals aiden:\n%s", r.Text)
	}
	if r := s.do("lee", "/goals S104"); !r.IsError || !strings.Contains(r.Text, "not on your caseload") {
		t.Errorf("another para's student: %+v", r)
	}
}

// TestSchoolCodes: a school's own codes (PARABOT_TRIAL_CODES) are what
// /trial reads and /help trial lists.
func TestSchoolCodes(t *testing.T) {
	s := newSchool(t)
	codes, err := bot.ParseCodes("h=full physical, x=incorrect, i=independent")
	if err != nil {
		t.Fatal(err)
	}
	s.router.SetCodes(codes)
	if r := s.do("lee", "/trial S101 G1 h x i"); r.IsError || !strings.Contains(r.Text, "3 trials, 2 correct, 1 independent (prompted: 1 full physical)") {
		t.Errorf("trial with the school's codes: %q", r.Text)
	}
	if r := s.do("lee", "/trial S101 G1 vp"); !r.IsError || !strings.Contains(r.Text, `"vp" is not a trial code`) {
		t.Errorf("a code the school does not use: %q", r.Text)
	}
	if r := s.do("lee", "/help trial"); !strings.Contains(r.Text, "Trial codes: + correct independent, - incorrect, 0 no response, I correct, independent, H correct with a full physical prompt, X incorrect;") {
		t.Errorf("/help trial:\n%s", r.Text)
	}
}

// TestNearMissOnALongLine: a retry button that would not fit a platform's
// button is left out; the message still names the students.
func TestNearMissOnALongLine(t *testing.T) {
	s := newSchool(t)
	r := s.do("lee", "/incident aidan "+strings.Repeat("threw things ", 150)+"a=x c=y severity=2")
	if !r.IsError || !strings.Contains(r.Text, "Did you mean Aiden B. (S103)?") || len(r.Buttons) != 0 {
		t.Errorf("reply %q with %d buttons", r.Text, len(r.Buttons))
	}
	s.nothingStored()
}

// TestHelpFitsForms: every parameter's help fits a Discord option's
// 100-character description, so the forms show it whole.
func TestHelpFitsForms(t *testing.T) {
	for _, c := range commands.All(commands.Deps{}) {
		for _, p := range c.Params {
			if n := len([]rune(p.Help)); n > 100 {
				t.Errorf("/%s %s: help of %d characters: %q", c.Name, p.Name, n, p.Help)
			}
		}
	}
}

func TestBackdatedOnDayWithoutSchool(t *testing.T) {
	s := newSchool(t)
	s.now = s.now.AddDate(0, 0, 6) // Monday 2026-11-30
	for _, tc := range []struct{ line, want string }{
		{"/trial S101 G1 + at=2026-11-26 10:00", "No school on 2026-11-26, Thanksgiving; log it anyway with force=yes."},
		{"/incident S101 hit a=x c=y sev=2 at=2026-11-28 10:00", "No school on 2026-11-28, a Saturday; log it anyway with force=yes."},
		{"/transition S101 class gym at=2026-11-03 10:00", "No school on 2026-11-03, Election Day: staff development, no students;"},
	} {
		r := s.do("lee", tc.line)
		if !r.IsError || r.Param != "at" || !strings.Contains(r.Text, tc.want) {
			t.Errorf("%s: %+v\nwant %q", tc.line, r, tc.want)
		}
	}
	s.nothingStored()
	for _, line := range []string{
		"/trial S101 G1 + at=2026-11-26 10:00 force=yes",
		"/trial S101 G1 + at=2026-11-24 10:00", // a school day
		"/trial S101 G1 + at=2026-11-25 10:00", // early release is a school day
	} {
		if r := s.do("lee", line); r.IsError {
			t.Errorf("%s refused: %s", line, r.Text)
		}
	}
	// Today is never refused, even on a weekend: the para is there.
	s.now = time.Date(2026, 11, 28, 10, 0, 0, 0, s.now.Location())
	if r := s.do("lee", "/trial S101 G1 +"); r.IsError {
		t.Errorf("logging now on a Saturday refused: %s", r.Text)
	}
}

// Someone not on the roster is told the admins of the workspace's school
// only: never the staff of another school.
func TestStrangerToldOnlyTheWorkspaceSchoolsAdmins(t *testing.T) {
	s := newSchool(t)
	const want = "Ask an administrator (Dr. Anil Patel) to add you."
	if r := s.do("stranger", "/trial S101 G1 +"); !strings.Contains(r.Text, want) {
		t.Errorf("one school: %q, want %q", r.Text, want)
	}
	oak := storage.Roster{
		Schools: []storage.School{{Name: "Oak School", TimeZone: "America/Chicago", YearStart: "2026-08-24", YearEnd: "2027-06-04", DayStart: "08:00", Dismissal: "15:00"}},
		Staff:   []storage.RosterStaff{{School: "Oak School", Handle: "oakboss", Name: "Olive Oakley", Email: "olive@oak.example", Role: storage.RoleAdmin, Active: true}},
	}
	if _, err := s.db.ImportRoster(context.Background(), oak); err != nil {
		t.Fatal(err)
	}
	s.router.Forget()
	r := s.do("stranger", "/trial S101 G1 +")
	if strings.Contains(r.Text, "Olive") || strings.Contains(r.Text, "Patel") || !strings.Contains(r.Text, "Ask your school's administrator to add you.") {
		t.Errorf("two schools, none set: %q names staff", r.Text)
	}
	s.router.SetWorkspaceSchool("oak school")
	if r := s.do("stranger", "/trial S101 G1 +"); !strings.Contains(r.Text, "Ask an administrator (Olive Oakley) to add you.") || strings.Contains(r.Text, "Patel") {
		t.Errorf("workspace school set: %q", r.Text)
	}
}
