package store_test

import (
	"context"
	"errors"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"github.com/jmoiron/sqlx"
	"github.com/linkbot/linkbot/store"
	"github.com/linkbot/linkbot/store/storetest"
)

func TestOpen(t *testing.T) {
	ctx := context.Background()

	t.Run("an unreachable PostgreSQL fails fast with one line that hides the password", func(t *testing.T) {
		start := time.Now()
		db, err := store.Open(ctx, "postgres://nobody:secret@127.0.0.1:1/x?sslmode=disable")
		if err == nil {
			db.Close()
			t.Fatal("Open succeeded against a closed port")
		}
		if elapsed := time.Since(start); elapsed > 8*time.Second {
			t.Errorf("Open took %v to give up", elapsed)
		}
		msg := err.Error()
		if strings.Contains(msg, "secret") {
			t.Errorf("error shows the password: %s", msg)
		}
		if strings.Contains(msg, "\n") {
			t.Errorf("error is more than one line: %q", msg)
		}
		for _, want := range []string{"PostgreSQL", "127.0.0.1:1", "/x", "check"} {
			if !strings.Contains(msg, want) {
				t.Errorf("error %q does not mention %q", msg, want)
			}
		}
	})

	t.Run("a password given as a URL parameter is hidden too", func(t *testing.T) {
		_, err := store.Open(ctx, "postgres://nobody@127.0.0.1:1/x?password=secret&sslmode=disable")
		if err == nil || strings.Contains(err.Error(), "secret") {
			t.Errorf("got %v, want an error without the password", err)
		}
	})

	t.Run("an SQLite path in a missing directory names the directory", func(t *testing.T) {
		dir := filepath.Join(t.TempDir(), "missing")
		_, err := store.Open(ctx, filepath.Join(dir, "linkbot.db"))
		if err == nil {
			t.Fatal("Open succeeded in a missing directory")
		}
		msg := err.Error()
		if strings.Contains(msg, "\n") || !strings.Contains(msg, dir) || !strings.Contains(msg, "does not exist") {
			t.Errorf("unclear error: %q", msg)
		}
	})

	t.Run("a URL of another database is refused by name", func(t *testing.T) {
		_, err := store.Open(ctx, "mysql://root:secret@localhost/linkbot")
		if err == nil || !strings.Contains(err.Error(), `"mysql"`) || strings.Contains(err.Error(), "secret") {
			t.Errorf("got %v, want a refusal naming mysql without the password", err)
		}
	})

	t.Run("a file: URI opens SQLite", func(t *testing.T) {
		db := storetest.Open(t, "file:"+filepath.Join(t.TempDir(), "x.db"))
		if db.Postgres() {
			t.Error("file: URI opened PostgreSQL")
		}
	})
}

func TestRedact(t *testing.T) {
	for in, want := range map[string]string{
		"postgres://u:pw@h:5432/db?sslmode=disable":     "postgres://u:xxxxx@h:5432/db?sslmode=disable",
		"postgres://u@h/db":                             "postgres://u@h/db",
		"linkbot.db":                                    "linkbot.db",
		"postgres://u@h/db?password=pw&sslmode=disable": "postgres://u@h/db?password=xxxxx&sslmode=disable",
	} {
		if got := store.Redact(in); got != want {
			t.Errorf("Redact(%q) = %q, want %q", in, got, want)
		}
	}
}

func TestMigrateAndReady(t *testing.T) {
	ctx := context.Background()
	for name, url := range map[string]func(t *testing.T) string{
		"sqlite":   func(t *testing.T) string { return storetest.SQLiteURL(t) },
		"postgres": func(t *testing.T) string { return storetest.PostgresURL(t) },
	} {
		t.Run(name, func(t *testing.T) {
			db := storetest.Open(t, url(t))
			if err := db.Ready(ctx); err == nil || !strings.Contains(err.Error(), "linkbot migrate") {
				t.Errorf("Ready before migrating = %v, want an error that says to run linkbot migrate", err)
			}
			if err := db.Migrate(ctx); err != nil {
				t.Fatal(err)
			}
			if err := db.Ready(ctx); err != nil {
				t.Errorf("Ready after migrating: %v", err)
			}
			if err := db.Migrate(ctx); err != nil {
				t.Errorf("second Migrate: %v", err)
			}
		})
	}
}

