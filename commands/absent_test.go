package commands_test

import (
	"context"
	"maps"
	"reflect"
	"strconv"
	"strings"
	"testing"

	"parabot/bot"
	"parabot/storage"
)

func TestAbsentBadInput(t *testing.T) {
	for _, tc := range []struct {
		user, line, want, param string
	}{
		{"lee", "/absent nobody", `"nobody" is neither a staff handle at your school nor a student code of your caseload`, "who"},
		{"lee", "/absent S104", `"S104" is neither a staff handle`, "who"}, // not on lee's caseload
		{"lee", "/absent okafor", "Only an administrator can mark someone else absent", "who"},
		{"lee", "/absent me 2026-11-26", "2026-11-26 has no school (holiday)", "when"},
		{"lee", "/absent me 2026-11-28", "2026-11-28 has no school (weekend)", "when"},
		{"lee", "/absent me 2027-06-21", "2027-06-21 has no school (outside the school year)", "when"},
		{"lee", "/absent me 2026-11-25..2026-11-24", "starts on 2026-11-25, after its end 2026-11-24", "when"},
		{"lee", "/absent me 2026-11-23", "2026-11-23 is in the past", "when"},
		{"lee", "/absent me someday", `"someday" is not a date`, "when"},
		{"lee", "/absent me tomorrow cover=ghost", `No one at your school has the handle "ghost"`, "cover"},
		{"lee", "/absent me tomorrow cover=lee", "cannot cover for themselves", "cover"},
		{"lee", "/absent S101 2026-11-24..2026-11-25", "one day at a time", "when"},
		{"lee", "/absent S101 cover=nguyen", "A cover is for staff", "cover"},
		{"lee", "/absent S101 cancel=yes", "A.B. (S101) is not marked absent on Tue Nov 24, so there is nothing to take back", "when"},
		{"lee", "/absent me tomorrow cancel=yes", "Jamie Lee is not marked absent on Wed Nov 25", "when"},
		{"lee", "/absent okafor cancel=yes", "Only an administrator can take back someone else's absence; Chris Okafor can, with /absent me cancel=yes", "who"},
		{"lee", "/absent me tomorrow cancel=yes cover=nguyen", "A cover goes with marking an absence, not with taking one back; type /absent me 2026-11-25 cancel=yes", "cover"},
	} {
		t.Run(tc.line, func(t *testing.T) {
			s := newSchool(t)
			r := s.do(tc.user, tc.line)
			if !r.IsError || !strings.Contains(r.Text, tc.want) {
				t.Errorf("reply %q\nwant it to contain %q", r.Text, tc.want)
			}
			if r.Param != tc.param {
				t.Errorf("param %q, want %q", r.Param, tc.param)
			}
			s.nothingStored()
		})
	}
}

func TestAbsentCoverAndStudent(t *testing.T) {
	s := newSchool(t)
	if r := s.do("patel", "/absent lee tomorrow cover=nguyen"); r.IsError || r.Text != "Marked Jamie Lee absent on Wed Nov 25. Linh Nguyen covers their duties (and gets their duty reminders)." {
		t.Fatalf("/absent lee: %q", r.Text)
	}
	if r := s.do("patel", "/absent okafor tomorrow cover=lee"); !r.IsError || !strings.Contains(r.Text, "Jamie Lee is absent on 2026-11-25 too") {
		t.Errorf("a cover who is absent: %q", r.Text)
	}
	if r := s.do("lee", "/absent me tomorrow"); !r.IsError || !strings.Contains(r.Text, "already marked absent") {
		t.Errorf("marking the same day twice: %q", r.Text)
	}
	if r := s.do("lee", "/absent S101"); r.IsError || !strings.Contains(r.Text, "Marked A.B. (S101) absent on Tue Nov 24") {
		t.Fatalf("/absent S101: %q", r.Text)
	}
	r := s.do("lee", "/trial S101 G1 + +")
	if !r.IsError || !strings.Contains(r.Text, "A.B. (S101) is marked absent on Tue Nov 24, so nothing was logged") {
		t.Errorf("trial for an absent student: %q", r.Text)
	}
	if r := s.do("lee", "/transition S101 class lunch"); !r.IsError || !strings.Contains(r.Text, "is marked absent") {
		t.Errorf("transition for an absent student: %q", r.Text)
	}
	// Today: the absent student owes no data.
	if r := s.do("lee", "/today"); strings.Contains(r.Text, "(S101) —") || !strings.Contains(r.Text, "Ava B. (S101) is absent today.") {
		t.Errorf("/today with S101 absent:\n%s", r.Text)
	}
	// Tomorrow the cover sees the absent para's duties.
	s.now = s.now.AddDate(0, 0, 1)
	r = s.do("nguyen", "/today")
	if !strings.Contains(r.Text, "lunch 11:30–12:00, Cafeteria (covering for Jamie Lee)") || !strings.Contains(r.Text, "You cover for Jamie Lee") ||
		!strings.Contains(r.Text, "11:20 lunch duty reminder") {
		t.Errorf("/today of the cover:\n%s", r.Text)
	}
	if r := s.do("lee", "/today"); !strings.Contains(r.Text, "You are marked absent; Linh Nguyen covers your duties.") || strings.Contains(r.Text, "Data still due") {
		t.Errorf("/today of the absent para:\n%s", r.Text)
	}
}

