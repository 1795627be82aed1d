package main

import (
	"context"
	"fmt"
	"log/slog"
	"net"
	"time"
)

// demoDatabase is the SQLite file the demo keeps its data in, in the
// working directory, so a second start carries on where the first stopped.
const demoDatabase = "linkbot-demo.db"

func runDemo(ctx context.Context, args []string, io stdio) error {
	cfg := configFromEnv(demoDatabase)
	fs := newFlags("demo", "demo [flags]\n\nRuns Linkbot with a demo scheme on an embedded SQLite file: no set-up needed.", io)
	cfg.bindFlags(fs)
	if err := parseFlags(fs, args); err != nil {
		return err
	}
	logger := slog.New(slog.NewTextHandler(io.err, nil))
	db, err := openDatabase(ctx, cfg.databaseURL)
	if err != nil {
		return exitError{code: 1, msg: "linkbot demo: " + err.Error()}
	}
	defer db.Close()
	seeded, err := seedDemo(ctx, db, time.Now())
	if err != nil {
		return fmt.Errorf("seed the demo scheme: %w", err)
	}
	if seeded {
		logger.Info("created the demo scheme", "database", cfg.databaseURL)
	} else {
		logger.Info("reusing the demo scheme", "database", cfg.databaseURL)
	}
	defer startNudges(ctx, db, logger, cfg.databaseURL)()
	reg := newRegistry()
	return serveHTTP(ctx, logger, cfg.listen, newHandler(db, reg), func(addr net.Addr) {
		fmt.Fprintf(io.out, "Linkbot demo is running at %s\n", browserURL(addr))
		fmt.Fprintf(io.out, "Its data is kept in %s; delete that file to start afresh. Press Ctrl-C to stop.\n", cfg.databaseURL)
	})
}

// browserURL is the address a person can open for a listening address:
// an unspecified host (":8080") becomes localhost.
func browserURL(addr net.Addr) string {
	tcp, ok := addr.(*net.TCPAddr)
	if !ok || tcp.IP == nil || tcp.IP.IsUnspecified() {
		_, port, _ := net.SplitHostPort(addr.String())
		return "http://localhost:" + port
	}
	return "http://" + tcp.String()
}
