package discord

import (
	"context"
	"errors"
	"log/slog"
	"sort"
	"strings"
	"testing"
	"time"

	"github.com/riverqueue/river"
	"github.com/riverqueue/river/riverdriver/riverpgxv5"
	"github.com/riverqueue/river/riverdriver/riversqlite"
	"github.com/riverqueue/river/rivertype"

	"parabot/bot"
	"parabot/commands"
	"parabot/scheduler"
	"parabot/storage"
	"parabot/storage/storagetest"
)

// Discord ids of the sample roster's staff in these tests (mchen's is the
// roster's own).
const (
	riveraDiscord = "100000000000000002"
	lopezDiscord  = "100000000000000003"
	chenDiscord   = "100000000000000001"
)

// engine opens a real store and starts the job workers on it.
type engine struct {
	name string
	open func(t *testing.T) (storage.Store, func(context.Context, scheduler.Config) (scheduler.Runner, error))
}

func engines() []engine {
	return []engine{{
		name: "sqlite",
		open: func(t *testing.T) (storage.Store, func(context.Context, scheduler.Config) (scheduler.Runner, error)) {
			db := storagetest.OpenSQLite(t)
			return db, func(ctx context.Context, cfg scheduler.Config) (scheduler.Runner, error) {
				return scheduler.Start(ctx, riversqlite.New(db.SQL()), cfg)
			}
		},
	}, {
		name: "postgres",
		open: func(t *testing.T) (storage.Store, func(context.Context, scheduler.Config) (scheduler.Runner, error)) {
			db := storagetest.OpenPostgres(t)
			return db, func(ctx context.Context, cfg scheduler.Config) (scheduler.Runner, error) {
				return scheduler.Start(ctx, riverpgxv5.New(db.Pool()), cfg)
			}
		},
	}}
}

// school is the sample school on a real store, served by the Discord
// adapter with the real commands and job workers.
type school struct {
	*env
	store storage.Store
}

func newSchool(t *testing.T, eng engine) *school {
	t.Helper()
	ctx := context.Background()
	store, start := eng.open(t)
	r := storagetest.SampleRoster()
	for i := range r.Staff {
		switch r.Staff[i].Handle {
		case "jrivera":
			r.Staff[i].DiscordID = riveraDiscord
		case "tlopez":
			r.Staff[i].DiscordID = lopezDiscord
		}
	}
	if _, err := store.ImportRoster(ctx, r); err != nil {
		t.Fatalf("importing the sample roster: %v", err)
	}
	loc, err := time.LoadLocation("America/New_York")
	if err != nil {
		t.Fatal(err)
	}
	e := newEnvAt(t, store, time.Date(2026, 11, 24, 10, 0, 0, 0, loc), func(log *slog.Logger) []*bot.Command {
		return commands.All(commands.Deps{Store: store, Log: log})
	})
	runner, err := start(ctx, scheduler.Config{Store: store, Senders: map[storage.Platform]scheduler.Sender{storage.PlatformDiscord: e.adapter},
		Log: e.log, Now: time.Now, PollInterval: 20 * time.Millisecond})
	if err != nil {
		t.Fatalf("starting the job workers: %v", err)
	}
	t.Cleanup(func() {
		ctx, cancel := context.WithTimeout(context.Background(), 20*time.Second)
		defer cancel()
		if err := runner.Stop(ctx); err != nil {
			t.Errorf("stopping the job workers: %v", err)
		}
	})
	return &school{env: e, store: store}
}

func (s *school) student(code string) storage.Student {
	s.t.Helper()
	all, err := s.store.Schools(context.Background())
	if err != nil || len(all) != 1 {
		s.t.Fatalf("schools: %v %v", all, err)
	}
	sts, err := s.store.Students(context.Background(), all[0].ID)
	if err != nil {
		s.t.Fatal(err)
	}
	for _, st := range sts {
		if st.Code == code {
			return st
		}
	}
	s.t.Fatalf("no student %s", code)
	return storage.Student{}
}

func (s *school) trials(code string) []storage.Trial {
	s.t.Helper()
	ts, err := s.store.Trials(context.Background(), storage.Filter{StudentID: s.student(code).ID})
	if err != nil {
		s.t.Fatal(err)
	}
	return ts
}

