// Package storetest gives tests a fresh, migrated Linkbot database and small
// factories that insert rows with sensible defaults.
//
// Each runs a test on SQLite and, when LINKBOT_TEST_DATABASE_URL is set, on
// PostgreSQL too. Every database is new for the test and removed afterwards:
// an SQLite file in t.TempDir, or a PostgreSQL schema of its own that is
// dropped at clean-up, inside a database of the test process's own (see
// processDatabase). If the variable is set and PostgreSQL cannot be
// reached, the test fails; it is never skipped.
package storetest

import (
	"context"
	"crypto/rand"
	"encoding/hex"
	"errors"
	"fmt"
	"net/url"
	"os"
	"path/filepath"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/jmoiron/sqlx"
	"github.com/lib/pq"
	"github.com/linkbot/linkbot/store"
)

// EnvURL names the environment variable that points tests at PostgreSQL.
const EnvURL = "LINKBOT_TEST_DATABASE_URL"

// Each runs fn as a subtest on a fresh migrated SQLite database ("sqlite")
// and, when LINKBOT_TEST_DATABASE_URL is set, on a fresh migrated
// PostgreSQL schema ("postgres").
func Each(t *testing.T, fn func(t *testing.T, db *store.DB)) {
	t.Helper()
	t.Run("sqlite", func(t *testing.T) { fn(t, SQLite(t)) })
	if os.Getenv(EnvURL) != "" {
		t.Run("postgres", func(t *testing.T) { fn(t, Postgres(t)) })
	}
}

// SQLite returns a migrated database in a new file, closed at clean-up.
func SQLite(t testing.TB) *store.DB {
	t.Helper()
	return open(t, SQLiteURL(t), true)
}

// SQLiteURL returns the path of a new, empty SQLite file for the test.
func SQLiteURL(t testing.TB) string {
	t.Helper()
	return filepath.Join(t.TempDir(), "linkbot.db")
}

// Postgres returns a migrated database in a new PostgreSQL schema, dropped
// at clean-up. It skips the test when LINKBOT_TEST_DATABASE_URL is unset.
func Postgres(t testing.TB) *store.DB {
	t.Helper()
	return open(t, PostgresURL(t), true)
}

// PostgresURL creates a new, empty PostgreSQL schema for the test and returns
// a URL whose connections work in it. The schema is dropped at clean-up.
// It skips the test when LINKBOT_TEST_DATABASE_URL is unset and fails it
// when PostgreSQL cannot be reached.
func PostgresURL(t testing.TB) string {
	t.Helper()
	base := os.Getenv(EnvURL)
	if base == "" {
		t.Skip(EnvURL + " is not set")
	}
	u, err := url.Parse(base)
	if err != nil {
		t.Fatalf("storetest: %s is not a URL: %v", EnvURL, err)
	}
	adminURL := *u
	q := adminURL.Query()
	if q.Get("connect_timeout") == "" {
		q.Set("connect_timeout", "5")
	}
	adminURL.RawQuery = q.Encode()
	db, err := processDatabase(adminURL)
	if err != nil {
		t.Fatalf("storetest: %s: %v", store.Redact(base), err)
	}
	adminURL.Path, u.Path = "/"+db, "/"+db
	admin, err := sqlx.Open("postgres", adminURL.String())
	if err != nil {
		t.Fatalf("storetest: %s: %v", store.Redact(base), err)
	}
	t.Cleanup(func() { admin.Close() })
	schema := "linkbot_test_" + randomHex(t)
	ctx := context.Background()
	if _, err := admin.ExecContext(ctx, `CREATE SCHEMA "`+schema+`"`); err != nil {
		t.Fatalf("storetest: cannot create a test schema on %s: %v", store.Redact(base), err)
	}
	t.Cleanup(func() {
		if _, err := admin.ExecContext(ctx, `DROP SCHEMA "`+schema+`" CASCADE`); err != nil {
			t.Errorf("storetest: drop test schema %s: %v", schema, err)
		}
	})
	q = u.Query()
	q.Set("search_path", schema)
	u.RawQuery = q.Encode()
	return u.String()
}

var (
	processDBOnce sync.Once
	processDB     string
	processDBErr  error
)

// processDatabase returns the database this test process keeps its schemas
// in: one of its own, linkbot_test_<unix seconds>_<hex>, created on first
// use on the server server names. Dropping a schema leaves dead rows in the
// catalogs of the database it was in, and thousands of test schemas bloat
// them until every query slows; a database of its own per process takes its
// catalogs with it when it is dropped. A process cannot drop its own at
// exit (tests have no hook for that), so each new process drops those left
// by processes more than an hour ago that no one is connected to. When the
// user may not create databases, schemas go in server's own database.
func processDatabase(server url.URL) (string, error) {
	processDBOnce.Do(func() {
		processDB, processDBErr = createProcessDatabase(server)
	})
	return processDB, processDBErr
}

func createProcessDatabase(server url.URL) (string, error) {
	own := strings.TrimPrefix(server.Path, "/")
	admin, err := sqlx.Open("postgres", server.String())
	if err != nil {
		return "", err
	}
	defer admin.Close()
	ctx := context.Background()
	var names []string
	if err := admin.SelectContext(ctx, &names, `SELECT datname FROM pg_database WHERE datname LIKE 'linkbot\_test\_%'`); err != nil {
		return "", fmt.Errorf("list test databases: %w", err)
	}
	for _, name := range names {
		var created int64
		if _, err := fmt.Sscanf(name, "linkbot_test_%d_", &created); err == nil && time.Since(time.Unix(created, 0)) > time.Hour {
			admin.ExecContext(ctx, `DROP DATABASE IF EXISTS "`+name+`"`) // fails while in use, and then it stays
		}
	}
	b := make([]byte, 6)
	if _, err := rand.Read(b); err != nil {
		return "", err
	}
	name := fmt.Sprintf("linkbot_test_%d_%s", time.Now().Unix(), hex.EncodeToString(b))
	if _, err := admin.ExecContext(ctx, `CREATE DATABASE "`+name+`"`); err != nil {
		if pqErr := (*pq.Error)(nil); errors.As(err, &pqErr) && pqErr.Code == "42501" { // insufficient_privilege
			return own, nil
		}
		return "", fmt.Errorf("create a test database: %w", err)
	}
	return name, nil
}

// Open opens url for the test without migrating it and closes it at clean-up.
func Open(t testing.TB, url string) *store.DB {
	t.Helper()
	return open(t, url, false)
}

func open(t testing.TB, url string, migrate bool) *store.DB {
	t.Helper()
	ctx := context.Background()
	db, err := store.Open(ctx, url)
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() {
		if err := db.Close(); err != nil {
			t.Error(err)
		}
	})
	if migrate {
		if err := db.Migrate(ctx); err != nil {
			t.Fatal(err)
		}
	}
	return db
}

func randomHex(t testing.TB) string {
	b := make([]byte, 8)
	if _, err := rand.Read(b); err != nil {
		t.Fatal(err)
	}
	return hex.EncodeToString(b)
}
