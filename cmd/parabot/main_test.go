package main

import (
	"bytes"
	"context"
	"io"
	"net"
	"net/http"
	"os"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"parabot/commands"
	"parabot/config"
)

func env(m map[string]string) func(string) string { return func(k string) string { return m[k] } }

// TestShellDemo runs the README's first command with commands on stdin and
// checks each command works and the teacher's DM arrives.
func TestShellDemo(t *testing.T) {
	db := filepath.Join(t.TempDir(), "demo.db")
	in := strings.Join([]string{
		"/help",
		"/trial S101 G1 + + v - +",
		"/incident S102 threw a pencil at a peer antecedent=asked to start math consequence=break in calm corner severity=2",
		"/transition S101 class bus handoff=driver Mr. Diaz, bus 12",
		"/trial S104 G1 +",
		"/note S102 Finished all his math today!",
		"1",
		"/trial aidan G3 vp vp i 20m ago",
		"1",
		"/transition ava class to speech -- was tired",
		"/data liam G2 3",
		"/data ava G2 8m30s",
		"/goals aiden",
		"/today",
		"/as Rivera", // handles are matched in any case
		"/inbox",
		"/wait 2h",
		"/quit",
	}, "\n") + "\n"
	got, stderr := demoShell(t, db, "2026-11-24T09:00", in)
	for _, want := range []string{
		"You are lee (Jamie Lee, para).",
		"/trial — Log trials of an IEP goal",
		"ok Logged for Ava B. (S101) — G1 request a preferred item or activity: 5 trials, 4 correct, 3 independent (prompted: 1 verbal).",
		"ok Logged incident for Liam C. (S102): severity 2.",
		"ok Logged transition for Ava B. (S101): class → bus, prompt not recorded, released to driver Mr. Diaz, bus 12.",
		"ok Note about Liam C. (S102) sent to Maria Rivera.",
		">> direct message to rivera (Maria Rivera)",
		"Note from Jamie Lee about Liam C. (S102):\n   Finished all his math today!",
		`!! "S104" is not on your caseload.`,
		"ok Undone: Note about L.C. (S102) sent to Maria Rivera.",
		`!! No student on your caseload matches "aidan". Did you mean Aiden B. (S103)?`,
		"   [1] Aiden B. (S103)",
		"ok Logged for Aiden B. (S103) — G3 write his first and last name: 3 trials",
		"ok Logged transition for Ava B. (S101): class → speech, prompt not recorded. Note: was tired",
		"ok Logged for Liam C. (S102) — G2 take turns with a peer: count 3.",
		"ok Logged for Ava B. (S101) — G2 stay on the carpet: duration 8m30s.",
		"ok Aiden B. (S103) — 3 goals:\n   G1 add and subtract two-digit numbers (trials): Using a place-value mat",
		"Aiden B. (S103) — G1 add and subtract two-digit numbers: 0 of 10 trials; G2 ask for a break: 0 of 1 count",
		"You are now rivera (Maria Rivera, teacher).",
		"Jamie Lee took back an entry about Liam C. (S102): Note about L.C. (S102) sent to Maria Rivera.",
		"You have 2 direct messages; /inbox shows them.",
		"The clock moved forward 2h; it is Tue Nov 24 11:00.",
	} {
		if !strings.Contains(got, want) {
			t.Errorf("transcript lacks %q", want)
		}
	}
	if t.Failed() {
		t.Logf("transcript:\n%s\nstderr:\n%s", got, stderr)
	}
}

