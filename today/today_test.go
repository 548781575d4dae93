package today

import (
	"testing"

	"parabot/storage"
)

func TestNeededAndDueLine(t *testing.T) {
	if Needed(storage.Goal{}) != 1 || Needed(storage.Goal{MasteryMinTrials: 10}) != 10 {
		t.Error("a goal needs its mastery_min_trials a day, or 1 when unset")
	}
	due := Due{
		Student: storage.Student{Code: "S103", Initials: "A.B.", FirstName: "Aiden", LastName: "Baker"},
		Goals: []GoalDue{
			{Goal: storage.Goal{Code: "G1", Text: "Using a place-value mat, Aiden will add and subtract two-digit numbers with regrouping."}, Trials: 1, Needed: 10},
			{Goal: storage.Goal{Code: "G2", Text: "Aiden will ask for a break."}, Trials: 0, Needed: 1},
		},
	}
	if got, want := DueLine(due, 0), "Aiden B. (S103) — G1 add and subtract two-digit numbers: 1 of 10 trials; G2 ask for a break: 0 of 1 trial"; got != want {
		t.Errorf("DueLine = %q\nwant     %q", got, want)
	}
	if got, want := DueLine(due, 12), "Aiden B. (S103) — G1 add and …: 1 of 10 trials; G2 ask for …: 0 of 1 trial"; got != want {
		t.Errorf("DueLine cut = %q\nwant         %q", got, want)
	}
}
