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

// testAuditSearch narrows the trail by student, staff and time, and
// limits it to the newest rows.
func testAuditSearch(t *testing.T, s storage.Store) {
	ctx := context.Background()
	f := load(t, s)
	at := time.Date(2026, 11, 24, 15, 0, 0, 0, time.UTC)
	jr, mc := f.staff["jrivera"].ID, f.staff["mchen"].ID
	s101, s103 := f.students["S101"].ID, f.students["S103"].ID
	must(t, "RecordAudits", s.RecordAudits(ctx, []storage.AuditEvent{
		{At: at, StaffID: jr, StudentID: s101, Action: "read", Entity: "today", Detail: "1"},
		{At: at.Add(time.Hour), StaffID: mc, StudentID: s103, Action: "read", Entity: "today", Detail: "2"},
		{At: at.Add(24 * time.Hour), StaffID: jr, StudentID: s101, Action: "read", Entity: "goals", Detail: "3"},
		{At: at.Add(48 * time.Hour), StaffID: mc, StudentID: s101, Action: "refused", Entity: "goals", Detail: "4"},
	}))
	e := of(s.LogTrials(ctx, trialBatch(t, f, at.Add(30*time.Minute)), nil)).must(t, "LogTrials")
	search := func(what string, q storage.AuditQuery, want string) {
		t.Helper()
		got := of(s.AuditSearch(ctx, q)).must(t, "AuditSearch "+what)
		var ds []string
		for _, a := range got {
			if a.Action == "create" {
				ds = append(ds, fmt.Sprintf("create#%d", a.EntityID-e.ID))
				continue
			}
			ds = append(ds, a.Detail)
		}
		if fmt.Sprint(ds) != want {
			t.Errorf("AuditSearch %s = %v, want %s", what, ds, want)
		}
	}
	search("all", storage.AuditQuery{}, "[1 create#0 2 3 4]")
	search("student", storage.AuditQuery{StudentID: s101}, "[1 create#0 3 4]")
	search("staff", storage.AuditQuery{StaffID: jr}, "[1 create#0 3]")
	search("student and staff", storage.AuditQuery{StudentID: s101, StaffID: mc}, "[4]")
	search("from", storage.AuditQuery{From: at.Add(time.Hour)}, "[2 3 4]")
	search("from and to", storage.AuditQuery{From: at.Add(time.Minute), To: at.Add(24 * time.Hour)}, "[create#0 2]")
	search("newest 2", storage.AuditQuery{StudentID: s101, Limit: 2}, "[3 4]")
}

// testImportAudited checks that an import changing rows already there is
// in the audit trail: what it created and updated, and who and what it
// retired; a first import and an identical one are not.
func testImportAudited(t *testing.T, s storage.Store) {
	ctx := context.Background()
	f := load(t, s)
	if got := of(s.Audit(ctx, 0)).must(t, "Audit after the first import"); len(got) != 0 {
		t.Errorf("audit rows after the first import = %+v, want none", got)
	}
	of(s.ImportRoster(ctx, SampleRoster())).must(t, "the same import")
	r := SampleRoster()
	r.At = time.Date(2026, 11, 24, 15, 0, 0, 0, time.UTC)
	r.Staff[3].Active = false       // mchen leaves
	r.Assignments[4].Active = false // jrivera off S101
	of(s.ImportRoster(ctx, r)).must(t, "ImportRoster retiring")
	got := of(s.Audit(ctx, 0)).must(t, "Audit")
	var rows []string
	for _, a := range got {
		if !a.At.Equal(r.At) {
			t.Errorf("row %+v: want the import's time", a)
		}
		rows = append(rows, fmt.Sprintf("%s %s staff=%d student=%d %s", a.Action, a.Entity, a.StaffID, a.StudentID, a.Detail))
	}
	want := []string{
		"import roster staff=0 student=0 created= updated=assignments:1,staff:1",
		fmt.Sprintf("retire staff staff=0 student=0 import staff_id=%d", f.staff["mchen"].ID),
		fmt.Sprintf("retire assignment staff=%d student=%d import kind=para", f.staff["jrivera"].ID, f.students["S101"].ID),
	}
	if fmt.Sprint(rows) != fmt.Sprint(want) {
		t.Errorf("audit rows of the import:\n%q\nwant\n%q", rows, want)
	}

	// An import that changes only a school's settings is recorded too.
	r.At = r.At.Add(time.Hour)
	r.Reminders.Settings = []storage.RosterSetting{{School: SampleSchool, Name: storage.SettingKeepRecords, Value: "5"}}
	of(s.ImportRoster(ctx, r)).must(t, "ImportRoster setting keep_records")
	got = of(s.AuditSearch(ctx, storage.AuditQuery{From: r.At})).must(t, "AuditSearch")
	if len(got) != 1 || got[0].Action != "import" || got[0].Detail != "created=settings:1 updated=" {
		t.Errorf("audit rows of an import of a setting = %+v, want one import row with settings:1", got)
	}
}

// testLinkAudited checks that linking a platform account is audited once,
// at the time given, and linking it again is not.
func testLinkAudited(t *testing.T, s storage.Store) {
	ctx := context.Background()
	f := load(t, s)
	at := time.Date(2026, 11, 24, 15, 0, 0, 0, time.UTC)
	id := storage.Identity{StaffID: f.staff["kokafor"].ID, Platform: storage.PlatformSlack, UserID: "U0KOKAFOR", LinkedAt: at}
	must(t, "LinkIdentity", s.LinkIdentity(ctx, id))
	must(t, "LinkIdentity again", s.LinkIdentity(ctx, id))
	got := of(s.AuditSearch(ctx, storage.AuditQuery{StaffID: id.StaffID})).must(t, "AuditSearch")
	if len(got) != 1 || got[0].Action != "link" || got[0].Entity != "identity" || got[0].Detail != "platform=slack" || !got[0].At.Equal(at) {
		t.Errorf("audit rows of the link = %+v, want one link row at %v", got, at)
	}
}
