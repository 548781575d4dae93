package summary

import (
	"fmt"
	"regexp"
	"sort"
	"strings"
	"unicode"
	"unicode/utf8"

	"parabot/storage"
)

// People is everyone whose names must never leave for an LLM: the whole
// roster of the school, not only the student summarized, since free text
// names peers and staff.
type People struct {
	Students []storage.Student
	Staff    []storage.Staff
}

// deidentifier replaces every roster name, initial, code and handle in
// text with a placeholder ("Student A" for the student summarized,
// "Student B".. for peers, "Para 1", "Teacher 1".. for staff), and puts
// the names back in an answer. Matching is whole-word and ignores case, so
// "ava's" and "AVA" are caught; dotless initials ("AB") match only in
// capitals, so that initials like "IT" do not eat the word "it".
type deidentifier struct {
	terms []term
	// placeholder by person key, and the name each placeholder restores to.
	placeholders map[string]string
	restore      map[string]string
	nextStudent  int
	nextStaff    map[string]int
}

// term is one spelling that identifies someone.
type term struct {
	text      string
	exact     bool   // match case too (dotless initials)
	person    string // "student:12" or "staff:3"; "" when shared by several
	name      string // what a placeholder restores to
	role      string // staff: the role the placeholder names
	isStudent bool
}

// sharedPlaceholder replaces a spelling that more than one person has
// (two students with the same initials): it names no one and is not put
// back.
const sharedPlaceholder = "a student or staff member"

func newDeidentifier(subject storage.Student, people People) *deidentifier {
	d := &deidentifier{placeholders: map[string]string{}, restore: map[string]string{}, nextStaff: map[string]int{}}
	byText := map[string]*term{}
	add := func(t term) {
		t.text = strings.TrimSpace(t.text)
		if utf8.RuneCountInString(t.text) < 2 {
			return
		}
		k := t.text
		if !t.exact {
			k = strings.ToLower(k)
		}
		if old, ok := byText[k]; ok {
			if old.person != t.person {
				old.person, old.name = "", "" // shared: name no one
			}
			return
		}
		byText[k] = &t
	}
	students := append([]storage.Student{subject}, people.Students...)
	for _, s := range students {
		key := fmt.Sprint("student:", s.ID)
		name := s.FirstName
		for _, x := range []string{s.FirstName + " " + s.LastName, s.FirstName, s.LastName, s.Code} {
			add(term{text: x, person: key, name: name, isStudent: true})
		}
		for _, x := range initialsForms(s.Initials) {
			add(term{text: x, person: key, name: name, isStudent: true})
		}
		if letters := strings.ReplaceAll(strings.ReplaceAll(s.Initials, ".", ""), " ", ""); letters != "" {
			add(term{text: strings.ToUpper(letters), exact: true, person: key, name: name, isStudent: true})
		}
	}
	for _, s := range people.Staff {
		key := fmt.Sprint("staff:", s.ID)
		add(term{text: s.Name, person: key, name: s.Name, role: roleWord(s.Role)})
		add(term{text: s.Handle, person: key, name: s.Name, role: roleWord(s.Role)})
		for _, part := range strings.Fields(s.Name) {
			if strings.HasSuffix(part, ".") { // titles: Dr., Ms.
				continue
			}
			add(term{text: part, person: key, name: s.Name, role: roleWord(s.Role)})
		}
	}
	for _, t := range byText {
		d.terms = append(d.terms, *t)
	}
	// Longest first, so "Ava Brooks" wins over "Ava".
	sort.Slice(d.terms, func(i, j int) bool {
		if len(d.terms[i].text) != len(d.terms[j].text) {
			return len(d.terms[i].text) > len(d.terms[j].text)
		}
		return d.terms[i].text < d.terms[j].text
	})
	d.placeholderFor(term{person: fmt.Sprint("student:", subject.ID), name: subject.FirstName, isStudent: true})
	return d
}

