package discord

import (
	"context"
	"fmt"
	"sync"
	"sync/atomic"
	"time"

	"parabot/bot"
	"parabot/storage"
)

// memStore is the part of storage.Store the router and the adapter use,
// in memory, for the adapter's unit tests; the end-to-end tests use the
// real engines. Any other method panics (the embedded nil interface).
type memStore struct {
	storage.Store

	mu     sync.Mutex
	claims map[string]bool
	calls  atomic.Int64 // every call, to prove refused requests touch nothing
}

var (
	memSchool = storage.School{ID: 1, Name: "Lincoln Elementary", TimeZone: "America/New_York",
		YearStart: "2026-08-31", YearEnd: "2027-06-18", DayStart: "08:15", Dismissal: "15:05"}
	memPara  = storage.Staff{ID: 10, SchoolID: 1, Handle: "jrivera", Name: "Jo Rivera", Role: storage.RolePara, Active: true}
	memAdmin = storage.Staff{ID: 11, SchoolID: 1, Handle: "pkim", Name: "Pat Kim", Role: storage.RoleAdmin, Active: true}
	// Ava and Ben are on the para's caseload; Cora is not.
	memAva  = storage.Student{ID: 100, SchoolID: 1, Code: "S101", Initials: "A.B.", FirstName: "Ava", LastName: "Brooks", Active: true}
	memBen  = storage.Student{ID: 101, SchoolID: 1, Code: "S102", Initials: "B.C.", FirstName: "Ben", LastName: "Carter", Active: true}
	memCora = storage.Student{ID: 102, SchoolID: 1, Code: "S103", Initials: "C.D.", FirstName: "Cora", LastName: "Diaz", Active: true}
	memGoal = map[int64][]storage.Goal{
		100: {{ID: 1000, StudentID: 100, Code: "G1", Text: "Reads CVC words", Active: true}, {ID: 1001, StudentID: 100, Code: "G2", Text: "Asks for a break", Active: true}},
		101: {{ID: 1010, StudentID: 101, Code: "G1", Text: "Counts to 20", Active: true}},
		102: {{ID: 1020, StudentID: 102, Code: "G7", Text: "Ties shoes", Active: true}},
	}
)

func newMemStore() *memStore { return &memStore{claims: map[string]bool{}} }

func (m *memStore) touch() { m.calls.Add(1) }

func (m *memStore) Claim(_ context.Context, key string, _ time.Time) (bool, error) {
	m.touch()
	m.mu.Lock()
	defer m.mu.Unlock()
	if m.claims[key] {
		return false, nil
	}
	m.claims[key] = true
	return true, nil
}

func (m *memStore) Release(_ context.Context, key string) error {
	m.touch()
	m.mu.Lock()
	defer m.mu.Unlock()
	delete(m.claims, key)
	return nil
}

func (m *memStore) StaffByIdentity(_ context.Context, p storage.Platform, userID string) (storage.Staff, error) {
	m.touch()
	if p == storage.PlatformDiscord && userID == paraDiscord {
		return memPara, nil
	}
	return storage.Staff{}, storage.ErrNotFound
}

func (m *memStore) Schools(context.Context) ([]storage.School, error) {
	m.touch()
	return []storage.School{memSchool}, nil
}

func (m *memStore) School(_ context.Context, id int64) (storage.School, error) {
	m.touch()
	if id != memSchool.ID {
		return storage.School{}, storage.ErrNotFound
	}
	return memSchool, nil
}

func (m *memStore) ListStaff(context.Context, int64) ([]storage.Staff, error) {
	m.touch()
	return []storage.Staff{memPara, memAdmin}, nil
}

func (m *memStore) Caseload(_ context.Context, staffID int64) ([]storage.Student, error) {
	m.touch()
	if staffID == memPara.ID {
		return []storage.Student{memAva, memBen}, nil
	}
	return nil, nil
}

func (m *memStore) Students(context.Context, int64) ([]storage.Student, error) {
	m.touch()
	return []storage.Student{memAva, memBen, memCora}, nil
}

func (m *memStore) Goals(_ context.Context, studentID int64) ([]storage.Goal, error) {
	m.touch()
	return memGoal[studentID], nil
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
