package sqlite

import (
	"context"
	"database/sql"
	"fmt"
	"time"

	"parabot/storage"
)

// insertJobs inserts jobs with River in tx, so they commit with it.
func (db *DB) insertJobs(ctx context.Context, tx *sql.Tx, jobs []storage.Job) error {
	if len(jobs) == 0 {
		return nil
	}
	if _, err := db.river.InsertManyTx(ctx, tx, jobs); err != nil {
		return fmt.Errorf("inserting %d jobs: %w", len(jobs), err)
	}
	return nil
}

// Enqueue inserts jobs on their own, in one transaction.
func (db *DB) Enqueue(ctx context.Context, jobs []storage.Job) error {
	if len(jobs) == 0 {
		return nil
	}
	err := db.inTx(ctx, func(tx *sql.Tx) error { return db.insertJobs(ctx, tx, jobs) })
	if err != nil {
		return fmt.Errorf("enqueueing: %w", err)
	}
	return nil
}

const claimSQL = `INSERT INTO claims (key, claimed_at) VALUES ($1, $2) ON CONFLICT (key) DO NOTHING`

// Claim records a one-time key; false means it was claimed before.
func (db *DB) Claim(ctx context.Context, key string, at time.Time) (bool, error) {
	var n int64
	err := db.write(ctx, func(ctx context.Context, tx *sql.Tx) error {
		res, err := tx.StmtContext(ctx, db.stmts.claim).ExecContext(ctx, key, fmtTime(at))
		if err != nil {
			return err
		}
		n, err = res.RowsAffected()
		return err
	})
	if err != nil {
		return false, fmt.Errorf("claiming %q: %w", key, err)
	}
	return n == 1, nil
}

// Release forgets a claim, so a retry may act.
func (db *DB) Release(ctx context.Context, key string) error {
	if _, err := db.db.ExecContext(ctx, `DELETE FROM claims WHERE key = $1`, key); err != nil {
		return fmt.Errorf("releasing %q: %w", key, err)
	}
	return nil
}

// Claimed reports whether key was claimed, without claiming it.
func (db *DB) Claimed(ctx context.Context, key string) (bool, error) {
	var ok bool
	if err := db.db.QueryRowContext(ctx, `SELECT EXISTS (SELECT 1 FROM claims WHERE key = $1)`, key).Scan(&ok); err != nil {
		return false, fmt.Errorf("looking up claim %q: %w", key, err)
	}
	return ok, nil
}
