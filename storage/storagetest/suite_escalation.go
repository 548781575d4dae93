package storagetest

import (
	"context"
	"errors"
	"slices"
	"testing"
	"time"

	"parabot/storage"
)

// testEscalations walks an escalation through every state change: open
// with its first job, advance, a stale advance refused, acknowledge (and
// a second acknowledge refused), resolve, reopen in a new round, and the
// timeline of it all in order.
func testEscalations(t *testing.T, s storage.Store) {
	ctx := context.Background()
	f := load(t, s)
	t0 := time.Date(2026, 11, 2, 14, 0, 0, 0, time.UTC)
	para, teacher, admin := f.staff["mchen"].ID, f.staff["tlopez"].ID, f.staff["pprincipal"].ID
	before := countJobs(t, s)
	e, err := s.OpenEscalation(ctx, storage.Escalation{SchoolID: f.school.ID, StudentID: f.students["S101"].ID, OpenedBy: para,
		Kind: storage.EscalationConcern, Body: "refused lunch twice", CreatedAt: t0},
		func(e storage.Escalation) storage.Job { return notice(e.ID) })
	if err != nil || e.ID == 0 || e.State != storage.EscalationOpen || e.Round != 1 {
		t.Fatalf("OpenEscalation = %+v, %v", e, err)
	}
	if n := countJobs(t, s); n != before+1 {
		t.Errorf("jobs after open: %d, want %d", n, before+1)
	}
	got := of(s.Escalation(ctx, e.ID)).must(t, "Escalation")
	if got.Body != "refused lunch twice" || got.Kind != storage.EscalationConcern || got.OpenedBy != para || got.Level != 0 {
		t.Errorf("Escalation = %+v", got)
	}
	checkTime(t, "created", got.CreatedAt, t0)

	t1 := t0.Add(time.Minute)
	must(t, "AdvanceEscalation", s.AdvanceEscalation(ctx, e.ID, 1, 0, 1, t1,
		[]storage.EscalationStep{{At: t1, Action: storage.StepNotified, Level: 1, Notified: []int64{teacher}}}, []storage.Job{notice(teacher)}))
	wantErr(t, "stale AdvanceEscalation", s.AdvanceEscalation(ctx, e.ID, 1, 0, 1, t1,
		[]storage.EscalationStep{{At: t1, Action: storage.StepNotified, Level: 1}}, []storage.Job{notice(teacher)}), storage.ErrConflict)
	if n := countJobs(t, s); n != before+2 {
		t.Errorf("jobs after a refused advance: %d, want %d", n, before+2)
	}
	t2 := t1.Add(time.Minute)
	must(t, "AcknowledgeEscalation", s.AcknowledgeEscalation(ctx, e.ID, teacher, t2, nil))
	wantErr(t, "second AcknowledgeEscalation", s.AcknowledgeEscalation(ctx, e.ID, admin, t2, nil), storage.ErrConflict)
	wantErr(t, "AdvanceEscalation after acknowledge", s.AdvanceEscalation(ctx, e.ID, 1, 1, 2, t2, nil, nil), storage.ErrConflict)
	got = of(s.Escalation(ctx, e.ID)).must(t, "Escalation")
	if got.State != storage.EscalationAcknowledged || got.AckBy != teacher || got.Level != 1 {
		t.Errorf("after acknowledge: %+v", got)
	}
	_, err = s.ReopenEscalation(ctx, e.ID, para, t2, func(e storage.Escalation) storage.Job { return notice(e.ID) })
	wantErr(t, "ReopenEscalation of an unresolved one", err, storage.ErrConflict)

	t3 := t2.Add(time.Minute)
	must(t, "ResolveEscalation", s.ResolveEscalation(ctx, e.ID, teacher, "talked with family", t3, nil))
	for _, who := range []int64{para, teacher} {
		if open, err := s.UnresolvedEscalations(ctx, f.school.ID, who); err != nil || len(open) != 0 {
			t.Errorf("UnresolvedEscalations of staff %d after resolving = %+v, %v", who, open, err)
		}
	}
	wantErr(t, "second ResolveEscalation", s.ResolveEscalation(ctx, e.ID, teacher, "", t3, nil), storage.ErrConflict)
	wantErr(t, "AcknowledgeEscalation after resolve", s.AcknowledgeEscalation(ctx, e.ID, teacher, t3, nil), storage.ErrConflict)

	t4 := t3.Add(time.Minute)
	re, err := s.ReopenEscalation(ctx, e.ID, para, t4, func(e storage.Escalation) storage.Job { return notice(e.ID) })
	if err != nil || re.State != storage.EscalationOpen || re.Round != 2 || re.Level != 0 || re.AckBy != 0 {
		t.Fatalf("ReopenEscalation = %+v, %v", re, err)
	}
	must(t, "AddEscalationStep", s.AddEscalationStep(ctx, storage.EscalationStep{EscalationID: e.ID, At: t4, Action: storage.StepReplied,
		StaffID: teacher, Note: "on it"}, nil))

	steps, err := s.EscalationSteps(ctx, e.ID)
	must(t, "EscalationSteps", err)
	var actions []string
	for _, st := range steps {
		actions = append(actions, st.Action)
	}
	want := []string{"opened", "notified", "acknowledged", "resolved", "reopened", "replied"}
	if !slices.Equal(actions, want) {
		t.Fatalf("timeline %v, want %v", actions, want)
	}
	if !slices.Equal(steps[1].Notified, []int64{teacher}) || steps[2].StaffID != teacher || steps[2].Level != 1 ||
		steps[3].Note != "talked with family" || steps[0].StaffID != para || steps[0].Notified != nil && len(steps[0].Notified) != 0 {
		t.Errorf("timeline steps %+v", steps)
	}
	checkTime(t, "resolved at", steps[3].At, t3)

	// Listed for whoever opened it or was told of it (the teacher, in
	// round 1), not for the admin, who was never told; nor for anyone in
	// another school.
	for who, want := range map[int64]int{para: 1, teacher: 1, admin: 0} {
		open, err := s.UnresolvedEscalations(ctx, f.school.ID, who)
		if err != nil || len(open) != want || want == 1 && (open[0].ID != e.ID || open[0].State != storage.EscalationOpen) {
			t.Errorf("UnresolvedEscalations of staff %d after reopening = %+v, %v; want %d", who, open, err, want)
		}
	}
	if open, err := s.UnresolvedEscalations(ctx, f.school.ID+1000, para); err != nil || len(open) != 0 {
		t.Errorf("UnresolvedEscalations of another school = %+v, %v", open, err)
	}
	list, err := s.StudentEscalations(ctx, f.students["S101"].ID)
	if err != nil || len(list) != 1 || list[0].ID != e.ID {
		t.Errorf("StudentEscalations = %+v, %v", list, err)
	}
	if _, err := s.Escalation(ctx, e.ID+1000); !errors.Is(err, storage.ErrNotFound) {
		t.Errorf("Escalation(unknown) = %v, want ErrNotFound", err)
	}
	checkAuditHas(t, s, f.students["S101"].ID, "escalation", e.ID)
}

