package bot

import (
	"fmt"

	"parabot/storage"
)

// The access log: every read of a student's records (a caseload listed
// in a form or an option list, goal text in a picker, /today, /goals, the
// Home tab) and every refused attempt is recorded through the function
// SetAccessLog gives, which buffers the rows off the request path
// (accesslog.Log.Record). Without one, nothing is recorded.

// Actions of the access log's rows (storage.AuditEvent.Action).
const (
	ActionRead    = "read"
	ActionRefused = "refused"
)

// SetAccessLog sets where reads and refusals are recorded.
func (r *Router) SetAccessLog(record func(events ...storage.AuditEvent)) { r.access = record }

// RecordReads records that staff member st was shown what ("goals",
// "today", "student_list", ...) of each student, through surface (for
// example "slack/home"). It returns at once.
func (r *Router) RecordReads(st storage.Staff, platform storage.Platform, surface, what string, studentIDs ...int64) {
	if r.access == nil || len(studentIDs) == 0 {
		return
	}
	at := r.now()
	events := make([]storage.AuditEvent, len(studentIDs))
	for i, id := range studentIDs {
		events[i] = storage.AuditEvent{At: at, StaffID: st.ID, StudentID: id, Action: ActionRead, Entity: what,
			Detail: fmt.Sprintf("surface=%s/%s", platform, surface)}
	}
	r.access(events...)
}

// recordRefusal records a refused attempt: the command, the student when
// one was named and known, and the reason (ids and words of ours only).
func (r *Router) recordRefusal(st storage.Staff, platform storage.Platform, command string, studentID int64, reason string) {
	if r.access == nil {
		return
	}
	r.access(storage.AuditEvent{At: r.now(), StaffID: st.ID, StudentID: studentID, Action: ActionRefused, Entity: command,
		Detail: fmt.Sprintf("surface=%s/command reason=%s", platform, reason)})
}

// studentIDs lists the ids of students.
func studentIDs(students []storage.Student) []int64 {
	ids := make([]int64, len(students))
	for i, s := range students {
		ids[i] = s.ID
	}
	return ids
}
