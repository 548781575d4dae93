package export_test

import (
	"bytes"
	"context"
	"strings"
	"testing"
	"time"

	"parabot/export"
	"parabot/storage"
	"parabot/storage/storagetest"
)

// TestExportEscalations: an escalation opened in the range is exported
// with its timeline in JSON's shape, the text report and the CSV; one
// opened outside the range is not.
func TestExportEscalations(t *testing.T) {
	ctx := context.Background()
	f := newFixture(t, storagetest.OpenSQLite(t))
	ava := f.students["S101"].ID
	open := func(at time.Time, body string) storage.Escalation {
		e, err := f.store.OpenEscalation(ctx, storage.Escalation{SchoolID: f.students["S101"].SchoolID, StudentID: ava, OpenedBy: f.staff["lee"].ID,
			Kind: storage.EscalationConcern, Body: body, CreatedAt: at}, func(e storage.Escalation) storage.Job {
			return storage.Job{Args: noJob{}, ScheduledAt: at.Add(time.Hour)}
		})
		if err != nil {
			t.Fatal(err)
		}
		return e
	}
	e := open(f.at(11, 16, 9, 0), "refused lunch")
	open(f.at(12, 1, 9, 0), "outside the range")
	at := f.at(11, 16, 9, 5)
	if err := f.store.AdvanceEscalation(ctx, e.ID, 1, 0, 1, at, []storage.EscalationStep{{At: at, Action: storage.StepNotified, Level: 1,
		Notified: []int64{f.staff["rivera"].ID}}}, nil); err != nil {
		t.Fatal(err)
	}
	if err := f.store.ResolveEscalation(ctx, e.ID, f.staff["rivera"].ID, "called home", at.Add(time.Hour), nil); err != nil {
		t.Fatal(err)
	}
	r, err := export.Build(ctx, f.store, ava, "2026-11-01", "2026-11-30")
	if err != nil {
		t.Fatal(err)
	}
	if len(r.Escalations) != 1 || r.Escalations[0].Body != "refused lunch" || r.Escalations[0].State != "resolved" || len(r.Escalations[0].Timeline) != 3 {
		t.Fatalf("escalations %+v", r.Escalations)
	}
	tl := r.Escalations[0].Timeline
	if tl[0].Action != "opened" || tl[0].By != "lee" || tl[1].Notified[0] != "rivera" || tl[2].Note != "called home" || tl[2].By != "rivera" {
		t.Errorf("timeline %+v", tl)
	}
	var text, csv bytes.Buffer
	if err := export.Text(&text, r); err != nil {
		t.Fatal(err)
	}
	for _, want := range []string{"== Escalations (1) ==", "refused lunch", "notified · level 1 · to rivera", "resolved · level 1 · by rivera: called home"} {
		if !strings.Contains(text.String(), want) {
			t.Errorf("text report lacks %q:\n%s", want, text.String())
		}
	}
	if err := export.CSV(&csv, r); err != nil {
		t.Fatal(err)
	}
	if n := strings.Count(csv.String(), "\nescalation,S101,"); n != 3 || !strings.Contains(csv.String(), "#1 concern opened: refused lunch") {
		t.Errorf("%d escalation rows in CSV:\n%s", n, csv.String())
	}
}

// noJob is a job nobody works; the test only needs one to insert.
type noJob struct{}

func (noJob) Kind() string { return "export_test_nothing" }
