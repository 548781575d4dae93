package slack

import (
	"context"
	"strings"
	"testing"
	"time"

	"parabot/progress"
	"parabot/storage"
	"parabot/storage/storagetest"
)

func TestHomeTabShowsProgress(t *testing.T) {
	t.Parallel()
	store := storagetest.OpenSQLite(t)
	h := newHarness(t, store)
	h.adapter.cfg.Progress = progress.Service{Reader: progress.Reader{Store: store}}
	ctx := context.Background()
	para, err := store.StaffByIdentity(ctx, storage.PlatformSlack, userPara)
	if err != nil {
		t.Fatal(err)
	}
	caseload, err := store.Caseload(ctx, para.ID)
	if err != nil || len(caseload) == 0 {
		t.Fatalf("caseload %v: %v", caseload, err)
	}
	s101 := caseload[0]
	goals, err := store.Goals(ctx, s101.ID)
	if err != nil || len(goals) == 0 {
		t.Fatalf("goals %v: %v", goals, err)
	}
	for d := 18; d <= 23; d++ {
		if d == 21 || d == 22 {
			continue // the weekend
		}
		res := []storage.TrialResult{{Outcome: storage.Correct}, {Outcome: storage.Correct}, {Outcome: storage.Correct}, {Outcome: storage.Correct}, {Outcome: storage.Correct}}
		if _, err := store.LogTrials(ctx, storage.TrialBatch{GoalID: goals[0].ID, StudentID: s101.ID, StaffID: para.ID,
			At: time.Date(2026, 11, d, 10, 0, 0, 0, mustLoc("America/New_York")), Results: res, Summary: "trials"}, nil); err != nil {
			t.Fatal(err)
		}
	}
	h.post("/slack/events", "application/json", homeOpened("Ev010", userPara))
	pubs := h.slack.callsTo("views.publish")
	if len(pubs) != 1 {
		t.Fatalf("views.publish called %d times", len(pubs))
	}
	text := blockText(pubs[0].JSON["view"])
	for _, want := range []string{"Progress, last 7 days", "Ava B. (S101): " + goals[0].Code + " mastered"} {
		if !strings.Contains(text, want) {
			t.Errorf("home tab lacks %q:\n%s", want, text)
		}
	}
	trail, err := store.Audit(ctx, s101.ID)
	if err != nil {
		t.Fatal(err)
	}
	if last := trail[len(trail)-1]; last.Action != "read" || last.StaffID != para.ID || !strings.Contains(last.Detail, `reason="home tab"`) {
		t.Errorf("the home tab's read of S101 was not recorded: %+v", last)
	}
}
