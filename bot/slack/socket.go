package slack

import (
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"regexp"
	"slices"
	"strings"
	"sync"
	"time"

	slackapi "github.com/slack-go/slack"
	"github.com/slack-go/slack/slackevents"
	"github.com/slack-go/slack/socketmode"

	"parabot/storage"
)

// Limits of Socket Mode acknowledgements.
const (
	// ackTimeout bounds queueing one acknowledgement.
	ackTimeout = 5 * time.Second
	// maxAck is the size from which Slack drops an acknowledgement, and
	// slack-go refuses to send it.
	maxAck = 20 << 10
	// ackFlush is how long the connection stays open on shutdown after the
	// last acknowledgement was queued, so it is written before the close.
	ackFlush = 500 * time.Millisecond
)

// errSocketClosed is an acknowledgement that could not be sent because
// the Socket Mode connection has stopped.
var errSocketClosed = errors.New("slack socket mode connection has stopped")

// socketConn is one run of Socket Mode: the client, a context that ends
// when its connection stops, and the requests not yet acknowledged.
type socketConn struct {
	sm       *socketmode.Client
	live     context.Context
	inflight sync.WaitGroup
}

// RunSocketMode connects to Slack over Socket Mode (with the app-level
// token) and handles commands, interactions and events as the HTTP
// endpoints do, until ctx ends. It reconnects by itself; it returns an
// error when Slack refuses the token or cannot be reached again.
//
// When ctx ends it stops taking requests but keeps the connection open
// (for at most the adapter's drain time) until the requests it took are
// acknowledged: work that has saved something is always answered.
func (a *Adapter) RunSocketMode(ctx context.Context) error {
	if a.cfg.AppToken == "" {
		return errors.New("slack: SLACK_APP_TOKEN is not set")
	}
	// The connection outlives ctx for the drain; stop ends it.
	live, stop := context.WithCancel(context.WithoutCancel(ctx))
	defer stop()
	sc := &socketConn{sm: socketmode.New(a.api), live: live}
	done := make(chan error, 1)
	go func() { done <- sc.sm.RunContext(live) }()
	for {
		select {
		case err := <-done:
			stop()
			if ctx.Err() != nil {
				return nil
			}
			if code := refusedCode(err); code != "" {
				return tokenRefused(code)
			}
			return fmt.Errorf("slack socket mode: %s", a.redact(err))
		case <-ctx.Done():
			a.drainSocket(sc, done)
			stop()
			<-done
			return nil
		case evt := <-sc.sm.Events:
			if err := a.socketEvent(ctx, sc, evt); err != nil {
				stop()
				<-done
				return err
			}
		}
	}
}

// drainSocket waits, on shutdown, until the requests taken are
// acknowledged and the acknowledgements have had time to be written, or
// the connection stops, or the drain time has passed.
func (a *Adapter) drainSocket(sc *socketConn, done <-chan error) {
	acked := make(chan struct{})
	go func() {
		sc.inflight.Wait()
		close(acked)
	}()
	limit := time.NewTimer(a.drain)
	defer limit.Stop()
	select {
	case <-acked:
	case <-limit.C:
		a.log.Warn("slack socket mode stopping with requests not yet acknowledged", "drain", a.drain)
		return
	case err := <-done:
		a.log.Warn("slack socket mode stopped while draining", "error", err)
		return
	}
	flush := time.NewTimer(ackFlush)
	defer flush.Stop()
	select {
	case <-flush.C:
	case <-done:
	}
}

// socketEvent handles one Socket Mode event. Requests are handled each on
// their own goroutine and acknowledged with the same body the HTTP
// endpoint would answer with.
func (a *Adapter) socketEvent(ctx context.Context, sc *socketConn, evt socketmode.Event) error {
	switch evt.Type {
	case socketmode.EventTypeConnecting:
		a.log.Debug("slack socket mode connecting")
	case socketmode.EventTypeConnected:
		a.log.Info("slack socket mode connected")
	case socketmode.EventTypeConnectionError:
		ce, ok := evt.Data.(*slackapi.ConnectionErrorEvent)
		if !ok || ce.ErrorObj == nil {
			a.log.Warn("slack socket mode connection failed; retrying")
			break
		}
		if code := refusedCode(ce.ErrorObj); code != "" {
			return tokenRefused(code)
		}
		if ctx.Err() != nil {
			return nil // shutting down
		}
		a.log.Warn("slack socket mode connection failed; retrying", "error", a.redact(ce.ErrorObj),
			"attempt", ce.Attempt, "retry_in", ce.Backoff.Round(time.Millisecond))
	case socketmode.EventTypeInvalidAuth:
		return tokenRefused("not_found")
	case socketmode.EventTypeSlashCommand:
		cmd, ok := evt.Data.(slackapi.SlashCommand)
		if ok && evt.Request != nil {
			a.socketRequest(ctx, sc, evt.Request, cmd.ResponseURL, true, func(ctx context.Context) any {
				return a.slash(storage.WithOnce(ctx, envelopeKey(evt.Request)), cmd)
			})
		}
	case socketmode.EventTypeInteractive:
		ic, ok := evt.Data.(slackapi.InteractionCallback)
		if ok && evt.Request != nil {
			a.socketRequest(ctx, sc, evt.Request, "", false, func(ctx context.Context) any {
				if ic.Type == slackapi.InteractionTypeBlockSuggestion {
					return a.interaction(ctx, ic) // a search only reads: answering twice is harmless
				}
				return a.interaction(storage.WithOnce(ctx, envelopeKey(evt.Request)), ic)
			})
		}
	case socketmode.EventTypeEventsAPI:
		ev, ok := evt.Data.(slackevents.EventsAPIEvent)
		if ok && evt.Request != nil {
			if evt.Request.RetryAttempt > 0 {
				a.log.Info("slack event retried", "retry_num", evt.Request.RetryAttempt, "reason", evt.Request.RetryReason)
			}
			a.socketRequest(ctx, sc, evt.Request, "", false, func(ctx context.Context) any { a.event(ctx, ev); return nil })
		}
	case socketmode.EventTypeErrorBadMessage, socketmode.EventTypeIncomingError, socketmode.EventTypeErrorWriteFailed:
		if ctx.Err() != nil {
			return nil // shutting down
		}
		a.log.Warn("slack socket mode message lost", "type", string(evt.Type))
	}
	return nil
}

