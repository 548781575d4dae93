// Package scheduler runs parabot's durable jobs on River: delivering
// outgoing messages through the platform adapters, and (as they come)
// reminders, escalation steps and scheduled summaries.
package scheduler

import (
	"context"
	"errors"
	"fmt"
	"log/slog"
	"math/rand/v2"
	"strconv"
	"time"

	"github.com/riverqueue/river"

	"parabot/bot"
	"parabot/storage"
)

// Sender is what a platform adapter offers the delivery worker.
type Sender interface {
	// SendDM sends a direct message to a platform user id.
	SendDM(ctx context.Context, userID string, r bot.Reply) error
	// PostChannel posts to a channel, named as the roster names it.
	PostChannel(ctx context.Context, channel string, r bot.Reply) error
}

// RetryAfter is implemented by errors of a platform that asked us to wait
// (HTTP 429 Retry-After): the job is snoozed for that long, not failed.
type RetryAfter interface {
	RetryAfter() time.Duration
}

// Permanent marks a send error that retrying cannot fix (unknown channel,
// user gone); the job is cancelled instead of retried.
type Permanent struct{ Err error }

func (e *Permanent) Error() string { return e.Err.Error() }
func (e *Permanent) Unwrap() error { return e.Err }

// DeliverArgs is the job that delivers one bot.Message. It waits in the
// queue, so its JSON is a stable format of its own (payload.go), not
// bot.Reply's Go field names.
type DeliverArgs struct {
	StaffID int64
	Channel string
	Prefer  storage.Platform // the platform the cause came from
	Reply   bot.Reply
}

// Kind is River's job kind.
func (DeliverArgs) Kind() string { return "deliver" }

// InsertOpts gives delivery jobs their queue and retry budget: with
// RetryDelay, 20 attempts reach about six hours past the first.
func (DeliverArgs) InsertOpts() river.InsertOpts {
	return river.InsertOpts{Queue: QueueDeliver, MaxAttempts: 20}
}

// MaxRetryDelay caps the wait between two delivery attempts.
const MaxRetryDelay = 30 * time.Minute

// RetryDelay is the wait after failed attempt n (1, 2, ...): 2s, 4s, 8s,
// doubling up to MaxRetryDelay. A message held up by a short platform
// outage goes out seconds after it ends, not minutes (River's default
// waits n⁴ seconds: 81 s after the third failure).
func RetryDelay(attempt int) time.Duration {
	if attempt < 1 {
		attempt = 1
	}
	if attempt > 20 {
		return MaxRetryDelay
	}
	return min(time.Duration(1<<attempt)*time.Second, MaxRetryDelay)
}

// QueueDeliver is the queue of outgoing messages.
const QueueDeliver = "deliver"

// Deliver makes the job that delivers m, preferring the platform prefer
// when the recipient is on several.
func Deliver(m bot.Message, prefer storage.Platform) storage.Job {
	return storage.Job{Args: DeliverArgs{StaffID: m.StaffID, Channel: m.Channel, Prefer: prefer, Reply: m.Reply}}
}

// DeliverAt makes the job that delivers m at at (the sender's clock,
// which tests and the terminal move).
func DeliverAt(m bot.Message, prefer storage.Platform, at time.Time) storage.Job {
	j := Deliver(m, prefer)
	j.ScheduledAt = at
	return j
}

// DeliverWorker sends DeliverArgs through the sender of a platform.
type DeliverWorker struct {
	river.WorkerDefaults[DeliverArgs]
	Store   storage.Store
	Senders map[storage.Platform]Sender
	Log     *slog.Logger
	Now     func() time.Time
	// CountWaiting is told of every delivery put off for a platform not
	// configured here (metrics); may be nil.
	CountWaiting func(platform string)
}

// PlatformWait is how long a delivery waits when its recipient is on a
// platform this process has no settings for: it is tried again then, and
// at once when a process that has them starts (ReleaseWaiting). It is
// never cancelled for that reason: a process started without a platform's
// settings (a broken env file) must not lose the messages queued for it.
const PlatformWait = MaxRetryDelay

// WaitsFor is the job metadata key marking a delivery put off for a
// platform not configured where it ran; its value is the platform, or
// AnyPlatform.
const WaitsFor = "waits_for"

// AnyPlatform is what a delivery waits for when no chat platform at all
// is configured (a channel post, or someone known by email only).
const AnyPlatform = "any"

// waitPlatform is route's error for a delivery that waits for a platform
// not configured in this process.
type waitPlatform struct{ platform string }

func (e *waitPlatform) Error() string {
	if e.platform == AnyPlatform {
		return "no chat platform is configured"
	}
	return "the recipient is on " + e.platform + ", which is not configured"
}

