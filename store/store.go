// Package store keeps Linkbot's data: schemes, link workers, the people they
// support, contacts, community groups, dialogues and their runs, nudges,
// messages (the inbox history and the outbox), answers, escalations,
// activity referrals and the audit trail.
//
// It works on PostgreSQL (github.com/lib/pq) and on an embedded SQLite file
// (modernc.org/sqlite). Queries are written once with "?" placeholders and
// rebound for each database; the few clauses where the databases must
// differ are in dialect.go, and their error codes are read in errors.go.
// Public methods on DB open a transaction; the same operations exist on Tx
// so several steps compose inside one transaction (see DB.InTx).
//
// Times go in and come out in UTC, to the microsecond. The schema's
// constraints (foreign keys that keep rows inside one scheme or one person,
// unique keys, checks) refuse bad rows; such refusals, and missing rows,
// come back as *Error with a Code.
//
// The package holds no rules about when to nudge or what to say; those live
// in nudges, dialogues and bot.
package store

import (
	"context"
	"database/sql"
	"errors"
	"fmt"
	"net/url"
	"os"
	"path/filepath"
	"regexp"
	"strings"
	"time"

	"github.com/jmoiron/sqlx"
	_ "github.com/lib/pq"  // PostgreSQL driver "postgres"
	_ "modernc.org/sqlite" // SQLite driver "sqlite"
)

// connectTimeout bounds how long Open waits for a database that does not answer.
const connectTimeout = 5 * time.Second

// DB is a Linkbot database. It is safe for concurrent use.
//
// On PostgreSQL one pool serves reads and writes. On SQLite writes go through
// a pool of one connection whose transactions begin IMMEDIATE, so writers
// queue instead of failing with "database is locked"; reads use a separate
// read-only pool and see the last committed state (WAL).
type DB struct {
	write    *sqlx.DB
	read     *sqlx.DB
	postgres bool
	where    string // the redacted URL, for messages
	now      func() time.Time
	prepared *preparedStatements
}

// Open connects to url: "postgres://" or "postgresql://" selects PostgreSQL;
// anything else is an SQLite file path (a "file:" URI too). It pings the
// database. Its error is one line for a person: which database (password
// redacted), what went wrong, and what to do.
func Open(ctx context.Context, url string) (*DB, error) {
	if isPostgres(url) {
		return openPostgres(ctx, url)
	}
	if scheme, _, ok := strings.Cut(url, "://"); ok && !strings.HasPrefix(url, "file:") {
		return nil, fmt.Errorf("store: database URL %s: Linkbot does not know %q databases; use postgres://… for PostgreSQL or a file path for SQLite", Redact(url), scheme)
	}
	return openSQLite(ctx, url)
}

func isPostgres(url string) bool {
	return strings.HasPrefix(url, "postgres://") || strings.HasPrefix(url, "postgresql://")
}

func openPostgres(ctx context.Context, rawURL string) (*DB, error) {
	where := Redact(rawURL)
	u, err := url.Parse(rawURL)
	if err != nil {
		return nil, fmt.Errorf("store: PostgreSQL URL %s is not a valid URL; write it as postgres://user:password@host:5432/database", where)
	}
	q := u.Query()
	if q.Get("connect_timeout") == "" {
		q.Set("connect_timeout", fmt.Sprint(int(connectTimeout.Seconds())))
	}
	// One round trip a query instead of two (lib/pq otherwise prepares
	// each parameterised query before running it).
	if q.Get("binary_parameters") == "" {
		q.Set("binary_parameters", "yes")
	}
	// Times come back in UTC whatever the server's or the URL's zone.
	q.Del("TimeZone")
	q.Set("timezone", "UTC")
	u.RawQuery = q.Encode()
	db, err := sqlx.Open("postgres", u.String())
	if err != nil {
		return nil, openError("PostgreSQL", where, rawURL, err, "check LINKBOT_DATABASE_URL")
	}
	db.SetMaxOpenConns(20)
	// Keep every connection: opening one costs PostgreSQL a process.
	db.SetMaxIdleConns(20)
	db.SetConnMaxIdleTime(5 * time.Minute)
	pingCtx, cancel := context.WithTimeout(ctx, connectTimeout+time.Second)
	defer cancel()
	if err := db.PingContext(pingCtx); err != nil {
		db.Close()
		todo := "check that PostgreSQL is running and reachable and that LINKBOT_DATABASE_URL names the right host, database, user and password"
		if strings.Contains(err.Error(), "SSL is not enabled") {
			todo = "the server does not offer SSL: add ?sslmode=disable to LINKBOT_DATABASE_URL for a local database, or enable SSL on the server"
		}
		return nil, openError("PostgreSQL", where, rawURL, err, todo)
	}
	return &DB{write: db, read: db, postgres: true, where: where, now: time.Now, prepared: &preparedStatements{}}, nil
}

