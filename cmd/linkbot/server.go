package main

import (
	"context"
	"errors"
	"fmt"
	"log/slog"
	"net"
	"net/http"
	"os"
	"strconv"
	"sync"
	"time"

	"github.com/prometheus/client_golang/prometheus"
	"github.com/prometheus/client_golang/prometheus/collectors"
	"github.com/prometheus/client_golang/prometheus/promhttp"

	"github.com/linkbot/linkbot/bot"
	"github.com/linkbot/linkbot/bot/escalate"
	"github.com/linkbot/linkbot/bot/inbox"
	"github.com/linkbot/linkbot/nudges"
	"github.com/linkbot/linkbot/store"
)

// shutdownGrace is how long a stopping server waits for requests in flight.
const shutdownGrace = 20 * time.Second

// newHandler returns every HTTP route of the server, wrapped with metrics.
// Each of routes mounts more routes (webhooks, pages) on the mux.
func newHandler(db *store.DB, reg *prometheus.Registry, planner *nudges.Planner, telegramLink func(code string) string, routes ...func(*http.ServeMux)) http.Handler {
	mux := http.NewServeMux()
	for _, r := range routes {
		r(mux)
	}
	mux.HandleFunc("GET /healthz", func(w http.ResponseWriter, r *http.Request) {
		fmt.Fprintln(w, "ok")
	})
	mux.HandleFunc("GET /readyz", func(w http.ResponseWriter, r *http.Request) {
		ctx, cancel := context.WithTimeout(r.Context(), 2*time.Second)
		defer cancel()
		if err := db.Ready(ctx); err != nil {
			http.Error(w, "not ready: "+err.Error(), http.StatusServiceUnavailable)
			return
		}
		fmt.Fprintln(w, "ok")
	})
	mux.Handle("GET /metrics", promhttp.HandlerFor(reg, promhttp.HandlerOpts{Registry: reg}))
	mux.Handle("/", inbox.New(inbox.Config{DB: db, Nudges: planner, TelegramLink: telegramLink})) // the web inbox, admin pages and JSON API
	return instrument(mux, reg)
}

// newRegistry returns a Prometheus registry with the Go runtime and process
// collectors.
func newRegistry() *prometheus.Registry {
	reg := prometheus.NewRegistry()
	reg.MustRegister(collectors.NewGoCollector(), collectors.NewProcessCollector(collectors.ProcessCollectorOpts{}))
	return reg
}

// instrument counts requests and their durations by route pattern (never by
// raw path, which could carry identifiers) and status code.
func instrument(mux *http.ServeMux, reg *prometheus.Registry) http.Handler {
	requests := prometheus.NewCounterVec(prometheus.CounterOpts{
		Name: "linkbot_http_requests_total",
		Help: "HTTP requests served, by route pattern and status code.",
	}, []string{"route", "code"})
	durations := prometheus.NewHistogramVec(prometheus.HistogramOpts{
		Name:    "linkbot_http_request_duration_seconds",
		Help:    "HTTP request durations, by route pattern.",
		Buckets: prometheus.DefBuckets,
	}, []string{"route"})
	reg.MustRegister(requests, durations)
	return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		start := time.Now()
		rec := &statusRecorder{ResponseWriter: w, status: http.StatusOK}
		mux.ServeHTTP(rec, r)
		route := r.Pattern
		if route == "" {
			route = "unmatched"
		}
		requests.WithLabelValues(route, strconv.Itoa(rec.status)).Inc()
		durations.WithLabelValues(route).Observe(time.Since(start).Seconds())
	})
}

// statusRecorder remembers the status code a handler wrote.
type statusRecorder struct {
	http.ResponseWriter
	status int
}

func (r *statusRecorder) WriteHeader(code int) {
	r.status = code
	r.ResponseWriter.WriteHeader(code)
}

// Unwrap lets http.ResponseController reach the underlying writer.
func (r *statusRecorder) Unwrap() http.ResponseWriter { return r.ResponseWriter }

// serveHTTP serves h on addr until ctx is cancelled, then stops taking new
// connections and waits for requests in flight. listening is called with
// the bound address once the server accepts connections.
func serveHTTP(ctx context.Context, logger *slog.Logger, addr string, h http.Handler, listening func(net.Addr)) error {
	ln, err := net.Listen("tcp", addr)
	if err != nil {
		return fmt.Errorf("cannot listen on %s: %w (is another program using it? choose another address with LINKBOT_LISTEN or --listen)", addr, err)
	}
	srv := &http.Server{
		Handler:           h,
		ReadHeaderTimeout: 10 * time.Second,
		ErrorLog:          slog.NewLogLogger(logger.Handler(), slog.LevelWarn),
	}
	served := make(chan error, 1)
	go func() { served <- srv.Serve(ln) }()
	listening(ln.Addr())

	select {
	case err := <-served:
		return fmt.Errorf("serve http: %w", err)
	case <-ctx.Done():
	}
	logger.Info("stopping: finishing requests in flight")
	stopCtx, cancel := context.WithTimeout(context.Background(), shutdownGrace)
	defer cancel()
	if err := srv.Shutdown(stopCtx); err != nil {
		return fmt.Errorf("stop http server: %w", err)
	}
	if err := <-served; err != nil && !errors.Is(err, http.ErrServerClosed) {
		return fmt.Errorf("serve http: %w", err)
	}
	logger.Info("stopped")
	return nil
}

// openDatabase opens and migrates the database at url. Its errors are one
// line a person can act on.
func openDatabase(ctx context.Context, url string) (*store.DB, error) {
	db, err := store.Open(ctx, url)
	if err != nil {
		return nil, err
	}
	if err := db.Migrate(ctx); err != nil {
		db.Close()
		return nil, err
	}
	return db, nil
}

// runServer runs everything a Linkbot process does until ctx ends: the
// messaging pipeline and dispatcher, the nudge loop, the escalation
// follow-ups, and the web server; then it stops taking work and waits for what is in flight. With
// demo set, every message goes through the simulated channel. publicURL is
// where notifications link to.
func runServer(ctx context.Context, logger *slog.Logger, db *store.DB, cfg config, publicURL string, demo bool, listening func(net.Addr)) error {
	var background sync.WaitGroup
	defer background.Wait()
	ctx, cancel := context.WithCancel(ctx)
	defer cancel()

	reg := newRegistry()
	planner := newPlanner(publicURL)
	ch, err := startChannels(ctx, logger, db, reg, planner, publicURL, os.Getenv, demo)
	if err != nil {
		return err
	}
	defer ch.stop()
	background.Go(func() {
		(&escalate.Loop{DB: db, InboxURL: publicURL, Logger: logger}).Run(ctx) // duty notices and daily digests
	})
	background.Go(func() { runNudges(ctx, db, logger, planner, cfg.databaseURL) })
	return serveHTTP(ctx, logger, cfg.listen, newHandler(db, reg, planner, ch.telegramLink, ch.register), listening)
}

// newPlanner is the process's one nudges.Planner, shared by the inbox, the
// inbound pipeline and the nudge loop: one cache of dialogue versions, and
// one run-advancer whose escalations notify the link worker with links to
// publicURL.
func newPlanner(publicURL string) *nudges.Planner {
	p := nudges.NewPlanner()
	p.Escalate = bot.Escalator(publicURL)
	return p
}
