package sqlstore

import (
	"cmp"
	"context"
	"errors"
	"fmt"
	"strings"
	"time"

	"parabot/storage"
)

// The logging write: an entry and the one row it holds (a session, an
// incident, a transition or a note). The entry carries the request's
// one-time key (a unique column) and is its own "create" row of the audit
// trail, so logging writes two rows. Each engine runs it its own way
// (LogFunc): Postgres as one statement, SQLite on its group-commit writer
// with prepared statements.

// Col is a column of a record, with its SQL type (Postgres needs it to
// type the arguments of an INSERT ... SELECT).
type Col struct{ Name, Type string }

// Shape is the table a kind of entry keeps its record in, and the
// record's columns besides entry_id, in the order of NewEntry.Args.
type Shape struct {
	Table string
	Cols  []Col
	// Insert inserts one record with $1 the entry id and its columns
	// from $2 on.
	Insert string
}

// newShape makes a Shape and its Insert.
func newShape(table string, cols ...Col) Shape {
	sh := Shape{Table: table, Cols: cols}
	ps := make([]string, len(cols)+1)
	for i := range ps {
		ps[i] = fmt.Sprintf("$%d", i+1)
	}
	sh.Insert = `INSERT INTO ` + table + ` (` + sh.Names() + `) VALUES (` + strings.Join(ps, ", ") + `)`
	return sh
}

// The record shapes, by entry kind.
var (
	SessionShape = newShape("sessions", Col{"goal_id", "BIGINT"}, Col{"student_id", "BIGINT"}, Col{"staff_id", "BIGINT"},
		Col{"at", "TIMESTAMPTZ"}, Col{"type", "TEXT"}, Col{"data", "TEXT"}, Col{"trials", "INTEGER"}, Col{"correct", "INTEGER"},
		Col{"independent", "INTEGER"}, Col{"note", "TEXT"})
	IncidentShape = newShape("incidents", Col{"student_id", "BIGINT"}, Col{"staff_id", "BIGINT"}, Col{"at", "TIMESTAMPTZ"},
		Col{"duration_ns", "BIGINT"}, Col{"setting", "TEXT"}, Col{"antecedent", "TEXT"}, Col{"behavior", "TEXT"},
		Col{"consequence", "TEXT"}, Col{"severity", "INTEGER"}, Col{"strategies", "TEXT"}, Col{"injury", "BOOLEAN"},
		Col{"restraint", "BOOLEAN"}, Col{"seclusion", "BOOLEAN"}, Col{"others", "TEXT"}, Col{"notes", "TEXT"},
		Col{"not_recorded", "TEXT"}, Col{"details", "TEXT"})
	TransitionShape = newShape("transitions", Col{"student_id", "BIGINT"}, Col{"staff_id", "BIGINT"}, Col{"at", "TIMESTAMPTZ"},
		Col{"from_place", "TEXT"}, Col{"to_place", "TEXT"}, Col{"prompt", "INTEGER"}, Col{"latency_ns", "BIGINT"},
		Col{"handoff_to", "TEXT"}, Col{"note", "TEXT"}, Col{"prompt_recorded", "BOOLEAN"})
	NoteShape = newShape("notes", Col{"student_id", "BIGINT"}, Col{"staff_id", "BIGINT"}, Col{"to_staff_id", "BIGINT"},
		Col{"at", "TIMESTAMPTZ"}, Col{"body", "TEXT"})
)

// Shapes lists every record shape, for engines that prepare their inserts.
var Shapes = []Shape{SessionShape, IncidentShape, TransitionShape, NoteShape}

// Names lists the columns, entry_id first.
func (sh Shape) Names() string {
	names := []string{"entry_id"}
	for _, c := range sh.Cols {
		names = append(names, c.Name)
	}
	return strings.Join(names, ", ")
}

// InsertEntrySQL inserts an entry when its staff member may log for its
// student on the school day (MayLogCond): $1 kind, $2 staff_id, $3
// student_id, $4 created_at, $5 summary, $6 once_key (NULL for none), $7
// detail, $8 the school day (YYYY-MM-DD). It inserts nothing when the
// right is gone or the one-time key was used before. SQLite runs it as
// written and reads the last insert id; Postgres types its arguments in a
// statement of its own (storage/postgres).
var InsertEntrySQL = `INSERT INTO entries (kind, staff_id, student_id, created_at, summary, active, once_key, detail)
	SELECT $1, $2, $3, $4, $5, true, $6, $7 WHERE ` + MayLogCond("$2", "$3", "$8") + `
	ON CONFLICT (once_key) DO NOTHING`

