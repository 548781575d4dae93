package main

import (
	"bytes"
	"context"
	"os"
	"path/filepath"
	"strings"
	"testing"
)

// The demo school comes with generated weeks of records, so /progress in
// the terminal shows statistics and writes a chart whose path it prints;
// seeding twice logs nothing twice.
func TestShellDemoProgress(t *testing.T) {
	dir := t.TempDir()
	db := filepath.Join(dir, "demo.db")
	files := filepath.Join(dir, "files")
	in := "/as rivera\n/progress S101 G1 month\n/quit\n"
	var out, errOut bytes.Buffer
	args := []string{"shell", "--demo", "--db", db, "--files", files}
	if err := Run(context.Background(), args, env(nil), strings.NewReader(in), &out, &errOut); err != nil {
		t.Fatalf("shell: %v\nstderr: %s", err, errOut.String())
	}
	chart := filepath.Join(files, "S101-G1.png")
	for _, want := range []string{"ok Progress of Ava B. (S101)", "% correct", "(No narrative: no language model is configured)", "file: " + chart} {
		if !strings.Contains(out.String(), want) {
			t.Errorf("output lacks %q:\n%s", want, out.String())
		}
	}
	if b, err := os.ReadFile(chart); err != nil || !bytes.HasPrefix(b, []byte("\x89PNG")) {
		t.Errorf("chart file: %v", err)
	}
	first := out.String()
	out.Reset()
	if err := Run(context.Background(), args, env(nil), strings.NewReader(in), &out, &errOut); err != nil {
		t.Fatalf("shell again: %v", err)
	}
	trials := func(s string) string {
		// After /progress's answer: a summary caught up at start (the shell
		// opened after the day's summary time) names goals too.
		s = s[strings.Index(s, "ok Progress of"):]
		i := strings.Index(s, "G1 ")
		j := strings.Index(s[i:], "\n")
		return s[i : i+j]
	}
	if trials(first) != trials(out.String()) {
		t.Errorf("a second --demo changed the data:\n%s\n%s", trials(first), trials(out.String()))
	}
}
