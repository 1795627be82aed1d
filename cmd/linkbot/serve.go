package main

import (
	"context"
	"log/slog"
	"net"

	"github.com/linkbot/linkbot/store"
)

func runServe(ctx context.Context, args []string, io stdio) error {
	cfg := configFromEnv("")
	fs := newFlags("serve", "serve [flags]\n\nRuns Linkbot: webhooks, the inbox, nudges and the dispatcher. Logs are JSON on standard error.", io)
	cfg.bindFlags(fs)
	if err := parseFlags(fs, args); err != nil {
		return err
	}
	if cfg.databaseURL == "" {
		return exitError{code: 2, msg: `linkbot serve: no database: set LINKBOT_DATABASE_URL (or --database) to a postgres:// URL or an SQLite file path, or run "linkbot demo" to try Linkbot with no set-up`}
	}
	logger := slog.New(slog.NewJSONHandler(io.err, nil))
	defer useLogger(logger)() // webhook packages log through slog's default
	if mode, weak := store.WeakTLS(cfg.databaseURL); weak {
		logger.Warn("the database connection does not verify the server: set sslmode=verify-full in LINKBOT_DATABASE_URL (with sslrootcert= the server's CA) so no one between Linkbot and PostgreSQL can read or change what it stores",
			"sslmode", mode)
	}
	db, err := openDatabase(ctx, cfg.databaseURL)
	if err != nil {
		return exitError{code: 1, msg: "linkbot serve: " + err.Error()}
	}
	defer db.Close()
	if cfg.publicURL == "" {
		logger.Warn("LINKBOT_PUBLIC_URL is not set: provider webhooks cannot be verified, so they are refused")
	}
	if err := warnIfNoScheme(ctx, logger, db); err != nil {
		return exitError{code: 1, msg: "linkbot serve: " + err.Error()}
	}
	err = runServer(ctx, logger, db, cfg, cfg.publicURL, false, func(addr net.Addr) {
		logger.Info("serving", "addr", addr.String(), "database", databaseKind(db))
	})
	if err != nil {
		return exitError{code: 2, msg: "linkbot serve: " + err.Error()}
	}
	return nil
}

// databaseKind names the database for logs, never its URL.
func databaseKind(db interface{ Postgres() bool }) string {
	if db.Postgres() {
		return "postgresql"
	}
	return "sqlite"
}
