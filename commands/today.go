package commands

import (
	"context"
	"fmt"
	"slices"
	"strconv"
	"strings"
	"time"

	"parabot/bot"
	"parabot/scheduler"
	"parabot/storage"
	"parabot/today"
)

// DuePage is how many students one /today reply lists: with their goals'
// progress, a page stays within every platform's message limits (Discord's
// 2,000 characters the smallest).
const DuePage = 10

// dueTitleLen bounds a goal's title in a /today line, and dueLineLen the
// line (a cut is marked; /today <student> shows the student in full).
const (
	dueTitleLen = 40
	dueLineLen  = 300
)

// Today shows the caller's day: school or not, early release, their
// duties, and the goals of their students that still need data today,
// with how many trials each has of what it needs.
func Today(d Deps) *bot.Command {
	return &bot.Command{
		Name:    "today",
		Summary: "Your day: duties, early release, and the data still due for your students, goal by goal.",
		Params: []bot.Param{
			{Name: "student", Kind: bot.KindStudent, Positional: true,
				Help: "only this student (code, initials or first name)"},
			{Name: "page", Kind: bot.KindInt, Min: 1, Max: 1000,
				Help: fmt.Sprintf("which page of the students with data due (%d a page)", DuePage)},
		},
		Examples: []string{"/today", "/today aiden", "/today page=2"},
		Run: func(ctx context.Context, c *bot.Call) (bot.Reply, error) {
			caseload := c.Caseload
			if c.Values.Has("student") {
				caseload = []storage.Student{c.Values.Student("student")}
			}
			day, err := today.Plan(ctx, d.Store, c.Staff, caseload, c.School, c.Now)
			if err != nil {
				return bot.Reply{}, err
			}
			c.Reads("today", studentIDs(caseload)...)
			day.Upcoming = Upcoming(day.Facts, c.Staff.ID, c.Now)
			page := max(1, c.Values.Int("page"))
			text, next := DayText(day, page)
			r := bot.Reply{Text: text}
			if next > 0 {
				r.Buttons = []bot.Button{{Label: fmt.Sprintf("Next %d", min(DuePage, len(day.Due)-(next-1)*DuePage)), Action: bot.ActionRetry, Value: "today?page=" + strconv.Itoa(next)}}
			}
			return r, nil
		},
		Buttons: []bot.ButtonAction{
			{Action: scheduler.ActionOnMyWay, Run: func(ctx context.Context, c *bot.PressCall) (bot.Reply, error) {
				return answerDuty(ctx, d, c, storage.AnswerOnMyWay)
			}},
			{Action: scheduler.ActionCantMake, Run: func(ctx context.Context, c *bot.PressCall) (bot.Reply, error) {
				return answerDuty(ctx, d, c, storage.AnswerCantMake)
			}},
			{Action: scheduler.ActionLogTrial, Run: func(ctx context.Context, c *bot.PressCall) (bot.Reply, error) {
				return logTrialPrompt(ctx, d, c)
			}},
			{Action: scheduler.ActionDuePage, Run: func(ctx context.Context, c *bot.PressCall) (bot.Reply, error) {
				return duePage(ctx, d, c)
			}},
		},
	}
}

// Upcoming lists the reminders still to come today for staff member id.
func Upcoming(f today.Facts, id int64, now time.Time) []string {
	var out []string
	for _, o := range scheduler.PlanDay(f) {
		if o.StaffID != id || !o.At.After(now) || o.Kind == scheduler.KindDutyEnd {
			continue
		}
		what := "data reminder"
		switch o.Kind {
		case scheduler.KindDuty:
			for _, du := range f.Duties {
				if du.ID == o.DutyID {
					what = string(du.Kind) + " duty reminder"
				}
			}
		case scheduler.KindDataDeadline:
			what = "data-entry deadline report"
		case scheduler.KindUncovered:
			what = "uncovered duties report"
		case scheduler.KindDailySummary:
			what = "daily summary"
		case scheduler.KindWeeklySummary:
			what = "weekly summary"
		}
		out = append(out, o.At.In(f.Loc).Format("15:04")+" "+what)
	}
	return out
}

