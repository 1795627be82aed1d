// Package storetest gives tests a fresh, migrated Linkbot database and small
// factories that insert rows with sensible defaults.
//
// Each runs a test on SQLite and, when LINKBOT_TEST_DATABASE_URL is set, on
// PostgreSQL too. Every database is new for the test and removed afterwards:
// an SQLite file in t.TempDir, or a PostgreSQL schema of its own that is
// dropped at clean-up. If the variable is set and PostgreSQL cannot be
// reached, the test fails; it is never skipped.
package storetest

import (
	"context"
	"crypto/rand"
	"encoding/hex"
	"net/url"
	"os"
	"path/filepath"
	"testing"

	"github.com/jmoiron/sqlx"
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
