package main

import (
	"context"
	"encoding/json"
	"log/slog"
	"net"
	"net/http"
	"net/http/httptest"
	"strings"
	"testing"
	"time"

	"github.com/linkbot/linkbot/store/storetest"
)

// logLine is one of serve's JSON log lines.
type logLine struct {
	Msg  string `json:"msg"`
	Addr string `json:"addr"`
}

func parseLog(line string) logLine {
	var l logLine
	json.Unmarshal([]byte(line), &l)
	return l
}

func TestServeKeepsMetricsAndTheDemoOffThePublicAddress(t *testing.T) {
	eachDatabaseURL(t, func(t *testing.T, dbURL string) {
		p := start(t, "serve", "--database", dbURL, "--listen", "127.0.0.1:0", "--metrics-listen", "127.0.0.1:0",
			"--public-url", "https://linkbot.example.org")
		var public, metrics string
		for public == "" || metrics == "" {
			l := parseLog(p.waitLine(t, p.err, "it said where it serves", func(line string) bool {
				m := parseLog(line).Msg
				return m == "serving" || m == "serving metrics"
			}))
			if l.Msg == "serving" {
				public = "http://" + l.Addr
			} else {
				metrics = "http://" + l.Addr
			}
		}
		if !strings.HasPrefix(metrics, "http://127.0.0.1:") {
			t.Errorf("metrics on %s", metrics)
		}

		for _, path := range []string{"/demo/phones", "/demo/phones/1", "/metrics"} {
			if code, _ := get(t, public+path); code != http.StatusNotFound {
				t.Errorf("serve answers %s with %d, want 404", path, code)
			}
		}
		resp, err := http.Get(public + "/readyz")
		if err != nil {
			t.Fatal(err)
		}
		resp.Body.Close()
		if resp.StatusCode != http.StatusOK || resp.Header.Get("Strict-Transport-Security") != "max-age=31536000" {
			t.Errorf("/readyz: %d, Strict-Transport-Security %q", resp.StatusCode, resp.Header.Get("Strict-Transport-Security"))
		}
		code, text := get(t, metrics+"/metrics")
		if code != http.StatusOK || !strings.Contains(text, `linkbot_http_requests_total{code="404",route="/demo/"} 2`) {
			t.Errorf("metrics listener: %d\n%s", code, text)
		}

		// Packages that log through slog's package-level functions (the
		// webhooks) reach serve's JSON log.
		slog.Info("probe from the default logger", "n", 1) // written before it returns
		if !strings.Contains(p.err.String(), `"msg":"probe from the default logger","n":1}`) {
			t.Errorf("slog's default logger does not write serve's JSON log:\n%s", p.err)
		}

		if code := p.stop(); code != 0 {
			t.Fatalf("serve exited %d; stderr:\n%s", code, p.err)
		}
		for _, l := range strings.Split(strings.TrimSpace(p.err.String()), "\n") {
			if !json.Valid([]byte(l)) {
				t.Errorf("a log line that is not JSON: %s", l)
			}
		}
	})
}

func TestServeWithMetricsOffOpensNoMetricsListener(t *testing.T) {
	ln, err := listenMetrics("off")
	if ln != nil || err != nil {
		t.Fatalf("listenMetrics(off) = %v, %v", ln, err)
	}
	t.Setenv("LINKBOT_METRICS_LISTEN", "")
	if cfg := configFromEnv(""); cfg.metricsListen != "127.0.0.1:9464" {
		t.Errorf("metrics listen by default on %q", cfg.metricsListen)
	}
	t.Setenv("LINKBOT_METRICS_LISTEN", "off")
	p := start(t, "serve", "--database", t.TempDir()+"/linkbot.db", "--listen", "127.0.0.1:0")
	p.waitLine(t, p.err, "it said where it serves", func(l string) bool { return parseLog(l).Msg == "serving" })
	p.stop()
	if strings.Contains(p.err.String(), "serving metrics") {
		t.Errorf("metrics served with LINKBOT_METRICS_LISTEN=off:\n%s", p.err)
	}
}

func TestServerTimeoutsStopSlowClientsHoldingConnections(t *testing.T) {
	srv := newHTTPServer(slog.New(slog.DiscardHandler), http.NotFoundHandler())
	for name, got := range map[string]time.Duration{
		"ReadHeaderTimeout": srv.ReadHeaderTimeout, "ReadTimeout": srv.ReadTimeout,
		"WriteTimeout": srv.WriteTimeout, "IdleTimeout": srv.IdleTimeout,
	} {
		if got <= 0 || got > 2*time.Minute {
			t.Errorf("%s = %v, want a limit of at most 2 minutes", name, got)
		}
	}
	if srv.ReadTimeout > 30*time.Second {
		t.Errorf("a request may take %v to arrive", srv.ReadTimeout)
	}
}

func TestHSTSOnlyWhenThePublicURLIsHTTPS(t *testing.T) {
	for publicURL, want := range map[string]string{
		"https://linkbot.example.org": "max-age=31536000",
		"HTTPS://linkbot.example.org": "max-age=31536000",
		"http://127.0.0.1:8080":       "",
		"":                            "",
	} {
		rec := httptest.NewRecorder()
		withHSTS(publicURL, http.NotFoundHandler()).ServeHTTP(rec, httptest.NewRequest(http.MethodGet, "/", nil))
		if got := rec.Header().Get("Strict-Transport-Security"); got != want {
			t.Errorf("public URL %q: Strict-Transport-Security %q, want %q", publicURL, got, want)
		}
	}
}

func TestServeRefusesAMalformedTrustedProxyList(t *testing.T) {
	db := storetest.SQLite(t)
	cfg := configFromEnv("")
	cfg.trustedProxies = "10.0.0.0/8, not-an-address"
	cfg.listen, cfg.metricsListen = "127.0.0.1:0", metricsOff
	err := runServer(context.Background(), slog.New(slog.DiscardHandler), db, cfg, "", false, func(net.Addr) {})
	if err == nil || !strings.Contains(err.Error(), "LINKBOT_TRUSTED_PROXIES") {
		t.Fatalf("serve with a malformed LINKBOT_TRUSTED_PROXIES: %v, want an error naming it", err)
	}
}
