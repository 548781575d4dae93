// Package commands holds parabot's commands, each declared once as data
// (bot.Command) in a file of its own. Adding a command is one file and one
// line in All.
package commands

import (
	"context"
	"fmt"
	"log/slog"
	"strconv"
	"time"

	"parabot/bot"
	"parabot/progress"
	"parabot/storage"
)

// Deps is what the commands need.
type Deps struct {
	Store storage.Store
	Log   *slog.Logger
	// Progress answers /progress and /report; nil answers that they are
	// not set up.
	Progress *progress.Service
}

// All returns every command in the order /help lists them.
func All(d Deps) []*bot.Command {
	var cmds []*bot.Command
	cmds = []*bot.Command{
		Trial(d),
		Data(d),
		Incident(d),
		Transition(d),
		Note(d),
		Concern(d),
		Escalation(d),
		Reply(d),
		Notified(d),
		Debriefed(d),
		Undo(d),
		Void(d),
		Today(d),
		Goals(d),
		Absent(d),
		Dismissal(d),
		Progress(d),
		Report(d),
		Audit(d),
		Help(d, func() []*bot.Command { return cmds }),
	}
	return cmds
}

// Everyone who works with students and logs data.
var loggers = []storage.Role{storage.RolePara, storage.RoleTeacher, storage.RoleTherapist, storage.RoleAdmin}

// studentParam is the first parameter of every logging command.
func studentParam() bot.Param {
	return bot.Param{Name: "student", Kind: bot.KindStudent, Required: true, Positional: true,
		Help: "the student's code, initials or first name (your caseload only)"}
}

// atParam is when the logged thing happened; it defaults to now.
func atParam() bot.Param {
	return bot.Param{Name: "at", Kind: bot.KindTime, Default: "now", Aliases: []string{"time", "when"},
		Help: "when: now, 10:15, 2:30pm, 20m ago, yesterday 14:00 (1:00-6:59 are pm); in a line, at 10:15"}
}

// commentParam is the short comment any log may carry: note=was tired,
// or a trailing "-- was tired".
func commentParam() bot.Param {
	return bot.Param{Name: "note", Kind: bot.KindText, MaxLen: 200, Aliases: []string{"comment"},
		Help: "a short comment: note=was tired, or end the line with -- was tired"}
}

// withComment adds a comment, as typed, to a private confirmation (the
// stored summary never holds it: sessions and transitions keep it in a
// field of their own).
func withComment(summary, comment string) string {
	if comment == "" {
		return summary
	}
	return summary + " Note: " + comment
}

// logged builds the confirmation reply with an Undo button. text names
// the student (the reply is private to its author); the stored summary
// does not.
func logged(e storage.Entry, text string) bot.Reply {
	return bot.Reply{
		Text:    text,
		Buttons: []bot.Button{undoButton(e.ID)},
	}
}

// when describes a logged time for a confirmation: nothing when it is
// (about) now, else the time, and the date when not today.
func when(at, now time.Time) string {
	if now.Sub(at) < 2*time.Minute {
		return ""
	}
	if at.Year() == now.Year() && at.YearDay() == now.YearDay() {
		return " at " + at.Format("15:04")
	}
	return " on " + at.Format("Mon Jan 2 15:04")
}

// teachers returns the student's teachers (case managers).
func teachers(ctx context.Context, s storage.Store, studentID int64) ([]storage.Staff, error) {
	team, err := s.StudentTeam(ctx, studentID)
	if err != nil {
		return nil, fmt.Errorf("loading team of student %d: %w", studentID, err)
	}
	var out []storage.Staff
	for _, m := range team {
		if m.Kind == storage.AssignTeacher {
			out = append(out, m.Staff)
		}
	}
	return out, nil
}

func plural(n int, one, many string) string {
	if n == 1 {
		return "1 " + one
	}
	return strconv.Itoa(n) + " " + many
}
