// Package rostertest builds rosters for tests: a school of any size, to
// check that every list and reply stays readable and within the chat
// platforms' limits as a school grows.
package rostertest

import (
	"fmt"

	"parabot/storage"
)

// LargeSchool is the name of the school Large builds.
const LargeSchool = "Large Elementary"

// The handles of Large's staff: an admin, whose caseload is the whole
// school, and a teacher of every student.
const (
	LargeAdmin   = "bigadmin"
	LargeTeacher = "bigteacher"
)

var (
	firstNames = []string{"Ava", "Aiden", "Sofia", "Liam", "Noah", "Emma", "Mia", "Lucas", "Zoe", "Ethan", "Isla", "Owen", "Maya", "Leo", "Nora", "Eli", "Ruby", "Jack", "Ivy", "Finn"}
	lastNames  = []string{"Brooks", "Baker", "Martinez", "Chen", "Williams", "Johnson", "Garcia", "Nguyen", "Patel", "Kim", "Lopez", "Diaz", "Fox", "Hill", "Reed", "Shaw", "Young", "Ward", "Cole", "Bell", "Ross", "Gray", "Long", "Price", "Hayes", "Ford", "Stone", "Wells", "Lane", "Hart"}
)

// Large is one school of n students (codes L0001, L0002, ...; first and
// last names combined from short lists, so many share initials and first
// names), each with two goals of 5 trials a day, all on LargeTeacher's
// caseload. LargeAdmin is an admin: every student is on their caseload.
func Large(n int) storage.Roster {
	r := storage.Roster{
		Schools: []storage.School{{
			Name: LargeSchool, TimeZone: "America/New_York",
			YearStart: "2026-08-31", YearEnd: "2027-06-18", DayStart: "08:30", Dismissal: "15:10",
		}},
		Staff: []storage.RosterStaff{
			{School: LargeSchool, Handle: LargeAdmin, Name: "Robin Admin", Email: "robin.admin@large.example", Role: storage.RoleAdmin, Active: true},
			{School: LargeSchool, Handle: LargeTeacher, Name: "Sam Teacher", Email: "sam.teacher@large.example", Role: storage.RoleTeacher, Channel: "large-class", Active: true},
		},
	}
	for i := 0; i < n; i++ {
		first, last := firstNames[i%len(firstNames)], lastNames[(i/len(firstNames))%len(lastNames)]
		code := fmt.Sprintf("L%04d", i+1)
		r.Students = append(r.Students, storage.RosterStudent{
			School: LargeSchool, Code: code, Initials: first[:1] + "." + last[:1] + ".",
			FirstName: first, LastName: last, Grade: fmt.Sprint(i % 6), Active: true,
		})
		for g, text := range []string{
			first + " will add and subtract two-digit numbers with regrouping with 80% accuracy.",
			first + " will ask for a break with a break card instead of leaving the work area.",
		} {
			r.Goals = append(r.Goals, storage.RosterGoal{School: LargeSchool, StudentCode: code, Goal: storage.Goal{
				Code: fmt.Sprintf("G%d", g+1), Text: text, Domain: storage.DomainAcademic, Measurement: "percent correct",
				MasteryPercent: 80, MasterySessions: 3, MasteryMinTrials: 5, StartDate: "2026-09-01", EndDate: "2027-06-18", Active: true,
			}})
		}
		r.Assignments = append(r.Assignments, storage.RosterAssignment{StaffHandle: LargeTeacher, StudentCode: code, School: LargeSchool, Kind: storage.AssignTeacher, Active: true})
	}
	return r
}
