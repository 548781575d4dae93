package slack

import (
	"encoding/json"
	"io"
	"net/http"
	"net/http/httptest"
	"net/url"
	"sort"
	"strconv"
	"strings"
	"sync"
	"testing"

	"github.com/gorilla/websocket"
)

// fakeSlack is a local Slack: the Web API methods the adapter calls,
// answered with Slack's JSON; response_url endpoints; and a Socket Mode
// WebSocket. It records every call.
type fakeSlack struct {
	t   testing.TB
	srv *httptest.Server

	mu        sync.Mutex
	calls     []apiCall
	responses []apiCall            // posts to response_urls
	emails    map[string]string    // user id -> profile email
	channels  map[string]string    // channel name -> id
	members   map[string]bool      // channel ids the app is in
	limited   map[string]int       // method -> how many 429s to answer first
	fail      map[string]string    // method -> Slack error code to answer
	socket    chan *websocket.Conn // Socket Mode connections, for the test to drive
	uploads   map[string]upload    // file id -> what was posted to its upload URL
	posted    []apiCall            // chat.postMessage calls that posted, for conversations.history
}

// apiCall is one recorded request: the method (or response_url path) and
// its form values or JSON body.
type apiCall struct {
	Method string
	Form   url.Values
	JSON   map[string]any
}

func newFakeSlack(t testing.TB) *fakeSlack {
	t.Helper()
	f := &fakeSlack{
		t:        t,
		emails:   map[string]string{},
		channels: map[string]string{"room-12": "C0ROOM12", "general": "C0GENERAL"},
		members:  map[string]bool{"C0GENERAL": true},
		limited:  map[string]int{},
		fail:     map[string]string{},
		socket:   make(chan *websocket.Conn, 4),
		uploads:  map[string]upload{},
	}
	mux := http.NewServeMux()
	mux.HandleFunc("POST /api/{method}", f.serveAPI)
	mux.HandleFunc("POST /response/{id}", f.serveResponse)
	mux.HandleFunc("GET /socket", f.serveSocket)
	mux.HandleFunc("POST /upload/{id}", f.serveUpload)
	f.srv = httptest.NewServer(mux)
	t.Cleanup(f.srv.Close)
	return f
}

// apiURL is what SLACK_API_URL would be set to.
func (f *fakeSlack) apiURL() string { return f.srv.URL + "/api/" }

// responseURL is a response_url for a slash command or an interaction.
func (f *fakeSlack) responseURL(id string) string { return f.srv.URL + "/response/" + id }