// NextRetry schedules the next attempt after a failure (RetryDelay, with
// up to a tenth more at random so retries of many jobs spread out).
func (w *DeliverWorker) NextRetry(job *river.Job[DeliverArgs]) time.Time {
	d := RetryDelay(job.Attempt)
	now := time.Now
	if w.Now != nil {
		now = w.Now
	}
	return now().Add(d + rand.N(d/10+1))
}

// Timeout bounds one delivery attempt (see JobTimeout and RescueAfter).
func (w *DeliverWorker) Timeout(*river.Job[DeliverArgs]) time.Duration { return JobTimeout }

// Work delivers one message. The job id is recorded as delivered after a
// successful send, and a run that finds it recorded sends nothing: a
// crash between sending and recording can repeat a message (the platform
// adapters make a repeat idempotent where the platform allows), but never
// loses one.
func (w *DeliverWorker) Work(ctx context.Context, job *river.Job[DeliverArgs]) error {
	key := JobKey(job.ID, job.CreatedAt)
	// A first attempt cannot have sent before: only a later one (a retry,
	// or a job rescued after a crash) looks up whether it did.
	err := w.deliver(ctx, job.Args, key, job.Attempt > 1)
	if err == nil {
		return nil
	}
	var ra RetryAfter
	if errors.As(err, &ra) {
		w.Log.Warn("platform asked to wait", "job_id", job.ID, "wait", ra.RetryAfter())
		return river.JobSnooze(ra.RetryAfter())
	}
	var wait *waitPlatform
	if errors.As(err, &wait) {
		w.Log.Warn("delivery waits for a chat platform not configured here", "job_id", job.ID, "staff_id", job.Args.StaffID,
			"platform", wait.platform, "retry_in", PlatformWait)
		// Outside a River worker (a direct call) there is no job to mark.
		_ = river.MetadataSet(ctx, WaitsFor, wait.platform)
		if w.CountWaiting != nil {
			w.CountWaiting(wait.platform)
		}
		return river.JobSnooze(PlatformWait)
	}
	var perm *Permanent
	if errors.As(err, &perm) {
		w.Log.Warn("message not deliverable", "job_id", job.ID, "staff_id", job.Args.StaffID, "error", err)
		return w.fallback(ctx, job, err)
	}
	return err
}

// deliver sends a's message once under key, the delivery's one-time key:
// when repeat is set (this delivery may have gone out before) and key is
// recorded, it sends nothing; after a successful send it records key. The
// error is a *Permanent when no retry can help, a RetryAfter when the
// platform asked to wait, anything else is worth retrying.
func (w *DeliverWorker) deliver(ctx context.Context, a DeliverArgs, key string, repeat bool) error {
	platform, target, err := w.route(ctx, a)
	if err != nil {
		return err
	}
	if repeat {
		sent, err := w.Store.Claimed(ctx, key)
		if err != nil {
			return fmt.Errorf("looking up delivery: %w", err)
		}
		if sent {
			w.Log.Info("message already delivered", "key", key)
			return nil
		}
	}
	s := w.Senders[platform]
	sendCtx := WithDeliveryKey(ctx, key)
	if repeat {
		sendCtx = withRepeat(sendCtx)
	}
	if a.Channel != "" {
		err = s.PostChannel(sendCtx, target, a.Reply)
	} else {
		err = s.SendDM(sendCtx, target, a.Reply)
	}
	if err != nil {
		var perm *Permanent
		var ra RetryAfter
		if errors.As(err, &perm) || errors.As(err, &ra) {
			return err
		}
		return fmt.Errorf("delivering on %s: %w", platform, err)
	}
	w.Log.Info("message delivered", "key", key, "platform", platform, "staff_id", a.StaffID)
	first, err := w.Store.Claim(context.WithoutCancel(ctx), key, w.Now())
	if err != nil {
		// Sent all the same; failing the delivery would send it again.
		w.Log.Error("recording delivery", "key", key, "error", err)
	} else if !first {
		w.Log.Warn("message delivered twice", "key", key, "platform", platform)
	}
	return nil
}

// JobKey is the one-time key of the delivery job with that id and
// creation time: "job:<id>:<created, in milliseconds, base 36>". The id
// alone would not do: SQLite reuses the ids of deleted rows (River cleans
// finished jobs after a day), and a retried delivery that found an old
// job's key recorded, or its message in the conversation, would send
// nothing.
func JobKey(id int64, created time.Time) string {
	return "job:" + strconv.FormatInt(id, 10) + ":" + strconv.FormatInt(created.UnixMilli(), 36)
}

// deliveryKeyType is the context key of WithDeliveryKey.
type deliveryKeyType struct{}

