package storagetest

import (
	"context"
	"slices"
	"sync"
	"testing"
	"time"

	"parabot/storage"
)

// testReplicas checks that beats count the live replicas, that a silent
// one is handed to exactly one of the callers that beat after it fell
// silent, that it comes back live when it beats again, and that one that
// leaves is not counted.
func testReplicas(t *testing.T, s storage.Store) {
	ctx := context.Background()
	t0 := time.Date(2026, 12, 2, 14, 0, 0, 0, time.UTC)
	const stale = 5 * time.Second
	beat := func(id string, now time.Time) (int, []string) {
		t.Helper()
		live, dead, err := s.Beat(ctx, id, now, now.Add(-stale))
		if err != nil {
			t.Fatalf("Beat(%s): %v", id, err)
		}
		return live, dead
	}
	if live, dead := beat("a", t0); live != 1 || len(dead) != 0 {
		t.Errorf("first beat: live %d, dead %v; want 1 and none", live, dead)
	}
	if live, dead := beat("b", t0.Add(time.Second)); live != 2 || len(dead) != 0 {
		t.Errorf("second replica: live %d, dead %v; want 2 and none", live, dead)
	}
	if live, dead := beat("c", t0.Add(2*time.Second)); live != 3 || len(dead) != 0 {
		t.Errorf("third replica: live %d, dead %v; want 3 and none", live, dead)
	}
	// a and c beat on; b falls silent. Beats 4 s after its last: still live.
	if live, _ := beat("a", t0.Add(5*time.Second)); live != 3 {
		t.Errorf("b silent 4 s: live %d, want 3", live)
	}
	beat("c", t0.Add(5*time.Second))

	// 7 s after b's last beat, a and c beat at once: one of them gets b.
	var mu sync.Mutex
	var got []string
	var lives []int
	var wg sync.WaitGroup
	for _, id := range []string{"a", "c"} {
		wg.Go(func() {
			now := t0.Add(8 * time.Second)
			live, dead, err := s.Beat(ctx, id, now, now.Add(-stale))
			if err != nil {
				t.Errorf("Beat(%s): %v", id, err)
				return
			}
			mu.Lock()
			defer mu.Unlock()
			got = append(got, dead...)
			lives = append(lives, live)
		})
	}
	wg.Wait()
	if !slices.Equal(got, []string{"b"}) {
		t.Errorf("b silent 7 s, handed to %v; want b to exactly one caller", got)
	}
	for _, live := range lives {
		if live != 2 {
			t.Errorf("after b was taken for dead: live %d, want 2", live)
		}
	}
	// b comes back (it was only slow): it counts again and nobody gets it.
	if live, dead := beat("b", t0.Add(9*time.Second)); live != 3 || len(dead) != 0 {
		t.Errorf("b back: live %d, dead %v; want 3 and none", live, dead)
	}
	if err := s.Leave(ctx, "c"); err != nil {
		t.Fatalf("Leave: %v", err)
	}
	if live, dead := beat("a", t0.Add(10*time.Second)); live != 2 || len(dead) != 0 {
		t.Errorf("after c left: live %d, dead %v; want 2 and none (a replica that left is not dead)", live, dead)
	}
}