// TestShellDemoReminders is the README's reminder walk: from 14:00 on a
// Friday, /wait 1h shows the data reminders, the teacher's deadline DM
// and the bus-duty reminder with its roll, each at its time; a number
// presses the duty reminder's buttons (a bus handoff records no prompt
// level); a pickup's Hand off on /dismissal asks who took the student on
// the next line; at the end of bus duty, the students neither released
// nor absent are escalated to the teacher, and the daily summary counts
// the handoffs without calling them independent.
func TestShellDemoReminders(t *testing.T) {
	db := filepath.Join(t.TempDir(), "demo.db")
	in := strings.Join([]string{"/trial S101 G1 + + v - +", "/today", "/wait 1h", "3", "/dismissal", "1", "grandmother", "/wait 1h", "/quit"}, "\n") + "\n"
	got, stderr := demoShell(t, db, "2027-03-12T14:00", in)
	for _, want := range []string{
		"lee Fri 14:00> /trial S101 G1 + + v - +", // G1's five trials: no longer due
		"Reminders still to come today:\n     14:15 data reminder\n     15:00 bus duty reminder",
		">> direct message to lee (Jamie Lee), Fri Mar 12 14:15\n   Data still due today (Fri Mar 12) by 14:45:\n   A.B. (S101): G2, G3\n   L.C. (S102): G1, G2\n   A.B. (S103): G1, G2\n   [1] Log A.B. (S101)",
		">> direct message to rivera (Maria Rivera), Fri Mar 12 14:45\n   Data-entry deadline 14:45 (Fri Mar 12): still missing\n   By Jamie Lee:\n     A.B. (S101): G2, G3",
		">> direct message to lee (Jamie Lee), Fri Mar 12 15:00\n   Reminder: bus duty 15:10–15:30 at Bus loop at the front doors today (Fri Mar 12).\n   Dismissal roll:\n   A.B. (S101): bus 12\n   L.C. (S102): pickup\n   A.B. (S103): bus 7\n   [1] On my way\n   [2] Can't make it\n   [3] Hand off A.B. (S101)",
		"The clock moved forward 1h; it is Fri Mar 12 15:00.",
		"ok Logged transition for Ava B. (S101): class → bus, prompt not recorded, released to bus 12.",
		"A.B. (S101), bus 12: released at 15:00 to bus 12\n   L.C. (S102), pickup: unaccounted",
		"lee Fri 15:00> 1\nok Who took L.C. (S102)? Type /transition S102 class pickup handoff=<who>, e.g. handoff=mother.\n" +
			"/transition S102 class pickup: handoff? (for bus or pickup: who took the student (driver Mr. Lee, mother); /cancel leaves the form)\n" +
			"lee Fri 15:00> grandmother\nok Logged transition for Liam C. (S102): class → pickup, prompt not recorded, released to grandmother.",
		">> direct message to rivera (Maria Rivera), Fri Mar 12 15:30\n   URGENT Unaccounted student #",
		" about Aiden B. (S103) raised by the end-of-duty check of Jamie Lee's bus duty: S103 (bus 7) was neither released nor marked absent when bus duty 15:10–15:30 at Bus loop at the front doors ended at 15:30 (Fri Mar 12); last transition none today.\n   Please acknowledge within 10m (level 1).\n   [1] Acknowledge\n   [2] Resolve\n   [3] Reply",
		">> post in #rivera-class at 15:40\n   Daily summary for Friday, Mar 12",
		"   A.B. (S101): G1 trials: 5 trials, 80% correct, 60% independent;",
	} {
		if !strings.Contains(got, want) {
			t.Errorf("transcript lacks %q", want)
		}
	}
	if strings.Count(got, "Fri Mar 12 14:15\n   Data still due") != 3 {
		t.Errorf("want 3 data reminders at 14:15 (two paras, the therapist)")
	}
	// The day's two handoffs, in the teacher's private copy and the channel's.
	if n := strings.Count(got, "Transitions: 1; bus and pickup handoffs recorded 1 of 1."); n != 4 {
		t.Errorf("the daily summaries count the handoffs of S101 and S102 %d times as \"Transitions: 1; bus and pickup handoffs recorded 1 of 1.\", want 4 (no %% independent)", n)
	}
	if strings.Contains(got, " about Liam C. (S102) raised by") {
		t.Errorf("L.C. (S102), handed off to the adult named in the form, was called unaccounted")
	}
	if t.Failed() {
		t.Logf("transcript:\n%s\nstderr:\n%s", got, stderr)
	}
}

// TestShellDemoAfterDismissal: a first start after bus duty has ended
// sends what is still useful late (the teacher's deadline DM, the daily
// summary) but calls no student unaccounted: the bot was not there to
// hand out the roll, so nobody could log the handoffs.
func TestShellDemoAfterDismissal(t *testing.T) {
	db := filepath.Join(t.TempDir(), "demo.db")
	got, stderr := demoShell(t, db, "2027-03-12T16:00", "/wait 30m\n/quit\n")
	for _, want := range []string{
		">> direct message to rivera (Maria Rivera), Fri Mar 12 16:00\n   Data-entry deadline 14:45 (Fri Mar 12): still missing",
		">> post in #rivera-class at 16:00\n   Daily summary for Friday, Mar 12",
		"The clock moved forward 30m; it is Fri Mar 12 16:30.",
	} {
		if !strings.Contains(got, want) {
			t.Errorf("transcript lacks %q", want)
		}
	}
	if strings.Contains(got, "Unaccounted") {
		t.Errorf("a start after dismissal called students unaccounted")
	}
	if t.Failed() {
		t.Logf("transcript:\n%s\nstderr:\n%s", got, stderr)
	}
}

// demoShell runs parabot shell --demo on db with its clock at clock
// (school time) and in on stdin, and returns its output and errors.
func demoShell(t *testing.T, db, clock, in string) (out, stderr string) {
	t.Helper()
	var o, e bytes.Buffer
	err := Run(context.Background(), []string{"shell", "--demo", "--db", db, "--clock", clock}, env(nil), strings.NewReader(in), &o, &e)
	if err != nil {
		t.Fatalf("shell: %v\nstderr: %s", err, e.String())
	}
	return o.String(), e.String()
}

