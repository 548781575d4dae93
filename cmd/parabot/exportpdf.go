package main

import (
	"context"
	"fmt"
	"io"
	"strings"
	"time"

	"parabot/export"
	"parabot/progress"
	"parabot/storage"
	"parabot/summary"
)

// exportPDF writes the IEP progress report of a checked export request
// (ex: who may export which student over which days, and why) as a PDF.
// The report's read is recorded in the access log as an export with its
// reason before the document is written.
func exportPDF(ctx context.Context, store storage.Store, ex export.Export, by, out string, now time.Time, stdout, stderr io.Writer) error {
	staff, err := store.StaffByHandle(ctx, strings.TrimSpace(by))
	if err != nil {
		return fmt.Errorf("finding staff by handle: %w", err)
	}
	school, err := store.School(ctx, ex.Student.SchoolID)
	if err != nil {
		return fmt.Errorf("loading school %d: %w", ex.Student.SchoolID, err)
	}
	loc := school.Location()
	from, err1 := time.ParseInLocation(time.DateOnly, ex.Report.From, loc)
	to, err2 := time.ParseInLocation(time.DateOnly, ex.Report.To, loc)
	if err1 != nil || err2 != nil {
		return fmt.Errorf("reading the export's range %s to %s", ex.Report.From, ex.Report.To)
	}
	svc := newProgress(store, newLogger(stderr, "warn"), nil)
	file, _, err := svc.Report(ctx, progress.Query{
		By: staff, School: school, Student: ex.Student, Now: now, Reason: "export pdf: " + ex.Report.Reason,
		Period: summary.Period{From: from, To: to, Loc: loc},
	})
	if err != nil {
		return err
	}
	if out == "" {
		if _, err := stdout.Write(file.Data); err != nil {
			return fmt.Errorf("writing the report: %w", err)
		}
		return nil
	}
	if err := writePrivate(out, file.Data, nil); err != nil {
		return err
	}
	fmt.Fprintf(stdout, "Wrote the IEP progress report (PDF) of %s, %s to %s, to %s.\n", ex.Student.Label(), ex.Report.From, ex.Report.To, out)
	return nil
}
