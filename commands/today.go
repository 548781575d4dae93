package commands

import (
	"context"
	"fmt"
	"strings"

	"parabot/bot"
	"parabot/today"
)

// Today shows the caller's day: school or not, early release, their
// duties, and the goals of their students with no data yet today.
func Today(d Deps) *bot.Command {
	return &bot.Command{
		Name:     "today",
		Summary:  "Your day: duties, early release, and the data still due for your students.",
		Examples: []string{"/today"},
		Run: func(ctx context.Context, c *bot.Call) (bot.Reply, error) {
			day, err := today.Plan(ctx, d.Store, c.Staff, c.Caseload, c.School, c.Now)
			if err != nil {
				return bot.Reply{}, err
			}
			return bot.Reply{Text: DayText(day)}, nil
		},
	}
}

// DayText lays out a day for any platform; students by label only.
func DayText(day today.Day) string {
	var b strings.Builder
	if !day.School {
		fmt.Fprintf(&b, "No school today: %s%s.", day.Closed, inParens(day.Note))
		return b.String()
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
	b.WriteString("\nData still due today:")
	if len(day.Due) == 0 {
		b.WriteString(" nothing; every goal has data.")
	}
	for _, due := range day.Due {
		codes := make([]string, len(due.Goals))
		for i, g := range due.Goals {
			codes[i] = g.Code
		}
		fmt.Fprintf(&b, "\n  %s: %s", due.Student.Label(), strings.Join(codes, ", "))
	}
	return b.String()
}

func inParens(n string) string {
	if n == "" {
		return ""
	}
	return " (" + n + ")"
}
