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

// countingStore is a real store that counts the calls a request makes
// first when it reaches the store: the adapter's claim of the interaction
// id, and the router's lookup of who is asking. A request that makes none
// of them touched nothing, which proves a refused request is refused
// before any work.
type countingStore struct {
	storage.Store
	calls atomic.Int64
}

func (c *countingStore) StaffByIdentity(ctx context.Context, p storage.Platform, userID string) (storage.Staff, error) {
	c.calls.Add(1)
	return c.Store.StaffByIdentity(ctx, p, userID)
}

func (c *countingStore) StaffByEmail(ctx context.Context, email string) (storage.Staff, error) {
	c.calls.Add(1)
	return c.Store.StaffByEmail(ctx, email)
}

func (c *countingStore) Claim(ctx context.Context, key string, at time.Time) (bool, error) {
	c.calls.Add(1)
	return c.Store.Claim(ctx, key, at)
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
