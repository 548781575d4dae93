package storagetest

import (
	"context"
	"encoding/json"
	"strings"
	"testing"
	"time"

	"parabot/storage"
	"parabot/storage/postgres"
	"parabot/storage/sqlite"
	"parabot/storage/sqlstore"
)

// jobRow is what River stored of one of the suite's jobs.
type jobRow struct {
	queue       string
	maxAttempts int
	priority    int
	scheduledAt time.Time
	args        noticeArgs
}

// suiteJobs lists the suite's jobs as River stored them, oldest first.
func suiteJobs(t *testing.T, s storage.Store) []jobRow {
	t.Helper()
	ctx := context.Background()
	// River keeps args as JSONB on both engines: SQLite's binary form
	// reads back as text through json().
	q := `SELECT queue, max_attempts, priority, scheduled_at, CAST(args AS TEXT) FROM river_job WHERE kind = $1 ORDER BY id`
	if _, ok := s.(*sqlite.DB); ok {
		q = strings.Replace(q, "CAST(args AS TEXT)", "json(args)", 1)
	}
	var out []jobRow
	scan := func(scan func(...any) error) error {
		var j jobRow
		var args string
		if err := scan(&j.queue, &j.maxAttempts, &j.priority, sqlstore.UTC{T: &j.scheduledAt}, &args); err != nil {
			return err
		}
		out = append(out, j)
		return json.Unmarshal([]byte(args), &out[len(out)-1].args)
	}
	switch db := s.(type) {
	case *sqlite.DB:
		rows, err := db.SQL().QueryContext(ctx, q, noticeArgs{}.Kind())
		EachRow(t, q, rows, err, scan)
		rows.Close()
	case *postgres.DB:
		rows, err := db.Pool().Query(ctx, q, noticeArgs{}.Kind())
		EachRow(t, q, rows, err, scan)
		rows.Close()
	default:
		t.Fatalf("suiteJobs: unknown engine %T", s)
	}
	return out
}

// A job's queue, attempts, priority and time are stored as given.
func testJobOptions(t *testing.T, s storage.Store) {
	ctx := context.Background()
	when := time.Date(2026, 9, 14, 14, 0, 0, 0, time.UTC)
	j := storage.Job{Args: noticeArgs{StaffID: 1}, Queue: "reminders", MaxAttempts: 3, Priority: 2, ScheduledAt: when}
	must(t, "Enqueue", s.Enqueue(ctx, []storage.Job{j}))
	got := suiteJobs(t, s)
	if len(got) != 1 {
		t.Fatalf("jobs = %d, want 1", len(got))
	}
	if g := got[0]; g.queue != "reminders" || g.maxAttempts != 3 || g.priority != 2 || !g.scheduledAt.Equal(when) {
		t.Errorf("job stored as %+v, want queue reminders, 3 attempts, priority 2, at %v", g, when)
	}
}

// A job with a uniqueness key is inserted once per kind and key, by
// Enqueue or with a logged entry; other keys and keyless jobs are not held
// back.
func testUniqueJobs(t *testing.T, s storage.Store) {
	ctx := context.Background()
	f := load(t, s)
	when := at(t, "2026-09-14", "15:00")
	reminder := func(key string) storage.Job {
		return storage.Job{Args: noticeArgs{StaffID: f.staff["jrivera"].ID}, ScheduledAt: when, UniqueKey: key}
	}
	must(t, "Enqueue", s.Enqueue(ctx, []storage.Job{reminder("bus/2026-09-14"), reminder("bus/2026-09-14")}))
	must(t, "Enqueue again", s.Enqueue(ctx, []storage.Job{reminder("bus/2026-09-14"), reminder("bus/2026-09-15")}))
	of(s.LogTrials(ctx, trialBatch(t, f, when), []storage.Job{reminder("bus/2026-09-15"), notice(1), notice(1)})).must(t, "LogTrials")
	if n := countJobs(t, s); n != 4 {
		t.Errorf("jobs = %d, want 4 (one per key, and the two without one)", n)
	}
}

// Lookups by natural key find the row itself.
func testNaturalKeys(t *testing.T, s storage.Store) {
	ctx := context.Background()
	f := load(t, s)
	st, err := s.StaffByHandle(ctx, "mchen")
	if err != nil || st != f.staff["mchen"] {
		t.Errorf("StaffByHandle(mchen) = %+v, %v; want %+v", st, err, f.staff["mchen"])
	}
	if st, err := s.StaffByHandle(ctx, "MChen"); err != nil || st.ID != f.staff["mchen"].ID {
		t.Errorf("StaffByHandle(MChen) = %+v, %v; want mchen", st, err)
	}
	admins, err := s.StaffWithRole(ctx, storage.RoleAdmin)
	if err != nil || len(admins) != 1 || admins[0] != f.staff["pprincipal"] {
		t.Errorf("StaffWithRole(admin) = %+v, %v; want pprincipal", admins, err)
	}
	_, err = s.StaffByHandle(ctx, "nobody")
	wantErr(t, "StaffByHandle(nobody)", err, storage.ErrNotFound)
	stu, err := s.StudentByCode(ctx, f.school.ID, "s103")
	if err != nil || stu != f.students["S103"] {
		t.Errorf("StudentByCode(s103) = %+v, %v; want %+v", stu, err, f.students["S103"])
	}
	_, err = s.StudentByCode(ctx, f.school.ID, "S999")
	wantErr(t, "StudentByCode(S999)", err, storage.ErrNotFound)
	_, err = s.StudentByCode(ctx, f.school.ID+1000, "S103")
	wantErr(t, "StudentByCode in another school", err, storage.ErrNotFound)
	sc, err := s.SchoolByName(ctx, "maple ELEMENTARY")
	if err != nil || sc != f.school {
		t.Errorf("SchoolByName = %+v, %v; want %+v", sc, err, f.school)
	}
	_, err = s.SchoolByName(ctx, "Oak")
	wantErr(t, "SchoolByName(Oak)", err, storage.ErrNotFound)
}
