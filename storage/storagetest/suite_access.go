package storagetest

import (
	"context"
	"fmt"
	"testing"
	"time"

	"parabot/storage"
)

// testRecordAudits checks the access log's batched write: more rows than
// one multi-row insert holds are all stored, in order, with their
// columns; an empty batch writes nothing.
func testRecordAudits(t *testing.T, s storage.Store) {
	ctx := context.Background()
	f := load(t, s)
	must(t, "RecordAudits of nothing", s.RecordAudits(ctx, nil))
	at := time.Date(2026, 11, 24, 15, 0, 0, 0, time.UTC)
	var events []storage.AuditEvent
	for i := range 1201 {
		events = append(events, storage.AuditEvent{At: at.Add(time.Duration(i) * time.Millisecond), StaffID: f.staff["jrivera"].ID,
			StudentID: f.students["S101"].ID, Action: "read", Entity: "today", Detail: fmt.Sprintf("surface=slack/home n=%d", i)})
	}
	events = append(events, storage.AuditEvent{At: at.Add(time.Hour), StaffID: f.staff["jrivera"].ID, Action: "refused", Entity: "report",
		Detail: "reason=role"})
	must(t, "RecordAudits", s.RecordAudits(ctx, events))
	got := of(s.Audit(ctx, f.students["S101"].ID)).must(t, "Audit(S101)")
	if len(got) != 1201 {
		t.Fatalf("Audit(S101) = %d rows, want 1201", len(got))
	}
	for i, a := range got {
		w := events[i]
		if !a.At.Equal(w.At) || a.StaffID != w.StaffID || a.StudentID != w.StudentID || a.Action != w.Action || a.Entity != w.Entity || a.Detail != w.Detail {
			t.Fatalf("row %d = %+v, want %+v", i, a, w)
		}
	}
	all := of(s.Audit(ctx, 0)).must(t, "Audit(all)")
	if last := all[len(all)-1]; len(all) != 1202 || last.StudentID != 0 || last.Action != "refused" {
		t.Errorf("Audit(all) = %d rows ending %+v, want 1202 ending with the refusal of no student", len(all), last)
	}
}
