package summary

import (
	"fmt"
	"math/rand/v2"
	"testing"
	"time"

	"parabot/storage"
)

// demoStaff is the demo school's staff, by id.
var demoStaff = map[int64]StaffMember{
	1: {Name: "Maria Rivera", Role: storage.RoleTeacher},
	2: {Name: "Anil Patel", Role: storage.RoleAdmin},
	3: {Name: "Jamie Lee", Role: storage.RolePara},
	4: {Name: "Chris Okafor", Role: storage.RolePara},
}

// demoStudents are the demo school's students.
var demoStudents = []storage.Student{
	{ID: 1, Code: "S101", Initials: "A.B.", FirstName: "Ava", LastName: "Brooks", Grade: "K", Active: true},
	{ID: 2, Code: "S102", Initials: "L.C.", FirstName: "Liam", LastName: "Chen", Grade: "1", Active: true},
	{ID: 3, Code: "S103", Initials: "A.B.", FirstName: "Aiden", LastName: "Baker", Grade: "2", Active: true},
	{ID: 4, Code: "S104", Initials: "S.M.", FirstName: "Sofia", LastName: "Martinez", Grade: "3", Active: true},
}

// demoFreeText is every free text the demo week logs; none may reach a
// channel.
var demoFreeText = []string{
	"Liam took Ava's blocks during centers", "Ava hit Liam with a block", "sensory break in the calm corner",
	"hallway by the library", "asked to stop the iPad", "Aiden threw his folder at Sofia",
	"Ava was tired after Liam's birthday party", "Sofia's grandmother picks her up on Fridays",
	"Chris noticed Aiden rubbing his eyes",
}

// demoWeek is a week of data for the demo school's four students
// (2026-11-09 to 2026-11-13, with the week before as history), made with
// a fixed seed.
func demoWeek(t testing.TB) []Input {
	t.Helper()
	rng := rand.New(rand.NewPCG(11, 2026))
	period := week(t)
	var out []Input
	for _, st := range demoStudents {
		in := Input{Student: st, Staff: demoStaff, Period: period}
		first := st.FirstName
		goals := []Goal{
			{Goal: storage.Goal{Code: "G1", Text: first + " will request a preferred item with a 2-word phrase in 4 of 5 opportunities.",
				Baseline: "1 of 5 (20%)", MasteryPercent: 80, MasterySessions: 3, MasteryMinTrials: 5}, Type: TypeTrials,
				Title: first + " requests with 2 words", BaselineValue: 20, HasBaseline: true},
			{Goal: storage.Goal{Code: "G2", Text: first + " will stay on the carpet for 10 minutes.", Baseline: "3 minutes"},
				Type: TypeDuration, Target: 10, BaselineValue: 3, HasBaseline: true, Title: "carpet time"},
			{Goal: storage.Goal{Code: "G3", Text: first + " will hang up the coat, bag and folder and sit down.", MasteryPercent: 75, MasterySessions: 2, MasteryMinTrials: 4},
				Type: TypeTaskAnalysis, Steps: []string{"coat", "bag", "folder", "seat"}, Title: "arrival routine"},
			{Goal: storage.Goal{Code: "G4", Text: first + " will call out no more than twice a lesson.", Baseline: "8 a lesson"},
				Type: TypeFrequency, Target: 2, Decrease: true, BaselineValue: 8, HasBaseline: true},
		}
		for i := range goals {
			g := &goals[i]
			g.ID, g.StudentID, g.Active = st.ID*10+int64(i), st.ID, true
			g.StartDate, g.EndDate = "2026-09-14", "2027-06-11"
		}
		in.Goals = goals
		for d := -7; d < 5; d++ {
			day := at(t, "2026-11-09 09:00").AddDate(0, 0, d)
			if wd := day.Weekday(); wd == time.Saturday || wd == time.Sunday {
				continue
			}
			staff := int64(3 + rng.IntN(2))
			var rs []storage.TrialResult
			for range 5 + rng.IntN(4) {
				r := storage.TrialResult{Outcome: storage.Correct, Prompt: storage.Prompt(rng.IntN(3))}
				if rng.IntN(4) == 0 {
					r.Outcome = storage.Incorrect
				}
				rs = append(rs, r)
			}
			steps := make([]storage.Prompt, 4)
			for i := range steps {
				steps[i] = storage.Prompt(rng.IntN(4))
			}
			in.Sessions = append(in.Sessions,
				Session{GoalID: goals[0].ID, StaffID: staff, At: day, Type: TypeTrials, Trials: rs, Active: true},
				Session{GoalID: goals[1].ID, StaffID: staff, At: day.Add(time.Hour), Type: TypeDuration, Duration: time.Duration(4+rng.IntN(6)) * time.Minute, Active: true},
				Session{GoalID: goals[2].ID, StaffID: staff, At: day.Add(-30 * time.Minute), Type: TypeTaskAnalysis, Steps: steps, Active: true},
				Session{GoalID: goals[3].ID, StaffID: staff, At: day.Add(2 * time.Hour), Type: TypeFrequency, Count: rng.IntN(7), Span: 45 * time.Minute, Active: true},
			)
			if d >= 0 && rng.IntN(2) == 0 {
				x := demoFreeText[rng.IntN(len(demoFreeText))]
				in.Incidents = append(in.Incidents, storage.Incident{StudentID: st.ID, StaffID: staff, At: day.Add(time.Duration(rng.IntN(6)) * time.Hour),
					Setting: demoFreeText[3], Antecedent: demoFreeText[0], Behavior: demoFreeText[1], Consequence: demoFreeText[4],
					Severity: 1 + rng.IntN(4), Strategies: []string{demoFreeText[2]}, Notes: x, Restraint: rng.IntN(5) == 0, Active: true})
			}
			if d >= 0 {
				in.Transitions = append(in.Transitions, storage.Transition{StudentID: st.ID, StaffID: staff, At: day.Add(6*time.Hour + 10*time.Minute),
					From: "class", To: "bus", Prompt: storage.Prompt(rng.IntN(3)), Latency: time.Duration(20+rng.IntN(60)) * time.Second,
					HandoffTo: []string{"driver", ""}[rng.IntN(2)], Active: true})
				in.Notes = append(in.Notes, storage.Note{StudentID: st.ID, StaffID: staff, ToStaffID: 1, At: day.Add(7 * time.Hour),
					Text: demoFreeText[6+rng.IntN(3)], Active: true})
			}
		}
		out = append(out, in)
	}
	return out
}

// demoSummaries summarizes the demo week.
func demoSummaries(t testing.TB) []Student {
	t.Helper()
	var out []Student
	for _, in := range demoWeek(t) {
		s, err := Summarize(in)
		if err != nil {
			t.Fatalf("summarizing %s: %v", in.Student.Code, err)
		}
		out = append(out, s)
	}
	if len(out) != 4 {
		panic(fmt.Sprint("demo week has ", len(out), " students"))
	}
	return out
}
