package discord

import (
	"strings"
	"unicode/utf8"

	"github.com/bwmarrin/discordgo"

	"parabot/bot"
)

// Discord's message limits.
const (
	maxContent     = 2000
	maxTitle       = 256
	maxDescription = 4096
	maxFields      = 25
	maxFieldName   = 256
	maxFieldValue  = 1024
	maxFooter      = 2048
	maxEmbedTotal  = 6000
	maxButtonLabel = 80
	maxCustomID    = 100
	maxRowButtons  = 5
	maxRows        = 5
	// inlineUpTo is the longest field value shown side by side.
	inlineUpTo = 40
)

// Embed colours.
const (
	colorOK    = 0x57F287 // green
	colorError = 0xED4245 // red
)

// customIDSep separates a button's action from its value in custom_id.
// Action names are words; the value may contain anything.
const customIDSep = ":"

// message is a Discord message as we send it: created in a channel,
// answered to an interaction, or edited. Embeds and components are always
// arrays, so an edit clears what it does not set (an Undo button).
type message struct {
	Content         string                       `json:"content"`
	Embeds          []*discordgo.MessageEmbed    `json:"embeds"`
	Components      []discordgo.MessageComponent `json:"components"`
	Flags           discordgo.MessageFlags       `json:"flags,omitempty"`
	AllowedMentions allowedMentions              `json:"allowed_mentions"`
	// Nonce with EnforceNonce makes Discord drop a second create with
	// the same nonce from us within a few minutes.
	Nonce        string `json:"nonce,omitempty"`
	EnforceNonce bool   `json:"enforce_nonce,omitempty"`
	// Attachments name the files sent with the message (multipart).
	Attachments []attachment `json:"attachments,omitempty"`
}

// allowedMentions with an empty Parse lets no text ping anyone: a note
// that says @everyone stays text.
type allowedMentions struct {
	Parse []string `json:"parse"`
}

// render turns a neutral Reply into a Discord message. A reply with only
// text is plain content; fields or small print make an embed whose title
// is the headline. Buttons become action rows.
func render(r bot.Reply) message {
	m := message{
		Embeds:          []*discordgo.MessageEmbed{},
		Components:      buttons(r.Buttons),
		AllowedMentions: allowedMentions{Parse: []string{}},
	}
	if r.Private {
		m.Flags = discordgo.MessageFlagsEphemeral
	}
	if len(r.Fields) == 0 && r.Context == "" && utf8.RuneCountInString(r.Text) <= maxContent {
		m.Content = r.Text
		if m.Content == "" {
			m.Content = "Done."
		}
		return m
	}
	m.Embeds = append(m.Embeds, embed(r))
	return m
}

func embed(r bot.Reply) *discordgo.MessageEmbed {
	head, rest, _ := strings.Cut(r.Text, "\n")
	e := &discordgo.MessageEmbed{
		Title:       clip(head, maxTitle),
		Description: clip(strings.TrimSpace(rest), maxDescription),
		Color:       colorOK,
	}
	if r.IsError {
		e.Color = colorError
	}
	total := utf8.RuneCountInString(e.Title) + utf8.RuneCountInString(e.Description)
	if r.Context != "" {
		e.Footer = &discordgo.MessageEmbedFooter{Text: clip(r.Context, maxFooter)}
		total += utf8.RuneCountInString(e.Footer.Text)
	}
	for _, f := range r.Fields {
		if len(e.Fields) == maxFields {
			break
		}
		name, value := clip(f.Label, maxFieldName), clip(f.Value, maxFieldValue)
		if name == "" {
			name = "\u200b" // Discord refuses an empty field name
		}
		if value == "" {
			value = "—"
		}
		n := utf8.RuneCountInString(name) + utf8.RuneCountInString(value)
		if total+n > maxEmbedTotal {
			break
		}
		total += n
		e.Fields = append(e.Fields, &discordgo.MessageEmbedField{
			Name: name, Value: value, Inline: utf8.RuneCountInString(value) <= inlineUpTo,
		})
	}
	return e
}

// buttons lays buttons out in rows of five. A button whose action and
// value do not fit Discord's custom_id is left out (the reply still says
// what happened; the command can be typed instead).
func buttons(bs []bot.Button) []discordgo.MessageComponent {
	rows := []discordgo.MessageComponent{}
	var row []discordgo.MessageComponent
	for _, b := range bs {
		id := b.Action + customIDSep + b.Value
		if b.Action == "" || len(id) > maxCustomID {
			continue
		}
		if len(row) == maxRowButtons {
			rows = append(rows, discordgo.ActionsRow{Components: row})
			row = nil
		}
		if len(rows) == maxRows {
			break
		}
		label := clip(b.Label, maxButtonLabel)
		if label == "" {
			label = b.Action
		}
		row = append(row, discordgo.Button{Label: label, Style: buttonStyle(b.Style), CustomID: id})
	}
	if len(row) > 0 && len(rows) < maxRows {
		rows = append(rows, discordgo.ActionsRow{Components: row})
	}
	return rows
}

func buttonStyle(s string) discordgo.ButtonStyle {
	switch s {
	case "primary":
		return discordgo.PrimaryButton
	case "danger":
		return discordgo.DangerButton
	}
	return discordgo.SecondaryButton
}

// parseCustomID splits a button's custom_id into action and value.
func parseCustomID(id string) (action, value string) {
	action, value, _ = strings.Cut(id, customIDSep)
	return action, value
}

// clip shortens s to at most n runes, marking the cut with an ellipsis.
func clip(s string, n int) string {
	if utf8.RuneCountInString(s) <= n {
		return s
	}
	r := []rune(s)
	return string(r[:n-1]) + "…"
}