func (f *fakeSlack) serveAPI(w http.ResponseWriter, r *http.Request) {
	method := r.PathValue("method")
	body, _ := io.ReadAll(r.Body)
	c := apiCall{Method: method}
	if strings.HasPrefix(r.Header.Get("Content-Type"), "application/json") {
		if len(body) > 0 {
			if err := json.Unmarshal(body, &c.JSON); err != nil {
				f.t.Errorf("fake slack: %s: bad JSON: %v", method, err)
			}
		}
	} else {
		c.Form, _ = url.ParseQuery(string(body))
	}
	if !strings.HasPrefix(r.Header.Get("Authorization"), "Bearer ") && c.Form.Get("token") == "" {
		f.t.Errorf("fake slack: %s called without a token", method)
	}
	f.mu.Lock()
	f.calls = append(f.calls, c)
	if f.limited[method] > 0 {
		f.limited[method]--
		f.mu.Unlock()
		w.Header().Set("Retry-After", "1")
		http.Error(w, "rate limited", http.StatusTooManyRequests)
		return
	}
	code := f.fail[method]
	f.mu.Unlock()
	if code != "" {
		writeAPI(w, map[string]any{"ok": false, "error": code})
		return
	}
	switch method {
	case "users.info":
		f.mu.Lock()
		email, ok := f.emails[c.Form.Get("user")]
		f.mu.Unlock()
		if !ok {
			writeAPI(w, map[string]any{"ok": false, "error": "user_not_found"})
			return
		}
		writeAPI(w, map[string]any{"ok": true, "user": map[string]any{
			"id": c.Form.Get("user"), "name": "someone", "profile": map[string]any{"email": email}}})
	case "users.lookupByEmail":
		f.mu.Lock()
		var id string
		for u, e := range f.emails {
			if strings.EqualFold(e, c.Form.Get("email")) {
				id = u
			}
		}
		f.mu.Unlock()
		if id == "" {
			writeAPI(w, map[string]any{"ok": false, "error": "users_not_found"})
			return
		}
		writeAPI(w, map[string]any{"ok": true, "user": map[string]any{"id": id, "name": "someone"}})
	case "conversations.open":
		writeAPI(w, map[string]any{"ok": true, "channel": map[string]any{"id": "D" + c.Form.Get("users")}})
	case "conversations.list":
		// Paged as Slack pages it: at most limit channels a page (Slack
		// asks for no more than 200), the cursor says where to go on.
		limit, err := strconv.Atoi(c.Form.Get("limit"))
		if err != nil || limit < 1 || limit > 200 {
			writeAPI(w, map[string]any{"ok": false, "error": "invalid_limit"})
			return
		}
		f.mu.Lock()
		names := make([]string, 0, len(f.channels))
		for name := range f.channels {
			names = append(names, name)
		}
		sort.Strings(names)
		start, _ := strconv.Atoi(c.Form.Get("cursor"))
		var chans []map[string]any
		for _, name := range names[min(start, len(names)):min(start+limit, len(names))] {
			chans = append(chans, map[string]any{"id": f.channels[name], "name": name})
		}
		f.mu.Unlock()
		next := ""
		if start+limit < len(names) {
			next = strconv.Itoa(start + limit)
		}
		writeAPI(w, map[string]any{"ok": true, "channels": chans, "response_metadata": map[string]any{"next_cursor": next}})
	case "conversations.join":
		f.mu.Lock()
		f.members[c.Form.Get("channel")] = true
		f.mu.Unlock()
		writeAPI(w, map[string]any{"ok": true, "channel": map[string]any{"id": c.Form.Get("channel")}})
	case "chat.postMessage":
		ch := c.Form.Get("channel")
		f.mu.Lock()
		member := f.members[ch] || strings.HasPrefix(ch, "D")
		f.mu.Unlock()
		if !member {
			writeAPI(w, map[string]any{"ok": false, "error": "not_in_channel"})
			return
		}
		f.mu.Lock()
		f.posted = append(f.posted, c)
		f.mu.Unlock()
		writeAPI(w, map[string]any{"ok": true, "channel": ch, "ts": "1700000000.000100"})
	case "conversations.history":
		// The channel's posts, newest first, with their metadata.
		var msgs []map[string]any
		f.mu.Lock()
		for i := len(f.posted) - 1; i >= 0; i-- {
			p := f.posted[i]
			if p.Form.Get("channel") != c.Form.Get("channel") {
				continue
			}
			m := map[string]any{"type": "message", "text": p.Form.Get("text")}
			var meta map[string]any
			if json.Unmarshal([]byte(p.Form.Get("metadata")), &meta) == nil && c.Form.Get("include_all_metadata") == "1" {
				m["metadata"] = meta
			}
			msgs = append(msgs, m)
		}
		f.mu.Unlock()
		writeAPI(w, map[string]any{"ok": true, "messages": msgs, "has_more": false})
	case "views.open", "views.update", "views.publish":
		if msg := invalidView(c); msg != "" {
			writeAPI(w, map[string]any{"ok": false, "error": "invalid_arguments",
				"response_metadata": map[string]any{"messages": []string{msg}}})
			return
		}
		writeAPI(w, map[string]any{"ok": true, "view": map[string]any{"id": "V0VIEW", "hash": "h1"}})
	case "files.getUploadURLExternal", "files.completeUploadExternal":
		f.files(w, c)
	case "apps.connections.open":
		writeAPI(w, map[string]any{"ok": true, "url": "ws" + strings.TrimPrefix(f.srv.URL, "http") + "/socket"})
	default:
		writeAPI(w, map[string]any{"ok": false, "error": "unknown_method"})
	}
}

func (f *fakeSlack) serveResponse(w http.ResponseWriter, r *http.Request) {
	var m map[string]any
	if err := json.NewDecoder(r.Body).Decode(&m); err != nil {
		f.t.Errorf("fake slack: response_url got bad JSON: %v", err)
	}
	f.mu.Lock()
	f.responses = append(f.responses, apiCall{Method: r.PathValue("id"), JSON: m})
	f.mu.Unlock()
	w.Write([]byte("ok"))
}