// checkAuditHas fails unless the student's trail has a create row of an
// entity with that id.
func checkAuditHas(t *testing.T, s storage.Store, studentID int64, entity string, id int64) {
	t.Helper()
	trail, err := s.Audit(context.Background(), studentID)
	must(t, "Audit", err)
	for _, a := range trail {
		if a.Action == "create" && a.Entity == entity && a.EntityID == id {
			return
		}
	}
	t.Errorf("no create row of %s %d in %+v", entity, id, trail)
}

// testParentNotices opens an incident's parent-notice task with its jobs,
// refuses a second task, and marks the oral and written notices once each.
func testParentNotices(t *testing.T, s storage.Store) {
	ctx := context.Background()
	f := load(t, s)
	t0 := time.Date(2026, 11, 2, 14, 0, 0, 0, time.UTC)
	teacher := f.staff["tlopez"].ID
	e, err := s.LogIncident(ctx, storage.Incident{StudentID: f.students["S101"].ID, StaffID: f.staff["jrivera"].ID, At: t0,
		Behavior: "hit", Severity: 5, Restraint: true, Summary: "restraint"}, nil)
	must(t, "LogIncident", err)
	ins, err := s.Incidents(ctx, storage.Filter{StudentID: f.students["S101"].ID})
	must(t, "Incidents", err)
	var incidentID int64
	for _, in := range ins {
		if in.EntryID == e.ID {
			incidentID = in.ID
		}
	}
	before := countJobs(t, s)
	n := storage.ParentNotice{SchoolID: f.school.ID, StudentID: f.students["S101"].ID, IncidentID: incidentID, OwnerID: teacher,
		IncidentAt: t0, OralDue: t0.Add(24 * time.Hour), WrittenDue: t0.Add(72 * time.Hour), CreatedAt: t0}
	jobs := func(n storage.ParentNotice) []storage.Job { return []storage.Job{notice(n.ID), notice(n.ID)} }
	got, err := s.OpenParentNotice(ctx, n, jobs)
	if err != nil || got.ID == 0 {
		t.Fatalf("OpenParentNotice = %+v, %v", got, err)
	}
	if c := countJobs(t, s); c != before+2 {
		t.Errorf("jobs after open: %d, want %d", c, before+2)
	}
	_, err = s.OpenParentNotice(ctx, n, jobs)
	wantErr(t, "second OpenParentNotice", err, storage.ErrConflict)

	must(t, "MarkNotified(oral)", s.MarkNotified(ctx, incidentID, false, "phone", "spoke with mom", t0.Add(time.Hour), teacher, t0.Add(2*time.Hour)))
	wantErr(t, "second MarkNotified(oral)", s.MarkNotified(ctx, incidentID, false, "in person", "", t0.Add(time.Hour), teacher, t0.Add(2*time.Hour)), storage.ErrConflict)
	stored, err := s.ParentNotice(ctx, incidentID)
	must(t, "ParentNotice", err)
	if stored.OralMethod != "phone" || stored.OralNote != "spoke with mom" || !stored.WrittenAt.IsZero() || stored.OwnerID != teacher {
		t.Errorf("after oral notice: %+v", stored)
	}
	checkTime(t, "oral at", stored.OralAt, t0.Add(time.Hour))
	checkTime(t, "written due", stored.WrittenDue, t0.Add(72*time.Hour))
	must(t, "MarkNotified(written)", s.MarkNotified(ctx, incidentID, true, "letter", "", t0.Add(3*time.Hour), teacher, t0.Add(3*time.Hour)))
	stored, _ = s.ParentNotice(ctx, incidentID)
	if stored.WrittenMethod != "letter" || stored.WrittenAt.IsZero() {
		t.Errorf("after written notice: %+v", stored)
	}
	wantErr(t, "MarkNotified(unknown incident)", s.MarkNotified(ctx, incidentID+100, true, "letter", "", t0, teacher, t0), storage.ErrConflict)
}

