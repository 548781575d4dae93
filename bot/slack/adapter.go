// Package slack is parabot's Slack adapter. It translates Slack's slash
// commands, interactions (buttons, modals) and events into bot.Request and
// bot.Press, and bot.Reply into Block Kit. It serves Slack's HTTP endpoints
// (POST /slack/commands, /slack/interactions, /slack/events) and, when an
// app-level token is configured, Socket Mode; both behave the same. It also
// delivers outgoing messages for the scheduler (scheduler.Sender).
//
// No business rule lives here: who may do what, what is stored and what is
// answered are decided by the bot core and the commands.
package slack

import (
	"cmp"
	"context"
	"errors"
	"fmt"
	"log/slog"
	"net/http"
	"net/url"
	"strings"
	"sync"
	"time"

	slackapi "github.com/slack-go/slack"

	"parabot/bot"
	"parabot/scheduler"
	"parabot/storage"
)

// Config is what the adapter needs. BotToken and a Router and Store are
// required, and SigningSecret for the HTTP endpoints (Socket Mode, chosen
// by setting AppToken, does not sign requests).
type Config struct {
	BotToken      string // SLACK_BOT_TOKEN, xoxb-...
	SigningSecret string // SLACK_SIGNING_SECRET
	AppToken      string // SLACK_APP_TOKEN, xapp-..., for Socket Mode
	APIURL        string // SLACK_API_URL; empty means Slack's own
	Router        *bot.Router
	Store         storage.Store
	Log           *slog.Logger // ids only ever reach it
	Now           func() time.Time
	// HTTPClient makes every call to Slack; it must have a timeout.
	HTTPClient *http.Client
	// Progress, when set, adds the students' progress to the Home tab.
	Progress HomeProgress
	// WorkspaceRate bounds the messages the bot posts a second across the
	// workspace, all replicas together: each keeps to its share (Share);
	// 0 means DefaultWorkspaceRate.
	WorkspaceRate int
}

// DefaultWorkspaceRate is how many messages a second the bot posts to one
// workspace when Config says nothing: Slack allows about one a second per
// channel and a few hundred a minute per workspace beyond that.
const DefaultWorkspaceRate = 5

// Adapter is a running Slack adapter.
type Adapter struct {
	cfg    Config
	api    *slackapi.Client
	router *bot.Router
	store  storage.Store
	log    *slog.Logger
	now    func() time.Time
	http   *http.Client
	apiURL *url.URL

	// ackBudget is how long work may run before Slack is answered anyway;
	// Slack gives up after 3 seconds. Tests shorten it.
	ackBudget time.Duration
	// drain is how long Socket Mode waits on shutdown for the requests it
	// took to be acknowledged. Tests shorten it.
	drain    time.Duration
	pace     *pacer // per channel
	ws       *pacer // the workspace, under the one key ""
	wsRate   int    // the workspace's messages a second, all replicas together
	channels *channelCache
	dms      dmCache        // DM channel ids by user id
	wg       sync.WaitGroup // work that runs on after an acknowledgement
}

var (
	_ scheduler.Sender = (*Adapter)(nil)
	_ scheduler.Sharer = (*Adapter)(nil)
)

// Timeouts of the adapter's own work and calls.
const (
	// defaultAckBudget leaves a second of Slack's 3 for the network.
	defaultAckBudget = 2 * time.Second
	// workTimeout bounds work that runs on after the acknowledgement.
	workTimeout = 30 * time.Second
	// callTimeout bounds one call to Slack's Web API.
	callTimeout = 10 * time.Second
	// defaultDrain covers the ack budget and queueing the acknowledgement.
	defaultDrain = defaultAckBudget + ackTimeout + time.Second
)

