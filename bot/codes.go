package bot

import (
	"cmp"
	"fmt"
	"slices"
	"strconv"
	"strings"
	"unicode"

	"parabot/storage"
)

// TrialCode is what one code of a school's data sheet means: the outcome
// of a trial and, for a correct one, the prompt it took.
type TrialCode struct {
	Outcome storage.Outcome
	Prompt  storage.Prompt
}

// Codes maps the letter codes of a school's data sheets (lower case) to
// what they mean. The symbols + (correct, independent), - (incorrect) and
// 0 (no response) are fixed and not part of the table.
type Codes map[string]TrialCode

// DefaultCodes are the letters of common data sheets: i independent,
// g/gp gestural, v/vp verbal, m model, p/pp partial physical, fp full
// physical, nr no response, c correct.
func DefaultCodes() Codes {
	c := func(p storage.Prompt) TrialCode { return TrialCode{Outcome: storage.Correct, Prompt: p} }
	return Codes{
		"i": c(storage.Independent), "c": c(storage.Independent),
		"g": c(storage.Gestural), "gp": c(storage.Gestural),
		"v": c(storage.Verbal), "vp": c(storage.Verbal),
		"m": c(storage.Model),
		"p": c(storage.PartialPhysical), "pp": c(storage.PartialPhysical),
		"fp": c(storage.FullPhysical),
		"nr": {Outcome: storage.NoResponse, Prompt: storage.Independent},
	}
}

// maxCodeLen bounds a letter code, so a run of codes typed together can
// be read greedily.
const maxCodeLen = 4

// ParseCodes reads a school's table of codes, "vp=verbal, p=partial
// physical, nr=no response, x=incorrect", which replaces the defaults.
// A meaning is a prompt level (independent, gestural, verbal, model,
// partial physical, full physical), "no response" or "incorrect".
func ParseCodes(spec string) (Codes, error) {
	out := Codes{}
	for _, item := range strings.Split(spec, ",") {
		item = strings.TrimSpace(item)
		if item == "" {
			continue
		}
		code, meaning, ok := strings.Cut(item, "=")
		code = strings.ToLower(strings.TrimSpace(code))
		meaning = strings.ToLower(strings.Join(strings.Fields(meaning), " "))
		if !ok || code == "" {
			return nil, fmt.Errorf("%q is not code=meaning, like vp=verbal", item)
		}
		if len(code) > maxCodeLen || strings.IndexFunc(code, func(r rune) bool { return r < 'a' || r > 'z' }) >= 0 {
			return nil, fmt.Errorf("code %q must be 1 to %d letters", code, maxCodeLen)
		}
		var tc TrialCode
		switch meaning {
		case "no response":
			tc = TrialCode{Outcome: storage.NoResponse}
		case "incorrect":
			tc = TrialCode{Outcome: storage.Incorrect}
		default:
			p, ok := promptByName(meaning)
			if !ok {
				return nil, fmt.Errorf("code %s: %q is not a prompt level (%s), no response or incorrect", code, meaning, promptNames())
			}
			tc = TrialCode{Outcome: storage.Correct, Prompt: p}
		}
		if _, dup := out[code]; dup {
			return nil, fmt.Errorf("code %q is given twice", code)
		}
		out[code] = tc
	}
	if len(out) == 0 {
		return nil, fmt.Errorf("no codes given")
	}
	return out, nil
}

func promptByName(name string) (storage.Prompt, bool) {
	for p := storage.Independent; p <= storage.FullPhysical; p++ {
		if name == p.String() {
			return p, true
		}
	}
	return 0, false
}

func promptNames() string {
	var names []string
	for p := storage.Independent; p <= storage.FullPhysical; p++ {
		names = append(names, p.String())
	}
	return strings.Join(names, ", ")
}

// meaning names what a code means, as the code list groups them.
func (tc TrialCode) meaning() string {
	switch tc.Outcome {
	case storage.NoResponse:
		return "no response"
	case storage.Incorrect:
		return "incorrect"
	}
	if tc.Prompt == storage.Independent {
		return "correct, independent"
	}
	return tc.Prompt.String() + " prompt"
}

// Help lists the codes of trials for messages and /help trial: List,
// then how to give outcome and prompt at once, and counts.
func (c Codes) Help() string {
	return c.List() + "; +v or -v gives outcome and prompt; 3/5 is 3 correct of 5"
}

// List names the codes by meaning, least support first, the codes of one
// meaning together (the fixed symbols with the letters): "+, C or I:
// correct, independent; G or GP: gestural prompt; ...; 0 or NR: no
// response". nil lists DefaultCodes.
func (c Codes) List() string {
	if c == nil {
		c = DefaultCodes()
	}
	letters := make([]string, 0, len(c))
	for k := range c {
		letters = append(letters, k)
	}
	slices.SortFunc(letters, func(a, b string) int { return cmp.Or(cmp.Compare(len(a), len(b)), strings.Compare(a, b)) })
	type group struct {
		rank    int
		meaning string
		codes   []string
	}
	var groups []*group
	add := func(code string, tc TrialCode) {
		for _, g := range groups {
			if g.meaning == tc.meaning() {
				g.codes = append(g.codes, code)
				return
			}
		}
		groups = append(groups, &group{rank: codeRank(tc), meaning: tc.meaning(), codes: []string{code}})
	}
	add("+", TrialCode{Outcome: storage.Correct, Prompt: storage.Independent})
	add("-", TrialCode{Outcome: storage.Incorrect})
	add("0", TrialCode{Outcome: storage.NoResponse})
	for _, l := range letters {
		add(strings.ToUpper(l), c[l])
	}
	slices.SortStableFunc(groups, func(a, b *group) int { return cmp.Compare(a.rank, b.rank) })
	parts := make([]string, len(groups))
	for i, g := range groups {
		codes := g.codes[0]
		if n := len(g.codes); n > 1 {
			codes = strings.Join(g.codes[:n-1], ", ") + " or " + g.codes[n-1]
		}
		parts[i] = codes + ": " + g.meaning
	}
	return strings.Join(parts, "; ")
}

