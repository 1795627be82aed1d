package main

import (
	"bytes"
	"context"
	"net/url"
	"os"
	"strings"
	"sync"
	"testing"

	"github.com/linkbot/linkbot/store/storetest"
)

// eachDatabaseURL runs fn as a subtest with the URL of a fresh, empty
// database: an SQLite file ("sqlite") and, when LINKBOT_TEST_DATABASE_URL is
// set, a PostgreSQL schema of its own ("postgres"). It is storetest.Each for
// tests that run a command, which takes a URL rather than an open database.
func eachDatabaseURL(t *testing.T, fn func(t *testing.T, url string)) {
	t.Helper()
	t.Run("sqlite", func(t *testing.T) { fn(t, storetest.SQLiteURL(t)) })
	if os.Getenv(storetest.EnvURL) != "" {
		t.Run("postgres", func(t *testing.T) { fn(t, storetest.PostgresURL(t)) })
	}
}

// withPassword returns rawURL with a password in it, and the password, so a
// test can check that it never reaches the output. A URL that has one keeps
// it; a PostgreSQL URL without one gets one (a server that trusts the
// connection ignores it); an SQLite path is returned as it is, with "".
func withPassword(t *testing.T, rawURL string) (string, string) {
	t.Helper()
	if !strings.HasPrefix(rawURL, "postgres") {
		return rawURL, ""
	}
	u, err := url.Parse(rawURL)
	if err != nil {
		t.Fatal(err)
	}
	if pw, ok := u.User.Password(); ok && pw != "" {
		return rawURL, pw
	}
	const pw = "hunter2-not-for-logs"
	u.User = url.UserPassword(u.User.Username(), pw)
	return u.String(), pw
}

// lineWriter keeps what is written to it and hands each complete line to
// lines. It is safe for concurrent use.
type lineWriter struct {
	mu      sync.Mutex
	all     bytes.Buffer
	partial []byte
	lines   chan string
}

func newLineWriter() *lineWriter { return &lineWriter{lines: make(chan string, 10000)} }

func (w *lineWriter) Write(p []byte) (int, error) {
	w.mu.Lock()
	defer w.mu.Unlock()
	w.all.Write(p)
	w.partial = append(w.partial, p...)
	for {
		i := bytes.IndexByte(w.partial, '\n')
		if i < 0 {
			break
		}
		w.lines <- string(w.partial[:i])
		w.partial = w.partial[i+1:]
	}
	return len(p), nil
}

// String is everything written so far.
func (w *lineWriter) String() string {
	w.mu.Lock()
	defer w.mu.Unlock()
	return w.all.String()
}

// inProcess is a subcommand running in this process, as run runs it.
type inProcess struct {
	out, err *lineWriter
	cancel   context.CancelFunc
	done     chan int
	code     int
	exited   bool
}

// start runs the command line args in this process until it exits or the
// test ends.
func start(t *testing.T, args ...string) *inProcess {
	t.Helper()
	ctx, cancel := context.WithCancel(context.Background())
	p := &inProcess{out: newLineWriter(), err: newLineWriter(), cancel: cancel, done: make(chan int, 1)}
	go func() { p.done <- run(ctx, args, stdio{in: strings.NewReader(""), out: p.out, err: p.err}) }()
	t.Cleanup(func() { p.stop() })
	return p
}

// wait returns the exit code once the command has exited.
func (p *inProcess) wait() int {
	if !p.exited {
		p.code, p.exited = <-p.done, true
	}
	return p.code
}

// stop cancels the command's context, as SIGTERM does, and returns its
// exit code.
func (p *inProcess) stop() int {
	p.cancel()
	return p.wait()
}

// waitLine returns the first line the command writes to w that match
// accepts, failing the test if the command exits first.
func (p *inProcess) waitLine(t *testing.T, w *lineWriter, what string, match func(string) bool) string {
	t.Helper()
	for {
		select {
		case line := <-w.lines:
			if match(line) {
				return line
			}
		case code := <-p.done:
			p.code, p.exited = code, true
			for len(w.lines) > 0 { // lines written just before it exited
				if line := <-w.lines; match(line) {
					return line
				}
			}
			t.Fatalf("the command exited %d before %s; stdout:\n%s\nstderr:\n%s", code, what, p.out, p.err)
		}
	}
}
