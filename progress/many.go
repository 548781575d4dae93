package progress

import (
	"context"
	"fmt"
	"slices"

	"parabot/bot"
	"parabot/storage"
	"parabot/summary"
)

// AuditBatch is implemented by a store that writes many access-log rows
// in one transaction (both engines do, through sqlstore); ReadAll uses it
// when it can, so a teacher's summary costs one write, not one a student.
type AuditBatch interface {
	RecordAudits(ctx context.Context, events []storage.AuditEvent) error
}

// ReadAll reads the records of several students for one reader, as Read
// does for one (req.Student is ignored): the reader's caseload, the
// school, its staff and calendar are read once, the records one query a
// kind for all the students (see loadAll), and the reads are written to
// the access log together, after every student was read. A student the reader may not
// see is a bot.UserError, and nothing is read.
func (r Reader) ReadAll(ctx context.Context, req Request, students []storage.Student) ([]summary.Input, error) {
	if req.Period.Loc == nil {
		return nil, fmt.Errorf("progress: period has no time zone")
	}
	if len(students) == 0 {
		return nil, nil
	}
	caseload, err := r.Store.Caseload(ctx, req.By.ID)
	if err != nil {
		return nil, fmt.Errorf("loading the caseload of staff %d: %w", req.By.ID, err)
	}
	schools := map[int64]storage.School{}
	for _, st := range students {
		if !slices.ContainsFunc(caseload, func(s storage.Student) bool { return s.ID == st.ID }) {
			return nil, bot.Errorf("student", "%s is not on your caseload, so you may not see their records; their teacher or an administrator may.", st.Label())
		}
		if _, ok := schools[st.SchoolID]; !ok {
			school, err := r.Store.School(ctx, st.SchoolID)
			if err != nil {
				return nil, fmt.Errorf("loading school %d: %w", st.SchoolID, err)
			}
			schools[st.SchoolID] = school
		}
	}
	out, err := r.loadAll(ctx, schools, req, students)
	if err != nil {
		return nil, err
	}
	events := make([]storage.AuditEvent, 0, len(students))
	for _, st := range students {
		one := req
		one.Student = st
		events = append(events, storage.AuditEvent{At: req.Now, StaffID: req.By.ID, StudentID: st.ID, Action: req.Action,
			Entity: "student", EntityID: st.ID, Detail: Detail(one)})
	}
	if b, ok := r.Store.(AuditBatch); ok {
		if err := b.RecordAudits(ctx, events); err != nil {
			return nil, fmt.Errorf("recording the reads of %d students: %w", len(events), err)
		}
		return out, nil
	}
	for _, ev := range events {
		if err := r.Store.RecordAudit(ctx, ev); err != nil {
			return nil, fmt.Errorf("recording the read of student %d: %w", ev.StudentID, err)
		}
	}
	return out, nil
}

// loadAll reads the records of students, in their order; it writes
// nothing. A store with storage.CaseloadRecords is read one query a kind
// for each school's students; another, or a read of one goal, one
// student at a time.
func (r Reader) loadAll(ctx context.Context, schools map[int64]storage.School, req Request, students []storage.Student) ([]summary.Input, error) {
	many, ok := r.Store.(storage.CaseloadRecords)
	if !ok || req.GoalID != 0 {
		out := make([]summary.Input, 0, len(students))
		for _, st := range students {
			one := req
			one.Student = st
			in, err := r.load(ctx, schools[st.SchoolID], one)
			if err != nil {
				return nil, err
			}
			out = append(out, in)
		}
		return out, nil
	}
	var order []int64 // schools, as their first student comes
	bySchool := map[int64][]storage.Student{}
	for _, st := range students {
		if _, ok := bySchool[st.SchoolID]; !ok {
			order = append(order, st.SchoolID)
		}
		bySchool[st.SchoolID] = append(bySchool[st.SchoolID], st)
	}
	inputs := make(map[int64]summary.Input, len(students))
	for _, id := range order {
		if err := r.loadMany(ctx, many, schools[id], req, bySchool[id], inputs); err != nil {
			return nil, err
		}
	}
	out := make([]summary.Input, 0, len(students))
	for _, st := range students {
		out = append(out, inputs[st.ID])
	}
	return out, nil
}

// loadMany reads the records of one school's students, one query a kind,
// into inputs by student id.
func (r Reader) loadMany(ctx context.Context, many storage.CaseloadRecords, school storage.School, req Request,
	students []storage.Student, inputs map[int64]summary.Input) error {
	since, end := window(school, req.Period)
	ids := make([]int64, len(students))
	for i, st := range students {
		ids[i] = st.ID
	}
	goals, err := many.GoalsOf(ctx, ids)
	if err != nil {
		return fmt.Errorf("loading goals of %d students: %w", len(ids), err)
	}
	f := storage.ManyFilter{StudentIDs: ids, From: since, To: end}
	sessions, err := many.SessionsOf(ctx, f)
	if err != nil {
		return fmt.Errorf("loading sessions of %d students: %w", len(ids), err)
	}
	incidents, err := many.IncidentsOf(ctx, f)
	if err != nil {
		return fmt.Errorf("loading incidents of %d students: %w", len(ids), err)
	}
	transitions, err := many.TransitionsOf(ctx, f)
	if err != nil {
		return fmt.Errorf("loading transitions of %d students: %w", len(ids), err)
	}
	notes, err := many.NotesOf(ctx, f)
	if err != nil {
		return fmt.Errorf("loading notes of %d students: %w", len(ids), err)
	}
	sh, err := r.schoolFacts(ctx, school, since, end)
	if err != nil {
		return err
	}
	goalsOf := byStudent(goals, func(g storage.Goal) int64 { return g.StudentID })
	sessionsOf := byStudent(sessions, func(s storage.Session) int64 { return s.StudentID })
	incidentsOf := byStudent(incidents, func(i storage.Incident) int64 { return i.StudentID })
	transitionsOf := byStudent(transitions, func(t storage.Transition) int64 { return t.StudentID })
	notesOf := byStudent(notes, func(n storage.Note) int64 { return n.StudentID })
	for _, st := range students {
		one := req
		one.Student = st
		in, err := input(st, one, records{goals: goalsOf[st.ID], sessions: sessionsOf[st.ID], incidents: incidentsOf[st.ID],
			transitions: transitionsOf[st.ID], notes: notesOf[st.ID]}, sh)
		if err != nil {
			return err
		}
		inputs[st.ID] = in
	}
	return nil
}

// byStudent groups rows by student, keeping their order.
func byStudent[T any](rows []T, student func(T) int64) map[int64][]T {
	out := map[int64][]T{}
	for _, r := range rows {
		id := student(r)
		out[id] = append(out[id], r)
	}
	return out
}
