package storagetest

import (
	"context"
	"errors"
	"fmt"
	"sync"
	"testing"

	"parabot/storage"
)

// testConcurrentWrites runs many writes at once, some of which fail half
// way, and checks each succeeded or failed on its own: every success is
// saved whole with its audit row and job, every failure left nothing, and
// each claimed key was won exactly once. (An engine may commit concurrent
// writes together; one write's failure must not undo another's.)
func testConcurrentWrites(t *testing.T, s storage.Store) {
	ctx := context.Background()
	f := load(t, s)
	when := at(t, "2026-09-14", "10:00")
	jobs := []storage.Job{notice(f.staff["tlopez"].ID)}
	badJob := []storage.Job{notice(f.staff["tlopez"].ID), {Args: noticeArgs{}, Priority: 99}}
	const rounds = 12
	const keys = 4

	type outcome struct {
		kind    string
		entryID int64
		won     bool
		key     string
		err     error
	}
	var writes []func() outcome
	for i := range rounds {
		writes = append(writes,
			func() outcome {
				e, err := s.LogTrials(ctx, trialBatch(t, f, when), jobs)
				return outcome{kind: "trials", entryID: e.ID, err: err}
			},
			func() outcome {
				b := trialBatch(t, f, when)
				b.GoalID = 987654
				_, err := s.LogTrials(ctx, b, jobs)
				return outcome{kind: "missing goal", err: err}
			},
			func() outcome {
				_, err := s.LogTrials(ctx, trialBatch(t, f, when), badJob)
				return outcome{kind: "bad job", err: err}
			},
			func() outcome {
				e, err := s.LogNote(ctx, storage.Note{StudentID: f.students["S101"].ID, StaffID: f.staff["jrivera"].ID,
					ToStaffID: f.staff["tlopez"].ID, At: when, Text: "x", Summary: "Note."}, jobs)
				return outcome{kind: "note", entryID: e.ID, err: err}
			},
			func() outcome {
				key := fmt.Sprintf("concurrent:%d", i%keys)
				won, err := s.Claim(ctx, key, when)
				return outcome{kind: "claim", key: key, won: won, err: err}
			},
		)
	}

	results := make([]outcome, len(writes))
	start := make(chan struct{})
	var wg sync.WaitGroup
	for i, w := range writes {
		wg.Go(func() {
			<-start
			results[i] = w()
		})
	}
	close(start)
	wg.Wait()

	entries := map[int64]bool{}
	wins := map[string]int{}
	var trials, notes int
	for _, r := range results {
		switch r.kind {
		case "trials", "note":
			if r.err != nil {
				t.Errorf("%s: %v", r.kind, r.err)
				continue
			}
			if entries[r.entryID] {
				t.Errorf("entry id %d returned twice", r.entryID)
			}
			entries[r.entryID] = true
			if r.kind == "trials" {
				trials++
			} else {
				notes++
			}
		case "missing goal", "bad job":
			if r.err == nil {
				t.Errorf("%s: succeeded", r.kind)
			}
			if r.kind == "missing goal" && !errors.Is(r.err, storage.ErrNotFound) {
				t.Errorf("%s: error %v, want ErrNotFound", r.kind, r.err)
			}
		case "claim":
			if r.err != nil {
				t.Errorf("Claim: %v", r.err)
			}
			if r.won {
				wins[r.key]++
			}
		}
	}
	for k := range keys {
		if key := fmt.Sprintf("concurrent:%d", k); wins[key] != 1 {
			t.Errorf("key %s claimed %d times, want once", key, wins[key])
		}
	}

	f101 := storage.Filter{StudentID: f.students["S101"].ID, IncludeInactive: true}
	tr := of(s.Trials(ctx, f101)).must(t, "Trials")
	if want := trials * len(trialBatch(t, f, when).Results); len(tr) != want {
		t.Errorf("Trials = %d rows, want %d (%d batches)", len(tr), want, trials)
	}
	for _, x := range tr {
		if !entries[x.EntryID] {
			t.Errorf("trial %d belongs to entry %d, which no successful write returned", x.ID, x.EntryID)
		}
	}
	no := of(s.Notes(ctx, f101)).must(t, "Notes")
	if len(no) != notes {
		t.Errorf("Notes = %d, want %d", len(no), notes)
	}
	audit := of(s.Audit(ctx, f.students["S101"].ID)).must(t, "Audit")
	if len(audit) != len(entries) {
		t.Errorf("audit rows = %d, want one per saved entry (%d)", len(audit), len(entries))
	}
	for _, a := range audit {
		if a.Action != "create" || !entries[a.EntityID] {
			t.Errorf("audit row %+v, want the creation of a saved entry", a)
		}
	}
	if n := countJobs(t, s); n != trials+notes {
		t.Errorf("jobs = %d, want one per saved entry (%d)", n, trials+notes)
	}
}

// testEditWhileUndoing edits incidents while they are being undone: an
// edit either lands before the undo (its audit row comes first) or is
// refused with ErrConflict; an undone incident is never changed.
func testEditWhileUndoing(t *testing.T, s storage.Store) {
	ctx := context.Background()
	f := load(t, s)
	jr, tl := f.staff["jrivera"], f.staff["tlopez"]
	const rounds = 20
	for i := range rounds {
		in := sampleIncident(f, at(t, "2026-09-14", "11:40"))
		e := of(s.LogIncident(ctx, in, nil)).must(t, "LogIncident")
		list := of(s.Incidents(ctx, storage.Filter{StudentID: in.StudentID, IncludeInactive: true})).must(t, "Incidents")
		var edit storage.Incident
		for _, x := range list {
			if x.EntryID == e.ID {
				edit = x
			}
		}
		edit.Notes = fmt.Sprintf("edit %d", i)
		var wg sync.WaitGroup
		var editErr, undoErr error
		wg.Add(2)
		go func() {
			defer wg.Done()
			editErr = s.UpdateIncident(ctx, edit, tl.ID, at(t, "2026-09-14", "12:00"))
		}()
		go func() {
			defer wg.Done()
			undoErr = s.DeactivateEntry(ctx, e.ID, jr.ID, "duplicate", at(t, "2026-09-14", "12:00"), nil, nil)
		}()
		wg.Wait()
		must(t, "DeactivateEntry", undoErr)
		if editErr != nil && !errors.Is(editErr, storage.ErrConflict) {
			t.Fatalf("round %d: UpdateIncident: %v, want nil or ErrConflict", i, editErr)
		}
		rows := of(s.Audit(ctx, in.StudentID)).must(t, "Audit")
		var editID, undoID int64
		for _, a := range rows {
			if a.EntityID != e.ID {
				continue
			}
			switch a.Action {
			case "edit":
				editID = a.ID
			case "deactivate":
				undoID = a.ID
			}
		}
		switch {
		case editErr == nil && (editID == 0 || editID > undoID):
			t.Errorf("round %d: the edit was saved after the undo (audit ids edit %d, undo %d)", i, editID, undoID)
		case editErr != nil && editID != 0:
			t.Errorf("round %d: a refused edit left an audit row", i)
		}
	}
}
