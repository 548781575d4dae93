// Package auditview reads the audit trail for people: who did what to
// whose records, when and through which surface, narrowed by student,
// staff member and days, as text or CSV. parabot audit and /audit use it;
// every look at the trail is itself recorded in it.
package auditview

import (
	"bytes"
	"context"
	"encoding/csv"
	"errors"
	"fmt"
	"strconv"
	"strings"
	"time"

	"parabot/storage"
)

// Format is how rows are written.
type Format string

// The formats.
const (
	FormatText Format = "text"
	FormatCSV  Format = "csv"
)

// ParseFormat reads --format.
func ParseFormat(s string) (Format, error) {
	switch f := Format(strings.ToLower(strings.TrimSpace(s))); f {
	case FormatText, FormatCSV:
		return f, nil
	}
	return "", fmt.Errorf("--format %q is not a format of the audit view; use --format text or --format csv", s)
}

// Request is what to show. Student is a student's code and Staff a staff
// handle (either may be empty); School picks the school when several use
// the student's code; From and To are days (YYYY-MM-DD, UTC), both
// included.
type Request struct {
	Student, School, Staff string
	From, To               string
	Limit                  int // the newest rows only; 0 for all
}

// systemHandle stands for no staff member: the rows the command line,
// the purge and the scheduler write, and --staff system selects them.
const systemHandle = "system"

// Row is one line of the trail, with the staff member's handle and the
// student's code instead of ids.
type Row struct {
	At       time.Time
	Staff    string // handle; "system" for rows of no staff member
	Student  string // code; "" when not about one student
	Action   string
	Entity   string
	EntityID int64
	Detail   string
}

// Query is a resolved Request.
type Query struct {
	storage.AuditQuery
	Student storage.Student // zero when not narrowed by student
	Staff   storage.Staff   // zero when not narrowed by staff
}

// Resolve checks r and finds its student and staff member. Its errors
// are one line for the person who asked, saying what to type instead.
func Resolve(ctx context.Context, store storage.Store, r Request) (Query, error) {
	q := Query{AuditQuery: storage.AuditQuery{Limit: r.Limit}}
	var err error
	if q.From, err = day("--from", r.From); err != nil {
		return q, err
	}
	var to time.Time
	if to, err = day("--to", r.To); err != nil {
		return q, err
	}
	if !to.IsZero() {
		q.To = to.AddDate(0, 0, 1) // the whole last day
	}
	if !q.From.IsZero() && !to.IsZero() && q.From.After(to) {
		return q, fmt.Errorf("--from %s is after --to %s; give the earlier day first", r.From, r.To)
	}
	if strings.TrimSpace(r.School) != "" && strings.TrimSpace(r.Student) == "" {
		return q, fmt.Errorf("--school picks the school of --student when several schools use its code; give it with --student, e.g. --student S101 --school %q", strings.TrimSpace(r.School))
	}
	if h := strings.TrimSpace(r.Staff); strings.EqualFold(h, systemHandle) {
		q.System = true
	} else if h != "" {
		st, err := store.StaffByHandle(ctx, h)
		if errors.Is(err, storage.ErrNotFound) {
			return q, fmt.Errorf("no staff member has the handle %q; use a handle from staff.csv (e.g. --staff lee) or --staff system", h)
		}
		if err != nil {
			return q, fmt.Errorf("finding staff %q: %w", h, err)
		}
		q.Staff, q.StaffID = st, st.ID
	}
	if code := strings.TrimSpace(r.Student); code != "" {
		st, err := studentByCode(ctx, store, code, r.School)
		if err != nil {
			return q, err
		}
		q.Student, q.StudentID = st, st.ID
	}
	return q, nil
}

func day(flag, s string) (time.Time, error) {
	if s = strings.TrimSpace(s); s == "" {
		return time.Time{}, nil
	}
	t, err := time.Parse(time.DateOnly, s)
	if err != nil {
		return time.Time{}, fmt.Errorf("%s %q is not a day; write it as YYYY-MM-DD, e.g. %s 2026-11-24", flag, s, flag)
	}
	return t, nil
}

