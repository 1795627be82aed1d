package main

import (
	"context"
	"encoding/json"
	"fmt"

	"github.com/linkbot/linkbot/bot/outcomes"
	"github.com/linkbot/linkbot/store"
)

const reportUsage = `report outcomes --scheme SCHEME --from YYYY-MM-DD --to YYYY-MM-DD [--format csv|json] [--worker EMAIL] [--summary]

Writes the outcomes of the scheme's episodes of support referred from the
first day to the last (both included, in the scheme's time zone) to standard
output. By default: the identifiable episode export, one row per episode
(NHS number, date of birth, practice, referral, support dates, contacts,
needs, activities, start and end scores with SNOMED CT codes), recorded in
the audit trail. --summary writes the scheme report instead (JSON, counts
under 5 shown as "<5"). --worker keeps one link worker's people.
bot/outcomes/README.md is the data dictionary.`

func runReport(ctx context.Context, args []string, io stdio) error {
	if len(args) == 0 || args[0] != "outcomes" {
		return subcommandUsage(args, io, reportUsage)
	}
	cfg := configFromEnv("")
	fs := newFlags("report outcomes", reportUsage, io)
	databaseFlag(fs, &cfg)
	schemeRef := fs.String("scheme", "", "the scheme's name or id (required)")
	from := fs.String("from", "", "the first day of referrals, YYYY-MM-DD (required)")
	to := fs.String("to", "", "the last day of referrals, YYYY-MM-DD, included (required)")
	format := fs.String("format", outcomes.FormatCSV, "csv or json")
	worker := fs.String("worker", "", "only the people of the link worker with this email")
	summary := fs.Bool("summary", false, "write the scheme report (JSON, small numbers suppressed) instead of the episodes")
	if err := parseFlags(fs, args[1:]); err != nil {
		return err
	}
	if *schemeRef == "" || *from == "" || *to == "" {
		return exitError{code: 2, msg: "linkbot report outcomes: give --scheme, --from and --to, e.g. --scheme \"Calder Valley PCN\" --from 2026-04-01 --to 2027-03-31"}
	}
	if *format != outcomes.FormatCSV && *format != outcomes.FormatJSON {
		return exitError{code: 2, msg: fmt.Sprintf("linkbot report outcomes: --format %q: choose csv or json", *format)}
	}
	db, err := openForCommand(ctx, "report outcomes", cfg)
	if err != nil {
		return err
	}
	defer db.Close()
	var q outcomes.Query
	err = db.View(ctx, func(tx *store.Tx) error {
		scheme, err := findScheme(ctx, tx, *schemeRef)
		if err != nil {
			return err
		}
		loc, err := scheme.Location()
		if err != nil {
			return err
		}
		q.SchemeID = scheme.ID
		if q.From, q.To, err = outcomes.Period(*from, *to, loc); err != nil {
			return err
		}
		if *worker != "" {
			lw, err := tx.GetLinkWorkerByEmail(ctx, *worker)
			if err != nil || lw.SchemeID != scheme.ID {
				return fmt.Errorf("no link worker %s in %q", *worker, scheme.Name)
			}
			q.WorkerID = lw.ID
		}
		return nil
	})
	if err != nil {
		return exitError{code: 1, msg: "linkbot report outcomes: " + err.Error()}
	}
	if *summary {
		r, err := outcomes.SchemeReport(ctx, db, q)
		if err != nil {
			return err
		}
		enc := json.NewEncoder(io.out)
		enc.SetIndent("", "  ")
		return enc.Encode(r)
	}
	n, err := outcomes.ExportEpisodes(ctx, db, q, *format, outcomes.Actor{Name: "linkbot report outcomes (command line)"}, io.out)
	if err != nil {
		return err
	}
	fmt.Fprintf(io.err, "%s written (identifiable; recorded in the audit trail).\n", count(n, "episode"))
	return nil
}
