package slack

import (
	"context"
	"encoding/json"
	"strings"
	"testing"

	slackapi "github.com/slack-go/slack"

	"parabot/bot"
)

// formCommand declares one parameter of every kind, as commands do.
func formCommand() *bot.Command {
	return &bot.Command{
		Name:    "log",
		Summary: "Log something.",
		Params: []bot.Param{
			{Name: "student", Kind: bot.KindStudent, Required: true, Positional: true, Help: "who"},
			{Name: "goal", Kind: bot.KindGoal, Required: true, Positional: true, Help: "which goal"},
			{Name: "trials", Kind: bot.KindTrials, Required: true, Help: bot.TrialHelp},
			{Name: "prompt", Kind: bot.KindPrompt, Default: "v", Help: "support"},
			{Name: "at", Kind: bot.KindTime, Default: "now", Help: "when"},
			{Name: "mood", Kind: bot.KindChoice, Choices: []bot.Choice{{Value: "calm", Label: "Calm"}, {Value: "upset", Label: "Upset"}}},
			{Name: "injury", Kind: bot.KindBool, Default: "no", Help: "anyone hurt"},
			{Name: "severity", Kind: bot.KindInt, Required: true, Min: 1, Max: 5},
			{Name: "count", Kind: bot.KindInt, Min: 0, Max: 500},
			{Name: "setting", Kind: bot.KindText, MaxLen: 100, Choices: []bot.Choice{{Value: "hallway"}, {Value: "bus"}}},
			{Name: "notes", Kind: bot.KindText, MaxLen: 2000},
			{Name: "duration", Kind: bot.KindDuration},
		},
		Run: func(context.Context, *bot.Call) (bot.Reply, error) { return bot.Reply{Text: "ok"}, nil },
	}
}

// wire is a view as Slack receives it, decoded generically.
func wire(t *testing.T, v any) map[string]any {
	t.Helper()
	b, err := json.Marshal(v)
	if err != nil {
		t.Fatal(err)
	}
	var out map[string]any
	if err := json.Unmarshal(b, &out); err != nil {
		t.Fatal(err)
	}
	return out
}

func inputsByID(t *testing.T, view map[string]any) map[string]map[string]any {
	t.Helper()
	out := map[string]map[string]any{}
	for _, b := range view["blocks"].([]any) {
		blk := b.(map[string]any)
		if blk["type"] == "input" {
			out[blk["block_id"].(string)] = blk
		}
	}
	return out
}

func TestBuildFormBeforeStudent(t *testing.T) {
	t.Parallel()
	students := []bot.Choice{{Value: "S101", Label: "A.B. (S101)"}, {Value: "S102", Label: "C.D. (S102)"}}
	view := wire(t, buildForm(formCommand(), formMeta{Command: "log", Channel: "C1"}, map[string]string{},
		map[string][]bot.Choice{"student": students, "prompt": bot.PromptChoices()}, ""))
	if view["type"] != "modal" || view["callback_id"] != formCallback {
		t.Fatalf("view = %v", view)
	}
	if m, ok := parseMeta(view["private_metadata"].(string)); !ok || m.Command != "log" || m.Channel != "C1" {
		t.Errorf("private_metadata = %v", view["private_metadata"])
	}
	in := inputsByID(t, view)
	if _, ok := in["goal"]; ok {
		t.Error("the goal is an input before a student is chosen")
	}
	st := in["student"]
	if st["dispatch_action"] != true || st["optional"] != nil {
		t.Errorf("student block = %v", st)
	}
	el := st["element"].(map[string]any)
	if el["type"] != "static_select" || el["action_id"] != "student" || len(el["options"].([]any)) != 2 {
		t.Errorf("student element = %v", el)
	}
	want := map[string]string{
		"trials": "plain_text_input", "prompt": "static_select", "at": "plain_text_input", "mood": "static_select",
		"injury": "checkboxes", "severity": "static_select", "count": "number_input", "setting": "plain_text_input",
		"notes": "plain_text_input", "duration": "plain_text_input",
	}
	for id, typ := range want {
		blk, ok := in[id]
		if !ok {
			t.Errorf("no input block %q", id)
			continue
		}
		el := blk["element"].(map[string]any)
		if el["type"] != typ || el["action_id"] != id {
			t.Errorf("%s element = %v, want %s", id, el, typ)
		}
	}
	if v := in["at"]["element"].(map[string]any)["initial_value"]; v != "now" {
		t.Errorf("time starts at %v, want now", v)
	}
	if o := in["prompt"]["element"].(map[string]any)["initial_option"].(map[string]any); o["value"] != "verbal" {
		t.Errorf("prompt default = %v, want verbal", o)
	}
	if in["injury"]["optional"] != true || in["injury"]["element"].(map[string]any)["initial_options"] != nil {
		t.Errorf("injury = %v", in["injury"])
	}
	if in["trials"]["optional"] != nil || in["notes"]["optional"] != true {
		t.Errorf("required/optional wrong: trials %v, notes %v", in["trials"]["optional"], in["notes"]["optional"])
	}
	notes := in["notes"]["element"].(map[string]any)
	if notes["multiline"] != true || notes["max_length"] != float64(2000) {
		t.Errorf("notes = %v", notes)
	}
	if sev := in["severity"]["element"].(map[string]any)["options"].([]any); len(sev) != 5 {
		t.Errorf("severity options = %v", sev)
	}
	if h := in["setting"]["hint"].(map[string]any)["text"]; h != "(e.g. hallway, bus)" {
		t.Errorf("setting hint = %v", h)
	}
}

