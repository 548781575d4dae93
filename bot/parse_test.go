package bot

import (
	"fmt"
	"reflect"
	"strings"
	"testing"
	"time"

	"parabot/storage"
)

var testCmd = &Command{
	Name: "incident",
	Params: []Param{
		{Name: "student", Kind: KindStudent, Required: true, Positional: true, Help: "the student"},
		{Name: "behavior", Kind: KindText, Required: true, Positional: true, Aliases: []string{"b"}, Help: "what happened"},
		{Name: "antecedent", Kind: KindText, Aliases: []string{"a"}, Help: "before"},
		{Name: "severity", Kind: KindInt, Min: 1, Max: 5, Help: "1-5"},
		{Name: "at", Kind: KindTime, Default: "now", Help: "when"},
		{Name: "duration", Kind: KindDuration, Help: "how long"},
		{Name: "injury", Kind: KindBool, Default: "no", Help: "yes/no"},
		{Name: "strategies", Kind: KindList, MaxLen: 10, Help: "list"},
		{Name: "place", Kind: KindChoice, Choices: []Choice{{Value: "class"}, {Value: "gym"}}, Help: "where"},
	},
}

func TestRaw(t *testing.T) {
	for _, tc := range []struct {
		in   string
		want map[string]string
		err  string
	}{
		{"AB hit a peer", map[string]string{"student": "AB", "behavior": "hit a peer"}, ""},
		{"AB hit a peer a=asked to line up severity=3", map[string]string{"student": "AB", "behavior": "hit a peer", "antecedent": "asked to line up", "severity": "3"}, ""},
		{"AB b: threw pencil A: math", map[string]string{"student": "AB", "behavior": "threw pencil", "antecedent": "math"}, ""},
		{`AB "severity=3 is text" severity=2`, map[string]string{"student": "AB", "behavior": "severity=3 is text", "severity": "2"}, ""},
		{"AB x severity=1 severity=2", nil, "given twice"},
		{"", map[string]string{}, ""},
		{"AB 2+2=4 answered", map[string]string{"student": "AB", "behavior": "2+2=4 answered"}, ""},
		{`AB threw a 12" ruler a=asked to measure`, map[string]string{"student": "AB", "behavior": `threw a 12" ruler`, "antecedent": "asked to measure"}, ""},
		{`AB said "I hate you" and left a='cause  it was loud'`, map[string]string{"student": "AB", "behavior": `said "I hate you" and left`, "antecedent": "'cause  it was loud'"}, ""},
		{`AB b="kicked, then ran" a=“lining up”`, map[string]string{"student": "AB", "behavior": "kicked, then ran", "antecedent": "lining up"}, ""},
		{"AB ran  off\tfast a=", map[string]string{"student": "AB", "behavior": "ran  off\tfast", "antecedent": ""}, ""},
	} {
		got, err := Raw(testCmd, tc.in)
		if tc.err != "" {
			if err == nil || !strings.Contains(err.Error(), tc.err) {
				t.Errorf("Raw(%q) error = %v, want %q", tc.in, err, tc.err)
			}
			continue
		}
		if err != nil {
			t.Errorf("Raw(%q): %v", tc.in, err)
			continue
		}
		if !reflect.DeepEqual(got, tc.want) {
			t.Errorf("Raw(%q) = %v, want %v", tc.in, got, tc.want)
		}
	}
}

func TestRawTooManyWords(t *testing.T) {
	cmd := &Command{Name: "x", Params: []Param{{Name: "student", Kind: KindStudent, Positional: true}, {Name: "goal", Kind: KindGoal, Positional: true}}}
	if _, err := Raw(cmd, "AB G1 extra words"); err == nil || !strings.Contains(err.Error(), `"extra words"`) {
		t.Errorf("err = %v", err)
	}
	// A student last takes the rest: "sofia m" is one name.
	one := &Command{Name: "x", Params: []Param{{Name: "student", Kind: KindStudent, Positional: true}}}
	if raw, err := Raw(one, "sofia m"); err != nil || raw["student"] != "sofia m" {
		t.Errorf("Raw(sofia m) = %v, %v", raw, err)
	}
}

