package main

import (
	"context"
	"flag"
	"fmt"
	"io"
	"time"

	"parabot/auditview"
)

const auditUsage = `Usage: parabot audit [--student CODE [--school NAME]] [--staff HANDLE|system] [--from YYYY-MM-DD] [--to YYYY-MM-DD] [--format text|csv]
  Lists the access log oldest first: every entry, read, export, undo, edit, refusal and roster change. Days are UTC, both included.`

func runAudit(ctx context.Context, args []string, getenv func(string) string, stdout, stderr io.Writer) error {
	fs := flag.NewFlagSet("audit", flag.ContinueOnError)
	fs.SetOutput(stderr)
	var r auditview.Request
	fs.StringVar(&r.Student, "student", "", "only rows about this student (code, e.g. S101)")
	fs.StringVar(&r.School, "school", "", "the student's school, when several schools use the code")
	fs.StringVar(&r.Staff, "staff", "", "only rows of this staff member (handle, e.g. lee), or system for the rows of no one (command line, purge, scheduler)")
	fs.StringVar(&r.From, "from", "", "first day, YYYY-MM-DD (UTC)")
	fs.StringVar(&r.To, "to", "", "last day, included, YYYY-MM-DD (UTC)")
	format := fs.String("format", "text", "text or csv")
	if err := fs.Parse(args); err != nil || fs.NArg() > 0 {
		fmt.Fprintln(stderr, auditUsage)
		return errUsage
	}
	f, err := auditview.ParseFormat(*format)
	if err != nil {
		return err
	}
	store, err := openFromEnv(ctx, getenv, stderr)
	if err != nil {
		return err
	}
	defer store.Close()
	q, err := auditview.Resolve(ctx, store, r)
	if err != nil {
		return err
	}
	rows, err := auditview.Rows(ctx, store, q)
	if err != nil {
		return err
	}
	// The look itself is recorded before anything is shown.
	if err := store.RecordAudit(ctx, auditview.Viewed(time.Now(), 0, q, "cli")); err != nil {
		return err
	}
	if f == auditview.FormatCSV {
		data, err := auditview.CSV(rows)
		if err != nil {
			return err
		}
		_, err = stdout.Write(data)
		return err
	}
	_, err = io.WriteString(stdout, auditview.Text(rows))
	return err
}