// initialsForms are the spellings of dotted initials: "A.B.", "A.B",
// "A. B.".
func initialsForms(in string) []string {
	in = strings.TrimSpace(in)
	if !strings.Contains(in, ".") {
		return nil
	}
	compact := strings.ReplaceAll(in, " ", "")
	spaced := strings.ReplaceAll(compact, ".", ". ")
	return []string{compact, strings.TrimSuffix(compact, "."), strings.TrimSpace(spaced)}
}

func roleWord(r storage.Role) string {
	switch r {
	case storage.RoleTeacher:
		return "Teacher"
	case storage.RoleAdmin:
		return "Admin"
	case storage.RoleTherapist:
		return "Therapist"
	}
	return "Para"
}

// placeholderFor gives a person their placeholder, the same every time.
func (d *deidentifier) placeholderFor(t term) string {
	if t.person == "" {
		return sharedPlaceholder
	}
	if p, ok := d.placeholders[t.person]; ok {
		return p
	}
	var p string
	if t.isStudent {
		p = "Student " + letters(d.nextStudent)
		d.nextStudent++
	} else {
		d.nextStaff[t.role]++
		p = fmt.Sprintf("%s %d", t.role, d.nextStaff[t.role])
	}
	d.placeholders[t.person] = p
	d.restore[p] = t.name
	return p
}

// letters numbers placeholders A, B, .. Z, AA, AB, ..
func letters(n int) string {
	s := ""
	for n >= 0 {
		s = string(rune('A'+n%26)) + s
		n = n/26 - 1
	}
	return s
}

// scrub replaces every term in text.
func (d *deidentifier) scrub(text string) string {
	var b strings.Builder
	last := 0
	for i := 0; i < len(text); {
		if t, n := d.match(text, i); n > 0 {
			b.WriteString(text[last:i])
			b.WriteString(d.placeholderFor(t))
			i += n
			last = i
			continue
		}
		_, size := utf8.DecodeRuneInString(text[i:])
		i += size
	}
	b.WriteString(text[last:])
	return b.String()
}

// found reports whether text holds any term, and which.
func (d *deidentifier) found(text string) (string, bool) {
	for i := 0; i < len(text); {
		if _, n := d.match(text, i); n > 0 {
			return text[i : i+n], true
		}
		_, size := utf8.DecodeRuneInString(text[i:])
		i += size
	}
	return "", false
}

// match finds the longest term starting at byte i on a word boundary.
func (d *deidentifier) match(text string, i int) (term, int) {
	if i > 0 {
		if r, _ := utf8.DecodeLastRuneInString(text[:i]); isWordRune(r) {
			return term{}, 0
		}
	}
	for _, t := range d.terms {
		end := i + len(t.text)
		if end > len(text) {
			continue
		}
		got := text[i:end]
		if t.exact && got != t.text || !t.exact && !strings.EqualFold(got, t.text) {
			continue
		}
		if end < len(text) {
			if r, _ := utf8.DecodeRuneInString(text[end:]); isWordRune(r) {
				continue
			}
		}
		return t, len(t.text)
	}
	return term{}, 0
}

func isWordRune(r rune) bool { return unicode.IsLetter(r) || unicode.IsDigit(r) }

// placeholderPattern finds placeholders in an answer, ours or made up.
var placeholderPattern = regexp.MustCompile(`\b(?:Student [A-Z]{1,2}|(?:Para|Teacher|Admin|Therapist) \d+)\b`)

// templatePattern finds fill-in slots a model may leave: [Name], {name},
// <student>.
var templatePattern = regexp.MustCompile(`\[[^\]]{1,40}\]|\{[^}]{1,40}\}|<[^>]{1,40}>`)

// unknownPlaceholder returns a placeholder in text that was never handed
// out, or a fill-in slot.
func (d *deidentifier) unknownPlaceholder(text string) (string, bool) {
	for _, p := range placeholderPattern.FindAllString(text, -1) {
		if _, ok := d.restore[p]; !ok {
			return p, true
		}
	}
	if s := templatePattern.FindString(text); s != "" {
		return s, true
	}
	return "", false
}

// reidentify puts the names back.
func (d *deidentifier) reidentify(text string) string {
	return placeholderPattern.ReplaceAllStringFunc(text, func(p string) string {
		if name, ok := d.restore[p]; ok {
			return name
		}
		return p
	})
}
