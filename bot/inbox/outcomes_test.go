package inbox_test

import (
	"context"
	"regexp"
	"strings"
	"testing"
	"time"

	"github.com/linkbot/linkbot/store"
	"github.com/linkbot/linkbot/store/storetest"
)

// checkIn records one check-in's scores for p at at, in a run of its own.
func checkIn(t *testing.T, db *store.DB, p store.Person, dialogueID int64, at time.Time, scores map[string]float64) {
	t.Helper()
	ctx := context.Background()
	err := db.InTx(ctx, func(tx *store.Tx) error {
		tx = tx.At(at)
		run := store.Run{SchemeID: p.SchemeID, PersonID: p.ID, DialogueID: dialogueID}
		if err := tx.StartRun(ctx, &run); err != nil {
			return err
		}
		for key, v := range scores {
			a := store.Answer{PersonID: p.ID, RunID: run.ID, QuestionKey: key, MeasureKey: storetest.Ptr(key), Value: storetest.Ptr(v)}
			if err := tx.CreateAnswer(ctx, &a); err != nil {
				return err
			}
		}
		return tx.EndRun(ctx, run.ID, store.OutcomeCompleted)
	})
	if err != nil {
		t.Fatalf("check-in: %v", err)
	}
}

// TestPersonPageShowsStartAndEndScores: the person page gives each
// measure's first and latest score, the change, and whether it is
// meaningful (SWEMWBS by its metric score, anxiety the other way up).
func TestPersonPageShowsStartAndEndScores(t *testing.T) {
	storetest.Each(t, func(t *testing.T, db *store.DB) {
		w := newWorld(t, db)
		d := storetest.Dialogue(t, db, w.scheme.ID)
		p := w.tomsPerson
		checkIn(t, db, p, d.ID, testNow.AddDate(0, 0, -60), map[string]float64{"ons4.life_satisfaction": 3, "ons4.anxiety": 8, "swemwbs.raw": 20, "swemwbs.metric": 18.59})
		checkIn(t, db, p, d.ID, testNow.AddDate(0, 0, -30), map[string]float64{"ons4.life_satisfaction": 4})
		checkIn(t, db, p, d.ID, testNow.AddDate(0, 0, -1), map[string]float64{"ons4.life_satisfaction": 7, "ons4.anxiety": 7, "swemwbs.raw": 22, "swemwbs.metric": 19.98})
		status, body := w.signIn(t, w.tom).get(personPath(p, ""))
		if status != 200 {
			t.Fatalf("person page: %d", status)
		}
		i := strings.Index(body, `id="start-end"`)
		if i < 0 {
			t.Fatalf("no start and end table on the person page")
		}
		table := regexp.MustCompile(`\s+`).ReplaceAllString(regexp.MustCompile(`<[^>]+>`).ReplaceAllString(body[i:i+strings.Index(body[i:], "</table>")], " "), " ")
		for _, want := range []string{
			"Start of support and latest so far",
			"Life satisfaction (ONS4) 3",
			"7 ", "+4 · meaningful improvement",
			"Anxiety (ONS4, lower is better) 8",
			"-1 · no meaningful change",
			"SWEMWBS (metric score) 18.59 (raw 20)",
			"19.98 (raw 22)", "+1.39 · no meaningful change",
		} {
			if !strings.Contains(table, want) {
				t.Errorf("start and end table lacks %q:\n%s", want, table)
			}
		}
	})
}
