package storagetest

import (
	"context"
	"errors"
	"fmt"
	"testing"

	"parabot/storage"
	"parabot/storage/sqlstore"
)

// QueryFunc runs a query on a database opened without migrating it and
// calls row for every row, with the row's Scan.
type QueryFunc func(t *testing.T, query string, row func(scan func(dest ...any) error) error)

// EachRow calls row for every row of rows, the result of query (err is
// the query's error), and fails the test on any error.
func EachRow[R interface {
	Next() bool
	Scan(dest ...any) error
	Err() error
}](t *testing.T, query string, rows R, err error, row func(scan func(dest ...any) error) error) {
	t.Helper()
	if err != nil {
		t.Fatalf("%s: %v", query, err)
	}
	for rows.Next() {
		if err := row(rows.Scan); err != nil {
			t.Fatalf("%s: %v", query, err)
		}
	}
	if err := rows.Err(); err != nil {
		t.Fatalf("%s: %v", query, err)
	}
}

// Legacy is what a database at schema 0003 holds that its migration must
// keep: every trial, audit row and one-time key.
type Legacy struct {
	Trials []storage.Trial // ID unset
	Audit  []storage.AuditEvent
	Claims []string
}

// ReadLegacy reads a database at schema 0003 (the fixtures in each
// engine's testdata) through q, before it is migrated.
func ReadLegacy(t *testing.T, q QueryFunc) Legacy {
	t.Helper()
	var old Legacy
	q(t, `SELECT entry_id, goal_id, student_id, staff_id, at, outcome, prompt, active FROM trials ORDER BY at, id`,
		func(scan func(...any) error) error {
			var tr storage.Trial
			err := scan(&tr.EntryID, &tr.GoalID, &tr.StudentID, &tr.StaffID, sqlstore.UTC{T: &tr.At}, &tr.Outcome, &tr.Prompt, &tr.Active)
			old.Trials = append(old.Trials, tr)
			return err
		})
	q(t, `SELECT id, at, staff_id, student_id, action, entity, entity_id, detail FROM audit ORDER BY at, id`,
		func(scan func(...any) error) error {
			var a storage.AuditEvent
			var student *int64
			err := scan(&a.ID, sqlstore.UTC{T: &a.At}, &a.StaffID, &student, &a.Action, &a.Entity, &a.EntityID, &a.Detail)
			if student != nil {
				a.StudentID = *student
			}
			old.Audit = append(old.Audit, a)
			return err
		})
	q(t, `SELECT key FROM claims ORDER BY key`, func(scan func(...any) error) error {
		var k string
		err := scan(&k)
		old.Claims = append(old.Claims, k)
		return err
	})
	if len(old.Trials) == 0 || len(old.Audit) == 0 || len(old.Claims) == 0 {
		t.Fatalf("the fixture holds %d trials, %d audit rows and %d claims; want some of each", len(old.Trials), len(old.Audit), len(old.Claims))
	}
	return old
}

// CheckMigrated checks that s, the database old was read from, migrated,
// still holds every trial (as sessions, with their counts), every audit
// row and every one-time key of old.
func CheckMigrated(t *testing.T, s storage.Store, old Legacy) {
	t.Helper()
	ctx := context.Background()
	students := map[int64]bool{}
	for _, tr := range old.Trials {
		students[tr.StudentID] = true
	}
	var trials []storage.Trial
	counts := map[int64][3]int{} // by entry: trials, correct, independent
	for id := range students {
		f := storage.Filter{StudentID: id, IncludeInactive: true}
		got, err := s.Trials(ctx, f)
		if err != nil {
			t.Fatalf("Trials of student %d: %v", id, err)
		}
		trials = append(trials, got...)
		sessions, err := s.Sessions(ctx, f)
		if err != nil {
			t.Fatalf("Sessions of student %d: %v", id, err)
		}
		for _, se := range sessions {
			counts[se.EntryID] = [3]int{se.Trials, se.Correct, se.Independent}
		}
	}
	if len(trials) != len(old.Trials) {
		t.Fatalf("%d trials after migrating, want %d", len(trials), len(old.Trials))
	}
	want := map[int64][3]int{}
	for i, tr := range trials {
		tr.ID = 0
		if tr != old.Trials[i] {
			t.Errorf("trial %d after migrating = %+v, want %+v", i+1, tr, old.Trials[i])
		}
		c := want[old.Trials[i].EntryID]
		c[0]++
		if old.Trials[i].Outcome == storage.Correct {
			c[1]++
			if old.Trials[i].Prompt == storage.Independent {
				c[2]++
			}
		}
		want[old.Trials[i].EntryID] = c
	}
	for entry, c := range want {
		if counts[entry] != c {
			t.Errorf("session of entry %d counts (trials, correct, independent) %v, want %v", entry, counts[entry], c)
		}
	}

	audit, err := s.Audit(ctx, 0)
	if err != nil {
		t.Fatalf("Audit: %v", err)
	}
	if len(audit) != len(old.Audit) {
		t.Fatalf("%d audit rows after migrating, want %d:\n got %+v\nwant %+v", len(audit), len(old.Audit), audit, old.Audit)
	}
	for i, a := range audit {
		o := old.Audit[i]
		if a.Action == "create" {
			o.ID = a.ID // a create row is its entry now, with the entry's id
		}
		if a != o {
			t.Errorf("audit row %d after migrating = %+v, want %+v", i+1, a, o)
		}
	}

	for _, k := range old.Claims {
		if ok, err := s.Claimed(ctx, k); err != nil || !ok {
			t.Errorf("Claimed(%q) after migrating = %t, %v; want true", k, ok, err)
		}
	}
	// The migrated database takes new writes.
	e, err := s.LogTrials(ctx, storage.TrialBatch{GoalID: old.Trials[0].GoalID, StudentID: old.Trials[0].StudentID,
		StaffID: old.Trials[0].StaffID, At: old.Trials[0].At, Results: []storage.TrialResult{{Outcome: storage.Correct}}}, nil)
	if err != nil {
		t.Fatalf("LogTrials after migrating: %v", err)
	}
	a, err := s.Audit(ctx, 0)
	if err != nil || len(a) != len(old.Audit)+1 {
		t.Fatalf("audit after logging on the migrated database: %d rows, %v; want %d", len(a), err, len(old.Audit)+1)
	}
	found := false
	for _, r := range a {
		found = found || r.Action == "create" && r.EntityID == e.ID
	}
	if !found {
		t.Errorf("the new entry %d is not in the audit trail", e.ID)
	}
}

