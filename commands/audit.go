package commands

import (
	"context"
	"fmt"

	"parabot/auditview"
	"parabot/bot"
	"parabot/storage"
)

// AuditRows is how many of a student's newest audit rows /audit shows;
// parabot audit lists them all.
const AuditRows = 20

// Audit is /audit: a student's access log (who logged, read, exported,
// undid or was refused what, and when) for an admin, privately. The look
// is itself recorded in the log before the rows are shown.
func Audit(d Deps) *bot.Command {
	return &bot.Command{
		Name:     "audit",
		Summary:  fmt.Sprintf("Admins: a student's access log, the newest %d rows (parabot audit lists all).", AuditRows),
		Roles:    []storage.Role{storage.RoleAdmin},
		Params:   []bot.Param{{Name: "student", Kind: bot.KindStudent, Required: true, Positional: true, Help: "the student's code, initials or first name"}},
		Examples: []string{"/audit S101", "/audit ava"},
		Run: func(ctx context.Context, c *bot.Call) (bot.Reply, error) {
			st := c.Values.Student("student")
			q := auditview.Query{AuditQuery: storage.AuditQuery{StudentID: st.ID, Limit: AuditRows}, Student: st}
			rows, err := auditview.Rows(ctx, d.Store, q)
			if err != nil {
				return bot.Reply{}, fmt.Errorf("reading the audit trail of student %d: %w", st.ID, err)
			}
			if err := d.Store.RecordAudit(ctx, auditview.Viewed(c.Now, c.Staff.ID, q, string(c.Req.Platform)+"/command")); err != nil {
				return bot.Reply{}, fmt.Errorf("recording a look at the audit trail of student %d: %w", st.ID, err)
			}
			text := fmt.Sprintf("Access log of %s, the newest %d rows (times UTC):\n", bot.Named(st), len(rows))
			if len(rows) == 0 {
				text = fmt.Sprintf("Access log of %s: nothing recorded yet.", bot.Named(st))
			} else {
				text += "```\n" + auditview.Text(rows) + "```"
			}
			return bot.Reply{Text: text, Context: "The whole log: parabot audit --student " + st.Code}, nil
		},
	}
}
