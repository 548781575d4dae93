package bot

import (
	"fmt"
	"math"
	"slices"
	"strconv"
	"strings"
	"time"
	"unicode"
	"unicode/utf8"

	"parabot/storage"
)

// MaxTrials bounds the trials one command may log.
const MaxTrials = 50

// MaxInputLen bounds the whole free text of one command (as much as the
// terminal reads of a line). It is far above what a command's fields
// hold together, so text over a field's own limit is refused naming that
// field and its length; this bound only keeps a pathological line from
// being parsed.
const MaxInputLen = 64 * 1024

// Scope is what the parser resolves names and times against: the caller's
// school, caseload and clock.
type Scope struct {
	Now       time.Time
	Loc       *time.Location
	YearStart time.Time // zero means no lower bound
	Caseload  []storage.Student
	// OutsideCaseload, when set, is told of each student of the school a
	// refused name matched outside the caseload (for the access log).
	OutsideCaseload func(studentID int64)
	// School lists every active student of the school, to tell "not on
	// your caseload" from "no such student"; called only on a miss.
	School func() []storage.Student
	// Goals lists a student's goals.
	Goals func(studentID int64) ([]storage.Goal, error)
	// Codes are the school's data-sheet codes; nil means DefaultCodes.
	Codes Codes
}

// word is one word of typed text, with where it stands in the text.
type word struct {
	text       string // the word; for a quoted group, what is inside the quotes
	start, end int    // byte offsets in the text, quotes included
	quoted     bool
}

// words splits text on white space. A word that starts with a double
// quote (" or “) and has a closing one later groups everything up to it;
// any other quote is an ordinary character ("12" ruler", "'cause").
func words(text string) []word {
	out := make([]word, 0, strings.Count(text, " ")+1)
	i := 0
	for i < len(text) {
		r, size := utf8.DecodeRuneInString(text[i:])
		if unicode.IsSpace(r) {
			i += size
			continue
		}
		if r == '"' || r == '“' {
			rest := text[i+size:]
			if k := strings.IndexAny(rest, "\"”"); k >= 0 {
				_, csize := utf8.DecodeRuneInString(rest[k:])
				end := i + size + k + csize
				out = append(out, word{text: rest[:k], start: i, end: end, quoted: true})
				i = end
				continue
			}
		}
		start := i
		for i < len(text) {
			r, size := utf8.DecodeRuneInString(text[i:])
			if unicode.IsSpace(r) {
				break
			}
			i += size
		}
		out = append(out, word{text: text[start:i], start: start, end: i})
	}
	return out
}

// span is the text as typed from the first to the last of ws, so values
// keep their spacing and punctuation; a lone quoted word loses its quotes.
func span(text string, ws []word) string {
	if len(ws) == 1 && ws[0].quoted {
		return ws[0].text
	}
	return unquote(strings.TrimSpace(text[ws[0].start:ws[len(ws)-1].end]))
}

// unquote drops the double quotes around a whole value ("kicked, then
// ran"), when they are its only ones.
func unquote(v string) string {
	first, size := utf8.DecodeRuneInString(v)
	last, lsize := utf8.DecodeLastRuneInString(v)
	if len(v) < size+lsize || (first != '"' && first != '“') || (last != '"' && last != '”') {
		return v
	}
	inner := v[size : len(v)-lsize]
	if strings.ContainsAny(inner, "\"“”") {
		return v
	}
	return inner
}

