package storagetest

import (
	"context"
	"testing"

	"parabot/storage"
)

// BeforeCodes lists the statements that make a database as it was before
// student codes were per school: the engine's schema_migrations table
// (migrationsTable), its migrations 0001 and 0002 (their SQL as the engine
// runs it, from migration), two schools whose names differ only in case, a
// code entered twice in one school in different case, an assignment, and
// an entry with its note. ov is what an INSERT giving identity ids needs
// ("OVERRIDING SYSTEM VALUE" on Postgres).
func BeforeCodes(t *testing.T, migrationsTable, ov string, migration func(version int) (string, error)) []string {
	t.Helper()
	stmts := []string{migrationsTable}
	for version := 1; version <= 2; version++ {
		stmts = append(stmts, of(migration(version)).must(t, "reading a migration"))
	}
	const at = `'2026-09-14T13:00:00.000000Z'`
	return append(stmts,
		`INSERT INTO schema_migrations (version, name, applied_at) VALUES (1, 'init', `+at+`), (2, 'roster_active', `+at+`)`,
		`INSERT INTO schools (id, name, time_zone) `+ov+` VALUES (1, 'Maple', 'UTC'), (2, 'MAPLE', 'UTC')`,
		`INSERT INTO staff (id, school_id, handle, name, role) `+ov+` VALUES (1, 1, 'jlee', 'J Lee', 'para')`,
		`INSERT INTO students (id, school_id, code) `+ov+` VALUES (1, 1, 'S101'), (2, 1, 's101'), (3, 2, 's102')`,
		`INSERT INTO assignments (staff_id, student_id, kind) VALUES (1, 2, 'para')`,
		`INSERT INTO entries (id, kind, staff_id, student_id, created_at) `+ov+` VALUES (1, 'note', 1, 2, `+at+`)`,
		`INSERT INTO notes (entry_id, student_id, staff_id, at, body) VALUES (1, 2, 1, `+at+`, 'x')`,
	)
}

// CheckCodesMigrated checks a database made by BeforeCodes once it is
// opened (so migrated through 0003): codes are upper-cased, a code
// entered twice in one school in different case is told apart, the
// references hold and are enforced, and a code is one per school. exec
// runs a statement on the database.
func CheckCodesMigrated(t *testing.T, db storage.Store, ov string, exec func(query string) error) {
	t.Helper()
	ctx := context.Background()
	for id, want := range map[int64]string{1: "S101", 2: "S101-2", 3: "S102"} {
		if st, err := db.Student(ctx, id); err != nil || st.Code != want {
			t.Errorf("Student(%d) = %+v, %v; want code %s", id, st, err, want)
		}
	}
	schools, err := db.Schools(ctx)
	if err != nil || len(schools) != 2 || schools[0].Name != "MAPLE (2)" && schools[1].Name != "MAPLE (2)" {
		t.Errorf("Schools = %+v, %v; want Maple and MAPLE (2)", schools, err)
	}
	if e, err := db.Entry(ctx, 1); err != nil || e.StudentID != 2 {
		t.Errorf("Entry(1) = %+v, %v; want student 2", e, err)
	}
	if cl, err := db.Caseload(ctx, 1); err != nil || len(cl) != 1 || cl[0].ID != 2 {
		t.Errorf("Caseload(1) = %+v, %v; want student 2", cl, err)
	}
	insert := `INSERT INTO students (id, school_id, code) ` + ov + ` VALUES `
	if err := exec(insert + `(10, 99, 'S1')`); err == nil {
		t.Error("a student of a school that does not exist was saved")
	}
	if err := exec(insert + `(11, 2, 'S102')`); err == nil {
		t.Error("a second S102 at one school was saved")
	}
	if err := exec(insert + `(12, 2, 'S101')`); err != nil {
		t.Errorf("S101 at a second school: %v", err)
	}
}
