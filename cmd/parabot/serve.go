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
	"strings"
	"sync"
	"sync/atomic"
	"time"

	"github.com/prometheus/client_golang/prometheus"
	"github.com/prometheus/client_golang/prometheus/collectors"
	"github.com/prometheus/client_golang/prometheus/promhttp"

	"parabot/accesslog"
	"parabot/bot"
	"parabot/config"
	"parabot/scheduler"
	"parabot/storage"
	"parabot/summary"
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
	replicas   func(live, rerun int)
	waiting    func(platform string)
	narrator   *summary.Narrator // the router's and the summaries'; nil for none
	access     *accesslog.Log    // reads and refusals, written in batches; closed before the store

	// draining is set at shutdown: every answer then closes its
	// connection and /readyz says 503, for drainGrace before the listener
	// and the idle connections close.
	draining   atomic.Bool
	drainGrace time.Duration
}

func newServer(ctx context.Context, cfg config.Config, log *slog.Logger) (*server, error) {
	store, err := openStore(ctx, cfg, log)
	if err != nil {
		return nil, err
	}
	s := &server{cfg: cfg, log: log, store: store, mux: http.NewServeMux(), senders: map[storage.Platform]scheduler.Sender{},
		drainGrace: min(2*time.Second, cfg.ShutdownTimeout/4), narrator: newNarrator(cfg, log)}
	s.router = routerWith(store, log, time.Now, cfg.TrialCodes, s.narrator)
	s.access = accesslog.Start(store, log, 0)
	s.router.SetAccessLog(s.access.Record)
	if cfg.WorkspaceSchool != "" {
		if !hasSchool(ctx, store, cfg.WorkspaceSchool) {
			log.Warn("PARABOT_WORKSPACE_SCHOOL names no school on the roster; people not on the roster are told no admin's name")
		}
		s.router.SetWorkspaceSchool(cfg.WorkspaceSchool)
	}
	if err := s.addAdapters(s.router); err != nil {
		_ = s.access.Close(ctx)
		store.Close()
		return nil, err
	}
	reg := prometheus.NewRegistry()
	reg.MustRegister(collectors.NewGoCollector(), collectors.NewProcessCollector(collectors.ProcessCollectorOpts{}))
	s.router.SetObserver(commandMetrics(reg))
	s.reminders = reminderMetrics(reg)
	s.replicas = replicaMetrics(reg)
	s.waiting = waitingMetrics(reg)
	s.mux.Handle("GET /metrics", promhttp.HandlerFor(reg, promhttp.HandlerOpts{}))
	s.mux.HandleFunc("GET /healthz", func(w http.ResponseWriter, r *http.Request) {
		fmt.Fprintln(w, "ok")
	})
	s.mux.HandleFunc("GET /readyz", func(w http.ResponseWriter, r *http.Request) {
		if s.draining.Load() {
			http.Error(w, "shutting down", http.StatusServiceUnavailable)
			return
		}
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
		_ = s.access.Close(ctx)
		s.store.Close()
		return fmt.Errorf("listening on %s (PARABOT_HTTP_ADDR): %w", s.cfg.HTTPAddr, err)
	}
	return s.Serve(ctx, ln)
}

// Serve serves on ln until ctx ends, then shuts down in order: stop
// taking requests (answers close their connections, then the listener and
// idle connections close), finish the requests and the work they started,
// let running jobs finish, write the access log's buffered rows, and
// close the database last. All of it within PARABOT_SHUTDOWN_TIMEOUT;
// what must still be tried once it has run out (cancelling the jobs still
// running, the access log's rows, closing the database) gets
// shutdownMargin more, and Serve returns by then whatever the database
// does.
func (s *server) Serve(ctx context.Context, ln net.Listener) error {
	if len(s.senders) == 0 {
		s.log.Warn("no chat platform is configured (neither SLACK_BOT_TOKEN nor DISCORD_BOT_TOKEN is set): " +
			"nothing is sent, and queued messages wait for a run with one of them")
	}
	// The job workers outlive ctx: they are stopped below, after the
	// requests that may still enqueue jobs have finished.
	runner, err := startJobs(context.WithoutCancel(ctx), s.store, scheduler.Config{Store: s.store, Senders: s.senders, Log: s.log, Now: time.Now,
		CountReminder: s.reminders, CountReplicas: s.replicas, CountWaiting: s.waiting, Narrator: s.narrator})
	if err != nil {
		ln.Close()
		s.store.Close()
		return err
	}
	hs := &http.Server{
		Handler:           s.closeWhenDraining(s.mux),
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
	deadline, _ := sctx.Deadline()
	late, cancelLate := context.WithDeadline(context.WithoutCancel(ctx), deadline.Add(shutdownMargin))
	defer cancelLate()
	// Stop taking work from every side. Over HTTP, answers first carry
	// "Connection: close" for a moment, so clients on kept-alive
	// connections are told to go, instead of finding their connection
	// closed under a request (a reset); then the listener and the
	// remaining idle connections close, and running requests finish.
	s.draining.Store(true)
	grace := time.NewTimer(s.drainGrace)
	select {
	case <-grace.C:
	case <-sctx.Done():
	}
	grace.Stop()
	errs := []error{runErr, hs.Shutdown(sctx)}
	cancelBg()
	stopped := make(chan struct{})
	go func() { bg.Wait(); close(stopped) }()
	select {
	case <-stopped:
	case <-sctx.Done():
		errs = append(errs, errors.New("slack socket mode or the discord gateway did not stop in time"))
	}
	// The work requests started after answering (late replies, forms).
	for _, d := range s.drain {
		errs = append(errs, d(sctx))
	}
	// Running jobs finish; a job is not cut off mid-send unless the
	// shutdown timeout runs out.
	errs = append(errs, runner.Stop(sctx))
	// The access log's buffered rows are written before the store closes.
	errs = append(errs, s.access.Close(late))
	errs = append(errs, closeStore(late, s.store))
	s.log.Info("stopped")
	return errors.Join(errs...)
}

// shutdownMargin is how long shutdown may go on past
// PARABOT_SHUTDOWN_TIMEOUT: for what must still be tried when the timeout
// ran out while the database did not answer.
const shutdownMargin = 2 * time.Second

// closeStore closes store, giving up when ctx ends: a connection pool
// waits for every connection in use to come back, and a query waiting on
// a database that does not answer may hold one for long. The process
// exits next, which closes them all.
func closeStore(ctx context.Context, store storage.Store) error {
	done := make(chan error, 1)
	go func() { done <- store.Close() }()
	select {
	case err := <-done:
		return err
	case <-ctx.Done():
		return errors.New("the database connections did not close in time: the database does not answer")
	}
}

// closeWhenDraining answers with "Connection: close" once shutdown has
// begun, so each client's connection closes cleanly after its answer.
func (s *server) closeWhenDraining(h http.Handler) http.Handler {
	return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		if s.draining.Load() {
			w.Header().Set("Connection", "close")
		}
		h.ServeHTTP(w, r)
	})
}

