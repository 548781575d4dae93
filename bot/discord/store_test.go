package discord

import (
	"context"
	"fmt"
	"sync/atomic"
	"testing"
	"time"

	"parabot/bot"
	"parabot/storage"
	"parabot/storage/storagetest"
)

// testSchool is the school of the unit tests.
const testSchool = "Lincoln Elementary"

// testRoster is the school of the unit tests: para jrivera (on Discord as
// paraDiscord) has Ava (S101, goals G1 and G2) and Ben (S102, goal G1) on
// the caseload; Cora (S103, goal G7) is not; pkim is an admin.
func testRoster() storage.Roster {
	goal := func(code, text string) storage.Goal {
		return storage.Goal{Code: code, Text: text, Domain: storage.DomainAcademic, Measurement: "percent correct",
			MasteryPercent: 80, MasterySessions: 3, MasteryMinTrials: 5, StartDate: "2026-09-08", EndDate: "2027-06-18", Active: true}
	}
	return storage.Roster{
		Schools: []storage.School{{Name: testSchool, TimeZone: "America/New_York",
			YearStart: "2026-08-31", YearEnd: "2027-06-18", DayStart: "08:15", Dismissal: "15:05"}},
		Staff: []storage.RosterStaff{
			{School: testSchool, Handle: "jrivera", Name: "Jo Rivera", Role: storage.RolePara, DiscordID: paraDiscord, Active: true},
			{School: testSchool, Handle: "pkim", Name: "Pat Kim", Role: storage.RoleAdmin, Active: true},
		},
		Students: []storage.RosterStudent{
			{School: testSchool, Code: "S101", Initials: "A.B.", FirstName: "Ava", LastName: "Brooks", Active: true},
			{School: testSchool, Code: "S102", Initials: "B.C.", FirstName: "Ben", LastName: "Carter", Active: true},
			{School: testSchool, Code: "S103", Initials: "C.D.", FirstName: "Cora", LastName: "Diaz", Active: true},
		},
		Goals: []storage.RosterGoal{
			{StudentCode: "S101", Goal: goal("G1", "Reads CVC words")},
			{StudentCode: "S101", Goal: goal("G2", "Asks for a break")},
			{StudentCode: "S102", Goal: goal("G1", "Counts to 20")},
			{StudentCode: "S103", Goal: goal("G7", "Ties shoes")},
		},
		Assignments: []storage.RosterAssignment{
			{StaffHandle: "jrivera", StudentCode: "S101", Kind: storage.AssignPara, Active: true},
			{StaffHandle: "jrivera", StudentCode: "S102", Kind: storage.AssignPara, Active: true},
		},
	}
}

// newStore opens a real SQLite store in a temporary directory with
// testRoster imported.
func newStore(tb testing.TB) storage.Store {
	tb.Helper()
	db := storagetest.OpenSQLite(tb)
	if _, err := db.ImportRoster(context.Background(), testRoster()); err != nil {
		tb.Fatalf("importing the test roster: %v", err)
	}
	return db
}

// countingStore is a real store that counts every call made through it,
// to prove a refused request touches nothing.
type countingStore struct {
	storage.Store
	calls atomic.Int64
}

func (c *countingStore) tick() { c.calls.Add(1) }