func TestParseTrials(t *testing.T) {
	c, i, nr := storage.Correct, storage.Incorrect, storage.NoResponse
	for _, tc := range []struct {
		in   string
		want []storage.TrialResult
		err  string
	}{
		{"+ + v - +", []storage.TrialResult{tr(c, 0), tr(c, 0), tr(c, storage.Verbal), tr(i, 0), tr(c, 0)}, ""},
		{"++v-+", []storage.TrialResult{tr(c, 0), tr(c, 0), tr(c, storage.Verbal), tr(i, 0), tr(c, 0)}, ""},
		{"+,-,0,nr", []storage.TrialResult{tr(c, 0), tr(i, 0), tr(nr, 0), tr(nr, 0)}, ""},
		{"+pp -fp fp g m", []storage.TrialResult{tr(c, storage.PartialPhysical), tr(i, storage.FullPhysical), tr(c, storage.FullPhysical), tr(c, storage.Gestural), tr(c, storage.Model)}, ""},
		{"+ x", nil, `"x" is not a trial code`},
		{"VP GP PP P FP M NR I", []storage.TrialResult{tr(c, storage.Verbal), tr(c, storage.Gestural), tr(c, storage.PartialPhysical), tr(c, storage.PartialPhysical), tr(c, storage.FullPhysical), tr(c, storage.Model), tr(nr, 0), tr(c, 0)}, ""},
		{"vp,gp", []storage.TrialResult{tr(c, storage.Verbal), tr(c, storage.Gestural)}, ""},
		{"vpgpi", []storage.TrialResult{tr(c, storage.Verbal), tr(c, storage.Gestural), tr(c, 0)}, ""},
		{"-vp +fp", []storage.TrialResult{tr(i, storage.Verbal), tr(c, storage.FullPhysical)}, ""},
		{"3/5", []storage.TrialResult{tr(c, 0), tr(c, 0), tr(c, 0), tr(i, 0), tr(i, 0)}, ""},
		{"2/2 vp", []storage.TrialResult{tr(c, 0), tr(c, 0), tr(c, storage.Verbal)}, ""},
		{"0/1", []storage.TrialResult{tr(i, 0)}, ""},
		{"6/5", nil, "not a count"},
		{"3/0", nil, "not a count"},
		{"51/60", nil, "more than 50"},
		{"50/50 +", nil, "more than 50"},
		{"+nr", []storage.TrialResult{tr(c, 0), tr(nr, 0)}, ""},
		{"vpq", nil, `"vpq" is not a trial code`},
		{"at", nil, `"at" is not a trial code`},
		{"", nil, "No trials"},
		{strings.Repeat("+ ", MaxTrials+1), nil, "at most"},
	} {
		got, err := ParseTrials(tc.in, nil)
		if tc.err != "" {
			if err == nil || !strings.Contains(err.Error(), tc.err) {
				t.Errorf("ParseTrials(%q) error = %v, want %q", tc.in, err, tc.err)
			}
			continue
		}
		if err != nil || !reflect.DeepEqual(got, tc.want) {
			t.Errorf("ParseTrials(%q) = %v, %v; want %v", tc.in, got, err, tc.want)
		}
	}
}

func tr(o storage.Outcome, p storage.Prompt) storage.TrialResult {
	return storage.TrialResult{Outcome: o, Prompt: p}
}

func TestParseTime(t *testing.T) {
	loc, _ := time.LoadLocation("America/New_York")
	now := time.Date(2026, 11, 24, 14, 30, 0, 0, loc)
	sc := &Scope{Now: now, Loc: loc, YearStart: time.Date(2026, 8, 31, 0, 0, 0, 0, loc)}
	for _, tc := range []struct {
		in   string
		want time.Time
		err  string
	}{
		{"now", now, ""},
		{"10:15", time.Date(2026, 11, 24, 10, 15, 0, 0, loc), ""},
		{"2:05pm", time.Date(2026, 11, 24, 14, 5, 0, 0, loc), ""},
		{"1pm", time.Date(2026, 11, 24, 13, 0, 0, 0, loc), ""},
		{"1:15", time.Date(2026, 11, 24, 13, 15, 0, 0, loc), ""},
		{"01:15", time.Date(2026, 11, 24, 1, 15, 0, 0, loc), ""},
		{"7:45", time.Date(2026, 11, 24, 7, 45, 0, 0, loc), ""},
		{"1:15am", time.Date(2026, 11, 24, 1, 15, 0, 0, loc), ""},
		{"3:30", time.Time{}, "in the future"},
		{"-20m", now.Add(-20 * time.Minute), ""},
		{"20 min ago", now.Add(-20 * time.Minute), ""},
		{"yesterday 09:00", time.Date(2026, 11, 23, 9, 0, 0, 0, loc), ""},
		{"2026-11-20 08:45", time.Date(2026, 11, 20, 8, 45, 0, 0, loc), ""},
		{"15:00", time.Time{}, "in the future"},
		{"2026-08-01 09:00", time.Time{}, "before the school year"},
		{"2026-11-20", time.Time{}, "time of day"},
		{"noonish", time.Time{}, "not a time"},
		{"25:00", time.Time{}, "not a time"},
	} {
		got, err := ParseTime(tc.in, sc)
		if tc.err != "" {
			if err == nil || !strings.Contains(err.Error(), tc.err) {
				t.Errorf("ParseTime(%q) error = %v, want %q", tc.in, err, tc.err)
			}
			continue
		}
		if err != nil || !got.Equal(tc.want) {
			t.Errorf("ParseTime(%q) = %v, %v; want %v", tc.in, got, err, tc.want)
		}
	}
}

