package nudges

import (
	"context"
	"flag"
	"net/url"
	"os"
	"strconv"
	"strings"
	"syscall"
	"testing"
	"time"

	"github.com/jmoiron/sqlx"

	"github.com/linkbot/linkbot/store"
	"github.com/linkbot/linkbot/store/storetest"
)

var (
	benchPeople = flag.Int("nudges.people", 1_000_000, "people in the nudges benchmarks")
	benchLoops  = flag.Int("nudges.loops", 8, "claimers (Loop.Workers) the Monday benchmark runs in this process")
	benchBatch  = flag.Int("nudges.batch", 1000, "nudges per claim in the Monday benchmark")
	benchIdle   = flag.Duration("nudges.idle", 30*time.Second, "how long the idle benchmark watches the loop")
)

// benchDB creates (afresh) the PostgreSQL database linkbot_bench_nudges on
// the server LINKBOT_TEST_DATABASE_URL names, migrates it, and returns it
// with its URL.
func benchDB(b *testing.B) (*store.DB, string) {
	b.Helper()
	base := os.Getenv(storetest.EnvURL)
	if base == "" {
		b.Skip(storetest.EnvURL + " is not set; the nudges benchmarks need PostgreSQL")
	}
	admin, err := sqlx.Open("postgres", base)
	if err != nil {
		b.Fatal(err)
	}
	defer admin.Close()
	ctx := context.Background()
	for _, q := range []string{`DROP DATABASE IF EXISTS linkbot_bench_nudges WITH (FORCE)`, `CREATE DATABASE linkbot_bench_nudges`} {
		if _, err := admin.ExecContext(ctx, q); err != nil {
			b.Fatalf("%s: %v", q, err)
		}
	}
	u, err := url.Parse(base)
	if err != nil {
		b.Fatal(err)
	}
	u.Path = "/linkbot_bench_nudges"
	db := storetest.Open(b, u.String())
	if err := db.Migrate(ctx); err != nil {
		b.Fatal(err)
	}
	return db, u.String()
}

// peakRSS reads the process's peak resident set size (VmHWM) in MB.
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

func cpuTime() time.Duration {
	var ru syscall.Rusage
	syscall.Getrusage(syscall.RUSAGE_SELF, &ru)
	return time.Duration(ru.Utime.Nano() + ru.Stime.Nano())
}

// BenchmarkMondayCheckins: every person has a check-in due in the same
// minute (Monday 10:00 after a weekend); claim loops in this process put
// every first message in the outbox. Reports nudges/s and peak RSS.
//
//	LINKBOT_TEST_DATABASE_URL=postgres://postgres@127.0.0.1:5432/test?sslmode=disable \
//	  go test ./nudges -run '^$' -bench MondayCheckins -benchtime 1x -nudges.people 1000000
func BenchmarkMondayCheckins(b *testing.B) {
	for range b.N {
		b.StopTimer()
		db, u := benchDB(b)
		due := time.Date(2026, 11, 23, 10, 0, 0, 0, time.UTC)
		loadStart := time.Now()
		bulkCheckins(b, db, u, *benchPeople, due)
		b.Logf("loaded %d people and due check-ins in %s", *benchPeople, time.Since(loadStart).Round(time.Second))
		b.StartTimer()
		start := time.Now()
		total, err := runUntilDone(b, db, u, due)
		if err != nil {
			b.Fatal(err)
		}
		took := time.Since(start)
		b.StopTimer()
		var queued int
		raw, _ := sqlx.Open("postgres", u)
		raw.Get(&queued, `SELECT count(DISTINCT nudge_id) FROM messages WHERE status = 'queued'`)
		raw.Close()
		if queued != *benchPeople {
			b.Errorf("%d people have their first messages in the outbox, want %d", queued, *benchPeople)
		}
		b.ReportMetric(float64(total)/took.Seconds(), "nudges/s")
		b.ReportMetric(took.Seconds(), "s-total")
		b.ReportMetric(peakRSS(b), "MB-peak-RSS")
		b.Logf("%d workers, batch %d: %d nudges in %s = %.0f nudges/s; peak RSS %.0f MB",
			*benchLoops, *benchBatch, total, took.Round(time.Millisecond), float64(total)/took.Seconds(), peakRSS(b))
	}
}

