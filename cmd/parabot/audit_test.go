package main

import (
	"bytes"
	"context"
	"io"
	"path/filepath"
	"strings"
	"testing"
)

// parabot audit lists the trail narrowed as asked, records the look, and
// answers bad input with one line saying what to type instead.
func TestAuditCommand(t *testing.T) {
	db := filepath.Join(t.TempDir(), "school.db")
	e := env(map[string]string{"PARABOT_DATABASE_URL": db})
	ctx := context.Background()
	in := "/trial S101 G1 + +\n/goals S102\n/quit\n"
	if err := Run(ctx, []string{"shell", "--demo", "--db", db, "--clock", "2026-11-24T09:00"}, e, strings.NewReader(in), io.Discard, io.Discard); err != nil {
		t.Fatalf("shell: %v", err)
	}
	audit := func(args ...string) (string, error) {
		var out, errOut bytes.Buffer
		err := Run(ctx, append([]string{"audit"}, args...), e, nil, &out, &errOut)
		return out.String(), err
	}
	out, err := audit("--student", "S101", "--staff", "lee")
	if err != nil {
		t.Fatalf("audit: %v", err)
	}
	if !strings.Contains(out, "lee          S101   create    trials #") {
		t.Errorf("audit --student S101 --staff lee:\n%s\nwant lee's trials", out)
	}
	if strings.Contains(out, "S102") {
		t.Errorf("audit --student S101 shows S102:\n%s", out)
	}
	out, err = audit("--student", "S102", "--format", "csv", "--from", "2026-11-24", "--to", "2026-11-24")
	if err != nil {
		t.Fatalf("audit csv: %v", err)
	}
	if !strings.HasPrefix(out, "at,staff,student,action,entity,entity_id,detail\n") || !strings.Contains(out, ",lee,S102,read,goals,0,surface=shell/command\n") {
		t.Errorf("audit csv:\n%s", out)
	}
	// Each look is recorded, by the command line ("system").
	all, err := audit("--from", "2000-01-01")
	if err != nil {
		t.Fatal(err)
	}
	if n := strings.Count(all, "system       S101   read      audit_log  surface=cli staff_id="); n != 1 {
		t.Errorf("the first look recorded %d times, want 1:\n%s", n, all)
	}
	if n := strings.Count(all, "system       S102   read      audit_log  surface=cli from=2026-11-24 to=2026-11-24"); n != 1 {
		t.Errorf("the second look recorded %d times, want 1:\n%s", n, all)
	}

	for _, tc := range []struct {
		args []string
		want string
	}{
		{[]string{"--student", "S999"}, `no student has the code "S999"; use a code from students.csv`},
		{[]string{"--staff", "nobody"}, `no staff member has the handle "nobody"`},
		{[]string{"--from", "2026-12-01", "--to", "2026-11-01"}, "--from 2026-12-01 is after --to 2026-11-01"},
		{[]string{"--from", "yesterday"}, `--from "yesterday" is not a day; write it as YYYY-MM-DD`},
		{[]string{"--format", "pdf"}, `--format "pdf" is not a format of the audit view; use --format text or --format csv`},
	} {
		if _, err := audit(tc.args...); err == nil || !strings.Contains(err.Error(), tc.want) {
			t.Errorf("audit %v: error %v, want %q", tc.args, err, tc.want)
		}
	}
	if _, err := audit("extra"); err != errUsage {
		t.Errorf("audit with an argument: %v, want the usage", err)
	}
}
