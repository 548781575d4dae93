package discord

import (
	"bytes"
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"net/http"
	"net/url"
	"strconv"
	"strings"
	"sync"
	"time"

	"parabot/bot"
)

// maxResponse caps a REST response body we read.
const maxResponse = 4 << 20

// globalPace spaces REST calls to stay under Discord's global limit of
// 50 requests a second per bot.
const globalPace = 20 * time.Millisecond

// userAgent is the User-Agent Discord requires of bots.
const userAgent = "DiscordBot (parabot, 1)"

// APIError is a refusal from Discord's REST API (any non-2xx status but
// 429). Route names the endpoint by its template, never its real path:
// webhook paths hold interaction tokens.
type APIError struct {
	Route   string
	Status  int
	Code    int // Discord's JSON error code, e.g. 50007
	Message string
}

func (e *APIError) Error() string {
	return fmt.Sprintf("discord %s: HTTP %d: %s (code %d)", e.Route, e.Status, e.Message, e.Code)
}

// RateLimitError says Discord asked us to wait (HTTP 429), or that a rate
// limit bucket we know is exhausted for longer than we wait inline. It
// implements scheduler.RetryAfter, so a delivery job is snoozed.
type RateLimitError struct {
	Route  string
	Wait   time.Duration
	Global bool
}

func (e *RateLimitError) Error() string {
	scope := "route"
	if e.Global {
		scope = "global"
	}
	return fmt.Sprintf("discord %s: rate limited (%s) for %s", e.Route, scope, e.Wait)
}

// RetryAfter is how long to wait before trying again.
func (e *RateLimitError) RetryAfter() time.Duration { return e.Wait }

// client is a small Discord REST client: JSON in and out, the bot token,
// per-route and global rate limits, and errors free of tokens.
type client struct {
	base  string
	token string
	http  *http.Client
	lim   *limiter
}

func newClient(base, token string, hc *http.Client) *client {
	return &client{base: base, token: token, http: hc, lim: newLimiter(time.Now, maxInlineWait)}
}

// call is one REST request.
type call struct {
	method string
	route  string // the path template for errors and logs, e.g. "/channels/{id}/messages"
	path   string // the real path; may hold a token, so never logged
	body   any
	out    any  // decoded from a 2xx answer when non-nil
	bot    bool // send the bot token (interaction and webhook routes need none)
	// files are sent with body as multipart/form-data (body in
	// "payload_json", each file in "files[n]").
	files []bot.File
}

func (c *client) do(ctx context.Context, k call) error {
	route := k.method + " " + k.route
	if k.bot && c.token == "" {
		return errors.New("discord " + route + ": no bot token configured (DISCORD_BOT_TOKEN)")
	}
	bucket := k.method + " " + k.path
	paced := !interactionRoute(k.route)
	if wait, global, err := c.lim.wait(ctx, bucket, paced); err != nil {
		return fmt.Errorf("discord %s: %w", route, err)
	} else if wait > 0 {
		return &RateLimitError{Route: route, Wait: wait, Global: global}
	}
	var body io.Reader
	contentType := "application/json"
	switch {
	case len(k.files) > 0:
		var err error
		if body, contentType, err = multipartBody(k.body, k.files); err != nil {
			return fmt.Errorf("discord %s: encoding request with files: %w", route, err)
		}
	case k.body != nil:
		b, err := json.Marshal(k.body)
		if err != nil {
			return fmt.Errorf("discord %s: encoding request: %w", route, err)
		}
		body = bytes.NewReader(b)
	}
	ctx, cancel := context.WithTimeout(ctx, requestTimeout)
	defer cancel()
	req, err := http.NewRequestWithContext(ctx, k.method, c.base+k.path, body)
	if err != nil {
		return fmt.Errorf("discord %s: building request: %w", route, err)
	}
	req.Header.Set("User-Agent", userAgent)
	if body != nil {
		req.Header.Set("Content-Type", contentType)
	}
	if k.bot {
		req.Header.Set("Authorization", "Bot "+c.token)
	}
	resp, err := c.http.Do(req)
	if err != nil {
		// A *url.Error repeats the URL, and webhook URLs hold tokens.
		var uerr *url.Error
		if errors.As(err, &uerr) {
			err = uerr.Err
		}
		return fmt.Errorf("discord %s: %w", route, err)
	}
	defer resp.Body.Close()
	data, err := io.ReadAll(io.LimitReader(resp.Body, maxResponse))
	if err != nil {
		return fmt.Errorf("discord %s: reading answer: %w", route, err)
	}
	c.lim.update(bucket, resp.Header)
	if resp.StatusCode == http.StatusTooManyRequests {
		rl := rateLimited(resp.Header, data)
		// An interaction route keeps its own limit but never blocks the
		// bot's other calls, nor they it.
		c.lim.block(bucket, rl.Wait, rl.Global && paced)
		rl.Route = route
		return rl
	}
	if resp.StatusCode < 200 || resp.StatusCode > 299 {
		var e struct {
			Code    int    `json:"code"`
			Message string `json:"message"`
		}
		_ = json.Unmarshal(data, &e) // a non-JSON error page keeps Code 0
		if e.Message == "" {
			e.Message = http.StatusText(resp.StatusCode)
		}
		return &APIError{Route: route, Status: resp.StatusCode, Code: e.Code, Message: e.Message}
	}
	if k.out != nil && len(data) > 0 {
		if err := json.Unmarshal(data, k.out); err != nil {
			return fmt.Errorf("discord %s: decoding answer: %w", route, err)
		}
	}
	return nil
}

