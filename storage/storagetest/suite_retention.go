package storagetest

import (
	"context"
	"errors"
	"testing"
	"time"

	"parabot/storage"
)

// testPurge applies a school's retention policy: a student who left is
// purged only once keep_records years have passed (their records
// deleted, their row anonymised, the purge recorded); an active student
// is never touched; access log rows go after keep_access_log years; a dry
// run counts the same and changes nothing.
func testPurge(t *testing.T, s storage.Store) {
	ctx := context.Background()
	f := load(t, s)
	when := at(t, "2026-11-04", "10:15")
	of(s.LogTrials(ctx, trialBatch(t, f, when), nil)).must(t, "LogTrials S101")
	s104 := f.students["S104"].ID
	of(s.LogNote(ctx, storage.Note{StudentID: s104, StaffID: f.staff["mchen"].ID, At: when, Text: "private", Summary: "Note."}, nil)).must(t, "LogNote S104")
	// A restraint with its escalation, parent notice and debrief: all of
	// it goes with the student's records.
	mchen := f.staff["mchen"].ID
	opened := of(s.LogIncidentOpening(ctx, storage.Incident{StudentID: s104, StaffID: mchen, At: when, Behavior: "hit", Severity: 5, Restraint: true, Summary: "Incident."},
		nil, storage.IncidentOpens{
			Escalation: &storage.Escalation{SchoolID: f.school.ID, StudentID: s104, OpenedBy: mchen, Kind: storage.EscalationIncident,
				Body: "severity 5, restraint", Urgent: true, Severity: 5, CreatedAt: when},
			EscalationJobs: func(storage.Escalation) []storage.Job { return nil },
			Notice: &storage.ParentNotice{SchoolID: f.school.ID, StudentID: s104, OwnerID: mchen, IncidentAt: when,
				OralDue: when.Add(24 * time.Hour), WrittenDue: when.Add(72 * time.Hour), CreatedAt: when},
			NoticeJobs:  func(storage.ParentNotice) []storage.Job { return nil },
			Debrief:     &storage.Debrief{SchoolID: f.school.ID, StudentID: s104, OwnerID: mchen, IncidentAt: when, Due: when.Add(48 * time.Hour), CreatedAt: when},
			DebriefJobs: func(storage.Debrief) []storage.Job { return nil },
		})).must(t, "LogIncidentOpening S104")
	must(t, "RecordAudits", s.RecordAudits(ctx, []storage.AuditEvent{
		{At: when, StaffID: f.staff["mchen"].ID, StudentID: s104, Action: "read", Entity: "today"},
		{At: when, StaffID: f.staff["jrivera"].ID, StudentID: f.students["S101"].ID, Action: "read", Entity: "today"},
	}))

	// Nothing happens without a policy.
	rep := of(s.Purge(ctx, time.Now().AddDate(50, 0, 0), false)).must(t, "Purge without a policy")
	if len(rep.Schools) != 0 {
		t.Errorf("Purge without a policy = %+v, want nothing", rep)
	}
	r := SampleRoster()
	r.Students[3].Active = false // S104 leaves today
	r.Reminders.Settings = []storage.RosterSetting{
		{School: SampleSchool, Name: storage.SettingKeepRecords, Value: "5"},
		{School: SampleSchool, Name: storage.SettingKeepAccessLog, Value: "3"},
	}
	r.At = when.Add(time.Hour) // the import's audit rows: S104 retired
	of(s.ImportRoster(ctx, r)).must(t, "ImportRoster with a policy, S104 leaving")

	// Younger than the policy: nothing.
	now := time.Now().UTC()
	rep = of(s.Purge(ctx, now.AddDate(2, 0, 0), false)).must(t, "Purge 2 years on")
	if len(rep.Schools) != 1 || rep.Schools[0].Students != 0 || rep.Schools[0].AccessRows != 0 {
		t.Errorf("Purge 2 years on = %+v, want nothing purged", rep)
	}
	// Access log rows older than 3 years (from 2026) go; records of a
	// student who left 4 years ago stay.
	later := time.Date(2026, 11, 4, 0, 0, 0, 0, time.UTC).AddDate(3, 1, 0)
	if later.Before(now) {
		later = now
	}
	later = later.AddDate(0, 0, 1)
	dry := of(s.Purge(ctx, later, true)).must(t, "dry run")
	// The two reads, S104's retirement by the import, and the opening of
	// the escalation, parent notice and debrief.
	if !dry.DryRun || len(dry.Schools) != 1 || dry.Schools[0].AccessRows != 6 || dry.Schools[0].Students != 0 {
		t.Errorf("dry run = %+v, want 6 access rows and no student", dry)
	}
	if got := of(s.Audit(ctx, s104)).must(t, "Audit after a dry run"); len(got) != 7 {
		t.Errorf("after a dry run S104 has %d audit rows, want 7 (the note, the incident, its escalation, notice and debrief, the read, the retirement)", len(got))
	}
	rep = of(s.Purge(ctx, later, false)).must(t, "Purge of the access log")
	if rep.Schools[0].AccessRows != 6 {
		t.Errorf("Purge = %+v, want 6 access rows deleted", rep)
	}
	if got := of(s.Notes(ctx, storage.Filter{StudentID: s104})).must(t, "Notes"); len(got) != 1 {
		t.Errorf("S104's notes = %d before keep_records, want 1", len(got))
	}

	// Six years on: S104's records go, S101's (active) stay.
	rep = of(s.Purge(ctx, now.AddDate(6, 0, 0), false)).must(t, "Purge 6 years on")
	if rep.Schools[0].Students != 1 || rep.Schools[0].Entries != 2 {
		t.Errorf("Purge 6 years on = %+v, want S104 and its 2 entries", rep)
	}
	if got := of(s.Notes(ctx, storage.Filter{StudentID: s104})).must(t, "Notes"); len(got) != 0 {
		t.Errorf("S104's notes after the purge = %+v, want none", got)
	}
	if got := of(s.StudentEscalations(ctx, s104)).must(t, "StudentEscalations"); len(got) != 0 {
		t.Errorf("S104's escalations after the purge = %+v, want none", got)
	}
	if n, err := s.ParentNotice(ctx, opened.IncidentID); !errors.Is(err, storage.ErrNotFound) {
		t.Errorf("S104's parent notice after the purge = %+v, %v; want ErrNotFound", n, err)
	}
	if d, err := s.Debrief(ctx, opened.IncidentID); !errors.Is(err, storage.ErrNotFound) {
		t.Errorf("S104's debrief after the purge = %+v, %v; want ErrNotFound", d, err)
	}
	st := of(s.Student(ctx, s104)).must(t, "Student")
	if st.FirstName != "" || st.LastName != "" || st.Initials != "" || st.Code != "S104" {
		t.Errorf("S104 after the purge = %+v, want anonymised, code kept", st)
	}
	audit := of(s.Audit(ctx, s104)).must(t, "Audit S104")
	if len(audit) != 1 || audit[0].Action != "purge" || audit[0].Detail != "entries=2 keep_records=5" {
		t.Errorf("S104's audit rows = %+v, want only the purge", audit)
	}
	if got := of(s.Trials(ctx, storage.Filter{StudentID: f.students["S101"].ID})).must(t, "Trials S101"); len(got) != 4 {
		t.Errorf("S101's trials = %d, want 4: an active student is never purged", len(got))
	}
	// Once purged, a student is not purged again.
	rep = of(s.Purge(ctx, now.AddDate(7, 0, 0), false)).must(t, "Purge again")
	if rep.Schools[0].Students != 0 {
		t.Errorf("Purge again = %+v, want no student", rep)
	}
}
