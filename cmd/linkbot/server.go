package main

import (
	"context"
	"errors"
	"fmt"
	"log"
	"log/slog"
	"net"
	"net/http"
	"net/netip"
	"os"
	"strconv"
	"strings"
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

// web is what the inbox needs beyond the database and the planner.
type web struct {
	telegramLink   func(code string) string // nil: Telegram is off
	trustedProxies []netip.Prefix
	publicURL      string // where one-time sign-in links point; "" is each request's address
}

// newHandler returns every public HTTP route of the server, wrapped with
// metrics (which it does not serve: see serveMetrics).
// Each of routes mounts more routes (webhooks, pages) on the mux.
func newHandler(db *store.DB, reg *prometheus.Registry, planner *nudges.Planner, opts web, routes ...func(*http.ServeMux)) http.Handler {
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
			// The reason names the database (user, host, name): it goes to
			// the log, the process's own (serve and demo make it slog's
			// default), never to whoever asked.
			slog.Default().Warn("not ready", "err", err)
			http.Error(w, "not ready: database unreachable or its migrations not current; the server log says which", http.StatusServiceUnavailable)
			return
		}
		fmt.Fprintln(w, "ok")
	})
	// Metrics have a listener of their own (serveMetrics); the demo's
	// pages exist only in the demo, which mounts GET /demo/phones and its
	// phones, more specific than these. Both answer 404 here rather than
	// falling through to the inbox's sign-in page.
	mux.Handle("/metrics", http.NotFoundHandler())
	mux.Handle("/demo/", http.NotFoundHandler())
	mux.Handle("/", inbox.New(inbox.Config{DB: db, Nudges: planner, TelegramLink: opts.telegramLink, TrustedProxies: opts.trustedProxies, PublicURL: opts.publicURL})) // the web inbox, admin pages and JSON API
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

// HTTP server timeouts. A client gets 10 s to send its headers and 30 s for
// the whole request, so a slow trickle cannot hold a connection open; the
// longest page (a caseload of years of check-ins) takes milliseconds, so
// 60 s to write a response leaves room for a slow database without letting
// a stalled reader pin a connection; an idle keep-alive is closed at 2 min.
const (
	readHeaderTimeout = 10 * time.Second
	readTimeout       = 30 * time.Second
	writeTimeout      = 60 * time.Second
	idleTimeout       = 2 * time.Minute
)

// newHTTPServer returns a server for h with the timeouts above, logging its
// errors through logger.
func newHTTPServer(logger *slog.Logger, h http.Handler) *http.Server {
	return &http.Server{
		Handler:           h,
		ReadHeaderTimeout: readHeaderTimeout,
		ReadTimeout:       readTimeout,
		WriteTimeout:      writeTimeout,
		IdleTimeout:       idleTimeout,
		ErrorLog:          slog.NewLogLogger(logger.Handler(), slog.LevelWarn),
	}
}

// serveHTTP serves h on addr until ctx is cancelled, then stops taking new
// connections and waits for requests in flight. listening is called with
// the bound address once the server accepts connections.
func serveHTTP(ctx context.Context, logger *slog.Logger, addr string, h http.Handler, listening func(net.Addr)) error {
	ln, err := net.Listen("tcp", addr)
	if err != nil {
		return fmt.Errorf("cannot listen on %s: %w (is another program using it? choose another address with LINKBOT_LISTEN or --listen)", addr, err)
	}
	return serveOn(ctx, logger, ln, h, listening, true)
}

// serveOn serves h on ln until ctx is cancelled, then shuts the server down
// gracefully. listening, if not nil, is called once the server is serving;
// with chatty set it logs that it is stopping and has stopped.
func serveOn(ctx context.Context, logger *slog.Logger, ln net.Listener, h http.Handler, listening func(net.Addr), chatty bool) error {
	srv := newHTTPServer(logger, h)
	served := make(chan error, 1)
	go func() { served <- srv.Serve(ln) }()
	if listening != nil {
		listening(ln.Addr())
	}

	select {
	case err := <-served:
		return fmt.Errorf("serve http on %s: %w", ln.Addr(), err)
	case <-ctx.Done():
	}
	if chatty {
		logger.Info("stopping: finishing requests in flight")
	}
	stopCtx, cancel := context.WithTimeout(context.Background(), shutdownGrace)
	defer cancel()
	if err := srv.Shutdown(stopCtx); err != nil {
		return fmt.Errorf("stop http server on %s: %w", ln.Addr(), err)
	}
	if err := <-served; err != nil && !errors.Is(err, http.ErrServerClosed) {
		return fmt.Errorf("serve http on %s: %w", ln.Addr(), err)
	}
	if chatty {
		logger.Info("stopped")
	}
	return nil
}