// Split breaks free text into positional words and name=value pairs, for
// the parameters of cmd. A value runs until the next "name=" of a known
// parameter and is kept as typed, so text values need no quotes; an
// unknown name= is refused where it cannot be text (see strayField).
func Split(cmd *Command, text string) (positional []word, named map[string]string, err error) {
	if n := utf8.RuneCountInString(text); n > MaxInputLen {
		return nil, nil, Errorf("", "That line is %d characters; a command may be at most %d. Shorten it and send it again.", n, MaxInputLen)
	}
	named = map[string]string{}
	current := ""      // the named parameter being read
	var valueStart int // where its value starts in text
	var parts []word
	flush := func() error {
		if current == "" {
			return nil
		}
		if _, dup := named[current]; dup {
			return UsageError(cmd, current, "%s= is given twice.", current)
		}
		switch {
		case len(parts) == 0:
			named[current] = ""
		case len(parts) == 1 && parts[0].quoted:
			named[current] = parts[0].text
		default:
			named[current] = unquote(strings.TrimSpace(text[valueStart:parts[len(parts)-1].end]))
		}
		current, parts = "", nil
		return nil
	}
	ws := words(text)
	positional = make([]word, 0, len(ws))
	for i := 0; i < len(ws); i++ {
		w := ws[i]
		if n, value := timePhrase(cmd, ws[i:]); n > 0 {
			// "at 10:15" or "20m ago": the time, wherever it stands.
			if err := flush(); err != nil {
				return nil, nil, err
			}
			current, parts = "at", []word{{text: value, start: ws[i].start, end: ws[i+n-1].end, quoted: true}}
			if err := flush(); err != nil {
				return nil, nil, err
			}
			i += n - 1
			continue
		}
		if comment := commentParam(cmd); comment != "" && w.text == "--" && !w.quoted && i+1 < len(ws) && isComment(cmd, text[ws[i+1].start:]) {
			// A trailing "-- was tired" is a short comment.
			if err := flush(); err != nil {
				return nil, nil, err
			}
			current, parts = comment, []word{{text: strings.TrimSpace(text[ws[i+1].start:]), quoted: true}}
			break
		}
		if name, keyLen, ok := namedWord(cmd, w.text); ok && !w.quoted {
			if err := flush(); err != nil {
				return nil, nil, err
			}
			current, valueStart = name, w.start+keyLen
			if w.start+keyLen < w.end {
				// The value starts in this word: name=value or name="quoted value".
				rest := words(text[valueStart:w.end])
				if len(rest) == 1 && rest[0].quoted {
					parts = append(parts, word{text: rest[0].text, start: valueStart, end: w.end, quoted: true})
				} else {
					parts = append(parts, word{text: text[valueStart:w.end], start: valueStart, end: w.end})
				}
			}
			continue
		}
		if !w.quoted {
			if err := strayField(cmd, w.text, readsText(cmd, current, len(positional))); err != nil {
				return nil, nil, err
			}
		}
		if current != "" {
			if len(parts) == 0 {
				valueStart = w.start
			}
			parts = append(parts, w)
			continue
		}
		positional = append(positional, w)
	}
	if err := flush(); err != nil {
		return nil, nil, err
	}
	return positional, named, nil
}

// timeRef is a fixed instant for telling whether words read as a time at
// all; the caller's own clock checks the value later.
var timeRef = time.Date(2026, 1, 15, 12, 0, 0, 0, time.UTC)

// timePhrase recognises a time typed without "at=" at the start of ws:
// "at 10:15", "at yesterday 9:00", "20m ago", "20 min ago". It returns how
// many words the phrase takes and the time's text, or 0 when ws does not
// start with one or cmd takes no time.
func timePhrase(cmd *Command, ws []word) (int, string) {
	if p, ok := cmd.Param("at"); !ok || p.Kind != KindTime || len(ws) == 0 || ws[0].quoted {
		return 0, ""
	}
	// A time phrase starts with a digit (10:15, 20m) or a day word; "+ 20m
	// ago" is a trial and a time, not one time.
	isTime := func(s string) bool {
		s = strings.ToLower(s)
		if !(s != "" && s[0] >= '0' && s[0] <= '9') && !strings.HasPrefix(s, "yesterday") && !strings.HasPrefix(s, "today") && s != "now" {
			return false
		}
		_, err := parseTime(s, timeRef)
		return err == nil
	}
	join := func(ws []word) string {
		parts := make([]string, len(ws))
		for i, w := range ws {
			if w.quoted {
				return ""
			}
			parts[i] = w.text
		}
		return strings.Join(parts, " ")
	}
	if strings.EqualFold(ws[0].text, "at") {
		for n := min(3, len(ws)-1); n >= 1; n-- {
			if v := join(ws[1 : 1+n]); v != "" && isTime(v) {
				return n + 1, v
			}
		}
		return 0, ""
	}
	for n := 2; n <= min(3, len(ws)); n++ {
		if !strings.EqualFold(ws[n-1].text, "ago") {
			continue
		}
		if v := join(ws[:n]); v != "" && isTime(v) {
			return n, v
		}
	}
	return 0, ""
}

