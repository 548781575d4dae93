package commands_test

import (
	"context"
	"strings"
	"testing"

	"parabot/bot"
	"parabot/bot/shell"
	"parabot/roster/rostertest"
	"parabot/storage"
)

// TestLargeSchool: an admin of a 600-student school gets counts, closest
// matches and a way to see more, never a silently cut list; the terminal
// shows every line the core wrote.
func TestLargeSchool(t *testing.T) {
	s := newSchool(t)
	if _, err := s.db.ImportRoster(context.Background(), rostertest.Large(600)); err != nil {
		t.Fatal(err)
	}
	admin := rostertest.LargeAdmin
	r := s.do(admin, "/today")
	if r.IsError || !strings.Contains(r.Text, "Data still due today: 600 students have goals that need data; 1 to 10 shown (page 1 of 60):") ||
		!strings.Contains(r.Text, "\n  Ava B. (L0001) — G1 add and subtract two-digit numbers: 0 of 5 trials; G2 ask for a break: 0 of 5 trials") ||
		!strings.HasSuffix(r.Text, "More: /today page=2, or /today <student> for one student.") {
		t.Fatalf("/today of a 600-student school:\n%s", r.Text)
	}
	if n := strings.Count(r.Text, "\n  "); n != 10 {
		t.Errorf("%d student lines, want 10", n)
	}
	if len(r.Buttons) != 1 || r.Buttons[0].Label != "Next 10" {
		t.Fatalf("buttons %+v", r.Buttons)
	}
	term := shell.Render("ok", r)
	for _, line := range strings.Split(r.Text, "\n") {
		if !strings.Contains(term, line) {
			t.Errorf("the terminal lost %q", line)
		}
	}
	next := s.router.HandlePress(context.Background(), bot.Press{Platform: storage.PlatformShell, UserID: admin, Action: r.Buttons[0].Action, Value: r.Buttons[0].Value})
	if !strings.Contains(next.Text, "11 to 20 shown (page 2 of 60)") || !strings.Contains(next.Text, "(L0011)") || strings.Contains(next.Text, "(L0010)") {
		t.Errorf("the Next button:\n%s", next.Text)
	}
	last := s.do(admin, "/today page=60")
	if !strings.Contains(last.Text, "591 to 600 shown (page 60 of 60)") || !strings.Contains(last.Text, "(L0600)") || len(last.Buttons) != 0 || strings.Contains(last.Text, "More:") {
		t.Errorf("the last page:\n%s", last.Text)
	}
	if past := s.do(admin, "/today page=61"); !strings.Contains(past.Text, "(There is no page 61 of the data due: 60 pages, so this is page 60.)") ||
		!strings.Contains(past.Text, "(L0600)") {
		t.Errorf("a page past the last:\n%s", past.Text)
	}

	// Names: the closest students, counted, never the whole caseload.
	r = s.do(admin, "/goals aidan")
	if !r.IsError || !strings.Contains(r.Text, "Did you mean Aiden B. (L0002), Aiden B. (L0022), Aiden M. (L0042), Aiden C. (L0062) or Aiden W. (L0082)? (5 of 30 close names; type more of the name or the code.)") || len(r.Buttons) != 5 {
		t.Errorf("/goals aidan: %q, %d buttons", r.Text, len(r.Buttons))
	}
	r = s.do(admin, "/goals aiden")
	if !r.IsError || !strings.HasPrefix(r.Text, `"aiden" matches 30 students; the first 5: Aiden B. (L0002), `) || len(r.Buttons) != 5 {
		t.Errorf("/goals aiden: %q", r.Text)
	}
	r = s.do(admin, "/goals quentin")
	if !r.IsError || !strings.HasPrefix(r.Text, `No student on your caseload matches "quentin". You have 600 students; type a code, initials or first name.`) || len(r.Buttons) != 0 {
		t.Errorf("/goals quentin: %q", r.Text)
	}
	for _, reply := range []bot.Reply{r, s.do(admin, "/goals aidan"), s.do(admin, "/today")} {
		if n := len(reply.Text); n > 2000 {
			t.Errorf("a reply of %d characters:\n%s", n, reply.Text)
		}
	}
}
