package commands_test

import (
	"context"
	"io"
	"log/slog"
	"testing"
	"time"

	"parabot/bot"
	"parabot/commands"
	"parabot/roster"
	"parabot/roster/rostertest"
	"parabot/storage"
	"parabot/storage/storagetest"
)

// benchLog measures the whole logging path: parse, identity and caseload
// (cached), the look for a likely duplicate, one transaction with the
// record, its audit row and its jobs, and the confirmation. The clock
// moves 6 minutes a log, so the same line is never a likely duplicate.
func benchLog(b *testing.B, store storage.Store, line string) {
	ctx := context.Background()
	if _, err := roster.Import(ctx, store, roster.Demo()); err != nil {
		b.Fatal(err)
	}
	loc, _ := time.LoadLocation("America/New_York")
	now := time.Date(2026, 11, 24, 10, 0, 0, 0, loc)
	log := slog.New(slog.NewTextHandler(io.Discard, nil))
	r := bot.NewRouter(store, log, func() time.Time { now = now.Add(6 * time.Minute); return now }, commands.All(commands.Deps{Store: store, Log: log}))
	req := bot.Request{Platform: storage.PlatformShell, UserID: "lee", Command: "trial", Text: line}
	if rep := r.Handle(ctx, req); rep.IsError {
		b.Fatal(rep.Text)
	}
	b.ReportAllocs()
	b.ResetTimer()
	for b.Loop() {
		if rep := r.Handle(ctx, req); rep.IsError {
			b.Fatal(rep.Text)
		}
	}
}

func BenchmarkTrialSQLite(b *testing.B) {
	benchLog(b, storagetest.OpenSQLite(b), "S101 G1 + + v - +")
}

func BenchmarkTrialPostgres(b *testing.B) {
	benchLog(b, storagetest.OpenPostgres(b), "S101 G1 + + v - +")
}

func BenchmarkNoteSQLite(b *testing.B) {
	benchNote(b, storagetest.OpenSQLite(b))
}

func BenchmarkNotePostgres(b *testing.B) {
	benchNote(b, storagetest.OpenPostgres(b))
}

// benchNote is a log with a delivery job in the same transaction.
func benchNote(b *testing.B, store storage.Store) {
	ctx := context.Background()
	if _, err := roster.Import(ctx, store, roster.Demo()); err != nil {
		b.Fatal(err)
	}
	log := slog.New(slog.NewTextHandler(io.Discard, nil))
	now := time.Date(2026, 11, 24, 15, 0, 0, 0, time.UTC)
	r := bot.NewRouter(store, log, func() time.Time { return now }, commands.All(commands.Deps{Store: store, Log: log}))
	req := bot.Request{Platform: storage.PlatformShell, UserID: "lee", Command: "note", Text: "S102 finished his math"}
	b.ReportAllocs()
	for b.Loop() {
		if rep := r.Handle(ctx, req); rep.IsError {
			b.Fatal(rep.Text)
		}
	}
}

// benchTodayLarge measures an admin's /today in a 600-student school:
// the day's checklist is read for every student, one page is shown.
func benchTodayLarge(b *testing.B, store storage.Store) {
	ctx := context.Background()
	if _, err := store.ImportRoster(ctx, rostertest.Large(600)); err != nil {
		b.Fatal(err)
	}
	admin, err := store.StaffByEmail(ctx, "robin.admin@large.example")
	if err != nil {
		b.Fatal(err)
	}
	if err := store.LinkIdentity(ctx, storage.Identity{StaffID: admin.ID, Platform: storage.PlatformShell, UserID: rostertest.LargeAdmin}); err != nil {
		b.Fatal(err)
	}
	loc, _ := time.LoadLocation("America/New_York")
	now := time.Date(2026, 11, 24, 10, 0, 0, 0, loc)
	log := slog.New(slog.NewTextHandler(io.Discard, nil))
	r := bot.NewRouter(store, log, func() time.Time { return now }, commands.All(commands.Deps{Store: store, Log: log}))
	req := bot.Request{Platform: storage.PlatformShell, UserID: rostertest.LargeAdmin, Command: "today"}
	b.ReportAllocs()
	b.ResetTimer()
	for b.Loop() {
		if rep := r.Handle(ctx, req); rep.IsError {
			b.Fatal(rep.Text)
		}
	}
}

func BenchmarkTodayLargeSchoolSQLite(b *testing.B) {
	benchTodayLarge(b, storagetest.OpenSQLite(b))
}

func BenchmarkTodayLargeSchoolPostgres(b *testing.B) {
	benchTodayLarge(b, storagetest.OpenPostgres(b))
}
