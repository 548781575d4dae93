package storagetest

import (
	"context"
	"errors"
	"strings"
	"testing"
	"time"

	"parabot/storage"
)

// wantRefused checks that err is storage.ImportRefused (and ErrConflict)
// with exactly the problems want, in order: rows, line and field equal,
// Msg a part of the message.
func wantRefused(t *testing.T, what string, err error, want ...storage.ImportProblem) {
	t.Helper()
	var got storage.ImportRefused
	if !errors.As(err, &got) || !errors.Is(err, storage.ErrConflict) {
		t.Fatalf("%s: error = %v, want the import refused", what, err)
	}
	if len(got) != len(want) {
		t.Fatalf("%s: %d problems, want %d:\n%v", what, len(got), len(want), got)
	}
	for i, w := range want {
		g := got[i]
		if g.Rows != w.Rows || g.Line != w.Line || g.Field != w.Field || !strings.Contains(g.Msg, w.Msg) {
			t.Errorf("%s: problem %d = %+v, want %+v", what, i, g, w)
		}
	}
}

// testImportKeepsPurged checks that a re-import of a roster that still
// lists a purged student leaves the student, their goals, way home and
// goal schedules as Purge left them, and counts the student; making them
// active again or giving them a new goal is refused, and nothing of that
// import is saved.
func testImportKeepsPurged(t *testing.T, s storage.Store) {
	ctx := context.Background()
	f := load(t, s)
	s104 := f.students["S104"].ID
	r := SampleRoster()
	r.Students[3].Active = false // S104 leaves
	r.Students[3].Line = 5
	r.Reminders = storage.RosterReminders{
		Settings:      []storage.RosterSetting{{School: SampleSchool, Name: storage.SettingKeepRecords, Value: "1"}},
		Dismissals:    []storage.RosterDismissal{{School: SampleSchool, StudentCode: "S104", Dismissal: "bus 7"}},
		GoalSchedules: []storage.RosterGoalSchedule{{School: SampleSchool, StudentCode: "S104", GoalCode: "G1", Schedule: "mon"}},
	}
	of(s.ImportRoster(ctx, r)).must(t, "ImportRoster, S104 leaving")
	rep := of(s.Purge(ctx, time.Now().AddDate(2, 0, 0), false)).must(t, "Purge")
	if len(rep.Schools) != 1 || rep.Schools[0].Students != 1 {
		t.Fatalf("Purge = %+v, want S104 purged", rep)
	}
	purged := func(when string) {
		t.Helper()
		st := of(s.Student(ctx, s104)).must(t, "Student")
		if st.FirstName != "" || st.LastName != "" || st.Initials != "" || st.Grade != "" || st.Active {
			t.Errorf("%s: S104 = %+v, want it as Purge left it", when, st)
		}
		goals := of(s.Goals(ctx, s104)).must(t, "Goals")
		if len(goals) != 1 || goals[0].Text != "" || goals[0].Baseline != "" {
			t.Errorf("%s: S104's goals = %+v, want G1 without its text", when, goals)
		}
		if d := of(s.Dismissals(ctx, f.school.ID)).must(t, "Dismissals"); d[s104] != "" {
			t.Errorf("%s: S104's way home = %q, want none", when, d[s104])
		}
		if gs := of(s.GoalSchedules(ctx, f.school.ID)).must(t, "GoalSchedules"); gs[goals[0].ID] != "" {
			t.Errorf("%s: S104's goal schedule = %q, want none", when, gs[goals[0].ID])
		}
	}
	purged("after the purge")

	res := of(s.ImportRoster(ctx, r)).must(t, "the same roster again")
	if len(res.Created) != 0 || len(res.Updated) != 0 || res.Purged != 1 {
		t.Errorf("the same roster again = %+v, want nothing changed and 1 purged student", res)
	}
	purged("after the same roster again")

	back := SampleRoster()
	back.Students[3].Line = 5 // S104 active again
	back.Students[0].Grade = "3"
	back.Goals = append(back.Goals, storage.RosterGoal{StudentCode: "S104", Goal: goal("G2", "Ties shoes", storage.DomainMotor), Line: 7})
	_, err := s.ImportRoster(ctx, back)
	wantRefused(t, "S104 active again, with a new goal", err,
		storage.ImportProblem{Rows: storage.RowsStudents, Line: 5, Field: "active", Msg: "S104's records were purged"},
		storage.ImportProblem{Rows: storage.RowsGoals, Line: 7, Field: "student", Msg: "G2"})
	purged("after the refused import")
	if st := of(s.Student(ctx, f.students["S101"].ID)).must(t, "Student S101"); st.Grade != "2" {
		t.Errorf("S101's grade after the refused import = %q, want 2: nothing saved", st.Grade)
	}
}

