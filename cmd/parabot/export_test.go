package main

import (
	"bytes"
	"context"
	"encoding/json"
	"errors"
	"io"
	"log/slog"
	"os"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"parabot/bot"
	"parabot/export"
	"parabot/storage"
	"parabot/storage/sqlite"
)

// exportSchool imports the demo school into a fresh SQLite file and logs
// trials of S101 G1 on three days (80%, 100%, 80%: mastery met on Nov 18)
// plus an undone batch and one incident. It returns the settings naming
// the file.
func exportSchool(t *testing.T) (func(string) string, string) {
	t.Helper()
	ctx := context.Background()
	db := filepath.Join(t.TempDir(), "school.db")
	e := env(map[string]string{"PARABOT_DATABASE_URL": db})
	if err := Run(ctx, []string{"import", "--demo"}, e, nil, io.Discard, io.Discard); err != nil {
		t.Fatalf("import: %v", err)
	}
	store, err := sqlite.Open(ctx, db, slog.New(slog.NewTextHandler(io.Discard, nil)))
	if err != nil {
		t.Fatal(err)
	}
	defer store.Close()
	lee, err := store.StaffByIdentity(ctx, storage.PlatformShell, "lee")
	if err != nil {
		t.Fatal(err)
	}
	caseload, err := store.Caseload(ctx, lee.ID)
	if err != nil || caseload[0].Code != "S101" {
		t.Fatalf("lee's caseload %v: %v", caseload, err)
	}
	ava := caseload[0]
	goals, err := store.Goals(ctx, ava.ID)
	if err != nil {
		t.Fatal(err)
	}
	loc, _ := time.LoadLocation("America/New_York")
	plus := storage.TrialResult{Outcome: storage.Correct, Prompt: storage.Independent}
	minus := storage.TrialResult{Outcome: storage.Incorrect, Prompt: storage.Independent}
	for i, rs := range [][]storage.TrialResult{
		{plus, plus, plus, plus, minus}, {plus, plus, plus, plus, plus}, {plus, minus, plus, plus, plus}, {minus, minus, minus, minus, minus},
	} {
		at := time.Date(2026, 11, 16+i, 10, 0, 0, 0, loc)
		entry, err := store.LogTrials(ctx, storage.TrialBatch{GoalID: goals[0].ID, StudentID: ava.ID, StaffID: lee.ID, At: at, Results: rs, Summary: "trials"}, nil)
		if err != nil {
			t.Fatal(err)
		}
		if i == 3 {
			if err := store.DeactivateEntry(ctx, entry.ID, lee.ID, "wrong student", at, nil, nil); err != nil {
				t.Fatal(err)
			}
		}
	}
	if _, err := store.LogIncident(ctx, storage.Incident{StudentID: ava.ID, StaffID: lee.ID, At: time.Date(2026, 11, 20, 9, 40, 0, 0, loc),
		Antecedent: "asked to start math", Behavior: "threw a pencil", Consequence: "break", Severity: 2, Summary: "incident"}, nil); err != nil {
		t.Fatal(err)
	}
	return e, db
}

// exportAudit lists the audit rows of action "export".
func exportAudit(t *testing.T, db string) []storage.AuditEvent {
	t.Helper()
	store, err := sqlite.Open(context.Background(), db, slog.New(slog.NewTextHandler(io.Discard, nil)))
	if err != nil {
		t.Fatal(err)
	}
	defer store.Close()
	rows, err := store.Audit(context.Background(), 0)
	if err != nil {
		t.Fatal(err)
	}
	var out []storage.AuditEvent
	for _, a := range rows {
		if a.Action == "export" {
			out = append(out, a)
		}
	}
	return out
}

func TestExport(t *testing.T) {
	e, db := exportSchool(t)
	ctx := context.Background()
	base := []string{"export", "--student", "S101", "--by", "rivera", "--reason", "annual IEP review", "--from", "2026-09-01", "--to", "2026-11-25"}

	var out, errOut bytes.Buffer
	if err := Run(ctx, base, e, nil, &out, &errOut); err != nil {
		t.Fatalf("text export: %v\n%s", err, errOut.String())
	}
	for _, want := range []string{
		"IEP data export: Ava Brooks (S101, A.B.), grade K",
		"by rivera. Reason: annual IEP review",
		"Mastery: MET on 2026-11-18",
		"Overall: 15 trials, 13 correct (87%), 13 independent (87%)",
		"Antecedent: asked to start math",
	} {
		if !strings.Contains(out.String(), want) {
			t.Errorf("text export lacks %q:\n%s", want, out.String())
		}
	}
	if strings.Contains(out.String(), "2026-11-19") {
		t.Errorf("the undone batch is in the export:\n%s", out.String())
	}

	out.Reset()
	if err := Run(ctx, append(base, "--format", "json"), e, nil, &out, io.Discard); err != nil || !json.Valid(out.Bytes()) {
		t.Fatalf("json export: %v\n%s", err, out.String())
	}

	file := filepath.Join(t.TempDir(), "ava.csv")
	out.Reset()
	if err := Run(ctx, append(base, "--format", "csv", "--out", file), e, nil, &out, io.Discard); err != nil {
		t.Fatalf("csv export: %v", err)
	}
	if want := "Wrote the csv export of A.B. (S101), 2026-09-01 to 2026-11-25, to " + file + ".\n"; out.String() != want {
		t.Errorf("stdout %q, want %q", out.String(), want)
	}
	fi, err := os.Stat(file)
	if err != nil || fi.Mode().Perm() != 0o600 {
		t.Fatalf("export file: %v, mode %v; want 0600", err, fi.Mode())
	}
	data, _ := os.ReadFile(file)
	if !strings.HasPrefix(string(data), "record,student,at,") || strings.Count(string(data), "\ntrial,S101,") != 15 ||
		strings.Count(string(data), "\nincident,S101,") != 1 {
		t.Errorf("csv file:\n%s", data)
	}
	if left, _ := filepath.Glob(filepath.Join(filepath.Dir(file), ".parabot-export-*")); len(left) != 0 {
		t.Errorf("temporary files left: %v", left)
	}

	rows := exportAudit(t, db)
	if len(rows) != 3 {
		t.Fatalf("%d export audit rows, want 3: %+v", len(rows), rows)
	}
	for i, format := range []string{"text", "json", "csv"} {
		want := `format=` + format + ` from=2026-09-01 to=2026-11-25 reason="annual IEP review"`
		if a := rows[i]; a.Entity != "student" || a.EntityID != a.StudentID || a.StudentID == 0 || a.Detail != want {
			t.Errorf("audit row %d: %+v, want detail %q", i, a, want)
		}
	}
}

