package main

import (
	"context"
	"encoding/csv"
	"encoding/json"
	"strings"
	"testing"
	"time"

	"github.com/linkbot/linkbot/bot/outcomes"
)

// TestReportOutcomes runs "linkbot report outcomes" on the demo scheme:
// the CSV export reads back with the documented header, one row per
// episode referred in the period; --summary is the suppressed scheme
// report; bad flags say what to do.
func TestReportOutcomes(t *testing.T) {
	eachDatabaseURL(t, func(t *testing.T, dbURL string) {
		ctx := context.Background()
		db, err := openDatabase(ctx, dbURL)
		if err != nil {
			t.Fatal(err)
		}
		if _, err := seedDemo(ctx, db, time.Date(2026, 11, 23, 9, 0, 0, 0, time.UTC)); err != nil {
			t.Fatal(err)
		}
		db.Close()
		code, out, errOut := runLinkbot(t, "", "report", "outcomes", "--database", dbURL, "--scheme", demoSchemeName,
			"--from", "2025-11-23", "--to", "2026-11-22", "--format", "csv")
		if code != 0 {
			t.Fatalf("report outcomes: %d %s", code, errOut)
		}
		records, err := csv.NewReader(strings.NewReader(out)).ReadAll()
		if err != nil {
			t.Fatal(err)
		}
		// Every demo episode was referred in the last year: 12 people now
		// supported or ended, and the past ones.
		if want := len(demoPeople) + demoHistoryEpisodes; len(records) != want+1 || strings.Join(records[0], ",") != strings.Join(outcomes.Header(), ",") {
			t.Fatalf("%d rows (want %d), header %v", len(records)-1, want, records[0])
		}
		if !strings.Contains(errOut, "audit trail") {
			t.Errorf("the command should say the export is identifiable and audited: %q", errOut)
		}

		code, out, errOut = runLinkbot(t, "", "report", "outcomes", "--database", dbURL, "--scheme", demoSchemeName,
			"--from", "2025-11-23", "--to", "2026-11-22", "--summary")
		var r struct {
			Referred any `json:"referred"`
			Outcomes []struct {
				Measure string  `json:"measure"`
				Paired  float64 `json:"people_paired"`
				Change  float64 `json:"mean_change"`
			} `json:"outcomes"`
		}
		if code != 0 || json.Unmarshal([]byte(out), &r) != nil {
			t.Fatalf("summary: %d %s %s", code, out, errOut)
		}
		if r.Referred != float64(len(demoPeople)+demoHistoryEpisodes) || len(r.Outcomes) < 4 || r.Outcomes[0].Paired < 30 || r.Outcomes[0].Change <= 0 {
			t.Errorf("summary: %+v", r)
		}

		for _, bad := range [][]string{
			{"--scheme", demoSchemeName, "--from", "2026-01-01"},
			{"--scheme", demoSchemeName, "--from", "1/1/2026", "--to", "2026-02-01"},
			{"--scheme", demoSchemeName, "--from", "2026-03-01", "--to", "2026-02-01"},
			{"--scheme", demoSchemeName, "--from", "2026-01-01", "--to", "2026-02-01", "--format", "xlsx"},
			{"--scheme", "Nowhere", "--from", "2026-01-01", "--to", "2026-02-01"},
		} {
			if code, _, errOut := runLinkbot(t, "", append([]string{"report", "outcomes", "--database", dbURL}, bad...)...); code == 0 || errOut == "" {
				t.Errorf("report outcomes %v: exit %d, want a refusal that says why", bad, code)
			}
		}
	})
}
