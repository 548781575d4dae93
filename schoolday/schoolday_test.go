package schoolday

import (
	"slices"
	"strings"
	"testing"
	"time"

	_ "time/tzdata"

	"parabot/storage"
)

func TestAtDaylightSaving(t *testing.T) {
	ny, err := time.LoadLocation("America/New_York")
	if err != nil {
		t.Fatal(err)
	}
	for _, tc := range []struct {
		date, clock string
		want        string // UTC
	}{
		{"2026-10-30", "14:15", "2026-10-30T18:15:00Z"}, // EDT
		{"2026-11-02", "14:15", "2026-11-02T19:15:00Z"}, // EST
		// Fall back: 01:30 happens twice; the first (EDT) counts.
		{"2026-11-01", "01:30", "2026-11-01T05:30:00Z"},
		{"2026-11-01", "00:59", "2026-11-01T04:59:00Z"},
		{"2026-11-01", "02:00", "2026-11-01T07:00:00Z"},
		// Spring forward: 02:00 to 02:59 do not exist; they fire at the
		// first instant after the jump, 03:00 EDT.
		{"2027-03-14", "02:00", "2027-03-14T07:00:00Z"},
		{"2027-03-14", "02:30", "2027-03-14T07:00:00Z"},
		{"2027-03-14", "02:59", "2027-03-14T07:00:00Z"},
		{"2027-03-14", "01:59", "2027-03-14T06:59:00Z"},
		{"2027-03-14", "03:00", "2027-03-14T07:00:00Z"},
		{"2027-03-14", "03:01", "2027-03-14T07:01:00Z"},
	} {
		got, err := At(tc.date, tc.clock, ny)
		if err != nil {
			t.Fatalf("At(%s, %s): %v", tc.date, tc.clock, err)
		}
		if g := got.UTC().Format(time.RFC3339); g != tc.want {
			t.Errorf("At(%s, %s) = %s, want %s", tc.date, tc.clock, g, tc.want)
		}
	}
	if _, err := At("2026-11-01", "24:00", ny); err == nil {
		t.Error("At accepted 24:00")
	}
}

func TestSpecTimes(t *testing.T) {
	for _, tc := range []struct {
		spec, date string
		want       []string
	}{
		{"45 14 * * MON-FRI", "2027-03-12", []string{"14:45"}},
		{"45 14 * * MON-FRI", "2027-03-13", nil},
		{"0,30 7 * * 1", "2027-03-15", []string{"07:00", "07:30"}},
		{"15 14 1 * *", "2027-03-01", []string{"14:15"}},
		{"15 14 1 * *", "2027-03-02", nil},
		{"15 14 1 * FRI", "2027-03-12", []string{"14:15"}}, // day of month OR day of week
		{"0 9 * 3 *", "2027-04-01", nil},
	} {
		sp, err := ParseSpec(tc.spec)
		if err != nil {
			t.Fatalf("ParseSpec(%q): %v", tc.spec, err)
		}
		if got := sp.Times(tc.date); !slices.Equal(got, tc.want) {
			t.Errorf("%q on %s = %v, want %v", tc.spec, tc.date, got, tc.want)
		}
	}
	for _, bad := range []string{"", "61 14 * * *", "45 14 * *", "@every 1h", "CRON_TZ=UTC 45 14 * * *", "45 14 * * FUNDAY"} {
		if _, err := ParseSpec(bad); err == nil {
			t.Errorf("ParseSpec(%q) accepted it", bad)
		}
	}
}

func TestClassify(t *testing.T) {
	school := storage.School{YearStart: "2026-08-31", YearEnd: "2027-06-18", Dismissal: "15:10"}
	special := []storage.CalendarDay{
		{Date: "2026-11-25", Kind: storage.DayEarlyRelease, Dismissal: "12:30"},
		{Date: "2026-11-26", Kind: storage.DayHoliday, Note: "Thanksgiving"},
		{Date: "2026-11-28", Kind: storage.DaySchool},
	}
	for date, want := range map[string]string{
		"2026-11-24": "school", "2026-11-25": "school early 12:30", "2026-11-26": "holiday",
		"2026-11-28": "school", "2026-11-29": "weekend", "2027-06-21": "outside the school year",
	} {
		d, err := Classify(school, date, special)
		if err != nil {
			t.Fatal(err)
		}
		got := d.Closed
		if d.School {
			got = "school"
			if d.EarlyRelease != "" {
				got += " early " + d.Dismissal
			}
		}
		if got != want {
			t.Errorf("%s is %q, want %q", date, got, want)
		}
	}
	du := MoveBusDuty(storage.Duty{Kind: storage.DutyBus, Start: "15:10", End: "15:30"}, Day{EarlyRelease: "12:30"}, "15:10")
	if du.Start != "12:30" || du.End != "12:50" {
		t.Errorf("bus duty on early release = %s–%s, want 12:30–12:50", du.Start, du.End)
	}
	// The data deadline keeps its offset before dismissal; a regular day
	// and a time that would move before midnight keep theirs.
	for _, tc := range []struct {
		clock, early, want string
	}{{"14:45", "12:30", "12:05"}, {"14:15", "12:30", "11:35"}, {"15:30", "12:30", "12:50"}, {"14:45", "", "14:45"}, {"01:00", "12:30", "01:00"}} {
		if got := MoveWithDismissal(tc.clock, Day{EarlyRelease: tc.early}, "15:10"); got != tc.want {
			t.Errorf("MoveWithDismissal(%s) with early release %q = %s, want %s", tc.clock, tc.early, got, tc.want)
		}
	}
	if got := LastSchoolDayOfWeek(school, "2026-11-23", special); got != "2026-11-28" {
		t.Errorf("last school day of Thanksgiving week = %s, want the make-up Saturday", got)
	}
}

