package slack

import (
	"encoding/json"
	"slices"
	"strconv"
	"strings"

	slackapi "github.com/slack-go/slack"

	"parabot/bot"
)

// The callback_ids of parabot's modals: a command's form, and the view
// that replaces it once the form is saved.
const (
	formCallback   = "parabot_form"
	resultCallback = "parabot_result"
)

// NoStudents stands in for a student field when the user has nobody to
// choose from.
const NoStudents = "No students are assigned to you yet; ask your teacher or admin."

// completeLimit is the most choices Router.Complete returns; a student
// list that long may have more, so it is searched as the user types.
const completeLimit = 25

// formMeta travels in a modal's private_metadata: which command the form
// is for and where it was opened.
type formMeta struct {
	Command string `json:"c"`
	Channel string `json:"ch,omitempty"`
}

func (m formMeta) String() string {
	b, _ := json.Marshal(m)
	return string(b)
}

func parseMeta(s string) (formMeta, bool) {
	var m formMeta
	if err := json.Unmarshal([]byte(s), &m); err != nil || m.Command == "" {
		return formMeta{}, false
	}
	return m, true
}

// needsForm reports whether a command typed without text opens a form:
// it does when it has a required parameter; otherwise it just runs.
func needsForm(cmd *bot.Command) bool {
	return slices.ContainsFunc(cmd.Params, func(p bot.Param) bool { return p.Required })
}

// buildForm lays out the modal of a command from its declaration: one
// input block per parameter, block_id and action_id both the parameter's
// name. values are the current raw values (to keep what was typed when
// the form is redrawn); choices are the options of students, goals and
// prompts from Router.Complete. A goal is chosen after its student: until
// then the goal field is a hint. banner is an error for the whole form.
func buildForm(cmd *bot.Command, meta formMeta, values map[string]string, choices map[string][]bot.Choice, banner string) slackapi.ModalViewRequest {
	var bs []slackapi.Block
	if banner != "" {
		bs = append(bs, slackapi.NewSectionBlock(mrkdwn(clip(":warning: "+escape(banner), maxSectionText)), nil, nil, slackapi.SectionBlockOptionBlockID("banner")))
	}
	if cmd.Summary != "" {
		bs = append(bs, slackapi.NewContextBlock("summary", mrkdwn(clip(escape(cmd.Summary), maxSectionText))))
	}
	for _, p := range cmd.Params {
		if !p.Opens(values) {
			continue // a section that opens with a yes (a restraint's record)
		}
		if p.Kind == bot.KindGoal && values["student"] == "" {
			bs = append(bs, slackapi.NewContextBlock(p.Name+"_hint", plain(label(p.Name)+": choose a student first; their goals appear here.")))
			continue
		}
		if p.Kind == bot.KindStudent && len(choices[p.Name]) == 0 {
			// Block Kit refuses a select without options.
			bs = append(bs, slackapi.NewContextBlock(p.Name+"_hint", plain(NoStudents)))
			continue
		}
		if p.Kind == bot.KindGoal && len(choices[p.Name]) == 0 {
			bs = append(bs, slackapi.NewContextBlock(p.Name+"_hint", plain(label(p.Name)+": this student has no goals to choose from.")))
			continue
		}
		in := paramInput(p, values[p.Name], choices[p.Name])
		if (p.Kind == bot.KindGoal && hasValues(cmd)) || cmd.OpensSection(p.Name) {
			in.DispatchAction = true // the goal's type shapes the values field; a yes opens a section
		}
		bs = append(bs, in)
	}
	return slackapi.ModalViewRequest{
		Type:            slackapi.VTModal,
		Title:           plain(clip(label(cmd.Name), 24)),
		Submit:          plain("Save"),
		Close:           plain("Cancel"),
		Blocks:          slackapi.Blocks{BlockSet: bs},
		CallbackID:      formCallback,
		PrivateMetadata: meta.String(),
	}
}

