package slack

import (
	"context"
	"errors"
	"fmt"
	"log/slog"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/riverqueue/river"
	"github.com/riverqueue/river/rivertype"

	"parabot/bot"
	"parabot/scheduler"
	"parabot/storage"
	"parabot/storage/storagetest"
)

// deliver runs the real delivery worker on one job through the adapter;
// each run of one job id is its next attempt, as River counts them.
func (h *harness) deliver(jobID int64, args scheduler.DeliverArgs) error {
	h.t.Helper()
	if h.attempts == nil {
		h.attempts = map[int64]int{}
	}
	h.attempts[jobID]++
	w := &scheduler.DeliverWorker{
		Store:   h.store,
		Senders: map[storage.Platform]scheduler.Sender{storage.PlatformSlack: h.adapter},
		Log:     slog.New(slog.DiscardHandler),
		Now:     func() time.Time { return h.now },
	}
	return w.Work(context.Background(), &river.Job[scheduler.DeliverArgs]{JobRow: &rivertype.JobRow{ID: jobID, Attempt: h.attempts[jobID]}, Args: args})
}

func TestDeliverDirectMessage(t *testing.T) {
	t.Parallel()
	engines(t, func(t *testing.T, store storage.Store) {
		h := newHarness(t, store)
		args := scheduler.DeliverArgs{StaffID: h.staff("tlopez"), Reply: bot.Reply{
			Text:    "Note from Jo Rivera about A.B. (S101):\nHad a great morning <3",
			Buttons: []bot.Button{{Label: "Acknowledge", Action: "ack", Value: "7", Style: "primary"}},
		}}
		if err := h.deliver(1, args); err != nil {
			t.Fatal(err)
		}
		// The same job run again (a crash after sending) posts nothing.
		if err := h.deliver(1, args); err != nil {
			t.Fatal(err)
		}
		opens := h.slack.callsTo("conversations.open")
		if len(opens) != 1 || opens[0].Form.Get("users") != userTeacher {
			t.Fatalf("conversations.open calls: %v", opens)
		}
		posts := h.slack.callsTo("chat.postMessage")
		if len(posts) != 1 {
			t.Fatalf("%d posts, want 1", len(posts))
		}
		p := posts[0]
		if p.Form.Get("channel") != "D"+userTeacher || p.Form.Get("text") != "Note from Jo Rivera about A.B. (S101):" {
			t.Errorf("post = %v", p.Form)
		}
		bs := decodeBlocks(t, p)
		if text := blockText(bs); !strings.Contains(text, "Had a great morning &lt;3") {
			t.Errorf("blocks text %q", text)
		}
		if b := buttonOf(t, bs, "Acknowledge"); b["value"] != "7" || b["style"] != "primary" {
			t.Errorf("button %v", b)
		}
	})
}

// Channels are listed in pages of 200, as Slack asks.
func TestChannelLookupPagesBy200(t *testing.T) {
	t.Parallel()
	h := newHarness(t, storagetest.OpenSQLite(t))
	h.slack.mu.Lock()
	for i := range 450 {
		h.slack.channels[fmt.Sprintf("club-%03d", i)] = fmt.Sprintf("C0CLUB%03d", i)
	}
	h.slack.mu.Unlock()
	if err := h.adapter.PostChannel(context.Background(), "club-449", bot.Reply{Text: "hello"}); err != nil {
		t.Fatal(err)
	}
	lists := h.slack.callsTo("conversations.list")
	if len(lists) != 3 {
		t.Fatalf("conversations.list called %d times for 450+ channels, want 3 pages", len(lists))
	}
	for _, l := range lists {
		if l.Form.Get("limit") != "200" {
			t.Errorf("limit %q, want 200", l.Form.Get("limit"))
		}
	}
	posts := h.slack.callsTo("chat.postMessage")
	if len(posts) == 0 || posts[len(posts)-1].Form.Get("channel") != "C0CLUB449" {
		t.Errorf("posts: %v", posts)
	}
}