func (s *school) choices(id, user, command string, options ...map[string]any) []string {
	s.t.Helper()
	_, resp := s.post(autocompleteInteraction(id, user, command, options...))
	var out []string
	for _, c := range data(s.t, resp)["choices"].([]any) {
		out = append(out, c.(map[string]any)["value"].(string))
	}
	sort.Strings(out)
	return out
}

func TestEndToEnd(t *testing.T) {
	for _, eng := range engines() {
		t.Run(eng.name, func(t *testing.T) { endToEnd(t, newSchool(t, eng)) })
	}
}

func endToEnd(t *testing.T, s *school) {
	ctx := context.Background()

	// Autocomplete: the caller's caseload, then the chosen student's goals.
	if got := s.choices("2000000000000000001", riveraDiscord, "trial", focused("student", "")); strings.Join(got, " ") != "S101 S102" {
		t.Errorf("Rivera is offered %v, want her caseload S101 S102", got)
	}
	if got := s.choices("2000000000000000002", chenDiscord, "trial", focused("student", "")); strings.Join(got, " ") != "S103 S104" {
		t.Errorf("Chen is offered %v, want her caseload S103 S104", got)
	}
	if got := s.choices("2000000000000000003", riveraDiscord, "trial", opt("student", 3, "S101"), focused("goal", "")); strings.Join(got, " ") != "G1 G2" {
		t.Errorf("goals of S101: %v, want G1 G2", got)
	}
	if got := s.choices("2000000000000000004", riveraDiscord, "trial", opt("student", 3, "S103"), focused("goal", "")); len(got) != 0 {
		t.Errorf("goals of a student off the caseload: %v, want none", got)
	}
	if got := s.choices("2000000000000000005", riveraDiscord, "incident", focused("setting", "ha")); strings.Join(got, " ") != "hallway" {
		t.Errorf("setting suggestions: %v", got)
	}

	// A trial with options: stored, confirmed privately with Undo.
	trial := commandInteraction("2000000000000000010", riveraDiscord, "trial",
		opt("student", 3, "S101"), opt("goal", 3, "G2"), opt("trials", 3, "+ + v - +"))
	_, resp := s.post(trial)
	d := data(t, resp)
	if want := "Logged for Ava B. (S101) — G2 Identifies coins by name: 5 trials, 4 correct, 3 independent (prompted: 1 verbal)."; d["content"] != want || flags(d) != 64 {
		t.Fatalf("trial answered %q (flags %d), want %q", d["content"], flags(d), want)
	}
	ids := customIDs(d)
	if len(ids) != 1 || !strings.HasPrefix(ids[0], "undo:") {
		t.Fatalf("buttons %v, want an Undo", ids)
	}
	ts := s.trials("S101")
	if len(ts) != 5 || ts[2].Prompt != storage.Verbal || ts[3].Outcome != storage.Incorrect || !ts[0].At.Equal(s.now) {
		t.Fatalf("stored trials %+v", ts)
	}

	// The same interaction again (a replay) stores nothing more.
	if _, resp := s.post(trial); data(t, resp)["content"] != alreadyHandled {
		t.Errorf("replay answered %v", resp)
	}
	if n := len(s.trials("S101")); n != 5 {
		t.Errorf("%d trials after a replay, want 5", n)
	}

	// Only the author may undo; the author's Undo takes the entry back.
	_, resp = s.post(componentInteraction("2000000000000000011", chenDiscord, ids[0], false))
	if text := data(t, resp)["content"].(string); !strings.Contains(text, "Only the person who logged") || flags(data(t, resp)) != 64 {
		t.Errorf("someone else's Undo answered %q", text)
	}
	_, resp = s.post(componentInteraction("2000000000000000012", riveraDiscord, ids[0], true))
	if resp["type"] != float64(7) || !strings.HasPrefix(data(t, resp)["content"].(string), "Undone: Logged 5 trials") || len(customIDs(data(t, resp))) != 0 {
		t.Errorf("Undo answered %v", resp)
	}
	if n := len(s.trials("S101")); n != 0 {
		t.Errorf("%d active trials after Undo, want 0", n)
	}

	// An incident with integer, boolean and suggested-text options.
	_, resp = s.post(commandInteraction("2000000000000000020", riveraDiscord, "incident",
		opt("student", 3, "S102"), opt("behavior", 3, "threw a pencil at a peer"), opt("antecedent", 3, "asked to start math"),
		opt("consequence", 3, "break in calm corner"), opt("severity", 4, 2), opt("injury", 5, false),
		opt("setting", 3, "hallway"), opt("strategies", 3, "break, first-then"), opt("duration", 3, "5m")))
	if d := data(t, resp); flags(d) != 64 || len(customIDs(d)) != 1 {
		t.Errorf("incident answered %v", d)
	}
	ins, err := s.store.Incidents(ctx, storage.Filter{StudentID: s.student("S102").ID})
	if err != nil || len(ins) != 1 {
		t.Fatalf("incidents %v, %v", ins, err)
	}
	if in := ins[0]; in.Severity != 2 || in.Injury || in.Setting != "hallway" || in.Duration != 5*time.Minute ||
		strings.Join(in.Strategies, "|") != "break|first-then" || in.Behavior != "threw a pencil at a peer" {
		t.Errorf("stored incident %+v", in)
	}

	// A note reaches the teacher by Discord DM, through the delivery job.
	_, resp = s.post(commandInteraction("2000000000000000030", riveraDiscord, "note",
		opt("student", 3, "S102"), opt("text", 3, "Caleb finished all his math today")))
	if text := data(t, resp)["content"].(string); text != "Note about Caleb D. (S102) sent to Tina Lopez." {
		t.Errorf("note answered %q", text)
	}
	open := s.discord.Wait("POST /users/@me/channels")
	if open.JSON(t)["recipient_id"] != lopezDiscord {
		t.Errorf("DM opened with %v, want the teacher", open.JSON(t)["recipient_id"])
	}
	dm := s.discord.Wait("POST /channels/" + dmChannelOf(lopezDiscord) + "/messages").JSON(t)
	if dm["content"] != "Note from Jo Rivera about Caleb D. (S102):\nCaleb finished all his math today" {
		t.Errorf("DM %q", dm["content"])
	}

	// Someone not on the roster is told so, and nothing is stored.
	_, resp = s.post(commandInteraction("2000000000000000040", otherDiscord, "trial",
		opt("student", 3, "S101"), opt("goal", 3, "G1"), opt("trials", 3, "+")))
	if text := data(t, resp)["content"].(string); !strings.Contains(text, "not on parabot's roster") {
		t.Errorf("stranger answered %q", text)
	}
	if n := len(s.trials("S101")); n != 0 {
		t.Errorf("a stranger's trial was stored")
	}

	// The gateway serves the same commands the same way.
	gctx, cancel := context.WithCancel(ctx)
	done := make(chan error, 1)
	go func() { done <- s.adapter.RunGateway(gctx) }()
	g := s.discord.nextGateway()
	g.hello()
	g.expect(opIdentify)
	g.ready(s.discord, "session-e2e", 1)
	g.send(opDispatch, "INTERACTION_CREATE", 2, commandInteraction("2000000000000000050", riveraDiscord, "trial",
		opt("student", 3, "ava"), opt("goal", 3, "1"), opt("trials", 3, "+ g")))
	cb := s.discord.Wait("POST /interactions/2000000000000000050/").JSON(t)
	if want := "Logged for Ava B. (S101) — G1 Requests a break: 2 trials, 2 correct, 1 independent (prompted: 1 gestural)."; data(t, cb)["content"] != want {
		t.Errorf("gateway trial answered %q, want %q", data(t, cb)["content"], want)
	}
	if n := len(s.trials("S101")); n != 2 {
		t.Errorf("%d trials stored through the gateway, want 2", n)
	}
	cancel()
	if err := <-done; err != nil {
		t.Errorf("gateway: %v", err)
	}

	checkLogs(t, s.logs, "interaction-token-", "Ava", "Brown", "Caleb", "Diaz", "finished all his math", "threw a pencil", "calm corner")
}