func TestExportRefuses(t *testing.T) {
	e, db := exportSchool(t)
	ctx := context.Background()
	dir := t.TempDir()
	tests := []struct {
		name  string
		args  []string
		usage bool
		want  string
	}{
		{"no reason", []string{"--student", "S101", "--by", "rivera"}, true, "--student, --by and --reason are required"},
		{"no student", []string{"--by", "rivera", "--reason", "review"}, true, "Usage: parabot export"},
		{"stray argument", []string{"--student", "S101", "--by", "rivera", "--reason", "review", "extra"}, true, "Usage: parabot export"},
		{"unknown flag", []string{"--student", "S101", "--by", "rivera", "--reason", "review", "--form", "csv"}, true, "Usage: parabot export"},
		{"outside caseload", []string{"--student", "S101", "--by", "okafor", "--reason", "review"}, false, "S101 is not on okafor's caseload"},
		{"unknown handle", []string{"--student", "S101", "--by", "ghost", "--reason", "review"}, false, `No active staff member has the handle "ghost"`},
		{"unknown student", []string{"--student", "S404", "--by", "rivera", "--reason", "review"}, false, `No student has the code "S404"`},
		{"bad date", []string{"--student", "S101", "--by", "rivera", "--reason", "review", "--from", "Sept 1"}, false, `The from date "Sept 1" is not a date`},
		{"from after to", []string{"--student", "S101", "--by", "rivera", "--reason", "review", "--from", "2026-11-02", "--to", "2026-11-01"}, false, "is after the to date"},
		{"bad format", []string{"--student", "S101", "--by", "rivera", "--reason", "review", "--format", "docx"}, false, `"docx" is not an export format`},
		{"out is a folder", []string{"--student", "S101", "--by", "rivera", "--reason", "review", "--out", dir}, false, "is a folder"},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			var out, errOut bytes.Buffer
			err := Run(ctx, append([]string{"export"}, tc.args...), e, nil, &out, &errOut)
			switch {
			case tc.usage && (err != errUsage || !strings.Contains(errOut.String(), tc.want)):
				t.Errorf("err %v, stderr %q; want usage with %q", err, errOut.String(), tc.want)
			case !tc.usage && (err == nil || !strings.Contains(err.Error(), tc.want)):
				t.Errorf("err %v; want %q", err, tc.want)
			}
			if _, isUser := bot.AsUserError(err); !tc.usage && tc.name != "out is a folder" && !isUser {
				t.Errorf("err %v should be a message for the user", err)
			}
			if out.Len() != 0 {
				t.Errorf("a refused export printed %q", out.String())
			}
		})
	}
	if rows := exportAudit(t, db); len(rows) != 0 {
		t.Errorf("refused exports wrote audit rows: %+v", rows)
	}
	if entries, _ := os.ReadDir(dir); len(entries) != 0 {
		t.Errorf("files left in %s: %v", dir, entries)
	}
}

// auditFails is a store whose audit log cannot be written.
type auditFails struct{ storage.Store }

func (auditFails) RecordAudit(context.Context, storage.AuditEvent) error {
	return errors.New("audit log unavailable")
}

func TestExportFileNeedsAudit(t *testing.T) {
	e, _ := exportSchool(t)
	ctx := context.Background()
	store, err := sqlite.Open(ctx, e("PARABOT_DATABASE_URL"), slog.New(slog.NewTextHandler(io.Discard, nil)))
	if err != nil {
		t.Fatal(err)
	}
	defer store.Close()
	ex, err := export.Prepare(ctx, store, export.Request{By: "rivera", Student: "S101", From: "2026-09-01", To: "2026-11-25",
		Reason: "annual IEP review", Format: export.FormatCSV, Now: time.Now()})
	if err != nil {
		t.Fatal(err)
	}
	dir := t.TempDir()
	file := filepath.Join(dir, "ava.csv")
	if err := writeExport(ctx, auditFails{store}, ex, file); err == nil || !strings.Contains(err.Error(), "audit log unavailable") {
		t.Errorf("err = %v, want the audit failure", err)
	}
	if entries, _ := os.ReadDir(dir); len(entries) != 0 {
		t.Errorf("an export whose audit row failed left files: %v", entries)
	}
	rows, err := store.Audit(ctx, 0)
	if err != nil {
		t.Fatal(err)
	}
	for _, a := range rows {
		if a.Action == "export" {
			t.Errorf("audit row %+v", a)
		}
	}
}
