package sqlstore

import (
	"context"
	"fmt"
	"time"

	"parabot/storage"
)

// ClaimSQL claims a one-time key in the claims table.
const ClaimSQL = `INSERT INTO claims (key, claimed_at) VALUES ($1, $2) ON CONFLICT (key) DO NOTHING`

// Claim records a one-time key; false means it was claimed before.
func (s *Store) Claim(ctx context.Context, key string, at time.Time) (bool, error) {
	var n int64
	err := s.write(ctx, nil, func(ctx context.Context, x Executor) error {
		var err error
		n, err = x.Exec(ctx, ClaimSQL, key, s.d.Time(at))
		return err
	})
	if err != nil {
		return false, fmt.Errorf("claiming %q: %w", key, err)
	}
	return n == 1, nil
}

// Release forgets a claim, so a retry may act.
func (s *Store) Release(ctx context.Context, key string) error {
	if _, err := s.db.Exec(ctx, `DELETE FROM claims WHERE key = $1`, key); err != nil {
		return fmt.Errorf("releasing %q: %w", key, err)
	}
	return nil
}

// claimedSQL is true when the key $1 was claimed, by Claim or as the
// one-time key of a logged entry.
const claimedSQL = `(EXISTS (SELECT 1 FROM claims WHERE key = $1) OR EXISTS (SELECT 1 FROM entries WHERE once_key = $1))`

// Claimed reports whether key was claimed, by Claim or as the one-time
// key of a logged entry, without claiming it.
func (s *Store) Claimed(ctx context.Context, key string) (bool, error) {
	var ok bool
	if err := s.db.QueryRow(ctx, `SELECT `+claimedSQL, key).Scan(&ok); err != nil {
		return false, fmt.Errorf("looking up claim %q: %w", key, err)
	}
	return ok, nil
}

// Enqueue inserts jobs on their own, in one transaction.
func (s *Store) Enqueue(ctx context.Context, jobs []storage.Job) error {
	if len(jobs) == 0 {
		return nil
	}
	if err := s.write(ctx, jobs, func(context.Context, Executor) error { return nil }); err != nil {
		return fmt.Errorf("enqueueing: %w", err)
	}
	return nil
}
