package commands

import (
	"context"
	"fmt"
	"strings"

	"parabot/bot"
	"parabot/storage"
)

// Goals lists a student's active goals with their short titles and
// texts, privately to the caller.
func Goals(d Deps) *bot.Command {
	return &bot.Command{
		Name:     "goals",
		Summary:  "A student's IEP goals: code, short title and text.",
		Roles:    loggers,
		Params:   []bot.Param{studentParam()},
		Examples: []string{"/goals S103", "/goals aiden"},
		Run: func(ctx context.Context, c *bot.Call) (bot.Reply, error) {
			st := c.Values.Student("student")
			goals, err := d.Store.Goals(ctx, st.ID)
			if err != nil {
				return bot.Reply{}, fmt.Errorf("loading goals of student %d: %w", st.ID, err)
			}
			c.Reads("goals", st.ID)
			if len(goals) == 0 {
				return bot.Reply{Text: bot.Named(st) + " has no active goals; ask the teacher to add them."}, nil
			}
			var b strings.Builder
			fmt.Fprintf(&b, "%s — %s:", bot.Named(st), plural(len(goals), "goal", "goals"))
			for _, g := range goals {
				fmt.Fprintf(&b, "\n%s (%s): %s", bot.GoalLine(g), typeName(g.Measure()), clipText(g.Text, 300))
				if g.Measure() != storage.MeasureTrials {
					fmt.Fprintf(&b, "\n  log it: /data %s %s %s", st.Code, g.Code, clipText(bot.ValueHelp(g), 200))
				}
			}
			return bot.Reply{Text: b.String(), Context: "Log one with /data " + st.Code + " " + goals[0].Code + " <values>, or /trial for trials"}, nil
		},
	}
}

// clipText shortens s to at most n characters, marking the cut.
func clipText(s string, n int) string {
	r := []rune(s)
	if len(r) <= n {
		return s
	}
	return string(r[:n-1]) + "…"
}

// typeName names a measurement type for people: "task analysis".
func typeName(m storage.Measure) string { return strings.ReplaceAll(string(m), "_", " ") }
