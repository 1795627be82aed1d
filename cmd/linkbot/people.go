package main

import (
	"bytes"
	"context"
	"encoding/json"
	"fmt"
	"os"
	"os/user"
	"path/filepath"
	"strings"

	"github.com/linkbot/linkbot/bot/referral"
	"github.com/linkbot/linkbot/bot/subjectaccess"
	"github.com/linkbot/linkbot/store"
)

const peopleUsage = `people import FILE.csv --scheme SCHEME [--dry-run]

Imports referrals from a CSV file into the scheme (its name or id), as the
inbox's import page does: every problem is listed as file.csv:line: field:
message and that line skipped; a line with the same phone or NHS number as
someone the scheme supports, or as an earlier line, is listed and not
imported twice. --dry-run lists them and imports nothing. README.md
describes the columns. Exits 1 when any line has a problem.`

func runPeople(ctx context.Context, args []string, io stdio) error {
	if len(args) == 0 || args[0] != "import" {
		return subcommandUsage(args, io, peopleUsage)
	}
	cfg := configFromEnv("")
	fs := newFlags("people import", peopleUsage, io)
	databaseFlag(fs, &cfg)
	schemeRef := fs.String("scheme", "", "the scheme's name or id (required)")
	dryRun := fs.Bool("dry-run", false, "check the file and list its problems and duplicates; import nothing")
	rest := args[1:]
	var file string
	if len(rest) > 0 && !strings.HasPrefix(rest[0], "-") {
		file, rest = rest[0], rest[1:]
	}
	if err := parseFlags(fs, rest); err != nil {
		return err
	}
	if file == "" && fs.NArg() == 1 {
		file = fs.Arg(0)
	} else if fs.NArg() > 0 {
		return exitError{code: 2, msg: "linkbot people import: give one CSV file"}
	}
	if file == "" || *schemeRef == "" {
		return exitError{code: 2, msg: "linkbot people import: give the CSV file and the scheme: linkbot people import FILE.csv --scheme SCHEME"}
	}
	f, err := os.Open(file)
	if err != nil {
		return exitError{code: 1, msg: "linkbot people import: " + err.Error()}
	}
	defer f.Close()
	db, err := openForCommand(ctx, "people import", cfg)
	if err != nil {
		return err
	}
	defer db.Close()
	var scheme store.Scheme
	err = db.View(ctx, func(tx *store.Tx) error {
		var err error
		scheme, err = findScheme(ctx, tx, *schemeRef)
		return err
	})
	if err != nil {
		return exitError{code: 1, msg: "linkbot people import: " + err.Error()}
	}
	rep, err := referral.Import(ctx, db, newPlanner(cfg.publicURL), scheme, "linkbot people import", nil, filepath.Base(file), f, *dryRun)
	if err != nil {
		return err
	}
	for _, p := range rep.Problems {
		fmt.Fprintln(io.out, p)
	}
	for _, d := range rep.Duplicates {
		fmt.Fprintln(io.out, d)
	}
	if rep.DryRun {
		fmt.Fprintf(io.out, "%s read: %d ready to import, %s, %s. Nothing imported (dry run).\n",
			count(rep.Rows, "referral"), rep.Ready, count(len(rep.Problems), "problem"), count(len(rep.Duplicates), "duplicate"))
	} else {
		fmt.Fprintf(io.out, "%s read: %d people created in %q, %s (not imported), %s (not imported twice).\n",
			count(rep.Rows, "referral"), rep.Created, scheme.Name, count(len(rep.Problems), "problem"), count(len(rep.Duplicates), "duplicate"))
	}
	if len(rep.Problems) > 0 {
		return exitError{code: 1}
	}
	return nil
}

// count writes n things: "1 problem", "3 problems".
func count(n int, thing string) string {
	if n == 1 {
		return "1 " + thing
	}
	return fmt.Sprintf("%d %ss", n, thing)
}

const personUsage = `person export --scheme SCHEME --id ID [--out FILE.zip]

Writes everything the scheme holds about one person (a subject access
request): a zip with a readable HTML page (print it to PDF) and the same as
JSON, as the person page's "Download everything held about them" does. The
export is recorded in the person's audit trail as done from the command
line by the operating-system user running it. --out defaults to
linkbot-subject-access-ID.zip in the current directory; "-" writes the zip
to standard output.`

func runPerson(ctx context.Context, args []string, io stdio) error {
	if len(args) == 0 || args[0] != "export" {
		return subcommandUsage(args, io, personUsage)
	}
	cfg := configFromEnv("")
	fs := newFlags("person export", personUsage, io)
	databaseFlag(fs, &cfg)
	schemeRef := fs.String("scheme", "", "the scheme's name or id (required)")
	id := fs.Int64("id", 0, "the person's id, as in their page's address /people/ID (required)")
	out := fs.String("out", "", "the zip to write; - for standard output")
	if err := parseFlags(fs, args[1:]); err != nil {
		return err
	}
	if *schemeRef == "" || *id <= 0 || fs.NArg() > 0 {
		return exitError{code: 2, msg: "linkbot person export: give the scheme and the person: linkbot person export --scheme SCHEME --id ID"}
	}
	if *out == "" {
		*out = subjectaccess.FileName(*id)
	}
	db, err := openForCommand(ctx, "person export", cfg)
	if err != nil {
		return err
	}
	defer db.Close()
	var zipped bytes.Buffer
	var e subjectaccess.Export
	err = db.InTx(ctx, func(tx *store.Tx) error {
		scheme, err := findScheme(ctx, tx, *schemeRef)
		if err != nil {
			return err
		}
		p, err := tx.GetPerson(ctx, *id)
		if store.ErrorCode(err) == store.NotFound || (err == nil && p.SchemeID != scheme.ID) {
			return fmt.Errorf("scheme %q has no person %d", scheme.Name, *id)
		} else if err != nil {
			return err
		}
		if e, err = subjectaccess.Collect(ctx, tx, p.ID); err != nil {
			return err
		}
		if err := subjectaccess.WriteZip(&zipped, e); err != nil {
			return err
		}
		detail, err := json.Marshal(map[string]any{"messages": len(e.Messages)})
		if err != nil {
			return err
		}
		return tx.RecordAudit(ctx, &store.AuditEvent{SchemeID: scheme.ID, Actor: "command line: " + osUser(),
			Action: "person.exported", PersonID: &p.ID, Detail: detail})
	})
	if err != nil {
		return exitError{code: 1, msg: "linkbot person export: " + err.Error()}
	}
	if *out == "-" {
		_, err = io.out.Write(zipped.Bytes())
		return err
	}
	if err := os.WriteFile(*out, zipped.Bytes(), 0o600); err != nil {
		return exitError{code: 1, msg: "linkbot person export: " + err.Error()}
	}
	fmt.Fprintf(io.err, "Wrote %s: %s, %s, %s.\n", *out, count(len(e.Messages), "message"), count(len(e.Answers), "answer"), count(len(e.Notes), "note"))
	return nil
}

// osUser names the operating-system user running the command, for the
// audit trail.
func osUser() string {
	if u, err := user.Current(); err == nil && u.Username != "" {
		return u.Username
	}
	return "unknown user"
}
