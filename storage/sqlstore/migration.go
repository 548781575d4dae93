package sqlstore

import (
	"context"
	"fmt"
	"io/fs"
	"log/slog"
	"sort"
	"strconv"
	"strings"
	"time"
)

// Migration is one numbered .sql file of an engine's migrations.
type Migration struct {
	Version int
	Name    string
	Path    string
}

// Migrations lists migrations/NNNN_name.sql of fsys in version order.
func Migrations(fsys fs.FS) ([]Migration, error) {
	paths, err := fs.Glob(fsys, "migrations/*.sql")
	if err != nil {
		return nil, fmt.Errorf("listing migrations: %w", err)
	}
	var ms []Migration
	for _, p := range paths {
		base := strings.TrimSuffix(strings.TrimPrefix(p, "migrations/"), ".sql")
		num, name, _ := strings.Cut(base, "_")
		v, err := strconv.Atoi(num)
		if err != nil {
			return nil, fmt.Errorf("migration %s: name must start with a number: %w", p, err)
		}
		ms = append(ms, Migration{Version: v, Name: name, Path: p})
	}
	sort.Slice(ms, func(i, j int) bool { return ms[i].Version < ms[j].Version })
	return ms, nil
}

// Migrate applies the migrations of fsys that schema_migrations does not
// list, each in a transaction of its own (tx), running check (when not
// nil) before each commits, and logs each one it applied.
func Migrate(ctx context.Context, fsys fs.FS, d Dialect, tx TxFunc, check func(ctx context.Context, x Executor) error, log *slog.Logger) error {
	files, err := Migrations(fsys)
	if err != nil {
		return err
	}
	for _, m := range files {
		applied := false
		err := tx(ctx, func(ctx context.Context, x Executor) error {
			var n int
			if err := x.QueryRow(ctx, `SELECT count(*) FROM schema_migrations WHERE version = $1`, m.Version).Scan(&n); err != nil {
				return fmt.Errorf("reading schema_migrations: %w", err)
			}
			if n > 0 {
				return nil
			}
			body, err := fs.ReadFile(fsys, m.Path)
			if err != nil {
				return fmt.Errorf("reading %s: %w", m.Path, err)
			}
			if _, err := x.Exec(ctx, string(body)); err != nil {
				return fmt.Errorf("applying %s: %w", m.Path, err)
			}
			if check != nil {
				if err := check(ctx, x); err != nil {
					return fmt.Errorf("applying %s: %w", m.Path, err)
				}
			}
			if _, err := x.Exec(ctx, `INSERT INTO schema_migrations (version, name, applied_at) VALUES ($1, $2, $3)`,
				m.Version, m.Name, d.Time(time.Now())); err != nil {
				return fmt.Errorf("recording %s: %w", m.Path, err)
			}
			applied = true
			return nil
		})
		if err != nil {
			return err
		}
		if applied {
			log.Info("applied migration", "version", m.Version, "name", m.Name)
		}
	}
	return nil
}
