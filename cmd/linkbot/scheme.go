package main

import (
	"context"
	"errors"
	"fmt"
	"log/slog"
	"strconv"
	"strings"

	"github.com/linkbot/linkbot/store"
)

// firstSchemeHint tells someone with a fresh database how to start.
const firstSchemeHint = `linkbot scheme create --name "Your scheme" --timezone Europe/London, then linkbot user add --scheme "Your scheme" --email you@example.org --role admin`

func runScheme(ctx context.Context, args []string, io stdio) error {
	if len(args) == 0 || args[0] != "create" {
		return subcommandUsage(args, io, "scheme create --name NAME [--timezone Europe/London] [--database URL]")
	}
	cfg := configFromEnv("")
	fs := newFlags("scheme create", "scheme create --name NAME [--timezone Europe/London]\n\nCreates a scheme (a tenant: its own link workers, people, dialogues and numbers) and prints its id.", io)
	databaseFlag(fs, &cfg)
	name := fs.String("name", "", "the scheme's name, as link workers and admins know it (required)")
	zone := fs.String("timezone", "Europe/London", "the scheme's time zone, an IANA name: quiet hours and times on pages are in it")
	if err := parseFlags(fs, args[1:]); err != nil {
		return err
	}
	if strings.TrimSpace(*name) == "" {
		return exitError{code: 2, msg: "linkbot scheme create: give the scheme's name with --name"}
	}
	db, err := openForCommand(ctx, "scheme create", cfg)
	if err != nil {
		return err
	}
	defer db.Close()
	s := store.Scheme{Name: strings.TrimSpace(*name), TimeZone: *zone}
	err = db.InTx(ctx, func(tx *store.Tx) error {
		list, err := tx.ListSchemes(ctx)
		if err != nil {
			return err
		}
		for _, other := range list {
			if strings.EqualFold(other.Name, s.Name) {
				return fmt.Errorf("a scheme named %q already exists (id %d)", other.Name, other.ID)
			}
		}
		return tx.CreateScheme(ctx, &s)
	})
	if store.ErrorCode(err) == store.Invalid {
		return exitError{code: 2, msg: fmt.Sprintf("linkbot scheme create: %q is not a time zone; give an IANA name such as Europe/London", *zone)}
	}
	if err != nil {
		return fmt.Errorf("create scheme: %w", err)
	}
	fmt.Fprintf(io.out, "Created scheme %d, %q (time zone %s).\n", s.ID, s.Name, s.TimeZone)
	fmt.Fprintf(io.out, "Next, add its first admin:\n  linkbot user add --scheme %q --email you@example.org --role admin\n", s.Name)
	return nil
}

// subcommandUsage prints usage for a command that has subcommands: to
// standard output when asked for (--help), else as an error.
func subcommandUsage(args []string, io stdio, usage string) error {
	if len(args) > 0 && (args[0] == "-h" || args[0] == "--help" || args[0] == "help") {
		fmt.Fprintln(io.out, "Usage: linkbot "+usage)
		return nil
	}
	fmt.Fprintln(io.err, "Usage: linkbot "+usage)
	return errUsage
}

// openForCommand opens and migrates the database a set-up command works on.
func openForCommand(ctx context.Context, name string, cfg config) (*store.DB, error) {
	if cfg.databaseURL == "" {
		return nil, exitError{code: 2, msg: "linkbot " + name + ": no database: set LINKBOT_DATABASE_URL (or --database) to a postgres:// URL or an SQLite file path"}
	}
	db, err := openDatabase(ctx, cfg.databaseURL)
	if err != nil {
		return nil, exitError{code: 1, msg: "linkbot " + name + ": " + err.Error()}
	}
	return db, nil
}

// errNoSuchScheme is findScheme's error for a scheme that does not exist.
var errNoSuchScheme = errors.New("no such scheme")

// findScheme returns the scheme named, or numbered, ref.
func findScheme(ctx context.Context, tx *store.Tx, ref string) (store.Scheme, error) {
	ref = strings.TrimSpace(ref)
	list, err := tx.ListSchemes(ctx)
	if err != nil {
		return store.Scheme{}, fmt.Errorf("list schemes: %w", err)
	}
	id, _ := strconv.ParseInt(ref, 10, 64)
	var names []string
	for _, s := range list {
		if s.ID == id || strings.EqualFold(s.Name, ref) {
			return s, nil
		}
		names = append(names, strconv.Quote(s.Name))
	}
	if len(names) == 0 {
		return store.Scheme{}, fmt.Errorf("%w %q: there is no scheme yet; create one with linkbot scheme create --name …", errNoSuchScheme, ref)
	}
	return store.Scheme{}, fmt.Errorf("%w %q; the schemes are %s", errNoSuchScheme, ref, strings.Join(names, ", "))
}

// warnIfNoScheme logs, for a server with an empty database, how to create
// the first scheme.
func warnIfNoScheme(ctx context.Context, logger *slog.Logger, db *store.DB) error {
	list, err := db.ListSchemes(ctx)
	if err != nil {
		return fmt.Errorf("list schemes: %w", err)
	}
	if len(list) == 0 {
		logger.Warn("no scheme yet: create the first one and its admin with: " + firstSchemeHint)
	}
	return nil
}
