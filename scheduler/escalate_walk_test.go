package scheduler_test

import (
	"context"
	"fmt"
	"slices"
	"strconv"
	"strings"
	"testing"
	"time"

	"parabot/bot"
	"parabot/commands"
	"parabot/scheduler"
	"parabot/storage"
)

// escWalker is a walker with the commands, to raise concerns and press
// the buttons of the messages they send.
type escWalker struct {
	*walker
	router *bot.Router
}

func newEscWalker(t *testing.T, w *walker) *escWalker {
	r := bot.NewRouter(w.db, quiet(), w.clock.Now, commands.All(commands.Deps{Store: w.db, Log: quiet()}))
	r.SetCovering(commands.Covering(w.db))
	return &escWalker{walker: w, router: r}
}

// do runs a command line as a shell handle, then lets the jobs run.
func (w *escWalker) do(user, line string) bot.Reply {
	w.t.Helper()
	name, text, _ := strings.Cut(strings.TrimPrefix(line, "/"), " ")
	r := w.router.Handle(context.Background(), bot.Request{Platform: storage.PlatformShell, UserID: user, Command: name, Text: text})
	w.idle()
	return r
}

// press presses a button of an escalation message as a shell handle.
func (w *escWalker) press(user, action string, id int64) bot.Reply {
	w.t.Helper()
	r := w.router.HandlePress(context.Background(), bot.Press{Platform: storage.PlatformShell, UserID: user, Action: action, Value: strconv.FormatInt(id, 10)})
	w.idle()
	return r
}

// expectEsc checks the escalation messages (those naming an escalation
// #id) that arrived since the last check; reminders are left out.
func (w *escWalker) expectEsc(when string, want ...string) {
	w.t.Helper()
	w.expectHaving(when, " #", want...)
}

// timeline checks an escalation's timeline as /escalation shows it.
func (w *escWalker) timeline(id int64, want ...string) {
	w.t.Helper()
	steps, err := w.db.EscalationSteps(context.Background(), id)
	if err != nil {
		w.t.Fatal(err)
	}
	staff, _ := w.db.ListStaff(context.Background(), w.staff("lee").SchoolID)
	names := map[int64]string{}
	for _, s := range staff {
		names[s.ID] = s.Name
	}
	got := commands.TimelineLines(steps, names, w.loc)
	if !slices.Equal(got, want) {
		w.t.Errorf("timeline of #%d\n got:\n  %s\nwant:\n  %s", id, strings.Join(got, "\n  "), strings.Join(want, "\n  "))
	}
}

// checkReply fails unless a reply starts with want and is (or is not) an error.
func checkReply(t *testing.T, what string, r bot.Reply, isErr bool, want string) {
	t.Helper()
	if r.IsError != isErr || !strings.HasPrefix(r.Text, want) {
		t.Errorf("%s: reply %q (error %t), want %q (error %t)", what, r.Text, r.IsError, want, isErr)
	}
}

// Monday Nov 2 2026, 09:00 EST, a school day (first bell 08:30,
// dismissal 15:10); the demo's ladder is Maria Rivera (teacher), then
// Dr. Anil Patel (admin), 30 minutes each, 10 when urgent.
var escStart = time.Date(2026, 11, 2, 14, 0, 0, 0, time.UTC)

const (
	concern1 = "Concern #1 about Ava B. (S101) from Jamie Lee: refused lunch and says her stomach hurts"
	concern2 = "Concern #2 about Liam C. (S102) from Jamie Lee: came in upset, won't say why"
)

