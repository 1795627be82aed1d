package outcomes_test

import (
	"context"
	"encoding/json"
	"math"
	"strings"
	"testing"

	"github.com/linkbot/linkbot/bot/outcomes"
	"github.com/linkbot/linkbot/store"
	"github.com/linkbot/linkbot/store/storetest"
)

func near(a, b float64) bool { return math.Abs(a-b) < 1e-6 }

// TestSchemeReportByHand checks every figure of the small scheme's report
// against the figures worked out by hand in seed_test.go.
func TestSchemeReportByHand(t *testing.T) {
	storetest.Each(t, func(t *testing.T, db *store.DB) {
		s := seedSmallScheme(t, db)
		q := outcomes.Query{SchemeID: s.scheme.ID, From: day(1, 1), To: day(4, 1)}
		q.From, q.To = q.From.Truncate(24*3600e9), q.To.Truncate(24*3600e9)
		r, err := outcomes.SchemeReport(context.Background(), db, q)
		if err != nil {
			t.Fatal(err)
		}
		if r.Referred != 7 || r.Started != 7 || r.Ended != 6 || r.OptedOut != 1 || r.Declined != 1 || r.NoReply != 1 {
			t.Errorf("people: referred %d started %d ended %d opted out %d declined %d no reply %d; want 7 7 6 1 1 1",
				r.Referred, r.Started, r.Ended, r.OptedOut, r.Declined, r.NoReply)
		}
		if got := breakdownText(r.Sources); got != "gp 4, self 2, housing 1" {
			t.Errorf("sources %s", got)
		}
		if got := breakdownText(r.Needs); got != "loneliness 5, money 2, physical_activity 1" {
			t.Errorf("needs %s", got)
		}
		if got := breakdownText(r.GapNeeds); got != "loneliness 1" || r.Gaps != 1 {
			t.Errorf("provision gaps %d, needs %s", r.Gaps, got)
		}
		c := r.Contacts
		if c.Held != 4 || c.Missed != 1 || c.Cancelled != 1 || c.Seen != 3 || c.Within7 != 1 || c.Within14 != 2 || c.Within28 != 3 {
			t.Errorf("contacts %+v", c)
		}
		if c.MeanDays == nil || !near(*c.MeanDays, 11) { // (3 + 10 + 20) / 3
			t.Errorf("mean days to first contact %v, want 11", c.MeanDays)
		}

		// Life satisfaction: changes +4 +1 0 +3 −3 +4 (p7 has not ended).
		// Mean 1.5; s² = (51 − 9²/6) / 5 = 7.5; t(0.975, 5) = 2.570582;
		// half width 2.570582 × √7.5 / √6 = 2.873998.
		life := outcome(t, r, "ons4.life_satisfaction")
		if life.Paired != 6 || !near(life.MeanStart, 4.5) || !near(life.MeanEnd, 6) || !near(life.MeanChange, 1.5) ||
			!near(life.CILow, -1.3739980468686825) || !near(life.CIHigh, 4.3739980468686825) {
			t.Errorf("life satisfaction %+v", life)
		}
		if life.Improved != 3 || life.Same != 2 || life.Worse != 1 {
			t.Errorf("life satisfaction improved/same/worse %d/%d/%d, want 3/2/1", life.Improved, life.Same, life.Worse)
		}
		// Anxiety, lower is better: 8→3 improved, 2→5 worse.
		anx := outcome(t, r, "ons4.anxiety")
		if anx.Paired != 2 || anx.Improved != 1 || anx.Worse != 1 || !near(anx.MeanChange, -1) {
			t.Errorf("anxiety %+v", anx)
		}
		// SWEMWBS is judged on the metric score: 18.59 → 22.35 is +3.76.
		sw := outcome(t, r, "swemwbs.metric")
		if sw.Paired != 1 || sw.Improved != 1 || !near(sw.MeanChange, 3.76) {
			t.Errorf("swemwbs %+v", sw)
		}

		if len(r.Groups) != 3 {
			t.Fatalf("groups %+v", r.Groups)
		}
		g := r.Groups[0]
		if g.Name != "Walking football" || g.Suggested != 3 || g.Accepted != 2 || g.Declined != 1 || g.Attended != 1 ||
			g.CapacityUsed == nil || !near(*g.CapacityUsed, 7.0/90) { // 2 places / (2 a week × 90/7 weeks)
			t.Errorf("walking football %+v", g)
		}
		if r.Groups[1].Name != "Choir" || r.Groups[1].Suggested != 2 || r.Groups[1].Accepted != 1 || r.Groups[1].CapacityUsed != nil {
			t.Errorf("choir %+v", r.Groups[1])
		}
		if r.Suggested != 5 || r.Accepted != 3 || r.Refused != 1 || r.Attended != 1 {
			t.Errorf("suggestions %d %d %d %d", r.Suggested, r.Accepted, r.Refused, r.Attended)
		}
		var risk *outcomes.Escalation
		for i := range r.Escalations {
			if r.Escalations[i].Reason == "risk" {
				risk = &r.Escalations[i]
			}
		}
		if risk == nil || risk.N != 2 || risk.People != 1 || risk.Acknowledged != 2 || risk.MeanMinutes == nil || !near(*risk.MeanMinutes, 15) {
			t.Errorf("risk escalations %+v", risk)
		}

		// One link worker: A has p1–p4 and p7. Changes +4 +1 0 +3: mean 2,
		// s² = (26 − 8²/4) / 3 = 10/3, t(0.975, 3) = 3.182446.
		q.WorkerID = s.a.ID
		ra, err := outcomes.SchemeReport(context.Background(), db, q)
		if err != nil {
			t.Fatal(err)
		}
		la := outcome(t, ra, "ons4.life_satisfaction")
		if ra.Referred != 5 || la.Paired != 4 || !near(la.MeanChange, 2) || !near(la.CILow, -0.9051624370701434) || !near(la.CIHigh, 4.905162437070143) {
			t.Errorf("worker A: referred %d, life %+v", ra.Referred, la)
		}
	})
}

