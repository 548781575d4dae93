package summary

import (
	"context"
	"encoding/json"
	"fmt"
	"io"
	"net/http"
	"net/http/httptest"
	"strings"
	"sync"
	"testing"
	"time"

	"parabot/storage"
)

// fakeLLM is an OpenAI-compatible chat completions server that records
// every request body and answers with answer(request's user message).
type fakeLLM struct {
	mu     sync.Mutex
	bodies []string
	answer func(w http.ResponseWriter, r *http.Request, facts string)
}

func (f *fakeLLM) ServeHTTP(w http.ResponseWriter, r *http.Request) {
	body, _ := io.ReadAll(r.Body)
	f.mu.Lock()
	f.bodies = append(f.bodies, string(body))
	f.mu.Unlock()
	if r.Method != http.MethodPost || r.URL.Path != "/v1/chat/completions" {
		http.Error(w, `{"error":{"message":"not found","type":"invalid_request_error"}}`, http.StatusNotFound)
		return
	}
	var req struct {
		Model    string `json:"model"`
		Messages []struct {
			Role    string `json:"role"`
			Content string `json:"content"`
		} `json:"messages"`
	}
	if err := json.Unmarshal(body, &req); err != nil || len(req.Messages) != 2 {
		http.Error(w, `{"error":{"message":"bad request","type":"invalid_request_error"}}`, http.StatusBadRequest)
		return
	}
	f.answer(w, r, req.Messages[1].Content)
}

// reply writes a chat completion answer in the API's shape.
func reply(w http.ResponseWriter, content string) {
	w.Header().Set("Content-Type", "application/json")
	_ = json.NewEncoder(w).Encode(map[string]any{
		"id": "chatcmpl-1", "object": "chat.completion", "created": 1700000000, "model": "test-model",
		"choices": []map[string]any{{"index": 0, "finish_reason": "stop",
			"message": map[string]any{"role": "assistant", "content": content}}},
		"usage": map[string]any{"prompt_tokens": 10, "completion_tokens": 10, "total_tokens": 20},
	})
}

func demoPeople() People {
	p := People{Students: demoStudents}
	handles := map[int64]string{1: "rivera", 2: "patel", 3: "lee", 4: "okafor"}
	for id, m := range demoStaff {
		name := m.Name
		if id == 2 {
			name = "Dr. Anil Patel"
		}
		p.Staff = append(p.Staff, storage.Staff{ID: id, Handle: handles[id], Name: name, Role: m.Role})
	}
	return p
}

// rosterTerms is every spelling that identifies someone in the demo school.
func rosterTerms(p People) (anyCase, exact []string) {
	for _, s := range p.Students {
		anyCase = append(anyCase, s.FirstName, s.LastName, s.Code, s.Initials, strings.TrimSuffix(s.Initials, "."))
		exact = append(exact, strings.ReplaceAll(s.Initials, ".", ""))
	}
	for _, s := range p.Staff {
		anyCase = append(anyCase, s.Handle)
		for _, part := range strings.Fields(s.Name) {
			if !strings.HasSuffix(part, ".") {
				anyCase = append(anyCase, part)
			}
		}
	}
	return anyCase, exact
}

func TestNarrativeDeidentified(t *testing.T) {
	fake := &fakeLLM{answer: func(w http.ResponseWriter, r *http.Request, facts string) {
		if !strings.Contains(facts, "Student A hit Student B") || !strings.Contains(facts, "Para 1") {
			reply(w, "I could not find the student.")
			return
		}
		reply(w, "Student A met most goals this week. Student A hit Student B once; Student A's para, Para 1, used a sensory break.")
	}}
	srv := httptest.NewServer(fake)
	defer srv.Close()
	n := NewNarrator(NarratorConfig{BaseURL: srv.URL + "/v1", APIKey: "test-key", Model: "test-model", Timeout: 5 * time.Second})

	people := demoPeople()
	weekData := demoWeek(t)
	// Free text with names in every case and form.
	in := weekData[0]
	in.Incidents = append(in.Incidents, storage.Incident{StudentID: 1, StaffID: 3, At: at(t, "2026-11-12 10:00"), Severity: 2,
		Setting: "S102's table", Antecedent: "LIAM took ava's snack; A.B. and L.C. argued", Behavior: "Ava hit Liam",
		Consequence: "Jamie Lee moved Ava to the calm corner; okafor told Ms. Rivera", Notes: "Chen family called, see AB and LC", Active: true})
	in.Notes = append(in.Notes, storage.Note{StudentID: 1, StaffID: 4, At: at(t, "2026-11-13 15:00"), Text: "Ava Brooks and Sofia M. did great with Aiden.", Active: true})
	s, err := Summarize(in)
	if err != nil {
		t.Fatal(err)
	}
	got := n.Narrate(context.Background(), s, people, demoStaff)

	anyCase, exact := rosterTerms(people)
	if len(fake.bodies) != 1 {
		t.Fatalf("%d requests, want 1", len(fake.bodies))
	}
	for _, body := range fake.bodies {
		for _, term := range anyCase {
			if containsWord(body, term) {
				t.Errorf("a request holds %q", term)
			}
		}
		for _, term := range exact {
			if strings.Contains(body, term) {
				t.Errorf("a request holds the initials %q", term)
			}
		}
		if !strings.Contains(body, "Student A") || !strings.Contains(body, "Student B") {
			t.Errorf("the request lacks the placeholders: %s", body)
		}
	}
	if got.Text == "" {
		t.Fatalf("no narrative: %s", got.Reason)
	}
	first := s.Recorders[0].Name
	want := fmt.Sprintf("Ava met most goals this week. Ava hit Liam once; Ava's para, %s, used a sensory break.", first)
	if got.Text != want {
		t.Errorf("narrative\n got %q\nwant %q", got.Text, want)
	}
}