func TestParseDuration(t *testing.T) {
	for in, want := range map[string]time.Duration{"90s": 90 * time.Second, "5m": 5 * time.Minute, "5": 5 * time.Minute, "1h30m": 90 * time.Minute, "2 min": 2 * time.Minute, "45 seconds": 45 * time.Second} {
		if got, err := ParseDuration(in); err != nil || got != want {
			t.Errorf("ParseDuration(%q) = %v, %v; want %v", in, got, err, want)
		}
	}
	for _, in := range []string{"soon", "13h", "-5m", "+5m", "", "307445734561825861", "721"} {
		if _, err := ParseDuration(in); err == nil {
			t.Errorf("ParseDuration(%q) succeeded", in)
		}
	}
}

func TestParsePrompt(t *testing.T) {
	for in, want := range map[string]storage.Prompt{"i": storage.Independent, "Verbal": storage.Verbal, "pp": storage.PartialPhysical, "full physical": storage.FullPhysical, "g": storage.Gestural, "model": storage.Model} {
		if got, err := ParsePrompt(in); err != nil || got != want {
			t.Errorf("ParsePrompt(%q) = %v, %v", in, got, err)
		}
	}
	if _, err := ParsePrompt("loud"); err == nil || !strings.Contains(err.Error(), "not a prompt level") {
		t.Errorf("ParsePrompt(loud) = %v", err)
	}
	if !(storage.Independent < storage.Gestural && storage.Gestural < storage.Verbal && storage.Verbal < storage.Model && storage.Model < storage.PartialPhysical && storage.PartialPhysical < storage.FullPhysical) {
		t.Error("prompt scale is out of order")
	}
}

func scope() *Scope {
	students := []storage.Student{
		{ID: 1, Code: "S101", Initials: "A.B.", FirstName: "Ava", LastName: "Brown"},
		{ID: 2, Code: "S102", Initials: "A.B.", FirstName: "Alex", LastName: "Bell"},
		{ID: 3, Code: "S103", Initials: "C.D.", FirstName: "Ava", LastName: "Diaz"},
	}
	other := storage.Student{ID: 9, Code: "S109", Initials: "Z.Z.", FirstName: "Zoe"}
	return &Scope{
		Now: time.Date(2026, 11, 24, 14, 0, 0, 0, time.UTC), Loc: time.UTC,
		Caseload: students,
		School:   func() []storage.Student { return append(students, other) },
		Goals: func(id int64) ([]storage.Goal, error) {
			return []storage.Goal{{ID: 10 * id, Code: "G1"}, {ID: 10*id + 1, Code: "G2"}}, nil
		},
	}
}

func TestResolveStudent(t *testing.T) {
	sc := scope()
	for _, tc := range []struct {
		in     string
		wantID int64
		err    string
	}{
		{"s101", 1, ""},
		{"C.D.", 3, ""},
		{"cd", 3, ""},
		{"Alex", 2, ""},
		{"ab", 0, `"ab" matches 2 students: Ava B. (S101), Alex B. (S102). Choose one`},
		{"ava", 0, "matches 2 students"},
		{"Zoe", 0, "not on your caseload"},
		{"Quinn", 0, `No student on your caseload matches "Quinn". Your students: Ava B. (S101), Alex B. (S102), Ava D. (S103).`},
		{"avva", 0, `No student on your caseload matches "avva". Did you mean Ava B. (S101) or Ava D. (S103)?`},
	} {
		st, err := ResolveStudent(tc.in, sc)
		if tc.err != "" {
			if err == nil || !strings.Contains(err.Error(), tc.err) {
				t.Errorf("ResolveStudent(%q) error = %v, want %q", tc.in, err, tc.err)
			}
			continue
		}
		if err != nil || st.ID != tc.wantID {
			t.Errorf("ResolveStudent(%q) = %d, %v", tc.in, st.ID, err)
		}
	}
	st, _ := ResolveStudent("S101", sc)
	if g, err := ResolveGoal("2", st, sc); err != nil || g.Code != "G2" {
		t.Errorf("ResolveGoal(2) = %v, %v", g, err)
	}
	if _, err := ResolveGoal("G7", st, sc); err == nil || err.Error() != `Goal "G7" not found for Ava B. (S101) — their goals are G1, G2.` {
		t.Errorf("ResolveGoal(G7) = %v", err)
	}
}

func TestParseValues(t *testing.T) {
	raw, err := Raw(testCmd, "S103 kicked a=asked severity=2 duration=5m injury=yes strategies=break, first-then place=GYM at=-10m")
	if err != nil {
		t.Fatal(err)
	}
	sc := scope()
	v, err := Parse(testCmd, raw, sc)
	if err != nil {
		t.Fatal(err)
	}
	if v.Student("student").ID != 3 || v.Text("behavior") != "kicked" || v.Int("severity") != 2 ||
		v.Duration("duration") != 5*time.Minute || !v.Bool("injury") || v.Text("place") != "gym" ||
		!reflect.DeepEqual(v.List("strategies"), []string{"break", "first-then"}) ||
		!v.Time("at").Equal(sc.Now.Add(-10*time.Minute)) {
		t.Errorf("values = %#v", v)
	}
}

