package main

import (
	"bytes"
	"context"
	"io"
	"log/slog"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"parabot/storage/sqlite"
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

	// --staff system keeps the rows of no staff member: the looks above.
	sys, err := audit("--staff", "system")
	if err != nil {
		t.Fatal(err)
	}
	if n := strings.Count(sys, "\n"); n < 2 || n != strings.Count(sys, "system ") || strings.Contains(sys, "lee ") {
		t.Errorf("audit --staff system:\n%s\nwant the command line's rows only", sys)
	}

	for _, tc := range []struct {
		args []string
		want string
	}{
		{[]string{"--school", "Nope School"}, `--school picks the school of --student when several schools use its code; give it with --student, e.g. --student S101 --school "Nope School"`},
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

// parabot purge needs --dry-run or --yes, and says there is nothing to do
// when no school has a policy.
func TestPurgeCommand(t *testing.T) {
	db := filepath.Join(t.TempDir(), "school.db")
	e := env(map[string]string{"PARABOT_DATABASE_URL": db})
	ctx := context.Background()
	if err := Run(ctx, []string{"import", "--demo"}, e, nil, io.Discard, io.Discard); err != nil {
		t.Fatal(err)
	}
	for _, args := range [][]string{{}, {"--dry-run", "--yes"}, {"now"}} {
		if err := Run(ctx, append([]string{"purge"}, args...), e, nil, io.Discard, io.Discard); err != errUsage {
			t.Errorf("purge %v: %v, want the usage", args, err)
		}
	}
	var out bytes.Buffer
	if err := Run(ctx, []string{"purge", "--dry-run"}, e, nil, &out, io.Discard); err != nil {
		t.Fatal(err)
	}
	if !strings.Contains(out.String(), "No school has a retention policy") {
		t.Errorf("purge --dry-run without a policy: %s", out.String())
	}

	// With a policy in schools.csv: nothing is old enough yet.
	dir := t.TempDir()
	for _, name := range []string{"schools.csv", "staff.csv", "students.csv", "goals.csv", "assignments.csv"} {
		b, err := os.ReadFile(filepath.Join("..", "..", "roster", "demo", name))
		if err != nil {
			t.Fatal(err)
		}
		if name == "schools.csv" {
			b = []byte(strings.Replace(strings.Replace(string(b), "duty_lead\n", "duty_lead,keep_records,keep_access_log\n", 1), "10m\n", "10m,5,3\n", 1))
		}
		if err := os.WriteFile(filepath.Join(dir, name), b, 0o644); err != nil {
			t.Fatal(err)
		}
	}
	if err := Run(ctx, []string{"import", dir}, e, nil, io.Discard, io.Discard); err != nil {
		t.Fatalf("import with a policy: %v", err)
	}
	for _, flag := range []string{"--dry-run", "--yes"} {
		out.Reset()
		if err := Run(ctx, []string{"purge", flag}, e, nil, &out, io.Discard); err != nil {
			t.Fatal(err)
		}
		want := "Maple Grove Elementary: Purged 0 students' records (0 entries; students who left over 5 years ago) and 0 access log rows (older than 3 years).\n"
		if flag == "--dry-run" {
			want = strings.Replace(want, "Purged", "Would purge", 1) + "Nothing was changed; run parabot purge --yes to purge.\n"
		}
		if out.String() != want {
			t.Errorf("purge %s:\n%s\nwant\n%s", flag, out.String(), want)
		}
	}
}

// An import after parabot purge leaves the purged student as the purge
// left them, and its summary says so.
func TestImportAfterPurge(t *testing.T) {
	ctx := context.Background()
	db := filepath.Join(t.TempDir(), "school.db")
	e := env(map[string]string{"PARABOT_DATABASE_URL": db})
	dir := t.TempDir()
	for _, name := range []string{"schools.csv", "staff.csv", "students.csv", "goals.csv", "assignments.csv"} {
		b, err := os.ReadFile(filepath.Join("..", "..", "roster", "demo", name))
		if err != nil {
			t.Fatal(err)
		}
		switch name {
		case "schools.csv":
			b = []byte(strings.Replace(strings.Replace(string(b), "duty_lead\n", "duty_lead,keep_records\n", 1), "10m\n", "10m,1\n", 1))
		case "students.csv":
			b = []byte(strings.Replace(string(b), "Johnson,5,yes", "Johnson,5,no", 1)) // S106 leaves
		}
		if err := os.WriteFile(filepath.Join(dir, name), b, 0o644); err != nil {
			t.Fatal(err)
		}
	}
	if err := Run(ctx, []string{"import", dir}, e, nil, io.Discard, io.Discard); err != nil {
		t.Fatalf("import: %v", err)
	}
	// S106 left long enough ago for the school's one year.
	store, err := sqlite.Open(ctx, db, slog.New(slog.DiscardHandler))
	if err != nil {
		t.Fatal(err)
	}
	if _, err := store.SQL().ExecContext(ctx, `UPDATE students SET left_on = '2020-06-01' WHERE code = 'S106'`); err != nil {
		t.Fatal(err)
	}
	store.Close()
	var out bytes.Buffer
	if err := Run(ctx, []string{"purge", "--yes"}, e, nil, &out, io.Discard); err != nil || !strings.Contains(out.String(), "Purged 1 students") {
		t.Fatalf("purge: %v, %s", err, out.String())
	}
	out.Reset()
	if err := Run(ctx, []string{"import", dir}, e, nil, &out, io.Discard); err != nil {
		t.Fatalf("import after the purge: %v", err)
	}
	if want := "Imported into the sqlite database: nothing created, nothing updated; 1 purged student left as it is.\n"; out.String() != want {
		t.Errorf("import after the purge said %q, want %q", out.String(), want)
	}
}
