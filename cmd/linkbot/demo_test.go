package main

import (
	"context"
	"database/sql"
	"flag"
	"net"
	"net/http"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/linkbot/linkbot/store"
	"github.com/linkbot/linkbot/store/storetest"
)

// realDatabase migrates the database at url and gives it a scheme of its
// own, as a real Linkbot's database has.
func realDatabase(t *testing.T, url string) {
	t.Helper()
	db := storetest.Open(t, url)
	if err := db.Migrate(context.Background()); err != nil {
		t.Fatal(err)
	}
	storetest.Scheme(t, db, func(s *store.Scheme) { s.Name = "Real Valley Social Prescribing" })
	db.Close()
}

// schemeNames lists the schemes in the database at url.
func schemeNames(t *testing.T, url string) []string {
	t.Helper()
	db := storetest.Open(t, url)
	defer db.Close()
	list, err := db.ListSchemes(context.Background())
	if err != nil {
		t.Fatal(err)
	}
	var names []string
	for _, s := range list {
		names = append(names, s.Name)
	}
	return names
}

func TestDemoRefusesADatabaseWithAnotherScheme(t *testing.T) {
	eachDatabaseURL(t, func(t *testing.T, dbURL string) {
		realDatabase(t, dbURL)
		dbURL, password := withPassword(t, dbURL)
		p := start(t, "demo", "--database", dbURL, "--listen", "127.0.0.1:0")
		if code := p.wait(); code != 1 {
			t.Fatalf("demo on a real database exited %d, want 1; stdout:\n%s\nstderr:\n%s", code, p.out, p.err)
		}
		stderr := p.err.String()
		for _, want := range []string{"the demo runs only on a database of its own", "1 scheme(s) besides the demo's", "leave out --database"} {
			if !strings.Contains(stderr, want) {
				t.Errorf("the refusal does not say %q:\n%s", want, stderr)
			}
		}
		if password != "" && strings.Contains(stderr+p.out.String(), password) {
			t.Errorf("the database password is in the output:\n%s", stderr)
		}
		if names := schemeNames(t, dbURL); len(names) != 1 || names[0] == demoSchemeName {
			t.Errorf("the real database now has schemes %q", names)
		}
	})
}

func TestDemoRefusesADatabaseThatIsNotLinkbots(t *testing.T) {
	eachDatabaseURL(t, func(t *testing.T, dbURL string) {
		driver, dsn := "sqlite", dbURL
		if strings.HasPrefix(dbURL, "postgres") {
			driver = "postgres"
		}
		other, err := sql.Open(driver, dsn)
		if err != nil {
			t.Fatal(err)
		}
		if _, err := other.Exec(`CREATE TABLE invoices (id integer PRIMARY KEY, total integer)`); err != nil {
			t.Fatal(err)
		}
		other.Close()

		p := start(t, "demo", "--database", dbURL, "--listen", "127.0.0.1:0")
		if code := p.wait(); code != 1 || !strings.Contains(p.err.String(), "the demo runs only on a database of its own") {
			t.Fatalf("demo on another application's database exited %d; stderr:\n%s", code, p.err)
		}
		other, err = sql.Open(driver, dsn)
		if err != nil {
			t.Fatal(err)
		}
		defer other.Close()
		var tables int
		q := `SELECT count(*) FROM information_schema.tables WHERE table_schema = current_schema()`
		if driver == "sqlite" {
			q = `SELECT count(*) FROM sqlite_master WHERE type = 'table'`
		}
		if err := other.QueryRow(q).Scan(&tables); err != nil || tables != 1 {
			t.Fatalf("the database has %d tables after the demo refused it (err %v), want its one", tables, err)
		}
	})
}

