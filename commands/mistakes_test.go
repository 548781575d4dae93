package commands_test

import (
	"context"
	"strings"
	"testing"
	"time"

	"parabot/bot"
	"parabot/storage"
)

// refused runs line as user and fails unless it is refused with a
// message holding each of want and naming param; nothing may be stored.
func (s *school) refused(user, line, param string, want ...string) bot.Reply {
	s.t.Helper()
	r := s.do(user, line)
	if !r.IsError || r.Param != param {
		s.t.Errorf("%.80s: %+v\nwant a refusal about %q", line, r, param)
	}
	for _, w := range want {
		if !strings.Contains(r.Text, w) {
			s.t.Errorf("%.80s:\n%s\nwant it to contain %q", line, r.Text, w)
		}
	}
	s.nothingStored()
	return r
}

// logs runs each line as user and fails unless it is logged with a
// confirmation ending as given.
func (s *school) logs(user string, lines map[string]string) {
	s.t.Helper()
	for line, want := range lines {
		if r := s.do(user, line); r.IsError || !strings.HasSuffix(r.Text, want) {
			s.t.Errorf("%s: %q, want it to end %q", line, r.Text, want)
		}
	}
}

// press presses button b of a reply as user.
func (s *school) press(user string, b bot.Button) bot.Reply {
	s.t.Helper()
	return s.router.HandlePress(context.Background(), bot.Press{Platform: storage.PlatformShell, UserID: user, Action: b.Action, Value: b.Value})
}

// A start and stop time is judged against the session's time: now, or
// the backdated time, on that time's day.
func TestDurationRangeIsNotInTheFuture(t *testing.T) {
	s := newSchool(t) // Tuesday 10:00
	s.refused("lee", "/data ava G2 9:50-10:30", "values",
		"G2 is a duration goal: 10:30 is in the future (it is 10:00 now); log a range that has ended, or how long so far.",
		"\nExample: /data S101 G2 8m30s")
	s.refused("lee", "/data ava G2 9:30-9:50 20m ago", "values", "the range ends at 09:50, after the session's time, 09:40; give the time it ended (at 09:50).")
	s.refused("lee", "/data ava G2 23:50-00:10", "values", "the stop, 00:10, is not after the start, 23:50 (a range starts and stops on one day, start first).")
	s.refused("lee", "/data ava G2 10:13-10:05", "values", "the stop, 10:05, is not after the start, 10:13")
	s.logs("lee", map[string]string{
		"/data ava G2 9:10-9:30 20m ago":             "duration 20m at 09:40.",
		"/data ava G2 9:50-10:30 at=yesterday 14:00": "duration 40m on Mon Nov 23 14:00.",
	})
}

// A frequency's second number is the time watched only with a unit or
// after "in": "3 4" is refused with the form to type.
func TestFrequencyTimeWatchedNeedsAUnit(t *testing.T) {
	s := newSchool(t)
	s.refused("lee", "/data liam G2 3 4", "values",
		`G2 is a frequency goal: "4" after the count needs a unit to be the time watched, like 3 in 4m.`, "\nExample: /data S102 G2 3 ")
	s.logs("lee", map[string]string{
		"/data liam G2 3 in 4":   "count 3 in 4m (45.0 an hour).",
		"/data liam G2 2 30m":    "count 2 in 30m (4.0 an hour).",
		"/data liam G2 5 in 1h":  "count 5 in 1h (5.0 an hour).",
		"/data aiden G2 2 in 30": "count 2 in 30m (4.0 an hour).",
	})
}

// An unknown name= is named as such, with the field it is close to or
// the fields there are; text that holds "=" is kept as typed.
func TestUnknownFieldIsNamed(t *testing.T) {
	s := newSchool(t)
	s.refused("lee", "/incident S101 hit a peer antecedent=x consequence=y severity=2 colour=red", "",
		"colour= is not a field of /incident; its fields are antecedent=, consequence=, severity=, at=,", "\nExample: /incident ")
	s.refused("lee", "/incident S101 hit a peer a=x c=y severty=2", "severity",
		"severty= is not a field of /incident; did you mean severity=?", "severity=2 (help incident shows all)")
	s.refused("lee", "/trial S101 G1 + + colour=red", "", "colour= is not a field of /trial; its fields are at=, note=, force=, again=.")
	s.refused("lee", "/data liam G2 3 nots=tired", "note", "nots= is not a field of /data; did you mean note=?")
	r := s.do("lee", "/incident S101 hit a peer a=asked to share, ratio=1:1 c=break severity=2 notes=x=y")
	if r.IsError {
		t.Fatalf("text holding = refused: %s", r.Text)
	}
	ins, err := s.db.Incidents(context.Background(), storage.Filter{StudentID: s.staffStudent("S101")})
	if err != nil || len(ins) != 1 || ins[0].Antecedent != "asked to share, ratio=1:1" || ins[0].Notes != "x=y" || ins[0].Severity != 2 {
		t.Errorf("stored %+v, %v", ins, err)
	}
}

