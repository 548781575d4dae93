package main

import (
	"context"
	"flag"
	"fmt"
	"io"
	"time"
)

const purgeUsage = `Usage: parabot purge --dry-run | --yes
  Applies each school's retention policy (keep_records, keep_access_log in schools.csv): --dry-run says what would go, --yes does it.
  parabot serve also runs it every night.`

func runPurge(ctx context.Context, args []string, getenv func(string) string, stdout, stderr io.Writer) error {
	fs := flag.NewFlagSet("purge", flag.ContinueOnError)
	fs.SetOutput(stderr)
	dry := fs.Bool("dry-run", false, "say what would be purged; change nothing")
	yes := fs.Bool("yes", false, "purge")
	if err := fs.Parse(args); err != nil || fs.NArg() > 0 || *dry == *yes {
		fmt.Fprintln(stderr, purgeUsage)
		return errUsage
	}
	store, err := openFromEnv(ctx, getenv, stderr)
	if err != nil {
		return err
	}
	defer store.Close()
	rep, err := store.Purge(ctx, time.Now(), *dry)
	if err != nil {
		return err
	}
	if len(rep.Schools) == 0 {
		fmt.Fprintln(stdout, "No school has a retention policy (keep_records, keep_access_log in schools.csv); nothing to purge.")
		return nil
	}
	verb := "Purged"
	if *dry {
		verb = "Would purge"
	}
	for _, s := range rep.Schools {
		fmt.Fprintf(stdout, "%s: %s %d students' records (%d entries; students who left over %s ago) and %d access log rows (older than %s).\n",
			s.School, verb, s.Students, s.Entries, yearsText(s.KeepRecords), s.AccessRows, yearsText(s.KeepAccessLog))
	}
	if *dry {
		fmt.Fprintln(stdout, "Nothing was changed; run parabot purge --yes to purge.")
	}
	return nil
}

func yearsText(n int) string {
	switch n {
	case 0:
		return "never (no policy)"
	case 1:
		return "1 year"
	}
	return fmt.Sprintf("%d years", n)
}
