package discord

import (
	"cmp"
	"strings"

	"github.com/bwmarrin/discordgo"

	"parabot/bot"
	"parabot/storage"
)

// formPrefix starts the custom_id of a command's modal: "form:<command>".
const formPrefix = "form:"

// maxModalInputs is how many text inputs a Discord modal holds.
const maxModalInputs = 5

// modal is the response that opens the form a reply asks for (a data
// reminder's student button opens /trial for that student): one text
// input a parameter, its value filled in where the reply gave one. The
// required parameters (and those the form asks for) come first, then the
// optional ones while there is room. It reports false when the command
// is unknown.
func (a *Adapter) modal(f bot.Form) (response, bool) {
	cmd, ok := a.router.Command(f.Command)
	if !ok {
		return response{}, false
	}
	var params []bot.Param
	for _, required := range []bool{true, false} {
		for _, p := range cmd.Params {
			if f.Asks(p) == required && p.Kind != bot.KindBool && len(params) < maxModalInputs {
				params = append(params, p)
			}
		}
	}
	// Keep the declaration's order, which is the order the command is typed in.
	var rows []discordgo.MessageComponent
	for _, p := range cmd.Params {
		if !containsParam(params, p.Name) {
			continue
		}
		rows = append(rows, discordgo.ActionsRow{Components: []discordgo.MessageComponent{
			modalInput(p, f.Values[p.Name], f.Asks(p), false)}})
	}
	return response{Type: discordgo.InteractionResponseModal, Data: &discordgo.InteractionResponseData{
		CustomID: formPrefix + cmd.Name, Title: clip("/"+cmd.Name, 45), Components: rows,
	}}, true
}

// modalInput is the text input of parameter p in a modal, value filled
// in. withChoices puts a choice parameter's values in the placeholder,
// where the help would be.
func modalInput(p bot.Param, value string, required, withChoices bool) discordgo.TextInput {
	maxLen := p.MaxLen
	if maxLen == 0 {
		maxLen = bot.DefaultMaxLen
	}
	style := discordgo.TextInputShort
	if p.Kind == bot.KindText && maxLen > 150 {
		style = discordgo.TextInputParagraph
	}
	help := cmp.Or(p.Brief, p.Help)
	if withChoices && len(p.Choices) > 0 {
		vs := make([]string, len(p.Choices))
		for i, c := range p.Choices {
			vs[i] = c.Value
		}
		help = strings.Join(vs, ", ")
	}
	return discordgo.TextInput{CustomID: p.Name, Label: clip(formLabel(p.Name), 45), Style: style, Placeholder: clip(help, 100),
		Value: value, Required: required, MaxLength: min(maxLen, 4000)}
}

func containsParam(ps []bot.Param, name string) bool {
	for _, p := range ps {
		if p.Name == name {
			return true
		}
	}
	return false
}

// formLabel turns a parameter name into a field label.
func formLabel(name string) string {
	s := strings.ReplaceAll(name, "_", " ")
	if s == "" {
		return s
	}
	return strings.ToUpper(s[:1]) + s[1:]
}

// submitted reads a modal's submission back into the request it stands
// for: the command of its custom_id, its fields' values by parameter
// name (empty ones left out, so defaults apply). It reports false for a
// modal that is not a command's form.
func (a *Adapter) submitted(in *discordgo.Interaction, uid string) (bot.Request, bool) {
	data := in.ModalSubmitData()
	name, ok := strings.CutPrefix(data.CustomID, formPrefix)
	if !ok {
		return bot.Request{}, false
	}
	cmd, ok := a.router.Command(name)
	if !ok {
		return bot.Request{}, false
	}
	args := map[string]string{}
	for _, c := range data.Components {
		row, ok := c.(*discordgo.ActionsRow)
		if !ok {
			continue
		}
		for _, rc := range row.Components {
			ti, ok := rc.(*discordgo.TextInput)
			if !ok {
				continue
			}
			if _, declared := cmd.Param(ti.CustomID); declared && strings.TrimSpace(ti.Value) != "" {
				args[ti.CustomID] = strings.TrimSpace(ti.Value)
			}
		}
	}
	return bot.Request{Platform: storage.PlatformDiscord, UserID: uid, ChannelID: in.ChannelID, Command: cmd.Name, Args: args}, true
}
