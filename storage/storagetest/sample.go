package storagetest

import (
	"time"

	"parabot/storage"
)

// SampleSchool is the name of SampleRoster's school.
const SampleSchool = "Maple Elementary"

// SampleRoster is a small school for tests: Maple Elementary (America/New_York,
// school year 2026-08-31..2027-06-18, first bell 08:30, dismissal 15:10) with
//
//   - staff: admin "pprincipal", teacher "tlopez" (channel "room-12"), paras
//     "jrivera" and "mchen", speech therapist "kokafor"; every one has an
//     email, jrivera and tlopez a Slack id, mchen a Discord id;
//   - students S101..S104 (teacher tlopez for all; para jrivera for S101 and
//     S102, para mchen for S103 and S104; therapist kokafor for S101 and S103);
//   - goals G1 and G2 for S101, G1 for the others;
//   - bus duty for jrivera every weekday 15:00-15:20, lunch duty for mchen on
//     Wednesdays 11:30-12:00;
//   - a holiday on 2026-11-26 and an early release (12:30) on 2026-12-18.
//
// Each call returns a fresh copy that tests may change.
func SampleRoster() storage.Roster {
	r := storage.Roster{
		Schools: []storage.School{{
			Name: SampleSchool, TimeZone: "America/New_York",
			YearStart: "2026-08-31", YearEnd: "2027-06-18", DayStart: "08:30", Dismissal: "15:10",
		}},
		Staff: []storage.RosterStaff{
			{School: SampleSchool, Handle: "pprincipal", Name: "Pat Principal", Email: "pat.principal@maple.example",
				Role: storage.RoleAdmin, Active: true},
			{School: SampleSchool, Handle: "tlopez", Name: "Tina Lopez", Email: "tina.lopez@maple.example",
				Role: storage.RoleTeacher, Channel: "room-12", SlackID: "U0TLOPEZ", Active: true},
			{School: SampleSchool, Handle: "jrivera", Name: "Jo Rivera", Email: "jo.rivera@maple.example",
				Role: storage.RolePara, SlackID: "U0JRIVERA", Active: true},
			{School: SampleSchool, Handle: "mchen", Name: "Mei Chen", Email: "mei.chen@maple.example",
				Role: storage.RolePara, DiscordID: "100000000000000001", Active: true},
			{School: SampleSchool, Handle: "kokafor", Name: "Kemi Okafor", Email: "kemi.okafor@maple.example",
				Role: storage.RoleTherapist, Active: true},
		},
		Students: []storage.RosterStudent{
			{School: SampleSchool, Code: "S101", Initials: "A.B.", FirstName: "Ava", LastName: "Brown", Grade: "2", Active: true},
			{School: SampleSchool, Code: "S102", Initials: "C.D.", FirstName: "Caleb", LastName: "Diaz", Grade: "3", Active: true},
			{School: SampleSchool, Code: "S103", Initials: "E.F.", FirstName: "Emma", LastName: "Fox", Grade: "1", Active: true},
			{School: SampleSchool, Code: "S104", Initials: "G.H.", FirstName: "Gus", LastName: "Hill", Grade: "4", Active: true},
		},
		Goals: []storage.RosterGoal{
			{StudentCode: "S101", Goal: goal("G1", "Requests a break using a picture card", storage.DomainCommunication)},
			{StudentCode: "S101", Goal: goal("G2", "Identifies coins by name", storage.DomainAcademic)},
			{StudentCode: "S102", Goal: goal("G1", "Takes turns in a structured game", storage.DomainSocial)},
			{StudentCode: "S103", Goal: goal("G1", "Follows a two-step direction", storage.DomainCommunication)},
			{StudentCode: "S104", Goal: goal("G1", "Zips jacket independently", storage.DomainDailyLiving)},
		},
		Assignments: []storage.RosterAssignment{
			{StaffHandle: "tlopez", StudentCode: "S101", Kind: storage.AssignTeacher, Active: true},
			{StaffHandle: "tlopez", StudentCode: "S102", Kind: storage.AssignTeacher, Active: true},
			{StaffHandle: "tlopez", StudentCode: "S103", Kind: storage.AssignTeacher, Active: true},
			{StaffHandle: "tlopez", StudentCode: "S104", Kind: storage.AssignTeacher, Active: true},
			{StaffHandle: "jrivera", StudentCode: "S101", Kind: storage.AssignPara, Active: true},
			{StaffHandle: "jrivera", StudentCode: "S102", Kind: storage.AssignPara, Active: true},
			{StaffHandle: "mchen", StudentCode: "S103", Kind: storage.AssignPara, Active: true},
			{StaffHandle: "mchen", StudentCode: "S104", Kind: storage.AssignPara, Active: true},
			{StaffHandle: "kokafor", StudentCode: "S101", Kind: storage.AssignTherapist, Active: true},
			{StaffHandle: "kokafor", StudentCode: "S103", Kind: storage.AssignTherapist, Active: true},
		},
		Calendar: []storage.RosterDay{
			{School: SampleSchool, Day: storage.CalendarDay{Date: "2026-11-26", Kind: storage.DayHoliday, Note: "Thanksgiving"}, Active: true},
			{School: SampleSchool, Day: storage.CalendarDay{Date: "2026-12-18", Kind: storage.DayEarlyRelease, Dismissal: "12:30", Note: "Winter break starts"}, Active: true},
		},
	}
	for d := time.Monday; d <= time.Friday; d++ {
		r.Duties = append(r.Duties, storage.RosterDuty{StaffHandle: "jrivera",
			Duty: storage.Duty{Kind: storage.DutyBus, Weekday: d, Start: "15:00", End: "15:20", Place: "bus loop"}, Active: true})
	}
	r.Duties = append(r.Duties, storage.RosterDuty{StaffHandle: "mchen",
		Duty: storage.Duty{Kind: storage.DutyLunch, Weekday: time.Wednesday, Start: "11:30", End: "12:00", Place: "cafeteria"}, Active: true})
	return r
}

func goal(code, text string, d storage.Domain) storage.Goal {
	return storage.Goal{
		Code: code, Text: text, Domain: d, Measurement: "percent correct", Baseline: "20%",
		MasteryPercent: 80, MasterySessions: 3, MasteryMinTrials: 5,
		StartDate: "2026-09-08", EndDate: "2027-06-18", Active: true,
	}
}
