package sqlite

import (
	"context"
	"database/sql"
	"errors"
	"log/slog"
	"parabot/storage/sqlstore"
	"path/filepath"
	"slices"
	"strings"
	"testing"
	"time"
)

func openTest(t *testing.T) *DB {
	t.Helper()
	log := slog.New(slog.NewTextHandler(t.Output(), &slog.HandlerOptions{Level: slog.LevelError}))
	db, err := Open(context.Background(), filepath.Join(t.TempDir(), "parabot.db"), log)
	if err != nil {
		t.Fatalf("Open: %v", err)
	}
	t.Cleanup(func() { db.Close() })
	return db
}

// claimWrite is a write that claims key and then fails with fail (when
// not nil) after running extra (when not empty) in the transaction.
func claimWrite(db *DB, key, extra string, fail error) *write {
	w := &write{done: make(chan error, 1)}
	w.fn = func(ctx context.Context, tx *sql.Tx) error {
		if _, err := db.exec(tx).Exec(ctx, sqlstore.ClaimSQL, key, fmtTime(time.Now())); err != nil {
			return err
		}
		if extra != "" {
			if _, err := tx.ExecContext(ctx, extra); err != nil {
				return err
			}
		}
		return fail
	}
	return w
}

func claimedKeys(t *testing.T, db *DB) []string {
	t.Helper()
	var keys sql.NullString
	if err := db.db.QueryRow(`SELECT group_concat(key, ',' ORDER BY key) FROM claims`).Scan(&keys); err != nil {
		t.Fatalf("listing claims: %v", err)
	}
	if !keys.Valid {
		return nil // no claims
	}
	return strings.Split(keys.String, ",")
}

// A group of writes commits together, except that a write that fails
// leaves nothing, whether it failed by itself or took the whole
// transaction down: the others are then run again on their own.
func TestCommitGroup(t *testing.T) {
	failed := errors.New("failed on purpose")
	tests := []struct {
		name       string
		extra      string // what the middle write runs before failing
		wantClaims []string
	}{
		{"one write fails", "", []string{"a", "c"}},
		{"one write ends the transaction", "ROLLBACK", []string{"a", "c"}},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			db := openTest(t)
			group := []*write{claimWrite(db, "a", "", nil), claimWrite(db, "b", tc.extra, failed), claimWrite(db, "c", "", nil)}
			db.commitGroup(group)
			for i, want := range []error{nil, failed, nil} {
				if err := <-group[i].done; !errors.Is(err, want) {
					t.Errorf("write %d answered %v, want %v", i, err, want)
				}
			}
			if got := claimedKeys(t, db); !slices.Equal(got, tc.wantClaims) {
				t.Errorf("claims = %v, want %v", got, tc.wantClaims)
			}
		})
	}
}

// A write whose context has ended writes nothing; a write after Close is
// refused.
func TestWriteEnded(t *testing.T) {
	db := openTest(t)
	ctx, cancel := context.WithCancel(context.Background())
	cancel()
	if _, err := db.Claim(ctx, "late", time.Now()); !errors.Is(err, context.Canceled) {
		t.Errorf("Claim with an ended context = %v, want context.Canceled", err)
	}
	if got := claimedKeys(t, db); len(got) != 0 {
		t.Errorf("claims = %v, want none", got)
	}
	if err := db.Close(); err != nil {
		t.Fatalf("Close: %v", err)
	}
	if _, err := db.Claim(context.Background(), "closed", time.Now()); !errors.Is(err, errClosed) {
		t.Errorf("Claim after Close = %v, want errClosed", err)
	}
}

// When a group fails as a whole, each write runs again with a context of
// its own, not the group's (which may have little time left).
func TestCommitGroupRetryContext(t *testing.T) {
	db := openTest(t)
	var ctxs [3][]context.Context
	group := make([]*write, 3)
	for i := range group {
		w := claimWrite(db, string(rune('a'+i)), "", nil)
		if i == 1 {
			w = claimWrite(db, "b", "ROLLBACK", errors.New("failed on purpose"))
		}
		fn := w.fn
		w.fn = func(ctx context.Context, tx *sql.Tx) error {
			ctxs[i] = append(ctxs[i], ctx)
			return fn(ctx, tx)
		}
		group[i] = w
	}
	db.commitGroup(group)
	for i := range group {
		<-group[i].done
	}
	// a ran in the group and alone; c, after the group broke, alone.
	a, c := ctxs[0], ctxs[2]
	if len(a) != 2 || len(c) == 0 {
		t.Fatalf("write a ran %d times, c %d; want a twice (group, then alone) and c at least once", len(a), len(c))
	}
	group0, aAlone, cAlone := a[0], a[1], c[len(c)-1]
	if aAlone == group0 || cAlone == group0 || aAlone == cAlone {
		t.Error("writes run again after a failed group share the group's context or each other's")
	}
	if _, ok := a[1].Deadline(); !ok {
		t.Error("a write run again has no deadline")
	}
}