// sqliteParams are the connection settings every SQLite connection gets:
// write-ahead log, a wait of up to 10 s for the write lock, foreign keys on,
// and times written as sortable UTC text.
const sqliteParams = "_pragma=busy_timeout(10000)&_pragma=journal_mode(WAL)&_pragma=foreign_keys(1)&_pragma=synchronous(NORMAL)&_time_format=sqlite&_timezone=UTC"

func openSQLite(ctx context.Context, path string) (*DB, error) {
	where := Redact(path)
	file := strings.TrimPrefix(path, "file:")
	if i := strings.IndexByte(file, '?'); i >= 0 {
		file = file[:i]
	}
	if file == "" || file == ":memory:" {
		return nil, fmt.Errorf("store: SQLite database %q: an in-memory database cannot be shared by Linkbot's connections; give a file path such as linkbot.db", where)
	}
	if dir := filepath.Dir(file); dir != "" {
		if st, err := os.Stat(dir); err != nil || !st.IsDir() {
			return nil, fmt.Errorf("store: cannot open SQLite database %s: directory %s does not exist; create it or choose a path in an existing directory", where, dir)
		}
	}
	dsn := "file:" + file + "?" + sqliteParams
	write, err := sqlx.Open("sqlite", dsn+"&_txlock=immediate")
	if err != nil {
		return nil, openError("SQLite", where, path, err, "check the path")
	}
	// One writer: SQLite allows one write transaction at a time, so one
	// connection carries them all and other writers wait for it in Go.
	write.SetMaxOpenConns(1)
	write.SetConnMaxIdleTime(0)
	if err := write.PingContext(ctx); err != nil {
		write.Close()
		return nil, openError("SQLite", where, path, err, "check that the file is an SQLite database and that Linkbot may read and write it and its directory")
	}
	read, err := sqlx.Open("sqlite", dsn+"&_pragma=query_only(1)")
	if err != nil {
		write.Close()
		return nil, openError("SQLite", where, path, err, "check the path")
	}
	read.SetMaxOpenConns(4)
	if err := read.PingContext(ctx); err != nil {
		write.Close()
		read.Close()
		return nil, openError("SQLite", where, path, err, "check that Linkbot may read the file")
	}
	return &DB{write: write, read: read, where: where, now: time.Now, prepared: &preparedStatements{}}, nil
}

// openError makes the one-line error Open returns. The password in rawURL
// never reaches the message, even if a driver repeats it.
func openError(kind, where, rawURL string, err error, todo string) error {
	msg := err.Error()
	if u, perr := url.Parse(rawURL); perr == nil {
		var secrets []string
		if pw, ok := u.User.Password(); ok {
			secrets = append(secrets, pw)
		}
		secrets = append(secrets, u.Query()["password"]...)
		for _, pw := range secrets {
			if pw != "" {
				msg = strings.ReplaceAll(msg, pw, "xxxxx")
			}
		}
	}
	msg = strings.Join(strings.Fields(msg), " ")
	return fmt.Errorf("store: cannot open %s database %s: %s; %s", kind, where, msg, todo)
}

