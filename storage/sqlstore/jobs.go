package sqlstore

import (
	"context"
	"fmt"

	"github.com/riverqueue/river"

	"parabot/storage"
)

// UniqueJobs claims, in the transaction of x, the uniqueness key of every
// job that has one, and returns the jobs to insert: those without a key
// and those whose key was not claimed before. A key is held in the claims
// table, so a job is inserted once per key whatever replica inserts it.
func UniqueJobs(ctx context.Context, x Executor, d Dialect, jobs []storage.Job) ([]storage.Job, error) {
	out := jobs[:0:0]
	for _, j := range jobs {
		if j.UniqueKey == "" {
			out = append(out, j)
			continue
		}
		n, err := x.Exec(ctx, ClaimSQL, storage.UniqueJobClaim(j.Args.Kind(), j.UniqueKey), d.Time(j.ScheduledAt))
		if err != nil {
			return nil, fmt.Errorf("claiming unique job %s: %w", j.Args.Kind(), err)
		}
		if n == 1 {
			out = append(out, j)
		}
	}
	return out, nil
}

// RiverJobs turns jobs into River's insert parameters. Zero fields take
// the defaults the job's args declare (river.JobArgsWithInsertOpts).
func RiverJobs(jobs []storage.Job) []river.InsertManyParams {
	out := make([]river.InsertManyParams, len(jobs))
	for i, j := range jobs {
		out[i] = river.InsertManyParams{Args: j.Args, InsertOpts: &river.InsertOpts{
			Queue: j.Queue, MaxAttempts: j.MaxAttempts, Priority: j.Priority, ScheduledAt: j.ScheduledAt,
		}}
	}
	return out
}
