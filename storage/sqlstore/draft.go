package sqlstore

import (
	"context"
	"errors"
	"fmt"
	"time"

	"parabot/storage"
)

// PutDraft stores data under key until expires, and deletes the drafts
// that expired before now.
func (s *Store) PutDraft(ctx context.Context, key, data string, now, expires time.Time) error {
	err := s.write(ctx, nil, func(ctx context.Context, x Executor) error {
		if _, err := x.Exec(ctx, `DELETE FROM drafts WHERE expires_at < $1`, s.d.Time(now)); err != nil {
			return err
		}
		_, err := x.Exec(ctx, `INSERT INTO drafts (key, data, expires_at) VALUES ($1, $2, $3)
			ON CONFLICT (key) DO UPDATE SET data = excluded.data, expires_at = excluded.expires_at`, key, data, s.d.Time(expires))
		return err
	})
	if err != nil {
		return fmt.Errorf("storing draft: %w", err)
	}
	return nil
}

// Draft returns the data under key, or storage.ErrNotFound when there is
// none or it expired before now.
func (s *Store) Draft(ctx context.Context, key string, now time.Time) (string, error) {
	var data string
	err := s.db.QueryRow(ctx, `SELECT data FROM drafts WHERE key = $1 AND expires_at >= $2`, key, s.d.Time(now)).Scan(&data)
	if err != nil {
		if errors.Is(err, storage.ErrNotFound) {
			return "", err
		}
		return "", fmt.Errorf("reading draft: %w", err)
	}
	return data, nil
}

// DropDraft deletes key.
func (s *Store) DropDraft(ctx context.Context, key string) error {
	err := s.write(ctx, nil, func(ctx context.Context, x Executor) error {
		_, err := x.Exec(ctx, `DELETE FROM drafts WHERE key = $1`, key)
		return err
	})
	if err != nil {
		return fmt.Errorf("dropping draft: %w", err)
	}
	return nil
}