// TestReportSuppression checks that the report as published shows counts
// under 5 as "<5" and no means of fewer than 5 people.
func TestReportSuppression(t *testing.T) {
	db := storetest.SQLite(t)
	s := seedSmallScheme(t, db)
	q := outcomes.Query{SchemeID: s.scheme.ID, From: day(1, 1).Truncate(24 * 3600e9), To: day(4, 1).Truncate(24 * 3600e9)}
	r, err := outcomes.SchemeReport(context.Background(), db, q)
	if err != nil {
		t.Fatal(err)
	}
	b, err := json.Marshal(r)
	if err != nil {
		t.Fatal(err)
	}
	var got map[string]any
	if err := json.Unmarshal(b, &got); err != nil {
		t.Fatal(err)
	}
	if got["referred"] != 7.0 || got["support_ended"] != 6.0 || got["opted_out"] != "<5" || got["declined"] != "<5" {
		t.Errorf("people counts: referred %v ended %v opted out %v declined %v", got["referred"], got["support_ended"], got["opted_out"], got["declined"])
	}
	list := got["outcomes"].([]any)
	life, anxiety := list[0].(map[string]any), list[1].(map[string]any)
	if life["people_paired"] != 6.0 || life["mean_change"] != 1.5 || life["improved"] != "<5" {
		t.Errorf("life satisfaction as published: %v", life)
	}
	if anxiety["people_paired"] != "<5" || anxiety["mean_change"] != nil || anxiety["ci95_low"] != nil {
		t.Errorf("anxiety of 2 people must show no mean: %v", anxiety)
	}
	contacts := got["contacts"].(map[string]any)
	if contacts["people_seen"] != "<5" || contacts["mean_days_to_first_contact"] != nil {
		t.Errorf("contacts as published: %v", contacts)
	}
	groups := got["groups"].([]any)
	if walking := groups[0].(map[string]any); walking["accepted"] != "<5" || walking["capacity_used"] != nil {
		t.Errorf("walking football as published: %v", walking)
	}
	if outcomes.Percent(3, 7) != "" || outcomes.Percent(6, 7) != "86%" {
		t.Errorf("percent of a small number must be hidden: %q %q", outcomes.Percent(3, 7), outcomes.Percent(6, 7))
	}
}

func outcome(t *testing.T, r *outcomes.Report, key string) outcomes.Outcome {
	t.Helper()
	for _, o := range r.Outcomes {
		if o.Key == key {
			return o
		}
	}
	t.Fatalf("no outcome for %s in %+v", key, r.Outcomes)
	return outcomes.Outcome{}
}

func breakdownText(list []outcomes.Breakdown) string {
	var parts []string
	for _, b := range list {
		parts = append(parts, b.Key+" "+itoa(int(b.N)))
	}
	return strings.Join(parts, ", ")
}

func itoa(n int) string { b, _ := json.Marshal(n); return string(b) }
