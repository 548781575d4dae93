package summary_test

import (
	"fmt"
	"time"

	"parabot/storage"
	"parabot/summary"
)

// A week of one trials goal, summarized and posted to a teacher's channel:
// the channel names the student by initials and code only.
func Example() {
	loc, _ := time.LoadLocation("America/New_York")
	day := func(d int) time.Time { return time.Date(2026, 11, 9+d, 10, 0, 0, 0, loc) }
	trials := func(correct, of int) []storage.TrialResult {
		out := make([]storage.TrialResult, of)
		for i := range out {
			out[i] = storage.TrialResult{Outcome: storage.Incorrect, Prompt: storage.Verbal}
			if i < correct {
				out[i] = storage.TrialResult{Outcome: storage.Correct, Prompt: storage.Independent}
			}
		}
		return out
	}
	goal := summary.GoalOf(storage.Goal{ID: 1, Code: "G1", Text: "Ava will name 20 letters.", Baseline: "20% of letters",
		MasteryPercent: 80, MasterySessions: 3, MasteryMinTrials: 10, StartDate: "2026-11-02", EndDate: "2026-11-30", Active: true})
	in := summary.Input{
		Student: storage.Student{ID: 1, Code: "S101", Initials: "A.B.", FirstName: "Ava", LastName: "Brooks"},
		Goals:   []summary.Goal{goal},
		Period:  summary.Period{From: day(0), To: day(4), Loc: loc},
	}
	for d, correct := range []int{4, 4, 5, 5, 6} {
		in.Sessions = append(in.Sessions, summary.Session{GoalID: 1, At: day(d), Trials: trials(correct, 10), Active: true})
	}
	s, err := summary.Summarize(in)
	if err != nil {
		fmt.Println(err)
		return
	}
	post := summary.ChannelReply([]summary.Student{s})
	fmt.Println(post.Fields[0].Label)
	fmt.Println(post.Fields[0].Value)
	// Output:
	// A.B. (S101)
	// G1 trials: 50 trials, 48% correct, 48% independent; prompt level 1.0; data on 5 of 5 days due; trend +35.0 a week — on track.
	// Incidents: none.
}