// TestAbsentTakenBack: a student marked absent who came in after all,
// and a para back early, are taken back with cancel=yes; logging and
// duties are theirs again, and the access log has it.
func TestAbsentTakenBack(t *testing.T) {
	s := newSchool(t)
	if r := s.do("lee", "/absent S101"); r.IsError {
		t.Fatalf("/absent S101: %q", r.Text)
	}
	if r := s.do("lee", "/trial S101 G1 + +"); !r.IsError || !strings.Contains(r.Text, "take the absence back with /absent S101 2026-11-24 cancel=yes, then log again") {
		t.Errorf("trial for an absent student: %q", r.Text)
	}
	if r := s.do("rivera", "/absent S101 cancel=yes"); r.IsError || r.Text != "Took back the absence of A.B. (S101) on Tue Nov 24. Data is due for them again, and you can log for them." {
		t.Errorf("the teacher takes it back: %q", r.Text)
	}
	if r := s.do("lee", "/trial S101 G1 + +"); r.IsError {
		t.Errorf("trial after the absence was taken back: %q", r.Text)
	}
	if r := s.do("lee", "/today"); strings.Contains(r.Text, "is absent today") {
		t.Errorf("/today after the absence was taken back:\n%s", r.Text)
	}
	trail, err := s.db.Audit(context.Background(), s.staffStudent("S101"))
	if err != nil {
		t.Fatal(err)
	}
	var cancelled bool
	for _, a := range trail {
		cancelled = cancelled || a.Action == "cancel" && a.Entity == "absence" && a.StaffID == s.staff("rivera").ID
	}
	if !cancelled {
		t.Errorf("the access log lacks the absence taken back: %+v", trail)
	}

	if r := s.do("patel", "/absent lee tomorrow cover=nguyen"); r.IsError {
		t.Fatalf("/absent lee: %q", r.Text)
	}
	if r := s.do("lee", "/absent me tomorrow cancel=yes"); r.IsError ||
		r.Text != "Took back the absence of Jamie Lee on Wed Nov 25. Their duties and reminders are theirs again, no longer the cover's." {
		t.Errorf("back early: %q", r.Text)
	}
	s.now = s.now.AddDate(0, 0, 1)
	if r := s.do("nguyen", "/today"); strings.Contains(r.Text, "covering for Jamie Lee") {
		t.Errorf("/today of the cover after the absence was taken back:\n%s", r.Text)
	}
	if r := s.do("lee", "/today"); strings.Contains(r.Text, "You are marked absent") {
		t.Errorf("/today of the para back early:\n%s", r.Text)
	}
}

