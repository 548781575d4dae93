package commands_test

import (
	"context"
	"strings"
	"testing"
	"time"

	"parabot/bot"
	"parabot/storage"
)

// TestTranscriptTypedLikeParas replays what paras type through the real
// router and checks each answer and what was stored: times without at=,
// data-sheet codes, a misspelt name, "class to speech", and comments.
func TestTranscriptTypedLikeParas(t *testing.T) {
	s := newSchool(t)
	s.now = s.now.Add(time.Hour) // Tuesday 11:00
	ctx := context.Background()
	at := func(hhmm string) time.Time {
		tm, err := time.ParseInLocation("2006-01-02 15:04", "2026-11-24 "+hhmm, s.now.Location())
		if err != nil {
			t.Fatal(err)
		}
		return tm
	}
	student := func(code string) storage.Student {
		all, err := s.db.Students(ctx, s.staff("lee").SchoolID)
		if err != nil {
			t.Fatal(err)
		}
		for _, st := range all {
			if st.Code == code {
				return st
			}
		}
		t.Fatalf("no student %s", code)
		return storage.Student{}
	}
	lastEntry := func() storage.Entry {
		e, err := s.db.LastEntry(ctx, s.staff("lee").ID)
		if err != nil {
			t.Fatal(err)
		}
		return e
	}
	var pressed bot.Reply
	for _, step := range []struct {
		line  string
		want  string
		check func(t *testing.T)
	}{{
		line: "/trial ava g3 + - + at 10:15",
		want: "Logged for Ava B. (S101) — G3 name 20 uppercase and 20 lowercase: 3 trials at 10:15, 2 correct, 2 independent.",
		check: func(t *testing.T) {
			ts, _ := s.db.Trials(ctx, storage.Filter{StudentID: student("S101").ID})
			if len(ts) != 3 || !ts[0].At.Equal(at("10:15")) {
				t.Errorf("trials %+v, want 3 at 10:15", ts)
			}
		},
	}, {
		line: "/trial liam g1 VP gp I NR 20m ago",
		want: "Logged for Liam C. (S102) — G1 produce /s/ and /s/-blends: 4 trials at 10:40, 3 correct, 1 independent (prompted: 1 gestural, 1 verbal), 1 no response.",
		check: func(t *testing.T) {
			ts, _ := s.db.Trials(ctx, storage.Filter{StudentID: student("S102").ID})
			if len(ts) != 4 || ts[0].Prompt != storage.Verbal || ts[1].Prompt != storage.Gestural || ts[3].Outcome != storage.NoResponse || !ts[0].At.Equal(at("10:40")) {
				t.Errorf("trials %+v", ts)
			}
		},
	}, {
		line: "/trial aidan g3 vp vp i",
		want: `No student on your caseload matches "aidan". Did you mean Aiden B. (S103)?` + "\nExample: /trial S101 G1 + + v - + (help trial shows all)",
		check: func(t *testing.T) {
			if ts, _ := s.db.Trials(ctx, storage.Filter{StudentID: student("S103").ID}); len(ts) != 0 {
				t.Errorf("logged before the choice: %+v", ts)
			}
		},
	}, {
		line: "press 1",
		want: "Logged for Aiden B. (S103) — G3 write his first and last name: 3 trials, 3 correct, 1 independent (prompted: 2 verbal).",
	}, {
		line: "/transition ava class to speech",
		want: "Logged transition for Ava B. (S101): class → speech, prompt not recorded.",
		check: func(t *testing.T) {
			ts, _ := s.db.Transitions(ctx, storage.Filter{StudentID: student("S101").ID})
			if len(ts) != 1 || ts[0].From != "class" || ts[0].To != "speech" || ts[0].Prompt != storage.PromptNotRecorded {
				t.Errorf("transitions %+v", ts)
			}
		},
	}, {
		line: "/incident liam pushed a peer a=lining up c=moved to the front severity=3 at 10:30 note=was tired",
		want: "Logged incident for Liam C. (S102) at 10:30: severity 3.",
		check: func(t *testing.T) {
			ins, _ := s.db.Incidents(ctx, storage.Filter{StudentID: student("S102").ID})
			if len(ins) != 1 || ins[0].Severity != 3 || ins[0].Notes != "was tired" || ins[0].Consequence != "moved to the front" || !ins[0].At.Equal(at("10:30")) {
				t.Errorf("incidents %+v", ins)
			}
		},
	}, {
		line: "/trial ava g1 3/5 -- was tired",
		want: "Logged for Ava B. (S101) — G1 request a preferred item or activity: 5 trials, 3 correct, 3 independent. Note: was tired",
		check: func(t *testing.T) {
			if e := lastEntry(); e.Summary != "Logged 5 trials for A.B. (S101) G1: 3/5 correct, 3 independent." {
				t.Errorf("stored summary %q", e.Summary)
			}
			se, _ := s.db.Sessions(ctx, storage.Filter{StudentID: student("S101").ID})
			if len(se) == 0 || se[len(se)-1].Note != "was tired" {
				t.Errorf("sessions %+v, want the last one's note %q", se, "was tired")
			}
		},
	}, {
		line: "/transition liam class to lunch prompt=vp note=was tired",
		want: "Logged transition for Liam C. (S102): class → lunch, verbal. Note: was tired",
	}, {
		line: "/trial ava g1 + at 11:45",
		want: "11:45 is in the future; log what already happened (it is 11:00 now).\nExample: /trial Ava G1 VP GP I NR at 10:15 (help trial shows all)",
	}, {
		line: "/trial ava g1",
		want: "Missing trials: " + bot.TrialHelp + ".\nExample: /trial S101 G1 + + v - + (help trial shows all)",
	}, {
		line: "/today",
		want: "",
		check: func(t *testing.T) {
			r := s.do("lee", "/today")
			want := "Data still due today (3 students have goals that need data):\n" +
				"  Ava B. (S101) — G2 stay on the carpet: 0 of 1 duration\n" + // G3 is due mon,wed,fri
				"  Liam C. (S102) — G1 produce /s/ and /s/-blends: 4 of 10 trials; G2 take turns with a peer: 0 of 1 count\n" +
				"  Aiden B. (S103) — G1 add and subtract two-digit numbers: 0 of 10 trials; G2 ask for a break: 0 of 1 count"
			if !strings.Contains(r.Text, want+"\nReminders still to come today:") {
				t.Errorf("/today:\n%s\nwant it to hold, before the reminders to come,\n%s", r.Text, want)
			}
		},
	}} {
		t.Run(step.line, func(t *testing.T) {
			var r bot.Reply
			switch {
			case step.line == "press 1":
				r = s.router.HandlePress(ctx, bot.Press{Platform: storage.PlatformShell, UserID: "lee", Action: pressed.Buttons[0].Action, Value: pressed.Buttons[0].Value})
			case step.want == "":
			default:
				r = s.do("lee", step.line)
			}
			if step.want != "" && r.Text != step.want {
				t.Errorf("%s\n got %q\nwant %q", step.line, r.Text, step.want)
			}
			pressed = r
			if step.check != nil {
				step.check(t)
			}
		})
	}
}

