package commands

import (
	"context"
	"fmt"
	"strings"

	"parabot/bot"
	"parabot/storage"
)

// Help lists the commands the caller may run, explains one from the
// command declarations, or shows a student's goal (help aiden G3).
func Help(d Deps, list func() []*bot.Command) *bot.Command {
	return &bot.Command{
		Name:    "help",
		Summary: "List the commands, explain one (help trial), or show a student's goal (help aiden G3).",
		Params: []bot.Param{
			{Name: "command", Kind: bot.KindText, Positional: true, MaxLen: 60, Help: "a command name, or a student and a goal code"},
		},
		Examples: []string{"/help", "/help incident", "/help aiden G3"},
		Run: func(ctx context.Context, c *bot.Call) (bot.Reply, error) {
			if r, ok, err := goalHelp(ctx, d, c); ok || err != nil {
				return r, err
			}
			name := strings.TrimPrefix(strings.ToLower(c.Values.Text("command")), "/")
			if name == "" {
				var b strings.Builder
				b.WriteString("Commands you can use:")
				for _, cmd := range list() {
					if cmd.Allowed(c.Staff.Role) {
						fmt.Fprintf(&b, "\n%s — %s", c.Command(cmd.Name), cmd.Summary)
					}
				}
				return bot.Reply{Text: b.String(), Context: fmt.Sprintf("Give help a command name for its parameters and an example: %s trial.", c.Command("help"))}, nil
			}
			for _, cmd := range list() {
				if cmd.Name == name {
					return bot.Reply{Text: Explain(cmd, c.Codes, c.Command)}, nil
				}
			}
			var names []string
			for _, cmd := range list() {
				names = append(names, cmd.Name)
			}
			return bot.Reply{}, bot.Errorf("command", "There is no %s. Commands: %s.", c.Command(name), strings.Join(names, ", "))
		},
	}
}

// goalHelp answers "help <student> <goal>" (either order): the goal's
// title, text, type and how to log it. ok is false when the words are
// not a student and a goal code.
func goalHelp(ctx context.Context, d Deps, c *bot.Call) (bot.Reply, bool, error) {
	words := strings.Fields(c.Values.Text("command"))
	if len(words) < 2 {
		return bot.Reply{}, false, nil
	}
	code, who := "", ""
	switch {
	case isGoalCode(words[len(words)-1]):
		code, who = words[len(words)-1], strings.Join(words[:len(words)-1], " ")
	case isGoalCode(words[0]):
		code, who = words[0], strings.Join(words[1:], " ")
	default:
		return bot.Reply{}, false, nil
	}
	sc := &bot.Scope{Now: c.Now, Loc: c.School.Location(), Caseload: c.Caseload, Codes: c.Codes,
		Goals: func(id int64) ([]storage.Goal, error) { return d.Store.Goals(ctx, id) },
		School: func() []storage.Student {
			l, _ := d.Store.Students(ctx, c.Staff.SchoolID) // only to word a miss; a failed read words it as "no such student"
			return l
		}}
	st, err := bot.ResolveStudent(who, sc)
	if err != nil {
		return bot.Reply{}, true, err
	}
	g, err := bot.ResolveGoal(code, st, sc)
	if err != nil {
		return bot.Reply{}, true, err
	}
	var b strings.Builder
	fmt.Fprintf(&b, "%s — %s (%s, %s)\n%s", bot.Named(st), bot.GoalLine(g), g.Domain, typeName(g.Measure()), g.Text)
	if len(g.Steps) > 0 {
		fmt.Fprintf(&b, "\nSteps: %s", strings.Join(g.Steps, " | "))
	}
	if g.Measurement != "" {
		fmt.Fprintf(&b, "\nMeasured as: %s", g.Measurement)
	}
	if g.Baseline != "" {
		fmt.Fprintf(&b, "\nBaseline: %s", g.Baseline)
	}
	fmt.Fprintf(&b, "\nLog it: /data %s %s <values>: %s", st.Code, g.Code, bot.ValueHelp(g))
	return bot.Reply{Text: b.String()}, true, nil
}

// isGoalCode reports whether w is written like a goal code: G1 to G99.
func isGoalCode(w string) bool {
	w = strings.ToUpper(w)
	if len(w) < 2 || len(w) > 3 || w[0] != 'G' {
		return false
	}
	for _, r := range w[1:] {
		if r < '0' || r > '9' {
			return false
		}
	}
	return true
}

// Explain is the full help of one command: summary, usage, parameters,
// the school's trial codes when it takes trials, and examples, with the
// command spelled as spell says the platform types it.
func Explain(cmd *bot.Command, codes bot.Codes, spell func(name string) string) string {
	var b strings.Builder
	respell := func(line string) string {
		if rest, ok := strings.CutPrefix(line, "/"+cmd.Name); ok && (rest == "" || rest[0] == ' ') {
			return spell(cmd.Name) + rest
		}
		return line
	}
	fmt.Fprintf(&b, "%s — %s\nUsage: %s", spell(cmd.Name), cmd.Summary, respell(cmd.Usage()))
	if len(cmd.Params) > 0 {
		b.WriteString("\nParameters:")
		for _, p := range cmd.Params {
			req := ""
			if p.Required {
				req = " (required)"
			} else if p.Default != "" {
				req = " (default " + p.Default + ")"
			}
			fmt.Fprintf(&b, "\n  %s%s: %s", p.Name, req, p.Help)
		}
		for _, p := range cmd.Params {
			if p.Kind == bot.KindTrials || p.Kind == bot.KindValues {
				b.WriteString("\nTrial codes: " + codes.Help() + ".")
			}
			if p.Kind == bot.KindValues {
				b.WriteString("\nBy the goal's type (/goals <student> shows each goal's):")
				for _, m := range storage.Measures {
					fmt.Fprintf(&b, "\n  %s: %s", m, bot.MeasureHelp[m])
				}
			}
		}
	}
	if len(cmd.Examples) > 0 {
		b.WriteString("\nExamples:")
		for _, e := range cmd.Examples {
			b.WriteString("\n  " + respell(e))
		}
	}
	if len(cmd.Roles) > 0 {
		roles := make([]string, len(cmd.Roles))
		for i, r := range cmd.Roles {
			roles[i] = string(r)
		}
		fmt.Fprintf(&b, "\nFor: %s.", strings.Join(roles, ", "))
	}
	return b.String()
}

// Table is the Markdown table of commands for the README, generated from
// the declarations (parabot commands --markdown prints it).
func Table(cmds []*bot.Command) string {
	var b strings.Builder
	b.WriteString("| command | what it does | example |\n|---|---|---|\n")
	for _, c := range cmds {
		ex := ""
		if len(c.Examples) > 0 {
			ex = "`" + c.Examples[0] + "`"
		}
		fmt.Fprintf(&b, "| `%s` | %s | %s |\n", c.Usage(), c.Summary, ex)
	}
	return b.String()
}
