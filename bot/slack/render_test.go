package slack

import (
	"encoding/json"
	"strings"
	"testing"

	"parabot/bot"
)

// render encodes blocks the way they go on the wire, as generic JSON.
func render(t *testing.T, v any) []map[string]any {
	t.Helper()
	b, err := json.Marshal(v)
	if err != nil {
		t.Fatal(err)
	}
	var out []map[string]any
	if err := json.Unmarshal(b, &out); err != nil {
		t.Fatalf("blocks are not a JSON array: %v\n%s", err, b)
	}
	return out
}

func TestBlocks(t *testing.T) {
	t.Parallel()
	r := bot.Reply{
		Text:    "Logged 5 trials for A.B. (S101) G2.\nSecond line",
		Fields:  []bot.Field{{Label: "Correct", Value: "4/5"}, {Label: "Independent", Value: "3"}},
		Context: "Undo within the day if this was wrong.",
		Buttons: []bot.Button{{Label: "Undo", Action: "undo", Value: "42", Style: "danger"}, {Label: "Also", Action: "undo", Value: "43"}},
	}
	got := render(t, blocks(r))
	if len(got) != 4 {
		t.Fatalf("got %d blocks, want section, fields, context, actions: %v", len(got), got)
	}
	wantTypes := []string{"section", "section", "context", "actions"}
	for i, w := range wantTypes {
		if got[i]["type"] != w {
			t.Errorf("block %d is %v, want %s", i, got[i]["type"], w)
		}
	}
	text := got[0]["text"].(map[string]any)
	if text["type"] != "mrkdwn" || text["text"] != "Logged 5 trials for A.B. (S101) G2.\nSecond line" {
		t.Errorf("text block = %v", text)
	}
	fields := got[1]["fields"].([]any)
	if len(fields) != 2 || fields[0].(map[string]any)["text"] != "*Correct*\n4/5" {
		t.Errorf("fields = %v", fields)
	}
	els := got[3]["elements"].([]any)
	b0, b1 := els[0].(map[string]any), els[1].(map[string]any)
	if b0["action_id"] == b1["action_id"] {
		t.Errorf("two buttons share action_id %v", b0["action_id"])
	}
	if b0["value"] != "42" || b0["style"] != "danger" || b1["style"] != nil {
		t.Errorf("buttons = %v, %v", b0, b1)
	}
	for _, b := range []map[string]any{b0, b1} {
		if a, ok := pressAction(b["action_id"].(string)); !ok || a != "undo" {
			t.Errorf("pressAction(%v) = %q, %v", b["action_id"], a, ok)
		}
	}
	if fb := fallback(r); fb != "Logged 5 trials for A.B. (S101) G2." {
		t.Errorf("fallback = %q", fb)
	}
}

func TestBlocksEscapeUserText(t *testing.T) {
	t.Parallel()
	r := bot.Reply{Text: "Note: <!channel> & <https://evil.example|click>", IsError: true}
	got := render(t, blocks(r))
	text := got[0]["text"].(map[string]any)["text"].(string)
	if strings.ContainsAny(text, "<>") {
		t.Errorf("unescaped text %q", text)
	}
	if !strings.HasPrefix(text, ":warning: ") || !strings.Contains(text, "&lt;!channel&gt; &amp; ") {
		t.Errorf("text = %q", text)
	}
}

func TestBlocksLongText(t *testing.T) {
	t.Parallel()
	line := strings.Repeat("x", 100) + "\n"
	r := bot.Reply{Text: strings.Repeat(line, 70)} // 7070 characters
	got := render(t, blocks(r))
	if len(got) != 3 {
		t.Fatalf("got %d sections, want 3", len(got))
	}
	total := 0
	for _, b := range got {
		s := b["text"].(map[string]any)["text"].(string)
		if len(s) > maxSectionText {
			t.Errorf("section of %d characters", len(s))
		}
		total += len(s)
	}
	if total < 7000 {
		t.Errorf("lost text: %d characters left", total)
	}
}

func TestBlocksEmptyReply(t *testing.T) {
	t.Parallel()
	if got := render(t, blocks(bot.Reply{})); len(got) != 1 {
		t.Fatalf("an empty reply must still be a valid message, got %v", got)
	}
}

