package main

import (
	"context"
	"database/sql"
	"errors"
	"flag"
	"fmt"
	"log/slog"
	"net"
	"os"
	"strings"
	"time"

	"github.com/linkbot/linkbot/store"
)

// demoDatabase is the SQLite file the demo keeps its data in, in the
// working directory, so a second start carries on where the first stopped.
const demoDatabase = "linkbot-demo.db"

// demoListen is where the demo listens unless --listen says otherwise: this
// computer only, as its passwords are published and its phones page needs
// no sign-in.
const demoListen = "127.0.0.1:8080"

// demoConfig is the demo's configuration before flags: its own SQLite file,
// this computer only, no metrics listener. The demo reads none of serve's
// LINKBOT_* settings from the environment, so a shell set up for a real
// Linkbot cannot point it at real data; only its flags change it.
func demoConfig() config {
	return config{databaseURL: demoDatabase, listen: demoListen, metricsListen: metricsOff}
}

// bindDemoFlags lets the demo's flags override c.
func bindDemoFlags(c *config, fs *flag.FlagSet) {
	fs.StringVar(&c.databaseURL, "database", c.databaseURL, "the demo's database: an SQLite file path or a postgres:// URL holding nothing but the demo scheme (LINKBOT_DATABASE_URL is not read)")
	fs.StringVar(&c.listen, "listen", c.listen, "address to serve HTTP on; anything but 127.0.0.1 lets others sign in with the published demo passwords")
	fs.StringVar(&c.publicURL, "public-url", c.publicURL, "base URL notifications link to (default: the listening address)")
	fs.StringVar(&c.metricsListen, "metrics-listen", c.metricsListen, `address to serve Prometheus metrics on, or "off"`)
}

func runDemo(ctx context.Context, args []string, io stdio) error {
	cfg := demoConfig()
	fs := newFlags("demo", "demo [flags]\n\nRuns Linkbot with a demo scheme on an SQLite file of its own ("+demoDatabase+"), on this computer only ("+demoListen+"): no set-up needed.\nIt reads no LINKBOT_* settings from the environment and refuses a database that holds anything but the demo scheme.", io)
	bindDemoFlags(&cfg, fs)
	if err := parseFlags(fs, args); err != nil {
		return err
	}
	logger := slog.New(slog.NewTextHandler(io.err, nil))
	defer useLogger(logger)()
	db, err := openDemoDatabase(ctx, cfg.databaseURL)
	if err != nil {
		return exitError{code: 1, msg: "linkbot demo: " + err.Error()}
	}
	defer db.Close()
	seeded, err := seedDemo(ctx, db, time.Now())
	if err != nil {
		return fmt.Errorf("seed the demo scheme: %w", err)
	}
	if seeded {
		logger.Info("created the demo scheme", "database", db.String())
	} else {
		logger.Info("reusing the demo scheme", "database", db.String())
	}
	if !loopbackOnly(cfg.listen) {
		logger.Warn("the demo is listening beyond this computer: anyone who can reach it can sign in with the published demo passwords and text as the demo people", "listen", cfg.listen)
	}
	return runServer(ctx, logger, db, cfg, demoPublicURL(cfg), true, func(addr net.Addr) {
		fmt.Fprintf(io.out, "Linkbot demo is running at %s\n", browserURL(addr))
		if loopbackOnly(cfg.listen) {
			fmt.Fprintln(io.out, "It answers on this computer only.")
		}
		fmt.Fprintf(io.out, "Sign in as %s / %s (scheme admin) or %s / %s (link worker).\n",
			demoWorkers[0].email, demoWorkers[0].password, demoWorkers[1].email, demoWorkers[1].password)
		fmt.Fprintf(io.out, "Text as the demo people from their phones at %s/demo/phones\n", browserURL(addr))
		if db.Postgres() {
			fmt.Fprintf(io.out, "Its data is kept in the PostgreSQL database %s, which holds only the demo scheme. Press Ctrl-C to stop.\n", db)
		} else {
			fmt.Fprintf(io.out, "Its data is kept in %s and nowhere else; delete that file to start afresh. Press Ctrl-C to stop.\n", db)
		}
	})
}

