// Package progress reads a student's records from storage into a
// summary.Input, for /progress, /report, the PDF export and the Slack
// Home tab. It is the one place those records are read for summaries,
// and it writes every read to the access log: who, what and why.
package progress

import (
	"context"
	"errors"
	"fmt"
	"log/slog"
	"maps"
	"slices"
	"time"

	"parabot/bot"
	"parabot/storage"
	"parabot/summary"
)

// Actions recorded in the access log.
const (
	ActionRead   = "read"   // shown in chat: /progress, the Home tab
	ActionExport = "export" // a document leaves: /report, export --format pdf
)

// history is how far before a period the reader goes for the history a
// summary needs (mastery over earlier sessions, the previous period's
// prompt mix and incident rate) when the school year's start is unknown.
const history = 120 * 24 * time.Hour

// Reader reads students' records for summaries.
type Reader struct {
	Store storage.Store
	Log   *slog.Logger
}

// Request says whose records to read, for whom, over which period, and
// why.
type Request struct {
	By      storage.Staff   // who reads; must be entitled to the student
	Student storage.Student // whose records
	GoalID  int64           // one goal only; 0 for every goal
	Period  summary.Period
	Action  string // ActionRead or ActionExport
	Reason  string // why, for the access log: "/progress", "IEP review"...
	Now     time.Time
}

// Read loads everything a summary of req.Student needs, then records the
// read in the access log. A student the reader may not see is a
// bot.UserError, and nothing is read.
func (r Reader) Read(ctx context.Context, req Request) (summary.Input, error) {
	if req.Period.Loc == nil {
		return summary.Input{}, errors.New("progress: period has no time zone")
	}
	caseload, err := r.Store.Caseload(ctx, req.By.ID)
	if err != nil {
		return summary.Input{}, fmt.Errorf("loading the caseload of staff %d: %w", req.By.ID, err)
	}
	if !slices.ContainsFunc(caseload, func(s storage.Student) bool { return s.ID == req.Student.ID }) {
		return summary.Input{}, bot.Errorf("student", "%s is not on your caseload, so you may not see their records; their teacher or an administrator may.", req.Student.Label())
	}
	school, err := r.Store.School(ctx, req.Student.SchoolID)
	if err != nil {
		return summary.Input{}, fmt.Errorf("loading school %d: %w", req.Student.SchoolID, err)
	}
	in, err := r.load(ctx, school, req)
	if err != nil {
		return summary.Input{}, err
	}
	ev := storage.AuditEvent{
		At: req.Now, StaffID: req.By.ID, StudentID: req.Student.ID, Action: req.Action,
		Entity: "student", EntityID: req.Student.ID, Detail: Detail(req),
	}
	if err := r.Store.RecordAudit(ctx, ev); err != nil {
		return summary.Input{}, fmt.Errorf("recording the read of student %d: %w", req.Student.ID, err)
	}
	return in, nil
}

// Detail is the access log's detail of a read: ids, dates and the reason,
// never a name.
func Detail(req Request) string {
	loc := req.Period.Loc
	d := fmt.Sprintf("summary from=%s to=%s", req.Period.From.In(loc).Format(time.DateOnly), req.Period.To.In(loc).Format(time.DateOnly))
	if req.GoalID != 0 {
		d += fmt.Sprintf(" goal_id=%d", req.GoalID)
	}
	return d + fmt.Sprintf(" reason=%q", req.Reason)
}

// load reads the records of one student; it writes nothing.
func (r Reader) load(ctx context.Context, school storage.School, req Request) (summary.Input, error) {
	st := req.Student
	since, end := window(school, req.Period)
	var rec records
	var err error
	if rec.goals, err = r.Store.Goals(ctx, st.ID); err != nil {
		return summary.Input{}, fmt.Errorf("loading goals of student %d: %w", st.ID, err)
	}
	f := storage.Filter{StudentID: st.ID, GoalID: req.GoalID, From: since, To: end}
	if rec.sessions, err = r.Store.Sessions(ctx, f); err != nil {
		return summary.Input{}, fmt.Errorf("loading sessions of student %d: %w", st.ID, err)
	}
	f.GoalID = 0
	if rec.incidents, err = r.Store.Incidents(ctx, f); err != nil {
		return summary.Input{}, fmt.Errorf("loading incidents of student %d: %w", st.ID, err)
	}
	if rec.transitions, err = r.Store.Transitions(ctx, f); err != nil {
		return summary.Input{}, fmt.Errorf("loading transitions of student %d: %w", st.ID, err)
	}
	if rec.notes, err = r.Store.Notes(ctx, f); err != nil {
		return summary.Input{}, fmt.Errorf("loading notes of student %d: %w", st.ID, err)
	}
	shared, err := r.schoolFacts(ctx, school, since, end)
	if err != nil {
		return summary.Input{}, err
	}
	return input(st, req, rec, shared)
}

