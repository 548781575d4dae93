package discord

import (
	"encoding/json"
	"strconv"
	"strings"
	"testing"
	"unicode/utf8"

	"parabot/bot"
)

// rendered is render's output as Discord reads it.
func rendered(t *testing.T, r bot.Reply) map[string]any {
	t.Helper()
	b, err := json.Marshal(render(r))
	if err != nil {
		t.Fatal(err)
	}
	var m map[string]any
	if err := json.Unmarshal(b, &m); err != nil {
		t.Fatal(err)
	}
	return m
}

func TestRender(t *testing.T) {
	manyButtons := make([]bot.Button, 30)
	for i := range manyButtons {
		manyButtons[i] = bot.Button{Label: "B" + strconv.Itoa(i), Action: "pick", Value: strconv.Itoa(i)}
	}
	tests := []struct {
		name  string
		reply bot.Reply
		check func(t *testing.T, m map[string]any)
	}{
		{"plain text is content", bot.Reply{Text: "Logged 5 trials.", Private: true}, func(t *testing.T, m map[string]any) {
			if m["content"] != "Logged 5 trials." || len(m["embeds"].([]any)) != 0 || flags(m) != 64 {
				t.Errorf("got %v", m)
			}
		}},
		{"public reply has no flags", bot.Reply{Text: "Hi"}, func(t *testing.T, m map[string]any) {
			if _, ok := m["flags"]; ok {
				t.Errorf("flags set: %v", m)
			}
		}},
		{"fields make an embed", bot.Reply{
			Text:    "Incident logged for A.B. (S101)\nSeverity 4: teacher and admin notified.",
			Fields:  []bot.Field{{Label: "Behavior", Value: "threw a chair"}, {Label: "Notes", Value: strings.Repeat("long ", 20)}},
			Context: "Undo within 10 minutes with /undo",
		}, func(t *testing.T, m map[string]any) {
			embeds := m["embeds"].([]any)
			if m["content"] != "" || len(embeds) != 1 {
				t.Fatalf("got %v", m)
			}
			e := embeds[0].(map[string]any)
			if e["title"] != "Incident logged for A.B. (S101)" || e["description"] != "Severity 4: teacher and admin notified." {
				t.Errorf("title/description %q / %q", e["title"], e["description"])
			}
			if e["footer"].(map[string]any)["text"] != "Undo within 10 minutes with /undo" {
				t.Errorf("footer %v", e["footer"])
			}
			fs := e["fields"].([]any)
			if len(fs) != 2 || fs[0].(map[string]any)["name"] != "Behavior" || fs[0].(map[string]any)["inline"] != true || fs[1].(map[string]any)["inline"] != nil {
				t.Errorf("fields %v: short values inline, long ones not", fs)
			}
			if e["color"] != float64(colorOK) {
				t.Errorf("color %v", e["color"])
			}
		}},
		{"error embed is red", bot.Reply{Text: "No.", Context: "Usage: /x", IsError: true}, func(t *testing.T, m map[string]any) {
			if m["embeds"].([]any)[0].(map[string]any)["color"] != float64(colorError) {
				t.Errorf("got %v", m)
			}
		}},
		{"long text is cut to Discord's limits", bot.Reply{Text: strings.Repeat("é", 3000)}, func(t *testing.T, m map[string]any) {
			e := m["embeds"].([]any)[0].(map[string]any)
			if n := utf8.RuneCountInString(e["title"].(string)); n != maxTitle {
				t.Errorf("title of %d runes", n)
			}
		}},
		{"many fields are capped", bot.Reply{Text: "x", Fields: make([]bot.Field, 40)}, func(t *testing.T, m map[string]any) {
			fs := m["embeds"].([]any)[0].(map[string]any)["fields"].([]any)
			if len(fs) != maxFields || fs[0].(map[string]any)["name"] == "" || fs[0].(map[string]any)["value"] == "" {
				t.Errorf("fields %v", fs)
			}
		}},
		{"buttons in rows of five, at most five rows", bot.Reply{Text: "Pick", Buttons: manyButtons}, func(t *testing.T, m map[string]any) {
			rows := m["components"].([]any)
			if len(rows) != maxRows {
				t.Fatalf("%d rows", len(rows))
			}
			for _, row := range rows {
				r := row.(map[string]any)
				if r["type"] != float64(1) || len(r["components"].([]any)) != maxRowButtons {
					t.Errorf("row %v", r)
				}
			}
			b := rows[0].(map[string]any)["components"].([]any)[0].(map[string]any)
			if b["type"] != float64(2) || b["custom_id"] != "pick:0" || b["label"] != "B0" || b["style"] != float64(2) {
				t.Errorf("button %v", b)
			}
		}},
		{"button styles", bot.Reply{Text: "x", Buttons: []bot.Button{{Label: "Undo", Action: "undo", Value: "1", Style: "danger"}, {Label: "Ack", Action: "ack", Value: "2", Style: "primary"}}}, func(t *testing.T, m map[string]any) {
			bs := m["components"].([]any)[0].(map[string]any)["components"].([]any)
			if bs[0].(map[string]any)["style"] != float64(4) || bs[1].(map[string]any)["style"] != float64(1) {
				t.Errorf("styles %v", bs)
			}
		}},
		{"a button too long for custom_id is left out", bot.Reply{Text: "x", Buttons: []bot.Button{{Label: "Big", Action: "a", Value: strings.Repeat("9", 100)}}}, func(t *testing.T, m map[string]any) {
			if len(m["components"].([]any)) != 0 {
				t.Errorf("components %v", m["components"])
			}
		}},
		{"nothing pings", bot.Reply{Text: "@everyone look"}, func(t *testing.T, m map[string]any) {
			am := m["allowed_mentions"].(map[string]any)
			if p, ok := am["parse"].([]any); !ok || len(p) != 0 {
				t.Errorf("allowed_mentions %v", am)
			}
		}},
		{"empty reply still says something", bot.Reply{}, func(t *testing.T, m map[string]any) {
			if m["content"] == "" {
				t.Errorf("empty content: Discord refuses an empty message")
			}
		}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) { tt.check(t, rendered(t, tt.reply)) })
	}
}

func TestCustomIDRoundTrip(t *testing.T) {
	for _, v := range []string{"42", "", "a:b:c", "x y"} {
		a, got := parseCustomID("undo" + customIDSep + v)
		if a != "undo" || got != v {
			t.Errorf("value %q came back as %q %q", v, a, got)
		}
	}
}

// TestRenderHoldsMaxButtons: a reply with bot.MaxButtons buttons (a
// paged roll) fills Discord's five rows of five, the last leading to the
// next page.
func TestRenderHoldsMaxButtons(t *testing.T) {
	var r bot.Reply
	for i := range bot.MaxButtons - 1 {
		r.Buttons = append(r.Buttons, bot.Button{Label: "Hand off", Action: "handoff", Value: strconv.Itoa(i) + ":2026-11-24"})
	}
	r.Buttons = append(r.Buttons, bot.Button{Label: "Next 16", Action: bot.ActionRetry, Value: "dismissal?page=2"})
	m := render(r)
	n := 0
	last := ""
	for _, row := range m.Components {
		b, _ := json.Marshal(row)
		n += strings.Count(string(b), `"custom_id"`)
		last = string(b)
	}
	if len(m.Components) != 5 || n != bot.MaxButtons || !strings.Contains(last, "retry:dismissal?page=2") {
		t.Errorf("%d rows, %d buttons, last row %s; want 5 rows of 5 ending with the next page", len(m.Components), n, last)
	}
}
