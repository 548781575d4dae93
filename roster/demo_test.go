package roster_test

import (
	"io/fs"
	"slices"
	"strings"
	"testing"
	"time"

	"parabot/roster"
	"parabot/storage"
)

func TestDemoParses(t *testing.T) {
	r, err := roster.Parse(roster.Demo())
	if err != nil {
		t.Fatalf("demo roster has problems:\n%v", err)
	}

	// Every roster file is in the demo, as an example of each.
	names, err := fs.Glob(roster.Demo(), "*.csv")
	if err != nil {
		t.Fatal(err)
	}
	want := roster.Files()
	slices.Sort(want)
	if !slices.Equal(names, want) {
		t.Errorf("demo files = %v, want %v", names, want)
	}

	if len(r.Schools) != 1 {
		t.Fatalf("demo has %d schools, want 1", len(r.Schools))
	}
	school := storage.School{Name: "Maple Grove Elementary", TimeZone: "America/New_York",
		YearStart: "2026-08-31", YearEnd: "2027-06-18", DayStart: "08:30", Dismissal: "15:10"}
	if r.Schools[0] != school {
		t.Errorf("demo school = %+v, want %+v", r.Schools[0], school)
	}

	staff := map[string]storage.RosterStaff{}
	for _, s := range r.Staff {
		staff[s.Handle] = s
		if !strings.HasSuffix(s.Email, "@maplegrove.example.org") || s.SlackID != "" || s.DiscordID != "" || !s.Active {
			t.Errorf("demo staff %s = %+v", s.Handle, s)
		}
	}
	for handle, role := range map[string]storage.Role{"rivera": storage.RoleTeacher, "patel": storage.RoleAdmin,
		"lee": storage.RolePara, "okafor": storage.RolePara, "nguyen": storage.RoleTherapist} {
		if staff[handle].Role != role {
			t.Errorf("demo staff %s has role %q, want %q", handle, staff[handle].Role, role)
		}
	}
	if len(staff) != 5 || staff["rivera"].Channel != "rivera-class" || staff["rivera"].Name != "Maria Rivera" {
		t.Errorf("demo staff = %+v", r.Staff)
	}

	// Two students share initials and two share a first name, so the
	// demo shows how the bot asks which one is meant.
	initials := map[string][]string{}
	firstNames := map[string][]string{}
	for _, s := range r.Students {
		initials[s.Initials] = append(initials[s.Initials], s.Code)
		firstNames[s.FirstName] = append(firstNames[s.FirstName], s.Code)
	}
	if got := strings.Join(initials["A.B."], ","); got != "S101,S103" {
		t.Errorf("students with initials A.B. = %s, want S101,S103 (both on lee's caseload)", got)
	}
	if got := strings.Join(firstNames["Sofia"], ","); got != "S104,S106" {
		t.Errorf("students named Sofia = %s, want S104,S106 (both on okafor's caseload)", got)
	}

	// Each student has 2 to 4 goals; the speech therapist has exactly the
	// students with a communication goal.
	goals := map[string]int{}
	communication := map[string]bool{}
	for _, g := range r.Goals {
		goals[g.StudentCode]++
		if g.Goal.Domain == storage.DomainCommunication {
			communication[g.StudentCode] = true
		}
	}
	team := map[string][]string{} // student -> "handle:kind"
	therapist := map[string]bool{}
	for _, a := range r.Assignments {
		team[a.StudentCode] = append(team[a.StudentCode], a.StaffHandle+":"+string(a.Kind))
		if a.StaffHandle == "nguyen" {
			therapist[a.StudentCode] = true
		}
	}
	wantPara := map[string]string{"S101": "lee", "S102": "lee", "S103": "lee", "S104": "okafor", "S105": "okafor", "S106": "okafor"}
	for _, s := range r.Students {
		if n := goals[s.Code]; n < 2 || n > 4 {
			t.Errorf("%s has %d goals, want 2 to 4", s.Code, n)
		}
		if !slices.Contains(team[s.Code], "rivera:teacher") || !slices.Contains(team[s.Code], wantPara[s.Code]+":para") {
			t.Errorf("%s's team = %v, want rivera as teacher and %s as para", s.Code, team[s.Code], wantPara[s.Code])
		}
		if therapist[s.Code] != communication[s.Code] {
			t.Errorf("%s: nguyen assigned %v, communication goal %v", s.Code, therapist[s.Code], communication[s.Code])
		}
	}
	if len(r.Students) != 6 || len(communication) == 0 {
		t.Errorf("demo has %d students, %d with a communication goal", len(r.Students), len(communication))
	}

	// Both paras are on bus duty at dismissal every weekday.
	for _, handle := range []string{"lee", "okafor"} {
		var days []time.Weekday
		for _, d := range r.Duties {
			if d.StaffHandle == handle && d.Duty.Kind == storage.DutyBus && d.Duty.Start == "15:10" {
				days = append(days, d.Duty.Weekday)
			}
		}
		if !slices.Equal(days, []time.Weekday{time.Monday, time.Tuesday, time.Wednesday, time.Thursday, time.Friday}) {
			t.Errorf("%s's bus duty days = %v, want Monday to Friday", handle, days)
		}
	}

	cal := map[string]storage.CalendarDay{}
	for _, d := range r.Calendar {
		cal[d.Day.Date] = d.Day
	}
	for date, kind := range map[string]storage.DayKind{
		"2026-09-07": storage.DayHoliday, // Labor Day
		"2026-11-25": storage.DayEarlyRelease,
		"2026-11-26": storage.DayHoliday, "2026-11-27": storage.DayHoliday, // Thanksgiving
		"2026-12-24": storage.DayHoliday, "2027-01-01": storage.DayHoliday, // winter break
		"2027-01-18": storage.DayHoliday, // Martin Luther King Jr. Day
		"2027-02-15": storage.DayHoliday, // Presidents' Day
		"2027-03-31": storage.DayHoliday, // spring break
		"2027-05-31": storage.DayHoliday, // Memorial Day
	} {
		if cal[date].Kind != kind {
			t.Errorf("demo calendar %s = %+v, want a %s", date, cal[date], kind)
		}
	}
	if cal["2026-11-25"].Dismissal != "12:30" {
		t.Errorf("early release 2026-11-25 dismisses at %q, want 12:30", cal["2026-11-25"].Dismissal)
	}
	early := 0
	for _, d := range cal {
		if d.Kind == storage.DayEarlyRelease {
			early++
		}
	}
	if early < 3 {
		t.Errorf("demo has %d early releases, want at least 3", early)
	}
	if _, ok := cal["2027-01-04"]; ok {
		t.Error("school starts again on 2027-01-04, but the demo calendar lists it")
	}
}
