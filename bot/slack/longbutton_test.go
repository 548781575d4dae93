package slack

import (
	"encoding/json"
	"strings"
	"testing"

	"parabot/bot"
)

// TestBlocksLeaveOutTooLongValue: a retry button whose command is longer
// than Slack's 2,000-character value is left out (Slack would refuse the
// whole message); one that fits is kept, and the message still says what
// to type.
func TestBlocksLeaveOutTooLongValue(t *testing.T) {
	fits := "trial?note=" + strings.Repeat("x", 1980)
	r := bot.Reply{Text: "This looks like a duplicate. Nothing was saved; log it again (again=yes) only if it is a new session.", IsError: true,
		Buttons: []bot.Button{
			{Label: "Log it again", Action: bot.ActionRetry, Value: fits},
			{Label: "Keep the name", Action: bot.ActionRetry, Value: "incident?again=yes&notes=" + strings.Repeat("x", 2000)},
		}}
	bs, _ := json.Marshal(blocks(r))
	if n := strings.Count(string(bs), `"type":"button"`); n != 1 || !strings.Contains(string(bs), `"value":"`+fits+`"`) {
		t.Errorf("%d buttons rendered, want the one whose value fits: %.300s", n, bs)
	}
	if !strings.Contains(string(bs), "again=yes") {
		t.Errorf("the message no longer says what to type")
	}
}
