package bot

import (
	"context"
	"fmt"
	"slices"
	"strings"
	"time"

	"parabot/storage"
)

// Kind is the type of a command parameter. Each kind has one parser, used
// for free text, form fields and platform options alike.
type Kind int

// The parameter kinds.
const (
	KindText     Kind = iota // free text, up to Param.MaxLen
	KindStudent              // a student of the caller's caseload: code, initials or first name
	KindGoal                 // a goal code of the student given in the "student" parameter
	KindTrials               // trial results, e.g. "+ + v - +"
	KindPrompt               // a prompt level: i g v m pp fp or the names
	KindTime                 // a time today or earlier: now, 10:15, 2:30pm, -20m, yesterday 14:00, 2026-11-24 09:00
	KindDuration             // 90s, 5m, 1h30m, or a number of minutes
	KindInt                  // a whole number in [Min, Max]
	KindBool                 // yes/no
	KindChoice               // one of Choices
	KindList                 // comma-separated words, each up to Param.MaxLen
	// KindValues are the values of one session of the goal given in the
	// "goal" parameter, typed the way its measurement type is: trial
	// codes, a count, a duration, latencies, a code per step, a rating.
	KindValues
)

// Choice is one allowed value of a parameter, with the label forms show.
type Choice struct {
	Value string
	Label string
	// Param, when set, is the parameter this choice gives a value to,
	// instead of the error's own (a retry button that sets another one).
	Param string
}

// Param declares one parameter of a command.
type Param struct {
	Name string
	Kind Kind
	Help string // one line for forms and /help
	// Brief is Help where space is short (Discord's option descriptions,
	// 100 characters); empty when Help fits.
	Brief    string
	Required bool
	// Positional parameters are read in declaration order from the start
	// of the free text; a positional KindText or KindTrials takes the rest
	// of the words up to the first name=value.
	Positional bool
	// Aliases are other names accepted before "=" in free text.
	Aliases []string
	// Leads are words that may come before a positional value and are
	// not part of it: "to" in "/transition ava class to speech".
	Leads    []string
	Choices  []Choice // KindChoice, and suggestions for KindText
	Min, Max int      // KindInt
	MaxLen   int      // KindText and KindList items; 0 means DefaultMaxLen
	Default  string   // parsed like typed text when the parameter is absent
	// OpensWith names yes/no parameters of which one must be yes for a
	// form to show this one: a section that opens with its question
	// (a restraint's record opens when restraint is yes).
	OpensWith []string
}

// Opens reports whether a form shows parameter p given the current raw
// values: always, unless it opens with a yes/no question not answered
// yes.
func (p Param) Opens(values map[string]string) bool {
	if len(p.OpensWith) == 0 {
		return true
	}
	for _, q := range p.OpensWith {
		if strings.EqualFold(values[q], "yes") {
			return true
		}
	}
	return false
}

// OpensSection reports whether another parameter of c opens when
// parameter name is answered yes.
func (c *Command) OpensSection(name string) bool {
	for _, p := range c.Params {
		if slices.Contains(p.OpensWith, name) {
			return true
		}
	}
	return false
}

// DefaultMaxLen bounds a text parameter when the declaration sets none.
const DefaultMaxLen = 500

// Command is one command, declared as data. The free-text parser, the
// platform forms and /help all come from this declaration.
type Command struct {
	Name     string
	Summary  string // one line
	Params   []Param
	Roles    []storage.Role // who may run it; empty means every role
	Examples []string       // full lines, e.g. "/trial AB G2 + + v - +"
	Run      func(ctx context.Context, c *Call) (Reply, error)
	// Buttons are the actions this command's replies offer.
	Buttons []ButtonAction
}

// ButtonAction handles presses of buttons with this action name.
type ButtonAction struct {
	Action string
	Run    func(ctx context.Context, c *PressCall) (Reply, error)
}

// Allowed reports whether role may run the command.
func (c *Command) Allowed(role storage.Role) bool {
	return len(c.Roles) == 0 || slices.Contains(c.Roles, role)
}

// Param returns the declaration of parameter name.
func (c *Command) Param(name string) (Param, bool) {
	for _, p := range c.Params {
		if p.Name == name {
			return p, true
		}
	}
	return Param{}, false
}

// Usage is the command's one-line usage, e.g.
// "/trial <student> <goal> <trials> [at=<time>]".
func (c *Command) Usage() string {
	var b strings.Builder
	b.WriteString("/" + c.Name)
	for _, p := range c.Params {
		var s string
		if p.Positional {
			s = "<" + p.Name + ">"
		} else {
			s = p.Name + "=<" + kindWord(p.Kind) + ">"
		}
		if !p.Required {
			s = "[" + s + "]"
		}
		b.WriteString(" " + s)
	}
	return b.String()
}

