package commands

import (
	"context"

	"parabot/bot"
	"parabot/progress"
	"parabot/storage"
)

// Progress shows a student's goal statistics in IEP progress wording,
// with a chart per goal, privately to the caller. Every use is recorded
// in the access log.
func Progress(d Deps) *bot.Command {
	return &bot.Command{
		Name:    "progress",
		Summary: "A student's progress on their goals (statistics, mastery, IEP wording) with a chart, only to you.",
		Roles:   loggers,
		Params: []bot.Param{
			studentParam(),
			// Text, not KindGoal: "/progress S101 month" leaves the goal out.
			{Name: "goal", Kind: bot.KindText, Positional: true, MaxLen: 40, Help: "one goal's code, e.g. G1 (default: every goal)"},
			rangeParam(),
		},
		Examples: []string{"/progress S101 G1", "/progress S101 month", "/progress S101 G2 2026-11-02..2026-11-20"},
		Run: func(ctx context.Context, c *bot.Call) (bot.Reply, error) {
			if d.Progress == nil {
				return bot.Reply{}, bot.Errorf("", "Progress summaries are not set up on this server.")
			}
			st := c.Values.Student("student")
			goalText, rangeText := c.Values.Text("goal"), c.Values.Text("range")
			if progress.IsRange(goalText) && rangeText == "" {
				goalText, rangeText = "", goalText
			}
			var goal storage.Goal
			if goalText != "" {
				var err error
				goal, err = bot.ResolveGoal(goalText, st, &bot.Scope{Goals: func(id int64) ([]storage.Goal, error) { return d.Store.Goals(ctx, id) }})
				if err != nil {
					return bot.Reply{}, err
				}
			}
			period, err := progress.ParseRange(rangeText, "week", c.Now, c.School)
			if err != nil {
				return bot.Reply{}, err
			}
			r, err := d.Progress.Progress(ctx, progress.Query{
				By: c.Staff, School: c.School, Student: st, Goal: goal,
				Period: period, Now: c.Now, Reason: "/progress",
			})
			if err != nil {
				return bot.Reply{}, err
			}
			r.Private = true
			return r, nil
		},
	}
}

// rangeParam is the period of /progress and /report.
func rangeParam() bot.Param {
	return bot.Param{Name: "range", Kind: bot.KindText, Positional: true, MaxLen: 40,
		Aliases: []string{"period", "dates"},
		Choices: []bot.Choice{{Value: "week", Label: "this week"}, {Value: "month", Label: "this month"}, {Value: "year", Label: "the school year"}},
		Help:    "week (last 7 days, the default), month, year, or dates: 2026-11-02..2026-11-20"}
}

// reporters may ask for an IEP progress report.
var reporters = []storage.Role{storage.RoleTeacher, storage.RoleAdmin}
