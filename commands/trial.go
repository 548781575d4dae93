package commands

import (
	"context"
	"fmt"
	"strings"

	"parabot/bot"
	"parabot/storage"
)

// Trial logs several trials of one IEP goal in one line.
func Trial(d Deps) *bot.Command {
	return &bot.Command{
		Name:    "trial",
		Summary: "Log trials of an IEP goal: outcome and prompt level of each.",
		Roles:   []storage.Role{storage.RolePara, storage.RoleTeacher, storage.RoleTherapist},
		Params: []bot.Param{
			studentParam(),
			{Name: "goal", Kind: bot.KindGoal, Required: true, Positional: true,
				Help: "the goal code, e.g. G2"},
			{Name: "trials", Kind: bot.KindTrials, Required: true, Positional: true,
				Help: bot.TrialHelp, Brief: bot.TrialBrief},
			atParam(),
			commentParam(),
			forceParam(),
			againParam(),
		},
		Examples: []string{
			"/trial S101 G1 + + v - +",
			"/trial Ava G1 VP GP I NR at 10:15",
			"/trial Liam G1 3/5 20m ago -- was tired",
		},
		Run: func(ctx context.Context, c *bot.Call) (bot.Reply, error) {
			if err := checkSchoolDay(ctx, d.Store, c, c.Values.Time("at")); err != nil {
				return bot.Reply{}, err
			}
			st, goal := c.Values.Student("student"), c.Values.Goal("goal")
			if goal.Measure() != storage.MeasureTrials {
				return bot.Reply{}, bot.Errorf("goal", "%s is a %s goal: log it with /data %s %s %s.", goal.Code,
					strings.ReplaceAll(string(goal.Measure()), "_", " "), st.Code, goal.Code, bot.ValueHelp(goal))
			}
			return logSession(ctx, d, c, st, goal, storage.SessionValues{Type: storage.MeasureTrials, Results: c.Values.Trials("trials")})
		},
	}
}

// TrialTally describes trial results the way teachers read them: correct
// out of total, how many of those were independent, and the prompts used.
func TrialTally(rs []storage.TrialResult) string { return tally(rs, true) }

// tally describes trial results: "4/5 correct" with the total, "4
// correct" without (when the count was said already).
func tally(rs []storage.TrialResult, withTotal bool) string {
	correct, independent := 0, 0
	prompts := map[storage.Prompt]int{}
	noResp := 0
	for _, r := range rs {
		switch {
		case r.Outcome == storage.Correct && r.Prompt == storage.Independent:
			correct++
			independent++
		case r.Outcome == storage.Correct:
			correct++
			prompts[r.Prompt]++
		case r.Outcome == storage.NoResponse:
			noResp++
		}
	}
	s := fmt.Sprintf("%d correct, %d independent", correct, independent)
	if withTotal {
		s = fmt.Sprintf("%d/%d correct, %d independent", correct, len(rs), independent)
	}
	var ps []string
	for p := storage.Gestural; p <= storage.FullPhysical; p++ {
		if n := prompts[p]; n > 0 {
			ps = append(ps, fmt.Sprintf("%d %s", n, p))
		}
	}
	if len(ps) > 0 {
		s += " (prompted: " + strings.Join(ps, ", ") + ")"
	}
	if noResp > 0 {
		s += fmt.Sprintf(", %d no response", noResp)
	}
	return s
}
