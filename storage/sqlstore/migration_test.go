package sqlstore

import (
	"context"
	"errors"
	"log/slog"
	"strings"
	"testing"
	"testing/fstest"
	"time"
)

var (
	sqliteTypes   = Types{ID: "INTEGER PRIMARY KEY", BigInt: "INTEGER", Time: "TEXT", Bool: "INTEGER", True: "1", False: "0"}
	postgresTypes = Types{ID: "BIGINT GENERATED ALWAYS AS IDENTITY PRIMARY KEY", BigInt: "BIGINT", Time: "TIMESTAMPTZ", Bool: "BOOLEAN", True: "true", False: "false"}
)

// files is a folder holding migrations/<name>.sql for each name.
func files(sql map[string]string) fstest.MapFS {
	fsys := fstest.MapFS{}
	for name, body := range sql {
		fsys["migrations/"+name+".sql"] = &fstest.MapFile{Data: []byte(body)}
	}
	return fsys
}

func TestExpandPerDialect(t *testing.T) {
	const sql = `CREATE TABLE t (id {id}, ref {bigint} NOT NULL, at {time}, on {bool} DEFAULT {true}, off {bool} DEFAULT {false}, details TEXT DEFAULT '{}')`
	for _, tc := range []struct {
		name  string
		types Types
		want  string
	}{
		{"sqlite", sqliteTypes, `CREATE TABLE t (id INTEGER PRIMARY KEY, ref INTEGER NOT NULL, at TEXT, on INTEGER DEFAULT 1, off INTEGER DEFAULT 0, details TEXT DEFAULT '{}')`},
		{"postgres", postgresTypes, `CREATE TABLE t (id BIGINT GENERATED ALWAYS AS IDENTITY PRIMARY KEY, ref BIGINT NOT NULL, at TIMESTAMPTZ, on BOOLEAN DEFAULT true, off BOOLEAN DEFAULT false, details TEXT DEFAULT '{}')`},
	} {
		got, err := Dialect{Types: tc.types}.expand(sql)
		if err != nil || got != tc.want {
			t.Errorf("%s: expand = %q, %v; want %q", tc.name, got, err, tc.want)
		}
	}
}

// Every shared migration expands in both dialects.
func TestSharedMigrationsExpand(t *testing.T) {
	ms, err := listMigrations(Shared, true)
	if err != nil || len(ms) == 0 {
		t.Fatalf("listing the shared migrations: %v, %v", ms, err)
	}
	for _, types := range []Types{sqliteTypes, postgresTypes} {
		for _, m := range ms {
			if _, err := m.SQL(Dialect{Types: types}); err != nil {
				t.Errorf("%s: %v", m.Path, err)
			}
		}
	}
}

func TestExpandRefusesPlaceholders(t *testing.T) {
	noTime := sqliteTypes
	noTime.Time = ""
	for _, tc := range []struct {
		types Types
		sql   string
		want  string
	}{
		{sqliteTypes, `CREATE TABLE t (at {timestamp})`, "{timestamp} (unknown)"},
		{sqliteTypes, `CREATE TABLE t (at {Time})`, "{Time} (unknown)"},
		{noTime, `CREATE TABLE t (at {time})`, "{time} (no word in this dialect)"},
		{Types{}, `CREATE TABLE t (id {id})`, "{id} (no word in this dialect)"},
	} {
		got, err := Dialect{Types: tc.types}.expand(tc.sql)
		if err == nil || !strings.Contains(err.Error(), tc.want) {
			t.Errorf("expand(%q) = %q, %v; want an error naming %s", tc.sql, got, err, tc.want)
		}
	}
}

// recorder is an Executor of a database that has run no migration: it
// records the statements it is given.
type recorder struct{ execs []string }

func (r *recorder) QueryRow(ctx context.Context, query string, args ...any) Row { return noRows{} }

func (r *recorder) Query(ctx context.Context, query string, args ...any) (Rows, error) {
	return nil, errors.New("not used")
}

func (r *recorder) Exec(ctx context.Context, query string, args ...any) (int64, error) {
	r.execs = append(r.execs, query)
	return 0, nil
}

// noRows is count(*) of schema_migrations: 0.
type noRows struct{}

func (noRows) Scan(dest ...any) error {
	*dest[0].(*int) = 0
	return nil
}

// A placeholder the dialect cannot expand stops Migrate before its
// migration is sent to the database.
func TestMigrateRefusesUnexpanded(t *testing.T) {
	ms, err := union(files(map[string]string{
		"0001_a": `CREATE TABLE a (id {id})`,
		"0002_b": `CREATE TABLE b (at {tiem})`,
	}), files(map[string]string{"0003_c": `CREATE TABLE c (id INTEGER)`}))
	if err != nil {
		t.Fatal(err)
	}
	rec := &recorder{}
	tx := func(ctx context.Context, fn func(ctx context.Context, x Executor) error) error { return fn(ctx, rec) }
	d := Dialect{Time: func(time.Time) any { return "" }, Types: sqliteTypes}
	err = migrate(context.Background(), ms, d, tx, nil, slog.New(slog.DiscardHandler))
	if err == nil || !strings.Contains(err.Error(), "{tiem}") || !strings.Contains(err.Error(), "0002_b") {
		t.Errorf("migrate = %v; want an error naming {tiem} and 0002_b", err)
	}
	if len(rec.execs) != 2 || rec.execs[0] != `CREATE TABLE a (id INTEGER PRIMARY KEY)` || !strings.HasPrefix(rec.execs[1], "INSERT INTO schema_migrations") {
		t.Errorf("statements run = %q; want 0001 expanded and recorded, nothing after", rec.execs)
	}
}

func TestMigrationVersionTwiceRefused(t *testing.T) {
	for _, tc := range []struct {
		name        string
		shared, own map[string]string
	}{
		{"shared and own", map[string]string{"0001_init": "", "0060_debriefs": ""}, map[string]string{"0060_debriefs": ""}},
		{"two names in one folder", map[string]string{"0001_init": "", "0001_other": ""}, nil},
	} {
		ms, err := union(files(tc.shared), files(tc.own))
		if err == nil || !strings.Contains(err.Error(), "given twice") {
			t.Errorf("%s: union = %v, %v; want an error saying a version is given twice", tc.name, ms, err)
		}
	}
}

// The shared migrations and an engine's own run as one list, in version
// order, each from its own folder.
func TestMigrationsUnionOrder(t *testing.T) {
	ms, err := union(
		files(map[string]string{"0010_goal_types": "", "0001_init": "", "0002_roster_active": ""}),
		files(map[string]string{"0013_comments": "", "0003_codes": ""}))
	if err != nil {
		t.Fatal(err)
	}
	var got []string
	for _, m := range ms {
		got = append(got, m.where())
	}
	want := []string{
		"shared migrations/0001_init.sql", "shared migrations/0002_roster_active.sql", "engine's migrations/0003_codes.sql",
		"shared migrations/0010_goal_types.sql", "engine's migrations/0013_comments.sql",
	}
	if strings.Join(got, "; ") != strings.Join(want, "; ") {
		t.Errorf("migrations = %q; want %q", got, want)
	}
	if ms[2].Version != 3 || ms[2].Name != "codes" {
		t.Errorf("migration 3 = %+v; want version 3 named codes", ms[2])
	}
}