func TestParseErrorsNameTheParam(t *testing.T) {
	for _, tc := range []struct {
		in, param, msg string
	}{
		{"", "student", "Missing student"},
		{"S101", "behavior", "Missing behavior"},
		{"S101 hit severity=9", "severity", "from 1 to 5"},
		{"S101 hit injury=maybe", "injury", "yes or no"},
		{"S101 hit place=moon", "place", "choose one of: class, gym"},
		{"S101 hit strategies=averyveryverylongone", "strategies", "limit is 10"},
		{"S101 hit at=tomorrow", "at", "not a time"},
		{"S101 hit duration=forever", "duration", "not a duration"},
	} {
		raw, err := Raw(testCmd, tc.in)
		if err == nil {
			_, err = Parse(testCmd, raw, scope())
		}
		ue, ok := AsUserError(err)
		if !ok || ue.Param != tc.param || !strings.Contains(ue.Msg, tc.msg) || !strings.Contains(ue.Msg, "Example: ") {
			t.Errorf("%q: error %v (param %q), want param %q and %q with usage", tc.in, err, paramOf(ue), tc.param, tc.msg)
		}
	}
	if _, err := Parse(testCmd, map[string]string{"student": "S101", "behavior": "x", "colour": "red"}, scope()); err == nil {
		t.Error("an unknown parameter name was accepted")
	}
}

func paramOf(ue *UserError) string {
	if ue == nil {
		return ""
	}
	return ue.Param
}

func TestUsage(t *testing.T) {
	want := "/incident <student> <behavior> [antecedent=<text>] [severity=<number>] [at=<time>] [duration=<duration>] [injury=<yes/no>] [strategies=<a,b,c>] [place=<choice>]"
	if got := testCmd.Usage(); got != want {
		t.Errorf("Usage() = %q\nwant      %q", got, want)
	}
}

// FuzzParse checks that no free text makes the parser panic, and that
// every failure is a message for the user.
func FuzzParse(f *testing.F) {
	for _, s := range []string{"S101 hit a=b severity=3", `AB "x y" at=10:15`, "ab ++v-+", "S101 at=yesterday 9am", "“curly” 'single", "a=b=c=", "S101 x severity=99999999999999999999"} {
		f.Add(s)
	}
	f.Fuzz(func(t *testing.T, s string) {
		raw, err := Raw(testCmd, s)
		if err != nil {
			if _, ok := AsUserError(err); !ok {
				t.Fatalf("Raw(%q) returned a non-user error %v", s, err)
			}
			return
		}
		if _, err := Parse(testCmd, raw, scope()); err != nil {
			if _, ok := AsUserError(err); !ok {
				t.Fatalf("Parse(%q) returned a non-user error %v", s, err)
			}
		}
	})
}

// FuzzTrials checks the trial parser on any text.
func FuzzTrials(f *testing.F) {
	for _, s := range []string{"+ + v - +", "++v-+", "+pp,-fp", "0 nr", "VP GP PP P FP M NR I", "3/5", "vpgpi", "50/50 +"} {
		f.Add(s)
	}
	f.Fuzz(func(t *testing.T, s string) {
		rs, err := ParseTrials(s, nil)
		if err != nil {
			if _, ok := AsUserError(err); !ok {
				t.Fatalf("non-user error %v", err)
			}
			return
		}
		if len(rs) == 0 || len(rs) > MaxTrials {
			t.Fatalf("ParseTrials(%q) gave %d trials", s, len(rs))
		}
		for _, r := range rs {
			if !r.Outcome.Valid() || !r.Prompt.Valid() {
				t.Fatalf("ParseTrials(%q) gave invalid %v", s, r)
			}
		}
	})
}

func TestFormatDuration(t *testing.T) {
	for d, want := range map[time.Duration]string{45 * time.Second: "45s", 4 * time.Minute: "4m", 150 * time.Second: "2m30s", 90 * time.Minute: "1h30m", 2 * time.Hour: "2h", 0: "0s"} {
		if got := FormatDuration(d); got != want {
			t.Errorf("FormatDuration(%v) = %q, want %q", d, got, want)
		}
		if d > 0 {
			if back, err := ParseDuration(FormatDuration(d)); err != nil || back != d {
				t.Errorf("ParseDuration(FormatDuration(%v)) = %v, %v", d, back, err)
			}
		}
	}
}

var trialCmd = &Command{
	Name:     "trial",
	Examples: []string{"/trial S101 G2 + + v - +", "/trial Ava G1 VP GP I NR at 10:15"},
	Params: []Param{
		{Name: "student", Kind: KindStudent, Required: true, Positional: true},
		{Name: "goal", Kind: KindGoal, Required: true, Positional: true},
		{Name: "trials", Kind: KindTrials, Required: true, Positional: true},
		{Name: "at", Kind: KindTime, Default: "now"},
		{Name: "note", Kind: KindText, Aliases: []string{"comment"}},
	},
}

