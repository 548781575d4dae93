package scheduler

import (
	"context"
	"fmt"
	"slices"
	"strings"
	"testing"
	"time"

	"parabot/storage"
	"parabot/storage/postgres"
	"parabot/storage/sqlite"
	"parabot/storage/storagetest"
	"parabot/summary"
)

// The weekly summary benchmark: a teacher with 12 students and 48 goals
// (4 each), at the end of a school year whose sessions of 5 trials a
// school day, for every goal of the district's students, add up to the
// trials named. Each size is measured for the summary (reading through
// progress.Reader, with its access-log rows, and summarizing, channel and
// private replies rendered; the charts are measured by summary's own
// benchmark) and for the bare SQL that reads the same rows; "x-bare" is
// the ratio, also measured with the two taken in turns (the median of
// the turns' ratios), which a shared machine's moving load disturbs
// less. The data is made by one bulk INSERT ... SELECT per table, in the
// setup, which runs only under -bench.
//
//	go test -run=NONE -bench=WeeklySummary ./scheduler/
func BenchmarkWeeklySummary(b *testing.B) {
	for _, trials := range []int{50_000, 500_000, 5_000_000} {
		b.Run(fmt.Sprintf("sqlite/trials=%d", trials), func(b *testing.B) {
			db := storagetest.OpenSQLite(b)
			benchWeekly(b, db, trials, func(q string, args ...any) error { _, err := db.SQL().Exec(q, args...); return err }, sqliteBare(db))
		})
		b.Run(fmt.Sprintf("postgres/trials=%d", trials), func(b *testing.B) {
			db := storagetest.OpenPostgres(b)
			benchWeekly(b, db, trials, func(q string, args ...any) error {
				_, err := db.Pool().Exec(context.Background(), q, args...)
				return err
			}, postgresBare(db))
		})
	}
}

const (
	benchTrialsPerSession = 5
	benchGoals            = 4
	benchFirstDay         = "2026-09-01"
	benchDays             = 280 // calendar days from benchFirstDay: to early June
)

// benchRoster is one school of n students with four goals each; the
// first 12 are on teacher "bench"'s caseload, the rest on "others"'.
func benchRoster(n int) storage.Roster {
	const school = "Bench District School"
	r := storage.Roster{
		Schools: []storage.School{{Name: school, TimeZone: "America/New_York", YearStart: "2026-08-31", YearEnd: "2027-06-18", DayStart: "08:30", Dismissal: "15:10"}},
		Staff: []storage.RosterStaff{
			{School: school, Handle: "bench", Name: "Bench Teacher", Email: "bench@bench.example", Role: storage.RoleTeacher, Channel: "bench-class", Active: true},
			{School: school, Handle: "others", Name: "Other Teacher", Email: "others@bench.example", Role: storage.RoleTeacher, Active: true},
		},
	}
	for i := 0; i < n; i++ {
		code := fmt.Sprintf("B%05d", i+1)
		r.Students = append(r.Students, storage.RosterStudent{School: school, Code: code, Initials: "X.Y.", FirstName: "First", LastName: fmt.Sprint("Last", i), Grade: "3", Active: true})
		for g := 1; g <= benchGoals; g++ {
			r.Goals = append(r.Goals, storage.RosterGoal{School: school, StudentCode: code, Goal: storage.Goal{
				Code: fmt.Sprintf("G%d", g), Text: "Will answer with 80% accuracy.", Domain: storage.DomainAcademic, Measurement: "percent correct",
				MasteryPercent: 80, MasterySessions: 3, MasteryMinTrials: 5, StartDate: benchFirstDay, EndDate: "2027-06-18", Active: true}})
		}
		teacher := "others"
		if i < 12 {
			teacher = "bench"
		}
		r.Assignments = append(r.Assignments, storage.RosterAssignment{StaffHandle: teacher, StudentCode: code, School: school, Kind: storage.AssignTeacher, Active: true})
	}
	return r
}

