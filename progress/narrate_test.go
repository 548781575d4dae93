package progress_test

import (
	"context"
	"net/http"
	"net/http/httptest"
	"testing"
	"time"

	"parabot/progress"
	"parabot/storage/storagetest"
	"parabot/summary"
)

// TestNarrativesKeepWithinTheJobsDeadline: a language model that never
// answers costs the narratives, not the job: Narratives returns, with
// each narrative said to be unavailable, while its caller's deadline
// still leaves time to send the summary.
func TestNarrativesKeepWithinTheJobsDeadline(t *testing.T) {
	stalled := make(chan struct{})
	srv := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		select {
		case <-stalled:
		case <-r.Context().Done():
		}
	}))
	defer srv.Close()
	defer close(stalled)
	f := newFixture(t, storagetest.OpenSQLite(t))
	narrator := summary.NewNarrator(summary.NarratorConfig{BaseURL: srv.URL + "/v1", APIKey: "test-key", Model: "test-model", Timeout: time.Minute})
	svc := f.service
	svc.Narrator = narrator
	in, err := svc.Reader.Read(context.Background(), progress.Request{By: f.rivera, Student: f.s101, Now: f.now, Period: f.week(t),
		Action: progress.ActionRead, Reason: "test"})
	if err != nil {
		t.Fatal(err)
	}
	sum, err := summary.Summarize(in)
	if err != nil {
		t.Fatal(err)
	}
	sums := []summary.Student{sum}

	ctx, cancel := context.WithTimeout(context.Background(), 2*time.Second) // the job's deadline
	defer cancel()
	got := svc.Narratives(ctx, f.school, sums, nil, time.Hour)
	if ctx.Err() != nil {
		t.Fatalf("Narratives returned after the job's deadline (%v): nothing would be left to send the summary", ctx.Err())
	}
	n, ok := got[f.s101.ID]
	if !ok || n.Text != "" || n.Reason != "the language model did not answer in time" {
		t.Errorf("narrative of S101 = %+v, want none, for want of time", n)
	}
}