var moveCmd = &Command{
	Name: "transition",
	Params: []Param{
		{Name: "student", Kind: KindStudent, Required: true, Positional: true},
		{Name: "from", Kind: KindText, Required: true, Positional: true, Leads: []string{"from"}},
		{Name: "to", Kind: KindText, Required: true, Positional: true, Leads: []string{"to"}},
		{Name: "severity", Kind: KindInt, Min: 1, Max: 5},
		{Name: "at", Kind: KindTime, Default: "now"},
		{Name: "note", Kind: KindText},
	},
}

// TestRawTypedLikeParas: times without at=, a trailing comment, and
// "to" before a destination, as paras type them.
func TestRawTypedLikeParas(t *testing.T) {
	for _, tc := range []struct {
		cmd  *Command
		in   string
		want map[string]string
		err  string
	}{
		{trialCmd, "ava g1 vp vp i at 10:15", map[string]string{"student": "ava", "goal": "g1", "trials": "vp vp i", "at": "10:15"}, ""},
		{trialCmd, "ava g1 at 10:15 + +", map[string]string{"student": "ava", "goal": "g1", "trials": "+ +", "at": "10:15"}, ""},
		{trialCmd, "ava g1 + - 20m ago", map[string]string{"student": "ava", "goal": "g1", "trials": "+ -", "at": "20m ago"}, ""},
		{trialCmd, "ava g1 + 20m ago", map[string]string{"student": "ava", "goal": "g1", "trials": "+", "at": "20m ago"}, ""},
		{trialCmd, "ava g1 - at 9:15", map[string]string{"student": "ava", "goal": "g1", "trials": "-", "at": "9:15"}, ""},
		{trialCmd, "ava g1 + at -20m", map[string]string{"student": "ava", "goal": "g1", "trials": "+ at -20m"}, ""},
		{trialCmd, "ava g1 + - 20 min ago", map[string]string{"student": "ava", "goal": "g1", "trials": "+ -", "at": "20 min ago"}, ""},
		{trialCmd, "ava g1 + AT 2:30pm", map[string]string{"student": "ava", "goal": "g1", "trials": "+", "at": "2:30pm"}, ""},
		{trialCmd, "ava g1 + at yesterday 14:00", map[string]string{"student": "ava", "goal": "g1", "trials": "+", "at": "yesterday 14:00"}, ""},
		{trialCmd, "ava g1 3/5 -- was tired", map[string]string{"student": "ava", "goal": "g1", "trials": "3/5", "note": "was tired"}, ""},
		{trialCmd, "ava g1 + note=was tired at 9:00", map[string]string{"student": "ava", "goal": "g1", "trials": "+", "note": "was tired", "at": "9:00"}, ""},
		{trialCmd, "ava g1 + -- +", map[string]string{"student": "ava", "goal": "g1", "trials": "+ -- +"}, ""},
		{trialCmd, "ava g1 + at=10:00 at 10:15", nil, "given twice"},
		{moveCmd, "ava class to speech", map[string]string{"student": "ava", "from": "class", "to": "speech"}, ""},
		{moveCmd, "ava from class to the speech room", map[string]string{"student": "ava", "from": "class", "to": "the speech room"}, ""},
		{moveCmd, "ava class lunch", map[string]string{"student": "ava", "from": "class", "to": "lunch"}, ""},
		{moveCmd, "ava class to", map[string]string{"student": "ava", "from": "class", "to": "to"}, ""},
		{moveCmd, "ava class gym severity=3 at 11:45", map[string]string{"student": "ava", "from": "class", "to": "gym", "severity": "3", "at": "11:45"}, ""},
		{moveCmd, "ava class gym at the door", map[string]string{"student": "ava", "from": "class", "to": "gym at the door"}, ""},
		{moveCmd, "ava class gym -- cried at the door", map[string]string{"student": "ava", "from": "class", "to": "gym", "note": "cried at the door"}, ""},
		{moveCmd, `ava class "gym at 10:15"`, map[string]string{"student": "ava", "from": "class", "to": "gym at 10:15"}, ""},
		{testCmd, "AB hit a peer a=lining up severity=3 at 11:45", map[string]string{"student": "AB", "behavior": "hit a peer", "antecedent": "lining up", "severity": "3", "at": "11:45"}, ""},
		{testCmd, "AB hit a peer -- was tired", map[string]string{"student": "AB", "behavior": "hit a peer -- was tired"}, ""},
	} {
		got, err := Raw(tc.cmd, tc.in)
		if tc.err != "" {
			if err == nil || !strings.Contains(err.Error(), tc.err) {
				t.Errorf("Raw(%q) error = %v, want %q", tc.in, err, tc.err)
			}
			continue
		}
		if err != nil {
			t.Errorf("Raw(%q): %v", tc.in, err)
			continue
		}
		if !reflect.DeepEqual(got, tc.want) {
			t.Errorf("Raw(%q) = %v\nwant %v", tc.in, got, tc.want)
		}
	}
}

