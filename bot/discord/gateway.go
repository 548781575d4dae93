package discord

import (
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"math/rand/v2"
	"net/http"
	"net/url"
	"runtime"
	"sync"
	"sync/atomic"
	"time"

	"github.com/bwmarrin/discordgo"
	"github.com/gorilla/websocket"
)

// Gateway opcodes.
const (
	opDispatch       = 0
	opHeartbeat      = 1
	opIdentify       = 2
	opResume         = 6
	opReconnect      = 7
	opInvalidSession = 9
	opHello          = 10
	opHeartbeatAck   = 11
)

// Gateway timeouts and limits.
const (
	gatewayVersion   = "10"
	gatewayReadLimit = 4 << 20
	handshakeTimeout = 10 * time.Second
	helloTimeout     = 30 * time.Second
	writeTimeout     = 10 * time.Second
	maxBackoff       = time.Minute
)

var (
	// errReconnect: Discord asked us to reconnect (and resume) now.
	errReconnect = errors.New("gateway asked to reconnect")
	// errInvalidSession: the session cannot go on.
	errInvalidSession = errors.New("gateway session invalidated")
)

// GatewayClosedError is a gateway close that reconnecting cannot fix
// (a bad token, disallowed intents); RunGateway returns it.
type GatewayClosedError struct {
	Code   int
	Reason string
}

func (e *GatewayClosedError) Error() string {
	return fmt.Sprintf("discord gateway closed the connection: %d %s", e.Code, e.Reason)
}

// fatalCloseCodes are the gateway close codes not to reconnect after.
var fatalCloseCodes = map[int]string{
	4004: "authentication failed: check DISCORD_BOT_TOKEN",
	4010: "invalid shard",
	4011: "sharding required",
	4012: "invalid API version",
	4013: "invalid intents",
	4014: "disallowed intents",
}

// frame is one gateway message as received.
type frame struct {
	Op int             `json:"op"`
	D  json.RawMessage `json:"d"`
	S  *int64          `json:"s"`
	T  string          `json:"t"`
}

// session is what a reconnect needs to resume.
type session struct {
	id        string
	resumeURL string
	seq       atomic.Int64
}

func (s *session) reset() {
	s.id, s.resumeURL = "", ""
	s.seq.Store(0)
}

// RunGateway connects to Discord's gateway with the bot token and serves
// the interactions that arrive there until ctx ends. It reconnects (and
// resumes the session) after a dropped connection, backing off up to a
// minute, and returns only when ctx ends (nil) or Discord refuses the bot
// for good (a GatewayClosedError).
func (a *Adapter) RunGateway(ctx context.Context) error {
	if a.token == "" {
		return errors.New("discord: the gateway needs DISCORD_BOT_TOKEN")
	}
	var s session
	backoff := time.Second
	for {
		ready, err := a.connect(ctx, &s)
		if ctx.Err() != nil {
			return nil
		}
		var fatal *GatewayClosedError
		if errors.As(err, &fatal) {
			a.log.Error("discord gateway refused the bot", "code", fatal.Code, "error", err)
			return err
		}
		if ready {
			backoff = time.Second
		}
		wait := backoff
		if errors.Is(err, errReconnect) {
			wait = 0
		} else if errors.Is(err, errInvalidSession) {
			wait = time.Second + rand.N(4*time.Second) // Discord asks for 1-5 seconds
		} else {
			backoff = min(2*backoff, maxBackoff)
		}
		a.log.Warn("discord gateway disconnected", "error", err, "resume", s.id != "", "retry_in", wait)
		if !sleep(ctx, wait) {
			return nil
		}
	}
}