func TestBuildFormWithStudent(t *testing.T) {
	t.Parallel()
	students := []bot.Choice{{Value: "S101", Label: "A.B. (S101)"}}
	goals := []bot.Choice{{Value: "G1", Label: "G1 Requests a break"}, {Value: "G2", Label: "G2 Coins"}}
	values := map[string]string{"student": "S101", "goal": "G2", "trials": "+ + v", "injury": "yes"}
	view := wire(t, buildForm(formCommand(), formMeta{Command: "log"}, values,
		map[string][]bot.Choice{"student": students, "goal": goals}, "Something to fix"))
	blocks := view["blocks"].([]any)
	if b := blocks[0].(map[string]any); b["block_id"] != "banner" {
		t.Errorf("first block = %v, want the banner", b)
	}
	in := inputsByID(t, view)
	if o := in["student"]["element"].(map[string]any)["initial_option"].(map[string]any); o["value"] != "S101" {
		t.Errorf("student = %v", o)
	}
	goal := in["goal"]["element"].(map[string]any)
	if goal["type"] != "static_select" || len(goal["options"].([]any)) != 2 {
		t.Fatalf("goal = %v", goal)
	}
	if o := goal["initial_option"].(map[string]any); o["value"] != "G2" {
		t.Errorf("goal initial = %v", o)
	}
	if v := in["trials"]["element"].(map[string]any)["initial_value"]; v != "+ + v" {
		t.Errorf("trials kept as %v", v)
	}
	if o := in["injury"]["element"].(map[string]any)["initial_options"]; o == nil {
		t.Error("injury lost its tick")
	}
}

func TestBuildFormLongCaseloadSearches(t *testing.T) {
	t.Parallel()
	var students []bot.Choice
	for i := range completeLimit {
		students = append(students, bot.Choice{Value: "S" + string(rune('A'+i)), Label: "x"})
	}
	view := wire(t, buildForm(formCommand(), formMeta{Command: "log"}, map[string]string{}, map[string][]bot.Choice{"student": students}, ""))
	el := inputsByID(t, view)["student"]["element"].(map[string]any)
	if el["type"] != "external_select" || el["min_query_length"] != float64(0) {
		t.Errorf("student element = %v", el)
	}
}

func TestFormValues(t *testing.T) {
	t.Parallel()
	payload := `{"values":{
		"student":{"student":{"type":"static_select","selected_option":{"value":"S101","text":{"type":"plain_text","text":"A.B. (S101)"}}}},
		"goal":{"goal":{"type":"external_select","selected_option":{"value":"G2"}}},
		"trials":{"trials":{"type":"plain_text_input","value":" + + v "}},
		"prompt":{"prompt":{"type":"static_select","selected_option":null}},
		"at":{"at":{"type":"plain_text_input","value":null}},
		"injury":{"injury":{"type":"checkboxes","selected_options":[]}},
		"count":{"count":{"type":"number_input","value":"12"}},
		"unknown":{"unknown":{"type":"plain_text_input","value":"x"}}
	}}`
	var st slackapi.ViewState
	if err := json.Unmarshal([]byte(payload), &st); err != nil {
		t.Fatal(err)
	}
	got := formValues(formCommand(), &st)
	want := map[string]string{"student": "S101", "goal": "G2", "trials": "+ + v", "injury": "no", "count": "12"}
	if len(got) != len(want) {
		t.Errorf("formValues = %v, want %v", got, want)
	}
	for k, v := range want {
		if got[k] != v {
			t.Errorf("%s = %q, want %q", k, got[k], v)
		}
	}
}

