package commands_test

import (
	"context"
	"encoding/json"
	"io"
	"log/slog"
	"net/http"
	"net/http/httptest"
	"strings"
	"sync"
	"testing"
	"time"

	"parabot/bot"
	"parabot/commands"
	"parabot/progress"
	"parabot/roster"
	"parabot/scheduler"
	"parabot/storage"
	"parabot/storage/sqlite"
	"parabot/storage/storagetest"
	"parabot/summary"
)

// fakeLLM is an OpenAI-compatible chat completions server that records
// every request and answers with a paragraph using the placeholders.
type fakeLLM struct {
	mu       sync.Mutex
	requests []string
}

func (f *fakeLLM) ServeHTTP(w http.ResponseWriter, r *http.Request) {
	body, _ := io.ReadAll(r.Body)
	f.mu.Lock()
	f.requests = append(f.requests, string(body))
	f.mu.Unlock()
	if r.URL.Path != "/v1/chat/completions" {
		http.NotFound(w, r)
		return
	}
	w.Header().Set("Content-Type", "application/json")
	_ = json.NewEncoder(w).Encode(map[string]any{
		"id": "chatcmpl-1", "object": "chat.completion", "created": 1700000000, "model": "test-model",
		"choices": []map[string]any{{"index": 0, "finish_reason": "stop", "message": map[string]any{
			"role": "assistant", "content": "Student A met the criterion on G1 this week, with data from Para 1 on three days."}}},
	})
}

// progressSchool is the demo school with /progress and /report wired to
// a narrator on llm (nil: none), at Tuesday 2026-11-24 10:00.
func progressSchool(t *testing.T, llm *httptest.Server) (*bot.Router, *sqlite.DB, time.Time) {
	t.Helper()
	db := storagetest.OpenSQLite(t)
	ctx := context.Background()
	if _, err := roster.Import(ctx, db, roster.Demo()); err != nil {
		t.Fatal(err)
	}
	now := time.Date(2026, 11, 24, 10, 0, 0, 0, storage.School{TimeZone: "America/New_York"}.Location())
	if _, err := roster.DemoData(ctx, db, now, 2); err != nil {
		t.Fatal(err)
	}
	// Free text that names people, as paras write it.
	school, _ := db.SchoolByName(ctx, roster.DemoSchool)
	s101, _ := db.StudentByCode(ctx, school.ID, "S101")
	lee, _ := db.StaffByHandle(ctx, "lee")
	rivera, _ := db.StaffByHandle(ctx, "rivera")
	if _, err := db.LogIncident(ctx, storage.Incident{StudentID: s101.ID, StaffID: lee.ID, At: now.Add(-time.Hour), Setting: "carpet",
		Antecedent: "Liam took Ava's blocks", Behavior: "Ava hit Liam", Consequence: "break with Ms. Lee", Severity: 2, Summary: "incident"}, nil); err != nil {
		t.Fatal(err)
	}
	if _, err := db.LogNote(ctx, storage.Note{StudentID: s101.ID, StaffID: lee.ID, ToStaffID: rivera.ID, At: now.Add(-30 * time.Minute),
		Text: "A.B. and Sofia played well; Jamie Lee thinks S101 was tired", Summary: "note"}, nil); err != nil {
		t.Fatal(err)
	}
	log := slog.New(slog.NewTextHandler(io.Discard, nil))
	var narrator *summary.Narrator
	if llm != nil {
		narrator = summary.NewNarrator(summary.NarratorConfig{BaseURL: llm.URL + "/v1", Model: "test-model", Timeout: 5 * time.Second})
	}
	svc := &progress.Service{Reader: progress.Reader{Store: db, Log: log}, Narrator: narrator, Log: log}
	router := bot.NewRouter(db, log, func() time.Time { return now }, commands.All(commands.Deps{Store: db, Log: log, Progress: svc}))
	return router, db, now
}

func run(r *bot.Router, user, line string) bot.Reply {
	name, text, _ := strings.Cut(strings.TrimPrefix(line, "/"), " ")
	return r.Handle(context.Background(), bot.Request{Platform: storage.PlatformShell, UserID: user, Command: name, Text: text})
}

func TestProgressNarrativeIsDeidentified(t *testing.T) {
	fake := &fakeLLM{}
	srv := httptest.NewServer(fake)
	defer srv.Close()
	router, db, _ := progressSchool(t, srv)
	r := run(router, "rivera", "/progress S101 G1")
	if r.IsError {
		t.Fatalf("/progress: %s", r.Text)
	}
	if len(fake.requests) != 1 {
		t.Fatalf("%d requests to the language model, want 1", len(fake.requests))
	}
	req := fake.requests[0]
	students, _ := db.Students(context.Background(), 1)
	staff, _ := db.ListStaff(context.Background(), 1)
	var terms []string
	for _, s := range students {
		terms = append(terms, s.FirstName, s.LastName, s.Code, s.Initials)
	}
	for _, s := range staff {
		terms = append(terms, strings.Fields(s.Name)...)
		terms = append(terms, s.Handle)
	}
	for _, term := range terms {
		if len(term) > 2 && strings.Contains(strings.ToLower(req), strings.ToLower(term)) {
			t.Errorf("the request to the language model holds %q:\n%s", term, req)
		}
	}
	if !strings.Contains(req, "Student A") {
		t.Errorf("the request does not call the student Student A:\n%s", req)
	}
	text := r.Fields[0].Value
	if !strings.Contains(text, "Ava met the criterion on G1 this week, with data from Jamie Lee on three days.") {
		t.Errorf("the narrative is missing or its names were not put back:\n%s", text)
	}
	if len(r.Files) != 1 || r.Files[0].Name != "S101-G1.png" {
		t.Errorf("files %+v", r.Files)
	}
}