// benchSessions are the bulk inserts of every goal's sessions, one a
// weekday at 10:00 UTC from benchFirstDay, with 5 trials each, by engine.
var benchSessions = map[string][]string{
	"sqlite": {
		`WITH RECURSIVE d(n) AS (SELECT 0 UNION ALL SELECT n + 1 FROM d WHERE n < ` + fmt.Sprint(benchDays-1) + `),
		days(day) AS (SELECT date('` + benchFirstDay + `', '+' || n || ' days') FROM d WHERE strftime('%w', '` + benchFirstDay + `', '+' || n || ' days') NOT IN ('0', '6'))
		INSERT INTO entries (kind, staff_id, student_id, created_at, summary, detail)
		SELECT 'trials', $1, g.student_id, days.day || 'T10:00:00.000000Z', 'g' || g.id, '' FROM goals g, days ORDER BY days.day, g.id`,
		`INSERT INTO sessions (entry_id, goal_id, student_id, staff_id, at, type, data, trials, correct, independent, active)
		SELECT e.id, CAST(substr(e.summary, 2) AS INTEGER), e.student_id, e.staff_id, e.created_at, 'trials',
		'[["correct",0],["correct",1],["incorrect",2],["correct",0],["correct",0]]', 5, 4, 3, 1 FROM entries e WHERE e.kind = 'trials'`,
	},
	"postgres": {
		`INSERT INTO entries (kind, staff_id, student_id, created_at, summary, detail)
		SELECT 'trials', $1, g.student_id, (d::date + time '10:00') AT TIME ZONE 'UTC', 'g' || g.id, ''
		FROM goals g, generate_series(date '` + benchFirstDay + `', date '` + benchFirstDay + `' + ` + fmt.Sprint(benchDays-1) + `, interval '1 day') d
		WHERE extract(isodow FROM d) < 6 ORDER BY d, g.id`,
		`INSERT INTO sessions (entry_id, goal_id, student_id, staff_id, at, type, data, trials, correct, independent, active)
		SELECT e.id, substr(e.summary, 2)::bigint, e.student_id, e.staff_id, e.created_at, 'trials',
		'[["correct",0],["correct",1],["incorrect",2],["correct",0],["correct",0]]', 5, 4, 3, true FROM entries e WHERE e.kind = 'trials'`,
	},
}

// bareRead reads the rows the summary reads, for the students given, in
// plain SQL on the engine's own driver, scanning every column.
type bareRead func(ctx context.Context, ids []int64, from, to time.Time) (int, error)

func benchWeekly(b *testing.B, store storage.Store, trials int, exec func(string, ...any) error, bare bareRead) {
	ctx := context.Background()
	weekdays := 0
	first, _ := time.Parse(time.DateOnly, benchFirstDay)
	for i := 0; i < benchDays; i++ {
		if wd := first.AddDate(0, 0, i).Weekday(); wd != time.Saturday && wd != time.Sunday {
			weekdays++
		}
	}
	students := max(12, trials/(benchGoals*weekdays*benchTrialsPerSession))
	if _, err := store.ImportRoster(ctx, benchRoster(students)); err != nil {
		b.Fatal(err)
	}
	teacher, err := store.StaffByHandle(ctx, "bench")
	if err != nil {
		b.Fatal(err)
	}
	for _, q := range benchSessions[store.Engine()] {
		var args []any
		if strings.Contains(q, "$1") {
			args = append(args, teacher.ID)
		}
		if err := exec(q, args...); err != nil {
			b.Fatalf("bulk insert: %v", err)
		}
	}
	school, err := store.School(ctx, teacher.SchoolID)
	if err != nil {
		b.Fatal(err)
	}
	caseload, err := store.Caseload(ctx, teacher.ID)
	if err != nil || len(caseload) != 12 {
		b.Fatalf("caseload %d: %v", len(caseload), err)
	}
	loc := school.Location()
	last := first.AddDate(0, 0, benchDays-1)
	for last.Weekday() != time.Friday {
		last = last.AddDate(0, 0, -1)
	}
	day := time.Date(last.Year(), last.Month(), last.Day(), 0, 0, 0, 0, loc)
	period := summary.WeekPeriod(day, loc)
	at := day.Add(16 * time.Hour)
	ids := make([]int64, len(caseload))
	for i, s := range caseload {
		ids[i] = s.ID
	}
	yearStart, _ := time.ParseInLocation(time.DateOnly, school.YearStart, loc)
	end := day.AddDate(0, 0, 1)

	weekly := func(b *testing.B) {
		sums, _, err := teacherSummaries(ctx, store, teacher, caseload, period, reasonWeeklySummary, at)
		if err != nil || len(sums) != 12 {
			b.Fatalf("%d summaries: %v", len(sums), err)
		}
		_ = summary.ChannelReply(sums)
		_ = summary.PrivateReply(sums, nil)
	}
	bareRows := func(b *testing.B) {
		n, err := bare(ctx, ids, yearStart, end)
		if err != nil || n == 0 {
			b.Fatalf("%d rows: %v", n, err)
		}
	}
	var summaryNs, bareNs float64
	b.Run("summary", func(b *testing.B) {
		for b.Loop() {
			weekly(b)
		}
		summaryNs = float64(b.Elapsed().Nanoseconds()) / float64(b.N)
	})
	b.Run("bare", func(b *testing.B) {
		for b.Loop() {
			bareRows(b)
		}
		bareNs = float64(b.Elapsed().Nanoseconds()) / float64(b.N)
	})
	// The ratio, measured with the two taken in turns: on a shared
	// machine whose load moves between the runs above, the median of
	// the turns' ratios is what compares the two.
	var ratios []float64
	b.Run("x-bare", func(b *testing.B) {
		ratios = ratios[:0]
		for b.Loop() {
			t0 := time.Now()
			weekly(b)
			t1 := time.Now()
			bareRows(b)
			ratios = append(ratios, float64(t1.Sub(t0))/float64(time.Since(t1)))
		}
		slices.Sort(ratios)
		b.ReportMetric(ratios[len(ratios)/2], "x-bare")
	})
	if bareNs > 0 && len(ratios) > 0 {
		b.Logf("%s, %d trials (%d students): summary %.1f ms, bare SQL %.1f ms, %.2f x-bare (in turns: median %.2f x-bare over %d)",
			store.Engine(), students*benchGoals*weekdays*benchTrialsPerSession, students, summaryNs/1e6, bareNs/1e6, summaryNs/bareNs,
			ratios[len(ratios)/2], len(ratios))
	}
}

