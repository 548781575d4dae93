package commands

import (
	"context"
	"fmt"

	"parabot/bot"
	"parabot/scheduler"
	"parabot/storage"
)

// Note sends a note about a student to the student's teacher, by direct
// message through the delivery jobs.
func Note(d Deps) *bot.Command {
	return &bot.Command{
		Name:    "note",
		Summary: "Send a note about a student to their teacher (by direct message).",
		Roles:   []storage.Role{storage.RolePara, storage.RoleTherapist},
		Params: []bot.Param{
			studentParam(),
			{Name: "text", Kind: bot.KindText, Required: true, Positional: true, MaxLen: 2000,
				Help: "the note for the teacher"},
			againParam(),
		},
		Examples: []string{"/note S102 Finished all his math today and asked for more!"},
		Run: func(ctx context.Context, c *bot.Call) (bot.Reply, error) {
			st := c.Values.Student("student")
			if err := checkNames(ctx, d.Store, c, st, "text"); err != nil {
				return bot.Reply{}, err
			}
			ts, err := teachers(ctx, d.Store, st.ID)
			if err != nil {
				return bot.Reply{}, err
			}
			if len(ts) == 0 {
				return bot.Reply{}, bot.Errorf("student", "%s has no teacher on the roster, so the note has nowhere to go; nothing was saved. Ask an admin to assign one.", bot.Named(st))
			}
			n := storage.Note{StudentID: st.ID, StaffID: c.Staff.ID, ToStaffID: ts[0].ID, At: c.Now, Text: c.Values.Text("text")}
			n.LoggedAt = c.Now
			var names []string
			var jobs []storage.Job
			for _, t := range ts {
				names = append(names, t.Name)
				jobs = append(jobs, scheduler.Deliver(bot.Message{StaffID: t.ID, Reply: bot.Reply{
					Text: fmt.Sprintf("Note from %s about %s:\n%s", c.Staff.Name, bot.Named(st), n.Text),
				}}, c.Req.Platform))
			}
			n.Summary = fmt.Sprintf("Note about %s sent to %s.", st.Label(), joinNames(names))
			e, err := d.Store.LogNote(ctx, n, jobs)
			if err != nil {
				return bot.Reply{}, fmt.Errorf("logging note: %w", err)
			}
			return logged(e, fmt.Sprintf("Note about %s sent to %s.", bot.Named(st), joinNames(names))), nil
		},
	}
}

func joinNames(names []string) string {
	switch len(names) {
	case 0:
		return ""
	case 1:
		return names[0]
	}
	out := names[0]
	for _, n := range names[1 : len(names)-1] {
		out += ", " + n
	}
	return out + " and " + names[len(names)-1]
}