// TestWalkEscalationLadder walks concerns up the demo's ladder:
// acknowledged on level 1 (a second press and a stranger's refused);
// unanswered and moved to level 2, resolved there with a note (an
// acknowledge after it refused), then reopened, which starts again at
// level 1.
func TestWalkEscalationLadder(t *testing.T) {
	w := newEscWalker(t, newWalker(t, escStart))
	w.to("2026-11-02 09:00")
	w.box.take()

	r := w.do("lee", "/concern S101 refused lunch and says her stomach hurts")
	checkReply(t, "/concern", r, false, "Concern #1 about Ava B. (S101) raised. Sent to Maria Rivera. If nobody acknowledges within 30m, it goes to level 2 (admin).")
	w.expectEsc("concern raised", "Mon Nov 2 09:00 EST rivera: "+concern1)
	checkReply(t, "a stranger's Acknowledge", w.press("okafor", scheduler.ActionEscAcknowledge, 1), true,
		"Escalation #1 was not sent to you, so you cannot act on it; nothing changed.")
	w.to("2026-11-02 09:10")
	checkReply(t, "Acknowledge", w.press("rivera", scheduler.ActionEscAcknowledge, 1), false, "You acknowledged concern #1 about Ava B. (S101)")
	checkReply(t, "double-clicked Acknowledge", w.press("rivera", scheduler.ActionEscAcknowledge, 1), true,
		"Escalation #1 was already acknowledged by Maria Rivera; nothing changed.")
	w.expectEsc("acknowledged", "Mon Nov 2 09:10 EST lee: Maria Rivera acknowledged your concern #1 about Ava B. (S101) and is taking it.")
	w.to("2026-11-02 10:00")
	w.expectEsc("after level 1's timeout, acknowledged: nothing")
	w.timeline(1,
		"Mon Nov 2 09:00  opened by Jamie Lee",
		"Mon Nov 2 09:00  level 1: told Maria Rivera",
		"Mon Nov 2 09:10  acknowledged by Maria Rivera")

	w.do("lee", "/concern S102 came in upset, won't say why")
	w.expectEsc("second concern", "Mon Nov 2 10:00 EST rivera: "+concern2)
	w.to("2026-11-02 10:29")
	w.expectEsc("before the timeout")
	w.to("2026-11-02 10:30")
	w.expectEsc("unanswered for 30 minutes",
		"Mon Nov 2 10:30 EST patel: "+concern2,
		"Mon Nov 2 10:30 EST lee: Your concern #2 about Liam C. (S102) was not acknowledged in time; it went to Dr. Anil Patel (level 2).")
	w.to("2026-11-02 10:35")
	r = w.do("patel", "/escalation 2 resolve called home, dad says a rough morning")
	checkReply(t, "resolve", r, false, "Resolved concern #2 about Liam C. (S102).")
	w.expectEsc("resolved", "Mon Nov 2 10:35 EST lee: Dr. Anil Patel resolved your concern #2 about Liam C. (S102).",
		"Mon Nov 2 10:35 EST rivera: Dr. Anil Patel resolved concern #2 about Liam C. (S102); nothing more is asked of you.")
	checkReply(t, "Acknowledge after Resolve", w.press("rivera", scheduler.ActionEscAcknowledge, 2), true,
		"Escalation #2 is already resolved, so it cannot be acknowledged; nothing changed.")
	w.to("2026-11-02 11:00")
	w.expectEsc("resolved at the top: nothing more")

	w.to("2026-11-02 11:05")
	checkReply(t, "reopen", w.do("lee", "/escalation 2 reopen"), false, "Reopened escalation #2 about Liam C. (S102): it starts again at level 1 now.")
	w.expectEsc("reopened", "Mon Nov 2 11:05 EST rivera: "+concern2)
	w.to("2026-11-02 11:35")
	w.expectEsc("reopened and unanswered",
		"Mon Nov 2 11:35 EST patel: "+concern2,
		"Mon Nov 2 11:35 EST lee: Your concern #2 about Liam C. (S102) was not acknowledged in time; it went to Dr. Anil Patel (level 2).")
	w.timeline(2,
		"Mon Nov 2 10:00  opened by Jamie Lee",
		"Mon Nov 2 10:00  level 1: told Maria Rivera",
		"Mon Nov 2 10:30  moved up to level 2: told Dr. Anil Patel",
		"Mon Nov 2 10:35  resolved by Dr. Anil Patel (called home, dad says a rough morning)",
		"Mon Nov 2 11:05  reopened by Jamie Lee",
		"Mon Nov 2 11:05  level 1: told Maria Rivera",
		"Mon Nov 2 11:35  moved up to level 2: told Dr. Anil Patel")
}

// TestWalkEscalationAbsentAndAfterHours: an absent teacher is skipped and
// the skip recorded; after dismissal a concern waits for the next
// school morning while an urgent one goes up at once.
func TestWalkEscalationAbsentAndAfterHours(t *testing.T) {
	w := newEscWalker(t, newWalker(t, escStart))
	w.to("2026-11-02 09:00")
	w.absent(storage.Absence{StaffID: w.staff("rivera").ID, From: "2026-11-02", To: "2026-11-02"})
	w.box.take()
	r := w.do("lee", "/concern S101 refused lunch and says her stomach hurts")
	checkReply(t, "/concern with the teacher absent", r, false, "Concern #1 about Ava B. (S101) raised. Sent to Dr. Anil Patel. (Maria Rivera absent.)")
	w.expectEsc("teacher absent",
		"Mon Nov 2 09:00 EST patel: "+concern1,
		"Mon Nov 2 09:00 EST lee: Your concern #1 about Ava B. (S101) went to Dr. Anil Patel (level 2).")
	w.timeline(1,
		"Mon Nov 2 09:00  opened by Jamie Lee",
		"Mon Nov 2 09:00  level 1 skipped (nobody present: Maria Rivera absent)",
		"Mon Nov 2 09:00  moved up to level 2: told Dr. Anil Patel")

}

