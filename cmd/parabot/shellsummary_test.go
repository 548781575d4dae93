package main

import (
	"bytes"
	"context"
	"path/filepath"
	"strings"
	"testing"
)

// TestShellDemoSummary is the README's summary walk: after /wait past
// dismissal on a Thursday, the daily summary is posted to the teacher's
// channel (initials and codes) and sent to the teacher privately (names);
// on Friday the weekly one comes with its charts.
func TestShellDemoSummary(t *testing.T) {
	dir := t.TempDir()
	db := filepath.Join(dir, "demo.db")
	in := "/trial S101 G1 + + v - +\n/wait 2h\n/wait 12h\n/wait 12h\n/quit\n"
	var out, errOut bytes.Buffer
	args := []string{"shell", "--demo", "--db", db, "--files", filepath.Join(dir, "files"), "--clock", "2027-03-11T14:00"}
	if err := Run(context.Background(), args, env(nil), strings.NewReader(in), &out, &errOut); err != nil {
		t.Fatalf("shell: %v\nstderr: %s", err, errOut.String())
	}
	got := out.String()
	for _, want := range []string{
		">> post in #rivera-class at 15:40\n   Daily summary for Thursday, Mar 11\n   6 students · 17 goals · 0 incidents · 6 flags\n" +
			"   A.B. (S101): G1 trials: 5 trials, 80% correct, 60% independent; prompt level 0.4; data on 1 of 1 days due — not enough data.",
		">> direct message to rivera (Maria Rivera), Thu Mar 11 15:40\n   Daily summary for Thursday, Mar 11\n   6 students · 17 goals · 0 incidents · 6 flags\n" +
			"   Ava Brooks (S101): G1 request a preferred item or activity: 5 trials, 80% correct, 60% independent;",
		">> post in #rivera-class at 15:40\n   Weekly summary, Mar 8 to Mar 12",
		"file: " + filepath.Join(dir, "files", "S101-G1.png"),
	} {
		if !strings.Contains(got, want) {
			t.Errorf("transcript lacks %q", want)
		}
	}
	// The channel posts name nobody.
	for _, post := range strings.Split(got, ">> ")[1:] {
		if strings.HasPrefix(post, "post in #") {
			for _, name := range []string{"Ava", "Brooks", "Liam", "Chen", "Aiden", "Baker", "Sofia", "Martinez", "Noah", "Williams", "Johnson"} {
				if strings.Contains(post, name) {
					t.Errorf("a channel post names %s:\n%s", name, post)
				}
			}
		}
	}
	if t.Failed() {
		t.Logf("transcript:\n%s\nstderr:\n%s", got, errOut.String())
	}
}
