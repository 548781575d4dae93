package progress

import (
	"context"
	"fmt"
	"log/slog"
	"regexp"
	"strings"
	"time"

	"parabot/bot"
	"parabot/storage"
	"parabot/summary"
)

// Service answers /progress and /report and feeds the Home tab: it reads
// through the Reader (every read audited), summarizes, and renders.
type Service struct {
	Reader   Reader
	Narrator *summary.Narrator // nil: no narrative, and the reply says so
	Log      *slog.Logger
}

// Query is one on-demand request about a student.
type Query struct {
	By      storage.Staff
	School  storage.School
	Student storage.Student
	Goal    storage.Goal // zero: every goal
	Period  summary.Period
	Now     time.Time
	Reason  string // for the access log
}

// MIME types of the files attached to replies.
const (
	chartFileType = "image/png"
	pdfFileType   = "application/pdf"
)

// Progress is the private /progress reply: the student's statistics in
// IEP progress wording, the narrative (or why there is none) and a chart
// per goal with data. Bad requests are bot.UserErrors saying what to type
// instead.
func (s Service) Progress(ctx context.Context, q Query) (bot.Reply, error) {
	sum, in, err := s.summarize(ctx, q, ActionRead)
	if err != nil {
		return bot.Reply{}, err
	}
	narratives := map[int64]summary.Narrative{
		q.Student.ID: s.Narrator.Narrate(ctx, sum, s.people(ctx, q.School), in.Staff),
	}
	r := summary.PrivateReply([]summary.Student{sum}, narratives)
	r.Text = strings.Replace(r.Text, summary.Heading(sum.From, sum.To), "Progress of "+bot.Named(q.Student)+", "+periodText(sum.From, sum.To), 1)
	charts, err := summary.Charts(sum, summary.ChartOptions{})
	if err != nil {
		return bot.Reply{}, fmt.Errorf("drawing charts of student %d: %w", q.Student.ID, err)
	}
	for _, c := range charts {
		r.Files = append(r.Files, bot.File{Name: c.Name, Type: chartFileType, Data: c.PNG})
	}
	r.Context = "Progress wording: mastered, on track, not at the expected rate, no progress, or not enough data (fewer than 3 session days in the range, or no aim line to judge by)."
	return r, nil
}

// Report is the IEP progress report of q.Student as a PDF file, recorded
// in the access log as an export with q.Reason.
func (s Service) Report(ctx context.Context, q Query) (bot.File, summary.Student, error) {
	sum, in, err := s.summarize(ctx, q, ActionExport)
	if err != nil {
		return bot.File{}, summary.Student{}, err
	}
	narrative := s.Narrator.Narrate(ctx, sum, s.people(ctx, q.School), in.Staff)
	pdf, err := summary.ReportBytes(sum, summary.ReportOptions{
		School: q.School.Name, PreparedBy: q.By.Name, GeneratedAt: q.Now, Narrative: narrative,
	})
	if err != nil {
		return bot.File{}, sum, fmt.Errorf("writing the report of student %d: %w", q.Student.ID, err)
	}
	name := fmt.Sprintf("%s-progress-%s-%s.pdf", fileSafe(q.Student.Code), sum.From.Format(time.DateOnly), sum.To.Format(time.DateOnly))
	return bot.File{Name: name, Type: pdfFileType, Data: pdf}, sum, nil
}

// summarize reads and summarizes, turning the cases where there is
// nothing to show into clear answers.
func (s Service) summarize(ctx context.Context, q Query, action string) (summary.Student, summary.Input, error) {
	loc := q.Period.Loc
	from, to := q.Period.From.In(loc), q.Period.To.In(loc)
	if q.Goal.ID != 0 && q.Goal.StartDate != "" && q.Goal.StartDate > to.Format(time.DateOnly) {
		return summary.Student{}, summary.Input{}, bot.Errorf("range",
			"%s starts on %s, after this range ends (%s); ask for a range from %s, e.g. /progress %s %s %s..%s.",
			q.Goal.Code, q.Goal.StartDate, to.Format(time.DateOnly), q.Goal.StartDate,
			q.Student.Code, q.Goal.Code, q.Goal.StartDate, q.Now.In(loc).Format(time.DateOnly))
	}
	in, err := s.Reader.Read(ctx, Request{By: q.By, Student: q.Student, GoalID: q.Goal.ID, Period: q.Period,
		Action: action, Reason: q.Reason, Now: q.Now})
	if err != nil {
		return summary.Student{}, in, err
	}
	if q.Goal.ID == 0 && len(in.Goals) == 0 {
		return summary.Student{}, in, bot.Errorf("student", "%s has no active goals; ask the teacher to add them.", bot.Named(q.Student))
	}
	sum, err := summary.Summarize(in)
	if err != nil {
		return summary.Student{}, in, fmt.Errorf("summarizing student %d: %w", q.Student.ID, err)
	}
	if sum.SchoolDays == 0 {
		return sum, in, bot.Errorf("range", "There were no school days from %s to %s (weekends, holidays, closures); try week, month, or dates like %s..%s.",
			from.Format("Mon Jan 2"), to.Format("Mon Jan 2"), from.AddDate(0, 0, -14).Format(time.DateOnly), to.Format(time.DateOnly))
	}
	if q.Goal.ID != 0 {
		if len(sum.Goals) == 0 || len(sum.Goals[0].History) == 0 {
			return sum, in, bot.Errorf("goal", "%s of %s has no data up to %s yet; log some with /trial %s %s + + v - +.",
				q.Goal.Code, bot.Named(q.Student), to.Format("Mon Jan 2"), q.Student.Code, q.Goal.Code)
		}
	}
	return sum, in, nil
}

