package main

import (
	"context"
	"fmt"
)

func runMigrate(ctx context.Context, args []string, io stdio) error {
	cfg := configFromEnv("")
	fs := newFlags("migrate", "migrate [--database URL]\n\nApplies the database migrations built into this binary and exits. Safe to run while other processes start.", io)
	databaseFlag(fs, &cfg)
	if err := parseFlags(fs, args); err != nil {
		return err
	}
	if cfg.databaseURL == "" {
		return exitError{code: 2, msg: "linkbot migrate: no database: set LINKBOT_DATABASE_URL (or --database) to a postgres:// URL or an SQLite file path"}
	}
	db, err := openDatabase(ctx, cfg.databaseURL)
	if err != nil {
		return exitError{code: 1, msg: "linkbot migrate: " + err.Error()}
	}
	defer db.Close()
	fmt.Fprintf(io.out, "%s database is up to date\n", databaseKind(db))
	return nil
}