func (f *fakeSlack) serveSocket(w http.ResponseWriter, r *http.Request) {
	up := websocket.Upgrader{CheckOrigin: func(r *http.Request) bool { return r.Header.Get("Origin") == "https://api.slack.com" }}
	conn, err := up.Upgrade(w, r, nil)
	if err != nil {
		f.t.Errorf("fake slack: upgrading socket: %v", err)
		return
	}
	f.socket <- conn
}

// invalidView returns the error Slack gives for a view it refuses, as
// Slack words it, or "" for a view it takes: a select of static options
// needs at least one option (or option group).
func invalidView(c apiCall) string {
	view, _ := c.JSON["view"].(map[string]any)
	if view == nil && c.Form != nil {
		json.Unmarshal([]byte(c.Form.Get("view")), &view)
	}
	blocks, _ := view["blocks"].([]any)
	for i, b := range blocks {
		blk, _ := b.(map[string]any)
		var els []any
		if el, ok := blk["element"]; ok {
			els = append(els, el)
		}
		if el, ok := blk["accessory"]; ok {
			els = append(els, el)
		}
		if list, ok := blk["elements"].([]any); ok {
			els = append(els, list...)
		}
		for _, e := range els {
			el, _ := e.(map[string]any)
			if el["type"] != "static_select" && el["type"] != "multi_static_select" {
				continue
			}
			opts, _ := el["options"].([]any)
			groups, _ := el["option_groups"].([]any)
			if len(opts) == 0 && len(groups) == 0 {
				return "[ERROR] must provide at least 1 option [json-pointer:/view/blocks/" + itoa(i) + "/element/options]"
			}
		}
	}
	return ""
}

func writeAPI(w http.ResponseWriter, v any) {
	w.Header().Set("Content-Type", "application/json")
	json.NewEncoder(w).Encode(v)
}

// callsTo returns the recorded calls of a method.
func (f *fakeSlack) callsTo(method string) []apiCall {
	f.mu.Lock()
	defer f.mu.Unlock()
	var out []apiCall
	for _, c := range f.calls {
		if c.Method == method {
			out = append(out, c)
		}
	}
	return out
}

// count is how many Web API calls were made.
func (f *fakeSlack) count() int {
	f.mu.Lock()
	defer f.mu.Unlock()
	return len(f.calls)
}

// responsesTo returns what was posted to the response_url with that id.
func (f *fakeSlack) responsesTo(id string) []map[string]any {
	f.mu.Lock()
	defer f.mu.Unlock()
	var out []map[string]any
	for _, c := range f.responses {
		if c.Method == id {
			out = append(out, c.JSON)
		}
	}
	return out
}

// rateLimit makes the next n calls of method answer 429.
func (f *fakeSlack) rateLimit(method string, n int) {
	f.mu.Lock()
	defer f.mu.Unlock()
	f.limited[method] = n
}

// failWith makes method answer a Slack error ("" clears it).
func (f *fakeSlack) failWith(method, code string) {
	f.mu.Lock()
	defer f.mu.Unlock()
	f.fail[method] = code
}

// setEmail gives a Slack user a profile email.
func (f *fakeSlack) setEmail(userID, email string) {
	f.mu.Lock()
	defer f.mu.Unlock()
	f.emails[userID] = email
}

// decodeBlocks reads the blocks of a chat.postMessage call.
func decodeBlocks(t *testing.T, c apiCall) []map[string]any {
	t.Helper()
	var out []map[string]any
	if err := json.Unmarshal([]byte(c.Form.Get("blocks")), &out); err != nil {
		t.Fatalf("blocks of %s: %v", c.Method, err)
	}
	return out
}

// blockText joins every text of rendered blocks, for assertions.
func blockText(v any) string {
	var b strings.Builder
	var walk func(v any)
	walk = func(v any) {
		switch x := v.(type) {
		case map[string]any:
			if s, ok := x["text"].(string); ok {
				b.WriteString(s + "\n")
			}
			for k, y := range x {
				if k != "text" {
					walk(y)
				} else if _, ok := y.(string); !ok {
					walk(y)
				}
			}
		case []any:
			for _, y := range x {
				walk(y)
			}
		case []map[string]any:
			for _, y := range x {
				walk(y)
			}
		}
	}
	walk(v)
	return b.String()
}

// itoa is strconv.Itoa, for building ids.
func itoa(n int) string { return strconv.Itoa(n) }