func TestProgressWithoutLanguageModel(t *testing.T) {
	router, _, _ := progressSchool(t, nil)
	r := run(router, "rivera", "/progress S101 month")
	if r.IsError || !strings.Contains(r.Fields[0].Value, "(No narrative: no language model is configured)") || len(r.Files) != 3 {
		t.Errorf("reply %q / %q, %d files", r.Text, r.Fields, len(r.Files))
	}
}

func TestProgressAnswersBadInput(t *testing.T) {
	router, _, _ := progressSchool(t, nil)
	for _, tc := range []struct{ user, line, want string }{
		{"lee", "/progress S104", "not on your caseload"},
		{"rivera", "/progress S101 G9", `Goal "G9" not found for Ava B. (S101) — their goals are G1, G2, G3.`},
		{"rivera", "/progress S101 G1 2026-11-21..2026-11-22", "There were no school days from Sat Nov 21 to Sun Nov 22"},
		{"rivera", "/progress S101 G1 2026-03-01..2026-03-20", "G1 starts on 2026-09-14, after this range ends (2026-03-20)"},
		{"rivera", "/progress S101 G1 soon", `"soon" is not a range`},
	} {
		r := run(router, tc.user, tc.line)
		if !r.IsError || !strings.Contains(r.Text, tc.want) {
			t.Errorf("%s as %s: %q, want an error with %q", tc.line, tc.user, r.Text, tc.want)
		}
	}
}

func TestReportQueuesThePDFByDirectMessage(t *testing.T) {
	router, db, _ := progressSchool(t, nil)
	ctx := context.Background()
	if r := run(router, "lee", "/report S101"); !r.IsError {
		t.Errorf("a para got a report: %q", r.Text)
	}
	r := run(router, "rivera", "/report S101 reason=annual IEP review")
	if r.IsError || !strings.Contains(r.Text, "The IEP progress report of Ava B. (S101) (Aug 31 to Nov 24, 2026) is on its way to you by direct message.") {
		t.Fatalf("/report: %q", r.Text)
	}
	var args string
	if err := db.SQL().QueryRow(`SELECT json(args) FROM river_job WHERE kind = 'deliver' ORDER BY id DESC LIMIT 1`).Scan(&args); err != nil {
		t.Fatal(err)
	}
	var job scheduler.DeliverArgs
	if err := json.Unmarshal([]byte(args), &job); err != nil {
		t.Fatal(err)
	}
	rivera, _ := db.StaffByHandle(ctx, "rivera")
	if job.StaffID != rivera.ID || job.Channel != "" || len(job.Reply.Files) != 1 ||
		job.Reply.Files[0].Type != "application/pdf" || !strings.HasPrefix(string(job.Reply.Files[0].Data), "%PDF-") {
		t.Errorf("delivery to staff %d channel %q with %d files", job.StaffID, job.Channel, len(job.Reply.Files))
	}
	school, _ := db.SchoolByName(ctx, roster.DemoSchool)
	s101, _ := db.StudentByCode(ctx, school.ID, "S101")
	trail, _ := db.Audit(ctx, s101.ID)
	last := trail[len(trail)-1]
	if last.Action != "export" || last.StaffID != rivera.ID || !strings.Contains(last.Detail, `reason="/report: annual IEP review"`) {
		t.Errorf("last audit row %+v", last)
	}
}

func TestProgressWhenTheLanguageModelFails(t *testing.T) {
	srv := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		w.Header().Set("Content-Type", "application/json")
		w.WriteHeader(http.StatusInternalServerError)
		_, _ = w.Write([]byte(`{"error":{"message":"model overloaded","type":"server_error"}}`))
	}))
	defer srv.Close()
	router, _, _ := progressSchool(t, srv)
	r := run(router, "rivera", "/progress S101 G1")
	if r.IsError || len(r.Fields) != 1 || len(r.Files) != 1 {
		t.Fatalf("a failing language model broke /progress: %q %v, %d files", r.Text, r.Fields, len(r.Files))
	}
	text := r.Fields[0].Value
	if !strings.Contains(text, "(No narrative: the language model server answered with an error)") || !strings.Contains(text, "G1 ") {
		t.Errorf("reply:\n%s", text)
	}
}