// TestWalkEscalationAfterHours: after dismissal a concern waits for the
// next school morning (Tuesday Nov 3 is a closure: Wednesday's first
// bell), while an urgent one goes up at once.
func TestWalkEscalationAfterHours(t *testing.T) {
	w := newEscWalker(t, newWalker(t, escStart))
	w.to("2026-11-02 15:15")
	for _, h := range [][3]string{{"lee", "S101", "bus"}, {"lee", "S102", "pickup"}, {"lee", "S103", "bus"}, {"okafor", "S105", "bus"}} {
		w.handoff(h[0], h[1], h[2], "2026-11-02 15:15") // everyone released: no unaccounted student to escalate
	}
	w.to("2026-11-02 16:00")
	w.box.take()
	r := w.do("lee", "/concern S102 came in upset, won't say why")
	checkReply(t, "after hours", r, false, "Concern #1 about Liam C. (S102) raised. It is outside school hours: it goes to Maria Rivera at 08:30 Wed Nov 4.")
	r = w.do("lee", "/concern S103 said someone hurts him at home urgent")
	checkReply(t, "urgent after hours", r, false, "Concern #2 about Aiden B. (S103) raised. Sent to Maria Rivera. If nobody acknowledges within 10m")
	urgent := "URGENT Concern #2 about Aiden B. (S103) from Jamie Lee: said someone hurts him at home"
	w.expectEsc("urgent after hours", "Mon Nov 2 16:00 EST rivera: "+urgent)
	w.to("2026-11-02 16:10")
	w.expectEsc("urgent, unanswered for 10 minutes",
		"Mon Nov 2 16:10 EST patel: "+urgent,
		"Mon Nov 2 16:10 EST lee: Your concern #2 about Aiden B. (S103) was not acknowledged in time; it went to Dr. Anil Patel (level 2).")
	w.to("2026-11-04 08:29")
	w.expectEsc("overnight and the closure")
	w.to("2026-11-04 08:30")
	w.expectEsc("Wednesday's first bell", "Wed Nov 4 08:30 EST rivera: "+strings.Replace(concern2, "#2", "#1", 1))
	w.timeline(1,
		"Mon Nov 2 16:00  opened by Jamie Lee",
		"Wed Nov 4 08:30  level 1: told Maria Rivera (waited for school hours)")
}

// restraint is a restraint logged by Jamie Lee at 09:00 with its record.
const restraint = "/incident S101 hit staff a=transition to lunch c=walked with staff sev=3 restraint=yes " +
	"hold=physical escort start=8:50 end=8:53 applied_by=Jamie Lee observation=calm, breathing normal"

// expectNotice checks the parent-notice messages since the last check.
func (w *escWalker) expectNotice(when string, want ...string) {
	w.t.Helper()
	w.expectHaving(when, "arent notice", want...)
}

// expectHaving checks the messages holding part since the last check;
// the others are left out.
func (w *escWalker) expectHaving(when, part string, want ...string) {
	w.t.Helper()
	var got []string
	for _, m := range w.box.take() {
		if strings.Contains(m, part) {
			got = append(got, m)
		}
	}
	slices.Sort(want)
	if !slices.Equal(got, want) {
		w.t.Errorf("%s: messages with %q\n got:\n  %s\nwant:\n  %s", when, part, strings.Join(got, "\n  "), strings.Join(want, "\n  "))
	}
}

