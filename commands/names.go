package commands

import (
	"context"
	"fmt"
	"regexp"
	"strings"
	"unicode"
	"unicode/utf8"

	"parabot/bot"
	"parabot/storage"
)

// againParam lets a log through as it is when the bot asked first: a
// likely duplicate, or free text that names another student.
func againParam() bot.Param {
	return bot.Param{Name: "again", Kind: bot.KindBool, Default: "no",
		Help: "yes to log it as it is when asked first (a likely duplicate, a student's name in the text)"}
}

// minNameLen is the shortest rostered name looked for in free text:
// shorter ones ("Al", "Bo") match too many ordinary words.
const minNameLen = 3

// checkNames refuses, before anything is saved, free text (the values of
// params) that names another student of the school by a rostered first or
// last name (params may be text or lists, like witnesses). The answer
// offers to replace the name with the student's code, or to keep it
// (again=yes).
func checkNames(ctx context.Context, s storage.Store, c *bot.Call, self storage.Student, params ...string) error {
	if c.Values.Bool("again") {
		return nil
	}
	textOf := func(p string) string {
		if l := c.Values.List(p); len(l) > 0 {
			return strings.Join(l, ", ") // a list (witnesses) is read, and replaced, as typed
		}
		return c.Values.Text(p)
	}
	hasText := false
	for _, p := range params {
		hasText = hasText || textOf(p) != ""
	}
	if !hasText {
		return nil // nothing typed to look in: no roster read
	}
	students, err := s.Students(ctx, c.Staff.SchoolID)
	if err != nil {
		return fmt.Errorf("listing students of school %d: %w", c.Staff.SchoolID, err)
	}
	for _, p := range params {
		text := textOf(p)
		if text == "" {
			continue
		}
		words := wordsOf(text)
		var named []storage.Student
		name := ""
		for _, st := range students {
			if st.ID == self.ID || !st.Active {
				continue
			}
			if n, ok := namedIn(text, words, st); ok && (name == "" || strings.EqualFold(n, name)) {
				name = n
				named = append(named, st)
			}
		}
		if len(named) == 0 {
			continue
		}
		codes := make([]string, len(named))
		for i, st := range named {
			codes[i] = st.Code
		}
		choices := []bot.Choice{{Value: "yes", Label: "Keep the name", Param: "again"}}
		if replaced := replaceName(text, named[0]); len(named) == 1 && utf8.RuneCountInString(replaced) <= 2000 {
			choices = append([]bot.Choice{{Value: replaced, Label: "Use " + named[0].Code + " instead"}}, choices...)
		}
		return &bot.UserError{Param: p,
			Msg: fmt.Sprintf("The %s names %q, a student of this school (%s). Records name other students by code: use the code instead, or keep the name (again=yes). Nothing was saved yet.",
				p, name, strings.Join(codes, " or ")),
			Choices: choices}
	}
	return nil
}

// wordsOf is the set of a text's words, in lower case.
func wordsOf(text string) map[string]bool {
	out := map[string]bool{}
	for _, w := range strings.FieldsFunc(strings.ToLower(text), func(r rune) bool { return !unicode.IsLetter(r) && r != '\'' && r != '-' }) {
		out[strings.Trim(w, "'-")] = true
	}
	return out
}

// namedIn finds a student's first or last name as a word of text (words
// is wordsOf(text); a name of several words is looked for in the text).
func namedIn(text string, words map[string]bool, st storage.Student) (string, bool) {
	for _, n := range []string{st.FirstName, st.LastName} {
		if utf8.RuneCountInString(n) < minNameLen {
			continue
		}
		ln := strings.ToLower(n)
		if strings.ContainsAny(ln, " -'") {
			if loc := nameRE(n).FindStringIndex(text); loc != nil {
				return text[loc[0]:loc[1]], true
			}
			continue
		}
		if words[ln] {
			loc := nameRE(n).FindStringIndex(text)
			if loc != nil {
				return text[loc[0]:loc[1]], true
			}
		}
	}
	return "", false
}

// replaceName puts the student's code where the text names them: the
// full name first, then the first or last name alone.
func replaceName(text string, st storage.Student) string {
	for _, n := range []string{st.FirstName + " " + st.LastName, st.FirstName, st.LastName} {
		if strings.TrimSpace(n) == "" || utf8.RuneCountInString(n) < minNameLen {
			continue
		}
		text = nameRE(n).ReplaceAllLiteralString(text, st.Code)
	}
	return text
}

// nameRE matches a name as a whole word, whatever its case.
func nameRE(name string) *regexp.Regexp {
	return regexp.MustCompile(`(?i)\b` + regexp.QuoteMeta(name) + `\b`)
}