func (c *countingStore) Engine() string { c.tick(); return c.Store.Engine() }
func (c *countingStore) Close() error   { c.tick(); return c.Store.Close() }
func (c *countingStore) Ping(ctx context.Context) error {
	c.tick()
	return c.Store.Ping(ctx)
}
func (c *countingStore) ImportRoster(ctx context.Context, r storage.Roster) (storage.ImportResult, error) {
	c.tick()
	return c.Store.ImportRoster(ctx, r)
}
func (c *countingStore) School(ctx context.Context, id int64) (storage.School, error) {
	c.tick()
	return c.Store.School(ctx, id)
}
func (c *countingStore) Schools(ctx context.Context) ([]storage.School, error) {
	c.tick()
	return c.Store.Schools(ctx)
}
func (c *countingStore) StaffByIdentity(ctx context.Context, p storage.Platform, userID string) (storage.Staff, error) {
	c.tick()
	return c.Store.StaffByIdentity(ctx, p, userID)
}
func (c *countingStore) StaffByEmail(ctx context.Context, email string) (storage.Staff, error) {
	c.tick()
	return c.Store.StaffByEmail(ctx, email)
}
func (c *countingStore) LinkIdentity(ctx context.Context, id storage.Identity) error {
	c.tick()
	return c.Store.LinkIdentity(ctx, id)
}
func (c *countingStore) Identities(ctx context.Context, staffID int64) ([]storage.Identity, error) {
	c.tick()
	return c.Store.Identities(ctx, staffID)
}
func (c *countingStore) StaffMember(ctx context.Context, id int64) (storage.Staff, error) {
	c.tick()
	return c.Store.StaffMember(ctx, id)
}
func (c *countingStore) ListStaff(ctx context.Context, schoolID int64) ([]storage.Staff, error) {
	c.tick()
	return c.Store.ListStaff(ctx, schoolID)
}
func (c *countingStore) Caseload(ctx context.Context, staffID int64) ([]storage.Student, error) {
	c.tick()
	return c.Store.Caseload(ctx, staffID)
}
func (c *countingStore) Students(ctx context.Context, schoolID int64) ([]storage.Student, error) {
	c.tick()
	return c.Store.Students(ctx, schoolID)
}
func (c *countingStore) Student(ctx context.Context, id int64) (storage.Student, error) {
	c.tick()
	return c.Store.Student(ctx, id)
}
func (c *countingStore) StudentTeam(ctx context.Context, studentID int64) ([]storage.TeamMember, error) {
	c.tick()
	return c.Store.StudentTeam(ctx, studentID)
}
func (c *countingStore) Goals(ctx context.Context, studentID int64) ([]storage.Goal, error) {
	c.tick()
	return c.Store.Goals(ctx, studentID)
}
func (c *countingStore) Duties(ctx context.Context, schoolID int64) ([]storage.Duty, error) {
	c.tick()
	return c.Store.Duties(ctx, schoolID)
}
func (c *countingStore) CalendarDays(ctx context.Context, schoolID int64, from, to string) ([]storage.CalendarDay, error) {
	c.tick()
	return c.Store.CalendarDays(ctx, schoolID, from, to)
}
func (c *countingStore) LogTrials(ctx context.Context, b storage.TrialBatch, jobs []storage.Job) (storage.Entry, error) {
	c.tick()
	return c.Store.LogTrials(ctx, b, jobs)
}
func (c *countingStore) LogIncident(ctx context.Context, in storage.Incident, jobs []storage.Job) (storage.Entry, error) {
	c.tick()
	return c.Store.LogIncident(ctx, in, jobs)
}
func (c *countingStore) LogTransition(ctx context.Context, t storage.Transition, jobs []storage.Job) (storage.Entry, error) {
	c.tick()
	return c.Store.LogTransition(ctx, t, jobs)
}
func (c *countingStore) LogNote(ctx context.Context, n storage.Note, jobs []storage.Job) (storage.Entry, error) {
	c.tick()
	return c.Store.LogNote(ctx, n, jobs)
}
func (c *countingStore) Entry(ctx context.Context, id int64) (storage.Entry, error) {
	c.tick()
	return c.Store.Entry(ctx, id)
}
func (c *countingStore) LastEntry(ctx context.Context, staffID int64) (storage.Entry, error) {
	c.tick()
	return c.Store.LastEntry(ctx, staffID)
}
func (c *countingStore) DeactivateEntry(ctx context.Context, entryID, byStaffID int64, reason string, at time.Time, jobs []storage.Job) error {
	c.tick()
	return c.Store.DeactivateEntry(ctx, entryID, byStaffID, reason, at, jobs)
}
func (c *countingStore) UpdateIncident(ctx context.Context, in storage.Incident, byStaffID int64, at time.Time) error {
	c.tick()
	return c.Store.UpdateIncident(ctx, in, byStaffID, at)
}
func (c *countingStore) IncidentVersions(ctx context.Context, incidentID int64) ([]storage.IncidentVersion, error) {
	c.tick()
	return c.Store.IncidentVersions(ctx, incidentID)
}
func (c *countingStore) Trials(ctx context.Context, f storage.Filter) ([]storage.Trial, error) {
	c.tick()
	return c.Store.Trials(ctx, f)
}
func (c *countingStore) Incidents(ctx context.Context, f storage.Filter) ([]storage.Incident, error) {
	c.tick()
	return c.Store.Incidents(ctx, f)
}
func (c *countingStore) Transitions(ctx context.Context, f storage.Filter) ([]storage.Transition, error) {
	c.tick()
	return c.Store.Transitions(ctx, f)
}
func (c *countingStore) Notes(ctx context.Context, f storage.Filter) ([]storage.Note, error) {
	c.tick()
	return c.Store.Notes(ctx, f)
}
func (c *countingStore) RecordAudit(ctx context.Context, a storage.AuditEvent) error {
	c.tick()
	return c.Store.RecordAudit(ctx, a)
}
func (c *countingStore) Audit(ctx context.Context, studentID int64) ([]storage.AuditEvent, error) {
	c.tick()
	return c.Store.Audit(ctx, studentID)
}
func (c *countingStore) Enqueue(ctx context.Context, jobs []storage.Job) error {
	c.tick()
	return c.Store.Enqueue(ctx, jobs)
}
func (c *countingStore) Claim(ctx context.Context, key string, at time.Time) (bool, error) {
	c.tick()
	return c.Store.Claim(ctx, key, at)
}
func (c *countingStore) Release(ctx context.Context, key string) error {
	c.tick()
	return c.Store.Release(ctx, key)
}