// TestWalkRestraintParentNotice: a restraint opens an urgent escalation
// and the teacher's parent-notice task; the oral notice, not given in 24
// hours, reaches the admin; the teacher is reminded each school morning
// (not on Tuesday's closure) until the written notice is marked, and an
// oral notice marked late stops the reminders.
func TestWalkRestraintParentNotice(t *testing.T) {
	w := newEscWalker(t, newWalker(t, escStart))
	w.to("2026-11-02 09:00")
	w.box.take()
	r := w.do("lee", restraint)
	var incident int64
	if _, err := fmt.Sscanf(r.Text[strings.Index(r.Text, "Parent notice (incident "):], "Parent notice (incident %d)", &incident); err != nil {
		t.Fatalf("reply %q: %v", r.Text, err)
	}
	id := strconv.FormatInt(incident, 10)
	checkReply(t, "the owner's /notified in the future", w.do("rivera", "/notified "+id+" method=phone at=11:00"), true, "11:00 is in the future")
	checkReply(t, "/notified by another", w.do("patel", "/notified "+id+" method=phone"), true,
		"The parent notice of incident "+id+" is Maria Rivera's task; only they can mark it. Nothing changed.")
	due := "Parent notice due for incident " + id + " (Ava B. (S101), Mon Nov 2 09:00):"
	w.expectNotice("restraint logged", "Mon Nov 2 09:00 EST rivera: "+due)
	w.to("2026-11-03 09:00")
	oral := "OVERDUE: the oral parent notice of incident " + id + " (Ava B. (S101)) was due Tue Nov 3 09:00 and is not marked given. Owner: see /notified " + id + "."
	w.expectNotice("24 hours later", "Tue Nov 3 09:00 EST rivera: "+oral, "Tue Nov 3 09:00 EST patel: "+oral)
	w.to("2026-11-04 09:00")
	w.expectNotice("Wednesday morning (Tuesday was a closure)", "Wed Nov 4 08:30 EST rivera: "+due)
	if text := w.box.full["Wed Nov 4 08:30 EST rivera: "+due]; !strings.Contains(text, "\noral notice (phone or in person) by Tue Nov 3 09:00\nwritten notice (email or letter) by Fri Nov 6 15:10\n") {
		t.Errorf("reminder %q", text)
	}
	checkReply(t, "written notice", w.do("rivera", "/notified "+id+" method=letter mailed home"), false, "Marked the written parent notice of incident "+id+" given (letter)")
	w.to("2026-11-05 09:00")
	w.expectNotice("Thursday morning: the oral notice is still missing", "Thu Nov 5 08:30 EST rivera: "+due)
	checkReply(t, "late oral notice", w.do("rivera", "/notified "+id+" method=in person at=yesterday 16:00 -- met mom at pickup"), false,
		"Marked the oral parent notice of incident "+id+" given (in person) at Wed Nov 4 16:00.")
	w.to("2026-11-09 09:00")
	w.expectNotice("both given: no more reminders, nothing overdue")
	n, err := w.db.ParentNotice(context.Background(), incident)
	if err != nil || n.OralMethod != "in person" || n.OralNote != "met mom at pickup" || n.WrittenMethod != "letter" || n.WrittenNote != "mailed home" {
		t.Errorf("task %+v, %v", n, err)
	}
}

// TestWalkEscalationTwoReplicasRestart walks a concern up the ladder on
// two serve replicas sharing Postgres, with both stopped between the
// steps (as a kill would) and the clock moved past the timeout while
// they are down: level 2 is told once, when they come back.
func TestWalkEscalationTwoReplicasRestart(t *testing.T) {
	w := newEscWalker(t, newPostgresWalker(t, escStart, 2))
	w.to("2026-11-02 09:00")
	w.box.take()
	w.do("lee", "/concern S101 refused lunch and says her stomach hurts")
	w.expectEsc("concern raised", "Mon Nov 2 09:00 EST rivera: "+concern1)
	w.stop()
	w.clock.Set(w.at("2026-11-02 09:45"))
	w.start()
	w.to("2026-11-02 10:00")
	w.expectEsc("after the restart, once",
		"Mon Nov 2 09:45 EST patel: "+concern1,
		"Mon Nov 2 09:45 EST lee: Your concern #1 about Ava B. (S101) was not acknowledged in time; it went to Dr. Anil Patel (level 2).")
	w.timeline(1,
		"Mon Nov 2 09:00  opened by Jamie Lee",
		"Mon Nov 2 09:00  level 1: told Maria Rivera",
		"Mon Nov 2 09:45  moved up to level 2: told Dr. Anil Patel")
}

// fields renders a delivered message's fields, one "Label: value" a line.
func (w *escWalker) fields(key string) string {
	w.t.Helper()
	w.box.mu.Lock()
	defer w.box.mu.Unlock()
	for _, p := range w.box.replies {
		if p.key == key {
			var lines []string
			for _, f := range p.reply.Fields {
				lines = append(lines, f.Label+": "+f.Value)
			}
			return strings.Join(lines, "\n")
		}
	}
	w.t.Errorf("no message %q", key)
	return ""
}