// commentParam is the parameter a trailing "-- comment" goes to: the one
// named or aliased "note", or "" when cmd has none.
func commentParam(cmd *Command) string {
	for _, p := range cmd.Params {
		if p.Kind == KindText && !p.Positional && (p.Name == "note" || slices.Contains(p.Aliases, "note")) {
			return p.Name
		}
	}
	return ""
}

// isComment tells a comment after "--" from trial codes: in a command
// that takes trials, "+ -- +" is three trials, "+ -- was tired" one trial
// and a comment.
func isComment(cmd *Command, rest string) bool {
	for _, p := range cmd.Params {
		if p.Kind == KindTrials || p.Kind == KindValues {
			// "+ -- +" are trials; "i - - i" the steps of a routine.
			_, err := ParseTrials(rest, nil)
			return err != nil
		}
	}
	return true
}

// namedWord recognises "name=..." or "name:..." for a parameter of cmd,
// returning the length of "name=".
func namedWord(cmd *Command, w string) (name string, keyLen int, ok bool) {
	i := strings.IndexAny(w, "=:")
	if i <= 0 {
		return "", 0, false
	}
	key := strings.ToLower(w[:i])
	for _, p := range cmd.Params {
		if key == p.Name || slices.Contains(p.Aliases, key) {
			return p.Name, i + 1, true
		}
	}
	return "", 0, false
}

// strayField returns the error for word w when it is written like a
// field, name=value, with a name that is no parameter of cmd (known names
// were read already), and is meant as one. Free text may hold "=" (a note
// "ratio=1:1"), so inText says whether w falls in free text, and w is
// taken for a field:
//   - outside free text (after severity=2, among trial codes), where no
//     value holds a name=;
//   - in free text, only when its name is a near miss of a parameter's
//     (severty=), which no text means.
//
// Only a name of letters before "=" counts: "Mom: ok", "10:15" and
// "2+2=4" are never fields.
func strayField(cmd *Command, w string, inText bool) error {
	name, _, ok := strings.Cut(w, "=")
	if !ok || !isFieldName(name) {
		return nil
	}
	name = strings.ToLower(name)
	near := nearField(cmd, name)
	if inText && near == "" {
		return nil
	}
	return unknownField(cmd, name, near)
}

// isFieldName reports whether s is written like a parameter name: ASCII
// letters and underscores, starting with a letter.
func isFieldName(s string) bool {
	for i, r := range s {
		letter := (r >= 'a' && r <= 'z') || (r >= 'A' && r <= 'Z')
		if !letter && (r != '_' || i == 0) {
			return false
		}
	}
	return s != "" && len(s) <= 40
}

// readsText reports whether the next word goes to free text: the value
// of named parameter current, or else the positional parameter the n-th
// positional word goes to (the last one takes the rest).
func readsText(cmd *Command, current string, n int) bool {
	if current != "" {
		p, _ := cmd.Param(current)
		return p.Kind == KindText
	}
	kind := Kind(-1)
	for _, p := range cmd.Params {
		if !p.Positional {
			continue
		}
		kind = p.Kind
		if n == 0 {
			break
		}
		n--
	}
	return kind == KindText
}

// nearField is the parameter of cmd whose name or alias name is a near
// miss of (severty for severity), or "" for none. Names shorter than four
// letters are too often plain words to be taken for a misspelling.
func nearField(cmd *Command, name string) string {
	if utf8.RuneCountInString(name) < 4 {
		return ""
	}
	limit := max(1, utf8.RuneCountInString(name)/3)
	best, bestD := "", limit+1
	for _, p := range cmd.Params {
		for _, n := range append([]string{p.Name}, p.Aliases...) {
			if d := distance(name, n); len(n) >= 3 && d < bestD {
				best, bestD = p.Name, d
			}
		}
	}
	return best
}

