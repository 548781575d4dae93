package roster_test

import (
	"errors"
	"strings"
	"testing"

	"parabot/roster"
	"parabot/storage"
)

func TestReminderColumns(t *testing.T) {
	files := baseFiles()
	files["schools.csv"] = `name,time_zone,year_start,year_end,day_start,dismissal,data_due,data_reminder,bus_lead
Oak School,America/Chicago,2026-08-24,2027-06-04,08:00,15:00,14:45,30m,15m
`
	files["students.csv"] = `school,code,initials,first_name,last_name,grade,active,dismissal
Oak School,S1,A.B.,Ann,Bell,3,,Bus  12
Oak School,S2,C.D.,Carl,Dunn,K,no,
`
	files["goals.csv"] = strings.Replace(strings.Replace(strings.Replace(files["goals.csv"], ",active\n", ",active,schedule\n", 1),
		"2027-06-01,\nS1,G2", "2027-06-01,,\"Mon, Wed\"\nS1,G2", 1), "2027-06-01,\n", "2027-06-01,,weekly\n", 1)
	files["schedules.csv"] = "school,kind,spec\noak school,data_reminder,15 14 * * MON-FRI\n"
	r, err := roster.Parse(toFS(files))
	if err != nil {
		t.Fatalf("Parse: %v", err)
	}
	want := storage.RosterReminders{
		Settings: []storage.RosterSetting{
			{School: "Oak School", Name: "data_due", Value: "14:45"},
			{School: "Oak School", Name: "data_reminder", Value: "30m"},
			{School: "Oak School", Name: "bus_lead", Value: "15m"},
			{School: "Oak School", Name: "schedule:data_reminder", Value: "15 14 * * MON-FRI"},
		},
		Dismissals: []storage.RosterDismissal{{School: "Oak School", StudentCode: "S1", Dismissal: "bus 12"}, {School: "Oak School", StudentCode: "S2"}},
		GoalSchedules: []storage.RosterGoalSchedule{
			{School: "Oak School", StudentCode: "S1", GoalCode: "G1", Schedule: "mon, wed"},
			{School: "Oak School", StudentCode: "S1", GoalCode: "G2", Schedule: "weekly"},
		},
	}
	if got := r.Reminders; !equalReminders(got, want) {
		t.Errorf("Reminders =\n%+v\nwant\n%+v", got, want)
	}
}

func equalReminders(a, b storage.RosterReminders) bool {
	if len(a.Settings) != len(b.Settings) || len(a.Dismissals) != len(b.Dismissals) || len(a.GoalSchedules) != len(b.GoalSchedules) {
		return false
	}
	for i := range a.Settings {
		if a.Settings[i] != b.Settings[i] {
			return false
		}
	}
	for i := range a.Dismissals {
		if a.Dismissals[i] != b.Dismissals[i] {
			return false
		}
	}
	for i := range a.GoalSchedules {
		if a.GoalSchedules[i] != b.GoalSchedules[i] {
			return false
		}
	}
	return true
}

func TestReminderColumnsBad(t *testing.T) {
	files := baseFiles()
	files["schools.csv"] = `name,time_zone,year_start,year_end,day_start,dismissal,data_due,data_reminder,duty_lead
Oak School,America/Chicago,2026-08-24,2027-06-04,08:00,15:00,25:00,soon,-5m
`
	files["students.csv"] = `school,code,initials,first_name,last_name,grade,active,dismissal
Oak School,S1,A.B.,Ann,Bell,3,,skateboard
Oak School,S2,C.D.,Carl,Dunn,K,no,
`
	files["goals.csv"] = strings.Replace(strings.Replace(files["goals.csv"], ",active\n", ",active,schedule\n", 1), "2027-06-01,\n", "2027-06-01,,mon;funday\n", 1)
	files["schedules.csv"] = "school,kind,spec\nOak School,data_reminder,61 14 * * MON-FRI\nOak School,lunch_bell,0 12 * * *\n"
	_, err := roster.Parse(toFS(files))
	var errs roster.Errors
	if !errors.As(err, &errs) {
		t.Fatalf("Parse = %v, want Errors", err)
	}
	got := err.Error()
	for _, want := range []string{
		`schools.csv:2: column data_due:`,
		`schools.csv:2: column data_reminder: "soon" is not a lead time; write minutes like 10m or 30m, or hours like 1h`,
		`schools.csv:2: column duty_lead: "-5m" is not a lead time from 0 to 4h in whole minutes; write e.g. 10m`,
		`students.csv:2: column dismissal: "skateboard" is not a way home; write bus 12, pickup, walker or after-care`,
		`goals.csv:2: column schedule: "funday" is not a weekday; write daily, weekly, or weekdays like mon,wed,fri`,
		`schedules.csv:2: column spec: "61 14 * * MON-FRI" is not a cron spec: end of range (61) above maximum (59): 61; write five fields`,
		`schedules.csv:3: column kind: "lunch_bell" is not a schedule kind; write data_reminder, data_deadline, daily_summary, weekly_summary`,
	} {
		if !strings.Contains(got, want) {
			t.Errorf("errors lack %q; got:\n%s", want, got)
		}
	}
}
