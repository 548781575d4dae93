package slack

import (
	"context"
	"strings"
	"testing"
	"time"

	"parabot/bot"
	"parabot/scheduler"
	"parabot/storage"
)

// A delivery whose send reached Slack but was never recorded (its process
// died in between) is looked up in the channel when it runs again, and
// not posted twice; one that never got out is posted.
func TestRepeatedDeliveryIsNotPostedTwice(t *testing.T) {
	t.Parallel()
	engines(t, func(t *testing.T, store storage.Store) {
		h := newHarness(t, store)
		args := scheduler.DeliverArgs{StaffID: h.staff("tlopez"), Reply: bot.Reply{Text: "Reminder: bus duty 15:10–15:30"}}
		// Job 9's first attempt posts, then dies before recording it. (The
		// harness's jobs have a zero creation time.)
		key := scheduler.JobKey(9, time.Time{})
		if err := h.adapter.SendDM(scheduler.WithDeliveryKey(context.Background(), key), userTeacher, args.Reply); err != nil {
			t.Fatal(err)
		}
		posts := h.slack.callsTo("chat.postMessage")
		if len(posts) != 1 || !strings.Contains(posts[0].Form.Get("metadata"), `"key":"`+key+`"`) {
			t.Fatalf("posts %v, want one carrying its delivery key", posts)
		}
		h.attempts = map[int64]int{9: 1, 10: 1}
		if err := h.deliver(9, args); err != nil {
			t.Fatal(err)
		}
		if got := len(h.slack.callsTo("chat.postMessage")); got != 1 {
			t.Errorf("the repeated delivery posted again: %d posts", got)
		}
		if got := len(h.slack.callsTo("conversations.history")); got != 1 {
			t.Errorf("%d history lookups, want 1", got)
		}
		// Job 10's first attempt died before it reached Slack.
		if err := h.deliver(10, args); err != nil {
			t.Fatal(err)
		}
		if got := len(h.slack.callsTo("chat.postMessage")); got != 2 {
			t.Errorf("a repeated delivery that never got out was not posted: %d posts, want 2", got)
		}
		if got := len(h.slack.callsTo("conversations.history")); got != 2 {
			t.Errorf("%d history lookups after two repeated deliveries, want 2", got)
		}
		// A first attempt does not look.
		if err := h.deliver(11, args); err != nil {
			t.Fatal(err)
		}
		if got := len(h.slack.callsTo("conversations.history")); got != 2 {
			t.Errorf("%d history lookups, want 2 (first attempts do not look)", got)
		}
	})
}