// CheckCommentsMoved checks a database migrated from one whose trials and
// transition summaries ended in " Note: <comment>" (entries 1 and 3; entry
// 2 had none, entry 4 is a note and keeps its summary): each comment is
// in its record's note and the summaries end before it.
func CheckCommentsMoved(t *testing.T, s storage.Store) {
	t.Helper()
	ctx := context.Background()
	for id, want := range map[int64]string{
		1: "Logged 2 trials for A.B. (S101) G1: 2/2 correct, 2 independent.",
		2: "Logged 1 trial for A.B. (S101) G1: 1/1 correct, 1 independent.",
		3: "Logged transition for A.B. (S101): class → gym, verbal.",
		4: "Note about A.B. (S101) sent to T. Note: kept",
	} {
		if e, err := s.Entry(ctx, id); err != nil || e.Summary != want {
			t.Errorf("Entry(%d) = %q, %v; want summary %q", id, e.Summary, err, want)
		}
	}
	sessions, err := s.Sessions(ctx, storage.Filter{StudentID: 1})
	if err != nil || len(sessions) != 2 || sessions[0].Note != "was tired" || sessions[1].Note != "" {
		t.Errorf("Sessions = %+v, %v; want the first's note %q, the second's none", sessions, err, "was tired")
	}
	trs, err := s.Transitions(ctx, storage.Filter{StudentID: 1})
	if err != nil || len(trs) != 1 || trs[0].Note != "ran ahead" || trs[0].Prompt != storage.Verbal {
		t.Errorf("Transitions = %+v, %v; want the note %q and the prompt kept", trs, err, "ran ahead")
	}
}

// MakeUnmarked puts into s, a new database, what one from before
// migrations 0090 and 0091 held: the sample roster with S104 purged
// (inactive, its names blank) and S103 retired but not purged;
// tlopez's Slack id given by an import and kokafor's linked by email
// (with its audit row); and then the marks those migrations add taken
// away again. exec runs SQL on s's database. The engine's test reopens
// the database, which runs the two migrations, and calls CheckMarked.
func MakeUnmarked(t *testing.T, s storage.Store, exec func(t *testing.T, query string)) {
	t.Helper()
	ctx := context.Background()
	f := load(t, s)
	must(t, "LinkIdentity", s.LinkIdentity(ctx, storage.Identity{StaffID: f.staff["kokafor"].ID, Platform: storage.PlatformSlack, UserID: "U0KOKAFOR"}))
	for _, q := range []string{
		`UPDATE students SET active = (1 = 0), left_on = '2020-06-01' WHERE code IN ('S103', 'S104')`,
		`UPDATE students SET initials = '', first_name = '', last_name = '', grade = '' WHERE code = 'S104'`,
		`DELETE FROM schema_migrations WHERE version IN (90, 91)`,
		`ALTER TABLE students DROP COLUMN purged`,
		`ALTER TABLE identities DROP COLUMN from_roster`,
	} {
		exec(t, q)
	}
}

// CheckMarked checks a database MakeUnmarked prepared, once migrated: an
// import leaves the purged S104 as it is and brings S103's row up to
// date; a staff row without a Slack id takes back tlopez's (the roster
// gave it) but not kokafor's (linked by email).
func CheckMarked(t *testing.T, s storage.Store) {
	t.Helper()
	ctx := context.Background()
	r := SampleRoster()
	r.Students[2].Active, r.Students[3].Active = false, false
	r.Students[2].Grade = "2"
	for i := range r.Staff {
		r.Staff[i].SlackID, r.Staff[i].SlackIDColumn = "", true
	}
	res := of(s.ImportRoster(ctx, r)).must(t, "ImportRoster after migrating")
	if res.Purged != 1 || fmt.Sprint(res.Updated) != "map[identities:2 students:1]" {
		t.Errorf("ImportRoster after migrating = %+v, want S104 left as purged, S103 and two Slack ids updated", res)
	}
	schools := of(s.Schools(ctx)).must(t, "Schools")
	s104 := of(s.StudentByCode(ctx, schools[0].ID, "S104")).must(t, "StudentByCode S104")
	if s104.FirstName != "" || s104.Initials != "" {
		t.Errorf("S104 after the import = %+v, want it as Purge left it", s104)
	}
	if s103 := of(s.StudentByCode(ctx, schools[0].ID, "S103")).must(t, "StudentByCode S103"); s103.Grade != "2" {
		t.Errorf("S103's grade after the import = %q, want 2", s103.Grade)
	}
	if _, err := s.StaffByIdentity(ctx, storage.PlatformSlack, "U0TLOPEZ"); !errors.Is(err, storage.ErrNotFound) {
		t.Errorf("tlopez's Slack id after an import without it: %v, want it unlinked", err)
	}
	if st, err := s.StaffByIdentity(ctx, storage.PlatformSlack, "U0KOKAFOR"); err != nil || st.Handle != "kokafor" {
		t.Errorf("kokafor's Slack id linked by email = %+v, %v; want kept", st, err)
	}
}
