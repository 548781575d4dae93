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
