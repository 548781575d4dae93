package commands_test

import (
	"strings"
	"testing"
)

// TestWordsUsersType: the words of buttons and help work typed too, and
// a number that is not one says so without a bound nobody would type.
func TestWordsUsersType(t *testing.T) {
	s := newSchool(t)
	if r := s.do("lee", "/concern S101 refused lunch again"); r.IsError {
		t.Fatalf("/concern: %q", r.Text)
	}
	// The ladder has not told the teacher yet (no job runs here), so the
	// acknowledgement is refused as acknowledging: the word was read.
	if r := s.do("rivera", "/escalation 1 acknowledge"); !strings.Contains(r.Text, "Escalation #1 was not sent to you, so you cannot act on it") {
		t.Errorf("/escalation 1 acknowledge (the button's word): %q", r.Text)
	}
	for line, want := range map[string]string{
		"/escalation x":     `The id must be a whole number of 1 or more, not "x".`,
		"/escalation 0":     `The id must be a whole number of 1 or more, not "0".`,
		"/today page=5000":  `The page must be a whole number from 1 to 1000, not "5000".`,
		"/escalation 1 ok?": `The action "ok?" is not one I know; choose one of: show, ack, resolve, reopen, reply.`,
	} {
		if r := s.do("rivera", line); !r.IsError || !strings.HasPrefix(r.Text, want) {
			t.Errorf("%s: %q, want it to start with %q", line, r.Text, want)
		}
	}
}