// testCommands declares the commands of the unit tests: "log" has a
// parameter of every kind; "slow" and its "again" button each block until
// they receive from release.
func testCommands(runs *atomic.Int64, release <-chan struct{}) []*bot.Command {
	log := &bot.Command{
		Name:    "log",
		Summary: "Log trials for a student's goal.",
		Params: []bot.Param{
			{Name: "student", Kind: bot.KindStudent, Required: true, Positional: true, Help: "the student's code, initials or first name"},
			{Name: "note", Kind: bot.KindText, MaxLen: 300, Help: "anything else"},
			{Name: "goal", Kind: bot.KindGoal, Required: true, Positional: true, Help: "the goal code, e.g. G2"},
			{Name: "trials", Kind: bot.KindTrials, Required: true, Positional: true, Help: "trial codes, e.g. + + v - +"},
			{Name: "prompt", Kind: bot.KindPrompt, Help: "the prompt level used"},
			{Name: "at", Kind: bot.KindTime, Default: "now", Help: "when it happened"},
			{Name: "count", Kind: bot.KindInt, Min: 1, Max: 5, Help: "a number from 1 to 5"},
			{Name: "ok", Kind: bot.KindBool, Help: "did it go well (yes/no)"},
			{Name: "mood", Kind: bot.KindChoice, Help: "the student's mood",
				Choices: []bot.Choice{{Value: "calm", Label: "Calm"}, {Value: "upset", Label: "Upset"}}},
			{Name: "lasted", Kind: bot.KindDuration, Help: "how long it lasted, e.g. 5m, 90s or 1h30m; this help line is long on purpose, well past Discord's limit of 100"},
			{Name: "tried", Kind: bot.KindList, Help: "strategies tried, comma-separated"},
		},
		Run: func(_ context.Context, c *bot.Call) (bot.Reply, error) {
			runs.Add(1)
			v := c.Values
			return bot.Reply{
				Text: fmt.Sprintf("Logged %d trials of %s for %s, prompt %s, count %d, ok %t, mood %s, lasted %s, tried %v, note %q.",
					len(v.Trials("trials")), v.Goal("goal").Code, v.Student("student").Label(), v.Prompt("prompt"),
					v.Int("count"), v.Bool("ok"), v.Text("mood"), v.Duration("lasted"), v.List("tried"), v.Text("note")),
				Buttons: []bot.Button{{Label: "Undo", Action: "undo", Value: "42", Style: "danger"}},
			}, nil
		},
		Buttons: []bot.ButtonAction{{
			Action: "undo",
			Run: func(_ context.Context, c *bot.PressCall) (bot.Reply, error) {
				runs.Add(1)
				if c.Press.Value != "42" {
					return bot.Reply{}, bot.Errorf("", "That entry no longer exists.")
				}
				return bot.Reply{Text: "Undone: 3 trials of G1 for A.B. (S101)."}, nil
			},
		}},
	}
	slow := &bot.Command{
		Name:    "slow",
		Summary: "Takes its time.",
		Run: func(ctx context.Context, c *bot.Call) (bot.Reply, error) {
			select {
			case <-release:
			case <-ctx.Done():
				return bot.Reply{}, ctx.Err()
			}
			runs.Add(1)
			return bot.Reply{Text: "Finally done.", Buttons: []bot.Button{{Label: "Again", Action: "again", Value: "1"}}}, nil
		},
		Buttons: []bot.ButtonAction{{
			Action: "again",
			Run: func(ctx context.Context, c *bot.PressCall) (bot.Reply, error) {
				select {
				case <-release:
				case <-ctx.Done():
					return bot.Reply{}, ctx.Err()
				}
				if c.Press.Value == "fail" {
					return bot.Reply{}, bot.Errorf("", "Not again.")
				}
				return bot.Reply{Text: "Done again."}, nil
			},
		}},
	}
	return []*bot.Command{log, slow}
}