// TestWalkSevereIncidentOneMessageEach: a restraint tells each person
// once: the teacher by the escalation's message with its buttons, the
// admin by one FYI saying when they will be asked to act; both carry the
// whole record (unanswered questions "not recorded"). Unacknowledged, the
// ladder's own message reaches the admin at the urgent timeout.
func TestWalkSevereIncidentOneMessageEach(t *testing.T) {
	w := newEscWalker(t, newWalker(t, escStart))
	w.to("2026-11-02 09:00")
	w.box.take()
	r := w.do("lee", "/incident S101 hit staff a=transition to lunch c=walked with staff sev=3 restraint=yes injury=yes injured=staff "+
		"hold=physical escort start=8:50 end=8:53 applied_by=Jamie Lee observation=calm, breathing normal staff=Jamie Lee witnesses=S102")
	checkReply(t, "restraint", r, false, "Logged incident for Ava B. (S101)")
	if r.Context != "Severe incident: 2 direct messages are being sent to the teacher and admin now." {
		t.Errorf("context %q", r.Context)
	}
	alert := "URGENT Incident #1 about Ava B. (S101) from Jamie Lee: severity 3, injury, restraint. hit staff"
	fyi := "Severe incident: Ava B. (S101), logged by Jamie Lee. Escalation #1 went to Maria Rivera; you will be asked to act if nobody acknowledges it by 09:10."
	w.expectEsc("restraint logged", "Mon Nov 2 09:00 EST rivera: "+alert, "Mon Nov 2 09:00 EST patel: "+fyi)
	record := "When: Mon Nov 2 09:00\nFacts: severity 3, injury, restraint\nInjury, restraint, seclusion: injury: yes, restraint: yes, seclusion: not recorded\n" +
		"Antecedent: transition to lunch\nBehavior: hit staff\nConsequence: walked with staff\nStaff involved: Jamie Lee\nWitnesses: S102\n" +
		"Injured: staff\nSeen by the nurse: not recorded\nRestraint or seclusion: physical escort, 08:50 to 08:53 (3m)\n" +
		"Applied by: Jamie Lee\nObservation: calm, breathing normal"
	for _, key := range []string{"Mon Nov 2 09:00 EST rivera: " + alert, "Mon Nov 2 09:00 EST patel: " + fyi} {
		if got := w.fields(key); got != record {
			t.Errorf("record of %q\n got:\n%s\nwant:\n%s", key, got, record)
		}
	}
	w.to("2026-11-02 09:10")
	w.expectEsc("unacknowledged for 10 minutes",
		"Mon Nov 2 09:10 EST patel: "+alert,
		"Mon Nov 2 09:10 EST lee: Your incident #1 about Ava B. (S101) was not acknowledged in time; it went to Dr. Anil Patel (level 2).")
	if got := w.fields("Mon Nov 2 09:10 EST patel: " + alert); got != record {
		t.Errorf("level 2's record\n got:\n%s\nwant:\n%s", got, record)
	}
	// The admin's messages name the number /void takes; the teacher's do not offer it.
	for key, want := range map[string]bool{"Mon Nov 2 09:00 EST patel: " + fyi: true, "Mon Nov 2 09:10 EST patel: " + alert: true, "Mon Nov 2 09:00 EST rivera: " + alert: false} {
		if got := strings.HasSuffix(w.box.full[key], "\nLogged in error? Only an admin can take it back: /void incident 1 <reason> (it asks to confirm)."); got != want {
			t.Errorf("%q says how to void it: %t, want %t", w.box.full[key], got, want)
		}
	}
	w.timeline(1,
		"Mon Nov 2 09:00  opened by Jamie Lee",
		"Mon Nov 2 09:00  level 1: told Maria Rivera",
		"Mon Nov 2 09:10  moved up to level 2: told Dr. Anil Patel")
}

// expectDebrief checks the debrief messages since the last check.
func (w *escWalker) expectDebrief(when string, want ...string) {
	w.t.Helper()
	w.expectHaving(when, "ebrief", want...)
}