// window is the time a summary of period reads, [since, end): from far
// enough before the period for the history a summary needs (the school
// year's start, else history before it, and never less than the previous
// period, which incident rates and the prompt mix compare with) to the
// end of the period's last day.
func window(school storage.School, p summary.Period) (since, end time.Time) {
	loc := p.Loc
	first := midnight(p.From, loc)
	end = midnight(p.To, loc).AddDate(0, 0, 1) // the day after the last
	since = first.Add(-history)
	if ys, err := time.ParseInLocation(time.DateOnly, school.YearStart, loc); err == nil && ys.Before(first) {
		since = ys
	}
	// The previous period, for incident rates and prompt mix, is never
	// longer than the period itself.
	if prev := first.Add(-end.Sub(first)); prev.Before(since) {
		since = prev
	}
	return since, end
}

// records are one student's rows as read, each list oldest first.
type records struct {
	goals       []storage.Goal
	sessions    []storage.Session
	incidents   []storage.Incident
	transitions []storage.Transition
	notes       []storage.Note
}

// shared is what the summaries of a school's students share: its staff
// by id and its calendar.
type shared struct {
	staff     map[int64]summary.StaffMember
	schoolDay func(time.Time) bool
}

// schoolFacts reads a school's staff and its calendar from since to end.
func (r Reader) schoolFacts(ctx context.Context, school storage.School, since, end time.Time) (shared, error) {
	staff, err := r.Store.ListStaff(ctx, school.ID)
	if err != nil {
		return shared{}, fmt.Errorf("listing staff of school %d: %w", school.ID, err)
	}
	sh := shared{staff: make(map[int64]summary.StaffMember, len(staff))}
	for _, m := range staff {
		sh.staff[m.ID] = summary.StaffMember{Name: m.Name, Role: m.Role}
	}
	days, err := r.Store.CalendarDays(ctx, school.ID, since.Format(time.DateOnly), end.Format(time.DateOnly))
	if err != nil {
		return shared{}, fmt.Errorf("loading the calendar of school %d: %w", school.ID, err)
	}
	sh.schoolDay = SchoolDay(days)
	return sh, nil
}

// input is the summary input of one student from their rows: the goals
// asked for (req.GoalID, or all), the sessions decoded, and times in
// school time, as every summary line shows them. It keeps rec's lists.
func input(st storage.Student, req Request, rec records, sh shared) (summary.Input, error) {
	loc := req.Period.Loc
	in := summary.Input{Student: st, Period: req.Period, Staff: maps.Clone(sh.staff), SchoolDay: sh.schoolDay}
	for _, g := range rec.goals {
		if req.GoalID != 0 && g.ID != req.GoalID {
			continue
		}
		sg := summary.GoalOf(g)
		sg.Title = bot.GoalTitle(g)
		in.Goals = append(in.Goals, sg)
	}
	in.Sessions = make([]summary.Session, 0, len(rec.sessions))
	for _, s := range rec.sessions {
		ss, err := summary.SessionOf(s)
		if err != nil {
			return in, fmt.Errorf("reading session %d: %w", s.ID, err)
		}
		in.Sessions = append(in.Sessions, ss)
	}
	in.Incidents, in.Transitions, in.Notes = rec.incidents, rec.transitions, rec.notes
	for i := range in.Incidents {
		in.Incidents[i].At = in.Incidents[i].At.In(loc)
	}
	for i := range in.Transitions {
		in.Transitions[i].At = in.Transitions[i].At.In(loc)
	}
	for i := range in.Notes {
		in.Notes[i].At = in.Notes[i].At.In(loc)
	}
	return in, nil
}

func (r Reader) log() *slog.Logger {
	if r.Log == nil {
		return slog.New(slog.DiscardHandler)
	}
	return r.Log
}

// SchoolDay reports whether a day is a school day, from the calendar's
// special days: Monday to Friday unless a holiday or closure, and a
// weekend day marked as a school (make-up) day.
func SchoolDay(days []storage.CalendarDay) func(time.Time) bool {
	kinds := make(map[string]storage.DayKind, len(days))
	for _, d := range days {
		kinds[d.Date] = d.Kind
	}
	return func(day time.Time) bool {
		switch kinds[day.Format(time.DateOnly)] {
		case storage.DayHoliday, storage.DayClosure:
			return false
		case storage.DaySchool, storage.DayEarlyRelease:
			return true
		}
		wd := day.Weekday()
		return wd != time.Saturday && wd != time.Sunday
	}
}

func midnight(t time.Time, loc *time.Location) time.Time {
	y, m, d := t.In(loc).Date()
	return time.Date(y, m, d, 0, 0, 0, 0, loc)
}