func codeRank(tc TrialCode) int {
	switch tc.Outcome {
	case storage.Incorrect:
		return 10
	case storage.NoResponse:
		return 11
	}
	return int(tc.Prompt)
}

// ParseTrials reads trial results such as "+ + v - +", "+,-,0", "++v-+",
// "VP GP I NR" or "3/5" (3 correct of 5, the rest incorrect), with the
// school's codes (nil means DefaultCodes). A word that is not one code is
// read as a run of codes, the longest letter code first ("vpi" is vp, i).
func ParseTrials(s string, codes Codes) ([]storage.TrialResult, error) {
	return readCodes(s, codes, codes.Help)
}

// readCodes reads codes as ParseTrials does; a word that is not one is
// answered with help(), the codes that apply (made only then).
func readCodes(s string, codes Codes, help func() string) ([]storage.TrialResult, error) {
	if codes == nil {
		codes = DefaultCodes()
	}
	words := strings.FieldsFunc(s, func(r rune) bool { return r == ',' || unicode.IsSpace(r) })
	var out []storage.TrialResult
	add := func(r ...storage.TrialResult) error {
		if len(out)+len(r) > MaxTrials {
			return Errorf("trials", "That is more than %d trials; log at most %d at once.", MaxTrials, MaxTrials)
		}
		out = append(out, r...)
		return nil
	}
	for _, w := range words {
		lw := strings.ToLower(w)
		if rs, ok, err := countCode(lw); ok {
			if err != nil {
				return nil, err
			}
			if err := add(rs...); err != nil {
				return nil, err
			}
			continue
		}
		if r, ok := codes.one(lw); ok {
			if err := add(r); err != nil {
				return nil, err
			}
			continue
		}
		rs, ok := codes.run(lw)
		if !ok {
			return nil, Errorf("trials", "%q is not a trial code; use %s.", w, help())
		}
		if err := add(rs...); err != nil {
			return nil, err
		}
	}
	if len(out) == 0 {
		return nil, Errorf("trials", "No trials given; use %s.", help())
	}
	return out, nil
}

// countCode reads "3/5": 3 correct (independent) of 5, the others
// incorrect.
func countCode(w string) ([]storage.TrialResult, bool, error) {
	a, b, ok := strings.Cut(w, "/")
	if !ok {
		return nil, false, nil
	}
	correct, err1 := strconv.Atoi(a)
	total, err2 := strconv.Atoi(b)
	if err1 != nil || err2 != nil {
		return nil, false, nil
	}
	switch {
	case total < 1 || correct < 0 || correct > total:
		return nil, true, Errorf("trials", "%q is not a count; write correct/total, like 3/5 for 3 correct of 5.", w)
	case total > MaxTrials:
		return nil, true, Errorf("trials", "%q is more than %d trials; log at most %d at once.", w, MaxTrials, MaxTrials)
	}
	out := make([]storage.TrialResult, 0, total)
	for i := 0; i < total; i++ {
		o := storage.Incorrect
		if i < correct {
			o = storage.Correct
		}
		out = append(out, storage.TrialResult{Outcome: o, Prompt: storage.Independent})
	}
	return out, true, nil
}

// one reads a single code: +, -, 0, a letter code, or a letter code after
// + or - to give the outcome too (+v, -pp).
func (c Codes) one(w string) (storage.TrialResult, bool) {
	switch w {
	case "+":
		return storage.TrialResult{Outcome: storage.Correct, Prompt: storage.Independent}, true
	case "-":
		return storage.TrialResult{Outcome: storage.Incorrect, Prompt: storage.Independent}, true
	case "0":
		return storage.TrialResult{Outcome: storage.NoResponse, Prompt: storage.Independent}, true
	}
	sign := ""
	if strings.HasPrefix(w, "+") || strings.HasPrefix(w, "-") {
		sign, w = w[:1], w[1:]
	}
	tc, ok := c[w]
	if !ok {
		return storage.TrialResult{}, false
	}
	r := storage.TrialResult{Outcome: tc.Outcome, Prompt: tc.Prompt}
	switch {
	case sign == "-" && tc.Outcome == storage.Correct:
		r.Outcome = storage.Incorrect // -v: incorrect even with a verbal prompt
	case sign != "" && tc.Outcome != storage.Correct:
		return storage.TrialResult{}, false // +nr means nothing
	}
	return r, true
}

// run reads codes typed together ("++v-+", "vpgpi"): the symbols one by
// one, letters by the longest code that matches.
func (c Codes) run(w string) ([]storage.TrialResult, bool) {
	var out []storage.TrialResult
	for i := 0; i < len(w); {
		if r, ok := c.one(w[i : i+1]); ok && strings.ContainsRune("+-0", rune(w[i])) {
			out = append(out, r)
			i++
			continue
		}
		found := false
		for n := min(maxCodeLen, len(w)-i); n >= 1; n-- {
			if r, ok := c.one(w[i : i+n]); ok {
				out = append(out, r)
				i += n
				found = true
				break
			}
		}
		if !found {
			return nil, false
		}
	}
	return out, len(out) > 0
}

// prompt reads a prompt level from a code of the table or a level's name.
func (c Codes) prompt(s string) (storage.Prompt, bool) {
	f := fold(s)
	if p, ok := promptCodes[f]; ok {
		return p, true
	}
	if tc, ok := c[f]; ok && tc.Outcome == storage.Correct {
		return tc.Prompt, true
	}
	return 0, false
}