// testIncidentOpening logs an incident with the escalation and the
// parent-notice task it opens, and their jobs, in one write; a failure
// after the incident's insert (a task owner or an opener not on the
// roster) leaves neither the incident nor anything it opens.
func testIncidentOpening(t *testing.T, s storage.Store) {
	ctx := context.Background()
	f := load(t, s)
	t0 := time.Date(2026, 11, 2, 14, 0, 0, 0, time.UTC)
	student, para, teacher := f.students["S101"].ID, f.staff["jrivera"].ID, f.staff["tlopez"].ID
	in := storage.Incident{StudentID: student, StaffID: para, At: t0, Behavior: "hit", Severity: 5, Restraint: true, Summary: "restraint"}
	open := func(opener, owner int64) storage.IncidentOpens {
		return storage.IncidentOpens{
			Escalation: &storage.Escalation{SchoolID: f.school.ID, StudentID: student, OpenedBy: opener, Kind: storage.EscalationIncident,
				Body: "severity 5, restraint. hit", Urgent: true, Severity: 5, CreatedAt: t0},
			EscalationJobs: func(e storage.Escalation) []storage.Job { return []storage.Job{notice(e.ID)} },
			Notice: &storage.ParentNotice{SchoolID: f.school.ID, StudentID: student, OwnerID: owner, IncidentAt: t0,
				OralDue: t0.Add(24 * time.Hour), WrittenDue: t0.Add(72 * time.Hour), CreatedAt: t0},
			NoticeJobs: func(n storage.ParentNotice) []storage.Job { return []storage.Job{notice(n.ID), notice(n.IncidentID)} },
		}
	}
	nothingMore := func(what string, jobs int) {
		t.Helper()
		if n := countJobs(t, s); n != jobs {
			t.Errorf("%s: %d jobs, want %d", what, n, jobs)
		}
		ins, err := s.Incidents(ctx, storage.Filter{StudentID: student, IncludeInactive: true})
		if err != nil || len(ins) != 0 {
			t.Errorf("%s: incidents %+v, %v; want none", what, ins, err)
		}
		es, err := s.StudentEscalations(ctx, student)
		if err != nil || len(es) != 0 {
			t.Errorf("%s: escalations %+v, %v; want none", what, es, err)
		}
		if e, err := s.LastEntry(ctx, para); !errors.Is(err, storage.ErrNotFound) {
			t.Errorf("%s: last entry %+v, %v; want none", what, e, err)
		}
	}
	const nobody = 1 << 40
	_, err := s.LogIncidentOpening(ctx, in, []storage.Job{notice(teacher)}, open(para, nobody))
	if err == nil {
		t.Fatal("LogIncidentOpening with a task owner not on the roster succeeded")
	}
	nothingMore("failed parent notice", 0)
	_, err = s.LogIncidentOpening(ctx, in, []storage.Job{notice(teacher)}, open(nobody, teacher))
	if err == nil {
		t.Fatal("LogIncidentOpening with an opener not on the roster succeeded")
	}
	nothingMore("failed escalation", 0)

	out, err := s.LogIncidentOpening(ctx, in, []storage.Job{notice(teacher)}, open(para, teacher))
	if err != nil || out.Entry.ID == 0 || out.IncidentID == 0 || out.Escalation.ID == 0 || out.Notice.ID == 0 {
		t.Fatalf("LogIncidentOpening = %+v, %v", out, err)
	}
	if out.Escalation.IncidentID != out.IncidentID || out.Notice.IncidentID != out.IncidentID || out.Escalation.State != storage.EscalationOpen {
		t.Errorf("opened %+v", out)
	}
	var got []int64
	for _, j := range suiteJobs(t, s) {
		got = append(got, j.args.StaffID)
	}
	slices.Sort(got)
	want := []int64{teacher, out.Escalation.ID, out.Notice.ID, out.IncidentID}
	slices.Sort(want)
	if !slices.Equal(got, want) {
		t.Errorf("jobs name %v, want %v (the caller's, the escalation's, the notice's twice)", got, want)
	}
	stored := of(s.Incident(ctx, out.IncidentID)).must(t, "Incident")
	if stored.EntryID != out.Entry.ID || !stored.Restraint || stored.Severity != 5 {
		t.Errorf("Incident = %+v", stored)
	}
	if _, err := s.Incident(ctx, out.IncidentID+1000); !errors.Is(err, storage.ErrNotFound) {
		t.Errorf("Incident(unknown) = %v, want ErrNotFound", err)
	}
	e := of(s.Escalation(ctx, out.Escalation.ID)).must(t, "Escalation")
	if e.IncidentID != out.IncidentID || e.Kind != storage.EscalationIncident || !e.Urgent {
		t.Errorf("Escalation = %+v", e)
	}
	steps := of(s.EscalationSteps(ctx, e.ID)).must(t, "EscalationSteps")
	if len(steps) != 1 || steps[0].Action != storage.StepOpened {
		t.Errorf("timeline %+v", steps)
	}
	n := of(s.ParentNotice(ctx, out.IncidentID)).must(t, "ParentNotice")
	if n.ID != out.Notice.ID || n.OwnerID != teacher {
		t.Errorf("ParentNotice = %+v", n)
	}
	checkAuditHas(t, s, student, "escalation", e.ID)
	checkAuditHas(t, s, student, "parent_notice", n.ID)
}