func TestParseTimePhraseValues(t *testing.T) {
	sc := scope()
	for in, want := range map[string]time.Time{
		"S103 class gym at 10:15":            time.Date(2026, 11, 24, 10, 15, 0, 0, time.UTC),
		"S103 class gym 20m ago":             sc.Now.Add(-20 * time.Minute),
		"S103 class gym severity=3 at 11:45": time.Date(2026, 11, 24, 11, 45, 0, 0, time.UTC),
	} {
		raw, err := Raw(moveCmd, in)
		if err != nil {
			t.Fatalf("Raw(%q): %v", in, err)
		}
		v, err := Parse(moveCmd, raw, sc)
		if err != nil {
			t.Fatalf("Parse(%q): %v", in, err)
		}
		if !v.Time("at").Equal(want) || (strings.Contains(in, "severity") && v.Int("severity") != 3) {
			t.Errorf("%q: at %v severity %d, want %v", in, v.Time("at"), v.Int("severity"), want)
		}
	}
}

func TestCodesFromSetting(t *testing.T) {
	codes, err := ParseCodes("x=incorrect, h=full physical, vp=verbal, nr=no response, i=independent")
	if err != nil {
		t.Fatal(err)
	}
	got, err := ParseTrials("h x vp I NR hx", codes)
	want := []storage.TrialResult{tr(storage.Correct, storage.FullPhysical), tr(storage.Incorrect, 0), tr(storage.Correct, storage.Verbal), tr(storage.Correct, 0), tr(storage.NoResponse, 0), tr(storage.Correct, storage.FullPhysical), tr(storage.Incorrect, 0)}
	if err != nil || !reflect.DeepEqual(got, want) {
		t.Errorf("ParseTrials with the school's codes = %v, %v; want %v", got, err, want)
	}
	if _, err := ParseTrials("g", codes); err == nil || !strings.Contains(err.Error(), "use + or I: correct, independent; VP: verbal prompt; H: full physical prompt; - or X: incorrect; 0 or NR: no response;") {
		t.Errorf("a code the school does not use: %v", err)
	}
	if p, err := parsePrompt("h", codes); err != nil || p != storage.FullPhysical {
		t.Errorf("prompt h = %v, %v", p, err)
	}
	if p, err := parsePrompt("verbal", codes); err != nil || p != storage.Verbal {
		t.Errorf("a prompt level's name is always understood: %v, %v", p, err)
	}
	for spec, want := range map[string]string{
		"vp":               "not code=meaning",
		"vp=loud":          "not a prompt level",
		"v p=verbal":       "1 to 4 letters",
		"abcde=verbal":     "1 to 4 letters",
		"v=verbal,v=model": "given twice",
		" , ":              "no codes",
	} {
		if _, err := ParseCodes(spec); err == nil || !strings.Contains(err.Error(), want) {
			t.Errorf("ParseCodes(%q) = %v, want %q", spec, err, want)
		}
	}
	// The default codes, grouped by meaning, least support first.
	wantHelp := "+, C or I: correct, independent; G or GP: gestural prompt; V or VP: verbal prompt; M: model prompt; " +
		"P or PP: partial physical prompt; FP: full physical prompt; -: incorrect; 0 or NR: no response; +v or -v gives outcome and prompt; 3/5 is 3 correct of 5"
	if help := DefaultCodes().Help(); help != wantHelp {
		t.Errorf("codes help\n%s\nwant\n%s", help, wantHelp)
	}
}

func TestErrorsAreShort(t *testing.T) {
	raw, _ := Raw(trialCmd, "S101 G1")
	_, err := Parse(trialCmd, raw, scope())
	ue, ok := AsUserError(err)
	if !ok {
		t.Fatalf("err %v", err)
	}
	lines := strings.Split(ue.Msg, "\n")
	if len(lines) != 2 || !strings.HasPrefix(lines[0], "Missing trials") || lines[1] != "Example: /trial S101 G2 + + v - + (help trial shows all)" {
		t.Errorf("error %q: want one line saying what is missing and one example", ue.Msg)
	}
	// An error about a named value shows an example that gives it.
	raw, _ = Raw(trialCmd, "S101 G1 + at 23:00")
	_, err = Parse(trialCmd, raw, scope())
	if ue, ok := AsUserError(err); !ok || !strings.HasSuffix(ue.Msg, "\nExample: /trial Ava G1 VP GP I NR at 10:15 (help trial shows all)") {
		t.Errorf("error about at: %v", err)
	}
}

