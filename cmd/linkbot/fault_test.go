package main

import (
	"context"
	"crypto/rand"
	"encoding/hex"
	"fmt"
	"io"
	"log/slog"
	"net"
	"net/url"
	"os"
	"os/exec"
	"sync"
	"syscall"
	"testing"
	"time"

	"github.com/jmoiron/sqlx"

	"github.com/linkbot/linkbot/bot"
	"github.com/linkbot/linkbot/bot/dispatch"
	"github.com/linkbot/linkbot/bot/sms"
	"github.com/linkbot/linkbot/bot/sms/smstest"
	"github.com/linkbot/linkbot/store"
	"github.com/linkbot/linkbot/store/storetest"
)

// The fault suite's process-level half (go test -run Fault ./... with
// LINKBOT_TEST_DATABASE_URL set): the real linkbot serve killed with
// SIGKILL mid-burst, the database cut off mid-burst, its backends
// terminated, and two serve processes sharing one sender's rate. Each
// prints what it measured. These run in real time, as processes and
// networks do; the fake-clock half is in bot/dispatch/fault_test.go.

// counter is a fake Twilio's tally: every request it accepted, the
// distinct bodies among them, and a signal when either reaches a mark.
type counter struct {
	mu       sync.Mutex
	total    int
	seen     map[string]int
	at       []time.Time // when each was accepted (for rates)
	marks    map[int]chan struct{}
	distinct map[int]chan struct{}
	onAccept func(total int)
}

func newCounter() *counter {
	return &counter{seen: map[string]int{}, marks: map[int]chan struct{}{}, distinct: map[int]chan struct{}{}}
}

// at returns a channel closed once total accepted requests reach n.
func (c *counter) atTotal(n int) <-chan struct{} {
	c.mu.Lock()
	defer c.mu.Unlock()
	ch := make(chan struct{})
	c.marks[n] = ch
	return ch
}

// atDistinct returns a channel closed once n distinct bodies were accepted.
func (c *counter) atDistinct(n int) <-chan struct{} {
	c.mu.Lock()
	defer c.mu.Unlock()
	ch := make(chan struct{})
	c.distinct[n] = ch
	return ch
}

func (c *counter) decide(m smstest.Message) *smstest.Reply {
	c.mu.Lock()
	c.total++
	c.seen[m.Body]++
	c.at = append(c.at, time.Now())
	if ch, ok := c.marks[c.total]; ok {
		close(ch)
		delete(c.marks, c.total)
	}
	if ch, ok := c.distinct[len(c.seen)]; ok && c.seen[m.Body] == 1 {
		close(ch)
		delete(c.distinct, len(c.seen))
	}
	hook, total := c.onAccept, c.total
	c.mu.Unlock()
	if hook != nil {
		hook(total)
	}
	return nil
}

func (c *counter) figures() (total, distinct int) {
	c.mu.Lock()
	defer c.mu.Unlock()
	return c.total, len(c.seen)
}

// faultSetup makes a migrated PostgreSQL schema with n nudges queued (to a
// scheme that sends at any hour, so the suite runs the same at night) and
// returns its URL.
func faultSetup(t *testing.T, n int) (string, *store.DB) {
	t.Helper()
	u := storetest.PostgresURL(t)
	db := storetest.Open(t, u)
	ctx := context.Background()
	if err := db.Migrate(ctx); err != nil {
		t.Fatal(err)
	}
	scheme := storetest.Scheme(t, db, func(s *store.Scheme) { s.SendFrom, s.SendUntil = "00:00", "23:59" })
	p := storetest.Person(t, db, func(p *store.Person) { p.SchemeID = scheme.ID })
	for start := 0; start < n; start += 1000 {
		err := db.InTx(ctx, func(tx *store.Tx) error {
			for i := start; i < min(start+1000, n); i++ {
				m := store.Message{SchemeID: p.SchemeID, PersonID: &p.ID, Channel: store.ChannelSMS,
					Address: fmt.Sprintf("+4477%08d", i), Kind: store.MessageNudge, Body: fmt.Sprintf("message %d", i)}
				if err := tx.QueueMessage(ctx, &m); err != nil {
					return err
				}
			}
			return nil
		})
		if err != nil {
			t.Fatal(err)
		}
	}
	return u, db
}

