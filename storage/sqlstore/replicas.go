package sqlstore

import (
	"context"
	"fmt"
	"time"
)

// Beat records that replica id is alive at now, forgets the replicas
// silent since before stale (returning their ids) and counts the rest, in
// one transaction.
func (s *Store) Beat(ctx context.Context, id string, now, stale time.Time) (int, []string, error) {
	var live int
	var dead []string
	err := s.write(ctx, nil, func(ctx context.Context, x Executor) error {
		if _, err := x.Exec(ctx, `INSERT INTO replicas (id, seen_at) VALUES ($1, $2)
			ON CONFLICT (id) DO UPDATE SET seen_at = excluded.seen_at`, id, s.d.Time(now)); err != nil {
			return err
		}
		var err error
		dead, err = list(ctx, x, "forgetting silent replicas", scanString,
			`DELETE FROM replicas WHERE seen_at < $1 RETURNING id`, s.d.Time(stale))
		if err != nil {
			return err
		}
		return x.QueryRow(ctx, `SELECT count(*) FROM replicas`).Scan(&live)
	})
	if err != nil {
		return 0, nil, fmt.Errorf("recording replica %s: %w", id, err)
	}
	return live, dead, nil
}

// Leave forgets replica id.
func (s *Store) Leave(ctx context.Context, id string) error {
	err := s.write(ctx, nil, func(ctx context.Context, x Executor) error {
		_, err := x.Exec(ctx, `DELETE FROM replicas WHERE id = $1`, id)
		return err
	})
	if err != nil {
		return fmt.Errorf("forgetting replica %s: %w", id, err)
	}
	return nil
}

func scanString(row scanner) (string, error) {
	var v string
	err := row.Scan(&v)
	return v, err
}