var (
	passwordInURL   = regexp.MustCompile(`(//[^:/@]*):[^@/]*@`)
	passwordInQuery = regexp.MustCompile(`([?&]password=)[^&]*`)
)

// Redact returns url without its password (in the user part or a
// password= parameter), for messages and logs.
func Redact(rawURL string) string {
	out := rawURL
	if u, err := url.Parse(rawURL); err == nil && u.User != nil {
		out = u.Redacted()
	} else {
		out = passwordInURL.ReplaceAllString(out, "$1:xxxxx@")
	}
	return passwordInQuery.ReplaceAllString(out, "${1}xxxxx")
}

// Close closes the database's connections.
func (db *DB) Close() error {
	err := db.write.Close()
	if db.read != db.write {
		err = errors.Join(err, db.read.Close())
	}
	if err != nil {
		return fmt.Errorf("store: close %s: %w", db.where, err)
	}
	return nil
}

// Postgres reports whether db is PostgreSQL (else it is SQLite).
func (db *DB) Postgres() bool { return db.postgres }

// String names the database with its password redacted.
func (db *DB) String() string { return db.where }

// SetClock makes the transactions of db read the time from now instead of
// the system clock. Tests use it; call it before db is shared.
func (db *DB) SetClock(now func() time.Time) { db.now = now }

// Now is the time on db's clock (the system clock unless SetClock changed
// it), in UTC to the microsecond: the time a transaction begun now would
// take as its Tx.Now. Tests use it to make rows relative to a fake clock.
func (db *DB) Now() time.Time { return utc(db.now()) }

// Ready returns nil when the database answers and its schema is current,
// otherwise an error that says why.
func (db *DB) Ready(ctx context.Context) error {
	// The read pool: on SQLite the one write connection may be busy.
	if err := db.read.PingContext(ctx); err != nil {
		return fmt.Errorf("store: %s does not answer: %w", db.where, err)
	}
	return db.schemaCurrent(ctx)
}

// Tx is one database transaction. Its methods are the store's operations, so
// several of them can be combined atomically inside DB.InTx.
type Tx struct {
	tx       *sqlx.Tx
	postgres bool
	now      time.Time
	pool     *sqlx.DB // the pool tx came from, for its prepared statements
	prepared *preparedStatements
}

// Now is the time the transaction began, in UTC to the microsecond (the
// precision both databases keep). Use it for every time the transaction writes.
func (tx *Tx) Now() time.Time { return tx.now }

// Postgres reports whether the transaction runs on PostgreSQL.
func (tx *Tx) Postgres() bool { return tx.postgres }

// InTx runs fn in a write transaction and commits it if fn returns nil;
// otherwise it rolls back and returns fn's error. On SQLite the transaction
// holds the database's one write lock from the start.
//
// Inside fn, write through tx only: a write method of db called there waits
// for the transaction it runs in, which on SQLite never ends. Reads through
// db are fine (they see what was committed before the transaction).
func (db *DB) InTx(ctx context.Context, fn func(tx *Tx) error) error {
	return db.inTx(ctx, db.write, nil, fn)
}

// inRead runs fn in a read-only transaction.
func (db *DB) inRead(ctx context.Context, fn func(tx *Tx) error) error {
	return db.inTx(ctx, db.read, &sql.TxOptions{ReadOnly: db.postgres}, fn)
}

func (db *DB) inTx(ctx context.Context, pool *sqlx.DB, opts *sql.TxOptions, fn func(tx *Tx) error) (err error) {
	stx, err := pool.BeginTxx(ctx, opts)
	if err != nil {
		return fmt.Errorf("store: begin transaction: %w", err)
	}
	tx := &Tx{tx: stx, postgres: db.postgres, now: utc(db.now()), pool: pool, prepared: db.prepared}
	defer func() {
		if p := recover(); p != nil {
			stx.Rollback()
			panic(p)
		}
	}()
	if err := fn(tx); err != nil {
		stx.Rollback()
		return err
	}
	if err := stx.Commit(); err != nil {
		return classify("commit transaction", err)
	}
	return nil
}