// unknownField is the error for name=, which is no field of cmd: the
// field it is close to, or the fields there are.
func unknownField(cmd *Command, name, near string) error {
	if near != "" {
		return UsageError(cmd, near, "%s= is not a field of /%s; did you mean %s=?", name, cmd.Name, near)
	}
	var fields []string
	for _, p := range cmd.Params {
		if !p.Positional {
			fields = append(fields, p.Name+"=")
		}
	}
	if len(fields) == 0 {
		return UsageError(cmd, "", "%s= is not a field of /%s, which takes no name=value.", name, cmd.Name)
	}
	return UsageError(cmd, "", "%s= is not a field of /%s; its fields are %s.", name, cmd.Name, strings.Join(fields, ", "))
}

// Raw assigns free text to parameters: positional words in declaration
// order, then the name=value pairs. The result maps parameter names to
// the raw text each one got.
func Raw(cmd *Command, text string) (map[string]string, error) {
	pos, named, err := Split(cmd, text)
	if err != nil {
		return nil, err
	}
	raw := map[string]string{}
	positional := make([]*Param, 0, len(cmd.Params)) // pointers: a Param is large
	for i := range cmd.Params {
		if cmd.Params[i].Positional {
			positional = append(positional, &cmd.Params[i])
		}
	}
	i := 0
	for j, p := range positional {
		if i >= len(pos) {
			break
		}
		if _, ok := named[p.Name]; ok {
			continue // given by name; later words go to later parameters
		}
		if i+1 < len(pos) && !pos[i].quoted && slices.Contains(p.Leads, strings.ToLower(pos[i].text)) {
			i++ // "to speech": the word that leads the value is not part of it
		}
		last := j == len(positional)-1
		if last && (p.Kind == KindText || p.Kind == KindTrials || p.Kind == KindList || p.Kind == KindStudent || p.Kind == KindValues) {
			raw[p.Name] = span(text, pos[i:])
			i = len(pos)
			break
		}
		raw[p.Name] = pos[i].text
		i++
	}
	if i < len(pos) {
		return nil, UsageError(cmd, "", "I did not understand %q.", span(text, pos[i:]))
	}
	for k, v := range named {
		raw[k] = v
	}
	return raw, nil
}

// Parse turns raw values (from Raw, a form or platform options) into typed
// values, resolving students and goals within sc. Missing required
// parameters, unknown names and bad values are UserErrors naming the
// parameter and showing the usage.
func Parse(cmd *Command, raw map[string]string, sc *Scope) (Values, error) {
	for name := range raw {
		if _, ok := cmd.Param(name); !ok {
			return nil, unknownField(cmd, name, nearField(cmd, strings.ToLower(name)))
		}
	}
	vals := Values{}
	// Students first: goals depend on them. Then times: a duration's
	// start and stop are read on the session's day.
	ordered := make([]*Param, 0, len(cmd.Params)) // pointers: a Param is large
	for _, kinds := range [][]Kind{{KindStudent}, {KindTime}, nil} {
		for i := range cmd.Params {
			k := cmd.Params[i].Kind
			if slices.Contains(kinds, k) || (kinds == nil && k != KindStudent && k != KindTime) {
				ordered = append(ordered, &cmd.Params[i])
			}
		}
	}
	for _, p := range ordered {
		s, ok := raw[p.Name]
		s = strings.TrimSpace(s)
		if !ok || s == "" {
			if p.Default != "" {
				s = p.Default
			} else if p.Required {
				err := UsageError(cmd, p.Name, "Missing %s: %s.", p.Name, p.Help)
				err.(*UserError).Missing = true
				return nil, err
			} else {
				continue
			}
		}
		v, err := parseValue(*p, s, vals, sc)
		if err != nil {
			if ue, ok := AsUserError(err); ok {
				if ue.Param == "" {
					ue.Param = p.Name
				}
				if ue.Example != "" {
					ue.Msg += "\n" + cmd.exampleLine("/"+cmd.Name+" "+ue.Example)
				} else {
					ue.Msg += "\n" + cmd.Hint(ue.Param)
				}
				return nil, ue
			}
			return nil, err
		}
		vals[p.Name] = v
	}
	return vals, nil
}