// TestStoredSummariesCarryNoNames: the stored summary of every kind of
// entry (what a later channel post or retraction may show) names the
// student by initials and code only, while the private reply names them.
func TestStoredSummariesCarryNoNames(t *testing.T) {
	s := newSchool(t)
	ctx := context.Background()
	for _, line := range []string{
		"/trial aiden g1 + vp",
		"/incident liam hit a=x c=y severity=2",
		"/transition ava class to gym",
		"/note liam had a good day",
	} {
		r := s.do("lee", line)
		if r.IsError || !r.Private {
			t.Fatalf("%s: %+v", line, r)
		}
		e, err := s.db.LastEntry(ctx, s.staff("lee").ID)
		if err != nil {
			t.Fatal(err)
		}
		for _, name := range []string{"Aiden", "Baker", "Liam", "Chen", "Ava", "Brooks"} {
			if strings.Contains(e.Summary, name) {
				t.Errorf("%s: stored summary %q names %s", line, e.Summary, name)
			}
		}
		if !strings.Contains(r.Text, "Aiden B. (S103)") && !strings.Contains(r.Text, "Liam C. (S102)") && !strings.Contains(r.Text, "Ava B. (S101)") {
			t.Errorf("%s: the private reply %q does not name the student", line, r.Text)
		}
	}
}

// TestIncidentTrailingComment: "-- was tired" at the end of an incident
// goes to its notes, and the rest of the line stays what it was.
func TestIncidentTrailingComment(t *testing.T) {
	s := newSchool(t)
	r := s.do("lee", "/incident liam threw blocks a=clean-up time c=helped tidy severity=2 20m ago -- was tired")
	if r.IsError || r.Text != "Logged incident for Liam C. (S102) at 09:40: severity 2." {
		t.Fatalf("reply %q", r.Text)
	}
	cl, _ := s.db.Caseload(context.Background(), s.staff("lee").ID)
	ins, _ := s.db.Incidents(context.Background(), storage.Filter{StudentID: cl[1].ID})
	if len(ins) != 1 || ins[0].Notes != "was tired" || ins[0].Consequence != "helped tidy" || ins[0].Behavior != "threw blocks" {
		t.Errorf("stored %+v", ins)
	}
}