// TestDeliveryJobs runs the delivery worker over the adapter: a channel
// post by name, never twice for one job, and a 429 that snoozes the job.
func TestDeliveryJobs(t *testing.T) {
	for _, eng := range engines() {
		t.Run(eng.name, func(t *testing.T) {
			s := newSchool(t, eng)
			ctx := context.Background()
			w := &scheduler.DeliverWorker{Store: s.store, Log: s.log, Now: time.Now,
				Senders: map[storage.Platform]scheduler.Sender{storage.PlatformDiscord: s.adapter}}
			// Each run of one job id is its next attempt, as River counts them.
			attempts := map[int64]int{}
			job := func(id int64, args scheduler.DeliverArgs) *river.Job[scheduler.DeliverArgs] {
				attempts[id]++
				return &river.Job[scheduler.DeliverArgs]{JobRow: &rivertype.JobRow{ID: id, Attempt: attempts[id]}, Args: args}
			}
			post := scheduler.DeliverArgs{Channel: "room-12", Reply: bot.Reply{Text: "Daily summary: 3 of 4 students have data today."}}
			route := "POST /channels/" + testChannel + "/messages"

			// Twice the same job (a worker crash and rerun): one post.
			for range 2 {
				if err := w.Work(ctx, job(990001, post)); err != nil {
					t.Fatalf("delivering: %v", err)
				}
			}
			if n := len(s.discord.Requests(route)); n != 1 {
				t.Fatalf("%d posts for one job, want 1", n)
			}

			// Discord says 429: the job is snoozed for retry_after and
			// nothing is posted; the claim is released for the retry.
			s.discord.limited[route] = limit{n: 1, retryAfter: 30}
			err := w.Work(ctx, job(990002, post))
			var snooze *river.JobSnoozeError
			if !errors.As(err, &snooze) || snooze.Duration != 30*time.Second {
				t.Fatalf("error %v, want a 30s snooze", err)
			}
			if n := len(s.discord.Requests(route)); n != 2 {
				t.Errorf("%d requests, want 2 (one post, one 429)", n)
			}
			// The retry is held until Discord's time is up, still snoozed.
			if err := w.Work(ctx, job(990002, post)); !errors.As(err, &snooze) {
				t.Errorf("retry within retry_after: %v, want a snooze", err)
			}
			if n := len(s.discord.Requests(route)); n != 2 {
				t.Errorf("a request reached Discord before retry_after passed")
			}

			// A channel that does not exist cancels the job.
			var cancelErr *river.JobCancelError
			if err := w.Work(ctx, job(990003, scheduler.DeliverArgs{Channel: "room-99", Reply: bot.Reply{Text: "x"}})); !errors.As(err, &cancelErr) {
				t.Errorf("unknown channel: %v, want the job cancelled", err)
			}
		})
	}
}

