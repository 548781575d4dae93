package commands_test

import (
	"context"
	"io/fs"
	"strings"
	"testing"
	"testing/fstest"

	"parabot/bot"
	"parabot/roster"
	"parabot/storage"
)

// demoWith is the demo roster with one file's text changed: old replaced
// by new, or with old "" the whole file.
func demoWith(t *testing.T, file, old, new string) fs.FS {
	t.Helper()
	out := fstest.MapFS{}
	err := fs.WalkDir(roster.Demo(), ".", func(path string, d fs.DirEntry, err error) error {
		if err != nil || d.IsDir() {
			return err
		}
		b, err := fs.ReadFile(roster.Demo(), path)
		if err != nil {
			return err
		}
		text := string(b)
		switch {
		case path == file && old == "":
			text = new
		case path == file:
			if !strings.Contains(text, old) {
				t.Fatalf("%s has no %q", file, old)
			}
			text = strings.Replace(text, old, new, 1)
		}
		out[path] = &fstest.MapFile{Data: []byte(text)}
		return nil
	})
	if err != nil {
		t.Fatalf("copying the demo roster: %v", err)
	}
	return out
}

// A roster import that takes away the right to log takes effect at the
// next write, though the router still holds the staff member and their
// caseload in its cache: the write is refused and nothing is stored.
func TestRightsTakeEffectAtOnce(t *testing.T) {
	for _, tc := range []struct{ name, file, old, new string }{
		{"deactivated", "staff.csv", "lee,Jamie Lee,para,jamie.lee@maplegrove.example.org,,,,yes", "lee,Jamie Lee,para,jamie.lee@maplegrove.example.org,,,,no"},
		{"assignment removed", "assignments.csv", "", "staff,student,kind,active\nlee,S101,para,no\n"},
	} {
		t.Run(tc.name, func(t *testing.T) {
			s := newSchool(t)
			ctx := context.Background()
			if r := s.do("lee", "/trial S101 G1 + +"); r.IsError {
				t.Fatalf("trial refused before the import: %s", r.Text)
			}
			first, err := s.db.LastEntry(ctx, s.staff("lee").ID)
			if err != nil {
				t.Fatalf("LastEntry: %v", err)
			}
			if _, err := roster.Import(ctx, s.db, demoWith(t, tc.file, tc.old, tc.new)); err != nil {
				t.Fatalf("import: %v", err)
			}
			r := s.do("lee", "/trial S101 G1 + + +")
			if !r.IsError || r.Text != bot.NoLongerAllowed {
				t.Errorf("reply after the import = %q (error %t), want %q", r.Text, r.IsError, bot.NoLongerAllowed)
			}
			trials, err := s.db.Trials(ctx, storage.Filter{StudentID: first.StudentID})
			if err != nil || len(trials) != 2 {
				t.Errorf("trials stored: %d (err %v), want the first 2 only", len(trials), err)
			}
		})
	}
}