// serveChild starts linkbot serve (this test binary as the real main) on
// the database at dbURL, sending SMS through the fake Twilio at perSecond.
func serveChild(t *testing.T, dbURL string, fake *smstest.Server, perSecond int) *exec.Cmd {
	t.Helper()
	cmd := linkbot(t, t.TempDir(), []string{
		"LINKBOT_DATABASE_URL=" + dbURL, "LINKBOT_LISTEN=127.0.0.1:0", "LINKBOT_PUBLIC_URL=https://linkbot.example",
		"TWILIO_ACCOUNT_SID=" + smstest.AccountSID, "TWILIO_AUTH_TOKEN=" + smstest.AuthToken, "TWILIO_FROM=+447700900999",
		"TWILIO_API_URL=" + fake.URL, fmt.Sprintf("%s=%d", envSMSPerSecond, perSecond),
	}, "serve")
	cmd.Stdout, cmd.Stderr = io.Discard, io.Discard
	if os.Getenv("LINKBOT_FAULT_VERBOSE") != "" {
		cmd.Stderr = os.Stderr
	}
	if err := cmd.Start(); err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() {
		cmd.Process.Kill()
		cmd.Wait()
	})
	return cmd
}

// within fails the test if ch is not closed within d (a guard against a
// hang, not a timing).
func within(t *testing.T, ch <-chan struct{}, d time.Duration, what string) {
	t.Helper()
	select {
	case <-ch:
	case <-time.After(d):
		t.Fatalf("%s did not happen within %s", what, d)
	}
}

func TestFaultKill9MidBurst(t *testing.T) {
	const n, killAt, rate = 2000, 800, 400
	dbURL, _ := faultSetup(t, n)
	fake := smstest.NewServer()
	defer fake.Close()
	c := newCounter()
	fake.Decide(c.decide)
	atKill, allSent := c.atTotal(killAt), c.atDistinct(n)

	first := serveChild(t, dbURL, fake, rate)
	within(t, atKill, 3*time.Minute, "the first 800 sends")
	if err := first.Process.Signal(syscall.SIGKILL); err != nil {
		t.Fatal(err)
	}
	first.Wait()
	killedAt := time.Now()
	before, _ := c.figures()
	serveChild(t, dbURL, fake, rate)
	within(t, allSent, 3*time.Minute, "every message sent after the restart")
	total, distinct := c.figures()
	t.Logf("kill -9 at %d of %d queued (%d accepted when it died), restart: %d lost, %d sent twice (at most %d workers in flight), all sent %.1fs after the kill",
		killAt, n, before, n-distinct, total-distinct, dispatch.DefaultWorkers, time.Since(killedAt).Seconds())
	if distinct != n || total-distinct > dispatch.DefaultWorkers {
		t.Fatalf("%d lost, %d duplicates", n-distinct, total-distinct)
	}
}

// proxy is a TCP relay to PostgreSQL that the test can cut: while cut it
// drops every connection and refuses new ones, as a database that has
// gone away.
type proxy struct {
	ln     net.Listener
	target string
	mu     sync.Mutex
	cut    bool
	conns  map[net.Conn]bool
}

func newProxy(t *testing.T, target string) *proxy {
	ln, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	p := &proxy{ln: ln, target: target, conns: map[net.Conn]bool{}}
	t.Cleanup(func() { ln.Close(); p.setCut(true) })
	go func() {
		for {
			in, err := ln.Accept()
			if err != nil {
				return
			}
			p.mu.Lock()
			if p.cut {
				p.mu.Unlock()
				in.Close()
				continue
			}
			out, err := net.Dial("tcp", target)
			if err != nil {
				p.mu.Unlock()
				in.Close()
				continue
			}
			p.conns[in], p.conns[out] = true, true
			p.mu.Unlock()
			go func() { io.Copy(out, in); out.Close() }()
			go func() { io.Copy(in, out); in.Close() }()
		}
	}()
	return p
}

func (p *proxy) setCut(cut bool) {
	p.mu.Lock()
	defer p.mu.Unlock()
	p.cut = cut
	if cut {
		for c := range p.conns {
			c.Close()
		}
		clear(p.conns)
	}
}

// outageDuration is how long the database is cut off: 11 s as in issue 13,
// or LINKBOT_FAULT_OUTAGE.
func outageDuration(t *testing.T) time.Duration {
	if v := os.Getenv("LINKBOT_FAULT_OUTAGE"); v != "" {
		d, err := time.ParseDuration(v)
		if err != nil {
			t.Fatalf("LINKBOT_FAULT_OUTAGE: %v", err)
		}
		return d
	}
	return 11 * time.Second
}

