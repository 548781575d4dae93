package slack

import (
	"bytes"
	"context"
	"strings"
	"testing"

	"parabot/bot"
	"parabot/scheduler"
	"parabot/storage/storagetest"
)

var chartFile = bot.File{Name: "S101-G1.png", Type: "image/png", Data: []byte("\x89PNG\r\n\x1a\nchart bytes")}

func TestDeliverUploadsFiles(t *testing.T) {
	t.Parallel()
	h := newHarness(t, storagetest.OpenSQLite(t))
	report := bot.File{Name: "S101-progress.pdf", Type: "application/pdf", Data: []byte("%PDF-1.3 report")}
	if err := h.deliver(1, scheduler.DeliverArgs{StaffID: h.staff("tlopez"), Reply: bot.Reply{
		Text: "IEP progress report of A.B. (S101)", Files: []bot.File{report, chartFile}}}); err != nil {
		t.Fatal(err)
	}
	if err := h.deliver(2, scheduler.DeliverArgs{Channel: "C0GENERAL", Reply: bot.Reply{Text: "Weekly summary", Files: []bot.File{chartFile}}}); err != nil {
		t.Fatal(err)
	}
	if posts := h.slack.callsTo("chat.postMessage"); len(posts) != 2 {
		t.Fatalf("%d posts, want 2", len(posts))
	}
	completes := h.slack.callsTo("files.completeUploadExternal")
	if len(completes) != 2 || completes[0].Form.Get("channel_id") != "D"+userTeacher || completes[1].Form.Get("channel_id") != "C0GENERAL" {
		t.Fatalf("completeUploadExternal calls: %v", completes)
	}
	shared := h.slack.shared()
	if len(shared) != 3 {
		t.Fatalf("%d files shared, want 3: %v", len(shared), shared)
	}
	want := map[string]bot.File{"F0001": report, "F0002": chartFile, "F0003": chartFile}
	for id, f := range want {
		u := shared[id]
		if u.Name != f.Name || !bytes.Equal(u.Data, f.Data) {
			t.Errorf("file %s: %q %q, want %q %q", id, u.Name, u.Data, f.Name, f.Data)
		}
	}
}

func TestSlashReplyFilesGoToDirectMessages(t *testing.T) {
	t.Parallel()
	chart := &bot.Command{Name: "chart", Summary: "a reply with a file",
		Run: func(ctx context.Context, c *bot.Call) (bot.Reply, error) {
			return bot.Reply{Text: "Progress of A.B.", Files: []bot.File{chartFile}}, nil
		}}
	h := newHarness(t, storagetest.OpenSQLite(t), chart)
	_, body := h.slash(userTeacher, "/chart", "", "r1")
	if body["response_type"] != "ephemeral" || !strings.Contains(blockText(body), "1 file(s) are in your direct messages with the app.") {
		t.Errorf("answer %v", body)
	}
	shared := h.slack.shared()
	if u := shared["F0001"]; len(shared) != 1 || u.Channel != "D"+userTeacher || !bytes.Equal(u.Data, chartFile.Data) {
		t.Errorf("shared %v", shared)
	}
}

func TestUploadFailureIsRetried(t *testing.T) {
	t.Parallel()
	h := newHarness(t, storagetest.OpenSQLite(t))
	h.slack.mu.Lock()
	h.slack.fail["files.completeUploadExternal"] = "internal_error"
	h.slack.mu.Unlock()
	err := h.deliver(1, scheduler.DeliverArgs{Channel: "C0GENERAL", Reply: bot.Reply{Text: "Weekly summary", Files: []bot.File{chartFile}}})
	if err == nil || strings.Contains(err.Error(), "not deliverable") {
		t.Fatalf("a failed upload: %v; want an error the job retries", err)
	}
}
