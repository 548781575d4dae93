package bot

import (
	"cmp"
	"slices"
	"strings"
	"unicode"
	"unicode/utf8"

	"parabot/storage"
)

// Named is how a student is named to staff entitled to names, in replies
// only they see: first name, last initial and code, "Aiden B. (S103)".
// Two students with the same initials are never told apart by initials
// alone. Channels use storage.Student.Label, never this.
func Named(s storage.Student) string {
	if s.FirstName == "" {
		return s.Label()
	}
	name := s.FirstName
	if r, _ := utf8.DecodeRuneInString(s.LastName); r != utf8.RuneError {
		name += " " + string(unicode.ToUpper(r)) + "."
	}
	return name + " (" + s.Code + ")"
}

// GoalTitle is a goal's short title: its own, or one derived from its text: the words
// after "will", up to six and up to the first word that starts a
// condition ("with", "in", "at"...) after the third. "Aiden will write
// his first and last name legibly" is "write his first and last name".
func GoalTitle(g storage.Goal) string {
	if g.Title != "" {
		return g.Title
	}
	text := g.Text
	if i := strings.Index(strings.ToLower(text), " will "); i >= 0 {
		text = text[i+len(" will "):]
	}
	var out []string
	for _, w := range strings.Fields(text) {
		lw := strings.ToLower(strings.Trim(w, ",.;:()"))
		if len(out) >= 3 && slices.Contains(titleStops, lw) {
			break
		}
		out = append(out, strings.TrimRight(w, ",.;:"))
		if len(out) == 6 || strings.ContainsAny(w, ",.;:") {
			break
		}
	}
	title := strings.Join(out, " ")
	if title == "" {
		return g.Code
	}
	return title
}

// titleStops end a derived goal title: what follows them is a condition
// or a criterion, not what the goal is about.
var titleStops = []string{"with", "in", "on", "at", "within", "using", "before", "after", "by", "from", "when", "instead", "during", "given", "without", "to", "for", "of"}

// GoalLine names a goal with its title: "G3 write his first and last name".
func GoalLine(g storage.Goal) string { return g.Code + " " + GoalTitle(g) }

// maxSuggestions bounds the students a miss or an ambiguous name offers.
const maxSuggestions = 5

// closest returns up to n students of list nearest to what was typed:
// a misspelt first name ("aidan"), a first name and the start of the
// last ("sofia m"), a code with a typo. Nearest first; nothing that is
// not near. total is how many were near, shown or not.
func closest(q string, list []storage.Student, n int) (near []storage.Student, total int) {
	f := fold(q)
	if f == "" || utf8.RuneCountInString(f) > 40 {
		return nil, 0
	}
	type scored struct {
		st    storage.Student
		score int
	}
	limit := max(1, utf8.RuneCountInString(f)/3)
	var found []scored
	for _, st := range list {
		best := limit + 1
		for _, cand := range []string{fold(st.FirstName), fold(st.FirstName + st.LastName), fold(st.LastName), fold(st.Code), fold(st.Initials)} {
			if cand == "" {
				continue
			}
			d := distance(f, cand)
			if r := []rune(cand); len(r) > utf8.RuneCountInString(f) && utf8.RuneCountInString(f) >= 3 {
				// What was typed may be the start of the name: "sofia m".
				d = min(d, distance(f, string(r[:utf8.RuneCountInString(f)])))
			}
			best = min(best, d)
		}
		if best <= limit {
			found = append(found, scored{st, best})
		}
	}
	slices.SortStableFunc(found, func(a, b scored) int {
		return cmp.Or(cmp.Compare(a.score, b.score), cmp.Compare(a.st.Code, b.st.Code))
	})
	out := make([]storage.Student, 0, min(n, len(found)))
	for _, s := range found[:min(n, len(found))] {
		out = append(out, s.st)
	}
	return out, len(found)
}

// distance is the edit distance between a and b by rune, a swap of two
// neighbours counting as one edit ("noha" is one from "noah").
func distance(a, b string) int {
	ra, rb := []rune(a), []rune(b)
	d := make([][]int, len(ra)+1)
	for i := range d {
		d[i] = make([]int, len(rb)+1)
		d[i][0] = i
	}
	for j := range d[0] {
		d[0][j] = j
	}
	for i := 1; i <= len(ra); i++ {
		for j := 1; j <= len(rb); j++ {
			cost := 1
			if ra[i-1] == rb[j-1] {
				cost = 0
			}
			d[i][j] = min(d[i-1][j]+1, d[i][j-1]+1, d[i-1][j-1]+cost)
			if i > 1 && j > 1 && ra[i-1] == rb[j-2] && ra[i-2] == rb[j-1] {
				d[i][j] = min(d[i][j], d[i-2][j-2]+1)
			}
		}
	}
	return d[len(ra)][len(rb)]
}

// studentChoices are students offered as buttons in a reply.
func studentChoices(list []storage.Student) []Choice {
	out := make([]Choice, len(list))
	for i, st := range list {
		out[i] = Choice{Value: st.Code, Label: Named(st)}
	}
	return out
}