// runUntilDone runs a Loop as linkbot serve does (-nudges.loops workers,
// batches of -nudges.batch) until no check-in due at due is left, looking
// every half second, and returns how many nudges were carried out.
func runUntilDone(b *testing.B, db *store.DB, u string, due time.Time) (int, error) {
	raw, err := sqlx.Open("postgres", u)
	if err != nil {
		return 0, err
	}
	defer raw.Close()
	ctx, cancel := context.WithCancel(context.Background())
	loop := &Loop{DB: db, Clock: func() time.Time { return due.Add(time.Minute) }, Workers: *benchLoops, Batch: *benchBatch}
	done := make(chan error, 1)
	go func() { done <- loop.Run(ctx) }()
	defer func() { cancel(); <-done }()
	for {
		time.Sleep(500 * time.Millisecond)
		var left int
		if err := raw.Get(&left, `SELECT count(*) FROM nudges WHERE kind = 'checkin' AND status IN ('planned', 'claimed')
			AND due_at <= $1`, due); err != nil {
			return 0, err
		}
		if left == 0 {
			break
		}
	}
	var total int
	err = raw.Get(&total, `SELECT count(*) FROM nudges WHERE kind = 'checkin' AND status = 'done'`)
	return total, err
}

// BenchmarkReplanScheme: a scheme of many people changes its check-in
// schedule; the next check-in of every person is re-planned.
//
//	go test ./nudges -run '^$' -bench ReplanScheme -benchtime 1x -nudges.people 1000000
func BenchmarkReplanScheme(b *testing.B) {
	for range b.N {
		b.StopTimer()
		db, u := benchDB(b)
		due := time.Date(2026, 11, 30, 10, 0, 0, 0, time.UTC)
		scheme := bulkCheckins(b, db, u, *benchPeople, due)
		planner := NewPlanner()
		src := strings.Replace(builtinSource(b, "ons4"), `every: {weeks: 2, on: monday, at: "10:00"}`, `every: {weeks: 2, on: wednesday, at: "14:00"}`, 1)
		storetest.Dialogue(b, db, scheme.ID, func(d *store.Dialogue) { d.Key, d.Source = "ons4", src })
		db.SetClock(func() time.Time { return due.Add(-72 * time.Hour) })
		b.StartTimer()
		start := time.Now()
		n, err := planner.ReplanScheme(context.Background(), db, scheme.ID)
		if err != nil {
			b.Fatal(err)
		}
		took := time.Since(start)
		b.StopTimer()
		if n != int64(*benchPeople) {
			b.Errorf("re-planned %d check-ins, want %d", n, *benchPeople)
		}
		b.ReportMetric(took.Seconds(), "s-replan")
		b.Logf("re-planned the next check-in of %d people in %s", n, took.Round(time.Millisecond))
	}
}

// BenchmarkIdleLoop: with nothing due, the claim loop's process CPU use
// over -nudges.idle (default 30 s) of wall time.
//
//	go test ./nudges -run '^$' -bench IdleLoop -benchtime 1x
func BenchmarkIdleLoop(b *testing.B) {
	for range b.N {
		b.StopTimer()
		db, u := benchDB(b)
		storetest.Scheme(b, db)
		ctx, cancel := context.WithTimeout(context.Background(), *benchIdle)
		loop := &Loop{DB: db, ListenURL: u}
		cpu0, wall0 := cpuTime(), time.Now()
		b.StartTimer()
		loop.Run(ctx)
		b.StopTimer()
		cancel()
		cpu, wall := cpuTime()-cpu0, time.Since(wall0)
		pct := 100 * cpu.Seconds() / wall.Seconds()
		b.ReportMetric(pct, "%CPU")
		b.Logf("idle for %s: %s CPU = %.3f%% of one core", wall.Round(time.Millisecond), cpu.Round(time.Microsecond), pct)
	}
}
