package commands_test

import (
	"context"
	"encoding/json"
	"errors"
	"io"
	"log/slog"
	"strconv"
	"strings"
	"testing"
	"time"

	"parabot/bot"
	"parabot/commands"
	"parabot/export"
	"parabot/roster"
	"parabot/scheduler"
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

// undo runs an /undo line, picks the newest entry it lists and confirms:
// the whole way a person takes an entry back. The first error stops it.
func (s *school) undo(user, line string) bot.Reply {
	s.t.Helper()
	r := s.do(user, line)
	for _, action := range []string{"undo_pick", "undo_confirm"} {
		if r.IsError || len(r.Buttons) == 0 || r.Buttons[0].Action != action {
			return r
		}
		r = s.router.HandlePress(context.Background(), bot.Press{Platform: storage.PlatformShell, UserID: user,
			Action: r.Buttons[0].Action, Value: r.Buttons[0].Value})
	}
	return r
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
	r := s.do("lee", "/trial Liam 1 +,+g,0 at=9:15")
	if r.IsError || !strings.Contains(r.Text, "Liam C. (S102) — G1 produce /s/ and /s/-blends: 3 trials at 09:15, 2 correct, 1 independent (prompted: 1 gestural), 1 no response.") {
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
	// A restraint needs its whole record; nothing is stored without it.
	r := s.do("lee", "/incident S101 hit staff a=transition c=walked with staff sev=3 restraint=yes")
	if !r.IsError || !r.Missing || r.Param != "hold" || !strings.Contains(r.Text, "Missing hold.") {
		t.Fatalf("restraint without its record: %+v", r)
	}
	s.nothingStored()
	r = s.do("lee", "/incident S101 hit staff a=transition c=walked with staff sev=3 restraint=yes injury=yes injured=staff nurse=no "+
		"hold=physical escort start=9:40 end=9:43 applied_by=Jamie Lee, Maria Rivera observation=breathing normal, calm after "+
		"staff=Jamie Lee witnesses=Maria Rivera, s102")
	if r.IsError {
		t.Fatalf("refused: %s", r.Text)
	}
	if !strings.Contains(r.Context, "2 direct messages are being sent to the teacher and admin now") {
		t.Errorf("context %q", r.Context)
	}
	if n := s.jobs(); n != 7 {
		t.Errorf("%d jobs, want 7 (the escalation's first step to the teacher, the admin's FYI, the parent notice's reminder and two deadline checks, "+
			"the debrief's reminder and its deadline check)", n)
	}
	if !strings.Contains(r.Text, "\nDebrief (incident 1) is Maria Rivera's task: by Mon Nov 30 15:10.") {
		t.Errorf("reply %q does not give the debrief's deadline", r.Text)
	}
	if !strings.Contains(r.Text, "\nParent notice (incident 1) is Maria Rivera's task: oral by Wed Nov 25 10:00, written by Tue Dec 1 15:10.") {
		t.Errorf("reply %q does not give the parent notice's deadlines", r.Text)
	}
	if !strings.Contains(r.Text, "\nEscalation #1: Sent to Maria Rivera. If nobody acknowledges within 10m, it goes to level 2 (admin).") {
		t.Errorf("reply %q does not say the escalation opened", r.Text)
	}
	// The teacher is told by the escalation (one message, its record
	// checked in the escalation walk); the admin gets one FYI with the
	// whole record (by direct message only) saying when they will be
	// asked to act.
	rows, err := s.db.SQL().Query("SELECT json(args) FROM river_job WHERE kind = 'deliver' ORDER BY id")
	if err != nil {
		t.Fatal(err)
	}
	var fyi []scheduler.DeliverArgs
	for rows.Next() {
		var raw string
		var a scheduler.DeliverArgs
		if err := rows.Scan(&raw); err != nil {
			t.Fatal(err)
		}
		if err := json.Unmarshal([]byte(raw), &a); err != nil {
			t.Fatal(err)
		}
		fyi = append(fyi, a)
	}
	rows.Close()
	if len(fyi) != 1 || fyi[0].StaffID != s.staff("patel").ID {
		t.Fatalf("direct messages queued %+v, want one to the admin", fyi)
	}
	if want := "Severe incident: Ava B. (S101), logged by Jamie Lee. Escalation #1 went to Maria Rivera; you will be asked to act if nobody acknowledges it by 10:10." +
		"\nLogged in error? Only an admin can take it back: /void incident 1 <reason> (it asks to confirm)."; fyi[0].Reply.Text != want {
		t.Errorf("FYI %q\nwant %q", fyi[0].Reply.Text, want)
	}
	var fields []string
	for _, f := range fyi[0].Reply.Fields {
		fields = append(fields, f.Label+": "+f.Value)
	}
	all := strings.Join(fields, "\n")
	for _, want := range []string{"Injury, restraint, seclusion: injury: yes, restraint: yes, seclusion: not recorded",
		"Restraint or seclusion: physical escort, 09:40 to 09:43 (3m)", "Applied by: Jamie Lee, Maria Rivera",
		"Observation: breathing normal, calm after", "Witnesses: Maria Rivera, S102", "Staff involved: Jamie Lee",
		"Seen by the nurse: no", "Injured: staff"} {
		if !strings.Contains(all, want) {
			t.Errorf("FYI lacks %q:\n%s", want, all)
		}
	}
	ava, _ := s.db.StudentByCode(context.Background(), s.staff("lee").SchoolID, "S101")
	ins, _ := s.db.Incidents(context.Background(), storage.Filter{StudentID: ava.ID})
	if len(ins) != 1 || ins[0].Details.HoldType != "physical escort" || ins[0].Details.NurseSaw != "no" ||
		ins[0].Details.HoldEnd.Sub(ins[0].Details.HoldStart) != 3*time.Minute {
		t.Errorf("stored incident %+v", ins)
	}
	for line, want := range map[string]string{
		"/incident S101 hit a=x c=y sev=2 hold=prone":             "add restraint=yes or seclusion=yes",
		"/incident S101 hit a=x c=y sev=2 injury=no injured=peer": "injury=no, but injured names who was hurt",
		"/incident S101 hit a=x c=y sev=2 seclusion=yes hold=seclusion room start=9:50 end=9:45 applied_by=Jamie Lee observation=quiet": "must be after the start",
	} {
		if r := s.do("lee", line); !r.IsError || !strings.Contains(r.Text, want) {
			t.Errorf("%s: %q, want %q", line, r.Text, want)
		}
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
	if r := s.do("lee", "/undo"); !r.IsError || !strings.HasPrefix(r.Text, "You have nothing logged in the last 24 hours to undo") {
		t.Errorf("undo with nothing: %+v", r)
	}
	first := s.do("lee", "/trial S101 G1 + +")
	s.do("lee", "/trial S101 G3 -")
	list := s.do("lee", "/undo wrong goal")
	if list.IsError || len(list.Buttons) != 2 || !strings.Contains(list.Text, "\n1. 10:00 Logged 1 trial for A.B. (S101) G3") ||
		!strings.Contains(list.Text, "\n2. 10:00 Logged 2 trials for A.B. (S101) G1") {
		t.Fatalf("/undo lists today's entries, newest first: %+v", list)
	}
	pick := s.router.HandlePress(context.Background(), bot.Press{Platform: storage.PlatformShell, UserID: "lee", Action: list.Buttons[0].Action, Value: list.Buttons[0].Value})
	if pick.IsError || !strings.HasPrefix(pick.Text, "Take back this entry? Logged 1 trial") || len(pick.Buttons) != 1 {
		t.Fatalf("picking asks to confirm: %+v", pick)
	}
	if e, _ := s.db.LastEntry(context.Background(), s.staff("lee").ID); !e.Active || !strings.Contains(e.Summary, "G3") {
		t.Fatal("picking an entry took it back before the confirmation")
	}
	r := s.router.HandlePress(context.Background(), bot.Press{Platform: storage.PlatformShell, UserID: "lee", Action: pick.Buttons[0].Action, Value: pick.Buttons[0].Value})
	if r.IsError || !strings.HasPrefix(r.Text, "Undone: Logged 1 trial for A.B. (S101) G3") {
		t.Fatalf("undo: %+v", r)
	}
	if e, _ := s.db.Entry(context.Background(), mustID(t, strings.Fields(pick.Buttons[0].Value)[0])); e.DeactivatedReason != "wrong goal" {
		t.Errorf("reason %q, want the one typed with /undo", e.DeactivatedReason)
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
	if !strings.Contains(r.Text, "Usage: /trial <student> <goal> <trials> [at=<time>]") || !strings.Contains(r.Text, "/trial S101 G1 + + v - +") {
		t.Errorf("/help trial:\n%s", r.Text)
	}
	for _, want := range []string{"Trial codes: +, C or I: correct, independent; G or GP: gestural prompt; V or VP: verbal prompt;", "0 or NR: no response", "3/5 is 3 correct of 5"} {
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
		{"100 KB note", "lee", "/note S101 " + strings.Repeat("x", 100<<10), "", "That line is 102405 characters; a command may be at most 65536. Shorten it and send it again."},
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
		!strings.Contains(r.Text, "Data still due today (3 students have goals that need data):\n  Ava B. (S101) — G1 request a preferred item or activity: 0 of 5 trials; G2 stay on the carpet: 0 of 1 duration\n") { // G3 is due mon,wed,fri
		t.Fatalf("/today on a school day:\n%s", r.Text)
	}
	// A goal is due until its day has the trials its mastery criterion
	// needs (G1: 5), not after the first trial; a duration goal (G2) until
	// it has one.
	s.do("lee", "/trial S101 G1 + +")
	if r := s.do("lee", "/today"); !strings.Contains(r.Text, "Ava B. (S101) — G1 request a preferred item or activity: 2 of 5 trials; G2 stay on the carpet: 0 of 1 duration\n") {
		t.Errorf("after 2 trials of G1:\n%s", r.Text)
	}
	s.do("lee", "/data S101 G2 8m30s")
	s.do("lee", "/trial S101 G1 3/3")
	if r := s.do("lee", "/today"); strings.Contains(r.Text, "(S101) —") || !strings.Contains(r.Text, "(2 students have goals that need data)") {
		t.Errorf("after G1 and G2 have what they need, S101 owes nothing today:\n%s", r.Text)
	}
	s.undo("lee", "/undo")
	if r := s.do("lee", "/today"); !strings.Contains(r.Text, "Ava B. (S101) — G1 request a preferred item or activity: 2 of 5 trials\n") {
		t.Errorf("an undone batch does not count:\n%s", r.Text)
	}
	r = s.do("lee", "/today aiden")
	if !strings.Contains(r.Text, "Data still due today (1 student has goals that need data):\n  Aiden B. (S103) — G1 add and subtract two-digit numbers: 0 of 10 trials") || strings.Contains(r.Text, "Ava") {
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
	r := s.undo("lee", "/undo wrong student")
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
	if r := s.undo("lee", "/undo"); !strings.Contains(r.Context, "2 people who were sent it are told") || s.jobs()-before != 2 {
		t.Errorf("undo of a severe incident: %+v, %d new jobs", r, s.jobs()-before)
	}
	s.do("lee", "/trial S101 G1 +")
	before = s.jobs()
	if r := s.undo("lee", "/undo"); r.IsError || r.Context != "" || s.jobs() != before {
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
	first := s.do("lee", "/trial S101 G1 +")
	list := s.do("lee", "/undo") // today's list, before the day ends
	s.now = s.now.Add(25 * time.Hour)
	if r := s.do("lee", "/undo"); !r.IsError || !strings.Contains(r.Text, "nothing logged in the last 24 hours to undo") {
		t.Errorf("/undo the next day: %+v", r)
	}
	// The same 24-hour rule holds for every button.
	for _, b := range []bot.Button{first.Buttons[0], list.Buttons[0]} {
		r := s.router.HandlePress(context.Background(), bot.Press{Platform: storage.PlatformShell, UserID: "lee", Action: b.Action, Value: b.Value})
		if !r.IsError || !strings.Contains(r.Text, "undo takes back only entries of the last 24 hours") {
			t.Errorf("%s button a day later: %+v", b.Action, r)
		}
	}
	// The Undo button follows the same rule, 60 hours later too.
	s.now = s.now.Add(35 * time.Hour)
	r := s.router.HandlePress(context.Background(), bot.Press{Platform: storage.PlatformShell, UserID: "lee",
		Action: first.Buttons[0].Action, Value: first.Buttons[0].Value})
	if !r.IsError || !strings.Contains(r.Text, "undo takes back only entries of the last 24 hours") {
		t.Errorf("Undo button 60 hours later: %+v", r)
	}
	cl, _ := s.db.Caseload(context.Background(), s.staff("lee").ID)
	if trials, _ := s.db.Trials(context.Background(), storage.Filter{StudentID: cl[0].ID}); len(trials) != 1 {
		t.Errorf("the old entry must stay active: %d active trials", len(trials))
	}
}

// TestUndoOneRuleEverywhere: /undo lists what the Undo button takes
// back, the entries of the last 24 hours (yesterday afternoon's too, not
// only today's); past them, the refusal says what the caller's role can
// do instead: a para asks their teacher, a teacher an admin, an admin
// voids it.
func TestUndoOneRuleEverywhere(t *testing.T) {
	s := newSchool(t)
	s.now = s.now.Add(4*time.Hour + 50*time.Minute) // Tuesday 14:50
	s.do("lee", "/trial S101 G1 + + -")
	s.now = s.now.Add(20 * time.Hour) // Wednesday 10:50
	list := s.do("lee", "/undo")
	if list.IsError || len(list.Buttons) != 1 || !strings.Contains(list.Text, "\n1. Tue 14:50 Logged 3 trials for A.B. (S101) G1") {
		t.Fatalf("/undo the next morning must list yesterday afternoon's entry: %+v", list)
	}
	if r := s.undo("lee", "/undo"); r.IsError || !strings.HasPrefix(r.Text, "Undone: Logged 3 trials") {
		t.Errorf("undoing it: %+v", r)
	}
	for user, want := range map[string]string{
		"lee":    "Ask your teacher to correct an older one.",
		"rivera": "Ask an admin (Dr. Anil Patel) to void an older one, with a reason.",
		"patel":  "You can void an older one instead, with a reason: /void incident <number> <reason>",
	} {
		r := s.do(user, "/undo")
		if !r.IsError || !strings.HasPrefix(r.Text, "You have nothing logged in the last 24 hours to undo") || !strings.Contains(r.Text, want) ||
			user != "lee" && strings.Contains(r.Text, "your teacher") {
			t.Errorf("%s's /undo with nothing: %q, want %q", user, r.Text, want)
		}
	}
	teacher := s.do("rivera", "/trial S101 G1 +")
	admin := s.do("patel", "/transition S101 class to lunch")
	s.now = s.now.Add(25 * time.Hour)
	for user, r := range map[string]bot.Reply{"rivera": teacher, "patel": admin} {
		if r.IsError || len(r.Buttons) == 0 {
			t.Fatalf("%s's trial: %+v", user, r)
		}
		want := "Ask an admin (Dr. Anil Patel) to void it, with a reason."
		if user == "patel" {
			want = "You can void it instead, with a reason: /void entry " + r.Buttons[0].Value + " <reason>."
		}
		got := s.router.HandlePress(context.Background(), bot.Press{Platform: storage.PlatformShell, UserID: user, Action: r.Buttons[0].Action, Value: r.Buttons[0].Value})
		if !got.IsError || !strings.Contains(got.Text, "undo takes back only entries of the last 24 hours") || !strings.HasSuffix(got.Text, want) {
			t.Errorf("%s's Undo a day later: %q, want it to end %q", user, got.Text, want)
		}
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
	if r.IsError || !strings.HasPrefix(r.Text, "Aiden B. (S103) — 3 goals:\nG1 add and subtract two-digit numbers (trials): Using a place-value mat, Aiden will add") ||
		!strings.Contains(r.Text, "\nG2 ask for a break (frequency): When frustrated") ||
		!strings.Contains(r.Text, "\n  log it: /data S103 G2 a count, like 3") ||
		!strings.Contains(r.Text, "\nG3 write his first and last name (trials): Aiden will write his first and last name legibly") {
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
	if r := s.do("lee", "/help trial"); !strings.Contains(r.Text, "Trial codes: + or I: correct, independent; H: full physical prompt; - or X: incorrect; 0: no response;") {
		t.Errorf("/help trial:\n%s", r.Text)
	}
}

// TestNearMissOnALongLine: a near miss on a long line still names the
// student and keeps the retry button with the whole command (each platform
// fits it in its own way), and stores nothing.
func TestNearMissOnALongLine(t *testing.T) {
	s := newSchool(t)
	long := strings.Repeat("threw things ", 150)
	r := s.do("lee", "/incident aidan "+long+"a=x c=y severity=2")
	if !r.IsError || !strings.Contains(r.Text, "Did you mean Aiden B. (S103)?") || len(r.Buttons) != 1 || !strings.Contains(r.Buttons[0].Value, "S103") || len(r.Buttons[0].Value) < len(long) {
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

// TestDataEveryType logs a session of each measurement type of the demo
// school with /data, checks what was stored and what /today still asks.
func TestDataEveryType(t *testing.T) {
	s := newSchool(t)
	ctx := context.Background()
	if r := s.do("okafor", "/today"); !strings.Contains(r.Text, "Sofia M. (S104) — G1 answer literal who: 0 of 5 trials; G2 arrival routine: 0 of 1 run of the steps; G3 greet by name: 0 of 1 rating\n") ||
		!strings.Contains(r.Text, "G2 start the next activity: 0 of 4 latencies") || strings.Contains(r.Text, "G4 pack his backpack") { // G4 is weekly: due on the week's last school day
		t.Fatalf("/today before any data:\n%s", r.Text)
	}
	tests := []struct {
		line, want string
		student    string
		typ        storage.Measure
		counts     [3]int
	}{
		{"/data S104 G2 i v m i", "Logged for Sofia M. (S104) — G2 arrival routine: 4 of 4 steps done, 2 independent (hang coat: verbal; turn in folder: model).",
			"S104", storage.MeasureTaskAnalysis, [3]int{4, 4, 2}},
		{"/data S104 G3 greets when prompted -- shy today", "Logged for Sofia M. (S104) — G3 greet by name: rating 2 of 4 (greets when prompted). Note: shy today",
			"S104", storage.MeasureRating, [3]int{1, 0, 0}},
		{"/data noah G2 45s 20 at 9:30", "Logged for Noah W. (S105) — G2 start the next activity: latency 45s, 20s at 09:30.",
			"S105", storage.MeasureLatency, [3]int{2, 0, 0}},
	}
	for _, tc := range tests {
		r := s.do("okafor", tc.line)
		if r.IsError || r.Text != tc.want {
			t.Errorf("%s:\n got %q\nwant %q", tc.line, r.Text, tc.want)
			continue
		}
		st, err := s.db.StudentByCode(ctx, s.staff("okafor").SchoolID, tc.student)
		if err != nil {
			t.Fatal(err)
		}
		se, err := s.db.Sessions(ctx, storage.Filter{StudentID: st.ID})
		if err != nil || len(se) == 0 {
			t.Fatalf("sessions of %s: %v", tc.student, err)
		}
		last := se[len(se)-1]
		if last.Type != tc.typ || [3]int{last.Trials, last.Correct, last.Independent} != tc.counts {
			t.Errorf("%s stored %+v, want type %s and counts %v", tc.line, last, tc.typ, tc.counts)
		}
		if e, _ := s.db.LastEntry(ctx, s.staff("okafor").ID); strings.Contains(e.Summary, "Sofia") || strings.Contains(e.Summary, "Noah") || strings.Contains(e.Summary, "shy") {
			t.Errorf("stored summary %q names the student or holds the comment", e.Summary)
		}
	}
	if r := s.do("okafor", "/today"); !strings.Contains(r.Text, "Sofia M. (S104) — G1 answer literal who: 0 of 5 trials\n") ||
		!strings.Contains(r.Text, "G2 start the next activity: 2 of 4 latencies") {
		t.Errorf("/today after a routine, a rating and 2 latencies:\n%s", r.Text)
	}
	// A wrong value says what the goal takes, and stores nothing.
	before, _ := s.db.LastEntry(ctx, s.staff("okafor").ID)
	for line, want := range map[string]string{
		"/data S104 G2 i v m": "G2 is a task analysis goal: it has 4 steps, and 3 codes were given. Type one code per step (unpack, hang coat, turn in folder, start morning work)",
		"/data S104 G3 7":     "G3 is a rating goal: 7 is off the scale. Type the score, 1 no greeting, 2 greets when prompted",
		"/data noah G2 soon":  `G2 is a latency goal: "soon" is not a latency.`,
		"/data noah G2 later": "\nExample: /data S105 G2 45s (help data shows all)",     // the example fits the goal
		"/data S104 G2 x":     "\nExample: /data S104 G2 i i i i (help data shows all)", // one code per step
		"/data S104 G3 9":     "\nExample: /data S104 G3 1 (help data shows all)",
		"/trial noah G2 + +":  "G2 is a latency goal: log it with /data S105 G2",
		"/data noah G9 3":     `Goal "G9" not found`,
	} {
		r := s.do("okafor", line)
		if !r.IsError || !strings.Contains(r.Text, want) {
			t.Errorf("%s: %q, want an error containing %q", line, r.Text, want)
		}
	}
	if after, _ := s.db.LastEntry(ctx, s.staff("okafor").ID); after.ID != before.ID {
		t.Errorf("a refused value stored entry %+v", after)
	}
	// Frequency and duration, on lee's students.
	for line, want := range map[string]string{
		"/data liam G2 3":            "Logged for Liam C. (S102) — G2 take turns with a peer: count 3.",
		"/data liam G2 +1":           "Logged for Liam C. (S102) — G2 take turns with a peer: count 1.",
		"/data aiden G2 2 in 30m":    "Logged for Aiden B. (S103) — G2 ask for a break: count 2 in 30m (4.0 an hour).",
		"/data ava G2 8m30s":         "Logged for Ava B. (S101) — G2 stay on the carpet: duration 8m30s.",
		"/data ava G2 9:05-9:13":     "Logged for Ava B. (S101) — G2 stay on the carpet: duration 8m.",
		"/data ava G1 + v - 20m ago": "Logged for Ava B. (S101) — G1 request a preferred item or activity: 3 trials at 09:40, 2 correct, 1 independent (prompted: 1 verbal).",
	} {
		if r := s.do("lee", line); r.IsError || r.Text != want {
			t.Errorf("%s:\n got %q\nwant %q", line, r.Text, want)
		}
	}
}

// TestUnansweredStaysNotRecorded: a transition with no prompt and an
// incident's unanswered yes/no questions are stored as not recorded.
func TestUnansweredStaysNotRecorded(t *testing.T) {
	s := newSchool(t)
	ctx := context.Background()
	r := s.do("lee", "/incident S101 ran from the room a=asked to line up c=walked back with staff severity=2 injury=no")
	if r.IsError {
		t.Fatal(r.Text)
	}
	ava, _ := s.db.StudentByCode(ctx, s.staff("lee").SchoolID, "S101")
	ins, err := s.db.Incidents(ctx, storage.Filter{StudentID: ava.ID})
	if err != nil || len(ins) != 1 {
		t.Fatalf("incidents %+v, %v", ins, err)
	}
	in := ins[0]
	if in.YesNo("injury") != "no" || in.YesNo("restraint") != "not recorded" || in.YesNo("seclusion") != "not recorded" {
		t.Errorf("injury %s, restraint %s, seclusion %s; want no, not recorded, not recorded",
			in.YesNo("injury"), in.YesNo("restraint"), in.YesNo("seclusion"))
	}
	s.do("lee", "/transition S101 class to art")
	s.do("lee", "/transition S101 art to class prompt=i")
	ts, _ := s.db.Transitions(ctx, storage.Filter{StudentID: ava.ID})
	if len(ts) != 2 || ts[0].Prompt != storage.PromptNotRecorded || ts[1].Prompt != storage.Independent {
		t.Errorf("transitions %+v: want the first prompt not recorded, the second independent", ts)
	}
}

// TestRestraintVoidedOnlyByAdmin: a para cannot undo a restraint incident
// (the refusal says who can void it, by the incident's number); an admin
// voids it by that number with a reason, after a confirmation that shows
// what it would void; the number of an unrelated entry (the trial logged
// before it is entry 1, as the restraint is incident 1) is never taken
// for the incident's; the void is recorded and the voided incident stays
// in the export.
func TestRestraintVoidedOnlyByAdmin(t *testing.T) {
	s := newSchool(t)
	ctx := context.Background()
	trial := s.do("lee", "/trial S101 G3 -")
	r := s.do("lee", "/incident S101 hit staff a=lining up c=walked with staff sev=3 restraint=yes seclusion=no injury=no "+
		"hold=physical escort start=9:40 end=9:43 applied_by=Jamie Lee observation=calm")
	if r.IsError || trial.IsError {
		t.Fatal(r.Text, trial.Text)
	}
	e, err := s.db.LastEntry(ctx, s.staff("lee").ID)
	if err != nil {
		t.Fatal(err)
	}
	ins, _ := s.db.Incidents(ctx, storage.Filter{StudentID: e.StudentID})
	if len(ins) != 1 || ins[0].EntryID != e.ID {
		t.Fatalf("incidents %+v", ins)
	}
	id := strconv.FormatInt(ins[0].ID, 10)
	entry := strconv.FormatInt(e.ID, 10)
	trialEntry := trial.Buttons[0].Value
	if id != trialEntry || !strings.Contains(r.Text, "Parent notice (incident "+id+")") {
		t.Fatalf("the restraint is incident %s, the trial entry %s; the test needs them equal (reply %q)", id, trialEntry, r.Text)
	}
	for _, undo := range []bot.Reply{
		s.undo("lee", "/undo wrong student"),
		s.router.HandlePress(ctx, bot.Press{Platform: storage.PlatformShell, UserID: "lee", Action: "undo", Value: entry}),
	} {
		if !undo.IsError || !strings.Contains(undo.Text, "only an admin can void it, with a reason (Dr. Anil Patel: /void incident "+id+" <reason>)") {
			t.Errorf("para's undo of a restraint: %+v", undo)
		}
	}
	if got, _ := s.db.Entry(ctx, e.ID); !got.Active {
		t.Fatal("the para's undo took back a restraint incident")
	}
	if r := s.do("rivera", "/void incident "+id+" wrong student"); !r.IsError || !strings.Contains(r.Text, "/void is for admins") {
		t.Errorf("a teacher's /void: %+v", r)
	}
	if r := s.do("patel", "/void incident "+id); !r.IsError || !strings.Contains(r.Text, "Missing reason") {
		t.Errorf("/void without a reason: %+v", r)
	}
	// A bare number is refused: it could be either.
	if r := s.do("patel", "/void "+id+" logged for the wrong student"); !r.IsError || !strings.Contains(r.Text, "choose one of: incident, entry") ||
		!strings.Contains(r.Text, "/void incident 22 logged for the wrong student") {
		t.Errorf("/void with a bare number: %+v", r)
	}
	// The entry of the same number is the trial: shown, not voided.
	if r := s.do("patel", "/void entry "+trialEntry+" logged for the wrong student"); r.IsError ||
		r.Text != "Void entry "+trialEntry+"? About Ava B. (S101), logged Tue Nov 24 10:00 by Jamie Lee: Logged 1 trial for A.B. (S101) G3: 0/1 correct, 0 independent.\nReason: logged for the wrong student" {
		t.Errorf("/void entry %s: %+v", trialEntry, r)
	}
	confirm := s.do("patel", "/void incident "+id+" logged for the wrong student")
	if confirm.IsError || len(confirm.Buttons) != 1 || confirm.Buttons[0].Label != "Yes, void it" ||
		confirm.Text != "Void incident "+id+"? About Ava B. (S101), logged Tue Nov 24 10:00 by Jamie Lee: "+e.Summary+"\nReason: logged for the wrong student" {
		t.Fatalf("/void asks to confirm: %+v", confirm)
	}
	for _, x := range []string{trialEntry, entry} {
		if got, _ := s.db.Entry(ctx, mustID(t, x)); !got.Active {
			t.Fatalf("entry %s voided before any confirmation", x)
		}
	}
	press := func(user string) bot.Reply {
		return s.router.HandlePress(ctx, bot.Press{Platform: storage.PlatformShell, UserID: user, Action: confirm.Buttons[0].Action, Value: confirm.Buttons[0].Value})
	}
	if r := press("rivera"); !r.IsError || !strings.Contains(r.Text, "Only an admin can void") {
		t.Errorf("a teacher pressing the admin's confirmation: %+v", r)
	}
	r = press("patel")
	if r.IsError || !strings.HasPrefix(r.Text, "Voided incident "+id+" (Ava B. (S101)): "+e.Summary) {
		t.Fatalf("admin's void: %+v", r)
	}
	if r := press("patel"); !r.IsError || !strings.Contains(r.Text, "already undone or voided") {
		t.Errorf("second press: %+v", r)
	}
	if got, _ := s.db.Entry(ctx, mustID(t, trialEntry)); !got.Active {
		t.Error("voiding the incident took back the trial")
	}
	got, _ := s.db.Entry(ctx, e.ID)
	if got.Active || got.DeactivatedBy != s.staff("patel").ID || got.DeactivatedReason != "voided by an admin: logged for the wrong student" {
		t.Errorf("voided entry %+v", got)
	}
	audit, _ := s.db.Audit(ctx, e.StudentID)
	found := false
	for _, a := range audit {
		if a.Action == "deactivate" && a.EntityID == e.ID && a.StaffID == s.staff("patel").ID && strings.Contains(a.Detail, "logged for the wrong student") {
			found = true
		}
	}
	if !found {
		t.Errorf("no audit row of the void: %+v", audit)
	}
	rep, err := export.Build(ctx, s.db, e.StudentID, "2026-11-24", "2026-11-24")
	if err != nil {
		t.Fatal(err)
	}
	if len(rep.Incidents) != 1 || rep.Incidents[0].Voided == nil || rep.Incidents[0].Voided.By != "patel" ||
		rep.Incidents[0].Record.HoldType != "physical escort" {
		t.Errorf("export incidents %+v, want the restraint marked voided by patel", rep.Incidents)
	}
	// A para's own incident without restraint, seclusion or injury is undone as before.
	s.do("lee", "/incident S101 ran a=x c=y sev=1 injury=no restraint=no seclusion=no")
	if r := s.undo("lee", "/undo"); r.IsError || !strings.HasPrefix(r.Text, "Undone: ") {
		t.Errorf("undo of a plain incident: %s", r.Text)
	}
}

// TestLikelyDuplicateAsksFirst: the same values of the same goal within a
// few minutes are stored only after the para confirms.
func TestLikelyDuplicateAsksFirst(t *testing.T) {
	s := newSchool(t)
	ctx := context.Background()
	if r := s.do("lee", "/data liam G2 3"); r.IsError {
		t.Fatal(r.Text)
	}
	s.now = s.now.Add(2 * time.Minute)
	r := s.do("lee", "/data liam G2 3")
	if !r.IsError || !strings.HasPrefix(r.Text, "This looks like a duplicate: You logged the same for Liam C. (S102) G2 at 10:00.") ||
		len(r.Buttons) != 1 || r.Buttons[0].Label != "Log it again" {
		t.Fatalf("a likely duplicate: %+v", r)
	}
	liam, _ := s.db.StudentByCode(ctx, s.staff("lee").SchoolID, "S102")
	count := func() int {
		se, _ := s.db.Sessions(ctx, storage.Filter{StudentID: liam.ID})
		return len(se)
	}
	if n := count(); n != 1 {
		t.Fatalf("%d sessions before confirming, want 1", n)
	}
	// Other values, or the same later on, are not duplicates.
	if r := s.do("lee", "/data liam G2 4"); r.IsError {
		t.Errorf("other values: %s", r.Text)
	}
	r = s.router.HandlePress(ctx, bot.Press{Platform: storage.PlatformShell, UserID: "lee", Action: r.Buttons[0].Action, Value: r.Buttons[0].Value})
	if r.IsError || !strings.HasPrefix(r.Text, "Logged for Liam C. (S102) — G2 take turns with a peer: count 3") {
		t.Errorf("confirmed duplicate: %+v", r)
	}
	if n := count(); n != 3 {
		t.Errorf("%d sessions, want 3", n)
	}
	s.do("lee", "/trial ava G1 + v")
	if r := s.do("lee", "/trial ava G1 + v"); !r.IsError || !strings.Contains(r.Text, "looks like a duplicate") {
		t.Errorf("a repeated /trial: %+v", r)
	}
	if r := s.do("lee", "/trial ava G1 + v again=yes"); r.IsError {
		t.Errorf("again=yes: %s", r.Text)
	}
	s.now = s.now.Add(10 * time.Minute)
	if r := s.do("lee", "/trial ava G1 + v"); r.IsError {
		t.Errorf("the same ten minutes later: %s", r.Text)
	}
}

// TestTextNamingAnotherStudent: free text with another student's rostered
// first or last name is flagged before saving; the para replaces it with
// the code or keeps it.
func TestTextNamingAnotherStudent(t *testing.T) {
	s := newSchool(t)
	ctx := context.Background()
	r := s.do("lee", "/incident S101 pushed liam in line a=lining up c=moved to the front sev=2")
	if !r.IsError || r.Param != "behavior" || !strings.Contains(r.Text, `The behavior names "liam", a student of this school (S102).`) ||
		len(r.Buttons) != 2 || r.Buttons[0].Label != "Use S102 instead" || r.Buttons[1].Label != "Keep the name" {
		t.Fatalf("a name in the text: %+v", r)
	}
	s.nothingStored()
	replaced := s.router.HandlePress(ctx, bot.Press{Platform: storage.PlatformShell, UserID: "lee", Action: r.Buttons[0].Action, Value: r.Buttons[0].Value})
	if replaced.IsError {
		t.Fatalf("replaced: %s", replaced.Text)
	}
	ava, _ := s.db.StudentByCode(ctx, s.staff("lee").SchoolID, "S101")
	ins, _ := s.db.Incidents(ctx, storage.Filter{StudentID: ava.ID})
	if len(ins) != 1 || ins[0].Behavior != "pushed S102 in line" {
		t.Errorf("incidents %+v, want the name replaced by the code", ins)
	}
	// A witness who is a student is named by code.
	r = s.do("lee", "/incident S101 yelled a=x c=y sev=1 witnesses=Maria Rivera, Liam")
	if !r.IsError || r.Param != "witnesses" || len(r.Buttons) != 2 {
		t.Fatalf("a student witness by name: %+v", r)
	}
	if w := s.router.HandlePress(ctx, bot.Press{Platform: storage.PlatformShell, UserID: "lee", Action: r.Buttons[0].Action, Value: r.Buttons[0].Value}); w.IsError {
		t.Fatalf("witness replaced: %s", w.Text)
	}
	ins, _ = s.db.Incidents(ctx, storage.Filter{StudentID: ava.ID})
	if len(ins) != 2 || strings.Join(ins[1].Details.Witnesses, "|") != "Maria Rivera|S102" {
		t.Errorf("witnesses %+v, want Maria Rivera and S102", ins[len(ins)-1].Details)
	}
	// The student's own name is fine; another's in a note is flagged, and may be kept.
	if r := s.do("lee", "/note S101 Ava read a whole page today"); r.IsError {
		t.Errorf("own name: %s", r.Text)
	}
	r = s.do("lee", "/note S101 played with Aiden Brooks at recess")
	if !r.IsError || len(r.Buttons) != 2 {
		t.Fatalf("another's name in a note: %+v", r)
	}
	kept := s.router.HandlePress(ctx, bot.Press{Platform: storage.PlatformShell, UserID: "lee", Action: r.Buttons[1].Action, Value: r.Buttons[1].Value})
	if kept.IsError || !strings.HasPrefix(kept.Text, "Note about Ava B. (S101) sent to") {
		t.Errorf("kept: %+v", kept)
	}
	// Two students share the name: no replacement is guessed.
	if r := s.do("lee", "/trial ava G1 + -- sat next to sofia"); !r.IsError || !strings.Contains(r.Text, `The note names "sofia", a student of this school (S104 or S106).`) ||
		len(r.Buttons) != 1 || r.Buttons[0].Label != "Keep the name" {
		t.Errorf("a comment naming two students: %+v", r)
	}
}

// TestHelpGoal: /help with a student and a goal code shows that goal.
func TestHelpGoal(t *testing.T) {
	s := newSchool(t)
	for _, line := range []string{"/help aiden G2", "/help g2 S103"} {
		r := s.do("lee", line)
		if r.IsError || !strings.HasPrefix(r.Text, "Aiden B. (S103) — G2 ask for a break (behavior, frequency)\nWhen frustrated, Aiden will ask") ||
			!strings.Contains(r.Text, "\nLog it: /data S103 G2 <values>: a count, like 3") {
			t.Errorf("%s:\n%s", line, r.Text)
		}
	}
	if r := s.do("okafor", "/help S104 G2"); r.IsError || !strings.Contains(r.Text, "\nSteps: unpack | hang coat | turn in folder | start morning work") {
		t.Errorf("/help S104 G2:\n%s", r.Text)
	}
	if r := s.do("lee", "/help aiden G9"); !r.IsError || !strings.Contains(r.Text, `Goal "G9" not found`) {
		t.Errorf("/help aiden G9: %+v", r)
	}
	if r := s.do("lee", "/help S104 G1"); !r.IsError || !strings.Contains(r.Text, "not on your caseload") {
		t.Errorf("another para's student: %+v", r)
	}
	if r := s.do("lee", "/help data"); r.IsError || !strings.Contains(r.Text, "\n  task_analysis: one code per step") {
		t.Errorf("/help data:\n%s", r.Text)
	}
}

// TestConcernNotUrgent: a concern whose text ends "not urgent" is not
// urgent, and keeps its words; one ending "urgent" is.
func TestConcernNotUrgent(t *testing.T) {
	s := newSchool(t)
	r := s.do("lee", "/concern S101 upset at lunch, but not urgent")
	if r.IsError || !strings.Contains(r.Text, "within 30m") {
		t.Errorf("not urgent: %q, want the usual 30m timeout", r.Text)
	}
	r = s.do("lee", "/concern S101 upset at lunch urgent")
	if r.IsError || !strings.Contains(r.Text, "within 10m") {
		t.Errorf("urgent: %q, want the urgent 10m timeout", r.Text)
	}
	ctx := context.Background()
	for id, want := range map[int64]struct {
		body   string
		urgent bool
	}{1: {"upset at lunch, but not urgent", false}, 2: {"upset at lunch", true}} {
		e, err := s.db.Escalation(ctx, id)
		if err != nil || e.Body != want.body || e.Urgent != want.urgent {
			t.Errorf("escalation %d = %q urgent %t, %v; want %q urgent %t", id, e.Body, e.Urgent, err, want.body, want.urgent)
		}
	}
}