// people is the school's roster, every name of which is scrubbed from
// what goes to the language model. Without a narrator nothing is read.
func (s Service) people(ctx context.Context, school storage.School) summary.People {
	if s.Narrator == nil {
		return summary.People{}
	}
	var p summary.People
	var err error
	if p.Students, err = s.Reader.Store.Students(ctx, school.ID); err != nil {
		s.log().Error("listing students for de-identification", "school_id", school.ID, "error", err)
	}
	if p.Staff, err = s.Reader.Store.ListStaff(ctx, school.ID); err != nil {
		s.log().Error("listing staff for de-identification", "school_id", school.ID, "error", err)
	}
	return p
}

func (s Service) log() *slog.Logger {
	if s.Log == nil {
		return slog.New(slog.DiscardHandler)
	}
	return s.Log
}

// RangeHelp says which ranges /progress and /report take.
const RangeHelp = "week (the last 7 days, the default), month (the last month), year (the school year so far), or dates: 2026-11-02..2026-11-20"

var rangePattern = regexp.MustCompile(`^(\d{4}-\d{2}-\d{2})\s*(?:\.\.|to)\s*(\d{4}-\d{2}-\d{2})$`)

// IsRange reports whether text reads as a range rather than a goal code.
func IsRange(text string) bool {
	t := strings.ToLower(strings.TrimSpace(text))
	switch t {
	case "week", "this week", "month", "this month", "year", "school year":
		return true
	}
	return rangePattern.MatchString(t)
}

// ParseRange reads a range: "week" (the last 7 days, today included),
// "month" (the last month: from this day a month ago, the day after it,
// to today), "year" (the school year to today), or two dates
// "2026-11-02..2026-11-20". A range never reaches past today. def is used
// for an empty text.
func ParseRange(text, def string, now time.Time, school storage.School) (summary.Period, error) {
	loc := school.Location()
	today := midnight(now, loc)
	t := strings.ToLower(strings.TrimSpace(text))
	if t == "" {
		t = def
	}
	var p summary.Period
	switch t {
	case "week", "this week":
		p = summary.Period{From: today.AddDate(0, 0, -6), To: today, Loc: loc}
	case "month", "this month":
		p = summary.Period{From: today.AddDate(0, -1, 1), To: today, Loc: loc}
	case "year", "school year":
		start, err := time.ParseInLocation(time.DateOnly, school.YearStart, loc)
		if err != nil || start.After(today) {
			start = time.Date(today.Year(), time.January, 1, 0, 0, 0, 0, loc)
		}
		p = summary.Period{From: start, To: today, Loc: loc}
	default:
		m := rangePattern.FindStringSubmatch(t)
		if m == nil {
			return p, bot.Errorf("range", "%q is not a range; use %s.", text, RangeHelp)
		}
		from, err1 := time.ParseInLocation(time.DateOnly, m[1], loc)
		to, err2 := time.ParseInLocation(time.DateOnly, m[2], loc)
		if err1 != nil || err2 != nil {
			return p, bot.Errorf("range", "%q has a date that does not exist; write dates as YYYY-MM-DD, e.g. 2026-11-02..2026-11-20.", text)
		}
		if to.Before(from) {
			return p, bot.Errorf("range", "The range %s ends before it starts; put the earlier date first.", text)
		}
		if from.After(today) {
			return p, bot.Errorf("range", "The range %s starts after today; there is no data yet.", text)
		}
		p = summary.Period{From: from, To: to, Loc: loc}
	}
	if p.To.After(today) {
		p.To = today
	}
	return p, nil
}

// periodText is "Nov 9 to Nov 13", or one day.
func periodText(from, to time.Time) string {
	if from.Equal(to) {
		return from.Format("Mon Jan 2")
	}
	return from.Format("Jan 2") + " to " + to.Format("Jan 2, 2006")
}

// fileSafe keeps letters, digits, dash and underscore of a code.
func fileSafe(s string) string {
	var b strings.Builder
	for _, r := range s {
		if r == '-' || r == '_' || r >= '0' && r <= '9' || r >= 'A' && r <= 'Z' || r >= 'a' && r <= 'z' {
			b.WriteRune(r)
		}
	}
	if b.Len() == 0 {
		return "student"
	}
	return b.String()
}