func TestDeliverChannelPost(t *testing.T) {
	t.Parallel()
	h := newHarness(t, storagetest.OpenSQLite(t))
	// room-12 exists but the app is not in it yet: it joins, then posts.
	if err := h.deliver(2, scheduler.DeliverArgs{Channel: "room-12", Reply: bot.Reply{Text: "Daily summary: A.B. (S101) 4/5"}}); err != nil {
		t.Fatal(err)
	}
	if lists := h.slack.callsTo("conversations.list"); len(lists) != 1 {
		t.Errorf("conversations.list called %d times", len(lists))
	}
	if joins := h.slack.callsTo("conversations.join"); len(joins) != 1 || joins[0].Form.Get("channel") != "C0ROOM12" {
		t.Errorf("joins: %v", joins)
	}
	posts := h.slack.callsTo("chat.postMessage")
	if len(posts) != 2 || posts[1].Form.Get("channel") != "C0ROOM12" {
		t.Fatalf("posts: %v", posts)
	}
	// A second post finds the channel in the cache; an id is used as is.
	ctx := context.Background()
	if err := h.adapter.PostChannel(ctx, "#room-12", bot.Reply{Text: "again"}); err != nil {
		t.Fatal(err)
	}
	if err := h.adapter.PostChannel(ctx, "C0GENERAL", bot.Reply{Text: "by id"}); err != nil {
		t.Fatal(err)
	}
	if lists := h.slack.callsTo("conversations.list"); len(lists) != 1 {
		t.Errorf("conversations.list called %d times", len(lists))
	}
	posts = h.slack.callsTo("chat.postMessage")
	if len(posts) != 4 || posts[3].Form.Get("channel") != "C0GENERAL" {
		t.Errorf("posts: %v", posts)
	}
}

func TestDeliverUnknownChannelIsPermanent(t *testing.T) {
	t.Parallel()
	h := newHarness(t, storagetest.OpenSQLite(t))
	err := h.adapter.PostChannel(context.Background(), "no-such-room", bot.Reply{Text: "x"})
	var perm *scheduler.Permanent
	if !errors.As(err, &perm) {
		t.Fatalf("err = %v, want scheduler.Permanent", err)
	}
	err = h.deliver(3, scheduler.DeliverArgs{Channel: "no-such-room", Reply: bot.Reply{Text: "x"}})
	var cancel *rivertype.JobCancelError
	if !errors.As(err, &cancel) {
		t.Errorf("worker returned %v, want the job cancelled", err)
	}
}

func TestDeliverRateLimited(t *testing.T) {
	t.Parallel()
	h := newHarness(t, storagetest.OpenSQLite(t))
	args := scheduler.DeliverArgs{StaffID: h.staff("jrivera"), Reply: bot.Reply{Text: "Bus duty in 10 minutes."}}
	h.slack.rateLimit("chat.postMessage", 1)
	err := h.deliver(4, args)
	var snooze *rivertype.JobSnoozeError
	if !errors.As(err, &snooze) || snooze.Duration != time.Second {
		t.Fatalf("worker returned %v, want a snooze of 1s (Retry-After)", err)
	}
	var ra scheduler.RetryAfter
	// Other conversations are not held up.
	if err := h.adapter.SendDM(context.Background(), userTeacher, args.Reply); err != nil {
		t.Fatalf("second send: %v", err)
	}
	h.slack.rateLimit("conversations.open", 1)
	if err := h.adapter.SendDM(context.Background(), userPara, args.Reply); !errors.As(err, &ra) || ra.RetryAfter() != time.Second {
		t.Errorf("429 on conversations.open: %v", err)
	}
	// The snoozed job, run again, sends once.
	if err := h.deliver(4, args); err != nil {
		t.Fatal(err)
	}
	posts := h.slack.callsTo("chat.postMessage")
	if len(posts) != 3 { // the limited one, the direct SendDM, the retried job
		t.Errorf("%d chat.postMessage calls, want 3", len(posts))
	}
}

func TestDeliverTransientFailureRetries(t *testing.T) {
	t.Parallel()
	h := newHarness(t, storagetest.OpenSQLite(t))
	args := scheduler.DeliverArgs{StaffID: h.staff("jrivera"), Reply: bot.Reply{Text: "hello"}}
	h.slack.failWith("chat.postMessage", "internal_error")
	err := h.deliver(5, args)
	var perm *scheduler.Permanent
	var snooze *rivertype.JobSnoozeError
	if err == nil || errors.As(err, &perm) || errors.As(err, &snooze) {
		t.Fatalf("worker returned %v, want an error to retry", err)
	}
	h.slack.failWith("chat.postMessage", "")
	if err := h.deliver(5, args); err != nil {
		t.Fatalf("retry: %v", err)
	}
	h.slack.failWith("chat.postMessage", "user_disabled")
	if err := h.adapter.SendDM(context.Background(), userPara, args.Reply); !errors.As(err, &perm) {
		t.Errorf("user_disabled: %v, want permanent", err)
	}
}