// NewEntry is an entry to log: the entry, its audit detail, its one-time
// key and its record.
type NewEntry struct {
	Entry  storage.Entry
	Detail string
	Once   string
	Shape  Shape
	Args   []any
	// Day is the school day (YYYY-MM-DD) the right to log is checked on
	// (covers hold for a day).
	Day string
	// Then, when set, runs in the logging transaction after the record
	// is inserted and before the jobs are: what the entry opens.
	Then func(ctx context.Context, x Executor, entryID int64) error
}

// EntryArgs are InsertEntrySQL's arguments.
func (n NewEntry) EntryArgs(d Dialect) []any {
	var once any
	if n.Once != "" {
		once = n.Once
	}
	e := n.Entry
	return []any{string(e.Kind), e.StaffID, e.StudentID, d.Time(e.CreatedAt), e.Summary, once, n.Detail}
}

// LogFunc is an engine's logging write: it writes n's entry and record
// and inserts jobs, all or nothing, and returns the entry's id. When the
// one-time key was used before it writes nothing and returns
// storage.ErrDuplicate; when the staff member may not log for the student
// (MayLogCond, checked in the write's own transaction) it writes nothing
// and returns storage.ErrNoAccess.
type LogFunc func(ctx context.Context, n NewEntry, jobs []storage.Job) (int64, error)

// log fills in what every entry has and runs the engine's write.
func (s *Store) log(ctx context.Context, n NewEntry, jobs []storage.Job) (storage.Entry, error) {
	n.Entry.CreatedAt = n.Entry.CreatedAt.UTC().Truncate(time.Microsecond) // stored to the microsecond
	n.Entry.Active = true
	n.Once = storage.OnceKey(ctx)
	n.Day = cmp.Or(storage.SchoolDay(ctx), n.Entry.CreatedAt.Format(time.DateOnly))
	id, err := s.logf(ctx, n, jobs)
	if err != nil {
		return storage.Entry{}, fmt.Errorf("logging %s: %w", n.Entry.Kind, err)
	}
	n.Entry.ID = id
	return n.Entry, nil
}

// LogTrials stores a batch of trials of one goal as one entry holding one
// session.
func (s *Store) LogTrials(ctx context.Context, b storage.TrialBatch, jobs []storage.Job) (storage.Entry, error) {
	if len(b.Results) == 0 {
		return storage.Entry{}, errors.New("logging trials: no trials in the batch")
	}
	return s.LogSession(ctx, storage.SessionLog{GoalID: b.GoalID, StudentID: b.StudentID, StaffID: b.StaffID, At: b.At,
		Values: storage.SessionValues{Type: storage.MeasureTrials, Results: b.Results}, Summary: b.Summary, Note: b.Note,
		LoggedAt: b.LoggedAt}, jobs)
}

// LogSession stores one session of a goal, of any measurement type, as
// one entry; the entry's kind is "trials" (goal data) whatever the type.
func (s *Store) LogSession(ctx context.Context, se storage.SessionLog, jobs []storage.Job) (storage.Entry, error) {
	v := se.Values
	if err := v.Check(); err != nil {
		return storage.Entry{}, fmt.Errorf("logging a session of goal %d: %w", se.GoalID, err)
	}
	trials, correct, independent := v.Counts()
	return s.log(ctx, NewEntry{
		Entry: storage.Entry{Kind: storage.EntryTrials, StaffID: se.StaffID, StudentID: se.StudentID,
			CreatedAt: storage.LoggedTime(se.LoggedAt, se.At), Summary: se.Summary},
		Detail: fmt.Sprintf("goal_id=%d type=%s trials=%d", se.GoalID, v.Type, trials),
		Shape:  SessionShape,
		Args: []any{se.GoalID, se.StudentID, se.StaffID, s.d.Time(se.At), string(v.Type),
			string(v.Data()), trials, correct, independent, se.Note},
	}, jobs)
}

// LogIncident stores one incident as one entry.
func (s *Store) LogIncident(ctx context.Context, in storage.Incident, jobs []storage.Job) (storage.Entry, error) {
	return s.log(ctx, s.incidentEntry(in), jobs)
}

