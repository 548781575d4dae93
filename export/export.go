// Package export produces a student's data for an IEP meeting: active
// goals with trials summed up by session day and mastery, incidents,
// transitions and notes, as a readable text report, one JSON document or
// one CSV. Only staff entitled to the student may export, and every export
// is recorded in the audit log with who, when, what and why.
package export

import (
	"context"
	"errors"
	"fmt"
	"slices"
	"strings"
	"time"
	"unicode/utf8"

	"parabot/bot"
	"parabot/storage"
)

// Format is how an export is written.
type Format string

// The export formats.
const (
	FormatText Format = "text"
	FormatJSON Format = "json"
	FormatCSV  Format = "csv"
)

// ParseFormat reads a format name; "" is text.
func ParseFormat(s string) (Format, error) {
	switch f := Format(strings.ToLower(strings.TrimSpace(s))); f {
	case "", FormatText:
		return FormatText, nil
	case FormatJSON, FormatCSV:
		return f, nil
	}
	return "", bot.Errorf("format", "%q is not an export format; use text, json, csv or pdf.", s)
}

// MaxReason is the longest reason an export may give.
const MaxReason = 200

// Request asks for one export.
type Request struct {
	By      string // handle of the staff member exporting
	Student string // the student's code, e.g. S101
	From    string // first day, YYYY-MM-DD; "" for the first day of the school year
	To      string // last day (included), YYYY-MM-DD; "" for today
	Reason  string // why, for the audit log, e.g. "annual IEP review"
	Format  Format
	Now     time.Time
}

// Export is an export that was produced but not yet handed out. The
// caller records Audit (Record) before anyone sees Data, so no export
// leaves without its audit row.
type Export struct {
	Report  Report
	Data    []byte
	Student storage.Student
	Audit   storage.AuditEvent
}

// Prepare checks that the exporter may see the student, gathers the
// report and renders it. It writes nothing: errors carrying a
// bot.UserError say what was wrong with the request.
func Prepare(ctx context.Context, store storage.Store, req Request) (Export, error) {
	format, err := ParseFormat(string(req.Format))
	if err != nil {
		return Export{}, err
	}
	reason := strings.TrimSpace(req.Reason)
	switch {
	case reason == "":
		return Export{}, bot.Errorf("reason", "Say why you are exporting, e.g. \"annual IEP review\"; every export is recorded with its reason.")
	case utf8.RuneCountInString(reason) > MaxReason:
		return Export{}, bot.Errorf("reason", "The reason is %d characters long; keep it under %d, and leave names out of it.", utf8.RuneCountInString(reason), MaxReason)
	}
	staff, err := findStaff(ctx, store, req.By)
	if err != nil {
		return Export{}, err
	}
	student, err := findStudent(ctx, store, staff, req.Student)
	if err != nil {
		return Export{}, err
	}
	school, err := store.School(ctx, student.SchoolID)
	if err != nil {
		return Export{}, fmt.Errorf("loading school %d: %w", student.SchoolID, err)
	}
	loc := school.Location()
	today := req.Now.In(loc).Format(dateLayout)
	from, to := req.From, req.To
	if to == "" {
		to = today
	}
	if from == "" {
		from = school.YearStart
		if _, err := parseDay(loc, to, "to"); err != nil {
			return Export{}, err
		}
		if from > to { // both YYYY-MM-DD, so they sort as dates
			return Export{}, bot.Errorf("from", "The school year starts %s, after %s; give a from and a to date (YYYY-MM-DD) for an earlier range.", from, to)
		}
	}
	r, err := Build(ctx, store, student.ID, from, to)
	if err != nil {
		return Export{}, err
	}
	r.GeneratedAt = req.Now.In(loc).Truncate(time.Second)
	r.ExportedBy = staff.Handle
	r.Reason = reason
	data, err := Render(r, format)
	if err != nil {
		return Export{}, err
	}
	return Export{
		Report: r, Data: data, Student: student,
		Audit: storage.AuditEvent{
			At: req.Now, StaffID: staff.ID, StudentID: student.ID,
			Action: "export", Entity: "student", EntityID: student.ID,
			Detail: fmt.Sprintf("format=%s from=%s to=%s reason=%q", format, r.From, r.To, reason),
		},
	}, nil
}