// refusedCodes are Slack's answers to apps.connections.open that mean the
// app-level token will never do: slack-go gives up on the first four, and
// would retry the others for ever.
var refusedCodes = []string{"invalid_auth", "account_inactive", "not_authed", "token_revoked",
	"token_expired", "not_allowed_token_type", "missing_scope"}

// refusedCode is Slack's error code when err says the app-level token was
// refused, else "".
func refusedCode(err error) string {
	var se slackapi.SlackErrorResponse
	code := err.Error()
	if errors.As(err, &se) {
		code = se.Err
	}
	if slices.Contains(refusedCodes, code) {
		return code
	}
	return ""
}

// tokenRefused is why Socket Mode cannot run: Slack refused
// SLACK_APP_TOKEN, with its error code.
func tokenRefused(code string) error {
	return fmt.Errorf("slack socket mode: SLACK_APP_TOKEN was refused (%s): set it to the app-level token (xapp-…) "+
		"with the connections:write scope, and enable Socket Mode in the app's settings", code)
}

// urlQuery is the query of a URL in an error's text: a Socket Mode
// connection's URL carries its ticket there.
var urlQuery = regexp.MustCompile(`\?[^\s"]+`)

// redact is err's text for the log: without the tokens, or the query of
// a URL.
func (a *Adapter) redact(err error) string {
	text := urlQuery.ReplaceAllString(err.Error(), "?[redacted]")
	for _, secret := range []string{a.cfg.AppToken, a.cfg.BotToken} {
		if secret != "" {
			text = strings.ReplaceAll(text, secret, "[redacted]")
		}
	}
	return text
}

// envelopeKey is the claim of a Socket Mode envelope: Slack delivers an
// envelope again when it was not acknowledged, and it is acted on once.
func envelopeKey(req *socketmode.Request) string { return "slack:envelope:" + req.EnvelopeID }

// socketRequest handles one request on its own goroutine and acknowledges
// it. The work runs on a context that outlives ctx, so shutting down
// never cuts short work that has started, nor its acknowledgement. A
// slash command's reply that the acknowledgement cannot carry (too large,
// or the connection is gone) is sent through responseURL.
func (a *Adapter) socketRequest(ctx context.Context, sc *socketConn, req *socketmode.Request, responseURL string, slash bool, handle func(context.Context) any) {
	sc.inflight.Add(1)
	a.wg.Add(1)
	go func() {
		defer a.wg.Done()
		defer sc.inflight.Done()
		ctx, cancel := context.WithTimeout(context.WithoutCancel(ctx), workTimeout)
		defer cancel()
		payload := handle(ctx)
		var late any // what goes through the response_url instead
		if n := ackSize(req.EnvelopeID, payload); n >= maxAck {
			a.log.Warn("slack answer too large for a socket mode acknowledgement", "type", req.Type, "bytes", n)
			late, payload = payload, nil
		}
		if err := a.ack(ctx, sc, req.EnvelopeID, payload); err != nil {
			a.log.Error("acknowledging slack socket mode request", "type", req.Type, "error", err)
			if late == nil {
				late = payload
			}
		}
		if late == nil {
			return
		}
		m, ok := late.(message)
		if !slash || !ok || responseURL == "" {
			a.log.Error("slack answer lost: nowhere else to send it", "type", req.Type)
			return
		}
		a.respond(ctx, responseURL, m)
	}()
}

// ack queues the acknowledgement of an envelope, on its own short
// timeout whatever is left of ctx; it fails at once when the connection
// has stopped.
func (a *Adapter) ack(ctx context.Context, sc *socketConn, envelopeID string, payload any) error {
	if sc.live.Err() != nil {
		return errSocketClosed
	}
	ctx, cancel := context.WithTimeout(context.WithoutCancel(ctx), ackTimeout)
	defer cancel()
	stop := context.AfterFunc(sc.live, cancel)
	defer stop()
	if err := sc.sm.AckCtx(ctx, envelopeID, payload); err != nil {
		return fmt.Errorf("slack socket mode ack: %w", err)
	}
	return nil
}

// ackSize is the size of an acknowledgement on the wire, as slack-go
// measures it.
func ackSize(envelopeID string, payload any) int {
	b, err := json.Marshal(socketmode.Response{EnvelopeID: envelopeID, Payload: payload})
	if err != nil {
		return 0 // AckCtx reports it
	}
	return len(b)
}