func kindWord(k Kind) string {
	switch k {
	case KindStudent:
		return "student"
	case KindGoal:
		return "goal"
	case KindTrials:
		return "trials"
	case KindPrompt:
		return "prompt"
	case KindTime:
		return "time"
	case KindDuration:
		return "duration"
	case KindInt:
		return "number"
	case KindBool:
		return "yes/no"
	case KindChoice:
		return "choice"
	case KindList:
		return "a,b,c"
	case KindValues:
		return "values"
	}
	return "text"
}

// Call is one run of a command: who asked, when, and the parsed values.
type Call struct {
	Req      Request
	Staff    storage.Staff
	School   storage.School
	Caseload []storage.Student // the students the caller may see and log for
	Now      time.Time
	Values   Values
	// Codes are the school's data-sheet codes (never nil).
	Codes Codes
	// Spell returns a command name as the caller's platform spells it
	// ("/para help" on Slack); nil means "/<name>".
	Spell func(name string) string
	// Read records in the access log that the caller is shown what
	// ("today", "goals", ...) of these students; nil records nothing.
	Read func(what string, studentIDs ...int64)
}

// Reads records in the access log that the caller is shown what of
// these students (see Call.Read).
func (c *Call) Reads(what string, studentIDs ...int64) {
	if c.Read != nil {
		c.Read(what, studentIDs...)
	}
}

// Command returns command name as the caller types it.
func (c *Call) Command(name string) string {
	if c.Spell == nil {
		return "/" + name
	}
	return c.Spell(name)
}

// PressCall is one button press, with the identified staff member.
type PressCall struct {
	Press  Press
	Staff  storage.Staff
	School storage.School
	Now    time.Time
}

// Values holds a command's parsed parameter values by name.
type Values map[string]any

// Has reports whether the parameter was given (or defaulted).
func (v Values) Has(name string) bool { _, ok := v[name]; return ok }

// Student returns a KindStudent value.
func (v Values) Student(name string) storage.Student { s, _ := v[name].(storage.Student); return s }

// Goal returns a KindGoal value.
func (v Values) Goal(name string) storage.Goal { g, _ := v[name].(storage.Goal); return g }

// Trials returns a KindTrials value.
func (v Values) Trials(name string) []storage.TrialResult {
	t, _ := v[name].([]storage.TrialResult)
	return t
}

// SessionValues returns a KindValues value.
func (v Values) SessionValues(name string) storage.SessionValues {
	s, _ := v[name].(storage.SessionValues)
	return s
}

// Prompt returns a KindPrompt value.
func (v Values) Prompt(name string) storage.Prompt { p, _ := v[name].(storage.Prompt); return p }

// Time returns a KindTime value.
func (v Values) Time(name string) time.Time { t, _ := v[name].(time.Time); return t }

// Duration returns a KindDuration value.
func (v Values) Duration(name string) time.Duration { d, _ := v[name].(time.Duration); return d }

// Text returns a KindText or KindChoice value.
func (v Values) Text(name string) string { s, _ := v[name].(string); return s }

// Int returns a KindInt value.
func (v Values) Int(name string) int { i, _ := v[name].(int); return i }

// Bool returns a KindBool value.
func (v Values) Bool(name string) bool { b, _ := v[name].(bool); return b }

// List returns a KindList value.
func (v Values) List(name string) []string { l, _ := v[name].([]string); return l }

// UsageError is the UserError for a command used wrongly: what is wrong,
// then one example (the full usage is on /help).
func UsageError(c *Command, param, format string, args ...any) error {
	return &UserError{Param: param, Msg: fmt.Sprintf(format, args...) + "\n" + c.Hint(param)}
}

// WithoutHint is a core error message as a form shows it, on one line:
// without the example (Hint) or usage lines, which the form itself
// replaces.
func WithoutHint(msg string) string {
	var keep []string
	for _, line := range strings.Split(msg, "\n") {
		if !strings.HasPrefix(line, "Example: ") && !strings.HasPrefix(line, "Usage: ") {
			keep = append(keep, line)
		}
	}
	return strings.Join(keep, " ")
}

// Hint is the line under an error about param ("" for none): one example
// of the command, one that gives param by name when there is one, and
// where the full usage is.
func (c *Command) Hint(param string) string {
	ex := c.Usage()
	if len(c.Examples) > 0 {
		ex = c.Examples[0]
	}
	if p, ok := c.Param(param); ok && !p.Positional {
		for _, e := range c.Examples {
			if strings.Contains(e, " "+p.Name+"=") || strings.Contains(e, " "+p.Name+" ") {
				ex = e
				break
			}
		}
	}
	return c.exampleLine(ex)
}

// exampleLine is the line under an error that shows ex, an example of c.
func (c *Command) exampleLine(ex string) string {
	return "Example: " + ex + " (help " + c.Name + " shows all)"
}
