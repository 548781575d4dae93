package commands

import (
	"context"
	"fmt"
	"time"

	"parabot/bot"
	"parabot/schoolday"
	"parabot/storage"
)

// Data logs one session of any IEP goal, typed the way the goal is
// measured: trial codes, a count, a duration, latencies, a code per step
// of a routine, or a rating.
func Data(d Deps) *bot.Command {
	return &bot.Command{
		Name:    "data",
		Summary: "Log data of any IEP goal as it is measured: trials, count, duration, latency, steps or rating.",
		Roles:   []storage.Role{storage.RolePara, storage.RoleTeacher, storage.RoleTherapist},
		Params: []bot.Param{
			studentParam(),
			{Name: "goal", Kind: bot.KindGoal, Required: true, Positional: true,
				Help: "the goal code, e.g. G2"},
			{Name: "values", Kind: bot.KindValues, Required: true, Positional: true,
				Help: "as the goal is measured: + v -, 3 (count), 8m30s, 45s (latency), i v m i (steps), 3 (rating)"},
			atParam(),
			commentParam(),
			forceParam(),
			againParam(),
		},
		Examples: []string{
			"/data liam G2 3",
			"/data liam G2 +1",
			"/data ava G2 8m30s",
			"/data noah G2 45s at 10:15",
			"/data S104 G2 i v m i",
			"/data sofia G3 4 -- greeted two friends",
		},
		Run: func(ctx context.Context, c *bot.Call) (bot.Reply, error) {
			if err := checkSchoolDay(ctx, d.Store, c, c.Values.Time("at")); err != nil {
				return bot.Reply{}, err
			}
			st, goal := c.Values.Student("student"), c.Values.Goal("goal")
			v := c.Values.SessionValues("values")
			return logSession(ctx, d, c, st, goal, v)
		},
	}
}

// logSession stores one session of goal g and confirms it: the stored
// summary names no one and holds no comment; the reply, private to its
// author, names the student and repeats the comment.
func logSession(ctx context.Context, d Deps, c *bot.Call, st storage.Student, g storage.Goal, v storage.SessionValues) (bot.Reply, error) {
	at, note := c.Values.Time("at"), c.Values.Text("note")
	if err := checkSession(ctx, d.Store, c, st, g, v, at); err != nil {
		return bot.Reply{}, err
	}
	if err := checkNames(ctx, d.Store, c, st, "note"); err != nil {
		return bot.Reply{}, err
	}
	head, what := "data", bot.DescribeValues(g, v)
	if v.Type == storage.MeasureTrials {
		head, what = plural(len(v.Results), "trial", "trials"), TrialTally(v.Results)
	}
	se := storage.SessionLog{GoalID: g.ID, StudentID: st.ID, StaffID: c.Staff.ID, At: at, Values: v, Note: note,
		Summary:  fmt.Sprintf("Logged %s for %s %s%s: %s.", head, st.Label(), g.Code, when(at, c.Now), what),
		LoggedAt: c.Now}
	e, err := d.Store.LogSession(ctx, se, nil)
	if err != nil {
		return bot.Reply{}, fmt.Errorf("logging a %s session: %w", v.Type, err)
	}
	shown := bot.DescribeValues(g, v)
	if v.Type == storage.MeasureTrials {
		shown = plural(len(v.Results), "trial", "trials") + when(at, c.Now) + ", " + tally(v.Results, false)
	} else {
		shown += when(at, c.Now)
	}
	text := fmt.Sprintf("Logged for %s — %s: %s.", bot.Named(st), bot.GoalLine(g), shown)
	return logged(e, withComment(text, note)), nil
}

// duplicateWindow is how close in time the same values of the same goal
// are taken for a second send of one session rather than a new one.
const duplicateWindow = 5 * time.Minute

// checkSession reads, in one query, what a session is checked against
// before it is saved, and refuses it for a student marked absent on its
// day, or (unless again=yes) with a button to log it anyway when it has
// the same values of the same goal as one logged within a few minutes of
// it: most often the same data sent twice. A replayed request is not
// taken for a likely duplicate: the write answers it as already handled.
func checkSession(ctx context.Context, s storage.Store, c *bot.Call, st storage.Student, g storage.Goal, v storage.SessionValues, at time.Time) error {
	day := schoolday.Today(at, c.School.Location())
	chk, err := s.CheckSession(ctx, storage.SessionCheck{OnceKey: storage.OnceKey(ctx), SchoolID: c.School.ID, StudentID: st.ID,
		GoalID: g.ID, Day: day, From: at.Add(-duplicateWindow), To: at.Add(duplicateWindow), Values: v})
	if err != nil {
		return fmt.Errorf("checking a session of goal %d: %w", g.ID, err)
	}
	if chk.Absent {
		return absentError(st, day)
	}
	if c.Values.Bool("again") || chk.Claimed || !chk.SameFound {
		return nil
	}
	who := "You"
	if chk.SameStaffID != c.Staff.ID {
		who = "Someone else"
		if m, err := s.StaffMember(ctx, chk.SameStaffID); err == nil {
			who = m.Name
		}
	}
	return &bot.UserError{Param: "again",
		Msg: fmt.Sprintf("This looks like a duplicate: %s logged the same for %s %s at %s. Nothing was saved; log it again (again=yes) only if it is a new session.",
			who, bot.Named(st), g.Code, chk.SameAt.In(c.School.Location()).Format("15:04")),
		Choices: []bot.Choice{{Value: "yes", Label: "Log it again"}}}
}