// interactionRoute reports whether a route is an interaction endpoint: an
// interaction callback, or a webhook of an interaction's token (editing
// the original response, follow-ups). Discord does not count these
// against the bot's global rate limit, and they must not wait behind it:
// an interaction has 3 seconds for its answer.
func interactionRoute(route string) bool {
	return strings.HasPrefix(route, "/interactions/") || strings.HasPrefix(route, "/webhooks/")
}

// rateLimited reads a 429: retry_after (seconds, fractional) from the
// body, else the Retry-After header.
func rateLimited(h http.Header, body []byte) *RateLimitError {
	var b struct {
		RetryAfter float64 `json:"retry_after"`
		Global     bool    `json:"global"`
	}
	_ = json.Unmarshal(body, &b) // Cloudflare's 429s are not JSON
	wait := time.Duration(b.RetryAfter * float64(time.Second))
	if wait <= 0 {
		if s, err := strconv.ParseFloat(h.Get("Retry-After"), 64); err == nil {
			wait = time.Duration(s * float64(time.Second))
		}
	}
	if wait <= 0 {
		wait = time.Second
	}
	return &RateLimitError{Wait: wait, Global: b.Global || h.Get("X-RateLimit-Global") == "true"}
}

// limiter keeps Discord's rate limits: a bucket per route (method and
// path, whose ids are Discord's major parameters) that is remembered only
// while it is exhausted, the global limit after a global 429, and a
// steady pace under the global 50 requests a second. Interaction routes
// keep only their own buckets. It reads the wall clock: these are
// Discord's limits, not school time.
type limiter struct {
	now     func() time.Time
	maxWait time.Duration

	mu      sync.Mutex
	blocked map[string]time.Time // bucket -> when it opens again
	global  time.Time            // every route waits until then
	next    time.Time            // the next free slot of the global pace
	// replicas is how many replicas share the bot's global limit: the
	// pace is each one's share.
	replicas int
}

func newLimiter(now func() time.Time, maxWait time.Duration) *limiter {
	return &limiter{now: now, maxWait: maxWait, blocked: map[string]time.Time{}}
}

// wait blocks until bucket may be used. paced says whether the bot's
// global limit applies (the block after a global 429 and the steady
// pace); it does not to interaction routes. When the wait is longer than
// maxWait it returns at once with the wait left (and whether the global
// limit is the cause), and the caller reports a RateLimitError.
func (l *limiter) wait(ctx context.Context, bucket string, paced bool) (time.Duration, bool, error) {
	l.mu.Lock()
	now := l.now()
	until := now
	global := false
	if paced && l.global.After(until) {
		until, global = l.global, true
	}
	if t, ok := l.blocked[bucket]; ok {
		if !t.After(now) {
			delete(l.blocked, bucket)
		} else if t.After(until) {
			until, global = t, false
		}
	}
	if d := until.Sub(now); d > l.maxWait {
		l.mu.Unlock()
		return d, global, nil
	}
	if paced {
		if l.next.After(until) {
			until = l.next
		}
		l.next = until.Add(globalPace * time.Duration(max(l.replicas, 1)))
	}
	l.mu.Unlock()

	d := until.Sub(now)
	if d <= 0 {
		return 0, false, nil
	}
	t := time.NewTimer(d)
	defer t.Stop()
	select {
	case <-t.C:
		return 0, false, nil
	case <-ctx.Done():
		return 0, false, ctx.Err()
	}
}

// update reads the rate limit headers of an answer: a bucket with no
// requests remaining is blocked until it resets.
func (l *limiter) update(bucket string, h http.Header) {
	if h.Get("X-RateLimit-Remaining") != "0" {
		return
	}
	after, err := strconv.ParseFloat(h.Get("X-RateLimit-Reset-After"), 64)
	if err != nil || after <= 0 {
		return
	}
	l.block(bucket, time.Duration(after*float64(time.Second)), false)
}

// share keeps the pace to this replica's share of the global limit.
func (l *limiter) share(replicas int) {
	l.mu.Lock()
	defer l.mu.Unlock()
	l.replicas = replicas
}

// block closes bucket (or, when global, every bucket) for d.
func (l *limiter) block(bucket string, d time.Duration, global bool) {
	l.mu.Lock()
	defer l.mu.Unlock()
	until := l.now().Add(d)
	if global {
		if until.After(l.global) {
			l.global = until
		}
		return
	}
	if until.After(l.blocked[bucket]) {
		l.blocked[bucket] = until
	}
	// Forget buckets that have opened again, so the map stays small.
	if len(l.blocked) > 256 {
		now := l.now()
		for b, t := range l.blocked {
			if !t.After(now) {
				delete(l.blocked, b)
			}
		}
	}
}
