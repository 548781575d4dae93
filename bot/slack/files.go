package slack

import (
	"bytes"
	"context"
	"fmt"

	slackapi "github.com/slack-go/slack"

	"parabot/bot"
)

// uploadFiles shares files in a conversation through Slack's upload flow:
// files.getUploadURLExternal for each file, the bytes posted to the URL
// it gives, then one files.completeUploadExternal that shares them all in
// the conversation. Each call has its own timeout.
func (a *Adapter) uploadFiles(ctx context.Context, channelID string, files []bot.File) error {
	var done []slackapi.FileSummary
	for _, f := range files {
		if len(f.Data) == 0 {
			continue // Slack refuses an empty file
		}
		cctx, cancel := context.WithTimeout(ctx, callTimeout)
		u, err := a.api.GetUploadURLExternalContext(cctx, slackapi.GetUploadURLExternalParameters{
			FileName: f.Name, FileSize: len(f.Data), AltTxt: altText(f),
		})
		cancel()
		if err != nil {
			return sendError("files.getUploadURLExternal", err)
		}
		cctx, cancel = context.WithTimeout(ctx, callTimeout)
		err = a.api.UploadToURL(cctx, slackapi.UploadToURLParameters{UploadURL: u.UploadURL, Filename: f.Name, Reader: bytes.NewReader(f.Data)})
		cancel()
		if err != nil {
			return fmt.Errorf("slack: uploading file %d of %d: %w", len(done)+1, len(files), err)
		}
		done = append(done, slackapi.FileSummary{ID: u.FileID, Title: f.Name})
	}
	if len(done) == 0 {
		return nil
	}
	cctx, cancel := context.WithTimeout(ctx, callTimeout)
	defer cancel()
	if _, err := a.api.CompleteUploadExternalContext(cctx, slackapi.CompleteUploadExternalParameters{Files: done, Channel: channelID}); err != nil {
		return sendError("files.completeUploadExternal", err)
	}
	return nil
}

// altText describes a file for screen readers without naming anyone:
// file names carry codes only.
func altText(f bot.File) string {
	switch f.Type {
	case "image/png":
		return "Progress chart " + f.Name
	case "application/pdf":
		return "Report " + f.Name
	}
	return f.Name
}

// withFiles handles the files of a command's reply: Slack shows a
// command's answer only to the asker (ephemeral), and an ephemeral
// message cannot carry files, so they go to the asker's direct messages
// with the app after the answer, and the answer says so.
func (a *Adapter) withFiles(ctx context.Context, userID string, r bot.Reply) bot.Reply {
	if len(r.Files) == 0 || r.IsError {
		return r
	}
	files := r.Files
	r.Files = nil
	note := fmt.Sprintf("%d file(s) are in your direct messages with the app.", len(files))
	if r.Context != "" {
		note = r.Context + " " + note
	}
	r.Context = note
	a.background(ctx, func(ctx context.Context) {
		cctx, cancel := context.WithTimeout(ctx, callTimeout)
		ch, _, _, err := a.api.OpenConversationContext(cctx, &slackapi.OpenConversationParameters{Users: []string{userID}, ReturnIM: true})
		cancel()
		if err == nil {
			err = a.uploadFiles(ctx, ch.ID, files)
		}
		if err != nil {
			a.log.Error("sending a reply's files", "files", len(files), "error", err)
		}
	})
	return r
}