// Text over a field's limit is refused naming that field and its own
// length, however long the line.
func TestLongTextNamesItsField(t *testing.T) {
	s := newSchool(t)
	s.refused("lee", "/incident S101 "+strings.Repeat("x", 4500)+" a=x c=y sev=1", "behavior", "The behavior is 4500 characters; the limit is 1000.")
	s.refused("lee", "/incident S101 hit a=x c="+strings.Repeat("y", 3000)+" sev=1", "consequence", "The consequence is 3000 characters; the limit is 1000.")
	s.refused("lee", "/concern S101 "+strings.Repeat("x", 5000), "text", "The text is 5000 characters; the limit is 2000.")
	s.refused("lee", "/incident S101 hit a=x c=y sev=1 notes="+strings.Repeat("z", 30000), "notes", "The notes is 30000 characters; the limit is 2000.")
}

// The trial-code list is grouped by meaning, and offers counts (3/5)
// only where the goal takes them.
func TestTrialCodeListFitsTheGoal(t *testing.T) {
	s := newSchool(t)
	const codes = `"x" is not a trial code; use +, C or I: correct, independent; G or GP: gestural prompt; V or VP: verbal prompt; M: model prompt; ` +
		"P or PP: partial physical prompt; FP: full physical prompt; -: incorrect; 0 or NR: no response"
	r := s.refused("lee", "/data S101 G1 x y", "values", codes+"; +v or -v gives outcome and prompt; 3/5 is 3 correct of 5.")
	if strings.Contains(r.Text, "correct with a") {
		t.Errorf("the codes are listed one by one:\n%s", r.Text)
	}
	r = s.refused("okafor", "/data S104 G2 i x m i", "values", "G2 is a task analysis goal: "+codes+". Type one code per step (unpack,")
	if strings.Contains(r.Text, "3/5") {
		t.Errorf("a routine's steps are offered counts:\n%s", r.Text)
	}
}

// A given time far outside the school day, or on a day without school,
// asks for force=yes, with a button that logs it anyway; an entry logged
// now or within the hour (as it happens) is not asked, whatever the day
// and hour.
func TestOutsideSchoolHoursAsksForForce(t *testing.T) {
	s := newSchool(t) // Tuesday 2026-11-24 10:00; school 08:30-15:10
	s.refused("lee", "/trial S101 G1 + + at=12:00am", "at",
		"00:00 is outside the school day (08:30–15:10); check the time (at 10:15, at 2:30pm), or log it anyway with force=yes.")
	s.refused("lee", "/trial S101 G1 + + at=03:00", "at", "03:00 is outside the school day (08:30–15:10);")
	s.refused("lee", "/data liam G2 3 at=yesterday 16:30", "at", "Mon 2026-11-23 16:30 is outside the school day (08:30–15:10 that day); check the time, or log it anyway with force=yes.")
	s.refused("lee", "/incident S101 hit a=x c=y sev=2 at=6:45am", "at", "06:45 is outside the school day")

	ctx := context.Background()
	for _, line := range []string{
		"/trial S101 G1 + at=7:30",              // arrival, an hour before the first bell
		"/trial S101 G1 - at=yesterday 16:10",   // bus duty, an hour after dismissal
		"/trial S101 G1 + + at=03:00 force=yes", // a night out, said so
	} {
		if r := s.do("lee", line); r.IsError {
			t.Errorf("%s refused: %s", line, r.Text)
		}
	}

	// The day before Thanksgiving lets out at 12:30: 14:00 is past it.
	s.now = time.Date(2026, 11, 25, 16, 0, 0, 0, s.now.Location())
	r := s.do("lee", "/transition S101 class gym at=14:00")
	if !r.IsError || r.Param != "at" || !strings.Contains(r.Text, "14:00 is outside the school day (08:30–12:30)") ||
		len(r.Buttons) != 1 || r.Buttons[0].Label != "Log it anyway" {
		t.Fatalf("a time after an early release: %+v", r)
	}
	before, _ := s.db.LastEntry(ctx, s.staff("lee").ID)
	if r := s.press("lee", r.Buttons[0]); r.IsError || !strings.Contains(r.Text, "Logged") {
		t.Errorf("Log it anyway: %+v", r)
	}
	if after, _ := s.db.LastEntry(ctx, s.staff("lee").ID); after.ID == before.ID {
		t.Error("Log it anyway stored nothing")
	}

	// Saturday: a time given on it asks; logging now does not.
	s.now = time.Date(2026, 11, 28, 10, 0, 0, 0, s.now.Location())
	before, _ = s.db.LastEntry(ctx, s.staff("lee").ID)
	r = s.do("lee", "/trial S101 G1 + + at=8:00")
	if !r.IsError || r.Param != "at" || r.Text != "No school today (2026-11-28, a Saturday); log it anyway with force=yes, or give when it happened, like at=yesterday 14:00." {
		t.Errorf("a time on a Saturday: %+v", r)
	}
	if after, _ := s.db.LastEntry(ctx, s.staff("lee").ID); after.ID != before.ID {
		t.Errorf("a refused log stored %+v", after)
	}
	if r := s.do("lee", "/trial S101 G1 + +"); r.IsError {
		t.Errorf("now on a Saturday: %s", r.Text)
	}
	if r := s.do("lee", "/trial S101 G1 - 20m ago"); r.IsError {
		t.Errorf("20 minutes ago on a Saturday: %s", r.Text)
	}
	s.now = time.Date(2026, 11, 24, 21, 0, 0, 0, s.now.Location())
	if r := s.do("lee", "/note S101 a late word from home"); r.IsError {
		t.Errorf("now in the evening: %s", r.Text)
	}
}