// write runs fn in a write transaction and returns its value.
func write[T any](ctx context.Context, db *DB, fn func(tx *Tx) (T, error)) (T, error) {
	var v T
	err := db.InTx(ctx, func(tx *Tx) error {
		var err error
		v, err = fn(tx)
		return err
	})
	return v, err
}

// read runs fn in a read-only transaction and returns its value.
func read[T any](ctx context.Context, db *DB, fn func(tx *Tx) (T, error)) (T, error) {
	var v T
	err := db.inRead(ctx, func(tx *Tx) error {
		var err error
		v, err = fn(tx)
		return err
	})
	return v, err
}

// utc returns t in UTC, cut to microseconds, so it round-trips through both
// databases unchanged.
func utc(t time.Time) time.Time { return t.UTC().Truncate(time.Microsecond) }

// utcp is utc for an optional time.
func utcp(t *time.Time) *time.Time {
	if t == nil {
		return nil
	}
	u := utc(*t)
	return &u
}

// get scans one row into dest; no row is a NotFound error.
func (tx *Tx) get(ctx context.Context, op string, dest any, q string, args ...any) error {
	if err := tx.tx.GetContext(ctx, dest, tx.rebind(q), args...); err != nil {
		return classify(op, err)
	}
	return nil
}

// selectAll scans all rows into dest, a pointer to a slice.
func (tx *Tx) selectAll(ctx context.Context, op string, dest any, q string, args ...any) error {
	if err := tx.tx.SelectContext(ctx, dest, tx.rebind(q), args...); err != nil {
		return classify(op, err)
	}
	return nil
}

// exec runs a statement and returns how many rows it changed.
func (tx *Tx) exec(ctx context.Context, op string, q string, args ...any) (int64, error) {
	res, err := tx.tx.ExecContext(ctx, tx.rebind(q), args...)
	if err != nil {
		return 0, classify(op, err)
	}
	n, err := res.RowsAffected()
	if err != nil {
		return 0, classify(op, err)
	}
	return n, nil
}

// execOne runs a statement that must change exactly one row; none is NotFound.
func (tx *Tx) execOne(ctx context.Context, op string, q string, args ...any) error {
	n, err := tx.exec(ctx, op, q, args...)
	if err != nil {
		return err
	}
	if n == 0 {
		return &Error{Code: NotFound, Op: op, Message: "no such row"}
	}
	return nil
}

// insert runs an INSERT … RETURNING id and returns the new id.
func (tx *Tx) insert(ctx context.Context, op string, q string, args ...any) (int64, error) {
	var id int64
	if err := tx.tx.QueryRowxContext(ctx, tx.rebind(q+" RETURNING id"), args...).Scan(&id); err != nil {
		return 0, classify(op, err)
	}
	return id, nil
}

// WeakTLS reports whether the PostgreSQL URL rawURL reaches a server on
// another machine without verifying it: any sslmode but verify-full
// (lib/pq's default, "require", encrypts but checks no certificate, so a
// machine in the middle can read everything). It returns the sslmode in
// force. SQLite files, sockets and local hosts (localhost, 127.0.0.0/8,
// ::1) are never weak.
func WeakTLS(rawURL string) (mode string, weak bool) {
	if !isPostgres(rawURL) {
		return "", false
	}
	u, err := url.Parse(rawURL)
	if err != nil {
		return "", false
	}
	mode = u.Query().Get("sslmode")
	if mode == "" {
		mode = "require"
	}
	host := u.Hostname()
	if h := u.Query().Get("host"); h != "" {
		host = h
	}
	local := host == "" || strings.HasPrefix(host, "/") || host == "localhost" || host == "::1" || strings.HasPrefix(host, "127.")
	return mode, !local && mode != "verify-full"
}