// New checks cfg and builds the adapter. It registers Slack's users.info
// with the router, so an unlinked Slack user is linked by the email on
// their Slack profile on first use.
func New(cfg Config) (*Adapter, error) {
	switch {
	case cfg.BotToken == "":
		return nil, errors.New("slack: SLACK_BOT_TOKEN is not set")
	case cfg.SigningSecret == "" && cfg.AppToken == "":
		return nil, errors.New("slack: SLACK_SIGNING_SECRET is not set (it is needed for the HTTP endpoints; set SLACK_APP_TOKEN instead to use Socket Mode)")
	case cfg.Router == nil:
		return nil, errors.New("slack: no router")
	case cfg.Store == nil:
		return nil, errors.New("slack: no store")
	}
	if cfg.Log == nil {
		cfg.Log = slog.New(slog.DiscardHandler)
	}
	if cfg.Now == nil {
		cfg.Now = time.Now
	}
	if cfg.HTTPClient == nil {
		cfg.HTTPClient = &http.Client{Timeout: callTimeout}
	}
	if cfg.APIURL == "" {
		cfg.APIURL = slackapi.APIURL
	}
	if !strings.HasSuffix(cfg.APIURL, "/") {
		cfg.APIURL += "/"
	}
	apiURL, err := url.Parse(cfg.APIURL)
	if err != nil || apiURL.Host == "" {
		return nil, fmt.Errorf("slack: SLACK_API_URL is not a URL: %q", cfg.APIURL)
	}
	opts := []slackapi.Option{slackapi.OptionAPIURL(cfg.APIURL), slackapi.OptionHTTPClient(cfg.HTTPClient)}
	if cfg.AppToken != "" {
		opts = append(opts, slackapi.OptionAppLevelToken(cfg.AppToken))
	}
	rate := cmp.Or(cfg.WorkspaceRate, DefaultWorkspaceRate)
	a := &Adapter{
		cfg:       cfg,
		api:       slackapi.New(cfg.BotToken, opts...),
		router:    cfg.Router,
		store:     cfg.Store,
		log:       cfg.Log,
		now:       cfg.Now,
		http:      cfg.HTTPClient,
		apiURL:    apiURL,
		ackBudget: defaultAckBudget,
		drain:     defaultDrain,
		pace:      newPacer(time.Second),
		ws:        newPacer(time.Second / time.Duration(rate)),
		wsRate:    rate,
		channels:  &channelCache{ttl: 10 * time.Minute},
	}
	cfg.Router.SetEmailLookup(storage.PlatformSlack, a.lookupEmail)
	cfg.Router.SetSpelling(storage.PlatformSlack, Spell)
	return a, nil
}

// Routes mounts Slack's three HTTP endpoints on mux.
func (a *Adapter) Routes(mux *http.ServeMux) {
	mux.HandleFunc("POST /slack/commands", a.serveCommands)
	mux.HandleFunc("POST /slack/interactions", a.serveInteractions)
	mux.HandleFunc("POST /slack/events", a.serveEvents)
}

// Wait blocks until the work started after acknowledgements (forms being
// opened, replies through response_url, the Home tab) has finished, or
// ctx ends. Call it on shutdown, after the HTTP server and Socket Mode
// have stopped.
func (a *Adapter) Wait(ctx context.Context) error {
	done := make(chan struct{})
	go func() {
		a.wg.Wait()
		close(done)
	}()
	select {
	case <-done:
		return nil
	case <-ctx.Done():
		return fmt.Errorf("slack: waiting for work after acknowledgements: %w", ctx.Err())
	}
}

// lookupEmail asks Slack for the email on a user's profile (users.info;
// scope users:read.email).
func (a *Adapter) lookupEmail(ctx context.Context, userID string) (string, error) {
	ctx, cancel := context.WithTimeout(ctx, callTimeout)
	defer cancel()
	u, err := a.api.GetUserInfoContext(ctx, userID)
	if err != nil {
		return "", fmt.Errorf("slack users.info: %w", err)
	}
	if u.Deleted || u.IsBot {
		return "", nil
	}
	return u.Profile.Email, nil
}

// inTime runs work and returns its reply when it finishes within the ack
// budget. Otherwise it returns false at once, so Slack can be answered,
// and hands the reply to late when it comes. work and late run on a
// context that outlives the request: a commit is never cut short by the
// acknowledgement.
func (a *Adapter) inTime(ctx context.Context, work func(context.Context) bot.Reply, late func(context.Context, bot.Reply)) (bot.Reply, bool) {
	done := make(chan bot.Reply, 1)
	wctx, cancel := context.WithTimeout(context.WithoutCancel(ctx), workTimeout)
	a.wg.Add(1)
	go func() {
		defer a.wg.Done()
		defer cancel()
		done <- work(wctx)
	}()
	timer := time.NewTimer(a.ackBudget)
	defer timer.Stop()
	select {
	case r := <-done:
		return r, true
	case <-timer.C:
		a.log.Warn("answering slack before the work finished", "budget", a.ackBudget)
		a.background(ctx, func(ctx context.Context) { late(ctx, <-done) })
		return bot.Reply{}, false
	}
}

// background runs fn after the acknowledgement, on a context that
// outlives the request.
func (a *Adapter) background(ctx context.Context, fn func(context.Context)) {
	a.wg.Add(1)
	go func() {
		defer a.wg.Done()
		ctx, cancel := context.WithTimeout(context.WithoutCancel(ctx), workTimeout)
		defer cancel()
		fn(ctx)
	}()
}

// failed turns an error of the core (Identify) into the reply a user
// sees: the message of a UserError, else only bot.SomethingWentWrong.
func (a *Adapter) failed(what string, err error) bot.Reply {
	if ue, ok := bot.AsUserError(err); ok {
		return bot.Reply{Text: ue.Msg, Private: true, IsError: true, Param: ue.Param}
	}
	a.log.Error(what, "error", err)
	return bot.Reply{Text: bot.SomethingWentWrong, Private: true, IsError: true}
}