// TestDataFollowsGoalType: /data's values option suggests what the chosen
// goal takes (a rating's scale), and a value is logged by the goal's type.
func TestDataFollowsGoalType(t *testing.T) {
	s := newSchool(t, engines()[0])
	r := storagetest.SampleRoster()
	for i, g := range r.Goals {
		if g.StudentCode == "S101" && g.Goal.Code == "G2" {
			r.Goals[i].Goal.Type = storage.MeasureRating
			r.Goals[i].Goal.Scale = []string{"not yet", "emerging", "mastered"}
		}
	}
	if _, err := s.store.ImportRoster(context.Background(), r); err != nil {
		t.Fatal(err)
	}
	if got := s.choices("2000000000000000101", riveraDiscord, "data", opt("student", 3, "S101"), opt("goal", 3, "G2"), focused("values", "")); strings.Join(got, " ") != "1 2 3" {
		t.Errorf("values of a rating goal: %v, want its scale 1 2 3", got)
	}
	got := s.choices("2000000000000000102", riveraDiscord, "data", opt("student", 3, "S101"), opt("goal", 3, "G1"), focused("values", "+ v"))
	if strings.Join(got, " ") != "+ v" {
		t.Errorf("values of a trials goal: %v, want what was typed", got)
	}
	_, resp := s.post(commandInteraction("2000000000000000103", riveraDiscord, "data",
		opt("student", 3, "S101"), opt("goal", 3, "G2"), opt("values", 3, "2")))
	if d := data(t, resp); d["content"] != "Logged for Ava B. (S101) — G2 Identifies coins by name: rating 2 of 3 (emerging)." {
		t.Errorf("/data answered %q", d["content"])
	}
}
