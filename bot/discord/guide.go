package discord

import (
	"cmp"
	"context"
	"crypto/rand"
	"encoding/base32"
	"encoding/json"
	"errors"
	"fmt"
	"maps"
	"slices"
	"strconv"
	"strings"
	"time"

	"github.com/bwmarrin/discordgo"

	"parabot/bot"
	"parabot/storage"
)

// The guided form asks, on Discord, for what a command typed without all
// its required values lacks: one ephemeral message whose select menus ask
// the questions with a few answers (severity, yes/no), in the order the
// command declares them, and whose buttons open modals for what is
// written (five text inputs each, the most a modal holds). A section that
// opens on a yes (an incident's restraint record) gets its own modal once
// the yes is given. Nothing is saved before the Save button, and Save
// runs the command through the router like the one-line command, so the
// same rules refuse what is wrong or missing. What was given so far is a
// draft in the store under a short key, for draftTTL, so any replica can
// take the next step; the message's custom_ids carry only the key.

// guidePrefix starts the custom_id of every component and modal of a
// guided form: "guide:<key>:<step>".
const guidePrefix = "guide:"

// keyAction is the action of a button whose action and value are too
// long for custom_id: "key:<key>" names them in the store.
const keyAction = "key"

// How long a guided form's answers and a stored button are kept.
const (
	draftTTL  = time.Hour
	buttonTTL = 24 * time.Hour
)

// maxSelectOptions is how many options a Discord select menu holds.
const maxSelectOptions = 25

// questionRows is how many questions a guided form's message asks at once:
// two of its five rows hold the modal buttons and Save/Cancel.
const questionRows = maxRows - 2

// notRecorded is the select option that leaves an optional question
// unanswered on purpose.
const notRecorded = "-"

// draft is a guided form's state between interactions.
type draft struct {
	User    string            `json:"u"` // the Discord user whose form it is
	Command string            `json:"c"`
	Channel string            `json:"ch,omitempty"`
	Values  map[string]string `json:"v"`           // raw values by parameter name
	Skipped []string          `json:"s,omitempty"` // questions left unanswered on purpose
	Problem string            `json:"p,omitempty"` // what the last answer or Save got wrong
	Title   string            `json:"t,omitempty"` // the headline: who the form is about
	Change  string            `json:"a,omitempty"` // a question to ask again, first
}

// page is one modal of a guided form.
type page struct {
	label  string // the button that opens it
	params []bot.Param
}

// guided reports whether a command is asked in steps on Discord: it has a
// section that opens on a yes. Its options other than the student are
// optional when registered, so it can be started with what the user
// knows; the guided form asks for the rest.
func guided(cmd *bot.Command) bool {
	return slices.ContainsFunc(cmd.Params, func(p bot.Param) bool { return len(p.OpensWith) > 0 })
}

// isQuestion reports whether a guided form asks p with a select menu
// rather than a text input.
func isQuestion(p bot.Param) bool {
	switch p.Kind {
	case bot.KindBool, bot.KindPrompt:
		return true
	case bot.KindInt:
		return p.Max-p.Min < maxSelectOptions-1
	case bot.KindChoice:
		return len(p.Choices) > 0 && len(p.Choices) < maxSelectOptions
	}
	return false
}

// asks reports whether a guided form asks p at all: what has a default
// (the time, now) is left to it, a section only once it opened, and the
// student, once given, is the form's headline.
func asks(p bot.Param, values map[string]string) bool {
	return p.Default == "" && p.Opens(values) && (p.Kind != bot.KindStudent || values[p.Name] == "")
}

// questions are the parameters a guided form asks with select menus, in
// declaration order.
func questions(cmd *bot.Command, values map[string]string) []bot.Param {
	var out []bot.Param
	for _, p := range cmd.Params {
		if asks(p, values) && len(p.OpensWith) == 0 && isQuestion(p) {
			out = append(out, p)
		}
	}
	return out
}