func TestShellWithoutRoster(t *testing.T) {
	db := filepath.Join(t.TempDir(), "empty.db")
	err := Run(context.Background(), []string{"shell", "--db", db}, env(nil), strings.NewReader(""), io.Discard, io.Discard)
	if err == nil || !strings.Contains(err.Error(), "parabot shell --demo") {
		t.Errorf("err = %v", err)
	}
}

func TestReadmeCommandTable(t *testing.T) {
	readme, err := os.ReadFile("../../README.md")
	if err != nil {
		t.Fatal(err)
	}
	want := "<!-- commands -->\n" + commands.Table(commands.All(commands.Deps{})) + "<!-- /commands -->"
	if !strings.Contains(string(readme), want) {
		t.Errorf("README.md's command table is stale; put this between the markers:\n%s", want)
	}
}

func TestImport(t *testing.T) {
	db := filepath.Join(t.TempDir(), "school.db")
	e := env(map[string]string{"PARABOT_DATABASE_URL": db})
	var out bytes.Buffer
	if err := Run(context.Background(), []string{"import", "--demo"}, e, nil, &out, io.Discard); err != nil {
		t.Fatal(err)
	}
	if !strings.Contains(out.String(), "6 students") {
		t.Errorf("first import: %s", out.String())
	}
	out.Reset()
	if err := Run(context.Background(), []string{"import", "--demo"}, e, nil, &out, io.Discard); err != nil {
		t.Fatal(err)
	}
	if !strings.Contains(out.String(), "nothing created, nothing updated") {
		t.Errorf("re-import should change nothing: %s", out.String())
	}

	bad := t.TempDir()
	os.WriteFile(filepath.Join(bad, "schools.csv"), []byte("name,time_zone,year_start,year_end,day_start,dismissal\nOak,Mars/Olympus,2026-08-31,2027-06-18,08:30,15:10\n"), 0o644)
	var errOut bytes.Buffer
	err := Run(context.Background(), []string{"import", bad}, e, nil, io.Discard, &errOut)
	if err == nil || !strings.Contains(errOut.String(), "Nothing was imported") || !strings.Contains(errOut.String(), "schools.csv:2") {
		t.Errorf("bad import: err %v, stderr %s", err, errOut.String())
	}
	if err := Run(context.Background(), []string{"import"}, e, nil, io.Discard, io.Discard); err != errUsage {
		t.Errorf("import without a folder: %v", err)
	}
}

func TestServeHealthAndShutdown(t *testing.T) {
	cfg, err := config.Load(env(map[string]string{"PARABOT_DATABASE_URL": filepath.Join(t.TempDir(), "serve.db")}))
	if err != nil {
		t.Fatal(err)
	}
	var logs bytes.Buffer
	srv, err := newServer(context.Background(), cfg, newLogger(&logs, "info"))
	if err != nil {
		t.Fatal(err)
	}
	ln, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	ctx, stop := context.WithCancel(context.Background())
	done := make(chan error, 1)
	go func() { done <- srv.Serve(ctx, ln) }()
	base := "http://" + ln.Addr().String()
	client := &http.Client{Timeout: 5 * time.Second}
	// The job workers' first beat comes before serving: /metrics counts
	// this replica.
	for path, want := range map[string]string{"/healthz": "ok", "/readyz": "ready", "/metrics": "\nparabot_replicas 1\n"} {
		resp, err := client.Get(base + path)
		if err != nil {
			t.Fatalf("GET %s: %v", path, err)
		}
		body, _ := io.ReadAll(resp.Body)
		resp.Body.Close()
		if resp.StatusCode != 200 || !strings.Contains(string(body), want) {
			t.Errorf("GET %s: %d %q", path, resp.StatusCode, body)
		}
	}
	stop()
	select {
	case err := <-done:
		if err != nil {
			t.Errorf("shutdown: %v", err)
		}
	case <-time.After(30 * time.Second):
		t.Fatal("serve did not stop after its context ended")
	}
	if !strings.Contains(logs.String(), "shutting down") {
		t.Errorf("logs: %s", logs.String())
	}
}

func TestUsage(t *testing.T) {
	var errOut bytes.Buffer
	if err := Run(context.Background(), nil, env(nil), nil, io.Discard, &errOut); err != errUsage || !strings.Contains(errOut.String(), "parabot shell") {
		t.Errorf("no args: %v %s", err, errOut.String())
	}
	if err := Run(context.Background(), []string{"dance"}, env(nil), nil, io.Discard, io.Discard); err != errUsage {
		t.Errorf("unknown: %v", err)
	}
	if err := Run(context.Background(), []string{"serve"}, env(map[string]string{"PARABOT_LOG_LEVEL": "loud"}), nil, io.Discard, io.Discard); err == nil || !strings.Contains(err.Error(), "PARABOT_LOG_LEVEL") {
		t.Errorf("bad config: %v", err)
	}
}