// testDebriefs opens an incident's debrief task with the incident and its
// escalation, marks it held once (a second mark refused), and finds the
// mark on the escalation's timeline.
func testDebriefs(t *testing.T, s storage.Store) {
	ctx := context.Background()
	f := load(t, s)
	t0 := time.Date(2026, 11, 2, 14, 0, 0, 0, time.UTC)
	student, para, teacher := f.students["S101"].ID, f.staff["jrivera"].ID, f.staff["tlopez"].ID
	out, err := s.LogIncidentOpening(ctx, storage.Incident{StudentID: student, StaffID: para, At: t0, Behavior: "hit", Severity: 5,
		Restraint: true, Summary: "restraint"}, nil, storage.IncidentOpens{
		Escalation: &storage.Escalation{SchoolID: f.school.ID, StudentID: student, OpenedBy: para, Kind: storage.EscalationIncident,
			Body: "restraint", Urgent: true, Severity: 5, CreatedAt: t0},
		EscalationJobs: func(e storage.Escalation) []storage.Job { return []storage.Job{notice(e.ID)} },
		Debrief: &storage.Debrief{SchoolID: f.school.ID, StudentID: student, OwnerID: teacher, IncidentAt: t0,
			Due: t0.Add(48 * time.Hour), CreatedAt: t0},
		DebriefJobs: func(d storage.Debrief) []storage.Job { return []storage.Job{notice(d.ID)} },
	})
	if err != nil || out.Debrief.ID == 0 || out.Debrief.IncidentID != out.IncidentID {
		t.Fatalf("LogIncidentOpening = %+v, %v", out, err)
	}
	if n := countJobs(t, s); n != 2 {
		t.Errorf("%d jobs, want the escalation's and the debrief's", n)
	}
	d := of(s.Debrief(ctx, out.IncidentID)).must(t, "Debrief")
	if d.OwnerID != teacher || !d.DoneAt.IsZero() || d.DoneBy != 0 {
		t.Errorf("Debrief = %+v", d)
	}
	checkTime(t, "debrief due", d.Due, t0.Add(48*time.Hour))
	t1 := t0.Add(24 * time.Hour)
	must(t, "MarkDebriefed", s.MarkDebriefed(ctx, out.IncidentID, teacher, "new break plan", t1, []storage.Job{notice(teacher)}))
	wantErr(t, "second MarkDebriefed", s.MarkDebriefed(ctx, out.IncidentID, teacher, "", t1, nil), storage.ErrConflict)
	wantErr(t, "MarkDebriefed(unknown incident)", s.MarkDebriefed(ctx, out.IncidentID+100, teacher, "", t1, nil), storage.ErrConflict)
	if n := countJobs(t, s); n != 3 {
		t.Errorf("%d jobs after marking, want 3", n)
	}
	d = of(s.Debrief(ctx, out.IncidentID)).must(t, "Debrief")
	if d.DoneBy != teacher || d.Note != "new break plan" {
		t.Errorf("after marking: %+v", d)
	}
	checkTime(t, "debrief held", d.DoneAt, t1)
	steps := of(s.EscalationSteps(ctx, out.Escalation.ID)).must(t, "EscalationSteps")
	last := steps[len(steps)-1]
	if last.Action != storage.StepDebriefed || last.StaffID != teacher || last.Note != "new break plan" {
		t.Errorf("timeline ends with %+v", last)
	}
	checkAuditHas(t, s, student, "debrief", d.ID)
	if _, err := s.Debrief(ctx, out.IncidentID+100); !errors.Is(err, storage.ErrNotFound) {
		t.Errorf("Debrief(unknown) = %v, want ErrNotFound", err)
	}
}