func TestPacerSpacesOneChannel(t *testing.T) {
	t.Parallel()
	p := newPacer(time.Hour)
	ctx := context.Background()
	if err := p.wait(ctx, "C1"); err != nil {
		t.Fatal(err)
	}
	if err := p.wait(ctx, "C2"); err != nil {
		t.Fatal("another channel must not wait")
	}
	ctx, cancel := context.WithCancel(ctx)
	cancel()
	if err := p.wait(ctx, "C1"); err == nil {
		t.Fatal("a second post to C1 within the gap did not wait")
	}
}

// Compile-time: the adapter is what the delivery worker needs.
var _ river.Worker[scheduler.DeliverArgs] = (*scheduler.DeliverWorker)(nil)

func TestDeliverFindsStaffByEmail(t *testing.T) {
	t.Parallel()
	engines(t, func(t *testing.T, store storage.Store) {
		h := newHarness(t, store)
		admin, err := store.StaffMember(context.Background(), h.staff("pprincipal"))
		if err != nil {
			t.Fatal(err)
		}
		h.slack.setEmail("U0PRINCIPAL", strings.ToUpper(admin.Email))
		args := scheduler.DeliverArgs{StaffID: admin.ID, Reply: bot.Reply{Text: "Severe incident: A.B. (S101)."}}
		if err := h.deliver(2, args); err != nil {
			t.Fatal(err)
		}
		if posts := h.slack.callsTo("chat.postMessage"); len(posts) != 1 || posts[0].Form.Get("channel") != "DU0PRINCIPAL" {
			t.Fatalf("posts %v", posts)
		}
		if st, err := store.StaffByIdentity(context.Background(), storage.PlatformSlack, "U0PRINCIPAL"); err != nil || st.ID != admin.ID {
			t.Errorf("linked: %+v, %v", st, err)
		}
		// Nobody in the workspace has the email: not deliverable, no post.
		unknown := h.staff("mchen")
		if err := h.deliver(3, scheduler.DeliverArgs{StaffID: unknown, Reply: bot.Reply{Text: "x"}}); err == nil {
			t.Error("a delivery to someone Slack does not know should fail permanently")
		}
	})
}

// TestBusyChannelSnoozesDelivery: a queued delivery to a channel whose
// turn is more than a second away does not hold its worker: of three
// deliveries to one channel at once, two post (the second a second after
// the first) and the third returns a RetryAfter (the job is snoozed).
func TestBusyChannelSnoozesDelivery(t *testing.T) {
	t.Parallel()
	h := newHarness(t, storagetest.OpenSQLite(t))
	h.adapter.pace = newPacer(time.Second)
	ctx := scheduler.WithDeliveryKey(context.Background(), "job:1")
	errs := make([]error, 3)
	var wg sync.WaitGroup
	for i := range errs {
		wg.Add(1)
		go func() {
			defer wg.Done()
			errs[i] = h.adapter.SendDM(ctx, userTeacher, bot.Reply{Text: "x"})
		}()
	}
	wg.Wait()
	snoozed := 0
	for _, err := range errs {
		var ra scheduler.RetryAfter
		switch {
		case err == nil:
		case errors.As(err, &ra) && ra.RetryAfter() > time.Second && ra.RetryAfter() <= 2*time.Second:
			snoozed++
		default:
			t.Errorf("send: %v", err)
		}
	}
	if n := len(h.slack.callsTo("chat.postMessage")); n != 2 || snoozed != 1 {
		t.Errorf("%d posts and %d snoozed, want 2 and 1", n, snoozed)
	}
}

// TestShareSplitsWorkspaceRate: with four replicas live, each posts at a
// quarter of the workspace's rate; alone again, at all of it.
func TestShareSplitsWorkspaceRate(t *testing.T) {
	t.Parallel()
	a := &Adapter{ws: newPacer(10 * time.Millisecond), wsRate: 100}
	// The pacer reads the wall clock: what passes between bookings
	// shortens the waits, so each is checked with a margin below (and
	// still apart from the 10ms or 120ms a lost share would give).
	a.Share(4)
	a.ws.book("", -1)
	if d, _ := a.ws.book("", -1); d < 20*time.Millisecond || d > 40*time.Millisecond {
		t.Errorf("four replicas: the next post waits %s, want 40ms (a quarter of 100 a second)", d)
	}
	a.Share(1)
	a.ws.book("", -1) // booked 40ms on; the gap after it is 10ms
	if d, _ := a.ws.book("", -1); d < 60*time.Millisecond || d > 90*time.Millisecond {
		t.Errorf("alone again: the next post waits %s, want 90ms (40+40+10)", d)
	}
}
