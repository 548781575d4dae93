package slack

import (
	"context"
	"encoding/json"
	"net/http"

	"github.com/slack-go/slack/slackevents"
)

// serveEvents answers POST /slack/events: the url_verification challenge,
// and events, acknowledged at once and acted on once each however often
// Slack retries them (X-Slack-Retry-Num).
func (a *Adapter) serveEvents(w http.ResponseWriter, r *http.Request) {
	body, ok := a.verified(w, r)
	if !ok {
		return
	}
	var outer struct {
		Type      string `json:"type"`
		Challenge string `json:"challenge"`
	}
	if err := json.Unmarshal(body, &outer); err != nil {
		http.Error(w, "bad event", http.StatusBadRequest)
		return
	}
	if outer.Type == slackevents.URLVerification {
		writeJSON(w, map[string]string{"challenge": outer.Challenge})
		return
	}
	ev, err := slackevents.ParseEvent(body, slackevents.OptionNoVerifyToken())
	if err != nil {
		// An event type we do not know: acknowledge it, so Slack does not retry.
		a.log.Debug("slack event not understood", "type", outer.Type, "error", err)
		w.WriteHeader(http.StatusOK)
		return
	}
	if n := r.Header.Get("X-Slack-Retry-Num"); n != "" {
		a.log.Info("slack event retried", "retry_num", n, "reason", r.Header.Get("X-Slack-Retry-Reason"))
	}
	a.event(r.Context(), ev)
	w.WriteHeader(http.StatusOK)
}

// event acts on one Events API event, once per event id. The work runs
// after the acknowledgement.
func (a *Adapter) event(ctx context.Context, ev slackevents.EventsAPIEvent) {
	cb, ok := ev.Data.(*slackevents.EventsAPICallbackEvent)
	if !ok || cb.EventID == "" {
		return
	}
	home, ok := ev.InnerEvent.Data.(*slackevents.AppHomeOpenedEvent)
	if !ok || home.Tab != "home" {
		return // the only event parabot subscribes to
	}
	first, err := a.store.Claim(ctx, "slack:event:"+cb.EventID, a.now())
	if err != nil {
		a.log.Error("claiming slack event", "event_id", cb.EventID, "error", err)
		return
	}
	if !first {
		a.log.Info("slack event already handled", "event_id", cb.EventID)
		return
	}
	user := home.User
	a.background(ctx, func(ctx context.Context) {
		if err := a.publishHome(ctx, user); err != nil {
			a.log.Error("publishing slack home tab", "user_id", user, "error", err)
		}
	})
}
