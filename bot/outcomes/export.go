package outcomes

import (
	"bufio"
	"bytes"
	"context"
	"encoding/csv"
	"encoding/json"
	"fmt"
	"io"
	"math"
	"strconv"
	"strings"
	"time"

	"github.com/linkbot/linkbot/store"
)

// The episode export: one row per episode of support, identifiable (NHS
// number, date of birth), in CSV or JSON with the same fields. README.md
// beside this file is its data dictionary; keep the two together.

// Formats are the export formats.
const (
	FormatCSV  = "csv"
	FormatJSON = "json"
)

// AuditEpisodesExported is the audit action of an episode export.
const AuditEpisodesExported = "report.episodes_exported"

// Actor is who asks for an export, as the audit trail names them.
type Actor struct {
	ID   *int64 // the link worker (scheme admin); nil for the command line
	Name string // their name, or what ran it
}

// exportMeasures are the measure keys whose scores the export gives.
func exportMeasures() []string {
	keys := []string{swemwbsRaw}
	for _, m := range Measures {
		keys = append(keys, m.Key)
	}
	return keys
}

// field is one named value of an episode row.
type field struct {
	name  string
	value any // string, int, float64 or nil (empty, null)
}

// episodeFields are the export's fields of e, in header order, dates in
// loc.
func episodeFields(e *store.Episode, loc *time.Location) []field {
	date := func(t *time.Time) any {
		if t == nil {
			return nil
		}
		return t.In(loc).Format(time.DateOnly)
	}
	str := func(s *string) any {
		if s == nil || *s == "" {
			return nil
		}
		return *s
	}
	declined := any(nil)
	if e.DeclinedService {
		declined = SNOMEDDeclined
	}
	var worker, days any
	if e.LinkWorkerID != nil {
		worker = *e.LinkWorkerID
	}
	if e.FirstContactAt != nil {
		days = int(math.Floor(e.FirstContactAt.Sub(e.ReferredAt).Hours() / 24))
	}
	gp := any(nil)
	if e.GPPractice != "" {
		gp = e.GPPractice
	}
	f := []field{
		{"episode_id", e.ID},
		{"nhs_number", str(e.NHSNumber)},
		{"date_of_birth", str(e.DateOfBirth)},
		{"gp_practice_ods", gp},
		{"referral_date", date(&e.ReferredAt)},
		{"referral_source", string(e.ReferralSource)},
		{"referral_snomed", SNOMEDReferral},
		{"support_start", date(e.ConsentAt)},
		{"support_end", date(e.EndedAt)},
		{"declined_snomed", declined},
		{"opted_out_date", date(e.OptedOutAt)},
		{"link_worker_id", worker},
		{"needs", strings.Join(e.Needs, ";")},
		{"contacts_held", e.ContactsHeld},
		{"contacts_did_not_attend", e.ContactsMissed},
		{"first_contact_date", date(e.FirstContactAt)},
		{"days_to_first_contact", days},
		{"activities_suggested", e.Suggested},
		{"activities_accepted", e.Accepted},
		{"activities_declined", e.Declined},
		{"activities_attended", e.Attended},
		{"activity_groups_accepted", e.Groups},
	}
	for _, m := range Measures {
		var first, last, change, outcome any
		if s, ok := e.Scores[m.Key]; ok {
			first = s.First
			if s.N >= 2 {
				last, change, outcome = s.Last, round2(s.Last-s.First), string(m.judge(s.First, s.Last))
			}
		}
		f = append(f, field{m.Column + "_start", first}, field{m.Column + "_end", last},
			field{m.Column + "_change", change}, field{m.Column + "_outcome", outcome})
		if m.Key == "swemwbs.metric" {
			var rawFirst, rawLast any
			if s, ok := e.Scores[swemwbsRaw]; ok {
				rawFirst = s.First
				if s.N >= 2 {
					rawLast = s.Last
				}
			}
			snomed := any(nil)
			if first != nil {
				snomed = m.SNOMED
			}
			f = append(f, field{"swemwbs_raw_start", rawFirst}, field{"swemwbs_raw_end", rawLast}, field{"swemwbs_snomed", snomed})
		}
	}
	return f
}

// Header is the CSV export's header, the fields in order.
func Header() []string {
	var out []string
	for _, f := range episodeFields(&store.Episode{}, time.UTC) {
		out = append(out, f.name)
	}
	return out
}

