package discord

import (
	"bytes"
	"context"
	"encoding/json"
	"fmt"
	"io"
	"mime/multipart"
	"net/http"
	"net/textproto"
	"net/url"
	"strconv"

	"github.com/bwmarrin/discordgo"

	"parabot/bot"
)

// attachment is a file's entry in a message's "attachments": its id is
// the n of the multipart part "files[n]" that carries the bytes.
type attachment struct {
	ID          int    `json:"id"`
	Filename    string `json:"filename"`
	Description string `json:"description,omitempty"`
}

// attachments lists files as a message's attachments, in order.
func attachments(files []bot.File) []attachment {
	var out []attachment
	for i, f := range files {
		out = append(out, attachment{ID: i, Filename: f.Name})
	}
	return out
}

// multipartBody encodes a request with files as Discord takes it: the
// JSON body in the part "payload_json", and each file in "files[n]".
func multipartBody(payload any, files []bot.File) (io.Reader, string, error) {
	var buf bytes.Buffer
	w := multipart.NewWriter(&buf)
	h := textproto.MIMEHeader{}
	h.Set("Content-Disposition", `form-data; name="payload_json"`)
	h.Set("Content-Type", "application/json")
	part, err := w.CreatePart(h)
	if err != nil {
		return nil, "", err
	}
	if err := json.NewEncoder(part).Encode(payload); err != nil {
		return nil, "", err
	}
	for i, f := range files {
		h := textproto.MIMEHeader{}
		h.Set("Content-Disposition", fmt.Sprintf(`form-data; name="files[%d]"; filename=%q`, i, f.Name))
		typ := f.Type
		if typ == "" {
			typ = "application/octet-stream"
		}
		h.Set("Content-Type", typ)
		part, err := w.CreatePart(h)
		if err != nil {
			return nil, "", err
		}
		if _, err := part.Write(f.Data); err != nil {
			return nil, "", err
		}
	}
	if err := w.Close(); err != nil {
		return nil, "", err
	}
	return &buf, w.FormDataContentType(), nil
}

// followUpFiles sends a command reply's files as an ephemeral follow-up
// message of the interaction (an interaction answer given as the HTTP
// response cannot carry files), so only the asker sees them.
func (a *Adapter) followUpFiles(ctx context.Context, in *discordgo.Interaction, files []bot.File) {
	if len(files) == 0 {
		return
	}
	a.inflight.Add(1)
	go func() {
		defer a.inflight.Done()
		fctx, cancel := context.WithTimeout(context.WithoutCancel(ctx), followUpTimeout)
		defer cancel()
		msg := render(bot.Reply{Text: fileNote(len(files))})
		msg.Flags = discordgo.MessageFlagsEphemeral
		msg.Attachments = attachments(files)
		k := call{method: http.MethodPost, route: "/webhooks/{app}/{token}",
			path: "/webhooks/" + a.appID + "/" + url.PathEscape(in.Token), body: msg, files: files}
		if err := a.completeDeferred(fctx, k); err != nil {
			a.log.Error("sending a reply's files on discord", "interaction_id", in.ID, "files", len(files), "error", err)
		}
	}()
}

func fileNote(n int) string {
	if n == 1 {
		return "1 file:"
	}
	return strconv.Itoa(n) + " files:"
}
