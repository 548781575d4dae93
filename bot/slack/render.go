package slack

import (
	"fmt"
	"strconv"
	"strings"
	"unicode/utf8"

	slackapi "github.com/slack-go/slack"

	"parabot/bot"
)

// Block Kit limits the renderer keeps to.
const (
	maxSectionText = 3000
	maxFieldText   = 2000
	maxFields      = 10 // per section
	maxButtons     = 25 // per actions block
	maxButtonText  = 75
	maxButtonValue = 2000
	maxOptionText  = 75
	maxOptions     = 100
	// maxTextSections bounds the sections one reply's text fills: 4 of
	// 3,000 characters keep a message under the ~13,000 characters past
	// which Slack refuses it, and far under its 50 blocks.
	maxTextSections = 4
	// maxFieldSections bounds the sections of fields (10 fields each).
	maxFieldSections = 3
)

// pressPrefix starts the action_id of a bot.Button: "press:<action>:<n>".
// The index keeps action_ids unique when a message has two buttons of one
// action.
const pressPrefix = "press:"

// message is a message body as Slack takes it in a slash command's
// response, through a response_url, or in chat.postMessage.
type message struct {
	ResponseType    string           `json:"response_type,omitempty"`
	ReplaceOriginal bool             `json:"replace_original,omitempty"`
	Text            string           `json:"text"`
	Blocks          []slackapi.Block `json:"blocks,omitempty"`
}

// ephemeral is a reply shown only to the person who asked.
func ephemeral(r bot.Reply) message {
	return message{ResponseType: "ephemeral", Text: fallback(r), Blocks: blocks(r)}
}

// fallback is the plain text of a message: its headline, for
// notifications and clients without Block Kit.
func fallback(r bot.Reply) string {
	line, _, _ := strings.Cut(strings.TrimSpace(r.Text), "\n")
	if line == "" && len(r.Fields) > 0 {
		line = r.Fields[0].Label + ": " + r.Fields[0].Value
	}
	return clip(escape(line), maxSectionText)
}

// blocks renders a reply as Block Kit: the text, the fields, the small
// print and the buttons. Every text from the core is escaped, so nothing
// typed by a user can mention @channel or forge a link.
func blocks(r bot.Reply) []slackapi.Block {
	var out []slackapi.Block
	if text := strings.TrimSpace(r.Text); text != "" {
		if r.IsError {
			text = ":warning: " + text
		}
		parts := chunks(escape(text), maxSectionText)
		for _, chunk := range parts[:min(len(parts), maxTextSections)] {
			out = append(out, slackapi.NewSectionBlock(mrkdwn(chunk), nil, nil))
		}
		if len(parts) > maxTextSections {
			// Never cut silently: say that the reply was longer than Slack takes.
			out = append(out, slackapi.NewContextBlock("", mrkdwn(fmt.Sprintf("(Cut here: the reply is %d characters and Slack shows %d; ask for less, like one student.)",
				utf8.RuneCountInString(text), maxTextSections*maxSectionText))))
		}
	}
	for i := 0; i < len(r.Fields) && i < maxFieldSections*maxFields; i += maxFields {
		var fields []*slackapi.TextBlockObject
		for _, f := range r.Fields[i:min(i+maxFields, len(r.Fields))] {
			fields = append(fields, mrkdwn(clip("*"+escape(f.Label)+"*\n"+escape(f.Value), maxFieldText)))
		}
		out = append(out, slackapi.NewSectionBlock(nil, fields, nil))
	}
	if n := len(r.Fields) - maxFieldSections*maxFields; n > 0 {
		out = append(out, slackapi.NewContextBlock("", mrkdwn(fmt.Sprintf("(%d more not shown here.)", n))))
	}
	if c := strings.TrimSpace(r.Context); c != "" {
		out = append(out, slackapi.NewContextBlock("", mrkdwn(clip(escape(c), maxSectionText))))
	}
	if len(r.Buttons) > 0 {
		var els []slackapi.BlockElement
		for i, b := range r.Buttons[:min(len(r.Buttons), maxButtons)] {
			if len(b.Value) > maxButtonValue {
				continue // Slack refuses the whole message; the reply says what the button would do
			}
			btn := slackapi.NewButtonBlockElement(pressPrefix+b.Action+":"+strconv.Itoa(i), b.Value, plain(clip(b.Label, maxButtonText)))
			switch b.Style {
			case "primary":
				btn.Style = slackapi.StylePrimary
			case "danger":
				btn.Style = slackapi.StyleDanger
			}
			els = append(els, btn)
		}
		if len(els) > 0 {
			out = append(out, slackapi.NewActionBlock("buttons", els...))
		}
	}
	if len(out) == 0 {
		out = append(out, slackapi.NewSectionBlock(mrkdwn(" "), nil, nil))
	}
	return out
}

// pressAction reads the bot action back from a button's action_id.
func pressAction(actionID string) (string, bool) {
	rest, ok := strings.CutPrefix(actionID, pressPrefix)
	if !ok {
		return "", false
	}
	if i := strings.LastIndexByte(rest, ':'); i >= 0 {
		rest = rest[:i]
	}
	return rest, rest != ""
}

// mrkdwnEscaper escapes what Slack reads as markup: <...> are links and
// mentions, and &, < and > must be written as entities. (A Replacer is
// safe for concurrent use and never changes.)
var mrkdwnEscaper = strings.NewReplacer("&", "&amp;", "<", "&lt;", ">", "&gt;")

// escape makes text safe for mrkdwn.
func escape(s string) string { return mrkdwnEscaper.Replace(s) }

func mrkdwn(s string) *slackapi.TextBlockObject {
	return slackapi.NewTextBlockObject(slackapi.MarkdownType, s, false, false)
}

func plain(s string) *slackapi.TextBlockObject {
	return slackapi.NewTextBlockObject(slackapi.PlainTextType, s, false, false)
}

// clip shortens s to at most n characters, marking the cut.
func clip(s string, n int) string {
	if utf8.RuneCountInString(s) <= n {
		return s
	}
	r := []rune(s)
	return string(r[:n-1]) + "…"
}

// chunks splits s into pieces of at most n characters, at line ends when
// it can.
func chunks(s string, n int) []string {
	var out []string
	for utf8.RuneCountInString(s) > n {
		r := []rune(s)
		cut := n
		if i := strings.LastIndex(string(r[:n]), "\n"); i > 0 {
			cut = utf8.RuneCountInString(string(r[:n])[:i])
		}
		out = append(out, string(r[:cut]))
		s = strings.TrimPrefix(string(r[cut:]), "\n")
	}
	return append(out, s)
}