// dispatchThrough runs a dispatcher in this process on dbURL until every
// one of n distinct bodies has reached fake, and returns the figures.
func dispatchThrough(t *testing.T, dbURL string, fake *smstest.Server, c *counter, n int) (total, distinct int) {
	t.Helper()
	db, err := store.Open(context.Background(), dbURL)
	if err != nil {
		t.Fatal(err)
	}
	defer db.Close()
	cfg := sms.Config{AccountSID: smstest.AccountSID, AuthToken: smstest.AuthToken, From: "+447700900999",
		PublicURL: "https://linkbot.example", APIURL: fake.URL}
	d := dispatch.New(db, dispatch.Config{Senders: map[store.Channel]bot.Sender{store.ChannelSMS: sms.NewSender(cfg)},
		Limits: dispatch.NewLimits(500, 0, 0), Tick: 100 * time.Millisecond, Logger: slog.New(slog.DiscardHandler)})
	allSent := c.atDistinct(n)
	ctx, cancel := context.WithCancel(context.Background())
	done := make(chan struct{})
	go func() { d.Run(ctx); close(done) }()
	within(t, allSent, 3*time.Minute, "every message sent")
	cancel()
	<-done
	return c.figures()
}

func TestFaultDatabaseOutageMidBurst(t *testing.T) {
	const n, cutAt = 1000, 300
	dbURL, _ := faultSetup(t, n)
	u, _ := url.Parse(dbURL)
	px := newProxy(t, u.Host)
	u.Host = px.ln.Addr().String()
	outage := outageDuration(t)
	fake := smstest.NewServer()
	defer fake.Close()
	c := newCounter()
	restored := make(chan struct{})
	c.onAccept = func(total int) {
		if total == cutAt {
			px.setCut(true)
			time.AfterFunc(outage, func() { px.setCut(false); close(restored) })
		}
	}
	fake.Decide(c.decide)
	start := time.Now()
	total, distinct := dispatchThrough(t, u.String(), fake, c, n)
	<-restored
	t.Logf("database unreachable for %s at send %d of %d: %d lost, %d sent twice, all sent in %.1fs",
		outage, cutAt, n, n-distinct, total-distinct, time.Since(start).Seconds())
	if distinct != n || total-distinct > dispatch.DefaultWorkers {
		t.Fatalf("%d lost, %d duplicates", n-distinct, total-distinct)
	}
}

func TestFaultBackendsTerminatedMidBurst(t *testing.T) {
	const n, cutAt = 1000, 300
	dbURL, _ := faultSetup(t, n)
	b := make([]byte, 6)
	rand.Read(b)
	app := "linkbot_fault_" + hex.EncodeToString(b)
	u, _ := url.Parse(dbURL)
	q := u.Query()
	q.Set("application_name", app)
	u.RawQuery = q.Encode()
	admin, err := sqlx.Open("postgres", dbURL)
	if err != nil {
		t.Fatal(err)
	}
	defer admin.Close()
	fake := smstest.NewServer()
	defer fake.Close()
	c := newCounter()
	var terminated int
	c.onAccept = func(total int) {
		if total == cutAt {
			// Only this test's own backends in the test database: never
			// the shared server's others.
			admin.Get(&terminated, `SELECT count(pg_terminate_backend(pid)) FROM pg_stat_activity
				WHERE datname = current_database() AND application_name = $1`, app)
		}
	}
	fake.Decide(c.decide)
	total, distinct := dispatchThrough(t, u.String(), fake, c, n)
	t.Logf("%d database backends terminated at send %d of %d: %d lost, %d sent twice", terminated, cutAt, n, n-distinct, total-distinct)
	if distinct != n || total-distinct > dispatch.DefaultWorkers {
		t.Fatalf("%d lost, %d duplicates", n-distinct, total-distinct)
	}
}

func TestFaultTwoServeProcessesShareOneSendersRate(t *testing.T) {
	const n, limit = 600, 100
	dbURL, _ := faultSetup(t, n)
	fake := smstest.NewServer()
	defer fake.Close()
	c := newCounter()
	fake.Decide(c.decide)
	allSent := c.atDistinct(n)
	serveChild(t, dbURL, fake, limit)
	serveChild(t, dbURL, fake, limit)
	within(t, allSent, 3*time.Minute, "every message sent")
	c.mu.Lock()
	at := append([]time.Time(nil), c.at...)
	c.mu.Unlock()
	// The rate over the burst, without the first second (the processes
	// start one after the other) nor the tail.
	from, until := at[0].Add(time.Second), at[len(at)-1]
	sent := 0
	for _, t := range at {
		if !t.Before(from) && !t.After(until) {
			sent++
		}
	}
	rate := float64(sent-1) / until.Sub(from).Seconds()
	total, distinct := c.figures()
	t.Logf("two serve processes each limited to %d SMS/s: %.1f SMS/s from the one sender (%d sent, %d twice)", limit, rate, total, total-distinct)
	if rate > limit*1.05 {
		t.Fatalf("%.1f SMS/s, want at most %d", rate, limit*105/100)
	}
}
