package storagetest

import (
	"context"
	"testing"

	"parabot/storage"
)

// testBadBytes checks that text with NUL, control characters and invalid
// UTF-8, cleaned by storage.CleanText as the core does before any write,
// is stored and read back the same on every engine, and that what every
// engine holds is valid UTF-8 without NUL.
func testBadBytes(t *testing.T, s storage.Store) {
	f := load(t, s)
	ctx := context.Background()
	inputs := []string{
		"hello\x00world",
		"\xff\xfe",
		"tab\tand\nnewline kept, bell\a and escape\x1b[31m dropped",
		"cut \xe2\x82 in the middle",
		"DEL\x7f and C1\u0085 controls",
		"émoji 🙂 and ünïcode stay",
	}
	want := []string{
		"helloworld",
		"\ufffd\ufffd",
		"tab\tand\nnewline kept, bell and escape[31m dropped",
		"cut \ufffd\ufffd in the middle",
		"DEL and C1 controls",
		"émoji 🙂 and ünïcode stay",
	}
	for i, in := range inputs {
		clean, changed := storage.CleanText(in)
		if clean != want[i] {
			t.Errorf("CleanText(%q) = %q, want %q", in, clean, want[i])
		}
		if changed != (in != want[i]) {
			t.Errorf("CleanText(%q) changed = %v", in, changed)
		}
		note := storage.Note{StudentID: f.students["S101"].ID, StaffID: f.staff["jrivera"].ID,
			ToStaffID: f.staff["tlopez"].ID, At: at(t, "2026-09-14", "10:15"), Text: clean}
		if _, err := s.LogNote(ctx, note, nil); err != nil {
			t.Fatalf("LogNote(%q): %v", clean, err)
		}
	}
	notes, err := s.Notes(ctx, storage.Filter{StudentID: f.students["S101"].ID})
	must(t, "Notes", err)
	got := map[string]bool{}
	for _, n := range notes {
		got[n.Text] = true
	}
	for _, w := range want {
		if !got[w] {
			t.Errorf("note %q not read back as stored; have %v", w, got)
		}
	}
}
