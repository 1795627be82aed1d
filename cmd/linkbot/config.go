package main

import (
	"flag"
	"os"
)

// config is what serve and demo need to start, read from the environment
// (DESIGN.md names the variables) and overridden by flags.
type config struct {
	databaseURL string // LINKBOT_DATABASE_URL: postgres://… or an SQLite file path
	listen      string // LINKBOT_LISTEN: the address the web server listens on
	publicURL   string // LINKBOT_PUBLIC_URL: the base URL providers call back
	// LINKBOT_METRICS_LISTEN: the address Prometheus metrics are served on,
	// apart from everything else; "off" serves none.
	metricsListen string
	// LINKBOT_TRUSTED_PROXIES: the reverse proxies whose X-Forwarded-For
	// names the client, comma-separated addresses or CIDR prefixes.
	trustedProxies string
}

// defaultMetricsListen is where serve offers its metrics unless told
// otherwise: this host only, on the port Prometheus exporters commonly use.
const defaultMetricsListen = "127.0.0.1:9464"

// metricsOff is the LINKBOT_METRICS_LISTEN value that turns metrics off.
const metricsOff = "off"

// configFromEnv reads the configuration from the process environment,
// with fallbacks for the settings that have a default.
func configFromEnv(defaultDatabase string) config {
	return config{
		databaseURL: envOr("LINKBOT_DATABASE_URL", defaultDatabase),
		listen:      envOr("LINKBOT_LISTEN", ":8080"),
		publicURL:   os.Getenv("LINKBOT_PUBLIC_URL"),

		metricsListen:  envOr("LINKBOT_METRICS_LISTEN", defaultMetricsListen),
		trustedProxies: os.Getenv("LINKBOT_TRUSTED_PROXIES"),
	}
}

// bindFlags lets flags on fs override c.
func (c *config) bindFlags(fs *flag.FlagSet) {
	fs.StringVar(&c.databaseURL, "database", c.databaseURL, "database: postgres://… URL or SQLite file path (env LINKBOT_DATABASE_URL)")
	fs.StringVar(&c.listen, "listen", c.listen, "address to serve HTTP on (env LINKBOT_LISTEN)")
	fs.StringVar(&c.publicURL, "public-url", c.publicURL, "base URL providers call back, e.g. https://linkbot.example.org (env LINKBOT_PUBLIC_URL)")
	fs.StringVar(&c.trustedProxies, "trusted-proxies", c.trustedProxies, "proxies whose X-Forwarded-For names the client, e.g. 10.0.0.0/8 (env LINKBOT_TRUSTED_PROXIES)")
	fs.StringVar(&c.metricsListen, "metrics-listen", c.metricsListen, `address to serve Prometheus metrics on, apart from the web server, or "off" (env LINKBOT_METRICS_LISTEN)`)
}

func envOr(name, fallback string) string {
	if v := os.Getenv(name); v != "" {
		return v
	}
	return fallback
}