func parseValue(p Param, s string, vals Values, sc *Scope) (any, error) {
	maxLen := p.MaxLen
	if maxLen == 0 {
		maxLen = DefaultMaxLen
	}
	switch p.Kind {
	case KindText:
		if n := utf8.RuneCountInString(s); n > maxLen {
			return nil, Errorf(p.Name, "The %s is %d characters; the limit is %d.", p.Name, n, maxLen)
		}
		return s, nil
	case KindStudent:
		return ResolveStudent(s, sc)
	case KindGoal:
		st, ok := vals["student"].(storage.Student)
		if !ok {
			return nil, Errorf(p.Name, "Name the student before the goal.")
		}
		return ResolveGoal(s, st, sc)
	case KindTrials:
		return ParseTrials(s, sc.Codes)
	case KindValues:
		g, ok := vals["goal"].(storage.Goal)
		if !ok {
			return nil, Errorf(p.Name, "Name the goal before its values.")
		}
		at, _ := vals["at"].(time.Time) // parsed before: times come first
		v, err := ParseValues(g, s, sc.Codes, at, sc.Now)
		if ue, ok := AsUserError(err); ok {
			ue.Param = p.Name // a trials goal's codes are this command's values
			ue.Example = vals["student"].(storage.Student).Code + " " + g.Code + " " + ValueExample(g)
		}
		return v, err
	case KindPrompt:
		return parsePrompt(s, sc.Codes)
	case KindTime:
		return ParseTime(s, sc)
	case KindDuration:
		return ParseDuration(s)
	case KindInt:
		n, err := strconv.Atoi(s)
		if err != nil || n < p.Min || n > p.Max {
			if p.Max >= math.MaxInt32 { // a number of a record: no upper bound worth saying
				return nil, Errorf(p.Name, "The %s must be a whole number of %d or more, not %q.", p.Name, p.Min, s)
			}
			return nil, Errorf(p.Name, "The %s must be a whole number from %d to %d, not %q.", p.Name, p.Min, p.Max, s)
		}
		return n, nil
	case KindBool:
		switch strings.ToLower(s) {
		case "yes", "y", "true", "1":
			return true, nil
		case "no", "n", "false", "0":
			return false, nil
		}
		return nil, Errorf(p.Name, "The %s must be yes or no, not %q.", p.Name, s)
	case KindChoice:
		for _, c := range p.Choices {
			if strings.EqualFold(s, c.Value) || strings.EqualFold(s, c.Label) {
				return c.Value, nil
			}
		}
		vs := make([]string, len(p.Choices))
		for i, c := range p.Choices {
			vs[i] = c.Value
		}
		return nil, Errorf(p.Name, "The %s %q is not one I know; choose one of: %s.", p.Name, s, strings.Join(vs, ", "))
	case KindList:
		var out []string
		for _, item := range strings.Split(s, ",") {
			item = strings.TrimSpace(item)
			if item == "" {
				continue
			}
			if n := utf8.RuneCountInString(item); n > maxLen {
				return nil, Errorf(p.Name, "%q in %s is %d characters; the limit is %d.", truncate(item, 40), p.Name, n, maxLen)
			}
			out = append(out, item)
		}
		if len(out) > 20 {
			return nil, Errorf(p.Name, "The %s has %d items; the limit is 20.", p.Name, len(out))
		}
		return out, nil
	}
	return nil, fmt.Errorf("parameter %s: unknown kind %d", p.Name, p.Kind)
}