func TestCommandOf(t *testing.T) {
	t.Parallel()
	tests := []struct{ slash, text, name, rest string }{
		{"/trial", "S101 G2 + +", "trial", "S101 G2 + +"},
		{"/trial", "  ", "trial", ""},
		{"/para", "trial S101 G2 + +", "trial", "S101 G2 + +"},
		{"/para", "/Trial S101", "trial", "S101"},
		{"/para", "help", "help", ""},
		{"/para", "", "help", ""},
		{"/PARA", "undo wrong student", "undo", "wrong student"},
		{"/para", "note\tS101 said 2 &lt; 3 &amp;&gt; smiled", "note", "S101 said 2 < 3 &> smiled"},
		{"/note", "S101 &amp;lt; stays", "note", "S101 &lt; stays"},
	}
	for _, tc := range tests {
		name, rest := commandOf(tc.slash, tc.text)
		if name != tc.name || rest != tc.rest {
			t.Errorf("commandOf(%q, %q) = %q, %q; want %q, %q", tc.slash, tc.text, name, rest, tc.name, tc.rest)
		}
	}
}

func FuzzCommandOf(f *testing.F) {
	f.Add("/para", "trial S101 G2 + +")
	f.Add("/trial", "S101 &lt;G2&gt;")
	f.Add("/para", " \t")
	f.Fuzz(func(t *testing.T, slash, text string) {
		name, rest := commandOf(slash, text)
		if strings.TrimSpace(rest) != rest {
			t.Errorf("rest %q is not trimmed", rest)
		}
		if strings.EqualFold(strings.TrimSpace(slash), "/"+Umbrella) {
			if name == "" || strings.IndexFunc(name, func(r rune) bool { return r == ' ' || r == '\t' || r == '\n' }) >= 0 {
				t.Errorf("umbrella gave command %q", name)
			}
		}
	})
}

// TestLongReplyIsCutVisibly: a reply longer than Slack takes keeps under
// its message limits and says where it was cut.
func TestLongReplyIsCutVisibly(t *testing.T) {
	var lines []string
	for i := 0; i < 1000; i++ {
		lines = append(lines, "a line of a very long reply")
	}
	var fields []bot.Field
	for i := 0; i < 45; i++ {
		fields = append(fields, bot.Field{Label: "f", Value: "v"})
	}
	bs := blocks(bot.Reply{Text: strings.Join(lines, "\n"), Fields: fields})
	var raw []any
	b, _ := json.Marshal(bs)
	if err := json.Unmarshal(b, &raw); err != nil {
		t.Fatal(err)
	}
	text := blockText(raw)
	if !strings.Contains(text, "(Cut here: the reply is 27999 characters and Slack shows 12000") || !strings.Contains(text, "(15 more not shown here.)") {
		t.Errorf("no visible cut:\n%s", text[len(text)-300:])
	}
	total := 0
	for _, blk := range raw {
		if tx, ok := blk.(map[string]any)["text"].(map[string]any); ok {
			total += len(tx["text"].(string))
		}
	}
	if total > 13000 || len(raw) > 50 {
		t.Errorf("%d characters in %d blocks", total, len(raw))
	}
}

// TestBlocksHoldMaxButtons: a reply with bot.MaxButtons buttons (a paged
// roll) shows every one, the last leading to the next page.
func TestBlocksHoldMaxButtons(t *testing.T) {
	var r bot.Reply
	for i := range bot.MaxButtons {
		r.Buttons = append(r.Buttons, bot.Button{Label: "Hand off " + strings.Repeat("x", i%3), Action: "handoff", Value: "1:2026-11-24"})
	}
	r.Buttons[bot.MaxButtons-1] = bot.Button{Label: "Next 16", Action: bot.ActionRetry, Value: "dismissal?page=2"}
	bs, _ := json.Marshal(blocks(r))
	if n := strings.Count(string(bs), `"type":"button"`); n != bot.MaxButtons {
		t.Errorf("%d buttons rendered, want %d", n, bot.MaxButtons)
	}
	if !strings.Contains(string(bs), `"value":"dismissal?page=2"`) {
		t.Errorf("the next page's button is missing: %s", bs)
	}
}