func TestDemoRunsOnAnEmptyDatabaseGivenByFlag(t *testing.T) {
	eachDatabaseURL(t, func(t *testing.T, dbURL string) {
		p := start(t, "demo", "--database", dbURL, "--listen", "127.0.0.1:0")
		p.waitLine(t, p.out, "it said where it runs", func(l string) bool { return strings.HasPrefix(l, "Linkbot demo is running at ") })
		if code := p.stop(); code != 0 {
			t.Fatalf("demo exited %d; stderr:\n%s", code, p.err)
		}
		if names := schemeNames(t, dbURL); len(names) != 1 || names[0] != demoSchemeName {
			t.Fatalf("schemes %q, want the demo's", names)
		}
		// A second start finds only demo data and carries on.
		p = start(t, "demo", "--database", dbURL, "--listen", "127.0.0.1:0")
		p.waitLine(t, p.out, "it said where it runs", func(l string) bool { return strings.HasPrefix(l, "Linkbot demo is running at ") })
		p.stop()
		if !strings.Contains(p.err.String(), "reusing the demo scheme") {
			t.Errorf("second start on its own database:\n%s", p.err)
		}
	})
}

func TestDemoIgnoresServesSettingsInTheEnvironment(t *testing.T) {
	eachDatabaseURL(t, func(t *testing.T, dbURL string) {
		realDatabase(t, dbURL)
		dbURL, password := withPassword(t, dbURL)
		t.Setenv("LINKBOT_DATABASE_URL", dbURL)
		t.Setenv("LINKBOT_LISTEN", ":8080")
		t.Setenv("LINKBOT_METRICS_LISTEN", ":9464")
		t.Setenv("LINKBOT_PUBLIC_URL", "https://linkbot.example.org")

		fs := flag.NewFlagSet("demo", flag.ContinueOnError)
		cfg := demoConfig()
		bindDemoFlags(&cfg, fs)
		if err := fs.Parse(nil); err != nil {
			t.Fatal(err)
		}
		want := config{databaseURL: demoDatabase, listen: "127.0.0.1:8080", metricsListen: "off"}
		if cfg != want {
			t.Fatalf("demo settings with serve's in the environment: %+v, want %+v", cfg, want)
		}

		dir := t.TempDir()
		t.Chdir(dir)
		p := start(t, "demo", "--listen", "127.0.0.1:0")
		line := p.waitLine(t, p.out, "it said where it runs", func(l string) bool { return strings.HasPrefix(l, "Linkbot demo is running at ") })
		addr := strings.TrimPrefix(line, "Linkbot demo is running at ")
		if code, _ := get(t, addr+"/demo/phones"); code != http.StatusOK {
			t.Errorf("/demo/phones in the demo: %d", code)
		}
		if code := p.stop(); code != 0 {
			t.Fatalf("demo exited %d; stderr:\n%s", code, p.err)
		}
		if _, err := os.Stat(filepath.Join(dir, demoDatabase)); err != nil {
			t.Errorf("the demo did not use its own file: %v", err)
		}
		if names := schemeNames(t, dbURL); len(names) != 1 || names[0] == demoSchemeName {
			t.Errorf("LINKBOT_DATABASE_URL's database now has schemes %q", names)
		}
		out := p.out.String() + p.err.String()
		if !strings.Contains(out, "this computer only") {
			t.Errorf("the demo does not say it answers on this computer only:\n%s", out)
		}
		if password != "" && strings.Contains(out, password) {
			t.Errorf("a database password is in the output:\n%s", out)
		}
	})
}

func TestDemoListensOnThisComputerOnlyByDefault(t *testing.T) {
	if !loopbackOnly(demoListen) {
		t.Fatalf("the demo's default address %s answers beyond this computer", demoListen)
	}
	for addr, want := range map[string]bool{"127.0.0.1:0": true, "localhost:8080": true, "[::1]:8080": true, ":8080": false, "0.0.0.0:8080": false, "192.0.2.1:8080": false} {
		if got := loopbackOnly(addr); got != want {
			t.Errorf("loopbackOnly(%q) = %v", addr, got)
		}
	}
	// The address the demo binds by default is a loopback one.
	host, _, _ := net.SplitHostPort(demoListen)
	ln, err := net.Listen("tcp", net.JoinHostPort(host, "0"))
	if err != nil {
		t.Fatal(err)
	}
	defer ln.Close()
	if ip := ln.Addr().(*net.TCPAddr).IP; !ip.IsLoopback() {
		t.Fatalf("bound %s", ip)
	}
	if got := demoPublicURL(demoConfig()); got != "http://127.0.0.1:8080" {
		t.Errorf("demo notifications link to %s", got)
	}
}
