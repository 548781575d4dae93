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
// does for one (req.Student is ignored): the reader's caseload and the
// school are read once, and the reads are written to the access log
// together, after every student was read. A student the reader may not
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
	out := make([]summary.Input, 0, len(students))
	events := make([]storage.AuditEvent, 0, len(students))
	for _, st := range students {
		one := req
		one.Student = st
		in, err := r.load(ctx, schools[st.SchoolID], one)
		if err != nil {
			return nil, err
		}
		out = append(out, in)
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