// The bare reads: the teacher's students' sessions, incidents,
// transitions and notes since the year's start, one query a kind.
const (
	bareSessions    = `SELECT entry_id, goal_id, student_id, staff_id, at, type, data, trials, correct, independent, active FROM sessions WHERE student_id = ANY($1) AND at >= $2 AND at < $3 AND active ORDER BY at, entry_id`
	bareIncidents   = `SELECT entry_id, student_id, staff_id, at FROM incidents WHERE student_id = ANY($1) AND at >= $2 AND at < $3 AND active`
	bareTransitions = `SELECT entry_id, student_id, staff_id, at FROM transitions WHERE student_id = ANY($1) AND at >= $2 AND at < $3 AND active`
	bareNotes       = `SELECT entry_id, student_id, staff_id, at, body FROM notes WHERE student_id = ANY($1) AND at >= $2 AND at < $3 AND active`
)

func postgresBare(db *postgres.DB) bareRead {
	return func(ctx context.Context, ids []int64, from, to time.Time) (int, error) {
		n := 0
		for _, q := range []string{bareSessions, bareIncidents, bareTransitions, bareNotes} {
			rows, err := db.Pool().Query(ctx, q, ids, from, to)
			if err != nil {
				return n, err
			}
			for rows.Next() {
				if _, err := rows.Values(); err != nil {
					rows.Close()
					return n, err
				}
				n++
			}
			rows.Close()
			if err := rows.Err(); err != nil {
				return n, err
			}
		}
		return n, nil
	}
}

func sqliteBare(db *sqlite.DB) bareRead {
	return func(ctx context.Context, ids []int64, from, to time.Time) (int, error) {
		list := ""
		for i, id := range ids {
			if i > 0 {
				list += ","
			}
			list += fmt.Sprint(id)
		}
		n := 0
		for _, q := range []string{bareSessions, bareIncidents, bareTransitions, bareNotes} {
			q = replaceAny(q, list)
			rows, err := db.SQL().QueryContext(ctx, q, from.UTC().Format("2006-01-02T15:04:05.000000Z"), to.UTC().Format("2006-01-02T15:04:05.000000Z"))
			if err != nil {
				return n, err
			}
			cols, _ := rows.Columns()
			vals := make([]any, len(cols))
			ptrs := make([]any, len(cols))
			for i := range vals {
				ptrs[i] = &vals[i]
			}
			for rows.Next() {
				if err := rows.Scan(ptrs...); err != nil {
					rows.Close()
					return n, err
				}
				n++
			}
			rows.Close()
			if err := rows.Err(); err != nil {
				return n, err
			}
		}
		return n, nil
	}
}

// replaceAny turns "student_id = ANY($1)" into an IN list and renumbers
// the other placeholders, for SQLite.
func replaceAny(q, list string) string {
	var out []byte
	for i := 0; i < len(q); i++ {
		switch {
		case len(q) >= i+len("= ANY($1)") && q[i:i+len("= ANY($1)")] == "= ANY($1)":
			out = append(out, "IN ("+list+")"...)
			i += len("= ANY($1)") - 1
		case q[i] == '$' && i+1 < len(q):
			out = append(out, '$', q[i+1]-1)
			i++
		default:
			out = append(out, q[i])
		}
	}
	return string(out)
}