// fold reduces a name for matching: lower case, no dots, spaces or dashes.
func fold(s string) string {
	return strings.Map(func(r rune) rune {
		if r == '.' || r == '-' || r == '_' || unicode.IsSpace(r) {
			return -1
		}
		return unicode.ToLower(r)
	}, s)
}

func matchStudents(q string, list []storage.Student) []storage.Student {
	f := fold(q)
	// A code is unique: an exact code match wins outright.
	for _, st := range list {
		if fold(st.Code) == f {
			return []storage.Student{st}
		}
	}
	var out []storage.Student
	for _, st := range list {
		if fold(st.Initials) == f || fold(st.FirstName) == f || fold(st.FirstName+st.LastName) == f {
			out = append(out, st)
		}
	}
	return out
}

// completesStudent reports whether f, a folded partial word, may become a
// word that matchStudents accepts for st: part of the code or initials,
// or the start of the first name or full name.
func completesStudent(f string, st storage.Student) bool {
	return strings.Contains(fold(st.Code), f) || strings.Contains(fold(st.Label()), f) ||
		strings.HasPrefix(fold(st.Initials), f) || strings.HasPrefix(fold(st.FirstName), f) ||
		strings.HasPrefix(fold(st.FirstName+st.LastName), f)
}

// ResolveStudent finds one student of the caseload by code, initials or
// first name. A miss names the closest students of the caseload (never the
// whole caseload) and offers them as choices; so does an ambiguous name.
func ResolveStudent(q string, sc *Scope) (storage.Student, error) {
	m := matchStudents(q, sc.Caseload)
	switch len(m) {
	case 1:
		return m[0], nil
	case 0:
		if len(sc.Caseload) == 0 {
			return storage.Student{}, Errorf("student", "No student matches %q, and you have no students assigned; ask your teacher or admin to add them.", q)
		}
		// A student of the school who is not on the caseload is not a
		// misspelling: offer no look-alikes then.
		var others []storage.Student
		if sc.School != nil {
			others = matchStudents(q, sc.School())
		}
		elsewhere := len(others) > 0
		msg := fmt.Sprintf("No student on your caseload matches %q.", q)
		if elsewhere && sc.OutsideCaseload != nil {
			for _, o := range others {
				sc.OutsideCaseload(o.ID)
			}
		}
		if elsewhere {
			msg = fmt.Sprintf("%q is not on your caseload.", q)
		}
		near, total := closest(q, sc.Caseload, maxSuggestions)
		switch {
		case len(near) > 0 && !elsewhere:
			msg += " Did you mean " + orList(near) + "?"
			if total > len(near) {
				msg += fmt.Sprintf(" (%d of %d close names; type more of the name or the code.)", len(near), total)
			}
		case len(sc.Caseload) <= maxSuggestions:
			near = sc.Caseload
			msg += " Your students: " + studentList(near) + "."
		default:
			near = nil
			msg += fmt.Sprintf(" You have %d students; type a code, initials or first name.", len(sc.Caseload))
		}
		return storage.Student{}, &UserError{Param: "student", Msg: msg, Choices: studentChoices(near)}
	}
	shown := m[:min(len(m), maxSuggestions)]
	msg := fmt.Sprintf("%q matches %d students: %s. Choose one or use the code.", q, len(m), studentList(shown))
	if len(m) > len(shown) {
		msg = fmt.Sprintf("%q matches %d students; the first %d: %s. Use the code.", q, len(m), len(shown), studentList(shown))
	}
	return storage.Student{}, &UserError{Param: "student", Msg: msg, Choices: studentChoices(shown)}
}

// studentList names students for a private reply.
func studentList(list []storage.Student) string {
	if len(list) == 0 {
		return "none"
	}
	names := make([]string, len(list))
	for i, st := range list {
		names[i] = Named(st)
	}
	return strings.Join(names, ", ")
}

// orList names students as "A", "A or B", "A, B or C".
func orList(list []storage.Student) string {
	if len(list) == 1 {
		return Named(list[0])
	}
	return studentList(list[:len(list)-1]) + " or " + Named(list[len(list)-1])
}

