package commands_test

import (
	"context"
	"fmt"
	"strings"
	"testing"
	"time"

	"parabot/bot"
	"parabot/roster/rostertest"
	"parabot/scheduler"
	"parabot/storage"
	"parabot/today"
)

// TestLongRollsArePaged: a bus duty's roll, /dismissal and a data
// reminder with 40 students each carry at most bot.MaxButtons buttons,
// the last leading to the rest, and every student is reachable.
func TestLongRollsArePaged(t *testing.T) {
	s := newSchool(t)
	ctx := context.Background()
	r := rostertest.Large(40)
	r.Staff = append(r.Staff, storage.RosterStaff{School: rostertest.LargeSchool, Handle: "bigpara", Name: "Pat Para", Email: "pat.para@large.example", Role: storage.RolePara, Active: true})
	for _, st := range r.Students {
		r.Assignments = append(r.Assignments, storage.RosterAssignment{StaffHandle: "bigpara", StudentCode: st.Code, School: rostertest.LargeSchool, Kind: storage.AssignPara, Active: true})
		r.Reminders.Dismissals = append(r.Reminders.Dismissals, storage.RosterDismissal{School: rostertest.LargeSchool, StudentCode: st.Code, Dismissal: "bus 7"})
	}
	r.Reminders.Settings = append(r.Reminders.Settings, storage.RosterSetting{School: rostertest.LargeSchool, Name: "data_due", Value: "14:45"})
	r.Duties = append(r.Duties, storage.RosterDuty{StaffHandle: rostertest.LargeTeacher, Active: true,
		Duty: storage.Duty{Kind: storage.DutyBus, Weekday: time.Tuesday, Start: "15:10", End: "15:30", Place: "Bus loop"}})
	if _, err := s.db.ImportRoster(ctx, r); err != nil {
		t.Fatal(err)
	}
	press := func(user string, b bot.Button) bot.Reply {
		t.Helper()
		return s.router.HandlePress(ctx, bot.Press{Platform: storage.PlatformShell, UserID: user, Action: b.Action, Value: b.Value})
	}
	handoffs := func(bs []bot.Button) map[string]bool {
		out := map[string]bool{}
		for _, b := range bs {
			if b.Action == scheduler.ActionHandoff {
				out[b.Value] = true
			}
		}
		return out
	}

	// /dismissal: 24 hand-offs and Next; the next page has the other 16.
	first := s.do(rostertest.LargeTeacher, "/dismissal")
	if first.IsError || len(first.Buttons) != bot.MaxButtons || first.Buttons[24].Label != "Next 16" ||
		first.Context != "Hand-off buttons for unaccounted students 1–24 of 40." || strings.Count(first.Text, ": unaccounted") != 40 {
		t.Fatalf("/dismissal of 40: %q, %q, %d buttons", first.Text, first.Context, len(first.Buttons))
	}
	second := press(rostertest.LargeTeacher, first.Buttons[24])
	if len(second.Buttons) != 16 || second.Context != "Hand-off buttons for unaccounted students 25–40 of 40." {
		t.Fatalf("/dismissal page 2: %q, %d buttons", second.Context, len(second.Buttons))
	}
	seen := handoffs(first.Buttons)
	for v := range handoffs(second.Buttons) {
		if seen[v] {
			t.Errorf("hand-off %s on both pages", v)
		}
		seen[v] = true
	}
	if len(seen) != 40 {
		t.Errorf("%d students reachable by hand-off buttons, want 40", len(seen))
	}

	// The bus duty's reminder: its answers, 22 hand-offs and the whole roll.
	schools, _ := s.db.Schools(ctx)
	var school storage.School
	for _, sc := range schools {
		if sc.Name == rostertest.LargeSchool {
			school = sc
		}
	}
	f, err := today.LoadFacts(ctx, s.db, school, "2026-11-24")
	if err != nil {
		t.Fatal(err)
	}
	var duty, data *scheduler.Occurrence
	for _, o := range scheduler.PlanDay(f) {
		switch {
		case o.Kind == scheduler.KindDuty:
			duty = &o
		case o.Kind == scheduler.KindDataReminder && f.Staff[o.StaffID].Name == "Pat Para":
			data = &o
		}
	}
	if duty == nil || data == nil {
		t.Fatalf("no bus duty or data reminder planned: %+v", scheduler.PlanDay(f))
	}
	msgs, err := scheduler.Compose(ctx, s.db, f, *duty)
	if err != nil || len(msgs) != 1 {
		t.Fatalf("Compose(duty) = %v, %v", msgs, err)
	}
	m := msgs[0].Reply
	last := m.Buttons[len(m.Buttons)-1]
	if len(m.Buttons) != bot.MaxButtons || len(handoffs(m.Buttons)) != 22 || last.Label != "Whole roll (18 more)" ||
		strings.Count(m.Text, ": bus 7") != 40 {
		t.Fatalf("bus duty reminder of 40: %d buttons, last %+v, text %q", len(m.Buttons), last, m.Text)
	}
	if whole := press(rostertest.LargeTeacher, last); len(whole.Buttons) != bot.MaxButtons || !strings.HasPrefix(whole.Text, "Dismissal roll") {
		t.Errorf("Whole roll: %q, %d buttons", whole.Text, len(whole.Buttons))
	}

	// The data reminder: 24 students and More; the next page the other 16.
	msgs, err = scheduler.Compose(ctx, s.db, f, *data)
	if err != nil || len(msgs) != 1 {
		t.Fatalf("Compose(data reminder) = %v, %v", msgs, err)
	}
	m = msgs[0].Reply
	last = m.Buttons[len(m.Buttons)-1]
	if len(m.Buttons) != bot.MaxButtons || last.Label != "More students (16)" || strings.Count(m.Text, "\n") != 40 {
		t.Fatalf("data reminder of 40: %d buttons, last %+v", len(m.Buttons), last)
	}
	more := press("bigpara", last)
	if len(more.Buttons) != 16 || !strings.HasPrefix(more.Text, "Data still due today, students 25–40 of 40:") ||
		more.Buttons[0].Label != "Log "+fmt.Sprint(strings.Split(strings.Split(more.Text, "\n")[1], ":")[0]) {
		t.Errorf("More students: %q, %d buttons, first %+v", more.Text, len(more.Buttons), more.Buttons)
	}
}