// text writes a field's value as CSV text.
func text(v any) string {
	switch x := v.(type) {
	case nil:
		return ""
	case string:
		return x
	case int:
		return strconv.Itoa(x)
	case int64:
		return strconv.FormatInt(x, 10)
	case float64:
		return strconv.FormatFloat(x, 'f', -1, 64)
	}
	return fmt.Sprint(v)
}

// CSVCell keeps a spreadsheet from running a CSV cell as a formula: a
// cell that begins with =, +, -, @, a tab or a carriage return is written
// after a single quote. Numbers are left as they are, so a negative change
// such as -5 stays a number.
func CSVCell(s string) string {
	if s == "" || !strings.ContainsRune("=+-@\t\r", rune(s[0])) {
		return s
	}
	if _, err := strconv.ParseFloat(s, 64); err == nil {
		return s
	}
	return "'" + s
}

// ExportEpisodes writes the episodes of q to w in format (FormatCSV or
// FormatJSON), one row (or object) per episode, with dates in the scheme's
// time zone, and returns how many it wrote. The export is identifiable, so
// it is recorded in the audit trail, with who asked and for what, before
// anything is written. Rows are streamed from the database.
func ExportEpisodes(ctx context.Context, db *store.DB, q Query, format string, who Actor, w io.Writer) (int, error) {
	if err := q.Check(); err != nil {
		return 0, fmt.Errorf("export episodes: %w", err)
	}
	if format != FormatCSV && format != FormatJSON {
		return 0, fmt.Errorf("export episodes: format %q: choose csv or json", format)
	}
	detail, _ := json.Marshal(map[string]any{"from": q.From.Format(time.DateOnly), "to": q.To.Format(time.DateOnly),
		"link_worker_id": q.WorkerID, "format": format})
	var loc *time.Location
	err := db.InTx(ctx, func(tx *store.Tx) error {
		s, err := tx.GetScheme(ctx, q.SchemeID)
		if err != nil {
			return err
		}
		if loc, err = s.Location(); err != nil {
			return err
		}
		return tx.RecordAudit(ctx, &store.AuditEvent{SchemeID: q.SchemeID, ActorID: who.ID, Actor: who.Name,
			Action: AuditEpisodesExported, Detail: detail})
	})
	if err != nil {
		return 0, fmt.Errorf("export episodes: %w", err)
	}
	bw := bufio.NewWriterSize(w, 64<<10)
	n := 0
	var row func(e *store.Episode) error
	var end func() error
	switch format {
	case FormatCSV:
		cw := csv.NewWriter(bw)
		if err := cw.Write(Header()); err != nil {
			return 0, fmt.Errorf("export episodes: %w", err)
		}
		rec := make([]string, 0, len(Header()))
		row = func(e *store.Episode) error {
			rec = rec[:0]
			for _, f := range episodeFields(e, loc) {
				rec = append(rec, CSVCell(text(f.value)))
			}
			return cw.Write(rec)
		}
		end = func() error { cw.Flush(); return cw.Error() }
	case FormatJSON:
		bw.WriteString("[")
		var buf bytes.Buffer
		row = func(e *store.Episode) error {
			buf.Reset()
			if n > 0 {
				buf.WriteString(",")
			}
			buf.WriteString("\n{")
			for i, f := range episodeFields(e, loc) {
				if i > 0 {
					buf.WriteString(",")
				}
				k, _ := json.Marshal(f.name)
				v, err := json.Marshal(f.value)
				if err != nil {
					return err
				}
				buf.Write(k)
				buf.WriteString(":")
				buf.Write(v)
			}
			buf.WriteString("}")
			_, err := bw.Write(buf.Bytes())
			return err
		}
		end = func() error { _, err := bw.WriteString("\n]\n"); return err }
	}
	err = db.View(ctx, func(tx *store.Tx) error {
		return tx.EachEpisode(ctx, q.scope(), exportMeasures(), func(e *store.Episode) error {
			err := row(e)
			n++
			return err
		})
	})
	if err == nil {
		err = end()
	}
	if err == nil {
		err = bw.Flush()
	}
	if err != nil {
		return n, fmt.Errorf("export episodes: %w", err)
	}
	return n, nil
}
