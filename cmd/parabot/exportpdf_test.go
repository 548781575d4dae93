package main

import (
	"bytes"
	"context"
	"io"
	"os"
	"path/filepath"
	"strings"
	"testing"
)

func TestExportPDF(t *testing.T) {
	e, db := exportSchool(t)
	ctx := context.Background()
	file := filepath.Join(t.TempDir(), "ava.pdf")
	var out bytes.Buffer
	args := []string{"export", "--student", "S101", "--by", "rivera", "--reason", "annual IEP review",
		"--from", "2026-09-01", "--to", "2026-11-25", "--format", "pdf", "--out", file}
	if err := Run(ctx, args, e, nil, &out, io.Discard); err != nil {
		t.Fatalf("pdf export: %v", err)
	}
	if want := "Wrote the IEP progress report (PDF) of A.B. (S101), 2026-09-01 to 2026-11-25, to " + file + ".\n"; out.String() != want {
		t.Errorf("stdout %q, want %q", out.String(), want)
	}
	fi, err := os.Stat(file)
	if err != nil || fi.Mode().Perm() != 0o600 {
		t.Fatalf("pdf file: %v, mode %v; want 0600", err, fi.Mode())
	}
	data, _ := os.ReadFile(file)
	if !bytes.HasPrefix(data, []byte("%PDF-")) || len(data) < 2000 {
		t.Errorf("not a PDF report: %d bytes starting %q", len(data), data[:min(8, len(data))])
	}
	rows := exportAudit(t, db)
	if len(rows) != 1 || rows[0].Detail != `summary from=2026-09-01 to=2026-11-25 reason="export pdf: annual IEP review"` {
		t.Errorf("export audit rows %+v", rows)
	}

	// The same checks as every export: a student off the caseload is refused, nothing written.
	bad := []string{"export", "--student", "S104", "--by", "lee", "--reason", "review", "--format", "pdf", "--out", file + "2"}
	err = Run(ctx, bad, e, nil, io.Discard, io.Discard)
	if err == nil || !strings.Contains(err.Error(), "S104 is not on lee's caseload") {
		t.Errorf("export of a student off the caseload: %v", err)
	}
	if _, err := os.Stat(file + "2"); !os.IsNotExist(err) {
		t.Errorf("a refused export wrote a file: %v", err)
	}
	if rows := exportAudit(t, db); len(rows) != 1 {
		t.Errorf("a refused export was recorded: %+v", rows)
	}
}