// ResolveGoal finds one of the student's goals by code ("G2" or "2").
func ResolveGoal(q string, st storage.Student, sc *Scope) (storage.Goal, error) {
	goals, err := sc.Goals(st.ID)
	if err != nil {
		return storage.Goal{}, err
	}
	f := fold(q)
	for _, g := range goals {
		if fold(g.Code) == f || fold(g.Code) == "g"+f {
			return g, nil
		}
	}
	codes := make([]string, len(goals))
	for i, g := range goals {
		codes[i] = g.Code
	}
	if len(goals) == 0 {
		return storage.Goal{}, Errorf("goal", "%s has no active goals; ask the teacher to add them.", Named(st))
	}
	return storage.Goal{}, Errorf("goal", "Goal %q not found for %s — their goals are %s.", q, Named(st), strings.Join(codes, ", "))
}

// promptCodes are the names of the prompt levels, accepted whatever the
// school's codes; the codes themselves come from Codes.
var promptCodes = map[string]storage.Prompt{
	"ind": storage.Independent, "independent": storage.Independent,
	"gestural": storage.Gestural, "gesture": storage.Gestural,
	"verbal": storage.Verbal,
	"model":  storage.Model, "modeling": storage.Model,
	"partial": storage.PartialPhysical, "partialphysical": storage.PartialPhysical, "physical": storage.PartialPhysical,
	"full": storage.FullPhysical, "fullphysical": storage.FullPhysical,
}

// PromptHelp lists the prompt codes for messages and /help.
const PromptHelp = "i independent, gp gestural, vp verbal, m model, pp partial physical, fp full physical"

// TrialHelp explains the trial codes in one line; /help trial lists the
// school's codes in full.
const TrialHelp = "the results: + correct, - incorrect, 0 no response, VP GP M P FP prompted, or a count like 3/5"

// TrialBrief is TrialHelp where space is short (Discord's 100 characters).
const TrialBrief = "+ correct, - incorrect, 0 no response, VP GP M P FP prompted, or a count like 3/5"

// PromptBrief is PromptHelp where space is short.
const PromptBrief = "i independent, gp gestural, vp verbal, m model, pp partial physical, fp full physical"

// ParsePrompt reads a prompt level by name or default code.
func ParsePrompt(s string) (storage.Prompt, error) {
	return parsePrompt(s, nil)
}

func parsePrompt(s string, codes Codes) (storage.Prompt, error) {
	if codes == nil {
		codes = DefaultCodes()
	}
	if p, ok := codes.prompt(s); ok {
		return p, nil
	}
	return 0, Errorf("prompt", "%q is not a prompt level; use %s.", s, PromptHelp)
}

// ParseDuration reads 90s, 5m, 1h30m, "5 min" or a bare number of
// minutes; at most 12 hours.
func ParseDuration(s string) (time.Duration, error) {
	t := strings.ToLower(strings.ReplaceAll(s, " ", ""))
	if strings.HasPrefix(t, "+") || strings.HasPrefix(t, "-") {
		return 0, Errorf("", "%q is not a duration; write it like 90s, 5m or 1h30m.", s)
	}
	for _, r := range [][2]string{{"minutes", "m"}, {"minute", "m"}, {"mins", "m"}, {"min", "m"}, {"seconds", "s"}, {"secs", "s"}, {"sec", "s"}, {"hours", "h"}, {"hour", "h"}, {"hrs", "h"}, {"hr", "h"}} {
		t = strings.ReplaceAll(t, r[0], r[1])
	}
	var d time.Duration
	if n, err := strconv.Atoi(t); err == nil {
		if n < 0 || n > 12*60 {
			return 0, Errorf("", "The duration %q is out of range; it must be between 0 and 12 hours.", s)
		}
		d = time.Duration(n) * time.Minute
	} else if d, err = time.ParseDuration(t); err != nil {
		return 0, Errorf("", "%q is not a duration; write it like 90s, 5m or 1h30m.", s)
	}
	if d < 0 || d > 12*time.Hour {
		return 0, Errorf("", "The duration %q is out of range; it must be between 0 and 12 hours.", s)
	}
	return d, nil
}