// Record writes the export's audit row. Call it after the export was
// produced and before handing it out.
func Record(ctx context.Context, store storage.Store, e Export) error {
	if err := store.RecordAudit(ctx, e.Audit); err != nil {
		return fmt.Errorf("recording the export of student %d: %w", e.Audit.StudentID, err)
	}
	return nil
}

// findStaff finds an active staff member by handle in any school.
func findStaff(ctx context.Context, store storage.Store, handle string) (storage.Staff, error) {
	handle = strings.TrimSpace(handle)
	if handle == "" {
		return storage.Staff{}, bot.Errorf("by", "Say who is exporting: the handle of a staff member on the roster, e.g. rivera.")
	}
	st, err := store.StaffByHandle(ctx, handle)
	if err == nil && st.Active {
		return st, nil
	}
	if err != nil && !errors.Is(err, storage.ErrNotFound) {
		return storage.Staff{}, fmt.Errorf("finding staff by handle: %w", err)
	}
	// Not found: list the handles there are, to say what to type instead.
	schools, err := store.Schools(ctx)
	if err != nil {
		return storage.Staff{}, fmt.Errorf("listing schools: %w", err)
	}
	var handles []string
	for _, sc := range schools {
		staff, err := store.ListStaff(ctx, sc.ID)
		if err != nil {
			return storage.Staff{}, fmt.Errorf("listing staff of school %d: %w", sc.ID, err)
		}
		for _, st := range staff {
			handles = append(handles, st.Handle)
		}
	}
	if len(handles) == 0 {
		return storage.Staff{}, bot.Errorf("by", "There is no staff on the roster yet; import one first (parabot import).")
	}
	slices.Sort(handles)
	return storage.Staff{}, bot.Errorf("by", "No active staff member has the handle %q; the handles on the roster are %s.", handle, list(handles, 12))
}

// findStudent finds a student by code on the staff member's caseload,
// telling an unknown code apart from a student they may not see.
func findStudent(ctx context.Context, store storage.Store, staff storage.Staff, code string) (storage.Student, error) {
	code = strings.TrimSpace(code)
	caseload, err := store.Caseload(ctx, staff.ID)
	if err != nil {
		return storage.Student{}, fmt.Errorf("loading the caseload of staff %d: %w", staff.ID, err)
	}
	codes := make([]string, 0, len(caseload))
	for _, st := range caseload {
		if strings.EqualFold(st.Code, code) {
			return st, nil
		}
		codes = append(codes, st.Code)
	}
	yours := "You have no students on your caseload."
	if len(codes) > 0 {
		yours = "Students on " + staff.Handle + "'s caseload: " + list(codes, 20) + "."
	}
	if code == "" {
		return storage.Student{}, bot.Errorf("student", "Say which student to export by their code. %s", yours)
	}
	st, err := store.StudentByCode(ctx, staff.SchoolID, code)
	switch {
	case err == nil && st.Active:
		return storage.Student{}, bot.Errorf("student",
			"%s is not on %s's caseload, so %s may not export their records; their teacher, an assigned para or therapist, or an administrator may. %s",
			st.Code, staff.Handle, staff.Handle, yours)
	case err == nil && staff.Role == storage.RoleAdmin:
		// No longer enrolled: the records kept for them (until the
		// retention purge) are an administrator's to export.
		return st, nil
	case err == nil:
		return storage.Student{}, bot.Errorf("student",
			"%s is no longer enrolled at the school; an administrator may export the records kept for them. %s", st.Code, yours)
	case err != nil && !errors.Is(err, storage.ErrNotFound):
		return storage.Student{}, fmt.Errorf("finding student by code in school %d: %w", staff.SchoolID, err)
	}
	return storage.Student{}, bot.Errorf("student", "No student has the code %q at %s's school. %s", code, staff.Handle, yours)
}

// list joins up to n items, saying how many more there are.
func list(items []string, n int) string {
	if len(items) <= n {
		return strings.Join(items, ", ")
	}
	return strings.Join(items[:n], ", ") + fmt.Sprintf(" and %d more", len(items)-n)
}
