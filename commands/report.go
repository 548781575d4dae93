package commands

import (
	"context"
	"fmt"

	"parabot/bot"
	"parabot/progress"
	"parabot/scheduler"
	"parabot/storage"
)

// Report makes a student's IEP progress report (a PDF) and sends it to the
// caller by direct message. The export is recorded in the access log with
// its reason before the document is queued.
func Report(d Deps) *bot.Command {
	return &bot.Command{
		Name:    "report",
		Summary: "A student's IEP progress report as a PDF, sent to you by direct message (teachers and admins).",
		Roles:   reporters,
		Params: []bot.Param{
			studentParam(),
			{Name: "range", Kind: bot.KindText, Positional: true, MaxLen: 40, Aliases: []string{"period", "dates"},
				Help: "year (the school year so far, the default), month, week, or dates: 2026-09-01..2026-11-20"},
			{Name: "reason", Kind: bot.KindText, MaxLen: 200, Default: "IEP progress report",
				Help: "why, for the access log: reason=annual IEP review (no names)"},
		},
		Examples: []string{"/report S101", "/report S101 2026-09-01..2026-11-20 reason=annual IEP review"},
		Run: func(ctx context.Context, c *bot.Call) (bot.Reply, error) {
			if d.Progress == nil {
				return bot.Reply{}, bot.Errorf("", "Progress reports are not set up on this server.")
			}
			period, err := progress.ParseRange(c.Values.Text("range"), "year", c.Now, c.School)
			if err != nil {
				return bot.Reply{}, err
			}
			st := c.Values.Student("student")
			file, sum, err := d.Progress.Report(ctx, progress.Query{
				By: c.Staff, School: c.School, Student: st, Period: period, Now: c.Now,
				Reason: "/report: " + c.Values.Text("reason"),
			})
			if err != nil {
				return bot.Reply{}, err
			}
			dm := bot.Reply{
				Text:  fmt.Sprintf("IEP progress report of %s, %s to %s.", bot.Named(st), sum.From.Format("Jan 2"), sum.To.Format("Jan 2, 2006")),
				Files: []bot.File{file}, Private: true,
			}
			if err := d.Store.Enqueue(ctx, []storage.Job{scheduler.Deliver(bot.Message{StaffID: c.Staff.ID, Reply: dm}, c.Req.Platform)}); err != nil {
				return bot.Reply{}, fmt.Errorf("queueing the report of student %d: %w", st.ID, err)
			}
			return bot.Reply{Text: fmt.Sprintf("The IEP progress report of %s (%s to %s) is on its way to you by direct message.",
				bot.Named(st), sum.From.Format("Jan 2"), sum.To.Format("Jan 2, 2006")), Private: true}, nil
		},
	}
}