// FuzzRawTyped checks the free-text splitter on any text for a command
// with times, comments and leading words: no panic, only user errors,
// and every value it returns is text that was typed.
func FuzzRawTyped(f *testing.F) {
	for _, s := range []string{"ava g1 vp at 10:15", "ava class to speech -- tired", "x 20m ago", "at at at", "-- --", "a to to to", `"at" 10:15 ago`} {
		f.Add(s)
	}
	f.Fuzz(func(t *testing.T, s string) {
		for _, cmd := range []*Command{trialCmd, moveCmd} {
			raw, err := Raw(cmd, s)
			if err != nil {
				if _, ok := AsUserError(err); !ok {
					t.Fatalf("Raw(%q) returned a non-user error %v", s, err)
				}
				continue
			}
			for k, v := range raw {
				if _, ok := cmd.Param(k); !ok {
					t.Fatalf("Raw(%q) gave unknown parameter %q", s, k)
				}
				if _, err := Parse(cmd, map[string]string{k: v}, scope()); err != nil {
					if _, ok := AsUserError(err); !ok {
						t.Fatalf("Parse(%q=%q) returned a non-user error %v", k, v, err)
					}
				}
			}
		}
	})
}

func TestClosestStudents(t *testing.T) {
	list := []storage.Student{
		{ID: 1, Code: "S101", Initials: "A.B.", FirstName: "Ava", LastName: "Brooks"},
		{ID: 3, Code: "S103", Initials: "A.B.", FirstName: "Aiden", LastName: "Baker"},
		{ID: 4, Code: "S104", Initials: "S.M.", FirstName: "Sofia", LastName: "Martinez"},
		{ID: 6, Code: "S106", Initials: "S.J.", FirstName: "Sofia", LastName: "Johnson"},
		{ID: 7, Code: "S107", Initials: "N.W.", FirstName: "Noah", LastName: "Williams"},
	}
	for _, tc := range []struct {
		in   string
		want []int64
	}{
		{"aidan", []int64{3}},
		{"Aidem", []int64{3}},
		{"sofia m", []int64{4, 6}},
		{"sofia martines", []int64{4}},
		{"s1O4", []int64{4}},
		{"noha", []int64{7}},
		{"zachary", nil},
		{"", nil},
		{strings.Repeat("a", 100), nil},
	} {
		var got []int64
		near, _ := closest(tc.in, list, 5)
		for _, st := range near {
			got = append(got, st.ID)
		}
		if !reflect.DeepEqual(got, tc.want) {
			t.Errorf("closest(%q) = %v, want %v", tc.in, got, tc.want)
		}
	}
	sc := &Scope{Caseload: list}
	_, err := ResolveStudent("aidan", sc)
	ue, ok := AsUserError(err)
	if !ok || ue.Msg != `No student on your caseload matches "aidan". Did you mean Aiden B. (S103)?` || len(ue.Choices) != 1 || ue.Choices[0] != (Choice{Value: "S103", Label: "Aiden B. (S103)"}) {
		t.Errorf("aidan: %v %+v", err, ue)
	}
}

func TestNamedAndGoalTitle(t *testing.T) {
	if got := Named(storage.Student{Code: "S103", Initials: "A.B.", FirstName: "Aiden", LastName: "baker"}); got != "Aiden B. (S103)" {
		t.Errorf("Named = %q", got)
	}
	if got := Named(storage.Student{Code: "S109", Initials: "Z.Z."}); got != "Z.Z. (S109)" {
		t.Errorf("Named without a name = %q", got)
	}
	for text, want := range map[string]string{
		"Aiden will write his first and last name legibly on primary-lined paper, with letters sized and spaced correctly.":      "write his first and last name",
		"During whole-group carpet time, Ava will stay in her assigned spot with hands to herself for 10 minutes.":               "stay in her assigned spot",
		"Liam will produce /s/ and /s/-blends at the start of words in phrases with 80% accuracy, given no more than one model.": "produce /s/ and /s/-blends",
		"Using a place-value mat, Aiden will add and subtract two-digit numbers with regrouping with 80% accuracy.":              "add and subtract two-digit numbers",
		"Reads, aloud.": "Reads",
		"":              "G1",
	} {
		if got := GoalTitle(storage.Goal{Code: "G1", Text: text}); got != want {
			t.Errorf("GoalTitle(%q) = %q, want %q", text, got, want)
		}
	}
}

// FuzzCodes checks the school's code table parser on any setting: no
// panic, and every table it accepts reads its own codes back.
func FuzzCodes(f *testing.F) {
	for _, s := range []string{"vp=verbal", "i=independent, x=incorrect, nr=no response", "a=b", "=,", "pp=partial physical,p=partial  physical"} {
		f.Add(s)
	}
	f.Fuzz(func(t *testing.T, spec string) {
		codes, err := ParseCodes(spec)
		if err != nil {
			return
		}
		for code, tc := range codes {
			rs, err := ParseTrials(code, codes)
			if err != nil || len(rs) != 1 || rs[0].Outcome != tc.Outcome || rs[0].Prompt != tc.Prompt {
				t.Fatalf("code %q of %q reads as %v, %v; want %v", code, spec, rs, err, tc)
			}
		}
	})
}

