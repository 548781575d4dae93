package slack

import (
	"context"
	"errors"
	"fmt"
	"regexp"
	"strings"
	"sync"
	"time"

	slackapi "github.com/slack-go/slack"

	"parabot/bot"
	"parabot/scheduler"
)

// SendDM sends r to a Slack user as a direct message from the app: it
// opens (or finds) the DM conversation, then posts to it. Errors tell the
// delivery worker what to do: RetryAfter for a 429, scheduler.Permanent
// when retrying cannot help, anything else is retried.
func (a *Adapter) SendDM(ctx context.Context, userID string, r bot.Reply) error {
	chID, ok := a.dms.get(userID)
	if !ok {
		cctx, cancel := context.WithTimeout(ctx, callTimeout)
		ch, _, _, err := a.api.OpenConversationContext(cctx, &slackapi.OpenConversationParameters{Users: []string{userID}, ReturnIM: true})
		cancel()
		if err != nil {
			return sendError("conversations.open", err)
		}
		chID = ch.ID
		a.dms.set(userID, chID)
	}
	err := a.post(ctx, chID, r)
	if err != nil {
		a.dms.forget(userID) // opened afresh next time, in case it is the channel that failed
	}
	return err
}

// dmCache remembers the direct-message channel of each user the adapter
// opened one with (a DM channel's id does not change), so a minute's
// reminders each make one Web API call, not two.
type dmCache struct {
	mu  sync.Mutex
	ids map[string]string
}

// dmCacheSize bounds the users remembered; the cache starts over when it
// is full.
const dmCacheSize = 20000

func (c *dmCache) get(userID string) (string, bool) {
	c.mu.Lock()
	defer c.mu.Unlock()
	id, ok := c.ids[userID]
	return id, ok
}

func (c *dmCache) set(userID, channelID string) {
	c.mu.Lock()
	defer c.mu.Unlock()
	if c.ids == nil || len(c.ids) >= dmCacheSize {
		c.ids = map[string]string{}
	}
	c.ids[userID] = channelID
}

func (c *dmCache) forget(userID string) {
	c.mu.Lock()
	defer c.mu.Unlock()
	delete(c.ids, userID)
}

// PostChannel posts r to a channel, given by id or by name (with or
// without #), as the roster names it. The app joins a public channel it
// is not in yet.
func (a *Adapter) PostChannel(ctx context.Context, channel string, r bot.Reply) error {
	id, err := a.channelID(ctx, channel)
	if err != nil {
		return err
	}
	err = a.post(ctx, id, r)
	if slackErr(err) == "not_in_channel" {
		cctx, cancel := context.WithTimeout(ctx, callTimeout)
		_, _, _, jerr := a.api.JoinConversationContext(cctx, id)
		cancel()
		if jerr != nil {
			return &scheduler.Permanent{Err: fmt.Errorf("slack: the app is not in channel %s and cannot join it (invite it): %w", id, jerr)}
		}
		err = a.post(ctx, id, r)
	}
	return err
}

// post sends one message, paced to about one a second per channel and to
// the workspace rate overall. A queued delivery's message carries its
// one-time key as message metadata, so a repeated delivery (a retry or a
// rescue after a crash) that finds it in the channel sends nothing.
func (a *Adapter) post(ctx context.Context, channelID string, r bot.Reply) error {
	key := scheduler.DeliveryKey(ctx)
	if key != "" && scheduler.DeliveryRepeat(ctx) {
		sent, err := a.sentBefore(ctx, channelID, key)
		if err != nil {
			return err
		}
		if sent {
			a.log.Info("message found in the channel: not sent again", "key", key)
			return nil
		}
	}
	opts := []slackapi.MsgOption{slackapi.MsgOptionText(fallback(r), false), slackapi.MsgOptionBlocks(blocks(r)...)}
	if key != "" {
		opts = append(opts, slackapi.MsgOptionMetadata(slackapi.SlackMetadata{EventType: deliveryEvent, EventPayload: map[string]any{"key": key}}))
		// A queued delivery does not hold a worker while its channel is
		// busy (messages already wait for it): it is snoozed, and the
		// worker delivers to other channels meanwhile.
		d, ok := a.pace.book(channelID, channelWaitInline)
		if !ok {
			return &retryAfter{wait: d, err: fmt.Errorf("slack: channel %s is busy for %s", channelID, d.Round(time.Millisecond))}
		}
		if err := sleep(ctx, d); err != nil {
			return err
		}
	} else if err := a.pace.wait(ctx, channelID); err != nil {
		return err
	}
	if err := a.ws.wait(ctx, ""); err != nil {
		return err
	}
	cctx, cancel := context.WithTimeout(ctx, callTimeout)
	defer cancel()
	_, _, err := a.api.PostMessageContext(cctx, channelID, opts...)
	if err != nil {
		var rl *slackapi.RateLimitedError
		if errors.As(err, &rl) {
			a.pace.hold(channelID, rl.RetryAfter)
		}
		return sendError("chat.postMessage", err)
	}
	if len(r.Files) > 0 {
		return a.uploadFiles(ctx, channelID, r.Files)
	}
	return nil
}

