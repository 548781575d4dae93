package main

import (
	"context"
	"errors"
	"fmt"
	"io"
	"log/slog"
	"net"
	"net/http"
	"os"
	"sync"
	"time"

	"github.com/prometheus/client_golang/prometheus"
	"github.com/prometheus/client_golang/prometheus/collectors"
	"github.com/prometheus/client_golang/prometheus/promhttp"

	"parabot/bot"
	"parabot/config"
	"parabot/scheduler"
	"parabot/storage"
)

func runServe(ctx context.Context, args []string, getenv func(string) string, stderr io.Writer) error {
	if len(args) > 0 {
		fmt.Fprintf(stderr, "parabot serve takes no arguments; settings come from the environment (see README).\n")
		return errUsage
	}
	cfg, err := config.Load(getenv)
	if err != nil {
		return err
	}
	log := newLogger(stderr, cfg.LogLevel)
	srv, err := newServer(ctx, cfg, log)
	if err != nil {
		return err
	}
	return srv.Run(ctx)
}

// server is parabot serve: the HTTP endpoints, the adapters and the job
// workers over one store. Tests build it with newServer and a listener.
type server struct {
	cfg        config.Config
	log        *slog.Logger
	store      storage.Store
	router     *bot.Router
	mux        *http.ServeMux
	senders    map[storage.Platform]scheduler.Sender
	background []func(ctx context.Context) error // Socket Mode, gateway
	drain      []drainFunc                       // run at shutdown, after the HTTP server stops
	reminders  func(kind string, o scheduler.Outcome)
}

func newServer(ctx context.Context, cfg config.Config, log *slog.Logger) (*server, error) {
	store, err := openStore(ctx, cfg, log)
	if err != nil {
		return nil, err
	}
	s := &server{cfg: cfg, log: log, store: store, mux: http.NewServeMux(), senders: map[storage.Platform]scheduler.Sender{}}
	s.router = newRouter(store, log, time.Now, cfg.TrialCodes)
	if err := s.addAdapters(s.router); err != nil {
		store.Close()
		return nil, err
	}
	reg := prometheus.NewRegistry()
	reg.MustRegister(collectors.NewGoCollector(), collectors.NewProcessCollector(collectors.ProcessCollectorOpts{}))
	s.router.SetObserver(commandMetrics(reg))
	s.reminders = reminderMetrics(reg)
	s.mux.Handle("GET /metrics", promhttp.HandlerFor(reg, promhttp.HandlerOpts{}))
	s.mux.HandleFunc("GET /healthz", func(w http.ResponseWriter, r *http.Request) {
		fmt.Fprintln(w, "ok")
	})
	s.mux.HandleFunc("GET /readyz", func(w http.ResponseWriter, r *http.Request) {
		pctx, cancel := context.WithTimeout(r.Context(), 2*time.Second)
		defer cancel()
		if err := store.Ping(pctx); err != nil {
			log.Warn("not ready", "error", err)
			http.Error(w, "database not reachable", http.StatusServiceUnavailable)
			return
		}
		fmt.Fprintln(w, "ready")
	})
	return s, nil
}

// Run serves on cfg.HTTPAddr until ctx ends, then shuts down gracefully.
func (s *server) Run(ctx context.Context) error {
	ln, err := net.Listen("tcp", s.cfg.HTTPAddr)
	if err != nil {
		s.store.Close()
		return fmt.Errorf("listening on %s (PARABOT_HTTP_ADDR): %w", s.cfg.HTTPAddr, err)
	}
	return s.Serve(ctx, ln)
}

// Serve serves on ln until ctx ends: SIGTERM stops taking requests,
// lets running ones and running jobs finish, then closes the database.
func (s *server) Serve(ctx context.Context, ln net.Listener) error {
	defer s.store.Close()
	runner, err := startJobs(ctx, s.store, scheduler.Config{Store: s.store, Senders: s.senders, Log: s.log, Now: time.Now,
		CountReminder: s.reminders})
	if err != nil {
		ln.Close()
		return err
	}
	hs := &http.Server{
		Handler:           s.mux,
		ReadHeaderTimeout: 5 * time.Second,
		ReadTimeout:       15 * time.Second,
		WriteTimeout:      15 * time.Second,
		IdleTimeout:       60 * time.Second,
	}
	errc := make(chan error, 1+len(s.background))
	go func() {
		if err := hs.Serve(ln); !errors.Is(err, http.ErrServerClosed) {
			errc <- fmt.Errorf("http server: %w", err)
		}
	}()
	bgCtx, cancelBg := context.WithCancel(ctx)
	defer cancelBg()
	var bg sync.WaitGroup
	for _, run := range s.background {
		bg.Go(func() {
			if err := run(bgCtx); err != nil && bgCtx.Err() == nil {
				errc <- err
			}
		})
	}
	s.log.Info("serving", "addr", ln.Addr().String(), "engine", s.store.Engine(), "pid", os.Getpid(),
		"slack", s.cfg.Slack(), "discord", s.cfg.Discord())
	var runErr error
	select {
	case <-ctx.Done():
	case runErr = <-errc:
	}
	s.log.Info("shutting down")
	sctx, cancel := context.WithTimeout(context.WithoutCancel(ctx), s.cfg.ShutdownTimeout)
	defer cancel()
	// Stop taking work from every side (HTTP, Socket Mode, the gateway),
	// then let what was taken finish, then stop the job workers.
	errs := []error{runErr, hs.Shutdown(sctx)}
	cancelBg()
	stopped := make(chan struct{})
	go func() { bg.Wait(); close(stopped) }()
	select {
	case <-stopped:
	case <-sctx.Done():
		errs = append(errs, errors.New("slack socket mode or the discord gateway did not stop in time"))
	}
	for _, d := range s.drain {
		errs = append(errs, d(sctx))
	}
	return errors.Join(append(errs, runner.Stop(sctx))...)
}

// commandMetrics counts commands and button presses by platform, name and
// result, and times them.
func commandMetrics(reg prometheus.Registerer) func(bot.Outcome) {
	total := prometheus.NewCounterVec(prometheus.CounterOpts{
		Name: "parabot_commands_total", Help: "Commands and button presses handled, by result (ok, refused, error).",
	}, []string{"platform", "kind", "name", "result"})
	seconds := prometheus.NewHistogramVec(prometheus.HistogramOpts{
		Name: "parabot_command_seconds", Help: "Time to handle a command or button press, reply included.",
		Buckets: []float64{.005, .01, .025, .05, .1, .25, .5, 1, 2.5},
	}, []string{"platform", "kind"})
	reg.MustRegister(total, seconds)
	return func(o bot.Outcome) {
		total.WithLabelValues(string(o.Platform), o.Kind, o.Name, o.Result).Inc()
		seconds.WithLabelValues(string(o.Platform), o.Kind).Observe(o.Duration.Seconds())
	}
}

// reminderMetrics counts reminder occurrences by kind and outcome: sent,
// late (after downtime, still useful), stale (dropped after downtime),
// nothing (nothing to say), changed (no longer planned), done (sent before).
func reminderMetrics(reg prometheus.Registerer) func(string, scheduler.Outcome) {
	total := prometheus.NewCounterVec(prometheus.CounterOpts{
		Name: "parabot_reminders_total", Help: "Reminder occurrences fired, by kind and outcome (sent, late, stale, nothing, changed, done).",
	}, []string{"kind", "outcome"})
	reg.MustRegister(total)
	return func(kind string, o scheduler.Outcome) { total.WithLabelValues(kind, string(o)).Inc() }
}
