package outcomes_test

import (
	"context"
	"flag"
	"net/url"
	"os"
	"runtime"
	"strconv"
	"strings"
	"testing"
	"time"

	"github.com/jmoiron/sqlx"

	"github.com/linkbot/linkbot/bot/outcomes"
	"github.com/linkbot/linkbot/bot/outcomes/outcomestest"
	"github.com/linkbot/linkbot/store"
	"github.com/linkbot/linkbot/store/storetest"
)

var (
	benchPeople = flag.Int("outcomes.people", 900_000, "people in the national-scale scheme of BenchmarkSchemeReport")
	benchReuse  = flag.Bool("outcomes.reuse", false, "report on the schemes an earlier run left in linkbot_bench_outcomes instead of loading them again")
)

// benchDB creates (afresh) the PostgreSQL database name on the server
// LINKBOT_TEST_DATABASE_URL names, migrates it, and returns it with its URL.
// Drop it afterwards: DROP DATABASE name.
func benchDB(b *testing.B, name string) (*store.DB, string) {
	b.Helper()
	base := os.Getenv(storetest.EnvURL)
	if base == "" {
		b.Skip(storetest.EnvURL + " is not set; the outcome benchmarks need PostgreSQL")
	}
	admin, err := sqlx.Open("postgres", base)
	if err != nil {
		b.Fatal(err)
	}
	defer admin.Close()
	for _, q := range []string{`DROP DATABASE IF EXISTS ` + name + ` WITH (FORCE)`, `CREATE DATABASE ` + name} {
		if _, err := admin.Exec(q); err != nil {
			b.Fatalf("%s: %v", q, err)
		}
	}
	u, err := url.Parse(base)
	if err != nil {
		b.Fatal(err)
	}
	u.Path = "/" + name
	db := storetest.Open(b, u.String())
	if err := db.Migrate(context.Background()); err != nil {
		b.Fatal(err)
	}
	return db, u.String()
}

// reuseBenchDB opens the database name an earlier run left.
func reuseBenchDB(b *testing.B, name string) *store.DB {
	b.Helper()
	base := os.Getenv(storetest.EnvURL)
	if base == "" {
		b.Skip(storetest.EnvURL + " is not set; the outcome benchmarks need PostgreSQL")
	}
	u, err := url.Parse(base)
	if err != nil {
		b.Fatal(err)
	}
	u.Path = "/" + name
	return storetest.Open(b, u.String())
}

// peakRSS is the process's peak resident set size (VmHWM), in MB.
func peakRSS(b *testing.B) float64 {
	raw, err := os.ReadFile("/proc/self/status")
	if err != nil {
		b.Fatal(err)
	}
	for _, line := range strings.Split(string(raw), "\n") {
		if f := strings.Fields(line); len(f) >= 2 && f[0] == "VmHWM:" {
			kb, _ := strconv.ParseFloat(f[1], 64)
			return kb / 1024
		}
	}
	return 0
}

// BenchmarkSchemeReport: the scheme report of a national-scale scheme
// (-outcomes.people, default 900,000, referred through 2026) for the whole
// year, and of a 5,000-person scheme in the same database. Reports the
// seconds, the bytes Go allocated, the peak heap in use and the process's
// peak RSS. The database linkbot_bench_outcomes (about 3 GB at 900,000
// people) is left for a look and for -outcomes.reuse, which reports on it
// again without loading; drop it afterwards.
//
//	LINKBOT_TEST_DATABASE_URL=postgres://postgres@127.0.0.1:5432/test?sslmode=disable \
//	  nice go test ./bot/outcomes -run '^$' -bench SchemeReport -benchtime 1x -timeout 60m
func BenchmarkSchemeReport(b *testing.B) {
	for range b.N {
		b.StopTimer()
		var db *store.DB
		var big, small store.Scheme
		if *benchReuse {
			db = reuseBenchDB(b, "linkbot_bench_outcomes")
			schemes, err := db.ListSchemes(context.Background())
			if err != nil || len(schemes) != 2 {
				b.Fatalf("linkbot_bench_outcomes has %d schemes (%v); run once without -outcomes.reuse", len(schemes), err)
			}
			big, small = schemes[0], schemes[1]
		} else {
			var u string
			db, u = benchDB(b, "linkbot_bench_outcomes")
			loadStart := time.Now()
			big = outcomestest.BulkScheme(b, db, u, *benchPeople, 0)
			small = outcomestest.BulkScheme(b, db, u, 5000, 100_000_000)
			b.Logf("loaded %d + 5,000 people in %s", *benchPeople, time.Since(loadStart).Round(time.Second))
		}
		year := func(s store.Scheme) outcomes.Query {
			return outcomes.Query{SchemeID: s.ID, From: time.Date(2026, 1, 1, 0, 0, 0, 0, time.UTC), To: time.Date(2027, 1, 1, 0, 0, 0, 0, time.UTC)}
		}
		runtime.GC()
		var before, after runtime.MemStats
		runtime.ReadMemStats(&before)
		stop := make(chan struct{})
		peakHeap := make(chan uint64)
		go func() { // sample the heap in use while the report runs
			var m runtime.MemStats
			var peak uint64
			for {
				select {
				case <-stop:
					peakHeap <- peak
					return
				case <-time.After(50 * time.Millisecond):
					runtime.ReadMemStats(&m)
					peak = max(peak, m.HeapInuse)
				}
			}
		}()
		b.StartTimer()
		start := time.Now()
		r, err := outcomes.SchemeReport(context.Background(), db, year(big))
		took := time.Since(start)
		b.StopTimer()
		close(stop)
		heap := <-peakHeap
		runtime.ReadMemStats(&after)
		if err != nil {
			b.Fatal(err)
		}
		if (!*benchReuse && int(r.Referred) != *benchPeople) || len(r.Outcomes) != len(outcomes.Measures) {
			b.Errorf("report of %d people with %d measures: %+v", r.Referred, len(r.Outcomes), r)
		}
		start = time.Now()
		rs, err := outcomes.SchemeReport(context.Background(), db, year(small))
		tookSmall := time.Since(start)
		if err != nil || rs.Referred != 5000 {
			b.Fatalf("5,000-person report: %v %+v", err, rs)
		}
		b.ReportMetric(took.Seconds(), "s-report")
		b.ReportMetric(float64(after.TotalAlloc-before.TotalAlloc)/(1<<20), "MB-allocated")
		b.ReportMetric(float64(heap)/(1<<20), "MB-peak-heap")
		b.ReportMetric(peakRSS(b), "MB-peak-RSS")
		b.ReportMetric(float64(tookSmall.Milliseconds()), "ms-report-5000")
		b.Logf("%d people: report in %s; Go allocated %.1f MB, peak heap in use %.1f MB, peak RSS %.0f MB; 5,000 people in the same database: %s",
			r.Referred, took.Round(time.Millisecond), float64(after.TotalAlloc-before.TotalAlloc)/(1<<20), float64(heap)/(1<<20), peakRSS(b), tookSmall.Round(time.Millisecond))
		life := r.Outcomes[0]
		b.Logf("life satisfaction: %d paired, mean change %+.3f (%.3f to %.3f), improved %d same %d worse %d",
			life.Paired, life.MeanChange, life.CILow, life.CIHigh, life.Improved, life.Same, life.Worse)
	}
}
