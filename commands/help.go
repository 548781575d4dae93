package commands

import (
	"context"
	"fmt"
	"strings"

	"parabot/bot"
	"parabot/storage"
)

// Help lists the commands the caller may run, or explains one, from the
// command declarations.
func Help(list func() []*bot.Command) *bot.Command {
	return &bot.Command{
		Name:    "help",
		Summary: "List the commands, or explain one (help trial).",
		Params: []bot.Param{
			{Name: "command", Kind: bot.KindText, Positional: true, MaxLen: 40, Help: "a command name"},
		},
		Examples: []string{"/help", "/help incident"},
		Run: func(ctx context.Context, c *bot.Call) (bot.Reply, error) {
			name := strings.TrimPrefix(strings.ToLower(c.Values.Text("command")), "/")
			if name == "" {
				var b strings.Builder
				b.WriteString("Commands you can use:")
				for _, cmd := range list() {
					if cmd.Allowed(c.Staff.Role) {
						fmt.Fprintf(&b, "\n/%s — %s", cmd.Name, cmd.Summary)
					}
				}
				return bot.Reply{Text: b.String(), Context: "Give help a command name for its parameters and an example: help trial."}, nil
			}
			for _, cmd := range list() {
				if cmd.Name == name {
					return bot.Reply{Text: Explain(cmd, c.Codes)}, nil
				}
			}
			var names []string
			for _, cmd := range list() {
				names = append(names, cmd.Name)
			}
			return bot.Reply{}, bot.Errorf("command", "There is no /%s. Commands: %s.", name, strings.Join(names, ", "))
		},
	}
}

// Explain is the full help of one command: summary, usage, parameters,
// the school's trial codes when it takes trials, and examples.
func Explain(cmd *bot.Command, codes bot.Codes) string {
	var b strings.Builder
	fmt.Fprintf(&b, "/%s — %s\nUsage: %s", cmd.Name, cmd.Summary, cmd.Usage())
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
			b.WriteString("\n  " + e)
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
