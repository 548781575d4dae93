package storagetest

import (
	"context"
	"crypto/rand"
	"encoding/hex"
	"net/url"
	"os"
	"testing"
	"time"

	"github.com/jackc/pgx/v5"

	"parabot/storage/postgres"
)

// DefaultPostgresURL is the test server when PARABOT_TEST_POSTGRES_URL is
// not set: a local Postgres with trust authentication.
const DefaultPostgresURL = "postgres://root@127.0.0.1:5432/test?sslmode=disable"

// PostgresURL is the test server's URL (PARABOT_TEST_POSTGRES_URL, else
// DefaultPostgresURL), checked to answer. Without a server the test is
// skipped, loudly; under CI=true it fails instead.
func PostgresURL(tb testing.TB) string {
	tb.Helper()
	u := os.Getenv("PARABOT_TEST_POSTGRES_URL")
	if u == "" {
		u = DefaultPostgresURL
	}
	ctx, cancel := context.WithTimeout(context.Background(), 5*time.Second)
	defer cancel()
	conn, err := pgx.Connect(ctx, u)
	if err == nil {
		err = conn.Ping(ctx)
		conn.Close(ctx)
	}
	if err != nil {
		msg := "POSTGRES TESTS NOT RUN: no Postgres server answers (%v); " +
			"start one or set PARABOT_TEST_POSTGRES_URL to a database the tests may use"
		if os.Getenv("CI") == "true" {
			tb.Fatalf(msg, err)
		}
		tb.Skipf(msg, err)
	}
	return u
}

// NewPostgresURL creates a fresh, empty schema on the test server and
// returns a URL whose search_path is that schema. The schema is dropped
// when the test ends.
func NewPostgresURL(tb testing.TB) string {
	tb.Helper()
	base := PostgresURL(tb)
	var b [6]byte
	if _, err := rand.Read(b[:]); err != nil {
		tb.Fatalf("making a schema name: %v", err)
	}
	schema := "parabot_test_" + hex.EncodeToString(b[:])
	exec := func(sql string) error {
		ctx, cancel := context.WithTimeout(context.Background(), 30*time.Second)
		defer cancel()
		conn, err := pgx.Connect(ctx, base)
		if err != nil {
			return err
		}
		defer conn.Close(ctx)
		_, err = conn.Exec(ctx, sql)
		return err
	}
	if err := exec(`CREATE SCHEMA ` + schema); err != nil {
		tb.Fatalf("creating schema %s: %v", schema, err)
	}
	tb.Cleanup(func() {
		if err := exec(`DROP SCHEMA ` + schema + ` CASCADE`); err != nil {
			tb.Errorf("dropping schema %s: %v", schema, err)
		}
	})
	u, err := url.Parse(base)
	if err != nil {
		tb.Fatalf("parsing %s: %v", base, err)
	}
	q := u.Query()
	q.Set("search_path", schema)
	u.RawQuery = q.Encode()
	return u.String()
}

// OpenPostgres opens a fresh Postgres database (a new schema on the test
// server), closed and dropped when the test ends.
func OpenPostgres(tb testing.TB) *postgres.DB {
	tb.Helper()
	db, err := postgres.Open(context.Background(), NewPostgresURL(tb), Logger(tb), 4)
	if err != nil {
		tb.Fatalf("opening postgres: %v", err)
	}
	tb.Cleanup(func() {
		if err := db.Close(); err != nil {
			tb.Errorf("closing postgres: %v", err)
		}
	})
	return db
}