// TestWalkRestraintDebrief: the demo school asks for a debrief after a
// restraint, due by dismissal of the 2nd school day after it (Tuesday is
// a closure: Thursday 15:10). The teacher is reminded at once and each
// school morning; at the deadline the teacher and the admin hear it is
// overdue; /debriefed (only by the owner, once) closes it and puts it on
// the escalation's timeline.
func TestWalkRestraintDebrief(t *testing.T) {
	w := newEscWalker(t, newWalker(t, escStart))
	w.to("2026-11-02 09:00")
	w.box.take()
	r := w.do("lee", restraint)
	if !strings.Contains(r.Text, "\nDebrief (incident 1) is Maria Rivera's task: by Thu Nov 5 15:10.") {
		t.Fatalf("reply %q", r.Text)
	}
	due := "Debrief due for incident 1 (Ava B. (S101), Mon Nov 2 09:00) by Thu Nov 5 15:10."
	w.expectDebrief("restraint logged", "Mon Nov 2 09:00 EST rivera: "+due)
	w.to("2026-11-04 09:00")
	w.expectDebrief("Wednesday morning (Tuesday was a closure)", "Wed Nov 4 08:30 EST rivera: "+due)
	checkReply(t, "/debriefed by another", w.do("patel", "/debriefed 1"), true,
		"The debrief of incident 1 is Maria Rivera's task; only they can mark it. Nothing changed.")
	checkReply(t, "/debriefed of an incident without one", w.do("rivera", "/debriefed 99"), true, "Incident 99 has no debrief task")
	w.to("2026-11-05 15:10")
	overdue := "OVERDUE: the debrief of incident 1 (Ava B. (S101)) was due Thu Nov 5 15:10 and is not marked held. Owner: see /debriefed 1."
	w.expectDebrief("Thursday: the morning reminder, then overdue at dismissal",
		"Thu Nov 5 08:30 EST rivera: "+due, "Thu Nov 5 15:10 EST rivera: "+overdue, "Thu Nov 5 15:10 EST patel: "+overdue)
	w.to("2026-11-05 15:30")
	checkReply(t, "/debriefed", w.do("rivera", "/debriefed 1 with Jamie Lee and the nurse; new break plan"), false,
		"Marked the debrief of incident 1 held at Thu Nov 5 15:30.")
	checkReply(t, "second /debriefed", w.do("rivera", "/debriefed 1"), true, "The debrief of incident 1 was marked held already; nothing changed.")
	w.to("2026-11-09 09:00")
	w.expectDebrief("held: no more reminders")
	steps, err := w.db.EscalationSteps(context.Background(), 1)
	if err != nil {
		t.Fatal(err)
	}
	staff, _ := w.db.ListStaff(context.Background(), w.staff("lee").SchoolID)
	names := map[int64]string{}
	for _, s := range staff {
		names[s.ID] = s.Name
	}
	lines := commands.TimelineLines(steps, names, w.loc)
	if last := lines[len(lines)-1]; last != "Thu Nov 5 15:30  debrief held, marked by Maria Rivera (with Jamie Lee and the nurse; new break plan)" {
		t.Errorf("timeline ends with %q", last)
	}
}

// TestWalkVoidedRestraintTasksEnd: a restraint logged in error and voided
// by an admin owes the family no notice and nobody a debrief: the tasks'
// later reminders and overdue messages are not sent.
func TestWalkVoidedRestraintTasksEnd(t *testing.T) {
	w := newEscWalker(t, newWalker(t, escStart))
	w.to("2026-11-02 09:00")
	w.box.take()
	r := w.do("lee", restraint)
	checkReply(t, "restraint", r, false, "Logged incident for Ava B. (S101): severity 3, restraint.")
	due := "Parent notice due for incident 1 (Ava B. (S101), Mon Nov 2 09:00):"
	w.expectNotice("restraint logged", "Mon Nov 2 09:00 EST rivera: "+due)
	in, err := w.db.Incident(context.Background(), 1)
	if err != nil {
		t.Fatal(err)
	}
	confirm := w.do("patel", "/void incident 1 logged for the wrong student")
	checkReply(t, "the admin's /void", confirm, false, "Void incident 1? About Ava B. (S101)")
	if len(confirm.Buttons) != 1 {
		t.Fatalf("/void offers no confirmation: %+v", confirm)
	}
	checkReply(t, "the admin's confirmation", w.pressButton("patel", confirm.Buttons[0]), false, "Voided incident 1")
	if e, err := w.db.Entry(context.Background(), in.EntryID); err != nil || e.Active {
		t.Errorf("the incident's entry after the void: %+v, %v", e, err)
	}
	w.to("2026-11-06 16:00") // past the oral, debrief and written deadlines
	var late []string
	for _, m := range w.box.take() {
		if strings.Contains(m, "arent notice") || strings.Contains(strings.ToLower(m), "debrief") {
			late = append(late, m)
		}
	}
	if len(late) > 0 {
		t.Errorf("after the void, the incident's tasks still sent:\n  %s", strings.Join(late, "\n  "))
	}
}

// pressButton presses a button of a reply as a shell handle, then lets
// the jobs run.
func (w *escWalker) pressButton(user string, b bot.Button) bot.Reply {
	w.t.Helper()
	r := w.router.HandlePress(context.Background(), bot.Press{Platform: storage.PlatformShell, UserID: user, Action: b.Action, Value: b.Value})
	w.idle()
	return r
}

// onBothEngines runs a walk on one SQLite serve and on one Postgres serve.
func onBothEngines(t *testing.T, start time.Time, walk func(t *testing.T, w *escWalker)) {
	t.Run("sqlite", func(t *testing.T) { walk(t, newEscWalker(t, newWalker(t, start))) })
	t.Run("postgres", func(t *testing.T) { walk(t, newEscWalker(t, newPostgresWalker(t, start, 1))) })
}