// TestStrayField: a name=value whose name is no parameter is refused
// naming it (and the field it is close to) where it cannot be part of a
// value, and kept as typed inside free text unless it is a near miss.
func TestStrayField(t *testing.T) {
	for _, tc := range []struct {
		cmd   *Command
		in    string
		want  map[string]string
		err   string
		param string
	}{
		{testCmd, "AB hit a=x severity=2 colour=red", nil,
			"colour= is not a field of /incident; its fields are antecedent=, severity=, at=, duration=, injury=, strategies=, place=.\nExample: ", ""},
		{testCmd, "AB hit a=x severty=2", nil, "severty= is not a field of /incident; did you mean severity=?\nExample: ", "severity"},
		{testCmd, "AB hit antecendent=x", nil, "antecendent= is not a field of /incident; did you mean antecedent=?", "antecedent"},
		{testCmd, "AB hit duration=5m note=x", nil, "note= is not a field of /incident;", ""},
		{testCmd, "AB hit strategies=break colour=red", nil, "colour= is not a field of /incident;", ""},
		{trialCmd, "ava g1 + + colour=red", nil, "colour= is not a field of /trial; its fields are at=, note=.", ""},
		{trialCmd, "ava g1 + + x=1", nil, "x= is not a field of /trial;", ""},
		// In free text an unknown name= is text.
		{testCmd, "AB hit a=ratio=1:1 x=5 severity=2", map[string]string{"student": "AB", "behavior": "hit", "antecedent": "ratio=1:1 x=5", "severity": "2"}, "", ""},
		{testCmd, "AB colour=red hit severity=2", map[string]string{"student": "AB", "behavior": "colour=red hit", "severity": "2"}, "", ""},
		{trialCmd, "ava g1 + note=ratio=1:1, colour=red", map[string]string{"student": "ava", "goal": "g1", "trials": "+", "note": "ratio=1:1, colour=red"}, "", ""},
		{moveCmd, "ava class to gym door=3", map[string]string{"student": "ava", "from": "class", "to": "gym door=3"}, "", ""},
		// Not written like a name: never a field.
		{testCmd, "AB hit severity=2 2+2=4", map[string]string{"student": "AB", "behavior": "hit", "severity": "2 2+2=4"}, "", ""},
		{testCmd, `AB hit severity=2 "colour=red"`, map[string]string{"student": "AB", "behavior": "hit", "severity": `2 "colour=red"`}, "", ""},
	} {
		got, err := Raw(tc.cmd, tc.in)
		if tc.err != "" {
			ue, ok := AsUserError(err)
			if !ok || !strings.Contains(ue.Msg, tc.err) || ue.Param != tc.param {
				t.Errorf("Raw(%q) error = %v (param %q), want %q (param %q)", tc.in, err, paramOf(ue), tc.err, tc.param)
			}
			continue
		}
		if err != nil || !reflect.DeepEqual(got, tc.want) {
			t.Errorf("Raw(%q) = %v, %v; want %v", tc.in, got, err, tc.want)
		}
	}
	// A form or a button gives names directly: the same answer.
	_, err := Parse(testCmd, map[string]string{"student": "S101", "behavior": "x", "severty": "2"}, scope())
	if ue, ok := AsUserError(err); !ok || !strings.HasPrefix(ue.Msg, "severty= is not a field of /incident; did you mean severity=?") {
		t.Errorf("Parse with severty: %v", err)
	}
}

// TestLongTextNamesItsField: text over a field's limit is refused naming
// that field and its own length, at any size a line may have; only a
// line over MaxInputLen is refused as a whole, with that limit.
func TestLongTextNamesItsField(t *testing.T) {
	for _, n := range []int{501, 3000, 4500, 5000, 60000} {
		raw, err := Raw(testCmd, "S101 "+strings.Repeat("x", n)+" a=x severity=1")
		if err == nil {
			_, err = Parse(testCmd, raw, scope())
		}
		want := fmt.Sprintf("The behavior is %d characters; the limit is 500.", n)
		if ue, ok := AsUserError(err); !ok || ue.Param != "behavior" || !strings.HasPrefix(ue.Msg, want) {
			t.Errorf("behavior of %d characters: %v, want %q", n, err, want)
		}
	}
	raw, err := Raw(testCmd, "S101 hit a="+strings.Repeat("é", 2000))
	if err == nil {
		_, err = Parse(testCmd, raw, scope())
	}
	if ue, ok := AsUserError(err); !ok || ue.Param != "antecedent" || !strings.HasPrefix(ue.Msg, "The antecedent is 2000 characters; the limit is 500.") {
		t.Errorf("antecedent of 2000 characters: %v", err)
	}
	_, err = Raw(testCmd, "S101 "+strings.Repeat("x", MaxInputLen))
	if ue, ok := AsUserError(err); !ok || ue.Msg != fmt.Sprintf("That line is %d characters; a command may be at most %d. Shorten it and send it again.", MaxInputLen+5, MaxInputLen) {
		t.Errorf("a line over MaxInputLen: %v", err)
	}
}
