package progress_test

import (
	"context"
	"errors"
	"reflect"
	"slices"
	"testing"
	"time"

	"parabot/progress"
	"parabot/roster"
	"parabot/storage"
	"parabot/summary"
)

// TestReadAllMatchesOneByOne reads the teacher's caseload over weeks of
// generated demo data, with an incident and a note undone, both ways: all
// at once (one query a kind, storage.CaseloadRecords) and one student at
// a time (Read). The inputs are the same, and so are the summaries.
func TestReadAllMatchesOneByOne(t *testing.T) {
	forEachEngine(t, func(t *testing.T, f *fixture) {
		ctx := context.Background()
		if _, ok := f.store.(storage.CaseloadRecords); !ok {
			t.Fatalf("%s does not read a caseload at once", f.store.Engine())
		}
		if _, err := roster.DemoData(ctx, f.store, f.now, 4); err != nil {
			t.Fatal(err)
		}
		caseload, err := f.store.Caseload(ctx, f.rivera.ID)
		if err != nil || len(caseload) < 3 {
			t.Fatalf("caseload of rivera: %d students, %v", len(caseload), err)
		}
		period, err := progress.ParseRange("month", "week", f.now, f.school)
		if err != nil {
			t.Fatal(err)
		}
		// Undo one incident and one note: neither way may read them.
		from, to := period.From.Add(-30*24*time.Hour), f.now
		var undone []int64 // entry ids
		for _, st := range caseload {
			fl := storage.Filter{StudentID: st.ID, From: from, To: to}
			ins, err1 := f.store.Incidents(ctx, fl)
			notes, err2 := f.store.Notes(ctx, fl)
			if err := errors.Join(err1, err2); err != nil {
				t.Fatal(err)
			}
			if len(undone) == 0 && len(ins) > 0 {
				if err := f.store.DeactivateEntry(ctx, ins[0].EntryID, f.rivera.ID, "wrong student", f.now, nil, nil); err != nil {
					t.Fatal(err)
				}
				undone = append(undone, ins[0].EntryID)
			}
			if len(undone) == 1 && len(notes) > 0 {
				if err := f.store.DeactivateEntry(ctx, notes[0].EntryID, f.rivera.ID, "wrong student", f.now, nil, nil); err != nil {
					t.Fatal(err)
				}
				undone = append(undone, notes[0].EntryID)
			}
		}
		if len(undone) != 2 {
			t.Fatalf("undid %d records, want an incident and a note", len(undone))
		}

		req := progress.Request{By: f.rivera, Period: period, Action: progress.ActionRead, Reason: "weekly summary", Now: f.now}
		all, err := f.service.Reader.ReadAll(ctx, req, caseload)
		if err != nil {
			t.Fatal(err)
		}
		if len(all) != len(caseload) {
			t.Fatalf("%d inputs for %d students", len(all), len(caseload))
		}
		var goals, sessions, incidents, transitions, notes int
		for i, st := range caseload {
			one := req
			one.Student, one.Reason = st, "one by one"
			want, err := f.service.Reader.Read(ctx, one)
			if err != nil {
				t.Fatal(err)
			}
			got := all[i]
			if got.Student.ID != st.ID {
				t.Fatalf("input %d is of student %d, want %d", i, got.Student.ID, st.ID)
			}
			for d := period.From.AddDate(0, 0, -40); !d.After(period.To); d = d.AddDate(0, 0, 1) {
				if got.SchoolDay(d) != want.SchoolDay(d) {
					t.Errorf("%s: %s is a school day %v at once, %v one by one", st.Code, d.Format(time.DateOnly), got.SchoolDay(d), want.SchoolDay(d))
				}
			}
			for _, in := range got.Incidents {
				if slices.Contains(undone, in.EntryID) {
					t.Errorf("%s: the undone incident %d was read", st.Code, in.EntryID)
				}
			}
			for _, n := range got.Notes {
				if slices.Contains(undone, n.EntryID) {
					t.Errorf("%s: the undone note %d was read", st.Code, n.EntryID)
				}
			}
			wantDay := want.SchoolDay
			got.SchoolDay, want.SchoolDay = nil, nil
			if !reflect.DeepEqual(got, want) {
				t.Errorf("%s: the input read at once differs from the one read alone:\n got %+v\nwant %+v", st.Code, got, want)
			}
			goals += len(got.Goals)
			sessions += len(got.Sessions)
			incidents += len(got.Incidents)
			transitions += len(got.Transitions)
			notes += len(got.Notes)

			// Each summarised with its own calendar.
			got.SchoolDay, want.SchoolDay = all[i].SchoolDay, wantDay
			gs, err1 := summary.Summarize(got)
			ws, err2 := summary.Summarize(want)
			if err1 != nil || err2 != nil || !reflect.DeepEqual(summary.PrivateReply([]summary.Student{gs}, nil), summary.PrivateReply([]summary.Student{ws}, nil)) {
				t.Errorf("%s: the summaries differ (%v, %v)", st.Code, err1, err2)
			}
		}
		// The comparison is worth something only if there was data to read.
		if goals == 0 || sessions < 20 || incidents == 0 || transitions == 0 || notes == 0 {
			t.Errorf("read %d goals, %d sessions, %d incidents, %d transitions, %d notes; want some of each",
				goals, sessions, incidents, transitions, notes)
		}
		// One access-log row a student for the read at once.
		for _, st := range caseload {
			trail, err := f.store.AuditSearch(ctx, storage.AuditQuery{StudentID: st.ID})
			if err != nil {
				t.Fatal(err)
			}
			n := 0
			for _, ev := range trail {
				if ev.Action == progress.ActionRead && ev.StaffID == f.rivera.ID && ev.Detail == progress.Detail(req) {
					n++
				}
			}
			if n != 1 {
				t.Errorf("%s: %d access-log rows for the weekly read, want 1", st.Code, n)
			}
		}
	})
}