// TestImportBesideServe checks a roster import runs while parabot serve
// has the SQLite file, and a second serve on it is refused.
func TestImportBesideServe(t *testing.T) {
	db := filepath.Join(t.TempDir(), "school.db")
	e := env(map[string]string{"PARABOT_DATABASE_URL": db})
	cfg, err := config.Load(e)
	if err != nil {
		t.Fatal(err)
	}
	srv, err := newServer(context.Background(), cfg, newLogger(io.Discard, "error"))
	if err != nil {
		t.Fatal(err)
	}
	defer srv.store.Close()
	var out bytes.Buffer
	if err := Run(context.Background(), []string{"import", "--demo"}, e, nil, &out, io.Discard); err != nil {
		t.Fatalf("import beside serve: %v", err)
	}
	if !strings.Contains(out.String(), "6 students") {
		t.Errorf("import: %s", out.String())
	}
	if students, err := srv.store.Students(context.Background(), 1); err != nil || len(students) != 6 {
		t.Errorf("serve sees %d students (%v) after the import", len(students), err)
	}
	if _, err := newServer(context.Background(), cfg, newLogger(io.Discard, "error")); err == nil || !strings.Contains(err.Error(), "in use by another parabot process") {
		t.Errorf("a second serve on the file: %v", err)
	}
}

// TestShellAsksForMissingFields: the terminal asks for a restraint's
// record one field at a time and logs the incident once it is complete.
func TestShellAsksForMissingFields(t *testing.T) {
	db := filepath.Join(t.TempDir(), "demo.db")
	in := strings.Join([]string{
		"/incident ava hit staff a=lining up c=walked with staff sev=3 restraint=yes seclusion=no injury=no",
		"physical escort",
		"20m ago",
		"15m ago",
		"Jamie Lee, Maria Rivera",
		"breathing normal, calm after",
		"/incident ava ran a=lining up c=walked back sev=2 restraint=yes",
		"/today",
		"hold?",
		"/quit",
	}, "\n") + "\n"
	// A school morning: a log at night or on a weekend asks for force=yes.
	got, _ := demoShell(t, db, "2026-11-24T10:00", in)
	for _, want := range []string{
		"Missing hold.", "   hold? Type it on the next line",
		"Missing start.", "   start? Type it",
		"Missing end.", "Missing applied_by.", "Missing observation.",
		"ok Logged incident for Ava B. (S101)",
		"restraint",
		// A command instead of an answer drops the waiting one.
		"Commands start with /",
	} {
		if !strings.Contains(got, want) {
			t.Errorf("transcript lacks %q:\n%s", want, got)
		}
	}
	if n := strings.Count(got, "ok Logged incident"); n != 1 {
		t.Errorf("%d incidents logged, want 1:\n%s", n, got)
	}
}

// TestShellDataReminderForm presses a data reminder's student button in
// the terminal: the /trial form asks for the goal and the trials, one
// line each, then logs them; /cancel leaves a form with nothing saved.
func TestShellDataReminderForm(t *testing.T) {
	db := filepath.Join(t.TempDir(), "demo.db")
	in := strings.Join([]string{"/wait 20m", "2", "/cancel", "1", "G1", "+ + v - +", "/quit"}, "\n") + "\n"
	got, stderr := demoShell(t, db, "2027-03-12T14:00", in)
	for _, want := range []string{
		"[1] Log A.B. (S101)",
		"/trial S101: goal? (the goal code, e.g. G2; /cancel leaves the form)",
		"/trial S101 G1: trials? (",
		"/trial S102: goal? (",
		"The /trial form was left; nothing was saved.\nlee Fri 14:20> 1\n",
		"ok Logged for Ava B. (S101) — G1 request a preferred item or activity: 5 trials",
	} {
		if !strings.Contains(got, want) {
			t.Errorf("transcript lacks %q", want)
		}
	}
	if t.Failed() {
		t.Logf("transcript:\n%s\nstderr:\n%s", got, stderr)
	}
}

// TestShellAsAnyCase: --as takes a handle in any case, with or without
// its @, as /as does.
func TestShellAsAnyCase(t *testing.T) {
	var out, errOut bytes.Buffer
	db := filepath.Join(t.TempDir(), "demo.db")
	if err := Run(context.Background(), []string{"shell", "--demo", "--db", db, "--as", "@Rivera"}, env(nil), strings.NewReader("/quit\n"), &out, &errOut); err != nil {
		t.Fatalf("shell --as @Rivera: %v\nstderr: %s", err, errOut.String())
	}
	if !strings.Contains(out.String(), "You are rivera (Maria Rivera, teacher).") {
		t.Errorf("shell --as @Rivera:\n%s", out.String())
	}
}
