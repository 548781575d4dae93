package slack

import (
	"context"
	"errors"
	"fmt"

	slackapi "github.com/slack-go/slack"
	"github.com/slack-go/slack/slackevents"
	"github.com/slack-go/slack/socketmode"
)

// RunSocketMode connects to Slack over Socket Mode (with the app-level
// token) and handles commands, interactions and events as the HTTP
// endpoints do, until ctx ends. It reconnects by itself; it returns an
// error when Slack refuses the token or cannot be reached again.
func (a *Adapter) RunSocketMode(ctx context.Context) error {
	if a.cfg.AppToken == "" {
		return errors.New("slack: SLACK_APP_TOKEN is not set")
	}
	ctx, cancel := context.WithCancel(ctx)
	defer cancel()
	sm := socketmode.New(a.api)
	done := make(chan error, 1)
	go func() { done <- sm.RunContext(ctx) }()
	for {
		select {
		case err := <-done:
			if ctx.Err() != nil {
				return nil
			}
			return fmt.Errorf("slack socket mode: %w", err)
		case evt := <-sm.Events:
			if err := a.socketEvent(ctx, sm, evt); err != nil {
				cancel()
				<-done
				return err
			}
		}
	}
}

// socketEvent handles one Socket Mode event. Requests are handled each on
// their own goroutine and acknowledged with the same body the HTTP
// endpoint would answer with.
func (a *Adapter) socketEvent(ctx context.Context, sm *socketmode.Client, evt socketmode.Event) error {
	switch evt.Type {
	case socketmode.EventTypeConnecting:
		a.log.Debug("slack socket mode connecting")
	case socketmode.EventTypeConnected:
		a.log.Info("slack socket mode connected")
	case socketmode.EventTypeConnectionError:
		a.log.Warn("slack socket mode connection failed; retrying")
	case socketmode.EventTypeInvalidAuth:
		return errors.New("slack socket mode: SLACK_APP_TOKEN was refused")
	case socketmode.EventTypeSlashCommand:
		sc, ok := evt.Data.(slackapi.SlashCommand)
		if ok && evt.Request != nil {
			a.socketRequest(ctx, sm, evt.Request, func(ctx context.Context) any { return a.slash(ctx, sc) })
		}
	case socketmode.EventTypeInteractive:
		ic, ok := evt.Data.(slackapi.InteractionCallback)
		if ok && evt.Request != nil {
			a.socketRequest(ctx, sm, evt.Request, func(ctx context.Context) any { return a.interaction(ctx, ic) })
		}
	case socketmode.EventTypeEventsAPI:
		ev, ok := evt.Data.(slackevents.EventsAPIEvent)
		if ok && evt.Request != nil {
			if evt.Request.RetryAttempt > 0 {
				a.log.Info("slack event retried", "retry_num", evt.Request.RetryAttempt, "reason", evt.Request.RetryReason)
			}
			a.socketRequest(ctx, sm, evt.Request, func(ctx context.Context) any { a.event(ctx, ev); return nil })
		}
	case socketmode.EventTypeErrorBadMessage, socketmode.EventTypeIncomingError, socketmode.EventTypeErrorWriteFailed:
		if ctx.Err() != nil {
			return nil // shutting down
		}
		a.log.Warn("slack socket mode message lost", "type", string(evt.Type))
	}
	return nil
}

func (a *Adapter) socketRequest(ctx context.Context, sm *socketmode.Client, req *socketmode.Request, handle func(context.Context) any) {
	a.wg.Add(1)
	go func() {
		defer a.wg.Done()
		if err := sm.AckCtx(ctx, req.EnvelopeID, handle(ctx)); err != nil {
			a.log.Error("acknowledging slack socket mode request", "type", req.Type, "error", err)
		}
	}()
}
