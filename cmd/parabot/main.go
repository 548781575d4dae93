// Command parabot is the chat bot for paraprofessionals: the only place
// where its parts are wired together.
//
//	parabot shell [--demo] [--as HANDLE] [--db PATH]   terminal adapter on SQLite
//	parabot serve                                      HTTP server, adapters, job workers
//	parabot migrate                                    apply database migrations
//	parabot import DIR | --demo                        import a roster of CSV files
//	parabot export --student CODE --by HANDLE --reason WHY   a student's data for an IEP meeting
//	parabot commands [--markdown]                      list the commands
//	parabot discord register [--guild ID [--clear]]    create (or remove a server's) Discord application commands
package main

import (
	"context"
	"errors"
	"fmt"
	"io"
	"os"
	"os/signal"
	"syscall"
	_ "time/tzdata" // time zones even where the system has none (slim images)
)

func main() {
	ctx, stop := signal.NotifyContext(context.Background(), os.Interrupt, syscall.SIGTERM)
	defer stop()
	err := Run(ctx, os.Args[1:], os.Getenv, os.Stdin, os.Stdout, os.Stderr)
	if errors.Is(err, errUsage) {
		os.Exit(2)
	}
	if err != nil {
		fmt.Fprintln(os.Stderr, "parabot:", err)
		os.Exit(1)
	}
}

var errUsage = errors.New("usage")

const usage = `parabot — logging, reminders and summaries for paraprofessionals.

Usage:
  parabot shell [--demo] [--as HANDLE] [--db PATH]  the terminal adapter on SQLite (--demo: a demo school)
  parabot serve                                     HTTP server with the configured adapters and job workers
  parabot migrate                                   apply database migrations and exit
  parabot import DIR | --demo                       import a roster (CSV files, see README)
  parabot export --student CODE --by HANDLE --reason WHY [--from DAY] [--to DAY] [--format text|json|csv|pdf] [--out FILE]  a student's data for an IEP meeting
  parabot audit [--student CODE] [--staff HANDLE] [--from DAY] [--to DAY] [--format text|csv]  the access log
  parabot purge --dry-run | --yes                   apply the schools' retention policies
  parabot commands [--markdown]                     list the commands
  parabot discord register [--guild ID [--clear]]   create or update Discord's application commands

Settings come from the environment; the README lists them.
`

// Run runs one subcommand; main's only job is to call it.
func Run(ctx context.Context, args []string, getenv func(string) string, stdin io.Reader, stdout, stderr io.Writer) error {
	if len(args) == 0 {
		fmt.Fprint(stderr, usage)
		return errUsage
	}
	switch args[0] {
	case "shell":
		return runShell(ctx, args[1:], getenv, stdin, stdout, stderr)
	case "serve":
		return runServe(ctx, args[1:], getenv, stderr)
	case "migrate":
		return runMigrate(ctx, args[1:], getenv, stdout, stderr)
	case "import":
		return runImport(ctx, args[1:], getenv, stdout, stderr)
	case "export":
		return runExport(ctx, args[1:], getenv, stdout, stderr)
	case "audit":
		return runAudit(ctx, args[1:], getenv, stdout, stderr)
	case "purge":
		return runPurge(ctx, args[1:], getenv, stdout, stderr)
	case "commands":
		return runCommands(args[1:], stdout, stderr)
	case "discord":
		return runDiscord(ctx, args[1:], getenv, stdout, stderr)
	case "help", "-h", "--help":
		fmt.Fprint(stdout, usage)
		return nil
	}
	fmt.Fprintf(stderr, "parabot: unknown command %q\n\n%s", args[0], usage)
	return errUsage
}