// connect runs one gateway connection; ready reports whether the session
// got as far as READY or RESUMED.
func (a *Adapter) connect(ctx context.Context, s *session) (ready bool, err error) {
	base := s.resumeURL
	if s.id == "" || base == "" {
		s.reset()
		if base, err = a.gatewayURL(ctx); err != nil {
			return false, err
		}
	}
	u, err := url.Parse(base)
	if err != nil {
		return false, fmt.Errorf("gateway url: %w", err)
	}
	q := u.Query()
	q.Set("v", gatewayVersion)
	q.Set("encoding", "json")
	u.RawQuery = q.Encode()
	dialer := websocket.Dialer{HandshakeTimeout: handshakeTimeout, Proxy: http.ProxyFromEnvironment}
	conn, resp, err := dialer.DialContext(ctx, u.String(), nil)
	if resp != nil && resp.Body != nil {
		resp.Body.Close()
	}
	if err != nil {
		return false, fmt.Errorf("dialing gateway: %w", err)
	}
	defer conn.Close()
	conn.SetReadLimit(gatewayReadLimit)
	gw := &gatewayConn{conn: conn}

	stop := make(chan struct{})
	defer close(stop)
	go func() {
		select {
		case <-ctx.Done():
			_ = conn.WriteControl(websocket.CloseMessage,
				websocket.FormatCloseMessage(websocket.CloseNormalClosure, "shutting down"), time.Now().Add(writeTimeout))
			_ = conn.Close()
		case <-stop:
		}
	}()

	_ = conn.SetReadDeadline(time.Now().Add(helloTimeout))
	hello, err := gw.read()
	if err != nil {
		return false, closeError(err)
	}
	var h struct {
		Interval int64 `json:"heartbeat_interval"`
	}
	if hello.Op != opHello || json.Unmarshal(hello.D, &h) != nil || h.Interval <= 0 {
		return false, fmt.Errorf("gateway: expected Hello, got op %d", hello.Op)
	}
	interval := time.Duration(h.Interval) * time.Millisecond

	if s.id != "" {
		err = gw.send(opResume, map[string]any{"token": a.token, "session_id": s.id, "seq": s.seq.Load()})
	} else {
		err = gw.send(opIdentify, map[string]any{
			"token":      a.token,
			"intents":    0, // interactions need no intents
			"properties": map[string]string{"os": runtime.GOOS, "browser": "parabot", "device": "parabot"},
		})
	}
	if err != nil {
		return false, fmt.Errorf("gateway: sending identify: %w", err)
	}

	var acked atomic.Bool
	acked.Store(true)
	go a.heartbeat(gw, s, interval, &acked, stop)

	for {
		_ = conn.SetReadDeadline(time.Now().Add(2*interval + helloTimeout))
		f, err := gw.read()
		if err != nil {
			err = closeError(err)
			var ce *websocket.CloseError
			if errors.As(err, &ce) && (ce.Code == 4007 || ce.Code == 4009) {
				s.reset() // the session cannot be resumed
			}
			return ready, err
		}
		if f.S != nil {
			s.seq.Store(*f.S)
		}
		switch f.Op {
		case opDispatch:
			if a.dispatch(ctx, s, f) {
				ready = true
			}
		case opHeartbeat:
			if err := gw.send(opHeartbeat, heartbeatSeq(s)); err != nil {
				return ready, fmt.Errorf("gateway: heartbeat: %w", err)
			}
		case opHeartbeatAck:
			acked.Store(true)
		case opReconnect:
			return ready, errReconnect
		case opInvalidSession:
			var resumable bool
			_ = json.Unmarshal(f.D, &resumable)
			if !resumable {
				s.reset()
			}
			return ready, errInvalidSession
		}
	}
}

// dispatch handles one event; it reports whether the session is ready.
func (a *Adapter) dispatch(ctx context.Context, s *session, f frame) bool {
	switch f.T {
	case "READY":
		var r struct {
			SessionID string `json:"session_id"`
			ResumeURL string `json:"resume_gateway_url"`
		}
		if err := json.Unmarshal(f.D, &r); err != nil {
			a.log.Warn("discord gateway: unreadable READY", "error", err)
			return false
		}
		s.id, s.resumeURL = r.SessionID, r.ResumeURL
		a.log.Info("discord gateway ready")
		return true
	case "RESUMED":
		a.log.Info("discord gateway resumed")
		return true
	case "INTERACTION_CREATE":
		arrived := time.Now() // the 3 seconds started before Discord sent it
		in, err := decodeInteraction(f.D)
		if err != nil {
			a.log.Warn("discord gateway: unreadable interaction", "error", err)
			return false
		}
		a.inflight.Add(1)
		go func() {
			defer a.inflight.Done()
			defer func() {
				if p := recover(); p != nil {
					a.log.Error("discord gateway interaction panicked", "interaction_id", in.ID, "panic", fmt.Sprint(p))
				}
			}()
			a.serveGateway(ctx, in, arrived)
		}()
	}
	return false
}