func TestDismissalAndButtons(t *testing.T) {
	s := newSchool(t)
	r := s.do("lee", "/dismissal")
	want := "Dismissal roll, Tue Nov 24 (dismissal at 15:10):\nA.B. (S101), bus 12: unaccounted\nL.C. (S102), pickup: unaccounted\nA.B. (S103), bus 7: unaccounted\n3 students not yet released or marked absent."
	if r.Text != want || len(r.Buttons) != 3 {
		t.Fatalf("/dismissal = %q (%d buttons), want %q", r.Text, len(r.Buttons), want)
	}
	ctx := context.Background()
	press := func(b bot.Button) bot.Reply {
		return s.router.HandlePress(ctx, bot.Press{Platform: storage.PlatformShell, UserID: "lee", Action: b.Action, Value: b.Value})
	}
	// A bus: released to the way home, with no prompt level recorded.
	p := press(r.Buttons[0])
	if p.IsError || p.Text != "Logged transition for Ava B. (S101): class → bus, prompt not recorded, released to bus 12." {
		t.Errorf("handoff button of a bus: %q", p.Text)
	}
	ts, err := s.db.Transitions(ctx, storage.Filter{StudentID: s.staffStudent("S101")})
	if err != nil || len(ts) != 1 || ts[0].Prompt != storage.PromptNotRecorded || ts[0].HandoffTo != "bus 12" {
		t.Errorf("the bus handoff stored %+v (err %v), want prompt not recorded, handoff bus 12", ts, err)
	}
	// A pickup: the button logs nothing, and opens the /transition form
	// asking who took the student.
	p = press(r.Buttons[1])
	wantForm := bot.Form{Command: "transition", Values: map[string]string{"student": "S102", "from": "class", "to": "pickup"}, Ask: []string{"handoff"}}
	if p.IsError || p.Form == nil || !reflect.DeepEqual(*p.Form, wantForm) ||
		p.Text != "Who took L.C. (S102)? Type /transition S102 class pickup handoff=<who>, e.g. handoff=mother." {
		t.Fatalf("handoff button of a pickup: %q, form %+v; want the form %+v", p.Text, p.Form, wantForm)
	}
	if r := s.do("lee", "/dismissal"); !strings.Contains(r.Text, "L.C. (S102), pickup: unaccounted") {
		t.Errorf("/dismissal after the pickup button, before the form:\n%s", r.Text)
	}
	args := maps.Clone(p.Form.Values)
	args["handoff"] = "grandmother"
	f := s.router.Handle(ctx, bot.Request{Platform: storage.PlatformShell, UserID: "lee", Command: p.Form.Command, Args: args})
	if f.IsError || f.Text != "Logged transition for Liam C. (S102): class → pickup, prompt not recorded, released to grandmother." {
		t.Errorf("the pickup form: %q", f.Text)
	}
	p = press(r.Buttons[1])
	if !p.IsError || !strings.Contains(p.Text, "was already released at 10:00 to grandmother") {
		t.Errorf("second handoff: %q", p.Text)
	}
	if r := s.do("lee", "/dismissal"); !strings.Contains(r.Text, "L.C. (S102), pickup: released at 10:00 to grandmother") || len(r.Buttons) != 1 {
		t.Errorf("/dismissal after the handoffs:\n%s", r.Text)
	}
	// Someone else's student is not on the roll.
	p = s.router.HandlePress(context.Background(), bot.Press{Platform: storage.PlatformShell, UserID: "okafor", Action: r.Buttons[0].Action, Value: r.Buttons[0].Value})
	if !p.IsError || !strings.Contains(p.Text, "not on your dismissal roll") {
		t.Errorf("handoff of another para's student: %q", p.Text)
	}
}

func TestCantMakeItTellsAdmins(t *testing.T) {
	s := newSchool(t)
	duties, err := s.db.Duties(context.Background(), s.staff("lee").SchoolID)
	if err != nil {
		t.Fatal(err)
	}
	var bus storage.Duty
	for _, du := range duties {
		if du.StaffID == s.staff("lee").ID && du.Kind == storage.DutyBus && du.Weekday == s.now.Weekday() {
			bus = du
		}
	}
	press := func(user, action string) bot.Reply {
		return s.router.HandlePress(context.Background(), bot.Press{Platform: storage.PlatformShell, UserID: user, Action: action,
			Value: strconv.FormatInt(bus.ID, 10) + ":2026-11-24"})
	}
	if r := press("okafor", "duty_cant_make"); !r.IsError || !strings.Contains(r.Text, "no longer yours") {
		t.Errorf("someone else's duty: %q", r.Text)
	}
	if n := s.jobs(); n != 0 {
		t.Fatalf("%d jobs after a refused press", n)
	}
	if r := press("lee", "duty_on_my_way"); r.IsError || !strings.Contains(r.Text, "on your way to bus duty 15:10–15:30") {
		t.Errorf("on my way: %q", r.Text)
	}
	if r := press("lee", "duty_cant_make"); r.IsError || r.Text != "Noted that you can't make bus duty 15:10–15:30 at Bus loop at the front doors; Dr. Anil Patel told now." {
		t.Errorf("can't make it: %q", r.Text)
	}
	if n := s.jobs(); n != 1 {
		t.Errorf("%d jobs, want the one message to the admin", n)
	}
	answers, _ := s.db.DutyAnswers(context.Background(), bus.SchoolID, "2026-11-24")
	if len(answers) != 1 || answers[0].Answer != storage.AnswerCantMake {
		t.Errorf("answers = %+v", answers)
	}
}

func TestCoverLogsForTheAbsentPara(t *testing.T) {
	s := newSchool(t)
	// Chris Okafor (para: S104-S106) covers Jamie Lee (para: S101-S103) today.
	if r := s.do("patel", "/absent lee today cover=okafor"); r.IsError {
		t.Fatalf("/absent: %q", r.Text)
	}
	if r := s.do("okafor", "/trial S102 G1 +"); r.IsError || !strings.Contains(r.Text, "Logged for Liam C. (S102) — G1") {
		t.Errorf("the cover logging for the absent para's student: %q", r.Text)
	}
	// Tomorrow the cover is over.
	s.now = s.now.AddDate(0, 0, 1)
	s.router.Forget() // caseloads are kept a minute
	if r := s.do("okafor", "/trial S102 G1 +"); !r.IsError || !strings.Contains(r.Text, "not on your caseload") {
		t.Errorf("the day after: %q", r.Text)
	}
}
