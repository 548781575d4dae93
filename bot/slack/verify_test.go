package slack

import (
	"errors"
	"net/http"
	"strconv"
	"testing"
	"time"
)

// The example of Slack's "Verifying requests from Slack".
const (
	docSecret    = "8f742231b10e8888abcd99yyyzzz85a5"
	docTimestamp = "1531420618"
	docBody      = "token=xyzz0WbapA4vBCDEFasx0q6G&team_id=T1DC2JH3J&team_domain=testteamnow&channel_id=G8PSS9T3V&channel_name=foobar&user_id=U2CERLKJA&user_name=roadrunner&command=%2Fwebhook-collect&text=&response_url=https%3A%2F%2Fhooks.slack.com%2Fcommands%2FT1DC2JH3J%2F397700885554%2F96rGlfmibIGlgcZRskXaIFfN&trigger_id=398738663015.47445629121.803a0bc887a14d10d2c447fce8b6703c"
	docSignature = "v0=a2114d57b48eac39b9ad189dd8316235a7b4a8d21a10bd27519666489c69b503"
)

func TestSignSlackExample(t *testing.T) {
	t.Parallel()
	if got := Sign(docSecret, docTimestamp, []byte(docBody)); got != docSignature {
		t.Fatalf("Sign = %s, want %s", got, docSignature)
	}
}

func TestVerify(t *testing.T) {
	t.Parallel()
	docTime := time.Unix(1531420618, 0)
	header := func(sig, ts string) http.Header {
		h := http.Header{}
		if sig != "" {
			h.Set("X-Slack-Signature", sig)
		}
		if ts != "" {
			h.Set("X-Slack-Request-Timestamp", ts)
		}
		return h
	}
	tests := []struct {
		name   string
		secret string
		h      http.Header
		body   string
		now    time.Time
		want   error
	}{
		{"slack's example", docSecret, header(docSignature, docTimestamp), docBody, docTime, nil},
		{"4 minutes later", docSecret, header(docSignature, docTimestamp), docBody, docTime.Add(4 * time.Minute), nil},
		{"6 minutes later", docSecret, header(docSignature, docTimestamp), docBody, docTime.Add(6 * time.Minute), ErrStale},
		{"6 minutes early", docSecret, header(docSignature, docTimestamp), docBody, docTime.Add(-6 * time.Minute), ErrStale},
		{"body changed", docSecret, header(docSignature, docTimestamp), docBody + "&x=1", docTime, ErrBadSignature},
		{"other secret", "another-secret", header(docSignature, docTimestamp), docBody, docTime, ErrBadSignature},
		{"timestamp changed", docSecret, header(docSignature, "1531420619"), docBody, docTime, ErrBadSignature},
		{"no signature", docSecret, header("", docTimestamp), docBody, docTime, ErrNoSignature},
		{"no timestamp", docSecret, header(docSignature, ""), docBody, docTime, ErrNoSignature},
		{"not v0", docSecret, header("v1="+docSignature[3:], docTimestamp), docBody, docTime, ErrNoSignature},
		{"bad timestamp", docSecret, header(docSignature, "yesterday"), docBody, docTime, ErrNoSignature},
		{"no secret configured", "", header(docSignature, docTimestamp), docBody, docTime, ErrNoSignature},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			err := Verify(tc.secret, tc.h, []byte(tc.body), tc.now)
			if !errors.Is(err, tc.want) {
				t.Fatalf("Verify = %v, want %v", err, tc.want)
			}
		})
	}
}

func FuzzVerify(f *testing.F) {
	f.Add(docSignature, docTimestamp, docBody)
	f.Add("v0=", "0", "")
	f.Fuzz(func(t *testing.T, sig, ts, body string) {
		h := http.Header{}
		h.Set("X-Slack-Signature", sig)
		h.Set("X-Slack-Request-Timestamp", ts)
		err := Verify(docSecret, h, []byte(body), time.Unix(1531420618, 0))
		if err == nil && sig != Sign(docSecret, ts, []byte(body)) {
			t.Fatalf("accepted a wrong signature %q", sig)
		}
		if err == nil {
			if n, _ := strconv.ParseInt(ts, 10, 64); n < 1531420618-300 || n > 1531420618+300 {
				t.Fatalf("accepted timestamp %q", ts)
			}
		}
	})
}
