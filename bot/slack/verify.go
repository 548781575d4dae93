package slack

import (
	"crypto/hmac"
	"crypto/sha256"
	"encoding/hex"
	"errors"
	"io"
	"net/http"
	"strconv"
	"strings"
	"time"
)

// MaxBody caps the body of a request from Slack. A modal submission with
// every field full is well under it.
const MaxBody = 256 << 10

// MaxSkew is how far a request's timestamp may be from our clock; older
// requests are refused as possible replays.
const MaxSkew = 5 * time.Minute

// The errors of Verify.
var (
	ErrNoSignature  = errors.New("slack: request is not signed")
	ErrBadSignature = errors.New("slack: request signature does not match")
	ErrStale        = errors.New("slack: request timestamp is not within 5 minutes")
)

// Sign computes Slack's v0 signature of a request body: "v0=" and the hex
// HMAC-SHA256, keyed by the signing secret, of "v0:<timestamp>:<body>".
func Sign(secret, timestamp string, body []byte) string {
	mac := hmac.New(sha256.New, []byte(secret))
	mac.Write([]byte("v0:" + timestamp + ":"))
	mac.Write(body)
	return "v0=" + hex.EncodeToString(mac.Sum(nil))
}

// Verify checks the X-Slack-Signature and X-Slack-Request-Timestamp
// headers of a request against its raw body: the signature must match
// (compared in constant time) and the timestamp be within MaxSkew of now.
func Verify(secret string, h http.Header, body []byte, now time.Time) error {
	sig, ts := h.Get("X-Slack-Signature"), h.Get("X-Slack-Request-Timestamp")
	if secret == "" || sig == "" || ts == "" || !strings.HasPrefix(sig, "v0=") {
		return ErrNoSignature
	}
	secs, err := strconv.ParseInt(ts, 10, 64)
	if err != nil {
		return ErrNoSignature
	}
	if d := now.Sub(time.Unix(secs, 0)); d > MaxSkew || d < -MaxSkew {
		return ErrStale
	}
	if !hmac.Equal([]byte(sig), []byte(Sign(secret, ts, body))) {
		return ErrBadSignature
	}
	return nil
}

// verified reads and verifies a request's body. On failure it answers
// (413 for a body over MaxBody, 401 otherwise) and returns false: nothing
// else is done for an unverified request.
func (a *Adapter) verified(w http.ResponseWriter, r *http.Request) ([]byte, bool) {
	body, ok := a.readBody(w, r)
	if !ok {
		return nil, false
	}
	return body, a.verifiedBody(w, r, body)
}

// readBody reads a request's body up to MaxBody. A larger body is
// answered 413 and logged as too large.
func (a *Adapter) readBody(w http.ResponseWriter, r *http.Request) ([]byte, bool) {
	if r.ContentLength > MaxBody {
		a.log.Warn("slack request refused", "path", r.URL.Path, "reason", "body too large", "bytes", r.ContentLength)
		http.Error(w, "request body too large", http.StatusRequestEntityTooLarge)
		return nil, false
	}
	body, err := io.ReadAll(http.MaxBytesReader(w, r.Body, MaxBody))
	var tooLarge *http.MaxBytesError
	if errors.As(err, &tooLarge) {
		a.log.Warn("slack request refused", "path", r.URL.Path, "reason", "body too large")
		http.Error(w, "request body too large", http.StatusRequestEntityTooLarge)
		return nil, false
	}
	if err != nil {
		a.log.Warn("slack request refused", "path", r.URL.Path, "reason", "body unreadable", "error", err)
		http.Error(w, "bad request", http.StatusBadRequest)
		return nil, false
	}
	return body, true
}

// verifiedBody checks the signature of a body read by readBody, answering
// 401 when it fails.
func (a *Adapter) verifiedBody(w http.ResponseWriter, r *http.Request, body []byte) bool {
	if err := Verify(a.cfg.SigningSecret, r.Header, body, a.now()); err != nil {
		a.log.Warn("slack request refused", "path", r.URL.Path, "reason", err.Error())
		http.Error(w, "unauthorized", http.StatusUnauthorized)
		return false
	}
	return true
}