// pages are the modals of a guided form: what is written, the required
// parameters first, five to a modal; then each opened section.
func pages(cmd *bot.Command, values map[string]string) []page {
	var written, section []bot.Param
	for _, required := range []bool{true, false} {
		for _, p := range cmd.Params {
			if asks(p, values) && len(p.OpensWith) == 0 && !isQuestion(p) && p.Required == required {
				written = append(written, p)
			}
		}
	}
	for _, p := range cmd.Params {
		if len(p.OpensWith) > 0 && asks(p, values) {
			section = append(section, p)
		}
	}
	var out []page
	for len(written) > 0 {
		n := min(len(written), maxModalInputs)
		out = append(out, page{label: labels(written[:n]), params: written[:n]})
		written = written[n:]
	}
	for len(section) > 0 {
		n := min(len(section), maxModalInputs)
		out = append(out, page{label: "Record of " + strings.Join(section[0].OpensWith, " or "), params: section[:n]})
		section = section[n:]
	}
	return out[:min(len(out), maxRowButtons)]
}

// labels names parameters for a button: "Behavior, antecedent, consequence".
func labels(ps []bot.Param) string {
	names := make([]string, len(ps))
	for i, p := range ps {
		names[i] = p.Name
	}
	return clip(formLabel(strings.Join(names, ", ")), maxButtonLabel)
}

// newKey is a short random key for the store.
func newKey() (string, error) {
	b := make([]byte, 10)
	if _, err := rand.Read(b); err != nil {
		return "", err
	}
	return strings.ToLower(base32.StdEncoding.EncodeToString(b)), nil
}

func draftKey(key string) string  { return "discord:draft:" + key }
func buttonKey(key string) string { return "discord:button:" + key }

// startGuide answers a guided command that lacks a required value with a
// guided form holding what was given, and reports false when it does not
// (the reply, which says what is missing, is then shown as it is). Other
// commands have their required options enforced by Discord.
func (a *Adapter) startGuide(ctx context.Context, req bot.Request, r bot.Reply) (*message, bool) {
	cmd, ok := a.router.Command(req.Command)
	if !ok || !guided(cmd) || !r.IsError || !r.Missing || r.Param == "" || len(r.Buttons) > 0 || req.Args == nil {
		return nil, false
	}
	d := draft{User: req.UserID, Command: cmd.Name, Channel: req.ChannelID, Values: map[string]string{}}
	for k, v := range req.Args {
		if strings.TrimSpace(v) != "" {
			d.Values[k] = strings.TrimSpace(v)
		}
	}
	if sc, err := a.scope(ctx, req.UserID); err == nil {
		for _, p := range cmd.Params {
			s := d.Values[p.Name]
			switch {
			case p.Kind == bot.KindStudent && s != "":
				// The draft keeps the code, and the headline the name
				// (the form is the caller's alone).
				if st, err := bot.ResolveStudent(s, sc); err == nil {
					d.Values[p.Name] = st.Code
					d.Title = bot.Named(st)
				}
			case p.Kind == bot.KindTime && (s != "" || p.Default != ""):
				// A time is fixed as meant when typed: "now" must not move
				// to when Save is pressed.
				if s == "" {
					s = p.Default
				}
				if t, err := bot.ParseTime(s, sc); err == nil {
					d.Values[p.Name] = t.Format("2006-01-02 15:04")
				}
			}
		}
	}
	key, err := newKey()
	if err != nil {
		a.log.Error("making a guided form key", "error", err)
		return nil, false
	}
	if err := a.putDraft(ctx, key, d); err != nil {
		a.log.Warn("storing a guided form", "command", cmd.Name, "error", err)
		return nil, false
	}
	m := a.guideMessage(cmd, key, d)
	return &m, true
}

// scope is the parsing scope of a Discord user; an error when they are
// not on the roster or the database does not answer.
func (a *Adapter) scope(ctx context.Context, uid string) (*bot.Scope, error) {
	st, err := a.router.Identify(ctx, storage.PlatformDiscord, uid, "")
	if err != nil {
		return nil, err
	}
	sc, _, err := a.router.Scope(ctx, st)
	return sc, err
}

func (a *Adapter) putDraft(ctx context.Context, key string, d draft) error {
	b, err := json.Marshal(d)
	if err != nil {
		return err
	}
	now := a.now()
	return a.store.PutDraft(ctx, draftKey(key), string(b), now, now.Add(draftTTL))
}

// errGone says a guided form is no longer in the store.
var errGone = errors.New("guided form gone")

