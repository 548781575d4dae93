package sqlstore

import (
	"context"
	"fmt"
	"strings"

	"parabot/storage"
)

// The right to log, checked inside the logging write itself: a roster
// import that deactivates a staff member, a student or an assignment
// takes effect for the next write as soon as it commits, whatever the
// router's cache still holds for reads.

// mayLogCond is true when staff {staff} may log for student {student} on
// school day {day} (YYYY-MM-DD): both active and of one school, and the
// staff member an admin, assigned to the student, or a para covering an
// absent para assigned to the student that day.
const mayLogCond = `EXISTS (SELECT 1 FROM staff s JOIN students st ON st.school_id = s.school_id
	WHERE s.id = {staff} AND st.id = {student} AND s.active AND st.active AND (
		s.role = 'admin'
		OR EXISTS (SELECT 1 FROM assignments a WHERE a.staff_id = s.id AND a.student_id = st.id AND a.active)
		OR (s.role = 'para' AND EXISTS (SELECT 1 FROM absences ab
			JOIN staff p ON p.id = ab.staff_id AND p.role = 'para' AND p.active
			JOIN assignments pa ON pa.staff_id = p.id AND pa.student_id = st.id AND pa.active
			WHERE ab.cover_id = s.id AND ab.school_id = s.school_id AND ab.from_day <= {day} AND ab.to_day >= {day}))))`

// MayLogCond is the condition "this staff member may log for this student
// on this day", with the placeholders given (for example "$2", "$3",
// "$9"), for an engine to put inside its logging write.
func MayLogCond(staff, student, day string) string {
	return strings.NewReplacer("{staff}", staff, "{student}", student, "{day}", day).Replace(mayLogCond)
}

// MayLogSQL asks whether staff $1 may log for student $2 on day $3.
var MayLogSQL = `SELECT ` + MayLogCond("$1", "$2", "$3")

// MayLog tells whether a staff member may log for a student on a school
// day (YYYY-MM-DD), read from the roster as committed now.
func MayLog(ctx context.Context, x Executor, staffID, studentID int64, day string) (bool, error) {
	var ok bool
	if err := x.QueryRow(ctx, MayLogSQL, staffID, studentID, day).Scan(&ok); err != nil {
		return false, fmt.Errorf("checking staff %d may log for student %d: %w", staffID, studentID, err)
	}
	return ok, nil
}

// NotLogged is the error of an entry the log insert did not add (its
// statement checks the right to log and the one-time key): a second look
// tells a right that is gone (storage.ErrNoAccess) from a one-time key
// already used (storage.ErrDuplicate).
func NotLogged(ctx context.Context, x Executor, n NewEntry) error {
	may, err := MayLog(ctx, x, n.Entry.StaffID, n.Entry.StudentID, n.Day)
	if err != nil {
		return err
	}
	if !may {
		return storage.ErrNoAccess
	}
	return storage.ErrDuplicate
}

// MayLog tells whether a staff member may log for a student on a school
// day (YYYY-MM-DD), read from the roster as committed now.
func (s *Store) MayLog(ctx context.Context, staffID, studentID int64, day string) (bool, error) {
	return MayLog(ctx, s.db, staffID, studentID, day)
}