// testWithdrawEscalations takes back incidents with escalations: the
// write is refused, changing nothing, while the caller's view of the
// escalations is stale (moved up a level, or not read); else the entry
// and its acknowledged escalation are taken back together, the timeline
// ends with a "withdrawn" step by the actor with the reason, and the
// ladder's next step changes nothing. An escalation resolved before is
// left as it was.
func testWithdrawEscalations(t *testing.T, s storage.Store) {
	ctx := context.Background()
	f := load(t, s)
	t0 := time.Date(2026, 11, 2, 14, 0, 0, 0, time.UTC)
	student, para, teacher, admin := f.students["S101"].ID, f.staff["jrivera"].ID, f.staff["tlopez"].ID, f.staff["pprincipal"].ID
	logged := func() storage.IncidentOpened {
		t.Helper()
		out, err := s.LogIncidentOpening(ctx, storage.Incident{StudentID: student, StaffID: para, At: t0, Behavior: "hit", Severity: 5,
			Restraint: true, Summary: "restraint"}, nil, storage.IncidentOpens{
			Escalation: &storage.Escalation{SchoolID: f.school.ID, StudentID: student, OpenedBy: para, Kind: storage.EscalationIncident,
				Body: "restraint", Urgent: true, Severity: 5, CreatedAt: t0},
			EscalationJobs: func(e storage.Escalation) []storage.Job { return []storage.Job{notice(e.ID)} },
		})
		must(t, "LogIncidentOpening", err)
		return out
	}
	out := logged()
	read := of(s.Escalation(ctx, out.Escalation.ID)).must(t, "Escalation")
	t1 := t0.Add(time.Minute)
	must(t, "AdvanceEscalation", s.AdvanceEscalation(ctx, read.ID, 1, 0, 1, t1,
		[]storage.EscalationStep{{At: t1, Action: storage.StepNotified, Level: 1, Notified: []int64{teacher}}}, nil))
	must(t, "AcknowledgeEscalation", s.AcknowledgeEscalation(ctx, read.ID, teacher, t1, nil))
	before := countJobs(t, s)
	t2 := t1.Add(time.Minute)
	for what, seen := range map[string][]storage.Escalation{"read before it moved up": {read}, "not read": nil} {
		wantErr(t, "DeactivateEntry with the escalation "+what,
			s.DeactivateEntry(ctx, out.Entry.ID, admin, "voided", t2, seen, []storage.Job{notice(para)}), storage.ErrConflict)
	}
	if e := of(s.Entry(ctx, out.Entry.ID)).must(t, "Entry"); !e.Active {
		t.Error("a refused DeactivateEntry took the entry back")
	}
	if e := of(s.Escalation(ctx, read.ID)).must(t, "Escalation"); e.State != storage.EscalationAcknowledged {
		t.Errorf("a refused DeactivateEntry left the escalation %s", e.State)
	}
	if n := countJobs(t, s); n != before {
		t.Errorf("refused DeactivateEntry wrote %d jobs", n-before)
	}

	now := of(s.Escalation(ctx, read.ID)).must(t, "Escalation")
	must(t, "DeactivateEntry", s.DeactivateEntry(ctx, out.Entry.ID, admin, "voided: wrong student", t2, []storage.Escalation{now},
		[]storage.Job{notice(para), notice(teacher)}))
	if n := countJobs(t, s); n != before+2 {
		t.Errorf("DeactivateEntry wrote %d jobs, want 2", n-before)
	}
	e := of(s.Escalation(ctx, read.ID)).must(t, "Escalation")
	if e.State != storage.EscalationResolved || e.Level != 1 {
		t.Errorf("withdrawn escalation = %+v", e)
	}
	checkTime(t, "withdrawn at", e.UpdatedAt, t2)
	steps := of(s.EscalationSteps(ctx, read.ID)).must(t, "EscalationSteps")
	last := steps[len(steps)-1]
	if last.Action != storage.StepWithdrawn || last.StaffID != admin || last.Level != 1 || last.Note != "voided: wrong student" {
		t.Errorf("timeline ends with %+v, want the withdrawal", last)
	}
	checkTime(t, "withdrawal step", last.At, t2)
	wantErr(t, "the ladder's next step after the withdrawal", s.AdvanceEscalation(ctx, read.ID, 1, 1, 2, t2, nil, nil), storage.ErrConflict)
	for _, who := range []int64{para, teacher} {
		if open, err := s.UnresolvedEscalations(ctx, f.school.ID, who); err != nil || len(open) != 0 {
			t.Errorf("UnresolvedEscalations of staff %d after the withdrawal = %+v, %v", who, open, err)
		}
	}

	// An escalation resolved before stays as it was.
	other := logged()
	must(t, "ResolveEscalation", s.ResolveEscalation(ctx, other.Escalation.ID, teacher, "handled", t1, nil))
	must(t, "DeactivateEntry of an incident with its escalation resolved", s.DeactivateEntry(ctx, other.Entry.ID, para, "typo", t2, nil, nil))
	steps = of(s.EscalationSteps(ctx, other.Escalation.ID)).must(t, "EscalationSteps")
	if last := steps[len(steps)-1]; last.Action != storage.StepResolved {
		t.Errorf("a resolved escalation's timeline ends with %+v", last)
	}
}
