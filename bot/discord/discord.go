// Package discord is parabot's Discord adapter. It translates Discord
// interactions (application commands, autocomplete, button presses) into
// bot.Request and bot.Press, renders bot.Reply as Discord messages with
// embeds and buttons, registers the application commands generated from
// the command declarations, and delivers outgoing messages for the
// scheduler.
//
// Interactions arrive either on the HTTP interactions endpoint
// (POST /discord/interactions, verified with the application's public key)
// or over the gateway (a websocket opened with the bot token); both paths
// behave the same. The adapter talks to Discord's REST API with its own
// small client against Config.APIURL, so tests can point it at a local
// server. It holds no business rules: those live in the commands. A
// command with a section that opens on a yes (/incident) is asked in a
// guided form when values are missing (guide.go); what a form or a long
// button needs between interactions is kept in the store as a draft.
package discord

import (
	"context"
	"crypto/ed25519"
	"encoding/hex"
	"errors"
	"fmt"
	"log/slog"
	"net/http"
	"strings"
	"sync"
	"time"

	"parabot/bot"
	"parabot/scheduler"
	"parabot/storage"
)

// DefaultAPIURL is Discord's REST API, version 10.
const DefaultAPIURL = "https://discord.com/api/v10"

// Limits and timeouts of the adapter.
const (
	// maxBody caps an interaction request body; Discord's are a few KB.
	maxBody = 256 << 10
	// maxSkew is how far an interaction's signed timestamp may be from our
	// clock; older (or newer) requests are refused as replays.
	maxSkew = 5 * time.Minute
	// deferAfter is how long after an interaction arrived its work may run
	// before we acknowledge it with a deferred response; Discord allows 3
	// seconds, and a gateway answer still has to travel back.
	deferAfter = 2 * time.Second
	// workTimeout bounds the work of one interaction; Discord's
	// interaction token lasts 15 minutes.
	workTimeout = 2 * time.Minute
	// followUpTimeout bounds sending a deferred reply, retries included;
	// with workTimeout it stays well inside the token's 15 minutes.
	followUpTimeout = 2 * time.Minute
	// requestTimeout bounds one REST call.
	requestTimeout = 10 * time.Second
	// maxInlineWait is the longest a REST call waits for a rate limit
	// bucket before it returns a RateLimitError instead.
	maxInlineWait = 5 * time.Second
	// cacheTTL bounds how long a resolved channel name is trusted.
	cacheTTL = 10 * time.Minute
)

// Config is what the adapter needs. AppID is always required; BotToken
// is needed for the gateway, registration and outgoing messages;
// PublicKey is needed for the HTTP interactions endpoint.
type Config struct {
	BotToken  string
	AppID     string
	PublicKey string // hex, as the developer portal shows it
	APIURL    string // default DefaultAPIURL
	Router    *bot.Router
	Store     storage.Store
	Log       *slog.Logger
	Now       func() time.Time
	// HTTPClient makes the REST calls; it should have a timeout.
	HTTPClient *http.Client
}

// Adapter connects parabot to Discord. It implements scheduler.Sender.
type Adapter struct {
	appID  string
	token  string
	key    ed25519.PublicKey // nil when the HTTP endpoint is not configured
	router *bot.Router
	store  storage.Store
	log    *slog.Logger
	now    func() time.Time
	rest   *client
	// deferAfter is deferAfter; tests change it.
	deferAfter time.Duration
	// backoff holds the pauses between tries of sending a deferred reply
	// (about 30 seconds in all); tests shorten them.
	backoff []time.Duration

	// inflight counts deferred replies still being worked on.
	inflight sync.WaitGroup

	mu       sync.Mutex
	dms      map[string]string        // user id -> DM channel id
	channels map[string]cachedChannel // folded channel name -> channel
}

type cachedChannel struct {
	id      string
	expires time.Time
}

var (
	_ scheduler.Sender = (*Adapter)(nil)
	_ scheduler.Sharer = (*Adapter)(nil)
)

// New checks cfg and builds the adapter. It makes no network call.
func New(cfg Config) (*Adapter, error) {
	if cfg.Router == nil {
		return nil, errors.New("discord: Router is required")
	}
	if cfg.Store == nil {
		return nil, errors.New("discord: Store is required")
	}
	if !isSnowflake(strings.TrimSpace(cfg.AppID)) {
		return nil, errors.New("discord: DISCORD_APP_ID must be the application id (a number)")
	}
	if cfg.BotToken == "" && cfg.PublicKey == "" {
		return nil, errors.New("discord: set DISCORD_BOT_TOKEN (gateway) or DISCORD_PUBLIC_KEY (HTTP interactions), or both")
	}
	var key ed25519.PublicKey
	if cfg.PublicKey != "" {
		b, err := hex.DecodeString(strings.TrimSpace(cfg.PublicKey))
		if err != nil || len(b) != ed25519.PublicKeySize {
			return nil, errors.New("discord: DISCORD_PUBLIC_KEY must be the application's public key: 64 hex digits")
		}
		key = b
	}
	if cfg.APIURL == "" {
		cfg.APIURL = DefaultAPIURL
	}
	if !strings.HasPrefix(cfg.APIURL, "http://") && !strings.HasPrefix(cfg.APIURL, "https://") {
		return nil, fmt.Errorf("discord: DISCORD_API_URL %q must start with http:// or https://", cfg.APIURL)
	}
	if cfg.Log == nil {
		cfg.Log = slog.New(slog.DiscardHandler)
	}
	if cfg.Now == nil {
		cfg.Now = time.Now
	}
	if cfg.HTTPClient == nil {
		cfg.HTTPClient = &http.Client{Timeout: 2 * requestTimeout}
	}
	return &Adapter{
		appID:      strings.TrimSpace(cfg.AppID),
		token:      cfg.BotToken,
		key:        key,
		router:     cfg.Router,
		store:      cfg.Store,
		log:        cfg.Log,
		now:        cfg.Now,
		rest:       newClient(strings.TrimRight(cfg.APIURL, "/"), cfg.BotToken, cfg.HTTPClient),
		deferAfter: deferAfter,
		backoff: []time.Duration{250 * time.Millisecond, 500 * time.Millisecond, time.Second,
			2 * time.Second, 4 * time.Second, 8 * time.Second, 15 * time.Second},
		dms:      map[string]string{},
		channels: map[string]cachedChannel{},
	}, nil
}

// Routes mounts the HTTP interactions endpoint, POST /discord/interactions.
func (a *Adapter) Routes(mux *http.ServeMux) {
	mux.Handle("POST /discord/interactions", http.HandlerFunc(a.serveInteraction))
}

// Wait blocks until the deferred replies in flight have been sent (or
// have failed), for a clean shutdown, or ctx ends.
func (a *Adapter) Wait(ctx context.Context) error {
	done := make(chan struct{})
	go func() {
		a.inflight.Wait()
		close(done)
	}()
	select {
	case <-done:
		return nil
	case <-ctx.Done():
		return ctx.Err()
	}
}