// Share keeps this replica to its share of the workspace's rate: the
// scheduler tells it how many replicas post (scheduler.Sharer).
func (a *Adapter) Share(replicas int) {
	a.ws.setGap(time.Second * time.Duration(max(replicas, 1)) / time.Duration(a.wsRate))
}

// deliveryEvent is the metadata event type of a queued delivery's message;
// its payload's "key" is the delivery's one-time key.
const deliveryEvent = "parabot_delivery"

// historyLookback is how many of a channel's latest messages a repeated
// delivery looks through for its own.
const historyLookback = 100

// sentBefore reports whether one of the channel's latest messages is the
// delivery of key (conversations.history with metadata). When Slack will
// not tell (no history scope, an old install), it reports false: the
// message is sent, as it was before the lookup existed.
func (a *Adapter) sentBefore(ctx context.Context, channelID, key string) (bool, error) {
	cctx, cancel := context.WithTimeout(ctx, callTimeout)
	defer cancel()
	h, err := a.api.GetConversationHistoryContext(cctx, &slackapi.GetConversationHistoryParameters{
		ChannelID: channelID, Limit: historyLookback, IncludeAllMetadata: true})
	if err != nil {
		var rl *slackapi.RateLimitedError
		if errors.As(err, &rl) || ctx.Err() != nil {
			return false, sendError("conversations.history", err)
		}
		a.log.Warn("cannot look whether a repeated delivery went out; sending it", "channel", channelID, "error", err)
		return false, nil
	}
	for _, m := range h.Messages {
		if m.Metadata.EventType == deliveryEvent && m.Metadata.EventPayload["key"] == key {
			return true, nil
		}
	}
	return false, nil
}

// channelIDPattern matches Slack's conversation ids (public, private, DM).
var channelIDPattern = regexp.MustCompile(`^[CGD][A-Z0-9]{6,}$`)

// channelID resolves a channel name to its id (conversations.list,
// cached); an id is returned as it is.
func (a *Adapter) channelID(ctx context.Context, channel string) (string, error) {
	name := strings.TrimPrefix(strings.TrimSpace(channel), "#")
	if channelIDPattern.MatchString(name) {
		return name, nil
	}
	name = strings.ToLower(name)
	if id, ok := a.channels.get(name); ok {
		return id, nil
	}
	names := map[string]string{}
	cursor := ""
	for page := 0; page < 50; page++ {
		cctx, cancel := context.WithTimeout(ctx, callTimeout)
		chans, next, err := a.api.GetConversationsContext(cctx, &slackapi.GetConversationsParameters{
			Cursor: cursor, ExcludeArchived: true, Limit: 200, // Slack asks for at most 200 a page Types: []string{"public_channel", "private_channel"},
		})
		cancel()
		if err != nil {
			return "", sendError("conversations.list", err)
		}
		for _, c := range chans {
			names[strings.ToLower(c.Name)] = c.ID
		}
		if cursor = next; cursor == "" {
			break
		}
	}
	a.channels.set(names)
	if id, ok := names[name]; ok {
		return id, nil
	}
	return "", &scheduler.Permanent{Err: fmt.Errorf("slack: no channel named %q (check the roster, or invite the app to the private channel)", name)}
}