func TestFieldError(t *testing.T) {
	t.Parallel()
	got := fieldError("Goal \"G7\" not found for A.B. — their goals are G1, G2.\nUsage: /trial <student> <goal> <trials>")
	if got != "Goal \"G7\" not found for A.B. — their goals are G1, G2." {
		t.Errorf("fieldError = %q", got)
	}
}

func TestNeedsForm(t *testing.T) {
	t.Parallel()
	if !needsForm(formCommand()) {
		t.Error("a command with required parameters needs a form")
	}
	if needsForm(&bot.Command{Name: "undo", Params: []bot.Param{{Name: "reason", Kind: bot.KindText}}}) {
		t.Error("a command without required parameters just runs")
	}
}

func TestBuildFormEmptyCaseload(t *testing.T) {
	t.Parallel()
	view := wire(t, buildForm(formCommand(), formMeta{Command: "log"}, map[string]string{}, map[string][]bot.Choice{"student": nil}, ""))
	if msg := invalidView(apiCall{JSON: map[string]any{"view": view}}); msg != "" {
		t.Fatalf("Slack would refuse the form: %s", msg)
	}
	if _, ok := inputsByID(t, view)["student"]; ok {
		t.Error("a student field with nobody to choose")
	}
	if text := blockText(view["blocks"]); !strings.Contains(text, NoStudents) {
		t.Errorf("form says %q", text)
	}
}

func TestFakeSlackRefusesEmptySelect(t *testing.T) {
	t.Parallel()
	view := wire(t, slackapi.ModalViewRequest{Type: slackapi.VTModal, Blocks: slackapi.Blocks{BlockSet: []slackapi.Block{
		slackapi.NewInputBlock("student", plain("Student"), nil, selectOf("student", nil, "")),
	}}})
	if msg := invalidView(apiCall{JSON: map[string]any{"view": view}}); !strings.Contains(msg, "must provide at least 1 option") {
		t.Errorf("invalidView = %q", msg)
	}
}

// TestFormOpensSections: a yes/no question with no default is a select
// that may stay empty (not recorded); answering yes to restraint opens
// the fields of its record; a values field follows the chosen goal.
func TestFormOpensSections(t *testing.T) {
	t.Parallel()
	cmd := &bot.Command{Name: "incident", Params: []bot.Param{
		{Name: "student", Kind: bot.KindStudent, Required: true, Positional: true},
		{Name: "goal", Kind: bot.KindGoal, Positional: true},
		{Name: "values", Kind: bot.KindValues, Positional: true},
		{Name: "restraint", Kind: bot.KindBool, Help: "restrained"},
		{Name: "hold", Kind: bot.KindText, OpensWith: []string{"restraint"}},
	}}
	students := []bot.Choice{{Value: "S101", Label: "A.B. (S101)"}}
	goals := []bot.Choice{{Value: "G2", Label: "G2 Coins"}}
	closed := inputsByID(t, wire(t, buildForm(cmd, formMeta{Command: "incident"}, map[string]string{"student": "S101"},
		map[string][]bot.Choice{"student": students, "goal": goals}, "")))
	if _, ok := closed["hold"]; ok {
		t.Error("the restraint record is shown before restraint is yes")
	}
	r := closed["restraint"]
	if el := r["element"].(map[string]any); el["type"] != "static_select" || r["optional"] != true || r["dispatch_action"] != true {
		t.Errorf("restraint = %v, want an optional select that redraws the form", r)
	}
	if closed["goal"]["dispatch_action"] != true {
		t.Error("choosing a goal does not redraw the values field")
	}
	open := inputsByID(t, wire(t, buildForm(cmd, formMeta{Command: "incident"}, map[string]string{"student": "S101", "goal": "G2", "restraint": "yes"},
		map[string][]bot.Choice{"student": students, "goal": goals, "values": {{Value: "?", Label: "G2 is duration: how long, like 8m30s"}}}, "")))
	if _, ok := open["hold"]; !ok {
		t.Error("restraint=yes does not open its record")
	}
	if h := open["values"]["hint"].(map[string]any)["text"]; h != "G2 is duration: how long, like 8m30s" {
		t.Errorf("values hint = %v, want the goal type's", h)
	}
	rating := inputsByID(t, wire(t, buildForm(cmd, formMeta{Command: "incident"}, map[string]string{"student": "S101", "goal": "G2"},
		map[string][]bot.Choice{"student": students, "goal": goals, "values": {{Value: "1", Label: "1 not yet"}, {Value: "2", Label: "2 mastered"}}}, "")))
	if el := rating["values"]["element"].(map[string]any); el["type"] != "static_select" || len(el["options"].([]any)) != 2 {
		t.Errorf("values of a rating = %v, want its scale", el)
	}
}
