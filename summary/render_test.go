package summary

import (
	"strings"
	"testing"
	"unicode"

	"parabot/bot"
)

// replyText is everything a reply shows.
func replyText(r bot.Reply) string {
	var b strings.Builder
	b.WriteString(r.Text + "\n" + r.Context + "\n")
	for _, f := range r.Fields {
		b.WriteString(f.Label + "\n" + f.Value + "\n")
	}
	for _, x := range r.Buttons {
		b.WriteString(x.Label + " " + x.Value + "\n")
	}
	return b.String()
}

// containsWord reports whether word occurs in text as a whole word,
// ignoring case.
func containsWord(text, word string) bool {
	lt, lw := strings.ToLower(text), strings.ToLower(word)
	for i := 0; ; {
		j := strings.Index(lt[i:], lw)
		if j < 0 {
			return false
		}
		start, end := i+j, i+j+len(lw)
		before := start == 0 || !isWordByte(lt[start-1])
		after := end == len(lt) || !isWordByte(lt[end])
		if before && after {
			return true
		}
		i = start + 1
	}
}

func isWordByte(b byte) bool {
	return b < 128 && (unicode.IsLetter(rune(b)) || unicode.IsDigit(rune(b)))
}

func TestChannelPrivacy(t *testing.T) {
	students := demoSummaries(t)
	channel := replyText(ChannelReply(students))
	for _, st := range demoStudents {
		for _, name := range []string{st.FirstName, st.LastName} {
			if containsWord(channel, name) {
				t.Errorf("channel post names %q", name)
			}
		}
		if !strings.Contains(channel, st.Code) {
			t.Errorf("channel post lacks %s", st.Code)
		}
	}
	for _, m := range demoStaff {
		for _, part := range strings.Fields(m.Name) {
			if containsWord(channel, part) {
				t.Errorf("channel post names staff %q", part)
			}
		}
	}
	for _, x := range demoFreeText {
		if strings.Contains(strings.ToLower(channel), strings.ToLower(x)) {
			t.Errorf("channel post carries free text %q", x)
		}
	}
	for _, s := range students {
		for _, g := range s.Goals {
			if strings.Contains(channel, g.Goal.Text) || (g.Goal.Title != "" && strings.Contains(channel, g.Goal.Title)) {
				t.Errorf("channel post carries the text of %s %s", s.Student.Code, g.Goal.Code)
			}
		}
		if s.Incidents.Count == 0 || len(s.Notes) == 0 {
			t.Fatalf("demo week of %s has no incidents or notes to hide", s.Student.Code)
		}
	}
	if r := ChannelReply(students); r.Private {
		t.Error("the channel post is marked private")
	}
}

func TestPrivateReply(t *testing.T) {
	students := demoSummaries(t)
	r := PrivateReply(students, map[int64]Narrative{1: {Text: "Ava had a steady week."}, 2: {Reason: "the language model did not answer in time"}})
	text := replyText(r)
	if !r.Private {
		t.Error("the private summary is not marked private")
	}
	for _, want := range []string{"Ava Brooks (S101)", "Sofia Martinez (S104)", "Ava had a steady week.",
		"(No narrative: the language model did not answer in time)", demoFreeText[3], demoFreeText[2], "Data recorded by "} {
		if !strings.Contains(text, want) {
			t.Errorf("private summary lacks %q", want)
		}
	}
	if !strings.Contains(text, "Jamie Lee") && !strings.Contains(text, "Chris Okafor") {
		t.Error("private summary does not say who recorded the data")
	}
}

func TestGoalLine(t *testing.T) {
	s := summarize(t, Input{Goals: []Goal{trialGoal(5)}, Sessions: []Session{
		trialSession(t, "2026-11-02 09:00", "+v +v +v +v"),
		trialSession(t, "2026-11-09 09:00", "+i +i +v -i"),
		trialSession(t, "2026-11-10 09:00", "+i +i +i +i"),
	}})
	got := goalLine(s.Goals[0], false)
	want := "G1 trials: 8 trials, 88% correct, 75% independent; prompt level 0.2, down from 2.0 (fading); data on 2 of 5 days due — not enough data."
	if got != want {
		t.Errorf("goal line\n got %s\nwant %s", got, want)
	}
}

// TestGoalLineNoAim: a goal with data enough but no end date has no aim
// line, and its line says that is why it is "not enough data".
func TestGoalLineNoAim(t *testing.T) {
	g := trialGoal(4)
	g.EndDate = ""
	var ss []Session
	for _, d := range []string{"2026-11-09", "2026-11-10", "2026-11-11"} {
		ss = append(ss, trialSession(t, d+" 09:00", "+i +i +v -i"))
	}
	s := summarize(t, Input{Goals: []Goal{g}, Sessions: ss})
	got := goalLine(s.Goals[0], false)
	if !strings.HasSuffix(got, "data on 3 of 5 days due; trend +0.0 a week — not enough data (no aim line: the goal needs a criterion and start and end dates).") {
		t.Errorf("goal line of a goal without an aim line:\n%s", got)
	}
}

func TestHeading(t *testing.T) {
	if h := Heading(at(t, "2026-11-09 00:00"), at(t, "2026-11-09 00:00")); h != "Daily summary for Monday, Nov 9" {
		t.Errorf("daily heading %q", h)
	}
	if h := Heading(at(t, "2026-11-09 00:00"), at(t, "2026-11-13 00:00")); h != "Weekly summary, Nov 9 to Nov 13" {
		t.Errorf("weekly heading %q", h)
	}
}