// LogIncidentOpening stores one incident as one entry and, in the same
// transaction, the escalation and parent-notice task it opens, with
// their jobs.
func (s *Store) LogIncidentOpening(ctx context.Context, in storage.Incident, jobs []storage.Job, open storage.IncidentOpens) (storage.IncidentOpened, error) {
	var out storage.IncidentOpened
	// The write inserts its jobs after Then: Then fills the slots after
	// jobs with those that name the new ids (again if the write reruns).
	var escJobs, noticeJobs int
	if open.Escalation != nil {
		escJobs = len(open.EscalationJobs(*open.Escalation))
	}
	if open.Notice != nil {
		noticeJobs = len(open.NoticeJobs(*open.Notice))
	}
	var debriefJobs int
	if open.Debrief != nil {
		debriefJobs = len(open.DebriefJobs(*open.Debrief))
	}
	all := make([]storage.Job, len(jobs)+escJobs+noticeJobs+debriefJobs)
	copy(all, jobs)
	n := s.incidentEntry(in)
	n.Then = func(ctx context.Context, x Executor, entryID int64) error {
		out = storage.IncidentOpened{}
		if err := x.QueryRow(ctx, `SELECT id FROM incidents WHERE entry_id = $1`, entryID).Scan(&out.IncidentID); err != nil {
			return fmt.Errorf("reading the incident's id: %w", err)
		}
		if open.Escalation != nil {
			e := *open.Escalation
			e.IncidentID = out.IncidentID
			e, err := s.insertEscalation(ctx, x, e)
			if err != nil {
				return fmt.Errorf("opening escalation: %w", err)
			}
			out.Escalation = e
			copy(all[len(jobs):], open.EscalationJobs(e))
		}
		if open.Notice != nil {
			nt := *open.Notice
			nt.IncidentID = out.IncidentID
			nt, err := s.insertNotice(ctx, x, nt)
			if err != nil {
				return fmt.Errorf("opening parent notice: %w", err)
			}
			out.Notice = nt
			copy(all[len(jobs)+escJobs:], open.NoticeJobs(nt))
		}
		if open.Debrief != nil {
			db := *open.Debrief
			db.IncidentID = out.IncidentID
			db, err := s.insertDebrief(ctx, x, db)
			if err != nil {
				return fmt.Errorf("opening debrief: %w", err)
			}
			out.Debrief = db
			copy(all[len(jobs)+escJobs+noticeJobs:], open.DebriefJobs(db))
		}
		return nil
	}
	e, err := s.log(ctx, n, all)
	if err != nil {
		return storage.IncidentOpened{}, err
	}
	out.Entry = e
	return out, nil
}

// incidentEntry is the entry that logs an incident.
func (s *Store) incidentEntry(in storage.Incident) NewEntry {
	return NewEntry{
		Entry: storage.Entry{Kind: storage.EntryIncident, StaffID: in.StaffID, StudentID: in.StudentID,
			CreatedAt: storage.LoggedTime(in.LoggedAt, in.At), Summary: in.Summary},
		Detail: fmt.Sprintf("severity=%d severe=%t", in.Severity, in.Severe()),
		Shape:  IncidentShape,
		Args: []any{in.StudentID, in.StaffID, s.d.Time(in.At), int64(in.Duration), in.Setting, in.Antecedent, in.Behavior,
			in.Consequence, in.Severity, encodeList(in.Strategies), in.Injury, in.Restraint, in.Seclusion,
			encodeList(in.Others), in.Notes, encodeList(in.NotRecorded), encodeDetails(in.Details)},
	}
}

// LogTransition stores one transition as one entry.
func (s *Store) LogTransition(ctx context.Context, t storage.Transition, jobs []storage.Job) (storage.Entry, error) {
	return s.log(ctx, NewEntry{
		Entry: storage.Entry{Kind: storage.EntryTransition, StaffID: t.StaffID, StudentID: t.StudentID,
			CreatedAt: storage.LoggedTime(t.LoggedAt, t.At), Summary: t.Summary},
		Shape: TransitionShape,
		Args: []any{t.StudentID, t.StaffID, s.d.Time(t.At), t.From, t.To, max(0, int(t.Prompt)), int64(t.Latency),
			t.HandoffTo, t.Note, t.Prompt != storage.PromptNotRecorded},
	}, jobs)
}

// LogNote stores one note as one entry.
func (s *Store) LogNote(ctx context.Context, n storage.Note, jobs []storage.Job) (storage.Entry, error) {
	return s.log(ctx, NewEntry{
		Entry: storage.Entry{Kind: storage.EntryNote, StaffID: n.StaffID, StudentID: n.StudentID,
			CreatedAt: storage.LoggedTime(n.LoggedAt, n.At), Summary: n.Summary},
		Detail: fmt.Sprintf("to_staff_id=%d", n.ToStaffID),
		Shape:  NoteShape,
		Args:   []any{n.StudentID, n.StaffID, nullID(n.ToStaffID), s.d.Time(n.At), n.Text},
	}, jobs)
}