func TestNarrativeFallback(t *testing.T) {
	tests := []struct {
		name   string
		answer func(w http.ResponseWriter, r *http.Request)
		reason string
	}{
		{"server error", func(w http.ResponseWriter, r *http.Request) {
			http.Error(w, `{"error":{"message":"overloaded","type":"server_error"}}`, http.StatusInternalServerError)
		}, "the language model server answered with an error"},
		{"empty", func(w http.ResponseWriter, r *http.Request) { reply(w, "  ") }, "the language model gave an empty answer"},
		{"too long", func(w http.ResponseWriter, r *http.Request) { reply(w, "Student A "+strings.Repeat("did well. ", 200)) }, "the language model's answer was too long"},
		{"names someone", func(w http.ResponseWriter, r *http.Request) { reply(w, "Student A and Sofia played well.") }, "the language model's answer named someone"},
		{"made-up placeholder", func(w http.ResponseWriter, r *http.Request) { reply(w, "Student A helped Student Q.") }, "the language model's answer had a placeholder it was not given"},
		{"fill-in slot", func(w http.ResponseWriter, r *http.Request) { reply(w, "Student A, [Teacher Name] says hi.") }, "the language model's answer had a placeholder it was not given"},
		{"not about the student", func(w http.ResponseWriter, r *http.Request) { reply(w, "As an AI model I cannot help.") }, "the language model's answer was not about the student"},
		{"timeout", func(w http.ResponseWriter, r *http.Request) {
			select {
			case <-r.Context().Done():
			case <-time.After(10 * time.Second):
			}
		}, "the language model did not answer in time"},
	}
	s := demoSummaries(t)[0]
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			srv := httptest.NewServer(&fakeLLM{answer: func(w http.ResponseWriter, r *http.Request, _ string) { tt.answer(w, r) }})
			defer srv.Close()
			n := NewNarrator(NarratorConfig{BaseURL: srv.URL + "/v1", Model: "m", Timeout: 200 * time.Millisecond})
			got := n.Narrate(context.Background(), s, demoPeople(), demoStaff)
			if got.Text != "" || got.Reason != tt.reason {
				t.Errorf("narrative %q reason %q, want none and %q", got.Text, got.Reason, tt.reason)
			}
		})
	}
	var none *Narrator
	if got := none.Narrate(context.Background(), s, demoPeople(), demoStaff); got.Text != "" || got.Reason != "no language model is configured" {
		t.Errorf("without a server: %+v", got)
	}
}

func TestScrub(t *testing.T) {
	subject := demoStudents[0]
	tests := []struct{ in, want string }{
		{"Ava hit Liam", "Student A hit Student B"},
		{"AVA's shoe; ava’s coat", "Student A's shoe; Student A’s coat"},
		{"Ava Brooks (S101) and Liam Chen", "Student A (Student A) and Student B"},
		{"Avalon is not a name here; neither is Liamish", "Avalon is not a name here; neither is Liamish"},
		{"L.C. and S.M. and SM and sm", "Student B and Student C and Student C and sm"},
		{"A.B. is shared by two students", "a student or staff member is shared by two students"},
		{"Jamie Lee told Dr. Anil Patel and rivera", "Para 1 told Admin 1 and Teacher 1"},
		{"lee", "Para 1"},
	}
	for _, tt := range tests {
		d := newDeidentifier(subject, demoPeople())
		if got := d.scrub(tt.in); got != tt.want {
			t.Errorf("scrub(%q)\n got %q\nwant %q", tt.in, got, tt.want)
		}
	}
}

func FuzzScrub(f *testing.F) {
	for _, s := range []string{"Ava hit Liam", "A.B.'s", "ÁVA", "S101S102", "Ava\u0301"} {
		f.Add(s)
	}
	people := demoPeople()
	f.Fuzz(func(t *testing.T, s string) {
		d := newDeidentifier(demoStudents[0], people)
		out := d.scrub(s)
		if term, ok := d.found(out); ok {
			t.Errorf("scrub(%q) = %q still holds %q", s, out, term)
		}
	})
}

func TestNarrativeScrubsStaffOfTheSummary(t *testing.T) {
	fake := &fakeLLM{answer: func(w http.ResponseWriter, r *http.Request, facts string) { reply(w, "Student A had a good week.") }}
	srv := httptest.NewServer(fake)
	defer srv.Close()
	n := NewNarrator(NarratorConfig{BaseURL: srv.URL + "/v1", Model: "m", Timeout: 5 * time.Second})
	in := demoWeek(t)[0]
	in.Notes = append(in.Notes, storage.Note{StudentID: 1, StaffID: 4, At: at(t, "2026-11-13 15:00"), Text: "Chris and Jamie agree.", Active: true})
	s, err := Summarize(in)
	if err != nil {
		t.Fatal(err)
	}
	// The roster passed lacks the staff: their names come from the summary's staff.
	got := n.Narrate(context.Background(), s, People{Students: demoStudents}, demoStaff)
	if got.Text != "Ava had a good week." {
		t.Errorf("narrative %+v", got)
	}
	for _, name := range []string{"Chris", "Jamie", "Okafor", "Lee", "Rivera"} {
		if containsWord(fake.bodies[0], name) {
			t.Errorf("the request holds %q", name)
		}
	}
}
