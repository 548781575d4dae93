package main

import (
	"context"
	"flag"
	"fmt"
	"io"
	"os"
	"path/filepath"
	"strings"
	"time"

	"parabot/export"
	"parabot/storage"
)

const exportUsage = `Usage: parabot export --student CODE --by HANDLE --reason WHY [--from YYYY-MM-DD] [--to YYYY-MM-DD] [--format text|json|csv|pdf] [--out FILE]
  --student, --by and --reason are required; the range defaults to the school year so far.`

func runExport(ctx context.Context, args []string, getenv func(string) string, stdout, stderr io.Writer) error {
	fs := flag.NewFlagSet("export", flag.ContinueOnError)
	fs.SetOutput(stderr)
	student := fs.String("student", "", "the student's code, e.g. S101")
	by := fs.String("by", "", "your staff handle: the student's teacher, an assigned para or therapist, or an admin")
	reason := fs.String("reason", "", `why you export, recorded in the audit log, e.g. "annual IEP review"`)
	from := fs.String("from", "", "first day, YYYY-MM-DD (default: the first day of the school year)")
	to := fs.String("to", "", "last day, included, YYYY-MM-DD (default: today)")
	format := fs.String("format", "text", "text, json, csv or pdf (the IEP progress report)")
	out := fs.String("out", "", "write to this file (mode 0600) instead of standard output")
	if err := fs.Parse(args); err != nil {
		fmt.Fprintln(stderr, exportUsage)
		return errUsage
	}
	if fs.NArg() > 0 || *student == "" || *by == "" || *reason == "" {
		fmt.Fprintln(stderr, exportUsage)
		return errUsage
	}
	pdf := strings.EqualFold(strings.TrimSpace(*format), "pdf")
	f := export.FormatText // checked below; a PDF is checked as a text export is
	if !pdf {
		var err error
		if f, err = export.ParseFormat(*format); err != nil {
			return err
		}
	}
	if *out != "" {
		if fi, err := os.Stat(*out); err == nil && fi.IsDir() {
			return fmt.Errorf("%s is a folder; give --out a file name", *out)
		}
	}
	store, err := openFromEnv(ctx, getenv, stderr)
	if err != nil {
		return err
	}
	defer store.Close()
	now := time.Now()
	ex, err := export.Prepare(ctx, store, export.Request{
		By: *by, Student: *student, From: *from, To: *to, Reason: *reason, Format: f, Now: now,
	})
	if err != nil {
		return err
	}
	if pdf {
		return exportPDF(ctx, store, ex, *by, *out, now, stdout, stderr)
	}
	if *out == "" {
		// Recorded first: no export leaves without its audit row.
		if err := export.Record(ctx, store, ex); err != nil {
			return err
		}
		if _, err := stdout.Write(ex.Data); err != nil {
			return fmt.Errorf("writing the export: %w", err)
		}
		return nil
	}
	if err := writeExport(ctx, store, ex, *out); err != nil {
		return err
	}
	fmt.Fprintf(stdout, "Wrote the %s export of %s, %s to %s, to %s.\n", f, ex.Student.Label(), ex.Report.From, ex.Report.To, *out)
	return nil
}

// writeExport writes the export to a private temporary file beside path,
// records it in the access log, and only then moves it into place: an
// export whose audit fails leaves no file behind.
func writeExport(ctx context.Context, store storage.Store, ex export.Export, path string) error {
	return writePrivate(path, ex.Data, func() error { return export.Record(ctx, store, ex) })
}

// writePrivate writes data to path through a private (0600) temporary file
// beside it, so a failed write leaves no partial file. beforeRename, when
// not nil, runs after the data is written and before it is moved into
// place; its error leaves no file behind.
func writePrivate(path string, data []byte, beforeRename func() error) (err error) {
	tmp, err := os.CreateTemp(filepath.Dir(path), ".parabot-export-*")
	if err != nil {
		return fmt.Errorf("creating the export file: %w", err)
	}
	defer func() {
		if err != nil {
			os.Remove(tmp.Name())
		}
	}()
	if err := tmp.Chmod(0o600); err != nil {
		tmp.Close()
		return fmt.Errorf("making the export file private: %w", err)
	}
	if _, err := tmp.Write(data); err != nil {
		tmp.Close()
		return fmt.Errorf("writing the export file: %w", err)
	}
	if err := tmp.Close(); err != nil {
		return fmt.Errorf("writing the export file: %w", err)
	}
	if beforeRename != nil {
		if err := beforeRename(); err != nil {
			return err
		}
	}
	if err := os.Rename(tmp.Name(), path); err != nil {
		return fmt.Errorf("moving the export into %s: %w", path, err)
	}
	return nil
}