// resultView is what a saved form turns into: the reply, with its buttons.
func resultView(cmd string, meta formMeta, r bot.Reply) slackapi.ModalViewRequest {
	return slackapi.ModalViewRequest{
		Type:            slackapi.VTModal,
		Title:           plain(clip(label(cmd), 24)),
		Close:           plain("Done"),
		Blocks:          slackapi.Blocks{BlockSet: blocks(r)},
		CallbackID:      resultCallback,
		PrivateMetadata: meta.String(),
	}
}

// paramInput is the input block of one parameter.
func paramInput(p bot.Param, value string, choices []bot.Choice) *slackapi.InputBlock {
	if value == "" {
		value = p.Default
	}
	optional := !p.Required
	dispatch := false
	help := ""
	var el slackapi.BlockElement
	switch p.Kind {
	case bot.KindStudent:
		dispatch = true // choosing a student fills in their goals
		if len(choices) >= completeLimit {
			ext := slackapi.NewOptionsSelectBlockElement(slackapi.OptTypeExternal, plain("Type a name or code"), p.Name)
			zero := 0
			ext.MinQueryLength = &zero
			if value != "" {
				ext.InitialOption = option(bot.Choice{Value: value, Label: labelOf(value, choices)})
			}
			el = ext
		} else {
			el = selectOf(p.Name, choices, value)
		}
	case bot.KindGoal:
		el = selectOf(p.Name, choices, value)
	case bot.KindValues:
		if len(choices) > 1 {
			el = selectOf(p.Name, choices, value) // a rating's scale
			break
		}
		t := textInput(p, value)
		if len(choices) == 1 {
			help = choices[0].Label // how this goal's values are typed
		}
		el = t
	case bot.KindPrompt:
		if pr, err := bot.ParsePrompt(value); err == nil {
			value = pr.String()
		}
		if len(choices) == 0 {
			choices = bot.PromptChoices()
		}
		el = selectOf(p.Name, choices, value)
	case bot.KindChoice:
		if len(p.Choices) == 0 {
			el = textInput(p, value)
			break
		}
		el = selectOf(p.Name, p.Choices, value)
	case bot.KindBool:
		if p.Default == "" {
			// Yes, no, or left unanswered: an unanswered question stays
			// "not recorded", which an unticked box could not say.
			optional = true
			el = selectOf(p.Name, []bot.Choice{{Value: "yes", Label: "Yes"}, {Value: "no", Label: "No"}}, value)
			break
		}
		optional = true // an unticked box is an answer: no
		yes := option(bot.Choice{Value: "yes", Label: "Yes"})
		cb := slackapi.NewCheckboxGroupsBlockElement(p.Name, yes)
		if isYes(value) {
			cb.InitialOptions = []*slackapi.OptionBlockObject{yes}
		}
		el = cb
	case bot.KindInt:
		if p.Max-p.Min < 10 {
			var cs []bot.Choice
			for n := p.Min; n <= p.Max; n++ {
				cs = append(cs, bot.Choice{Value: strconv.Itoa(n)})
			}
			el = selectOf(p.Name, cs, value)
			break
		}
		num := slackapi.NewNumberInputBlockElement(nil, p.Name, false)
		num.MinValue, num.MaxValue, num.InitialValue = strconv.Itoa(p.Min), strconv.Itoa(p.Max), value
		el = num
	case bot.KindTime:
		if value == "" {
			value = "now"
		}
		el = textInput(p, value)
	default:
		el = textInput(p, value)
	}
	var hint *slackapi.TextBlockObject
	if help != "" {
		hint = plain(clip(help, 2000))
	} else if h := hintOf(p); h != "" {
		hint = plain(h)
	}
	in := slackapi.NewInputBlock(p.Name, plain(label(p.Name)), hint, el)
	in.Optional = optional
	in.DispatchAction = dispatch
	return in
}

