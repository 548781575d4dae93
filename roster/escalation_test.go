package roster_test

import (
	"errors"
	"slices"
	"testing"

	"parabot/roster"
	"parabot/storage"
)

func TestEscalationFile(t *testing.T) {
	files := baseFiles()
	files["escalation.csv"] = "school,level,notify,timeout,urgent_timeout\n" +
		"oak school,1,Teacher,20,5m\n" +
		"Oak School,2,@ross @KIM,1h,15m\n"
	r, err := roster.Parse(toFS(files))
	if err != nil {
		t.Fatalf("Parse: %v", err)
	}
	var got []storage.RosterSetting
	for _, s := range r.Reminders.Settings {
		if s.Value != "" {
			got = append(got, s)
		}
	}
	want := []storage.RosterSetting{
		{School: "Oak School", Name: "escalation:1", Value: "teacher|20m|5m"},
		{School: "Oak School", Name: "escalation:2", Value: "@ross @kim|1h|15m"},
	}
	if !slices.Equal(got, want) {
		t.Errorf("settings %+v, want %+v", got, want)
	}
	// The levels the file does not list are removed: the file is the ladder.
	if n := len(r.Reminders.Settings); n != 9 {
		t.Errorf("%d settings, want 2 levels and 7 removals", n)
	}
}

func TestEscalationFileProblems(t *testing.T) {
	files := baseFiles()
	files["escalation.csv"] = "school,level,notify,timeout,urgent_timeout\n" +
		"Oak School,1,principal,30m,10m\n" +
		"Oak School,2,admin,-5m,10m\n" +
		"Oak School,3,admin,,10m\n" +
		"Oak School,x,admin,30m,10m\n" +
		"Oak School,4,,30m,10m\n" +
		"Oak School,2,teacher,30m,10m\n" +
		"Oak School,5,admin,30m,10m\n" +
		"Oak School,5,admin,30m,10m\n"
	_, err := roster.Parse(toFS(files))
	var problems roster.Errors
	if !errors.As(err, &problems) {
		t.Fatalf("Parse = %v, want problems", err)
	}
	want := `escalation.csv:4: column timeout: is required, but empty
escalation.csv:6: column notify: is required, but empty
escalation.csv:2: column notify: "principal" is neither a role (teacher, admin) nor a handle of staff.csv
escalation.csv:3: column timeout: "-5m": a timeout must be more than zero; write e.g. 30m
escalation.csv:5: column level: "x" is not a level; write 1 for the first people told, 2 for the next, up to 9
escalation.csv:9: column level: level 5 of Oak School is already on line 8
escalation.csv:7: column level: Oak School has level 2 but no level 1; number the levels 1, 2, 3 without gaps
escalation.csv:8: column level: Oak School has level 5 but no level 4; number the levels 1, 2, 3 without gaps`
	if err.Error() != want {
		t.Errorf("problems:\n%v\nwant:\n%s", err, want)
	}
}

func TestSchoolEscalationColumns(t *testing.T) {
	files := baseFiles()
	files["schools.csv"] = "name,time_zone,year_start,year_end,day_start,dismissal,escalate_severity,notice_oral,notice_written,notice_owner\n" +
		"Oak School,America/Chicago,2026-08-24,2027-06-04,08:00,15:00,3,24h,5,Admin\n"
	r, err := roster.Parse(toFS(files))
	if err != nil {
		t.Fatalf("Parse: %v", err)
	}
	want := []storage.RosterSetting{
		{School: "Oak School", Name: "escalate_severity", Value: "3"},
		{School: "Oak School", Name: "notice_oral", Value: "24h"},
		{School: "Oak School", Name: "notice_written", Value: "5"},
		{School: "Oak School", Name: "notice_owner", Value: "admin"},
	}
	if !slices.Equal(r.Reminders.Settings, want) {
		t.Errorf("settings %+v, want %+v", r.Reminders.Settings, want)
	}
	files["schools.csv"] = "name,time_zone,year_start,year_end,day_start,dismissal,escalate_severity,notice_oral,notice_written,notice_owner\n" +
		"Oak School,America/Chicago,2026-08-24,2027-06-04,08:00,15:00,9,-1h,0,para\n"
	_, err = roster.Parse(toFS(files))
	want2 := `schools.csv:2: column escalate_severity: "9" is not a severity; write 1 to 5 (incidents at or above it are escalated)
schools.csv:2: column notice_oral: "-1h" is not a deadline; write hours like 24h
schools.csv:2: column notice_written: "0" is not a number of school days; write e.g. 3
schools.csv:2: column notice_owner: "para" is not who owns the parent notice; write teacher or admin`
	if err == nil || err.Error() != want2 {
		t.Errorf("problems:\n%v\nwant:\n%s", err, want2)
	}
}
