package storagetest

import (
	"context"
	"errors"
	"testing"
	"time"

	"parabot/storage"
)

// testDrafts checks a draft is read back until it expires, replaced by a
// second put, gone once dropped, and that a put clears expired drafts.
func testDrafts(t *testing.T, s storage.Store) {
	ctx := context.Background()
	now := time.Date(2026, 11, 24, 15, 0, 0, 0, time.UTC)
	if _, err := s.Draft(ctx, "discord:draft:none", now); !errors.Is(err, storage.ErrNotFound) {
		t.Errorf("a key never stored: %v, want ErrNotFound", err)
	}
	if err := s.PutDraft(ctx, "discord:draft:a", `{"v":1}`, now, now.Add(time.Hour)); err != nil {
		t.Fatalf("PutDraft: %v", err)
	}
	if err := s.PutDraft(ctx, "discord:draft:a", `{"v":2}`, now, now.Add(time.Hour)); err != nil {
		t.Fatalf("PutDraft again: %v", err)
	}
	if got, err := s.Draft(ctx, "discord:draft:a", now.Add(59*time.Minute)); err != nil || got != `{"v":2}` {
		t.Errorf("Draft = %q, %v; want the second put", got, err)
	}
	if _, err := s.Draft(ctx, "discord:draft:a", now.Add(61*time.Minute)); !errors.Is(err, storage.ErrNotFound) {
		t.Errorf("an expired draft: %v, want ErrNotFound", err)
	}
	// A later put deletes the expired one; it is not back when read early.
	if err := s.PutDraft(ctx, "discord:draft:b", "b", now.Add(2*time.Hour), now.Add(3*time.Hour)); err != nil {
		t.Fatalf("PutDraft b: %v", err)
	}
	if _, err := s.Draft(ctx, "discord:draft:a", now); !errors.Is(err, storage.ErrNotFound) {
		t.Errorf("an expired draft after a later put: %v, want it deleted", err)
	}
	if err := s.DropDraft(ctx, "discord:draft:b"); err != nil {
		t.Fatalf("DropDraft: %v", err)
	}
	if _, err := s.Draft(ctx, "discord:draft:b", now.Add(2*time.Hour)); !errors.Is(err, storage.ErrNotFound) {
		t.Errorf("a dropped draft: %v, want ErrNotFound", err)
	}
	if err := s.DropDraft(ctx, "discord:draft:b"); err != nil {
		t.Errorf("dropping a key twice: %v", err)
	}
}