// ParseTime reads a time in the school's zone: now, 10:15, 2:30pm, 2pm,
// -20m, 20m ago, yesterday 14:00, or 2026-11-24 09:00; 1:00-6:59 without
// am/pm are in the afternoon. Times in the future or before the school
// year are refused.
func ParseTime(s string, sc *Scope) (time.Time, error) {
	now := sc.Now.In(sc.Loc)
	t, err := parseTime(strings.ToLower(strings.TrimSpace(s)), now)
	if err != nil {
		return time.Time{}, err
	}
	if t.After(now.Add(time.Minute)) {
		layout := "15:04"
		if t.Format("2006-01-02") != now.Format("2006-01-02") {
			layout = "Mon 2006-01-02 15:04" // another day: say which
		}
		return time.Time{}, Errorf("", "%s is in the future; log what already happened (it is %s now).", t.Format(layout), now.Format(layout))
	}
	if !sc.YearStart.IsZero() && t.Before(sc.YearStart) {
		return time.Time{}, Errorf("", "%s is before the school year began (%s).", t.Format("2006-01-02"), sc.YearStart.Format("2006-01-02"))
	}
	return t, nil
}

func parseTime(s string, now time.Time) (time.Time, error) {
	bad := Errorf("", "%q is not a time I understand; write now, 10:15, 2:30pm, -20m, yesterday 14:00 or 2026-11-24 09:00.", s)
	if s == "now" {
		return now, nil
	}
	if rest, ok := strings.CutSuffix(s, " ago"); ok {
		s = "-" + strings.TrimSpace(rest)
	}
	if strings.HasPrefix(s, "-") {
		d, err := ParseDuration(s[1:])
		if err != nil {
			return time.Time{}, bad
		}
		return now.Add(-d), nil
	}
	day := now
	if rest, ok := strings.CutPrefix(s, "yesterday"); ok {
		day = now.AddDate(0, 0, -1)
		s = strings.TrimSpace(rest)
	} else if rest, ok := strings.CutPrefix(s, "today"); ok {
		s = strings.TrimSpace(rest)
	} else if len(s) >= 10 && s[4] == '-' {
		d, err := time.ParseInLocation("2006-01-02", s[:10], now.Location())
		if err != nil {
			return time.Time{}, bad
		}
		day = d
		s = strings.TrimSpace(strings.TrimPrefix(s[10:], "t"))
		if s == "" {
			return time.Time{}, Errorf("", "Give a time of day after the date, like %s 09:00.", d.Format("2006-01-02"))
		}
	}
	if t, ok := clockOn(s, day); ok {
		return t, nil
	}
	return time.Time{}, bad
}

// clockOn reads a time of day, 10:15, 2:30pm, 2pm or 1015, on day's date
// in day's zone.
func clockOn(s string, day time.Time) (time.Time, bool) {
	clock := strings.ToLower(strings.ReplaceAll(s, " ", ""))
	for _, layout := range []string{"15:04", "3:04pm", "3pm", "1504"} {
		c, err := time.Parse(layout, clock)
		if err != nil {
			continue
		}
		h := c.Hour()
		// In a school day "1:15" is a quarter past one in the afternoon:
		// 1:00-6:59 written without am/pm or a leading zero mean pm.
		if layout == "15:04" && h >= 1 && h <= 6 && clock[0] != '0' {
			h += 12
		}
		return time.Date(day.Year(), day.Month(), day.Day(), h, c.Minute(), 0, 0, day.Location()), true
	}
	return time.Time{}, false
}

// FormatDuration writes a duration the way people type one: 45s, 4m,
// 2m30s, 1h30m.
func FormatDuration(d time.Duration) string {
	s := d.Round(time.Second).String()
	if strings.HasSuffix(s, "m0s") {
		s = strings.TrimSuffix(s, "0s")
	}
	if strings.HasSuffix(s, "h0m") {
		s = strings.TrimSuffix(s, "0m")
	}
	return s
}
