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

	"parabot/commands"
	"parabot/config"
	"parabot/roster"
	"parabot/scheduler"
	"parabot/storage/sqlite"
)

func runMigrate(ctx context.Context, args []string, getenv func(string) string, stdout, stderr io.Writer) error {
	if len(args) > 0 {
		fmt.Fprintln(stderr, "parabot migrate takes no arguments; the database comes from PARABOT_DATABASE_URL.")
		return errUsage
	}
	store, err := openFromEnv(ctx, getenv, stderr)
	if err != nil {
		return err
	}
	defer store.Close()
	fmt.Fprintf(stdout, "The %s database is up to date.\n", store.Engine())
	return nil
}

func runImport(ctx context.Context, args []string, getenv func(string) string, stdout, stderr io.Writer) error {
	fs := flag.NewFlagSet("import", flag.ContinueOnError)
	fs.SetOutput(stderr)
	demo := fs.Bool("demo", false, "import the demo school instead of a folder")
	if err := fs.Parse(args); err != nil {
		return errUsage
	}
	if (*demo) == (fs.NArg() == 1) || fs.NArg() > 1 {
		fmt.Fprintln(stderr, "Usage: parabot import DIR   (a folder of roster CSV files; see README)\n       parabot import --demo")
		return errUsage
	}
	store, err := openFromEnv(ctx, getenv, stderr)
	if err != nil {
		return err
	}
	defer store.Close()
	src := roster.Demo()
	if !*demo {
		dir := fs.Arg(0)
		if fi, err := os.Stat(dir); err != nil || !fi.IsDir() {
			return fmt.Errorf("%s is not a folder of roster CSV files", dir)
		}
		src = os.DirFS(dir)
	}
	res, err := roster.Import(ctx, store, src)
	var problems roster.Errors
	if errors.As(err, &problems) {
		fmt.Fprintf(stderr, "Nothing was imported; fix these %d problems and run the import again:\n%s\n", len(problems), problems.Error())
		return errors.New("roster has errors")
	}
	if err != nil {
		return err
	}
	purged := ""
	switch {
	case res.Purged == 1:
		purged = "; 1 purged student left as it is"
	case res.Purged > 1:
		purged = fmt.Sprintf("; %d purged students left as they are", res.Purged)
	}
	fmt.Fprintf(stdout, "Imported into the %s database: %s created, %s updated%s.\n", store.Engine(), counts(res.Created), counts(res.Updated), purged)
	// A running bot plans today and tomorrow again from the new roster.
	schools, err := store.Schools(ctx)
	if err == nil {
		err = store.Enqueue(ctx, scheduler.Replan(schools, time.Now()))
	}
	if err != nil {
		return fmt.Errorf("planning reminders after the import (the roster is imported; the hourly planning will catch up): %w", err)
	}
	return nil
}

func counts(m map[string]int) string {
	if len(m) == 0 {
		return "nothing"
	}
	keys := make([]string, 0, len(m))
	for k := range m {
		keys = append(keys, k)
	}
	sort.Strings(keys)
	s := ""
	for i, k := range keys {
		if i > 0 {
			s += ", "
		}
		s += fmt.Sprintf("%d %s", m[k], k)
	}
	return s
}

func runCommands(args []string, stdout, stderr io.Writer) error {
	fs := flag.NewFlagSet("commands", flag.ContinueOnError)
	fs.SetOutput(stderr)
	md := fs.Bool("markdown", false, "print the README's command table")
	if err := fs.Parse(args); err != nil {
		return errUsage
	}
	cmds := commands.All(commands.Deps{})
	if *md {
		fmt.Fprint(stdout, commands.Table(cmds))
		return nil
	}
	for _, c := range cmds {
		fmt.Fprintf(stdout, "%s\n    %s\n", c.Usage(), c.Summary)
	}
	return nil
}

func runDiscord(ctx context.Context, args []string, getenv func(string) string, stdout, stderr io.Writer) error {
	if len(args) == 0 || args[0] != "register" {
		fmt.Fprintln(stderr, "Usage: parabot discord register [--guild ID [--clear]]")
		return errUsage
	}
	fs := flag.NewFlagSet("discord register", flag.ContinueOnError)
	fs.SetOutput(stderr)
	guild := fs.String("guild", "", "register in this server only (appears at once); default: globally")
	clear := fs.Bool("clear", false, "with --guild: remove the commands registered in that server (before registering globally)")
	if err := fs.Parse(args[1:]); err != nil || fs.NArg() > 0 {
		return errUsage
	}
	if *clear && *guild == "" {
		fmt.Fprintln(stderr, "--clear removes one server's commands: give the server with --guild ID.")
		return errUsage
	}
	cfg, err := config.Load(getenv)
	if err != nil {
		return err
	}
	if cfg.DiscordBotToken == "" || cfg.DiscordAppID == "" {
		return errors.New("DISCORD_BOT_TOKEN and DISCORD_APP_ID must be set to register commands")
	}
	log := newLogger(stderr, cfg.LogLevel)
	store, err := openDB(ctx, cfg, log, sqlite.OpenShared)
	if err != nil {
		return err
	}
	defer store.Close()
	s := &server{cfg: cfg, log: log, store: store}
	d, err := newDiscord(s, newRouter(store, log, time.Now, nil))
	if err != nil {
		return err
	}
	rctx, cancel := context.WithTimeout(ctx, time.Minute)
	defer cancel()
	if *clear {
		if err := d.Clear(rctx, *guild); err != nil {
			return fmt.Errorf("removing Discord commands: %w", err)
		}
		fmt.Fprintf(stdout, "Removed parabot's commands from server %s; the global ones stay.\n", *guild)
		return nil
	}
	if err := d.Register(rctx, *guild); err != nil {
		return fmt.Errorf("registering Discord commands: %w", err)
	}
	where := "globally"
	if *guild != "" {
		where = "in server " + *guild + " (remove them with --clear before registering globally, or that server shows every command twice)"
	}
	fmt.Fprintf(stdout, "Registered %d commands %s.\n", len(newRouter(store, log, time.Now, nil).Commands()), where)
	return nil
}