// hasSchool reports whether the roster has a school of that name.
func hasSchool(ctx context.Context, store storage.Store, name string) bool {
	schools, err := store.Schools(ctx)
	if err != nil {
		return false
	}
	for _, sc := range schools {
		if strings.EqualFold(sc.Name, name) {
			return true
		}
	}
	return false
}

// commandMetrics counts commands and button presses by platform, name and
// result, and times them.
func commandMetrics(reg prometheus.Registerer) func(bot.Outcome) {
	total := prometheus.NewCounterVec(prometheus.CounterOpts{
		Name: "parabot_commands_total", Help: "Commands and button presses handled, by result (ok, refused, unavailable, error).",
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

// replicaMetrics shows how many serve replicas are alive, and counts the
// jobs of dead replicas this one ran again.
func replicaMetrics(reg prometheus.Registerer) func(live, rerun int) {
	live := prometheus.NewGauge(prometheus.GaugeOpts{
		Name: "parabot_replicas", Help: "Serve replicas alive at this replica's last beat, itself included.",
	})
	rerun := prometheus.NewCounter(prometheus.CounterOpts{
		Name: "parabot_jobs_rerun_total", Help: "Jobs left running by a replica that fell silent, run again by this one.",
	})
	reg.MustRegister(live, rerun)
	return func(n, jobs int) {
		live.Set(float64(n))
		rerun.Add(float64(jobs))
	}
}

// waitingMetrics counts the delivery attempts put off because the
// recipient's platform is not configured in this process.
func waitingMetrics(reg prometheus.Registerer) func(platform string) {
	total := prometheus.NewCounterVec(prometheus.CounterOpts{
		Name: "parabot_deliveries_waiting_total",
		Help: "Delivery attempts put off because the recipient's chat platform is not configured in this process (platform \"any\": none is).",
	}, []string{"platform"})
	reg.MustRegister(total)
	return func(p string) { total.WithLabelValues(p).Inc() }
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
