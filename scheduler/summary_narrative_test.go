package scheduler_test

import (
	"context"
	"encoding/json"
	"errors"
	"io"
	"net/http"
	"net/http/httptest"
	"regexp"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/riverqueue/river/riverdriver/riversqlite"

	"parabot/roster"
	"parabot/scheduler"
	"parabot/storage"
	"parabot/storage/storagetest"
	"parabot/summary"
)

// fakeLLM is an OpenAI-compatible chat completions server that records
// the messages of every request and answers with answer's paragraph, or
// with a server error when fail is set.
type fakeLLM struct {
	mu       sync.Mutex
	messages []string // the contents of every message of every request
	fail     bool
}

func (f *fakeLLM) ServeHTTP(w http.ResponseWriter, r *http.Request) {
	body, _ := io.ReadAll(r.Body)
	var req struct {
		Messages []struct {
			Content string `json:"content"`
		} `json:"messages"`
	}
	if err := json.Unmarshal(body, &req); err != nil || r.URL.Path != "/v1/chat/completions" {
		http.Error(w, `{"error":{"message":"bad request","type":"invalid_request_error"}}`, http.StatusBadRequest)
		return
	}
	f.mu.Lock()
	for _, m := range req.Messages {
		f.messages = append(f.messages, m.Content)
	}
	f.mu.Unlock()
	w.Header().Set("Content-Type", "application/json")
	if f.fail {
		w.WriteHeader(http.StatusInternalServerError)
		_, _ = io.WriteString(w, `{"error":{"message":"model overloaded","type":"server_error"}}`)
		return
	}
	_ = json.NewEncoder(w).Encode(map[string]any{
		"id": "chatcmpl-1", "object": "chat.completion", "created": 1700000000, "model": "test-model",
		"choices": []map[string]any{{"index": 0, "finish_reason": "stop", "message": map[string]any{"role": "assistant",
			"content": "Student A had a steady week and kept working with Para 1."}}},
		"usage": map[string]any{"prompt_tokens": 10, "completion_tokens": 10, "total_tokens": 20},
	})
}

// narratedWeek walks the demo school's Friday 2026-12-18 (the week's last
// school day, an early release) with a week of generated data, a note
// naming students, and the summaries' narratives written by llm.
func narratedWeek(t *testing.T, llm *fakeLLM) *walker {
	srv := httptest.NewServer(llm)
	t.Cleanup(srv.Close)
	narrator := summary.NewNarrator(summary.NarratorConfig{BaseURL: srv.URL + "/v1", APIKey: "test-key", Model: "test-model", Timeout: 10 * time.Second})
	db := storagetest.OpenSQLite(t)
	w := walkOn(t, time.Date(2026, 12, 18, 11, 0, 0, 0, time.UTC), db, replica{store: db, start: func(cfg scheduler.Config) (scheduler.Runner, error) {
		cfg.Narrator = narrator
		return scheduler.Start(context.Background(), riversqlite.New(db.SQL()), cfg)
	}})
	ctx := context.Background()
	if _, err := roster.DemoData(ctx, w.db, w.at("2026-12-18 00:00"), 1); err != nil {
		t.Fatal(err)
	}
	if _, err := w.db.LogNote(ctx, storage.Note{StudentID: w.student("S101").ID, StaffID: w.staff("lee").ID, ToStaffID: w.staff("rivera").ID,
		At: w.at("2026-12-18 09:00"), Text: "Ava hit Liam at the sink; told Ms. Rivera", Summary: "Note about S101."}, nil); err != nil {
		t.Fatal(err)
	}
	w.to("2026-12-18 23:00")
	return w
}

// weeklyCopies are the weekly summary's private copy to rivera and its
// channel post.
func weeklyCopies(t *testing.T, w *walker) (private, channel post) {
	t.Helper()
	w.box.mu.Lock()
	defer w.box.mu.Unlock()
	n := 0
	for _, p := range w.box.replies {
		if !strings.HasPrefix(p.reply.Text, "Weekly summary") {
			continue
		}
		n++
		if p.channel == "rivera-class" {
			channel = p
		} else if p.user == "rivera" && p.reply.Private {
			private = p
		}
	}
	if n != 2 || private.user == "" || channel.channel == "" {
		t.Fatalf("%d weekly summaries; want the private copy to rivera and the post to #rivera-class", n)
	}
	return private, channel
}