// openDemoDatabase opens and migrates the demo's database at url, first
// making sure it holds nothing but demo data: no scheme but the demo's, and
// no tables at all if it is not a Linkbot database. Its errors name the
// database with its password redacted.
func openDemoDatabase(ctx context.Context, url string) (*store.DB, error) {
	// An SQLite file that exists with content before the demo opens it must
	// be a Linkbot database; opening it creates the file and writes to it.
	existing := false
	if !strings.HasPrefix(url, "postgres://") && !strings.HasPrefix(url, "postgresql://") {
		if st, err := os.Stat(sqliteFile(url)); err == nil && st.Size() > 0 {
			existing = true
		}
	}
	db, err := store.Open(ctx, url)
	if err != nil {
		return nil, err
	}
	if err := checkDemoDatabase(ctx, db, url, existing); err != nil {
		db.Close()
		return nil, err
	}
	if err := db.Migrate(ctx); err != nil {
		db.Close()
		return nil, err
	}
	return db, nil
}

// errNotDemo is why the demo refuses a database.
var errNotDemo = errors.New("the demo runs only on a database of its own")

// checkDemoDatabase returns nil when db (opened from url, not yet migrated)
// holds nothing but demo data: Linkbot's schema with no scheme but the
// demo's, or, on PostgreSQL, no tables at all; existing says an SQLite file
// had content before it was opened.
func checkDemoDatabase(ctx context.Context, db *store.DB, url string, existing bool) error {
	schemes, err := db.ListSchemes(ctx)
	if err == nil {
		others := 0
		for _, s := range schemes {
			if s.Name != demoSchemeName {
				others++
			}
		}
		if others > 0 {
			return fmt.Errorf("%w: %s holds %d scheme(s) besides the demo's, so it is refused; leave out --database to use %s", errNotDemo, db, others, demoDatabase)
		}
		return nil
	}
	// No Linkbot schema to read: the database must be empty.
	if db.Postgres() {
		n, err := postgresTables(ctx, url)
		if err != nil {
			return fmt.Errorf("check that %s is empty: %w", db, err)
		}
		if n > 0 {
			return fmt.Errorf("%w: %s holds %d table(s) that are not Linkbot's, so it is refused; give it an empty database or leave out --database to use %s", errNotDemo, db, n, demoDatabase)
		}
		return nil
	}
	if existing {
		return fmt.Errorf("%w: %s is not a Linkbot demo database, so it is refused; if it is a demo file from an older Linkbot, delete it", errNotDemo, db)
	}
	return nil
}

// postgresTables counts the tables in the schema the PostgreSQL database at
// url works in (its search_path's first).
func postgresTables(ctx context.Context, url string) (int, error) {
	conn, err := sql.Open("postgres", url) // the driver the store registers
	if err != nil {
		return 0, errors.New("cannot connect")
	}
	defer conn.Close()
	var n int
	err = conn.QueryRowContext(ctx, `SELECT count(*) FROM information_schema.tables WHERE table_schema = current_schema()`).Scan(&n)
	if err != nil {
		return 0, errors.New("cannot list its tables") // the driver's error may repeat the URL
	}
	return n, nil
}

// sqliteFile is the file an SQLite database URL names, as the store reads
// it: without a "file:" prefix or query parameters.
func sqliteFile(url string) string {
	file := strings.TrimPrefix(url, "file:")
	if i := strings.IndexByte(file, '?'); i >= 0 {
		file = file[:i]
	}
	return file
}

// loopbackOnly reports whether listening on addr answers this computer
// only: a loopback IP or "localhost".
func loopbackOnly(addr string) bool {
	host, _, err := net.SplitHostPort(addr)
	if err != nil {
		return false
	}
	if host == "localhost" {
		return true
	}
	ip := net.ParseIP(host)
	return ip != nil && ip.IsLoopback()
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

// demoPublicURL is where the demo's notifications link to: the public URL
// if one is set, else the listening address (localhost if it is every
// interface).
func demoPublicURL(cfg config) string {
	if cfg.publicURL != "" {
		return cfg.publicURL
	}
	host, port, err := net.SplitHostPort(cfg.listen)
	if err != nil {
		return ""
	}
	if ip := net.ParseIP(host); host == "" || (ip != nil && ip.IsUnspecified()) {
		host = "localhost"
	}
	return "http://" + net.JoinHostPort(host, port)
}
