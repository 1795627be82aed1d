package inbox_test

import (
	"encoding/json"
	"html"
	"net/http"
	"net/url"
	"strings"
	"testing"

	"github.com/linkbot/linkbot/store"
	"github.com/linkbot/linkbot/store/storetest"
)

// TestMessageBackToTheGP: once support has ended, the link worker opens
// the summary for the GP (referral, what mattered, activities, start and
// end scores, link worker), gets it as JSON under the standard's
// headings, and records whom it was sent to; it is listed with when and
// by whom. Before support ends it cannot be recorded as sent.
func TestMessageBackToTheGP(t *testing.T) {
	storetest.Each(t, func(t *testing.T, db *store.DB) {
		w := newWorld(t, db)
		d := storetest.Dialogue(t, db, w.scheme.ID)
		p := w.tomsPerson
		p.NHSNumber, p.GPPractice, p.Needs = storetest.Ptr("9434765919"), "B86001", store.Strings{"loneliness"}
		if err := db.InTx(t.Context(), func(tx *store.Tx) error { return tx.UpdatePerson(t.Context(), p) }); err != nil {
			t.Fatal(err)
		}
		g := storetest.Group(t, db, w.scheme.ID, func(g *store.Group) { g.Name = "Valley Voices Choir" })
		if err := db.InTx(t.Context(), func(tx *store.Tx) error {
			r := store.Referral{SchemeID: p.SchemeID, PersonID: p.ID, GroupID: g.ID}
			if err := tx.At(testNow.AddDate(0, 0, -50)).CreateReferral(t.Context(), &r); err != nil {
				return err
			}
			r.AcceptedAt, r.AttendedAt = storetest.Ptr(testNow.AddDate(0, 0, -49)), storetest.Ptr(testNow.AddDate(0, 0, -42))
			return tx.UpdateReferral(t.Context(), r)
		}); err != nil {
			t.Fatal(err)
		}
		checkIn(t, db, p, d.ID, testNow.AddDate(0, 0, -60), map[string]float64{"ons4.life_satisfaction": 3})
		checkIn(t, db, p, d.ID, testNow.AddDate(0, 0, -1), map[string]float64{"ons4.life_satisfaction": 7})
		b := w.signIn(t, w.tom)
		form := url.Values{"what_matters": {"Getting out of the house and singing again"}, "sent_to": {"Dr Hussain, Calder Valley Surgery, by NHSmail"}}
		if status, body := b.post(personPath(p, "/summary"), form); status != http.StatusBadRequest || !strings.Contains(body, "has not ended") {
			t.Fatalf("recorded as sent before support ended: %d", status)
		}
		if status, _ := b.post(personPath(p, "/end"), url.Values{"reason": {"goals met"}}); status != 200 {
			t.Fatalf("end support: %d", status)
		}
		if status, body := b.post(personPath(p, "/summary"), url.Values{"what_matters": {"x"}}); status != http.StatusBadRequest || !strings.Contains(body, "whom you sent it to") {
			t.Fatalf("no recipient: %d", status)
		}
		status, body := b.post(personPath(p, "/summary"), form)
		if status != 200 || !strings.Contains(body, "Recorded as sent") || !strings.Contains(body, "to Dr Hussain, Calder Valley Surgery, by NHSmail by "+w.tom.Name) {
			t.Fatalf("record as sent: %d\n%s", status, body)
		}
		for _, want := range []string{"9434765919", "B86001", "Getting out of the house and singing again", "Valley Voices Choir: attended",
			"Loneliness or isolation", "+4 improved", w.tom.Name, "871731000000106"} {
			if !strings.Contains(html.UnescapeString(body), want) {
				t.Errorf("the summary lacks %q", want)
			}
		}
		status, body = b.get(personPath(p, "/summary.json"))
		var m map[string]any
		if status != 200 || json.Unmarshal([]byte(body), &m) != nil {
			t.Fatalf("summary JSON: %d %s", status, body)
		}
		for _, heading := range []string{"person_demographics", "gp_practice", "referral_details", "what_matters_to_me", "needs_and_concerns",
			"support_offered", "outcomes", "link_worker", "support_end"} {
			if _, ok := m[heading]; !ok {
				t.Errorf("summary JSON has no %q", heading)
			}
		}
		if m["what_matters_to_me"] != "Getting out of the house and singing again" {
			t.Errorf("what mattered: %v", m["what_matters_to_me"])
		}
		status, body = b.get(personPath(p, "/summary.pdf"))
		if status != 200 || !strings.HasPrefix(body, "%PDF-") || strings.Count(body, "/Type /Page\n") != 1 {
			t.Errorf("summary PDF: %d, %d bytes, %d pages, want one A4 page", status, len(body), strings.Count(body, "/Type /Page\n"))
		}
		formats := map[string]bool{}
		for _, e := range auditOf(t, db, p, "person.summary_viewed") {
			var d struct{ Format string }
			if json.Unmarshal(e.Detail, &d) == nil && e.ActorID != nil && *e.ActorID == w.tom.ID {
				formats[d.Format] = true
			}
		}
		if !formats["page"] || !formats["json"] || !formats["pdf"] {
			t.Errorf("Tom's reads of the summary in the audit trail: %v, want the page, the JSON and the PDF", formats)
		}
		if status, _ := w.signIn(t, w.sara).get(personPath(p, "/summary")); status != http.StatusNotFound {
			t.Errorf("another caseload's summary: %d", status)
		}
	})
}