func TestGoalSchedule(t *testing.T) {
	wed := Day{Date: "2026-11-25", Weekday: time.Wednesday, School: true}
	for _, tc := range []struct {
		v   string
		due bool
	}{{"", true}, {"daily", true}, {"mon,wed,fri", true}, {"Monday, Friday", false}, {"tue", false}, {"weekly", false}} {
		gs, err := ParseGoalSchedule(tc.v)
		if err != nil {
			t.Fatalf("ParseGoalSchedule(%q): %v", tc.v, err)
		}
		if got := gs.DueOn(wed, "2026-11-27"); got != tc.due {
			t.Errorf("%q due on a Wednesday = %v, want %v", tc.v, got, tc.due)
		}
	}
	gs, _ := ParseGoalSchedule("weekly")
	if !gs.DueOn(wed, "2026-11-25") {
		t.Error("a weekly goal is not due on the last school day of the week")
	}
	for _, bad := range []string{"mon,funday", "monxyz", ",", "fortnightly"} {
		_, err := ParseGoalSchedule(bad)
		if err == nil || !strings.Contains(err.Error(), "mon,wed,fri") {
			t.Errorf("ParseGoalSchedule(%q) = %v, want an error naming the format", bad, err)
		}
	}
}

func TestParseLead(t *testing.T) {
	for v, want := range map[string]time.Duration{"10m": 10 * time.Minute, "1h30m": 90 * time.Minute, "15": 15 * time.Minute, "0": 0} {
		if got, err := ParseLead(v); err != nil || got != want {
			t.Errorf("ParseLead(%q) = %v, %v; want %v", v, got, err, want)
		}
	}
	for _, bad := range []string{"-5m", "5h", "10s", "soon", ""} {
		if _, err := ParseLead(bad); err == nil {
			t.Errorf("ParseLead(%q) accepted it", bad)
		}
	}
}

func TestParseWho(t *testing.T) {
	for _, c := range []struct {
		in      string
		notify  string
		handles []string
		err     bool
	}{
		{"Teacher", NotifyTeacher, nil, false},
		{"admins", NotifyAdmin, nil, false},
		{"@lee; @rivera", "", []string{"lee", "rivera"}, false},
		{"", "", nil, true},
		{"@", "", nil, true},
		{" ; , ", "", nil, true},
	} {
		notify, handles, err := ParseWho(c.in)
		if notify != c.notify || !slices.Equal(handles, c.handles) || (err != nil) != c.err {
			t.Errorf("ParseWho(%q) = %q, %q, %v", c.in, notify, handles, err)
		}
	}
}

// TestNoticeAndDebriefSettings: the import and the rules read a setting
// with the same limits, so a value the import would refuse is never used
// (the default is), and every value it accepts is.
func TestNoticeAndDebriefSettings(t *testing.T) {
	for _, tc := range []struct {
		kv      map[string]string
		oral    time.Duration
		written int
		debrief int
	}{
		{map[string]string{}, 24 * time.Hour, 3, 2},
		{map[string]string{"notice_oral": "48h", "notice_written": "5", "debrief_days": "30"}, 48 * time.Hour, 5, 30},
		{map[string]string{"notice_oral": "168h", "notice_written": "1", "debrief_days": "1"}, 168 * time.Hour, 1, 1},
		{map[string]string{"notice_oral": "169h", "notice_written": "31", "debrief_days": "0"}, 24 * time.Hour, 3, 2},
		{map[string]string{"notice_oral": "-1h", "notice_written": "three", "debrief_days": "-2"}, 24 * time.Hour, 3, 2},
	} {
		n, d := ReadNotice(tc.kv), ReadDebrief(tc.kv)
		if n.Oral != tc.oral || n.WrittenDays != tc.written || d.Days != tc.debrief {
			t.Errorf("%v: oral %s, written %d, debrief %d; want %s, %d, %d", tc.kv, n.Oral, n.WrittenDays, d.Days, tc.oral, tc.written, tc.debrief)
		}
	}
}