// TestWalkUndoneIncidentWithdrawn: a para takes back two incidents that
// opened escalations, one still open (the Undo button), one acknowledged
// (/undo): each escalation is withdrawn with the entry, the teacher it
// reached is told once, its timeline ends with the withdrawal, the
// ladder's next step sends nothing when it comes due, and the buttons of
// the alert answer that it was withdrawn.
func TestWalkUndoneIncidentWithdrawn(t *testing.T) {
	onBothEngines(t, escStart, func(t *testing.T, w *escWalker) {
		w.to("2026-11-02 09:00")
		w.box.take()
		first := w.do("lee", "/incident S101 hit a peer a=x c=y sev=4")
		checkReply(t, "first incident", first, false, "Logged incident for Ava B. (S101): severity 4.")
		if len(first.Buttons) != 1 {
			t.Fatalf("no Undo button: %+v", first)
		}
		second := w.do("lee", "/incident S102 kicked a chair a=x c=y sev=4")
		checkReply(t, "second incident", second, false, "Logged incident for Liam C. (S102): severity 4.")
		w.expect("incidents logged",
			"Mon Nov 2 09:00 EST rivera: Incident #N about Ava B. (S101) from Jamie Lee: severity 4. hit a peer",
			"Mon Nov 2 09:00 EST rivera: Incident #N about Liam C. (S102) from Jamie Lee: severity 4. kicked a chair")
		w.to("2026-11-02 09:02")
		checkReply(t, "acknowledge the second", w.press("rivera", scheduler.ActionEscAcknowledge, 2), false, "You acknowledged incident #2")
		w.expect("acknowledged", "Mon Nov 2 09:02 EST lee: Maria Rivera acknowledged your incident #N about Liam C. (S102) and is taking it.")

		w.to("2026-11-02 09:05")
		r := w.pressButton("lee", first.Buttons[0])
		checkReply(t, "Undo of the open one", r, false, "Undone: Logged incident for A.B. (S101): severity 4.\nIncident #1 is withdrawn: nobody is asked to act on it any more.")
		took1 := "Mon Nov 2 09:05 EST rivera: Jamie Lee took back an entry about Ava B. (S101): Logged incident for A.B. (S101): severity 4."
		w.expect("open one undone", strings.Replace(took1, "#1", "#N", 1))
		if got := w.box.full[took1]; got != "Jamie Lee took back an entry about Ava B. (S101): Logged incident for A.B. (S101): severity 4.\n"+
			"Reason: undone by the author\nIncident #1 is withdrawn: nobody is asked to act on it any more." {
			t.Errorf("the teacher's message %q", got)
		}
		list := w.do("lee", "/undo logged twice")
		checkReply(t, "/undo", list, false, "Which entry do you want to take back? Newest first:\n1. 09:00 Logged incident for L.C. (S102)")
		if len(list.Buttons) != 1 {
			t.Fatalf("/undo lists %+v, want the second incident only", list)
		}
		pick := w.pressButton("lee", list.Buttons[0])
		checkReply(t, "picking it", pick, false, "Take back this entry? Logged incident for L.C. (S102)")
		if len(pick.Buttons) != 1 {
			t.Fatalf("no confirmation: %+v", pick)
		}
		r = w.pressButton("lee", pick.Buttons[0])
		checkReply(t, "/undo of the acknowledged one", r, false, "Undone: Logged incident for L.C. (S102): severity 4.\nIncident #2 is withdrawn")
		w.expect("acknowledged one undone", "Mon Nov 2 09:05 EST rivera: Jamie Lee took back an entry about Liam C. (S102): Logged incident for L.C. (S102): severity 4.")

		w.to("2026-11-02 09:45") // past level 1's 30 minutes
		w.expect("the ladder's next step, after the withdrawal: nothing")
		w.timeline(1,
			"Mon Nov 2 09:00  opened by Jamie Lee",
			"Mon Nov 2 09:00  level 1: told Maria Rivera",
			"Mon Nov 2 09:05  withdrawn: the incident was taken back by Jamie Lee (undone by the author)")
		w.timeline(2,
			"Mon Nov 2 09:00  opened by Jamie Lee",
			"Mon Nov 2 09:00  level 1: told Maria Rivera",
			"Mon Nov 2 09:02  acknowledged by Maria Rivera",
			"Mon Nov 2 09:05  withdrawn: the incident was taken back by Jamie Lee (logged twice)")
		checkReply(t, "Acknowledge after the undo", w.press("rivera", scheduler.ActionEscAcknowledge, 1), true,
			"Escalation #1 was withdrawn: Jamie Lee took the incident back (undone by the author), so it cannot be acknowledged; nothing changed.")
		checkReply(t, "Resolve after the undo", w.press("rivera", scheduler.ActionEscResolve, 2), true,
			"Escalation #2 was withdrawn: Jamie Lee took the incident back (logged twice), so it cannot be resolved; nothing changed.")
		checkReply(t, "reopen after the undo", w.do("lee", "/escalation 1 reopen"), true, "Escalation #1 was withdrawn")
		w.expect("refused presses send nothing")
		for _, id := range []int64{1, 2} {
			if e, err := w.db.Escalation(context.Background(), id); err != nil || e.State != storage.EscalationResolved {
				t.Errorf("escalation %d after the undo: %+v, %v", id, e, err)
			}
		}
	})
}