// serveGateway answers a gateway interaction, which arrived at arrived,
// with a callback request.
func (a *Adapter) serveGateway(ctx context.Context, in *discordgo.Interaction, arrived time.Time) {
	ctx, cancel := context.WithTimeout(context.WithoutCancel(ctx), workTimeout)
	defer cancel()
	ack := func(ctx context.Context, r response) error {
		return a.retryOnce(ctx, call{method: "POST", route: "/interactions/{id}/{token}/callback",
			path: "/interactions/" + url.PathEscape(in.ID) + "/" + url.PathEscape(in.Token) + "/callback", body: r})
	}
	_ = a.serve(ctx, in, arrived, ack) // a replay was answered the first time
}

// heartbeat beats every interval (the first after a random part of it, as
// Discord asks) and closes the connection when a beat went unanswered, so
// a dead connection is replaced.
func (a *Adapter) heartbeat(gw *gatewayConn, s *session, interval time.Duration, acked *atomic.Bool, stop <-chan struct{}) {
	t := time.NewTimer(rand.N(interval) + time.Millisecond)
	defer t.Stop()
	for {
		select {
		case <-stop:
			return
		case <-t.C:
		}
		if !acked.Swap(false) {
			a.log.Warn("discord gateway: heartbeat not acknowledged; reconnecting")
			_ = gw.conn.Close()
			return
		}
		if err := gw.send(opHeartbeat, heartbeatSeq(s)); err != nil {
			return // the read loop sees the broken connection
		}
		t.Reset(interval)
	}
}

func heartbeatSeq(s *session) any {
	if n := s.seq.Load(); n > 0 {
		return n
	}
	return nil
}

// gatewayURL asks the REST API where the gateway is.
func (a *Adapter) gatewayURL(ctx context.Context) (string, error) {
	var g struct {
		URL string `json:"url"`
	}
	if err := a.rest.do(ctx, call{method: "GET", route: "/gateway/bot", path: "/gateway/bot", out: &g, bot: true}); err != nil {
		var api *APIError
		if errors.As(err, &api) && api.Status == http.StatusUnauthorized {
			return "", &GatewayClosedError{Code: 4004, Reason: fatalCloseCodes[4004]}
		}
		return "", fmt.Errorf("finding the gateway: %w", err)
	}
	if g.URL == "" {
		return "", errors.New("finding the gateway: no url in the answer")
	}
	return g.URL, nil
}

// gatewayConn serialises writes: the heartbeat and the read loop both
// send.
type gatewayConn struct {
	conn *websocket.Conn
	mu   sync.Mutex
}

func (g *gatewayConn) send(op int, d any) error {
	b, err := json.Marshal(struct {
		Op int `json:"op"`
		D  any `json:"d"`
	}{op, d})
	if err != nil {
		return err
	}
	g.mu.Lock()
	defer g.mu.Unlock()
	_ = g.conn.SetWriteDeadline(time.Now().Add(writeTimeout))
	return g.conn.WriteMessage(websocket.TextMessage, b)
}

func (g *gatewayConn) read() (frame, error) {
	_, data, err := g.conn.ReadMessage()
	if err != nil {
		return frame{}, err
	}
	var f frame
	if err := json.Unmarshal(data, &f); err != nil {
		return frame{}, fmt.Errorf("gateway: unreadable frame: %w", err)
	}
	return f, nil
}

// closeError turns a fatal close into a GatewayClosedError.
func closeError(err error) error {
	var ce *websocket.CloseError
	if errors.As(err, &ce) {
		if reason, ok := fatalCloseCodes[ce.Code]; ok {
			return &GatewayClosedError{Code: ce.Code, Reason: reason}
		}
	}
	return err
}

// sleep waits d or until ctx ends; it reports whether the wait was full.
func sleep(ctx context.Context, d time.Duration) bool {
	if d <= 0 {
		return ctx.Err() == nil
	}
	t := time.NewTimer(d)
	defer t.Stop()
	select {
	case <-t.C:
		return true
	case <-ctx.Done():
		return false
	}
}