func TestMigrationsUndoCleanly(t *testing.T) {
	storetest.Each(t, func(t *testing.T, db *store.DB) {
		ctx := context.Background()
		p := storetest.Person(t, db)
		storetest.Nudge(t, db, p)
		mustOK(t, db.MigrateDownAll(ctx))
		if err := db.Ready(ctx); err == nil {
			t.Error("Ready after undoing every migration")
		}
		mustOK(t, db.Migrate(ctx))
		mustOK(t, db.Ready(ctx))
		if _, err := db.GetPerson(ctx, p.ID); store.ErrorCode(err) != store.NotFound {
			t.Errorf("a person survived undoing the schema: %v", err)
		}
	})
}

func TestMigrateConcurrentlyOnPostgres(t *testing.T) {
	ctx := context.Background()
	url := storetest.PostgresURL(t)
	a, b := storetest.Open(t, url), storetest.Open(t, url)
	start := make(chan struct{})
	errs := make(chan error, 2)
	for _, db := range []*store.DB{a, b} {
		go func() {
			<-start
			errs <- db.Migrate(ctx)
		}()
	}
	close(start)
	if err := errors.Join(<-errs, <-errs); err != nil {
		t.Fatalf("concurrent Migrate: %v", err)
	}
	for _, db := range []*store.DB{a, b} {
		if err := db.Ready(ctx); err != nil {
			t.Errorf("Ready: %v", err)
		}
	}
	raw, err := sqlx.Open("postgres", url)
	if err != nil {
		t.Fatal(err)
	}
	defer raw.Close()
	var repeated []int64
	if err := raw.Select(&repeated, `SELECT version_id FROM goose_db_version WHERE is_applied GROUP BY version_id HAVING count(*) > 1`); err != nil {
		t.Fatal(err)
	}
	if len(repeated) > 0 {
		t.Errorf("migrations applied more than once: %v", repeated)
	}
	// The same tables as one Migrate alone makes, whatever the migrations hold.
	aloneURL := storetest.PostgresURL(t)
	if err := storetest.Open(t, aloneURL).Migrate(ctx); err != nil {
		t.Fatal(err)
	}
	alone, err := sqlx.Open("postgres", aloneURL)
	if err != nil {
		t.Fatal(err)
	}
	defer alone.Close()
	count := func(db *sqlx.DB) int {
		var n int
		if err := db.Get(&n, `SELECT count(*) FROM information_schema.tables WHERE table_schema = current_schema() AND table_name <> 'goose_db_version'`); err != nil {
			t.Fatal(err)
		}
		return n
	}
	if got, want := count(raw), count(alone); got != want || want < 13 {
		t.Errorf("schema has %d tables, want %d (what one migration alone makes, at least 13)", got, want)
	}
}

func TestWeakTLSIsAnyUnverifiedConnectionToAnotherMachine(t *testing.T) {
	for _, c := range []struct {
		url  string
		mode string
		weak bool
	}{
		{"postgres://app:pw@db.example.org:5432/linkbot", "require", true},
		{"postgres://app:pw@db.example.org/linkbot?sslmode=disable", "disable", true},
		{"postgresql://app@10.0.0.5/linkbot?sslmode=verify-ca", "verify-ca", true},
		{"postgres://app@db.example.org/linkbot?sslmode=verify-full&sslrootcert=/etc/ca.pem", "verify-full", false},
		{"postgres://postgres@127.0.0.1:5432/test?sslmode=disable", "disable", false},
		{"postgres://postgres@localhost/test", "require", false},
		{"postgres:///linkbot?host=/var/run/postgresql", "require", false},
		{"/var/lib/linkbot/linkbot.db", "", false},
	} {
		mode, weak := store.WeakTLS(c.url)
		if mode != c.mode || weak != c.weak {
			t.Errorf("WeakTLS(%s) = %q, %v; want %q, %v", c.url, mode, weak, c.mode, c.weak)
		}
	}
}
