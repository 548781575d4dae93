// Package bot is parabot's platform-neutral core: the Request an adapter
// builds from a platform event, the Reply it renders back, commands
// declared as data, the free-text parser derived from those declarations,
// and the Router that identifies the caller, checks their role and runs
// the command. Nothing here imports a chat SDK.
package bot

import (
	"slices"

	"parabot/storage"
)

// Request is one command invocation from any platform.
type Request struct {
	Platform  storage.Platform
	UserID    string // the platform's user id
	Email     string // the user's email when the platform gave it, for first-use linking
	ChannelID string // where the command was typed, when the platform says
	Command   string // command name without slash, e.g. "trial"
	// Text is the free text after the command (Slack slash text, terminal).
	Text string
	// Args holds structured values by parameter name (Discord options, a
	// Slack modal). When non-nil it is used instead of Text; each value is
	// parsed by the same rules as in free text.
	Args map[string]string
}

// Press is a button press from any platform.
type Press struct {
	Platform storage.Platform
	UserID   string
	Email    string
	Action   string // the button's action name, e.g. "undo"
	Value    string // the button's value, e.g. an entry id
}

// Reply is what the bot answers, in neutral form; adapters render it as
// Block Kit, an embed or terminal text.
type Reply struct {
	// Text is the message; its first line is the headline.
	Text string
	// Fields are label/value pairs shown under the text.
	Fields []Field
	// Context is small print under the message (usage, hints).
	Context string
	// Buttons the reader may press.
	Buttons []Button
	// Private replies are shown only to the person who asked (Slack
	// ephemeral, Discord ephemeral). Every reply to a command is private.
	Private bool
	// IsError marks a reply that reports a problem; nothing was saved.
	IsError bool
	// Param names the parameter at fault, when there is one, so a form
	// can show the error on that field.
	Param string
	// Files are attached to the message: a chart, a report. Adapters
	// upload them (Slack, Discord) or write them to disk (terminal).
	// A private reply's files go to the asker alone.
	Files []File
	// Missing is set when Param was required and not given: the terminal
	// asks for it and runs the command again with the answer.
	Missing bool
	// Form, when set, asks the adapter to open a command's form with
	// some values filled in (a Slack modal, a Discord modal, questions in
	// the terminal). Text says what to type instead, for where no form
	// can open.
	Form *Form
}

// Form is a command's form to open, some of its values filled in.
type Form struct {
	Command string            // the command's name, e.g. "trial"
	Values  map[string]string // raw values by parameter name, as Request.Args holds them
	// Ask names optional parameters the form asks for as if required: a
	// pickup's handoff, which the command refuses to log without.
	Ask []string
}

// Asks reports whether the form asks for p as a required value.
func (f Form) Asks(p Param) bool { return p.Required || slices.Contains(f.Ask, p.Name) }

// File is a file attached to a Reply.
type File struct {
	Name string // file name with its extension, e.g. "S101-G1.png"; never a student's name
	Type string // MIME type, e.g. "image/png" or "application/pdf"
	Data []byte
}

// Field is one label/value pair of a Reply.
type Field struct {
	Label string
	Value string
}

// MaxButtons is the most buttons a Reply carries: a Slack actions block
// and Discord's five rows of five both hold 25. A reply with more to
// offer pages them, its last button leading to the rest.
const MaxButtons = 25

// Button is a button on a Reply.
type Button struct {
	Label  string
	Action string // routed to the command that declared it
	Value  string
	Style  string // "", "primary" or "danger"
}

// Message is a Reply to deliver later, to a staff member's DM or to a
// channel, through the delivery jobs.
type Message struct {
	StaffID int64  // direct message to this staff member, or
	Channel string // a channel name (the school's channel naming)
	Reply   Reply
}