// testImportRefusesOthersIDs checks that an email, Slack id or Discord id
// another staff member has is refused, naming who has it; and that an id
// moves when the same import takes it off the old row, in any order.
func testImportRefusesOthersIDs(t *testing.T, s storage.Store) {
	ctx := context.Background()
	f := load(t, s)
	newcomer := func(handle, email, slack, discord string, line int) storage.RosterStaff {
		return storage.RosterStaff{School: SampleSchool, Handle: handle, Name: "New " + handle, Email: email, Role: storage.RolePara,
			SlackID: slack, DiscordID: discord, SlackIDColumn: true, DiscordIDColumn: true, Active: true, Line: line}
	}
	r := SampleRoster()
	r.Staff = append(r.Staff,
		newcomer("nnew", "MEI.chen@maple.example", "U0JRIVERA", "", 7),
		newcomer("nnewer", "", "", "100000000000000001", 8))
	_, err := s.ImportRoster(ctx, r)
	wantRefused(t, "others' email and ids", err,
		storage.ImportProblem{Rows: storage.RowsStaff, Line: 7, Field: "slack_id", Msg: "U0JRIVERA is already the Slack account of jrivera (Jo Rivera)"},
		storage.ImportProblem{Rows: storage.RowsStaff, Line: 7, Field: "email", Msg: "MEI.chen@maple.example is already the email of mchen (Mei Chen)"},
		storage.ImportProblem{Rows: storage.RowsStaff, Line: 8, Field: "discord_id", Msg: "is already the Discord account of mchen"})
	if st, err := s.StaffByIdentity(ctx, storage.PlatformSlack, "U0JRIVERA"); err != nil || st.ID != f.staff["jrivera"].ID {
		t.Errorf("U0JRIVERA after the refused import = %+v, %v; want jrivera's still", st, err)
	}
	if _, err := s.StaffByIdentity(ctx, storage.PlatformShell, "nnew"); !errors.Is(err, storage.ErrNotFound) {
		t.Errorf("nnew after the refused import: %v, want not saved", err)
	}

	// Taken off jrivera's row (the newcomer's row comes first), the id
	// moves. An account linked by email is not the roster's to move.
	kemi := storage.Identity{StaffID: f.staff["kokafor"].ID, Platform: storage.PlatformSlack, UserID: "U0KOKAFOR"}
	must(t, "LinkIdentity", s.LinkIdentity(ctx, kemi))
	r = SampleRoster()
	for i := range r.Staff {
		r.Staff[i].SlackIDColumn, r.Staff[i].DiscordIDColumn = true, true
	}
	r.Staff[2].SlackID = ""
	r.Staff = append([]storage.RosterStaff{newcomer("nnew", "", "U0JRIVERA", "", 2)}, r.Staff...)
	checkImport(t, s, r, "moving U0JRIVERA", map[string]int{"identities": 2, "staff": 1}, map[string]int{"identities": 1})
	if st, err := s.StaffByIdentity(ctx, storage.PlatformSlack, "U0JRIVERA"); err != nil || st.Handle != "nnew" {
		t.Errorf("U0JRIVERA after the move = %+v, %v; want nnew", st, err)
	}
	if st, err := s.StaffByIdentity(ctx, storage.PlatformSlack, "U0KOKAFOR"); err != nil || st.ID != kemi.StaffID {
		t.Errorf("kokafor's Slack account linked by email = %+v, %v; want kept", st, err)
	}
	r.Staff = append(r.Staff, newcomer("nother", "", "U0KOKAFOR", "", 9))
	_, err = s.ImportRoster(ctx, r)
	wantRefused(t, "an account linked by email", err,
		storage.ImportProblem{Rows: storage.RowsStaff, Line: 9, Field: "slack_id", Msg: "the Slack account of kokafor"})
}

// testImportRoleFitsAssignments checks a staff row against the roster as
// the import leaves it: a role that no longer fits the staff member's
// active assignments, and a move to another school while another school's
// escalation ladder names the staff member, are refused until the same
// import changes those too.
func testImportRoleFitsAssignments(t *testing.T, s storage.Store) {
	ctx := context.Background()
	f := load(t, s)
	r := SampleRoster()
	r.Staff[1].Role, r.Staff[1].Line = storage.RolePara, 3    // tlopez, teacher of all four
	r.Staff[4].Role, r.Staff[4].Line = storage.RoleTeacher, 6 // kokafor, therapist of S101 and S103
	r.Assignments = nil
	_, err := s.ImportRoster(ctx, r)
	wantRefused(t, "roles that no longer fit", err,
		storage.ImportProblem{Rows: storage.RowsStaff, Line: 3, Field: "role", Msg: "tlopez is the teacher of S101, S102, S103 and S104 in assignments, and a teacher assignment needs a teacher"},
		storage.ImportProblem{Rows: storage.RowsStaff, Line: 6, Field: "role", Msg: "kokafor is the therapist of S101 and S103"})
	if st := of(s.StaffMember(ctx, f.staff["tlopez"].ID)).must(t, "StaffMember"); st.Role != storage.RoleTeacher {
		t.Errorf("tlopez after the refused import is a %s, want still a teacher", st.Role)
	}
	// Retiring the assignments in the same import lets the role change.
	r = SampleRoster()
	r.Staff[1].Role = storage.RolePara
	for i := range 4 {
		r.Assignments[i].Active = false
	}
	of(s.ImportRoster(ctx, r)).must(t, "tlopez a para, her teacher assignments retired")

	// jrivera, named on Maple's ladder, moves to Oak (the same email).
	r = SampleRoster()
	r.Reminders.Settings = []storage.RosterSetting{{School: SampleSchool, Name: "escalation:1", Value: "@pprincipal @jrivera|30m|10m"}}
	of(s.ImportRoster(ctx, r)).must(t, "a ladder naming jrivera")
	o := otherRoster()
	o.Staff = append(o.Staff, storage.RosterStaff{School: OtherSchool, Handle: "jrivera", Name: "Jo Rivera",
		Email: "jo.rivera@maple.example", Role: storage.RolePara, Active: true, Line: 4})
	_, err = s.ImportRoster(ctx, o)
	wantRefused(t, "moving someone on a ladder", err,
		storage.ImportProblem{Rows: storage.RowsStaff, Line: 4, Field: "school", Msg: "jrivera is on Maple Elementary's escalation ladder (level 1)"})
	o.Reminders.Settings = []storage.RosterSetting{{School: SampleSchool, Name: "escalation:1", Value: "@pprincipal|30m|10m"}}
	of(s.ImportRoster(ctx, o)).must(t, "moving jrivera, taken off the ladder")
}