// WithDeliveryKey returns ctx carrying key, the one-time key of a delivery
// (the worker's claim key, JobKey): the same on every attempt of one
// job, different between jobs. A Sender may use it to make a retried send
// idempotent on its platform.
func WithDeliveryKey(ctx context.Context, key string) context.Context {
	return context.WithValue(ctx, deliveryKeyType{}, key)
}

// DeliveryKey returns the key WithDeliveryKey put in ctx, or "" when ctx
// carries none (a send that is not a delivery job).
func DeliveryKey(ctx context.Context) string {
	key, _ := ctx.Value(deliveryKeyType{}).(string)
	return key
}

// repeatKeyType is the context key of withRepeat.
type repeatKeyType struct{}

// withRepeat marks ctx as a delivery that may have gone out before (a
// retried or rescued attempt whose send was not recorded).
func withRepeat(ctx context.Context) context.Context {
	return context.WithValue(ctx, repeatKeyType{}, true)
}

// DeliveryRepeat reports whether the delivery in ctx may have gone out
// before: a retried or rescued attempt, whose send may have reached the
// platform although it was not recorded. A Sender whose platform lets it
// look (Slack: the message carries its key) sends nothing when it did.
func DeliveryRepeat(ctx context.Context) bool {
	r, _ := ctx.Value(repeatKeyType{}).(bool)
	return r
}

// route picks the platform and target id: a channel on the preferred (or
// any) platform, or the recipient's identity on the preferred platform,
// else on the first platform we have a sender for. A delivery that a
// platform not configured here could make waits (*waitPlatform): with no
// platform configured at all, every one; otherwise one to someone with an
// identity on a platform that is not. Only someone no configured platform
// knows, and no other, is not deliverable (*Permanent).
func (w *DeliverWorker) route(ctx context.Context, a DeliverArgs) (storage.Platform, string, error) {
	order := []storage.Platform{a.Prefer, storage.PlatformSlack, storage.PlatformDiscord, storage.PlatformShell}
	if a.Channel != "" {
		for _, p := range order {
			if _, ok := w.Senders[p]; ok {
				return p, a.Channel, nil
			}
		}
		return "", "", &waitPlatform{platform: AnyPlatform}
	}
	ids, err := w.Store.Identities(ctx, a.StaffID)
	if err != nil {
		return "", "", fmt.Errorf("loading identities of staff %d: %w", a.StaffID, err)
	}
	for _, p := range order {
		if _, ok := w.Senders[p]; !ok {
			continue
		}
		for _, id := range ids {
			if id.Platform == p {
				return p, id.UserID, nil
			}
		}
	}
	// Nobody has linked this person yet (they never used the bot): a
	// platform that can find people by email links them now.
	st, err := w.Store.StaffMember(ctx, a.StaffID)
	if err != nil {
		return "", "", fmt.Errorf("loading staff %d: %w", a.StaffID, err)
	}
	for _, p := range order {
		finder, ok := w.Senders[p].(UserFinder)
		if !ok || st.Email == "" {
			continue
		}
		userID, err := finder.UserByEmail(ctx, st.Email)
		if errors.Is(err, ErrNoSuchUser) {
			continue
		}
		if err != nil {
			return "", "", fmt.Errorf("finding staff %d on %s: %w", a.StaffID, p, err)
		}
		if err := w.Store.LinkIdentity(ctx, storage.Identity{StaffID: a.StaffID, Platform: p, UserID: userID}); err != nil {
			return "", "", fmt.Errorf("linking staff %d on %s: %w", a.StaffID, p, err)
		}
		w.Log.Info("identity linked by email for a delivery", "platform", p, "staff_id", a.StaffID)
		return p, userID, nil
	}
	// The terminal's identity (every staff member has one) is not a chat
	// platform a serve process could have.
	for _, id := range ids {
		if _, ok := w.Senders[id.Platform]; !ok && id.Platform != storage.PlatformShell {
			return "", "", &waitPlatform{platform: string(id.Platform)}
		}
	}
	if len(w.Senders) == 0 {
		return "", "", &waitPlatform{platform: AnyPlatform}
	}
	return "", "", &Permanent{Err: fmt.Errorf("staff %d has no identity on a configured platform", a.StaffID)}
}

// UserFinder is implemented by a Sender whose platform can find a user by
// email (Slack's users.lookupByEmail), so staff who never used the bot
// still get their direct messages.
type UserFinder interface {
	UserByEmail(ctx context.Context, email string) (string, error)
}

// ErrNoSuchUser is what a UserFinder returns when no user has the email.
var ErrNoSuchUser = errors.New("no user with that email")