func (a *Adapter) loadDraft(ctx context.Context, key string) (draft, error) {
	s, err := a.store.Draft(ctx, draftKey(key), a.now())
	if errors.Is(err, storage.ErrNotFound) {
		return draft{}, errGone
	}
	if err != nil {
		return draft{}, err
	}
	var d draft
	if err := json.Unmarshal([]byte(s), &d); err != nil || d.Values == nil {
		return draft{}, errGone
	}
	return d, nil
}

// guideMessage lays out a guided form: what is given so far, what is
// wrong or next, the next questions, the modal buttons, Save and Cancel.
func (a *Adapter) guideMessage(cmd *bot.Command, key string, d draft) message {
	title := "/" + cmd.Name
	if d.Title != "" {
		title += " for " + d.Title
	}
	e := &discordgo.MessageEmbed{Title: clip(title, maxTitle), Color: colorOK}
	var desc []string
	if d.Problem != "" {
		e.Color = colorError
		desc = append(desc, "⚠ "+d.Problem)
	}
	next, ready := nextStep(cmd, d)
	desc = append(desc, next, "Nothing is saved until you press Save.")
	e.Description = clip(strings.Join(desc, "\n"), maxDescription)
	for _, p := range cmd.Params {
		if !asks(p, d.Values) || len(e.Fields) == maxFields {
			continue
		}
		v, given := d.Values[p.Name]
		switch {
		case given:
			e.Fields = append(e.Fields, &discordgo.MessageEmbedField{Name: formLabel(p.Name), Value: clip(v, maxFieldValue), Inline: len(v) <= inlineUpTo})
		case slices.Contains(d.Skipped, p.Name):
			e.Fields = append(e.Fields, &discordgo.MessageEmbedField{Name: formLabel(p.Name), Value: "not recorded", Inline: true})
		}
	}
	rows := []discordgo.MessageComponent{}
	change := changeMenu(cmd, key, d)
	for _, p := range pending(cmd, d) {
		if len(rows) == questionRows || (change != nil && len(rows) == questionRows-1) {
			break
		}
		rows = append(rows, discordgo.ActionsRow{Components: []discordgo.MessageComponent{questionMenu(key, p)}})
	}
	if change != nil {
		rows = append(rows, discordgo.ActionsRow{Components: []discordgo.MessageComponent{*change}})
	}
	var pageButtons []discordgo.MessageComponent
	for i, pg := range pages(cmd, d.Values) {
		style := discordgo.SecondaryButton
		if missingIn(pg, d) {
			style = discordgo.PrimaryButton
		}
		pageButtons = append(pageButtons, discordgo.Button{Label: "✎ " + pg.label, Style: style,
			CustomID: guidePrefix + key + ":p:" + strconv.Itoa(i)})
	}
	if len(pageButtons) > 0 {
		rows = append(rows, discordgo.ActionsRow{Components: pageButtons})
	}
	rows = append(rows, discordgo.ActionsRow{Components: []discordgo.MessageComponent{
		discordgo.Button{Label: "Save", Style: discordgo.SuccessButton, CustomID: guidePrefix + key + ":save", Disabled: !ready},
		discordgo.Button{Label: "Cancel", Style: discordgo.SecondaryButton, CustomID: guidePrefix + key + ":cancel"},
	}})
	return message{Embeds: []*discordgo.MessageEmbed{e}, Components: rows, AllowedMentions: allowedMentions{Parse: []string{}}}
}

// pending are the questions not answered yet, in order; one the user
// chose to change comes first.
func pending(cmd *bot.Command, d draft) []bot.Param {
	var out []bot.Param
	for _, p := range questions(cmd, d.Values) {
		if _, given := d.Values[p.Name]; !given && !slices.Contains(d.Skipped, p.Name) {
			if p.Name == d.Change {
				out = append([]bot.Param{p}, out...)
			} else {
				out = append(out, p)
			}
		}
	}
	return out
}

// missingIn reports whether a page has a value still needed: a required
// parameter, or any of an opened section's.
func missingIn(pg page, d draft) bool {
	for _, p := range pg.params {
		if _, given := d.Values[p.Name]; !given && (p.Required || len(p.OpensWith) > 0) {
			return true
		}
	}
	return false
}