// permanentErrors are Slack errors that a retry cannot fix.
var permanentErrors = map[string]bool{
	"channel_not_found": true, "is_archived": true, "msg_too_long": true, "no_text": true,
	"invalid_blocks": true, "user_not_found": true, "user_not_visible": true, "user_disabled": true,
	"cannot_dm_bot": true, "restricted_action": true, "not_allowed_token_type": true,
}

// sendError wraps a Web API error so the delivery worker can tell a 429
// (wait, then retry) and a permanent failure from a transient one.
func sendError(method string, err error) error {
	wrapped := fmt.Errorf("slack %s: %w", method, err)
	var rl *slackapi.RateLimitedError
	if errors.As(err, &rl) {
		return &retryAfter{wait: rl.RetryAfter, err: wrapped}
	}
	if permanentErrors[slackErr(err)] {
		return &scheduler.Permanent{Err: wrapped}
	}
	return wrapped
}

// slackErr is the error code of a Web API error ("channel_not_found"),
// or "".
func slackErr(err error) string {
	var se slackapi.SlackErrorResponse
	if errors.As(err, &se) {
		return se.Err
	}
	return ""
}

// retryAfter is a 429: the delivery worker snoozes the job for wait.
type retryAfter struct {
	wait time.Duration
	err  error
}

func (e *retryAfter) Error() string             { return e.err.Error() }
func (e *retryAfter) Unwrap() error             { return e.err }
func (e *retryAfter) RetryAfter() time.Duration { return e.wait }

var _ scheduler.RetryAfter = (*retryAfter)(nil)

// pacer spaces posts to one channel by gap (wall-clock time: it paces
// real requests to Slack), and holds a channel after a 429.
type pacer struct {
	gap  time.Duration
	mu   sync.Mutex
	next map[string]time.Time
}

func newPacer(gap time.Duration) *pacer {
	return &pacer{gap: gap, next: map[string]time.Time{}}
}

// setGap changes the spacing of the slots booked from now on.
func (p *pacer) setGap(gap time.Duration) {
	p.mu.Lock()
	defer p.mu.Unlock()
	p.gap = gap
}

// channelWaitInline is the longest a queued delivery waits for its
// channel's turn while holding a worker.
const channelWaitInline = time.Second

// wait blocks until the channel may be posted to, and books the slot.
func (p *pacer) wait(ctx context.Context, key string) error {
	d, _ := p.book(key, -1)
	return sleep(ctx, d)
}

// sleep waits d, or until ctx ends.
func sleep(ctx context.Context, d time.Duration) error {
	if d <= 0 {
		return nil
	}
	t := time.NewTimer(d)
	defer t.Stop()
	select {
	case <-t.C:
		return nil
	case <-ctx.Done():
		return fmt.Errorf("waiting to post to slack: %w", ctx.Err())
	}
}

// book books the key's next slot and returns how long until it comes;
// when that is more than maxWait (negative: no bound) it books nothing
// and reports false with the wait.
func (p *pacer) book(key string, maxWait time.Duration) (time.Duration, bool) {
	p.mu.Lock()
	defer p.mu.Unlock()
	now := time.Now()
	at := p.next[key]
	if at.Before(now) {
		at = now
	}
	if d := at.Sub(now); maxWait >= 0 && d > maxWait {
		return d, false
	}
	p.next[key] = at.Add(p.gap)
	if len(p.next) > 10000 {
		for k, t := range p.next {
			if t.Before(now) {
				delete(p.next, k)
			}
		}
	}
	return at.Sub(now), true
}

// hold keeps a channel quiet for d (Slack's Retry-After).
func (p *pacer) hold(key string, d time.Duration) {
	p.mu.Lock()
	defer p.mu.Unlock()
	if until := time.Now().Add(d); p.next[key].Before(until) {
		p.next[key] = until
	}
}

// channelCache remembers channel ids by name for ttl.
type channelCache struct {
	ttl     time.Duration
	mu      sync.Mutex
	ids     map[string]string
	expires time.Time
}

func (c *channelCache) get(name string) (string, bool) {
	c.mu.Lock()
	defer c.mu.Unlock()
	if time.Now().After(c.expires) {
		return "", false
	}
	id, ok := c.ids[name]
	return id, ok
}

func (c *channelCache) set(ids map[string]string) {
	c.mu.Lock()
	defer c.mu.Unlock()
	c.ids, c.expires = ids, time.Now().Add(c.ttl)
}
