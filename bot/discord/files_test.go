package discord

import (
	"bytes"
	"context"
	"strings"
	"testing"

	"parabot/bot"
)

var chartFile = bot.File{Name: "S101-G1.png", Type: "image/png", Data: []byte("\x89PNG\r\n\x1a\nchart bytes")}

func TestSendDMWithFiles(t *testing.T) {
	t.Parallel()
	e := newEnv(t, newStore(t), nil)
	report := bot.File{Name: "S101-progress.pdf", Type: "application/pdf", Data: []byte("%PDF-1.3 report")}
	if err := e.adapter.SendDM(context.Background(), paraDiscord, bot.Reply{Text: "IEP progress report of A.B. (S101).", Files: []bot.File{report, chartFile}}); err != nil {
		t.Fatal(err)
	}
	posts := e.discord.Requests("POST /channels/" + dmChannelOf(paraDiscord) + "/messages")
	if len(posts) != 1 || posts[0].Status != 200 {
		t.Fatalf("posts %+v", posts)
	}
	payload, files := filesOf(t, posts[0])
	if payload["content"] != "IEP progress report of A.B. (S101)." || payload["nonce"] == "" {
		t.Errorf("payload %v", payload)
	}
	if len(files) != 2 || files[0].Field != "files[0]" || files[0].Name != report.Name || files[0].Type != "application/pdf" ||
		!bytes.Equal(files[0].Data, report.Data) || files[1].Name != chartFile.Name || !bytes.Equal(files[1].Data, chartFile.Data) {
		t.Errorf("files %+v", files)
	}
}

func TestCommandFilesFollowUpPrivately(t *testing.T) {
	t.Parallel()
	chart := &bot.Command{Name: "chart", Summary: "a reply with a file",
		Run: func(ctx context.Context, c *bot.Call) (bot.Reply, error) {
			return bot.Reply{Text: "Progress of A.B.", Files: []bot.File{chartFile}}, nil
		}}
	e := newEnv(t, newStore(t), []*bot.Command{chart})
	status, resp := e.post(commandInteraction("1", paraDiscord, "chart"))
	if status != 200 || !strings.Contains(data(t, resp)["content"].(string)+embedText(resp), "Progress of A.B.") {
		t.Fatalf("answer %d %v", status, resp)
	}
	var got request
	for range 10 {
		if r := e.discord.Wait("POST /webhooks/" + testAppID + "/interaction-token-1"); r.Status == 200 {
			got = r
			break
		}
	}
	payload, files := filesOf(t, got)
	if flags(payload) != 64 || len(files) != 1 || files[0].Name != chartFile.Name || !bytes.Equal(files[0].Data, chartFile.Data) {
		t.Errorf("follow-up flags %d, files %+v", flags(payload), files)
	}
}

// embedText joins the titles and descriptions of a response's embeds.
func embedText(resp map[string]any) string {
	d, _ := resp["data"].(map[string]any)
	embeds, _ := d["embeds"].([]any)
	var b strings.Builder
	for _, e := range embeds {
		m, _ := e.(map[string]any)
		b.WriteString(" " + toString(m["title"]) + " " + toString(m["description"]))
	}
	return b.String()
}

func toString(v any) string { s, _ := v.(string); return s }
