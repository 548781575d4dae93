package scheduler_test

import (
	"context"
	"slices"
	"testing"
	"time"

	"parabot/roster"
	"parabot/storage"
)

// TestWalkEarlyReleaseDataDeadline walks a regular Friday (2027-03-12,
// EST), the spring-forward weekend, an early release on the Monday after
// (EDT, dismissal 12:30 instead of 15:10) and a holiday on the Tuesday.
// Friday keeps the 14:15 data reminder and the 14:45 deadline. Monday
// they move with dismissal, as bus duty does (25 and 55 minutes before
// it: 11:35 and 12:05), and the summaries come after the deadline. The
// bot restarts at 11:45 after 15 minutes down: the day planned again
// holds the same moved times, so the data reminders due at 11:35 go out
// late, once, with the moved deadline. The holiday sends nothing.
func TestWalkEarlyReleaseDataDeadline(t *testing.T) {
	w := newWalker(t, time.Date(2027, 3, 12, 5, 0, 0, 0, time.UTC)) // Friday 00:00 EST
	r, err := roster.Parse(roster.Demo())
	if err != nil {
		t.Fatal(err)
	}
	r.Calendar = append(r.Calendar,
		storage.RosterDay{School: "Maple Grove Elementary", Active: true,
			Day: storage.CalendarDay{Date: "2027-03-15", Kind: storage.DayEarlyRelease, Dismissal: "12:30", Note: "Staff development"}},
		storage.RosterDay{School: "Maple Grove Elementary", Active: true,
			Day: storage.CalendarDay{Date: "2027-03-16", Kind: storage.DayHoliday, Note: "Snow day"}})
	if _, err := w.db.ImportRoster(context.Background(), r); err != nil {
		t.Fatal(err)
	}
	const fri, mon = "Fri Mar 12", "Mon Mar 15"
	w.to("2027-03-12 23:00")
	w.expect(fri, plainDay(fri, "EST", "okafor", "lee")...)

	w.to("2027-03-15 11:30")
	w.expect("Monday until 11:30", mon+" 11:20 EDT lee: Reminder: "+lunchCaf+" today ("+mon+").")
	w.stop()
	w.clock.Set(w.at("2027-03-15 11:45"))
	w.start()
	w.to("2027-03-16 23:00")
	earlyBus := "bus duty 12:30–12:50 at Bus loop at the front doors"
	early := func(para, paraName, student, code, way string) []string {
		return unaccounted(mon, "EDT", "12:50", "13:00", para, paraName, student, code, way, earlyBus)
	}
	w.expect("Monday after the restart, and the holiday", slices.Concat([]string{
		mon + " 11:45 EDT lee: Data still due today (" + mon + ") by 12:05:",
		mon + " 11:45 EDT okafor: Data still due today (" + mon + ") by 12:05:",
		mon + " 11:45 EDT nguyen: Data still due today (" + mon + ") by 12:05:",
		mon + " 11:50 EDT okafor: Reminder: " + recessPlg + " today (" + mon + ").",
		mon + " 12:05 EDT rivera: Data-entry deadline 12:05 (" + mon + "): still missing",
		mon + " 12:20 EDT lee: Reminder: " + earlyBus + " today (" + mon + ").",
		mon + " 12:20 EDT okafor: Reminder: " + earlyBus + " today (" + mon + ").",
	},
		early("lee", "Jamie Lee", "Ava B. (S101)", "S101", "bus 12"),
		early("lee", "Jamie Lee", "Liam C. (S102)", "S102", "pickup"),
		early("lee", "Jamie Lee", "Aiden B. (S103)", "S103", "bus 7"),
		early("okafor", "Chris Okafor", "Noah W. (S105)", "S105", "bus 12"),
		summaryPosts(mon, "EDT", "13:00"))...)
	full := w.box.full
	checkText(t, full[mon+" 11:45 EDT lee: Data still due today ("+mon+") by 12:05:"],
		"Data still due today (Mon Mar 15) by 12:05:\nA.B. (S101): G1, G2, G3\nL.C. (S102): G1, G2\nA.B. (S103): G1, G2")
	checkText(t, full[mon+" 12:05 EDT rivera: Data-entry deadline 12:05 ("+mon+"): still missing"],
		"Data-entry deadline 12:05 (Mon Mar 15): still missing\nBy Jamie Lee:\n  A.B. (S101): G1, G2, G3\n  L.C. (S102): G1, G2\n  A.B. (S103): G1, G2\n"+
			"By Linh Nguyen:\n  A.B. (S101): G1, G2, G3\n  L.C. (S102): G1, G2\n  N.W. (S105): G1, G2, G3\n"+
			"By Chris Okafor:\n  S.M. (S104): G1, G2, G3\n  N.W. (S105): G1, G2, G3\n  S.J. (S106): G1, G2")
	checkText(t, full[mon+" 12:20 EDT lee: Reminder: "+earlyBus+" today ("+mon+")."],
		"Reminder: "+earlyBus+" today (Mon Mar 15).\nEarly release: dismissal at 12:30.\nDismissal roll:\nA.B. (S101): bus 12\nL.C. (S102): pickup\nA.B. (S103): bus 7")
	if got := w.count("data_reminder/late"); got != 3 {
		t.Errorf("data reminders sent late %d, want 3 (two paras and the therapist, once each)", got)
	}
}
