package sqlstore

import (
	"context"
	"embed"
	"fmt"
	"io/fs"
	"log/slog"
	"regexp"
	"sort"
	"strconv"
	"strings"
	"time"
)

// Shared holds the migrations written once for both engines, as
// migrations/NNNN_name.sql: a new table or column goes here. Where the
// engines' types differ, a shared migration names them with the
// placeholders of Types, which Migrate replaces with the engine's words.
// Only a migration whose SQL differs beyond those words goes in each
// engine's own migrations folder instead, under one version in both.
//
//go:embed migrations/*.sql
var Shared embed.FS

// Types are an engine's words for the placeholders of the shared
// migrations:
//
//	{id}      an id primary key: INTEGER PRIMARY KEY on SQLite,
//	          BIGINT GENERATED ALWAYS AS IDENTITY PRIMARY KEY on Postgres
//	{bigint}  a 64-bit integer (a reference to an id, a duration):
//	          INTEGER on SQLite, BIGINT on Postgres
//	{time}    a time: TEXT (UTC, fixed width) on SQLite, TIMESTAMPTZ on Postgres
//	{bool}    a boolean: INTEGER on SQLite, BOOLEAN on Postgres
//	{true}    true: 1 on SQLite, true on Postgres
//	{false}   false: 0 on SQLite, false on Postgres
//
// Any other word in braces is refused, as is a placeholder the engine
// gives no word for.
type Types struct {
	ID, BigInt, Time, Bool, True, False string
}

// words maps each placeholder to its word in t.
func (t Types) words() map[string]string {
	return map[string]string{
		"{id}": t.ID, "{bigint}": t.BigInt, "{time}": t.Time,
		"{bool}": t.Bool, "{true}": t.True, "{false}": t.False,
	}
}

// placeholder matches a word in braces, such as {time} ('{}', an empty
// JSON object, is not one).
var placeholder = regexp.MustCompile(`\{\w+\}`)

// expand replaces the placeholders of a shared migration with d's words.
// It refuses an unknown placeholder, or one d has no word for, so that
// none reaches the database.
func (d Dialect) expand(sql string) (string, error) {
	words := d.Types.words()
	var bad []string
	out := placeholder.ReplaceAllStringFunc(sql, func(p string) string {
		word, known := words[p]
		switch {
		case !known:
			bad = append(bad, p+" (unknown)")
		case word == "":
			bad = append(bad, p+" (no word in this dialect)")
		}
		return word
	})
	if len(bad) > 0 {
		return "", fmt.Errorf("placeholders not expanded: %s", strings.Join(bad, ", "))
	}
	return out, nil
}

// Migration is one numbered .sql file: shared, or an engine's own.
type Migration struct {
	Version int
	Name    string
	Path    string
	fsys    fs.FS
	shared  bool
}

// where names the folder of m in errors.
func (m Migration) where() string {
	if m.shared {
		return "shared " + m.Path
	}
	return "engine's " + m.Path
}

// SQL is m's SQL as d runs it: a shared migration has its placeholders
// expanded.
func (m Migration) SQL(d Dialect) (string, error) {
	body, err := fs.ReadFile(m.fsys, m.Path)
	if err != nil {
		return "", fmt.Errorf("reading %s: %w", m.where(), err)
	}
	if !m.shared {
		return string(body), nil
	}
	sql, err := d.expand(string(body))
	if err != nil {
		return "", fmt.Errorf("%s: %w", m.where(), err)
	}
	return sql, nil
}

// Migrations lists the shared migrations and the engine's own
// (migrations/NNNN_name.sql of own) together, in version order. A version
// given twice is an error.
func Migrations(own fs.FS) ([]Migration, error) {
	return union(Shared, own)
}

// MigrationSQL is the SQL of migration version as an engine runs it (own
// holds its migrations, d is its dialect), for tests that build a
// database at an older schema.
func MigrationSQL(own fs.FS, d Dialect, version int) (string, error) {
	ms, err := Migrations(own)
	if err != nil {
		return "", err
	}
	for _, m := range ms {
		if m.Version == version {
			return m.SQL(d)
		}
	}
	return "", fmt.Errorf("no migration %d", version)
}

// union lists the migrations of shared and own in version order.
func union(shared, own fs.FS) ([]Migration, error) {
	ms, err := listMigrations(shared, true)
	if err != nil {
		return nil, err
	}
	owned, err := listMigrations(own, false)
	if err != nil {
		return nil, err
	}
	ms = append(ms, owned...)
	sort.Slice(ms, func(i, j int) bool { return ms[i].Version < ms[j].Version })
	for i := 1; i < len(ms); i++ {
		if ms[i].Version == ms[i-1].Version {
			return nil, fmt.Errorf("migration version %d is given twice: %s and %s", ms[i].Version, ms[i-1].where(), ms[i].where())
		}
	}
	return ms, nil
}

// listMigrations lists migrations/NNNN_name.sql of fsys.
func listMigrations(fsys fs.FS, shared bool) ([]Migration, error) {
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
		ms = append(ms, Migration{Version: v, Name: name, Path: p, fsys: fsys, shared: shared})
	}
	return ms, nil
}

// Migrate applies the shared migrations and the engine's own (own holds
// its migrations/NNNN_name.sql) that schema_migrations does not list, in
// version order, each in a transaction of its own (tx), running check
// (when not nil) before each commits, and logs each one it applied.
func Migrate(ctx context.Context, own fs.FS, d Dialect, tx TxFunc, check func(ctx context.Context, x Executor) error, log *slog.Logger) error {
	files, err := Migrations(own)
	if err != nil {
		return err
	}
	return migrate(ctx, files, d, tx, check, log)
}

// migrate applies files, those schema_migrations does not list.
func migrate(ctx context.Context, files []Migration, d Dialect, tx TxFunc, check func(ctx context.Context, x Executor) error, log *slog.Logger) error {
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
			sql, err := m.SQL(d)
			if err != nil {
				return err
			}
			if _, err := x.Exec(ctx, sql); err != nil {
				return fmt.Errorf("applying %s: %w", m.where(), err)
			}
			if check != nil {
				if err := check(ctx, x); err != nil {
					return fmt.Errorf("applying %s: %w", m.where(), err)
				}
			}
			if _, err := x.Exec(ctx, `INSERT INTO schema_migrations (version, name, applied_at) VALUES ($1, $2, $3)`,
				m.Version, m.Name, d.Time(time.Now())); err != nil {
				return fmt.Errorf("recording %s: %w", m.where(), err)
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
