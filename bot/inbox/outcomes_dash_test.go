package inbox_test

import (
	"encoding/csv"
	"encoding/json"
	"net/http"
	"net/url"
	"strings"
	"testing"

	"github.com/linkbot/linkbot/store"
	"github.com/linkbot/linkbot/store/storetest"
)

// TestOutcomesDashboard: a scheme admin sees the outcomes of the period
// with the start and end scores charted, downloads the report as JSON
// (small numbers suppressed) and the identifiable episode export, which
// is then listed as downloaded by them; a link worker gets 404.
func TestOutcomesDashboard(t *testing.T) {
	storetest.Each(t, func(t *testing.T, db *store.DB) {
		w := newWorld(t, db)
		d := storetest.Dialogue(t, db, w.scheme.ID)
		for i := 0; i < 6; i++ {
			p := storetest.Person(t, db, func(p *store.Person) {
				p.SchemeID, p.LinkWorkerID, p.ReferredAt = w.scheme.ID, &w.tom.ID, testNow.AddDate(0, -3, i)
				p.NHSNumber = storetest.Ptr([]string{"9434765919", "9434765870", "9434765889", "9434765897", "9434765900", "9434765927"}[i])
			})
			checkIn(t, db, p, d.ID, p.ReferredAt.AddDate(0, 0, 1), map[string]float64{"ons4.life_satisfaction": float64(3 + i%2)})
			checkIn(t, db, p, d.ID, p.ReferredAt.AddDate(0, 0, 60), map[string]float64{"ons4.life_satisfaction": float64(6 + i%3)})
			if err := db.InTx(t.Context(), func(tx *store.Tx) error {
				return tx.At(p.ReferredAt.AddDate(0, 0, 60)).EndSupport(t.Context(), p.ID, "done")
			}); err != nil {
				t.Fatal(err)
			}
		}
		if status, _ := w.signIn(t, w.tom).get("/admin/outcomes"); status != http.StatusNotFound {
			t.Errorf("a link worker opened the outcomes dashboard: %d", status)
		}
		admin := w.signIn(t, w.admin)
		status, body := admin.get("/admin/outcomes")
		if status != 200 || !strings.Contains(body, "<strong>8</strong> referred") || !strings.Contains(body, "Mean change from start to end") ||
			!strings.Contains(body, "Life satisfaction (ONS4)</td><td>6</td>") {
			t.Fatalf("dashboard: %d\n%s", status, body)
		}
		if status, body := admin.get("/admin/outcomes?from=2026-13-01&to=2026-01-01"); status != http.StatusBadRequest || !strings.Contains(body, "YYYY-MM-DD") {
			t.Errorf("a bad date: %d", status)
		}
		status, body = admin.get("/admin/outcomes/report.json?from=2026-01-01&to=2026-11-23")
		var rep map[string]any
		if status != 200 || json.Unmarshal([]byte(body), &rep) != nil || rep["referred"] != 8.0 || rep["opted_out"] != 0.0 {
			t.Fatalf("report JSON: %d %s", status, body)
		}
		status, body = admin.post("/admin/outcomes/episodes", url.Values{"from": {"2026-01-01"}, "to": {"2026-11-23"}, "format": {"csv"}})
		records, err := csv.NewReader(strings.NewReader(body)).ReadAll()
		if status != 200 || err != nil || len(records) != 9 || records[0][1] != "nhs_number" {
			t.Fatalf("episode export: %d %v %d records\n%s", status, err, len(records), body)
		}
		if _, body := admin.get("/admin/outcomes"); !strings.Contains(body, "by "+w.admin.Name) {
			t.Errorf("the export is not listed as downloaded by %s", w.admin.Name)
		}
	})
}