// TestWalkSummaryNarrative: the weekly summary's private copy carries each
// student's narrative with the names put back, the language model was
// told no roster name, initials, code or handle, and no channel post
// carries a narrative.
func TestWalkSummaryNarrative(t *testing.T) {
	llm := &fakeLLM{}
	w := narratedWeek(t, llm)
	private, channel := weeklyCopies(t, w)

	ctx := context.Background()
	schools, err := w.db.Schools(ctx)
	if err != nil || len(schools) == 0 {
		t.Fatalf("schools: %v, %v", schools, err)
	}
	students, err1 := w.db.Students(ctx, schools[0].ID)
	staff, err2 := w.db.ListStaff(ctx, schools[0].ID)
	caseload := riveraCaseload(t, w)
	if err := errors.Join(err1, err2); err != nil || len(students) == 0 || len(staff) == 0 {
		t.Fatalf("the roster: %d students, %d staff, %v", len(students), len(staff), err)
	}
	for _, st := range caseload {
		var field string
		for _, f := range private.reply.Fields {
			if strings.Contains(f.Label, "("+st.Code+")") {
				field = f.Value
			}
		}
		if !strings.Contains(field, st.FirstName+" had a steady week and kept working with ") {
			t.Errorf("the private copy of %s lacks the narrative with the name put back:\n%s", st.Code, field)
		}
	}
	if strings.Contains(replyText(private.reply), "Student A") || strings.Contains(replyText(private.reply), "No narrative") {
		t.Errorf("the private copy has a placeholder or a missing narrative:\n%s", replyText(private.reply))
	}
	w.box.mu.Lock()
	for _, p := range w.box.replies {
		if p.channel != "" && strings.Contains(replyText(p.reply), "steady week") {
			t.Errorf("channel post %q carries a narrative", p.key)
		}
	}
	w.box.mu.Unlock()
	if strings.Contains(replyText(channel.reply), "narrative") {
		t.Errorf("the weekly channel post speaks of narratives:\n%s", replyText(channel.reply))
	}

	// Every spelling that identifies someone: names, codes, initials
	// (dotless ones in capitals only) and handles.
	var anyCase, exact []string
	for _, s := range students {
		anyCase = append(anyCase, s.FirstName, s.LastName, s.Code, s.Initials, strings.TrimSuffix(s.Initials, "."))
		exact = append(exact, strings.ReplaceAll(s.Initials, ".", ""))
	}
	for _, s := range staff {
		anyCase = append(anyCase, s.Handle)
		for _, part := range strings.Fields(s.Name) {
			if !strings.HasSuffix(part, ".") {
				anyCase = append(anyCase, part)
			}
		}
	}
	llm.mu.Lock()
	defer llm.mu.Unlock()
	if len(llm.messages) < 2*len(caseload) {
		t.Fatalf("%d messages sent to the language model; want a request for each of %d students", len(llm.messages), len(caseload))
	}
	sawNote := false
	for _, m := range llm.messages {
		for _, term := range anyCase {
			if term != "" && regexp.MustCompile(`(?i)(^|\W)`+regexp.QuoteMeta(term)+`($|\W)`).MatchString(m) {
				t.Errorf("a request carries %q:\n%s", term, m)
			}
		}
		for _, term := range exact {
			if regexp.MustCompile(`\b` + regexp.QuoteMeta(term) + `\b`).MatchString(m) {
				t.Errorf("a request carries the initials %q:\n%s", term, m)
			}
		}
		if strings.Contains(m, "Student A hit Student B at the sink") {
			sawNote = true
		}
	}
	if !sawNote {
		t.Error("no request carried the week's note, de-identified")
	}
}

// TestWalkSummaryNarrativeFails: a language model that answers with errors
// costs the summaries their narratives, and nothing else.
func TestWalkSummaryNarrativeFails(t *testing.T) {
	llm := &fakeLLM{fail: true}
	w := narratedWeek(t, llm)
	private, channel := weeklyCopies(t, w)
	caseload := riveraCaseload(t, w)
	if len(private.reply.Fields) != len(caseload) {
		t.Fatalf("the private copy has %d students, want %d", len(private.reply.Fields), len(caseload))
	}
	for _, f := range private.reply.Fields {
		if !strings.HasPrefix(f.Value, "(No narrative: the language model server answered with an error)\nG1 ") {
			t.Errorf("%s: want the narrative said to be unavailable, then the goals:\n%s", f.Label, f.Value)
		}
	}
	if !strings.Contains(replyText(channel.reply), "G1") || strings.Contains(replyText(channel.reply), "narrative") {
		t.Errorf("the channel post is not the usual one:\n%s", replyText(channel.reply))
	}
	llm.mu.Lock()
	defer llm.mu.Unlock()
	if len(llm.messages) == 0 {
		t.Error("no request reached the language model")
	}
}

// riveraCaseload is the teacher's caseload, which the summaries are of;
// never empty.
func riveraCaseload(t *testing.T, w *walker) []storage.Student {
	t.Helper()
	caseload, err := w.db.Caseload(context.Background(), w.staff("rivera").ID)
	if err != nil || len(caseload) == 0 {
		t.Fatalf("Maria Rivera's caseload: %d students, %v", len(caseload), err)
	}
	return caseload
}
