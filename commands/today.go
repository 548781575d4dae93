package commands

import (
	"context"
	"fmt"
	"strconv"
	"strings"

	"parabot/bot"
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
			page := max(1, c.Values.Int("page"))
			text, next := DayText(day, page)
			r := bot.Reply{Text: text}
			if next > 0 {
				r.Buttons = []bot.Button{{Label: fmt.Sprintf("Next %d", min(DuePage, len(day.Due)-(next-1)*DuePage)), Action: bot.ActionRetry, Value: "today?page=" + strconv.Itoa(next)}}
			}
			return r, nil
		},
	}
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
	}
	if len(day.Due) == 0 {
		b.WriteString("\nData still due today: nothing; every goal has the trials it needs.")
		return b.String(), 0
	}
	pages := (len(day.Due) + DuePage - 1) / DuePage
	page = min(page, pages)
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
	if page < pages {
		fmt.Fprintf(&b, "\nMore: /today page=%d, or /today <student> for one student.", page+1)
		return b.String(), page + 1
	}
	return b.String(), 0
}

func inParens(n string) string {
	if n == "" {
		return ""
	}
	return " (" + n + ")"
}
