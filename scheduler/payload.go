package scheduler

import (
	"encoding/json"
	"fmt"

	"parabot/bot"
	"parabot/storage"
)

// DeliverVersion is the version of the delivery job's JSON format. A
// payload without "v" is version 0: the format before versions, which
// wrote bot.Reply with its Go field names. Change the format only by
// adding a version, and keep decoding the older ones: jobs written by the
// previous release may still wait in the queue.
//
// Version 2 adds attached files (charts, reports), their bytes carried in
// the payload (base64 in JSON) rather than by a reference: the file
// delivered is then exactly the one whose export was recorded in the
// access log, no file store has to be kept in step with the queue (or
// purged with it), and completed jobs are deleted by the queue's cleaner.
// What they carry is small (a chart is tens of kilobytes, a report a few
// hundred); MaxFileBytes bounds it. Version 1 is version 2 without files.
const DeliverVersion = 2

// MaxFileBytes bounds the files one delivery job carries; a bigger
// payload fails to encode, so the job is refused when it is inserted
// instead of clogging the queue.
const MaxFileBytes = 8 << 20

// deliverJSON is version 2 of the delivery job's format (version 1 has no
// files).
type deliverJSON struct {
	V       int              `json:"v"`
	StaffID int64            `json:"staff_id,omitempty"`
	Channel string           `json:"channel,omitempty"`
	Prefer  storage.Platform `json:"prefer,omitempty"`
	Reply   replyJSON        `json:"reply"`
}

type replyJSON struct {
	Text    string       `json:"text"`
	Fields  []fieldJSON  `json:"fields,omitempty"`
	Context string       `json:"context,omitempty"`
	Buttons []buttonJSON `json:"buttons,omitempty"`
	Private bool         `json:"private,omitempty"`
	IsError bool         `json:"is_error,omitempty"`
	Param   string       `json:"param,omitempty"`
	Files   []fileJSON   `json:"files,omitempty"`
}

type fileJSON struct {
	Name string `json:"name"`
	Type string `json:"type"`
	Data []byte `json:"data"` // base64 in JSON
}

type fieldJSON struct {
	Label string `json:"label"`
	Value string `json:"value"`
}

type buttonJSON struct {
	Label  string `json:"label"`
	Action string `json:"action"`
	Value  string `json:"value,omitempty"`
	Style  string `json:"style,omitempty"`
}

// deliverV0 is version 0, the format before versions: bot.Reply as Go
// encoded it then, its field names spelled out here so that renaming a
// field of bot.Reply cannot change how these payloads decode.
type deliverV0 struct {
	StaffID int64            `json:"staff_id"`
	Channel string           `json:"channel"`
	Prefer  storage.Platform `json:"prefer"`
	Reply   struct {
		Text   string `json:"Text"`
		Fields []struct {
			Label string `json:"Label"`
			Value string `json:"Value"`
		} `json:"Fields"`
		Context string `json:"Context"`
		Buttons []struct {
			Label  string `json:"Label"`
			Action string `json:"Action"`
			Value  string `json:"Value"`
			Style  string `json:"Style"`
		} `json:"Buttons"`
		Private bool   `json:"Private"`
		IsError bool   `json:"IsError"`
		Param   string `json:"Param"`
	} `json:"reply"`
}

// MarshalJSON writes the current version of the format.
func (a DeliverArgs) MarshalJSON() ([]byte, error) {
	r := a.Reply
	out := deliverJSON{V: DeliverVersion, StaffID: a.StaffID, Channel: a.Channel, Prefer: a.Prefer, Reply: replyJSON{
		Text: r.Text, Context: r.Context, Private: r.Private, IsError: r.IsError, Param: r.Param}}
	for _, f := range r.Fields {
		out.Reply.Fields = append(out.Reply.Fields, fieldJSON(f))
	}
	for _, b := range r.Buttons {
		out.Reply.Buttons = append(out.Reply.Buttons, buttonJSON(b))
	}
	size := 0
	for _, f := range r.Files {
		size += len(f.Data)
		out.Reply.Files = append(out.Reply.Files, fileJSON(f))
	}
	if size > MaxFileBytes {
		return nil, fmt.Errorf("encoding delivery job: its files are %d bytes, more than the %d a job may carry", size, MaxFileBytes)
	}
	return json.Marshal(out)
}

// UnmarshalJSON reads every version of the format.
func (a *DeliverArgs) UnmarshalJSON(b []byte) error {
	var v struct {
		V int `json:"v"`
	}
	if err := json.Unmarshal(b, &v); err != nil {
		return fmt.Errorf("decoding delivery job: %w", err)
	}
	var in deliverJSON
	switch v.V {
	case 0:
		var old deliverV0
		if err := json.Unmarshal(b, &old); err != nil {
			return fmt.Errorf("decoding delivery job (version 0): %w", err)
		}
		r := old.Reply
		in = deliverJSON{StaffID: old.StaffID, Channel: old.Channel, Prefer: old.Prefer, Reply: replyJSON{
			Text: r.Text, Context: r.Context, Private: r.Private, IsError: r.IsError, Param: r.Param}}
		for _, f := range r.Fields {
			in.Reply.Fields = append(in.Reply.Fields, fieldJSON(f))
		}
		for _, bt := range r.Buttons {
			in.Reply.Buttons = append(in.Reply.Buttons, buttonJSON(bt))
		}
	case 1, 2:
		if err := json.Unmarshal(b, &in); err != nil {
			return fmt.Errorf("decoding delivery job (version %d): %w", v.V, err)
		}
	default:
		return fmt.Errorf("decoding delivery job: version %d is newer than this release reads (%d)", v.V, DeliverVersion)
	}
	r := in.Reply
	*a = DeliverArgs{StaffID: in.StaffID, Channel: in.Channel, Prefer: in.Prefer, Reply: bot.Reply{
		Text: r.Text, Context: r.Context, Private: r.Private, IsError: r.IsError, Param: r.Param}}
	for _, f := range r.Fields {
		a.Reply.Fields = append(a.Reply.Fields, bot.Field(f))
	}
	for _, bt := range r.Buttons {
		a.Reply.Buttons = append(a.Reply.Buttons, bot.Button(bt))
	}
	for _, f := range r.Files {
		a.Reply.Files = append(a.Reply.Files, bot.File(f))
	}
	return nil
}
