package storetest

import (
	"context"
	"fmt"
	"net/url"
	"os"
	"testing"
	"time"

	"github.com/jmoiron/sqlx"
)

func TestPostgresSchemasLiveInADatabaseOfTheProcesssOwn(t *testing.T) {
	base := os.Getenv(EnvURL)
	if base == "" {
		t.Skip(EnvURL + " is not set")
	}
	server, err := url.Parse(base)
	if err != nil {
		t.Fatal(err)
	}
	admin, err := sqlx.Open("postgres", base)
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { admin.Close() }) // after the drops below
	ctx := context.Background()
	// The stamps are Unix seconds of the real clock because that is what
	// createProcessDatabase names databases by and compares against (it is
	// housekeeping across test processes, not behaviour under test): two
	// hours and a minute before the real now, whatever the date.
	stale := fmt.Sprintf("linkbot_test_%d_0ld", time.Now().Add(-2*time.Hour).Unix())
	fresh := fmt.Sprintf("linkbot_test_%d_n3w", time.Now().Add(-time.Minute).Unix())
	for _, name := range []string{stale, fresh} {
		if _, err := admin.ExecContext(ctx, `CREATE DATABASE "`+name+`"`); err != nil {
			t.Fatal(err)
		}
	}
	t.Cleanup(func() { admin.ExecContext(ctx, `DROP DATABASE IF EXISTS "`+fresh+`"`) })

	created, err := createProcessDatabase(*server)
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { admin.ExecContext(ctx, `DROP DATABASE IF EXISTS "`+created+`"`) })
	exists := func(name string) bool {
		var n int
		if err := admin.GetContext(ctx, &n, `SELECT count(*) FROM pg_database WHERE datname = $1`, name); err != nil {
			t.Fatal(err)
		}
		return n == 1
	}
	if created == server.Path[1:] || !exists(created) {
		t.Errorf("no database of the process's own: got %q", created)
	}
	if exists(stale) {
		t.Errorf("%s, left two hours ago, was not dropped", stale)
	}
	if !exists(fresh) {
		t.Errorf("%s, a minute old and maybe in use, was dropped", fresh)
	}

	u, err := url.Parse(PostgresURL(t))
	if err != nil {
		t.Fatal(err)
	}
	if u.Path != "/"+processDB {
		t.Errorf("test schema is in %s, want the process's database %s", u.Path, processDB)
	}
}