// answerDuty records the answer to a duty reminder; "can't make it" tells
// the school's admins at once that the duty is uncovered.
func answerDuty(ctx context.Context, d Deps, c *bot.PressCall, answer string) (bot.Reply, error) {
	id, date, ok := scheduler.ParseDayValue(c.Press.Value)
	if !ok {
		return bot.Reply{}, bot.Errorf("", "That button is broken; tell your administrator directly.")
	}
	f, err := today.LoadFacts(ctx, d.Store, c.School, date)
	if err != nil {
		return bot.Reply{}, err
	}
	var du storage.Duty
	found := false
	for _, x := range f.Duties {
		if x.ID == id {
			du, found = x, true
		}
	}
	if who, _ := f.OnDuty(du); !found || who != c.Staff.ID {
		return bot.Reply{}, bot.Errorf("", "That duty is no longer yours on %s; type /today to see your duties.", dayName(date))
	}
	if err := d.Store.AnswerDuty(ctx, storage.DutyAnswer{DutyID: du.ID, Day: date, StaffID: c.Staff.ID, Answer: answer, At: c.Now}); err != nil {
		return bot.Reply{}, fmt.Errorf("recording answer: %w", err)
	}
	line := scheduler.DutyLine(du)
	if answer == storage.AnswerOnMyWay {
		return bot.Reply{Text: fmt.Sprintf("Thanks: noted that you are on your way to %s.", line)}, nil
	}
	var jobs []storage.Job
	var names []string
	for _, st := range f.Staff {
		if st.Role == storage.RoleAdmin && f.Working(st.ID) {
			names = append(names, st.Name)
			jobs = append(jobs, scheduler.DeliverAt(bot.Message{StaffID: st.ID, Reply: bot.Reply{
				Text: fmt.Sprintf("Uncovered duty: %s can't make %s on %s.", c.Staff.Name, line, dayName(date))}}, c.Press.Platform, c.Now))
		}
	}
	if len(jobs) == 0 {
		return bot.Reply{Text: fmt.Sprintf("Noted that you can't make %s, but your school has no administrator on parabot to tell: please tell someone in the office.", line)}, nil
	}
	if err := d.Store.Enqueue(ctx, jobs); err != nil {
		return bot.Reply{}, fmt.Errorf("telling admins: %w", err)
	}
	slices.Sort(names)
	return bot.Reply{Text: fmt.Sprintf("Noted that you can't make %s; %s told now.", line, strings.Join(names, ", "))}, nil
}

// duePage answers a data reminder's "More students" button: the next
// page of the students with data still due now, each with its button.
func duePage(ctx context.Context, d Deps, c *bot.PressCall) (bot.Reply, error) {
	page, err := strconv.Atoi(c.Press.Value)
	if err != nil || page < 1 {
		return bot.Reply{}, bot.Errorf("", "That button is broken; type /today to see the data still due.")
	}
	caseload, err := d.Store.Caseload(ctx, c.Staff.ID)
	if err != nil {
		return bot.Reply{}, fmt.Errorf("loading caseload: %w", err)
	}
	f, err := today.LoadFacts(ctx, d.Store, c.School, c.Now.In(c.School.Location()).Format("2006-01-02"))
	if err != nil {
		return bot.Reply{}, err
	}
	due, err := f.Missing(ctx, d.Store, caseload)
	if err != nil {
		return bot.Reply{}, err
	}
	from := (page - 1) * scheduler.DuePageSize
	if from >= len(due) {
		return bot.Reply{Text: fmt.Sprintf("Data is still due for %s today, all on earlier pages; type /today to see them.", plural(len(due), "student", "students"))}, nil
	}
	to := min(len(due), from+scheduler.DuePageSize)
	r := bot.Reply{Text: fmt.Sprintf("Data still due today, students %d–%d of %d:", from+1, to, len(due))}
	for _, x := range due[from:to] {
		r.Text += "\n" + scheduler.DueLine(x)
	}
	r.Buttons = scheduler.DueButtons(due, page)
	return r, nil
}