// studentByCode finds a student, active or not, by code at one school.
func studentByCode(ctx context.Context, store storage.Store, code, school string) (storage.Student, error) {
	schools, err := store.Schools(ctx)
	if err != nil {
		return storage.Student{}, fmt.Errorf("listing schools: %w", err)
	}
	var found []storage.Student
	for _, sc := range schools {
		if school != "" && !strings.EqualFold(sc.Name, school) {
			continue
		}
		st, err := store.StudentByCode(ctx, sc.ID, code)
		if errors.Is(err, storage.ErrNotFound) {
			continue
		}
		if err != nil {
			return storage.Student{}, fmt.Errorf("finding student %q: %w", code, err)
		}
		found = append(found, st)
	}
	switch {
	case len(found) == 0 && school != "":
		return storage.Student{}, fmt.Errorf("no student has the code %q at %q; check the code and the school's name in students.csv", code, school)
	case len(found) == 0:
		return storage.Student{}, fmt.Errorf("no student has the code %q; use a code from students.csv, e.g. --student S101", code)
	case len(found) > 1:
		return storage.Student{}, fmt.Errorf("%d schools have a student %q; add --school with the school's name", len(found), code)
	}
	return found[0], nil
}

// Rows reads the trail q asks for, with handles and codes.
func Rows(ctx context.Context, store storage.Store, q Query) ([]Row, error) {
	events, err := store.AuditSearch(ctx, q.AuditQuery)
	if err != nil {
		return nil, err
	}
	handles := map[int64]string{0: systemHandle}
	codes := map[int64]string{0: ""}
	out := make([]Row, len(events))
	for i, e := range events {
		h, ok := handles[e.StaffID]
		if !ok {
			h = "staff#" + strconv.FormatInt(e.StaffID, 10) // a staff member since removed
			if st, err := store.StaffMember(ctx, e.StaffID); err == nil {
				h = st.Handle
			} else if !errors.Is(err, storage.ErrNotFound) {
				return nil, fmt.Errorf("loading staff %d: %w", e.StaffID, err)
			}
			handles[e.StaffID] = h
		}
		c, ok := codes[e.StudentID]
		if !ok {
			c = "student#" + strconv.FormatInt(e.StudentID, 10)
			if st, err := store.Student(ctx, e.StudentID); err == nil {
				c = st.Code
			} else if !errors.Is(err, storage.ErrNotFound) {
				return nil, fmt.Errorf("loading student %d: %w", e.StudentID, err)
			}
			codes[e.StudentID] = c
		}
		out[i] = Row{At: e.At, Staff: h, Student: c, Action: e.Action, Entity: e.Entity, EntityID: e.EntityID, Detail: e.Detail}
	}
	return out, nil
}

// Text writes rows one a line: time (UTC), staff, student, action,
// record, detail.
func Text(rows []Row) string {
	if len(rows) == 0 {
		return "No audit rows match.\n"
	}
	var b strings.Builder
	for _, r := range rows {
		fmt.Fprintf(&b, "%s  %-12s %-6s %-9s %s", r.At.UTC().Format("2006-01-02 15:04:05Z"), r.Staff, dash(r.Student), r.Action, r.Entity)
		if r.EntityID != 0 {
			fmt.Fprintf(&b, " #%d", r.EntityID)
		}
		if r.Detail != "" {
			b.WriteString("  " + r.Detail)
		}
		b.WriteByte('\n')
	}
	return b.String()
}

func dash(s string) string {
	if s == "" {
		return "-"
	}
	return s
}

// CSV writes rows with a header: at,staff,student,action,entity,entity_id,detail.
func CSV(rows []Row) ([]byte, error) {
	var b bytes.Buffer
	w := csv.NewWriter(&b)
	_ = w.Write([]string{"at", "staff", "student", "action", "entity", "entity_id", "detail"})
	for _, r := range rows {
		_ = w.Write([]string{r.At.UTC().Format(time.RFC3339), r.Staff, r.Student, r.Action, r.Entity, strconv.FormatInt(r.EntityID, 10), r.Detail})
	}
	w.Flush()
	if err := w.Error(); err != nil {
		return nil, fmt.Errorf("writing audit CSV: %w", err)
	}
	return b.Bytes(), nil
}

// Viewed is the audit row that records a look at the trail: by staff
// member by (0 from the command line), of student (0: not one student),
// through surface, with the filters used.
func Viewed(at time.Time, by int64, q Query, surface string) storage.AuditEvent {
	detail := "surface=" + surface
	if q.StaffID != 0 {
		detail += fmt.Sprintf(" staff_id=%d", q.StaffID)
	}
	if q.System {
		detail += " staff=" + systemHandle
	}
	if !q.From.IsZero() {
		detail += " from=" + q.From.Format(time.DateOnly)
	}
	if !q.To.IsZero() {
		detail += " to=" + q.To.AddDate(0, 0, -1).Format(time.DateOnly)
	}
	return storage.AuditEvent{At: at, StaffID: by, StudentID: q.StudentID, Action: "read", Entity: "audit_log", Detail: detail}
}