// listenMetrics opens the metrics listener on addr, or returns nil when
// addr is "off" (or empty).
func listenMetrics(addr string) (net.Listener, error) {
	if addr == "" || addr == metricsOff {
		return nil, nil
	}
	ln, err := net.Listen("tcp", addr)
	if err != nil {
		return nil, fmt.Errorf("cannot listen for metrics on %s: %w (choose another address with LINKBOT_METRICS_LISTEN or --metrics-listen, or \"off\")", addr, err)
	}
	return ln, nil
}

// metricsHandler serves reg's metrics at GET /metrics and nothing else.
func metricsHandler(reg *prometheus.Registry) http.Handler {
	mux := http.NewServeMux()
	mux.Handle("GET /metrics", promhttp.HandlerFor(reg, promhttp.HandlerOpts{Registry: reg}))
	return mux
}

// serveMetrics serves reg's metrics on ln until ctx ends, apart from the
// public server, so they can stay on a private address.
func serveMetrics(ctx context.Context, logger *slog.Logger, ln net.Listener, reg *prometheus.Registry) {
	logger.Info("serving metrics", "addr", ln.Addr().String(), "path", "/metrics")
	if err := serveOn(ctx, logger, ln, metricsHandler(reg), nil, false); err != nil {
		logger.Error("metrics server stopped", "err", err)
	}
}

// hstsMaxAge is a year: browsers that have seen Linkbot over https keep to
// https for that long.
const hstsMaxAge = "max-age=31536000"

// withHSTS adds Strict-Transport-Security to every response of h when
// publicURL is https; otherwise it returns h unchanged (the header would
// be ignored over http, and the demo runs on http://127.0.0.1).
func withHSTS(publicURL string, h http.Handler) http.Handler {
	if !strings.HasPrefix(strings.ToLower(publicURL), "https://") {
		return h
	}
	return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		w.Header().Set("Strict-Transport-Security", hstsMaxAge)
		h.ServeHTTP(w, r)
	})
}

// useLogger makes logger slog's default (and so the log package's), so the
// packages that log through slog's package-level functions reach the same
// handler as everything else. It returns a function that puts the previous
// defaults back, for commands run in-process by tests.
func useLogger(logger *slog.Logger) (restore func()) {
	prev, out, flags, prefix := slog.Default(), log.Writer(), log.Flags(), log.Prefix()
	slog.SetDefault(logger)
	return func() {
		slog.SetDefault(prev)
		log.SetOutput(out)
		log.SetFlags(flags)
		log.SetPrefix(prefix)
	}
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
	metrics, err := listenMetrics(cfg.metricsListen)
	if err != nil {
		return err
	}
	proxies, err := inbox.ParseTrustedProxies(cfg.trustedProxies)
	if err != nil {
		return fmt.Errorf("LINKBOT_TRUSTED_PROXIES: %w", err)
	}
	planner := newPlanner(publicURL)
	ch, err := startChannels(ctx, logger, db, reg, planner, publicURL, os.Getenv, demo)
	if err != nil {
		if metrics != nil {
			metrics.Close()
		}
		return err
	}
	defer ch.stop()
	background.Go(func() {
		(&escalate.Loop{DB: db, InboxURL: publicURL, Logger: logger}).Run(ctx) // duty notices and daily digests
	})
	background.Go(func() { runNudges(ctx, db, logger, planner, cfg.databaseURL) })
	if metrics != nil {
		background.Go(func() { serveMetrics(ctx, logger, metrics, reg) })
	}
	return serveHTTP(ctx, logger, cfg.listen, withHSTS(publicURL, newHandler(db, reg, planner, web{telegramLink: ch.telegramLink, trustedProxies: proxies, publicURL: publicURL}, ch.register)), listening)
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
