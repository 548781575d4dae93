package commands_test

import (
	"strings"
	"testing"
)

// TestTodayRemindersOnEarlyRelease: /today lists the reminders still to
// come at their times of the day. On the early release of Wed 2026-11-25
// (dismissal 12:30 instead of 15:10) the data reminder and the deadline
// move with dismissal, as bus duty does, and the summaries still come
// after the deadline; the regular Tuesday before keeps its times.
func TestTodayRemindersOnEarlyRelease(t *testing.T) {
	s := newSchool(t)
	tuesday := s.now // 10:00
	for _, tc := range []struct {
		day, user string
		want      []string
	}{
		{"Tuesday", "lee", []string{"11:20 lunch duty reminder", "14:15 data reminder", "15:00 bus duty reminder"}},
		{"Tuesday", "rivera", []string{"14:45 data-entry deadline report", "15:40 daily summary"}},
		{"Wednesday", "lee", []string{"11:20 lunch duty reminder", "11:35 data reminder", "12:20 bus duty reminder"}},
		{"Wednesday", "rivera", []string{"12:05 data-entry deadline report", "13:00 daily summary", "13:00 weekly summary"}},
	} {
		s.now = tuesday
		if tc.day == "Wednesday" {
			s.now = tuesday.AddDate(0, 0, 1)
		}
		r := s.do(tc.user, "/today")
		_, got, _ := strings.Cut(r.Text, "Reminders still to come today:\n  ")
		if want := strings.Join(tc.want, "\n  "); r.IsError || got != want {
			t.Errorf("%s, /today of %s lists\n  %s\nwant\n  %s\n(the whole reply:\n%s)", tc.day, tc.user, got, want, r.Text)
		}
	}
}