// TestWalkVoidedRestraintWithdrawn: an admin voids a restraint, by the
// number the admin's alert gives, before the teacher acknowledged it:
// the urgent escalation does not move up to the admin at 09:10; the
// teacher it reached and the para who raised it are told once each.
func TestWalkVoidedRestraintWithdrawn(t *testing.T) {
	onBothEngines(t, escStart, func(t *testing.T, w *escWalker) {
		w.to("2026-11-02 09:00")
		w.box.take()
		checkReply(t, "restraint", w.do("lee", restraint), false, "Logged incident for Ava B. (S101): severity 3, restraint.")
		alert := "Mon Nov 2 09:00 EST rivera: URGENT Incident #N about Ava B. (S101) from Jamie Lee: severity 3, restraint. hit staff"
		fyi := "Mon Nov 2 09:00 EST patel: Severe incident: Ava B. (S101), logged by Jamie Lee. Escalation #N went to Maria Rivera; you will be asked to act if nobody acknowledges it by 09:10."
		w.expect("restraint logged", alert, fyi,
			"Mon Nov 2 09:00 EST rivera: Parent notice due for incident 1 (Ava B. (S101), Mon Nov 2 09:00):",
			"Mon Nov 2 09:00 EST rivera: Debrief due for incident 1 (Ava B. (S101), Mon Nov 2 09:00) by Thu Nov 5 15:10.")
		if !strings.Contains(w.box.full[strings.Replace(fyi, "#N", "#1", 1)], "\nLogged in error? Only an admin can take it back: /void incident 1 <reason> (it asks to confirm).") {
			t.Errorf("the admin's alert does not say how to void it: %q", w.box.full[strings.Replace(fyi, "#N", "#1", 1)])
		}
		w.to("2026-11-02 09:05")
		confirm := w.do("patel", "/void incident 1 logged for the wrong student")
		checkReply(t, "/void", confirm, false, "Void incident 1? About Ava B. (S101), logged Mon Nov 2 09:00 by Jamie Lee")
		if len(confirm.Buttons) != 1 {
			t.Fatalf("/void offers no confirmation: %+v", confirm)
		}
		w.expect("asked to confirm: nothing sent")
		r := w.pressButton("patel", confirm.Buttons[0])
		checkReply(t, "confirmed", r, false, "Voided incident 1 (Ava B. (S101))")
		if !strings.Contains(r.Text, "\nIncident #1 is withdrawn: nobody is asked to act on it any more.") || r.Context != "2 people who were sent it are told it was taken back." {
			t.Errorf("void reply %+v", r)
		}
		took := "Dr. Anil Patel took back an entry about Ava B. (S101): Logged incident for A.B. (S101): severity 3, restraint."
		w.expect("voided", "Mon Nov 2 09:05 EST lee: "+took, "Mon Nov 2 09:05 EST rivera: "+took)
		if got := w.box.full["Mon Nov 2 09:05 EST lee: "+took]; got != took+"\nReason: voided by an admin: logged for the wrong student\n"+
			"Incident #1 is withdrawn: nobody is asked to act on it any more." {
			t.Errorf("the para's message %q", got)
		}
		w.to("2026-11-02 09:30") // past the urgent 10 minutes
		w.expect("no level 2 after the void")
		w.timeline(1,
			"Mon Nov 2 09:00  opened by Jamie Lee",
			"Mon Nov 2 09:00  level 1: told Maria Rivera",
			"Mon Nov 2 09:05  withdrawn: the incident was taken back by Dr. Anil Patel (voided by an admin: logged for the wrong student)")
		checkReply(t, "Acknowledge after the void", w.press("rivera", scheduler.ActionEscAcknowledge, 1), true,
			"Escalation #1 was withdrawn: Dr. Anil Patel took the incident back (voided by an admin: logged for the wrong student), so it cannot be acknowledged; nothing changed.")
	})
}