// nextStep says what the form wants next, and whether it is ready to save.
func nextStep(cmd *bot.Command, d draft) (string, bool) {
	for _, pg := range pages(cmd, d.Values) {
		if missingIn(pg, d) {
			return "Next: press ✎ " + pg.label + ".", false
		}
	}
	if q := pending(cmd, d); len(q) > 0 {
		return "Next: " + strings.ReplaceAll(q[0].Name, "_", " ") + " (choose below).", false
	}
	if d.Problem != "" {
		return "Fix that, then press Save.", false
	}
	return "Check the record, then press Save.", true
}

// changeMenu offers the questions answered so far, to ask one again; nil
// when none is.
func changeMenu(cmd *bot.Command, key string, d draft) *discordgo.SelectMenu {
	var opts []discordgo.SelectMenuOption
	for _, p := range questions(cmd, d.Values) {
		v, given := d.Values[p.Name]
		if !given && !slices.Contains(d.Skipped, p.Name) {
			continue
		}
		if !given {
			v = "not recorded"
		}
		opts = append(opts, discordgo.SelectMenuOption{Label: clip(formLabel(p.Name)+": "+v, 100), Value: p.Name})
	}
	if len(opts) == 0 {
		return nil
	}
	return &discordgo.SelectMenu{CustomID: guidePrefix + key + ":change", Placeholder: "Change an answer", Options: opts[:min(len(opts), maxSelectOptions)]}
}

// questionMenu is the select menu of one question.
func questionMenu(key string, p bot.Param) discordgo.SelectMenu {
	var cs []bot.Choice
	switch p.Kind {
	case bot.KindBool:
		cs = []bot.Choice{{Value: "yes", Label: "Yes"}, {Value: "no", Label: "No"}}
	case bot.KindInt:
		for n := p.Min; n <= p.Max; n++ {
			cs = append(cs, bot.Choice{Value: strconv.Itoa(n)})
		}
	case bot.KindPrompt:
		cs = bot.PromptChoices()
	default:
		cs = p.Choices
	}
	if !p.Required {
		cs = append(cs, bot.Choice{Value: notRecorded, Label: "Not recorded"})
	}
	opts := make([]discordgo.SelectMenuOption, 0, len(cs))
	for _, c := range cs[:min(len(cs), maxSelectOptions)] {
		label := c.Label
		if label == "" {
			label = c.Value
		}
		opts = append(opts, discordgo.SelectMenuOption{Label: clip(label, 100), Value: c.Value})
	}
	return discordgo.SelectMenu{CustomID: guidePrefix + key + ":q:" + p.Name, Placeholder: clip(formLabel(p.Name)+": "+cmp.Or(p.Brief, p.Help), 150), Options: opts}
}

// pageModal is the modal of one page, with what was given filled in.
func pageModal(cmd *bot.Command, key string, i int, pg page, d draft) response {
	var rows []discordgo.MessageComponent
	for _, p := range pg.params {
		rows = append(rows, discordgo.ActionsRow{Components: []discordgo.MessageComponent{
			modalInput(p, d.Values[p.Name], p.Required || len(p.OpensWith) > 0, true)}})
	}
	return response{Type: discordgo.InteractionResponseModal, Data: &discordgo.InteractionResponseData{
		CustomID: guidePrefix + key + ":p:" + strconv.Itoa(i), Title: clip("/"+cmd.Name+": "+strings.ToLower(pg.label), 45), Components: rows,
	}}
}

