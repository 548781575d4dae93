package shell

import (
	"bufio"
	"strings"
	"testing"
	"time"

	"parabot/bot"
)

func TestClockAdvance(t *testing.T) {
	base := time.Date(2026, 11, 24, 15, 0, 0, 0, time.UTC)
	c := NewClock(func() time.Time { return base })
	if !c.Now().Equal(base) {
		t.Fatalf("Now() = %v, want %v", c.Now(), base)
	}
	c.Advance(90 * time.Minute)
	c.Advance(30 * time.Minute)
	if want := base.Add(2 * time.Hour); !c.Now().Equal(want) {
		t.Errorf("after advancing 2h: %v, want %v", c.Now(), want)
	}
}

func TestRender(t *testing.T) {
	r := bot.Reply{
		Text:    "Severe incident: A.B. (S101)\nsecond line",
		Fields:  []bot.Field{{Label: "When", Value: "10:15"}, {Label: "Note", Value: "was tired\nleft early"}},
		Context: "2 people were notified now.",
		Buttons: []bot.Button{{Label: "Undo"}, {Label: "Acknowledge"}},
	}
	want := "ok Severe incident: A.B. (S101)\n   second line\n   When: 10:15\n   Note: was tired\n         left early\n   (2 people were notified now.)\n   [1] Undo\n   [2] Acknowledge"
	if got := Render("ok", r); got != want {
		t.Errorf("Render:\n%s\nwant:\n%s", got, want)
	}
}

func TestReadLineDropsWhatIsTooLong(t *testing.T) {
	long := strings.Repeat("x", maxLine+10)
	r := bufio.NewReaderSize(strings.NewReader("/help\n"+long+"\n/quit"), 16)
	for _, want := range []struct {
		line    string
		tooLong bool
	}{{"/help", false}, {"", true}, {"/quit", false}} {
		line, tooLong, err := readLine(r)
		if err != nil || tooLong != want.tooLong || (!tooLong && line != want.line) {
			t.Errorf("readLine = %.20q, %v, %v; want %q, %v", line, tooLong, err, want.line, want.tooLong)
		}
	}
	if _, _, err := readLine(r); err == nil {
		t.Error("readLine after the end should fail with io.EOF")
	}
}
