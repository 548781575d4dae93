package storagetest

import (
	"context"
	"errors"
	"testing"

	"parabot/storage"
)

// testLogOnce checks a Log* call with a one-time key writes once: the
// same key again writes nothing (no entry, record, audit row or job) and
// says ErrDuplicate; the key is claimed.
func testLogOnce(t *testing.T, s storage.Store) {
	f := load(t, s)
	ctx := storage.WithOnce(context.Background(), "slack:req:1")
	b := trialBatch(t, f, at(t, "2026-09-14", "10:15"))
	first := of(s.LogTrials(ctx, b, nil)).must(t, "LogTrials with a key")
	_, err := s.LogTrials(ctx, b, nil)
	if !errors.Is(err, storage.ErrDuplicate) {
		t.Fatalf("the same key again: %v, want ErrDuplicate", err)
	}
	if last, err := s.LastEntry(context.Background(), b.StaffID); err != nil || last.ID != first.ID {
		t.Errorf("last entry %+v (%v), want the first one", last, err)
	}
	trials := of(s.Trials(context.Background(), storage.Filter{StudentID: b.StudentID})).must(t, "Trials")
	if len(trials) != len(b.Results) {
		t.Errorf("%d trials stored, want %d (once)", len(trials), len(b.Results))
	}
	if claimed, err := s.Claimed(context.Background(), "slack:req:1"); err != nil || !claimed {
		t.Errorf("the key is not claimed: %v %v", claimed, err)
	}

	// With jobs (another path on some engines): the duplicate adds no job.
	note := storage.Note{StudentID: b.StudentID, StaffID: b.StaffID, ToStaffID: f.staff["tlopez"].ID, At: b.At, Text: "ok"}
	ctx = storage.WithOnce(context.Background(), "discord:interaction:9")
	of(s.LogNote(ctx, note, []storage.Job{notice(f.staff["tlopez"].ID)})).must(t, "LogNote with a key")
	_, err = s.LogNote(ctx, note, []storage.Job{notice(f.staff["tlopez"].ID)})
	if !errors.Is(err, storage.ErrDuplicate) {
		t.Fatalf("the same note key again: %v, want ErrDuplicate", err)
	}
	if n := countJobs(t, s); n != 1 {
		t.Errorf("%d jobs, want 1", n)
	}
	audit := of(s.Audit(context.Background(), b.StudentID)).must(t, "Audit")
	if len(audit) != 2 {
		t.Errorf("%d audit rows, want 2 (one per entry logged)", len(audit))
	}
	// Without a key nothing is claimed and the same batch logs again.
	if _, err := s.LogTrials(context.Background(), b, nil); err != nil {
		t.Errorf("without a key: %v", err)
	}
}