// guide takes one step of a guided form: a question answered, a modal
// opened or submitted, Save or Cancel.
func (a *Adapter) guide(ctx context.Context, in *discordgo.Interaction, uid, customID string) result {
	rest := strings.TrimPrefix(customID, guidePrefix)
	key, step, _ := strings.Cut(rest, ":")
	d, err := a.loadDraft(ctx, key)
	if errors.Is(err, errGone) {
		return result{reply: bot.Reply{Text: "That form has expired or was already saved or left; nothing more was saved. Type the command again.", IsError: true}}
	}
	if err != nil {
		a.log.Warn("reading a guided form", "error", err)
		return result{reply: bot.Reply{Text: bot.TryAgain, IsError: true}}
	}
	if d.User != uid {
		return result{reply: bot.Reply{Text: "That form is someone else's; type the command to start your own.", IsError: true}}
	}
	cmd, ok := a.router.Command(d.Command)
	if !ok {
		return result{reply: bot.Reply{Text: "That form is not one parabot knows; type the command instead.", IsError: true}}
	}
	kind, arg, _ := strings.Cut(step, ":")
	switch {
	case kind == "cancel":
		if err := a.store.DropDraft(ctx, draftKey(key)); err != nil {
			a.log.Warn("dropping a guided form", "error", err)
		}
		return result{reply: bot.Reply{Text: "The /" + cmd.Name + " form was left; nothing was saved."}}
	case kind == "save":
		return a.saveGuide(ctx, cmd, key, d)
	case kind == "change" && in.Type == discordgo.InteractionMessageComponent:
		vs := in.MessageComponentData().Values
		if len(vs) != 1 {
			return result{reply: bot.Reply{Text: "Choose one answer to change.", IsError: true}}
		}
		d.Skipped = slices.DeleteFunc(d.Skipped, func(s string) bool { return s == vs[0] })
		delete(d.Values, vs[0])
		d.Change = vs[0] // asked again, first among the questions
		return a.redraw(ctx, cmd, key, d)
	case kind == "q" && in.Type == discordgo.InteractionMessageComponent:
		p, ok := cmd.Param(arg)
		vs := in.MessageComponentData().Values
		if !ok || !isQuestion(p) || len(vs) != 1 {
			return result{reply: bot.Reply{Text: "That choice is not one the form asks; type the command instead.", IsError: true}}
		}
		d.Skipped = slices.DeleteFunc(d.Skipped, func(s string) bool { return s == p.Name })
		delete(d.Values, p.Name)
		d.Change = ""
		if vs[0] == notRecorded && !p.Required {
			d.Skipped = append(d.Skipped, p.Name)
		} else {
			d.Values[p.Name] = vs[0]
		}
		for _, q := range cmd.Params {
			if len(q.OpensWith) > 0 && !q.Opens(d.Values) {
				delete(d.Values, q.Name) // a section closed by a no
			}
		}
		d.Problem = ""
		return a.redraw(ctx, cmd, key, d)
	case kind == "p":
		i, err := strconv.Atoi(arg)
		pgs := pages(cmd, d.Values)
		if err != nil || i < 0 || i >= len(pgs) {
			return result{reply: bot.Reply{Text: "That part of the form is closed now; use the buttons of the form as it is.", IsError: true}}
		}
		if in.Type == discordgo.InteractionMessageComponent {
			r := pageModal(cmd, key, i, pgs[i], d)
			return result{modal: &r, reply: bot.Reply{Text: "The form took too long to open; press the button again.", IsError: true}}
		}
		return a.submitPage(ctx, cmd, key, d, pgs[i], in)
	}
	return result{reply: bot.Reply{Text: "That button is broken; type the command again.", IsError: true}}
}

// redraw stores the draft and shows the form as it now is.
func (a *Adapter) redraw(ctx context.Context, cmd *bot.Command, key string, d draft) result {
	if err := a.putDraft(ctx, key, d); err != nil {
		a.log.Warn("storing a guided form", "error", err)
		return result{reply: bot.Reply{Text: bot.TryAgain, IsError: true}}
	}
	m := a.guideMessage(cmd, key, d)
	return result{msg: &m}
}

// submitPage takes a modal's values into the draft, and checks them as
// the command would: what is wrong is said on the form, to fix with the
// same button (the modal opens again with what was typed).
func (a *Adapter) submitPage(ctx context.Context, cmd *bot.Command, key string, d draft, pg page, in *discordgo.Interaction) result {
	typed := map[string]string{}
	for _, c := range in.ModalSubmitData().Components {
		row, ok := c.(*discordgo.ActionsRow)
		if !ok {
			continue
		}
		for _, rc := range row.Components {
			if ti, ok := rc.(*discordgo.TextInput); ok {
				typed[ti.CustomID] = strings.TrimSpace(ti.Value)
			}
		}
	}
	for _, p := range pg.params {
		if v := typed[p.Name]; v != "" {
			d.Values[p.Name] = v
		} else {
			delete(d.Values, p.Name)
		}
	}
	d.Problem = ""
	if err := a.checkPage(ctx, cmd, d, pg); err != nil {
		ue, ok := bot.AsUserError(err)
		if !ok {
			a.log.Warn("checking a guided form", "error", err)
			return result{reply: bot.Reply{Text: bot.TryAgain, IsError: true}}
		}
		d.Problem = bot.WithoutHint(ue.Msg) + " Press ✎ " + pg.label + " to fix it."
	}
	return a.redraw(ctx, cmd, key, d)
}

