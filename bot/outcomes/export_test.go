package outcomes_test

import (
	"bytes"
	"context"
	"encoding/csv"
	"encoding/json"
	"os"
	"slices"
	"strings"
	"testing"

	"github.com/linkbot/linkbot/bot/outcomes"
	"github.com/linkbot/linkbot/store"
	"github.com/linkbot/linkbot/store/storetest"
)

// TestEpisodeCSVRoundTrips reads the export back with a standard CSV
// reader: the documented header, one row per episode, the first person's
// row field by field; and the export is in the audit trail.
func TestEpisodeCSVRoundTrips(t *testing.T) {
	storetest.Each(t, func(t *testing.T, db *store.DB) {
		s := seedSmallScheme(t, db)
		// A group name a spreadsheet would run as a formula.
		formula := `=HYPERLINK("http://example.com/x","Choir")`
		choir := s.choir
		choir.Name = formula
		if err := db.UpdateGroup(context.Background(), choir); err != nil {
			t.Fatal(err)
		}
		q := outcomes.Query{SchemeID: s.scheme.ID, From: day(1, 1).Truncate(24 * 3600e9), To: day(4, 1).Truncate(24 * 3600e9)}
		var buf bytes.Buffer
		n, err := outcomes.ExportEpisodes(context.Background(), db, q, outcomes.FormatCSV, outcomes.Actor{Name: "test"}, &buf)
		if err != nil || n != 7 {
			t.Fatalf("export: %d rows, %v", n, err)
		}
		records, err := csv.NewReader(&buf).ReadAll()
		if err != nil {
			t.Fatal(err)
		}
		if len(records) != 8 || !slices.Equal(records[0], documentedHeader(t)) {
			t.Fatalf("%d records; header %v", len(records), records[0])
		}
		row := map[string]string{}
		for i, name := range records[0] {
			row[name] = records[1][i]
		}
		want := map[string]string{
			"episode_id": itoa(int(s.people[0].ID)), "nhs_number": "9434765919", "date_of_birth": "1950-03-14",
			"gp_practice_ods": "B86001", "referral_date": "2026-01-05", "referral_source": "gp", "referral_snomed": "871731000000106",
			"support_start": "2026-01-05", "support_end": "2026-03-16", "declined_snomed": "", "needs": "loneliness;money",
			"contacts_held": "2", "contacts_did_not_attend": "0", "first_contact_date": "2026-01-08", "days_to_first_contact": "3",
			"activities_suggested": "1", "activities_accepted": "1", "activities_attended": "1", "activity_groups_accepted": "Walking football",
			"ons4_life_satisfaction_start": "3", "ons4_life_satisfaction_end": "7", "ons4_life_satisfaction_change": "4",
			"ons4_life_satisfaction_outcome": "improved", "ons4_anxiety_start": "8", "ons4_anxiety_end": "3",
			"ons4_anxiety_change": "-5", "ons4_anxiety_outcome": "improved", "ons4_happiness_start": "",
			"swemwbs_metric_start": "18.59", "swemwbs_metric_end": "22.35", "swemwbs_metric_change": "3.76",
			"swemwbs_metric_outcome": "improved", "swemwbs_raw_start": "20", "swemwbs_raw_end": "25", "swemwbs_snomed": "718466001",
		}
		for k, v := range want {
			if row[k] != v {
				t.Errorf("%s = %q, want %q", k, row[k], v)
			}
		}
		if got := records[4][slices.Index(records[0], "activity_groups_accepted")]; got != "'"+formula {
			t.Errorf("p4's group is written %q, want it quoted so a spreadsheet shows it as text", got)
		}
		p6 := map[string]string{}
		for i, name := range records[0] {
			p6[name] = records[6][i]
		}
		if p6["declined_snomed"] != "871711000000103" || p6["opted_out_date"] != "2026-02-01" {
			t.Errorf("p6 opted out with no contact: declined %q opted out %q", p6["declined_snomed"], p6["opted_out_date"])
		}
		audit := auditActions(t, db, s.scheme.ID)
		if !slices.Contains(audit, outcomes.AuditEpisodesExported) {
			t.Errorf("the export is not audited: %v", audit)
		}
	})
}

// TestEpisodeJSON: the JSON export has the same fields, typed.
func TestEpisodeJSON(t *testing.T) {
	db := storetest.SQLite(t)
	s := seedSmallScheme(t, db)
	q := outcomes.Query{SchemeID: s.scheme.ID, From: day(1, 1).Truncate(24 * 3600e9), To: day(4, 1).Truncate(24 * 3600e9), WorkerID: s.b.ID}
	var buf bytes.Buffer
	if _, err := outcomes.ExportEpisodes(context.Background(), db, q, outcomes.FormatJSON, outcomes.Actor{Name: "test"}, &buf); err != nil {
		t.Fatal(err)
	}
	var list []map[string]any
	if err := json.Unmarshal(buf.Bytes(), &list); err != nil {
		t.Fatalf("%v in %s", err, buf.String())
	}
	if len(list) != 2 || len(list[0]) != len(outcomes.Header()) {
		t.Fatalf("worker B has 2 episodes with every field: %v", list)
	}
	if list[0]["ons4_life_satisfaction_change"] != -3.0 || list[0]["ons4_life_satisfaction_outcome"] != "worse" || list[0]["nhs_number"] != nil {
		t.Errorf("p5: %v", list[0])
	}
}

// documentedHeader is the header README.md beside the code documents.
func documentedHeader(t *testing.T) []string {
	t.Helper()
	b, err := os.ReadFile("README.md")
	if err != nil {
		t.Fatal(err)
	}
	_, rest, ok := strings.Cut(string(b), "```csv\n")
	line, _, _ := strings.Cut(rest, "\n")
	if !ok || line == "" {
		t.Fatal("README.md has no ```csv block with the header")
	}
	return strings.Split(line, ",")
}

func auditActions(t *testing.T, db *store.DB, schemeID int64) []string {
	t.Helper()
	var out []string
	err := db.View(context.Background(), func(tx *store.Tx) error {
		list, err := tx.SearchAudit(context.Background(), store.AuditQuery{SchemeID: schemeID, Action: outcomes.AuditEpisodesExported, Limit: 100})
		for _, e := range list {
			out = append(out, e.Action)
		}
		return err
	})
	if err != nil {
		t.Fatal(err)
	}
	return out
}
