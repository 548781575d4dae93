package main

import (
	"context"
	"errors"
	"flag"
	"fmt"
	"io"
	"os"
	"sort"
	"time"

	"parabot/accesslog"
	"parabot/bot/shell"
	"parabot/config"
	"parabot/roster"
	"parabot/scheduler"
	"parabot/storage"
)

// demoDB is the SQLite file of the demo school, kept apart from a real one.
const demoDB = "parabot-demo.db"

// demoWeeks is how many weeks of generated records the demo school has
// before today, so that summaries and charts are not empty.
const demoWeeks = 4

func runShell(ctx context.Context, args []string, getenv func(string) string, stdin io.Reader, stdout, stderr io.Writer) error {
	fs := flag.NewFlagSet("shell", flag.ContinueOnError)
	fs.SetOutput(stderr)
	demo := fs.Bool("demo", false, "seed and use the demo school (in "+demoDB+" unless --db is given)")
	as := fs.String("as", "", "the handle to act as first (default: the first para)")
	dbPath := fs.String("db", "", "SQLite file to use instead of PARABOT_DATABASE_URL")
	files := fs.String("files", "", "folder for attached files (charts, reports); default: parabot in the temporary folder")
	clockAt := fs.String("clock", "", "start the clock at a school-local time, e.g. 2027-03-12T07:00")
	if err := fs.Parse(args); err != nil {
		return errUsage
	}
	cfg, err := config.Load(getenv)
	if err != nil {
		return err
	}
	switch {
	case *dbPath != "":
		cfg.DatabaseURL = *dbPath
	case *demo:
		cfg.DatabaseURL = demoDB
	}
	level := "warn"
	if cfg.LogLevel == "debug" {
		level = "debug"
	}
	log := newLogger(stderr, level)
	store, err := openStore(ctx, cfg, log)
	if err != nil {
		return err
	}
	defer store.Close()
	clock := shell.NewClock(time.Now)
	if *demo {
		if _, err := roster.Import(ctx, store, roster.Demo()); err != nil {
			return fmt.Errorf("seeding the demo school: %w", err)
		}
	}
	if *clockAt != "" {
		t, err := parseClock(ctx, store, *clockAt)
		if err != nil {
			return err
		}
		clock.Set(t)
	}
	if *demo {
		if _, err := roster.DemoData(ctx, store, clock.Now(), demoWeeks); err != nil {
			return fmt.Errorf("seeding the demo school's records: %w", err)
		}
	}
	user := shell.Handle(*as)
	if user == "" {
		if user, err = firstPara(ctx, store); err != nil {
			return err
		}
	}
	narrator := newNarrator(cfg, log)
	router := routerWith(store, log, clock.Now, cfg.TrialCodes, narrator)
	access := accesslog.Start(store, log, 0)
	// Written before the store closes (deferred earlier, so run later).
	defer func() {
		cctx, cancel := context.WithTimeout(context.WithoutCancel(ctx), 5*time.Second)
		defer cancel()
		if err := access.Close(cctx); err != nil {
			log.Error("access log not written at exit", "error", err)
		}
	}()
	router.SetAccessLog(access.Record)
	sh := shell.New(shell.Config{
		Router: router, Store: store, Clock: clock, In: stdin, Out: stdout, User: user,
		Echo: !isTerminal(stdin), Log: log, FileDir: *files,
	})
	if _, err := store.StaffByIdentity(ctx, storage.PlatformShell, user); err != nil {
		return fmt.Errorf("no one on the roster has the handle %q", user)
	}
	runner, err := startJobs(ctx, store, scheduler.Config{
		Store: store, Senders: map[storage.Platform]scheduler.Sender{storage.PlatformShell: sh},
		Log: log, Now: clock.Now, Movable: true, PollInterval: 50 * time.Millisecond, Narrator: narrator,
	})
	if err != nil {
		return err
	}
	sh.SetIdle(runner.Idle)
	sh.SetNext(runner.Next)
	// Plan today's and tomorrow's reminders now (the periodic planner
	// does too, once this process leads), so the first /wait shows them.
	schools, err := store.Schools(ctx)
	if err == nil {
		err = store.Enqueue(ctx, scheduler.Replan(schools, clock.Now()))
	}
	if err != nil {
		return errors.Join(fmt.Errorf("planning reminders: %w", err), runner.Stop(context.WithoutCancel(ctx)))
	}
	runErr := sh.Run(ctx)
	stopCtx, cancel := context.WithTimeout(context.WithoutCancel(ctx), 5*time.Second)
	defer cancel()
	return errors.Join(runErr, runner.Stop(stopCtx))
}

// firstPara picks the handle to start as: the first para of the first
// school, else the first staff member.
func firstPara(ctx context.Context, store storage.Store) (string, error) {
	schools, err := store.Schools(ctx)
	if err != nil {
		return "", err
	}
	var first *storage.Staff
	for _, sc := range schools {
		staff, err := store.ListStaff(ctx, sc.ID)
		if err != nil {
			return "", err
		}
		sort.Slice(staff, func(i, j int) bool { return staff[i].Handle < staff[j].Handle })
		for i, st := range staff {
			if first == nil {
				first = &staff[i]
			}
			if st.Role == storage.RolePara {
				return st.Handle, nil
			}
		}
	}
	if first == nil {
		return "", errors.New("the roster is empty: run `parabot import DIR` first, or try `parabot shell --demo`")
	}
	return first.Handle, nil
}

func isTerminal(r io.Reader) bool {
	f, ok := r.(*os.File)
	if !ok {
		return false
	}
	fi, err := f.Stat()
	return err == nil && fi.Mode()&os.ModeCharDevice != 0
}

// parseClock reads --clock, a time in the first school's zone.
func parseClock(ctx context.Context, store storage.Store, v string) (time.Time, error) {
	loc := time.Local
	if schools, err := store.Schools(ctx); err == nil && len(schools) > 0 {
		loc = schools[0].Location()
	}
	for _, layout := range []string{"2006-01-02T15:04", "2006-01-02 15:04", "2006-01-02"} {
		if t, err := time.ParseInLocation(layout, v, loc); err == nil {
			return t, nil
		}
	}
	return time.Time{}, fmt.Errorf("--clock %q is not a time; write it like 2027-03-12T07:00 (school time)", v)
}
