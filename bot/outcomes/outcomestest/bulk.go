// Package outcomestest loads synthetic schemes for the outcome benchmarks:
// any number of people with referrals, contacts, start and end check-ins,
// group suggestions and escalations, made by set-based SQL inside
// PostgreSQL (bulk-postgres.sql) so that a national-scale scheme loads in
// minutes and never passes through Go.
package outcomestest

import (
	_ "embed"
	"regexp"
	"strconv"
	"strings"
	"testing"

	"github.com/jmoiron/sqlx"

	"github.com/linkbot/linkbot/store"
	"github.com/linkbot/linkbot/store/storetest"
)

//go:embed bulk-postgres.sql
var bulkSQL string

var placeholder = regexp.MustCompile(`(^|[^:]):(scheme|n|base|dialogue|start)\b`)

// BulkScheme loads a scheme of n people referred through 2026 into the
// PostgreSQL database db, whose URL is dbURL, and returns the scheme. base
// keeps phones and NHS numbers apart from other bulk schemes in the same
// database (e.g. 0, then 100000000).
func BulkScheme(tb testing.TB, db *store.DB, dbURL string, n, base int) store.Scheme {
	tb.Helper()
	scheme := storetest.Scheme(tb, db)
	d := storetest.Dialogue(tb, db, scheme.ID)
	values := map[string]string{"scheme": strconv.FormatInt(scheme.ID, 10), "n": strconv.Itoa(n), "base": strconv.Itoa(base),
		"dialogue": strconv.FormatInt(d.ID, 10), "start": "'2026-01-01 00:00:00+00'::timestamptz"}
	conn, err := sqlx.Open("postgres", dbURL)
	if err != nil {
		tb.Fatal(err)
	}
	defer conn.Close()
	// One connection, whose foreign-key triggers are off while it loads
	// rows made consistent by construction.
	conn.SetMaxOpenConns(1)
	if _, err := conn.Exec(`SET session_replication_role = replica`); err != nil {
		tb.Fatal(err)
	}
	for _, stmt := range strings.Split(bulkSQL, "\n-- next\n") {
		q := placeholder.ReplaceAllStringFunc(stmt, func(m string) string {
			i := strings.LastIndex(m, ":")
			return m[:i] + values[m[i+1:]]
		})
		if _, err := conn.Exec(q); err != nil {
			tb.Fatalf("bulk load: %v\n%s", err, q)
		}
	}
	return scheme
}
