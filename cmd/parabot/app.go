package main

import (
	"context"
	"fmt"
	"io"
	"log/slog"
	"time"

	"github.com/riverqueue/river/riverdriver/riverpgxv5"
	"github.com/riverqueue/river/riverdriver/riversqlite"

	"parabot/bot"
	"parabot/commands"
	"parabot/config"
	"parabot/progress"
	"parabot/scheduler"
	"parabot/storage"
	"parabot/storage/postgres"
	"parabot/storage/sqlite"
	"parabot/summary"
)

// newLogger logs JSON-free text lines at level to w.
func newLogger(w io.Writer, level string) *slog.Logger {
	var l slog.Level
	if err := l.UnmarshalText([]byte(level)); err != nil {
		l = slog.LevelInfo
	}
	return slog.New(slog.NewTextHandler(w, &slog.HandlerOptions{Level: l}))
}

// openStore opens the database the configuration names (Postgres for a
// postgres:// URL, else a SQLite file) and applies migrations. A SQLite
// file is taken for this process alone (serve, shell).
func openStore(ctx context.Context, cfg config.Config, log *slog.Logger) (storage.Store, error) {
	return openDB(ctx, cfg, log, sqlite.Open)
}

// openDB opens the configured database, a SQLite file with openSQLite.
func openDB(ctx context.Context, cfg config.Config, log *slog.Logger, openSQLite func(context.Context, string, *slog.Logger) (*sqlite.DB, error)) (storage.Store, error) {
	if cfg.IsPostgres() {
		db, err := postgres.Open(ctx, cfg.DatabaseURL, log, int32(cfg.DBMaxConns))
		if err != nil {
			return nil, fmt.Errorf("opening Postgres (PARABOT_DATABASE_URL): %w", err)
		}
		return db, nil
	}
	db, err := openSQLite(ctx, cfg.SQLitePath(), log)
	if err != nil {
		return nil, fmt.Errorf("opening SQLite file %s (PARABOT_DATABASE_URL): %w", cfg.SQLitePath(), err)
	}
	return db, nil
}

// openFromEnv loads the settings and opens their database, logging to
// stderr: the start of every one-shot subcommand, which may run beside
// the parabot serve using a SQLite file.
func openFromEnv(ctx context.Context, getenv func(string) string, stderr io.Writer) (storage.Store, error) {
	cfg, err := config.Load(getenv)
	if err != nil {
		return nil, err
	}
	return openDB(ctx, cfg, newLogger(stderr, cfg.LogLevel), sqlite.OpenShared)
}

// startJobs starts the job workers on the store's engine.
func startJobs(ctx context.Context, store storage.Store, cfg scheduler.Config) (scheduler.Runner, error) {
	switch db := store.(type) {
	case *sqlite.DB:
		return scheduler.Start(ctx, riversqlite.New(db.SQL()), cfg)
	case *postgres.DB:
		return scheduler.Start(ctx, riverpgxv5.New(db.Pool()), cfg)
	}
	return nil, fmt.Errorf("no job driver for engine %s", store.Engine())
}

// newRouter builds the command router with every command; codes are the
// school's trial codes (nil: the defaults).
func newRouter(store storage.Store, log *slog.Logger, now func() time.Time, codes bot.Codes) *bot.Router {
	return routerWith(store, log, now, codes, nil)
}

// routerWith builds the command router whose summaries may carry a
// narrative written by narrator (nil: none).
func routerWith(store storage.Store, log *slog.Logger, now func() time.Time, codes bot.Codes, narrator *summary.Narrator) *bot.Router {
	r := bot.NewRouter(store, log, now, commands.All(commands.Deps{Store: store, Log: log, Progress: newProgress(store, log, narrator)}))
	r.SetCodes(codes)
	r.SetCovering(commands.Covering(store))
	return r
}

// newProgress builds the service behind /progress, /report and the PDF
// export.
func newProgress(store storage.Store, log *slog.Logger, narrator *summary.Narrator) *progress.Service {
	return &progress.Service{Reader: progress.Reader{Store: store, Log: log}, Narrator: narrator, Log: log}
}

// newNarrator builds the narrative writer of the configured language
// model, or nil when none is configured.
func newNarrator(cfg config.Config, log *slog.Logger) *summary.Narrator {
	if !cfg.LLM() {
		return nil
	}
	return summary.NewNarrator(summary.NarratorConfig{
		APIKey: cfg.OpenAIKey, BaseURL: cfg.OpenAIBaseURL, Model: cfg.LLMModel, Timeout: cfg.LLMTimeout, Log: log,
	})
}