// checkPage parses a page's values by the command's own rules: the
// command cut down to the page's parameters, and the student and goal
// they may depend on.
func (a *Adapter) checkPage(ctx context.Context, cmd *bot.Command, d draft, pg page) error {
	sc, err := a.scope(ctx, d.User)
	if err != nil {
		// Not the page's fault: logged, and the user asked to try again.
		return fmt.Errorf("the scope of the guided form's user: %v", err)
	}
	sub := *cmd
	sub.Params = nil
	raw := map[string]string{}
	for _, p := range cmd.Params {
		onPage := containsParam(pg.params, p.Name)
		if !onPage && p.Kind != bot.KindStudent && p.Kind != bot.KindGoal {
			continue
		}
		if !onPage {
			p.Required, p.Default = false, ""
		}
		sub.Params = append(sub.Params, p)
		if v, ok := d.Values[p.Name]; ok {
			raw[p.Name] = v
		}
	}
	_, err = bot.Parse(&sub, raw, sc)
	return err
}

// saveGuide runs the command with the form's values, as the one-line
// command would run. Saved, the form becomes the confirmation; refused,
// the form says what to fix, or the refusal's own buttons are offered
// beside it.
func (a *Adapter) saveGuide(ctx context.Context, cmd *bot.Command, key string, d draft) result {
	r := a.router.Handle(ctx, bot.Request{Platform: storage.PlatformDiscord, UserID: d.User, ChannelID: d.Channel, Command: cmd.Name, Args: maps.Clone(d.Values)})
	if !r.IsError {
		if err := a.store.DropDraft(ctx, draftKey(key)); err != nil {
			a.log.Warn("dropping a saved guided form", "error", err)
		}
		return result{reply: r}
	}
	if len(r.Buttons) > 0 || r.Text == bot.TryAgain || r.Text == bot.SomethingWentWrong {
		// A refusal with its own choices (log a likely duplicate anyway,
		// use the code instead of a name) comes as a message of its own;
		// the form stays, to change the text instead.
		return result{reply: r}
	}
	d.Problem = bot.WithoutHint(r.Text)
	if p, ok := cmd.Param(r.Param); ok {
		for _, pg := range pages(cmd, d.Values) {
			if containsParam(pg.params, p.Name) {
				d.Problem += " Press ✎ " + pg.label + " to fix it."
			}
		}
		if isQuestion(p) && len(p.OpensWith) == 0 {
			delete(d.Values, p.Name) // asked again
		}
	}
	return a.redraw(ctx, cmd, key, d)
}

// storedPress is the press a "key:" button stands for.
func (a *Adapter) storedPress(ctx context.Context, key string) (action, value string, err error) {
	s, err := a.store.Draft(ctx, buttonKey(key), a.now())
	if err != nil {
		return "", "", err
	}
	action, value, ok := strings.Cut(s, customIDSep)
	if !ok {
		return "", "", fmt.Errorf("stored button %q is malformed", key)
	}
	return action, value, nil
}

// fitButtons keeps the action and value of each button that does not
// fit Discord's custom_id in the store, the button carrying only the key
// ("Log it again" with the whole command behind it). A button that
// cannot be stored is left out, as render leaves it.
func (a *Adapter) fitButtons(ctx context.Context, r bot.Reply) bot.Reply {
	var out []bot.Button
	for _, b := range r.Buttons {
		if len(b.Action+customIDSep+b.Value) <= maxCustomID {
			out = append(out, b)
			continue
		}
		key, err := newKey()
		if err == nil {
			now := a.now()
			err = a.store.PutDraft(ctx, buttonKey(key), b.Action+customIDSep+b.Value, now, now.Add(buttonTTL))
		}
		if err != nil {
			a.log.Warn("storing a long button", "action", b.Action, "error", err)
			continue
		}
		b.Action, b.Value = keyAction, key
		out = append(out, b)
	}
	r.Buttons = out
	return r
}