func textInput(p bot.Param, value string) *slackapi.PlainTextInputBlockElement {
	t := slackapi.NewPlainTextInputBlockElement(nil, p.Name)
	t.InitialValue = value
	maxLen := p.MaxLen
	if maxLen == 0 {
		maxLen = bot.DefaultMaxLen
	}
	switch p.Kind {
	case bot.KindText:
		t.MaxLength = min(maxLen, 3000)
		t.Multiline = maxLen > 150
	case bot.KindTrials:
		t.Placeholder = plain("+ + v - +")
	case bot.KindList:
		t.Placeholder = plain("a, b, c")
	}
	return t
}

// selectOf is a static select of choices, with value chosen when it is
// one of them.
func selectOf(name string, choices []bot.Choice, value string) *slackapi.SelectBlockElement {
	opts := make([]*slackapi.OptionBlockObject, 0, min(len(choices), maxOptions))
	var initial *slackapi.OptionBlockObject
	for _, c := range choices[:min(len(choices), maxOptions)] {
		o := option(c)
		if value != "" && (strings.EqualFold(value, c.Value) || strings.EqualFold(value, c.Label)) && initial == nil {
			initial = o
		}
		opts = append(opts, o)
	}
	s := slackapi.NewOptionsSelectBlockElement(slackapi.OptTypeStatic, plain("Choose"), name, opts...)
	s.InitialOption = initial
	return s
}

func option(c bot.Choice) *slackapi.OptionBlockObject {
	text := c.Label
	if text == "" {
		text = c.Value
	}
	return slackapi.NewOptionBlockObject(c.Value, plain(clip(text, maxOptionText)), nil)
}

func labelOf(value string, choices []bot.Choice) string {
	for _, c := range choices {
		if c.Value == value && c.Label != "" {
			return c.Label
		}
	}
	return value
}

// hintOf is the line under a field: the parameter's help, and the usual
// values of a free-text field.
func hintOf(p bot.Param) string {
	h := p.Help
	if (p.Kind == bot.KindText || p.Kind == bot.KindList) && len(p.Choices) > 0 {
		vs := make([]string, len(p.Choices))
		for i, c := range p.Choices {
			vs[i] = c.Value
		}
		h += " (e.g. " + strings.Join(vs, ", ") + ")"
	}
	return clip(strings.TrimSpace(h), 2000)
}

// label turns a parameter or command name into a field label.
func label(name string) string {
	s := strings.ReplaceAll(name, "_", " ")
	if s == "" {
		return s
	}
	return strings.ToUpper(s[:1]) + s[1:]
}

func isYes(s string) bool {
	switch strings.ToLower(strings.TrimSpace(s)) {
	case "yes", "y", "true", "1":
		return true
	}
	return false
}

// formValues reads a form's state back into raw values by parameter
// name, as Request.Args wants them. Empty fields are left out, so the
// core applies defaults and reports what is missing.
func formValues(cmd *bot.Command, state *slackapi.ViewState) map[string]string {
	vals := map[string]string{}
	if state == nil {
		return vals
	}
	for _, p := range cmd.Params {
		act, ok := state.Values[p.Name][p.Name]
		if !ok {
			continue
		}
		var v string
		switch string(act.Type) {
		case "static_select", "external_select":
			v = act.SelectedOption.Value
		case "checkboxes":
			v = "no"
			if len(act.SelectedOptions) > 0 {
				v = "yes"
			}
		case "timepicker":
			v = act.SelectedTime
		default:
			v = act.Value
		}
		if v = strings.TrimSpace(v); v != "" {
			vals[p.Name] = v
		}
	}
	return vals
}

// hasInput reports whether a view has an input block with that block_id:
// only those can carry a field error.
func hasInput(v slackapi.View, blockID string) bool {
	if blockID == "" {
		return false
	}
	for _, b := range v.Blocks.BlockSet {
		if in, ok := b.(*slackapi.InputBlock); ok && in.BlockID == blockID {
			return true
		}
	}
	if v.State != nil {
		_, ok := v.State.Values[blockID]
		return ok
	}
	return false
}

// fieldError is a core error message as a field shows it (bot.WithoutHint),
// within Slack's 2,000 characters.
func fieldError(msg string) string { return clip(bot.WithoutHint(msg), 2000) }