// logTrialPrompt answers a data reminder's student button with the /trial
// form for that student (the goal filled in when only one is due), and
// the command to type where no form can open.
func logTrialPrompt(ctx context.Context, d Deps, c *bot.PressCall) (bot.Reply, error) {
	caseload, err := d.Store.Caseload(ctx, c.Staff.ID)
	if err != nil {
		return bot.Reply{}, fmt.Errorf("loading caseload: %w", err)
	}
	st, ok := caseloadStudent(c.Press.Value, caseload)
	if !ok {
		return bot.Reply{}, bot.Errorf("", "%s is not on your caseload any more.", c.Press.Value)
	}
	f, err := today.LoadFacts(ctx, d.Store, c.School, c.Now.In(c.School.Location()).Format("2006-01-02"))
	if err != nil {
		return bot.Reply{}, err
	}
	due, err := f.Missing(ctx, d.Store, []storage.Student{st})
	if err != nil {
		return bot.Reply{}, err
	}
	if len(due) == 0 {
		return bot.Reply{Text: fmt.Sprintf("Every goal of %s due today has data. Nothing more to log.", st.Label())}, nil
	}
	codes := make([]string, len(due[0].Goals))
	for i, g := range due[0].Goals {
		codes[i] = g.Goal.Code
	}
	form := &bot.Form{Command: "trial", Values: map[string]string{"student": st.Code}}
	if len(codes) == 1 {
		form.Values["goal"] = codes[0]
	}
	return bot.Reply{Text: fmt.Sprintf("Still due for %s: %s. Type the trials, e.g.:\n/trial %s %s + + v - +",
		st.Label(), strings.Join(codes, ", "), st.Code, codes[0]), Form: form}, nil
}

// DayText lays out a day for the staff member's own eyes (students by
// name), one page of students with data due. It returns the next page's
// number, or 0 when this page is the last. The count of students due is
// always said, so a long list is never cut silently.
func DayText(day today.Day, page int) (string, int) {
	var b strings.Builder
	if !day.School {
		fmt.Fprintf(&b, "No school today: %s%s.", day.Closed, inParens(day.Note))
		return b.String(), 0
	}
	fmt.Fprintf(&b, "%s, %s.", day.Weekday, day.Date)
	if day.EarlyRelease != "" {
		fmt.Fprintf(&b, " Early release%s: dismissal at %s.", inParens(day.Note), day.EarlyRelease)
	}
	b.WriteString("\nYour duties:")
	if len(day.Duties) == 0 {
		b.WriteString(" none today.")
	}
	for _, du := range day.Duties {
		fmt.Fprintf(&b, "\n  %s %s–%s", du.Kind, du.Start, du.End)
		if du.Place != "" {
			b.WriteString(", " + du.Place)
		}
		if name, ok := day.Covering[du.ID]; ok {
			b.WriteString(" (covering for " + name + ")")
		}
	}
	for _, a := range day.Absences {
		b.WriteString("\n" + a)
	}
	if day.Absent != nil {
		return b.String(), 0
	}
	if len(day.Due) == 0 {
		b.WriteString("\nData still due today: nothing; every goal has the trials it needs.")
		writeUpcoming(&b, day)
		return b.String(), 0
	}
	pages := (len(day.Due) + DuePage - 1) / DuePage
	if page > pages {
		fmt.Fprintf(&b, "\n(There is no page %d of the data due: %s, so this is page %d.)", page, plural(pages, "page", "pages"), pages)
		page = pages
	}
	first := (page - 1) * DuePage
	shown := day.Due[first:min(first+DuePage, len(day.Due))]
	students := plural(len(day.Due), "student has", "students have")
	switch {
	case pages == 1:
		fmt.Fprintf(&b, "\nData still due today (%s goals that need data):", students)
	default:
		fmt.Fprintf(&b, "\nData still due today: %s goals that need data; %d to %d shown (page %d of %d):", students, first+1, first+len(shown), page, pages)
	}
	for _, due := range shown {
		if len(day.Due) == 1 {
			b.WriteString("\n  " + today.DueLine(due, 0)) // one student: every title in full
			continue
		}
		b.WriteString("\n  " + clipText(today.DueLine(due, dueTitleLen), dueLineLen))
	}
	writeUpcoming(&b, day)
	if page < pages {
		fmt.Fprintf(&b, "\nMore: /today page=%d, or /today <student> for one student.", page+1)
		return b.String(), page + 1
	}
	return b.String(), 0
}

// writeUpcoming adds the reminders still to come today, if any.
func writeUpcoming(b *strings.Builder, day today.Day) {
	if len(day.Upcoming) == 0 {
		return
	}
	b.WriteString("\nReminders still to come today:")
	for _, u := range day.Upcoming {
		b.WriteString("\n  " + u)
	}
}

func inParens(n string) string {
	if n == "" {
		return ""
	}
	return " (" + n + ")"
}

// studentIDs lists the ids of students.
func studentIDs(students []storage.Student) []int64 {
	ids := make([]int64, len(students))
	for i, s := range students {
		ids[i] = s.ID
	}
	return ids
}
