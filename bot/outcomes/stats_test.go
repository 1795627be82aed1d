package outcomes

import (
	"math"
	"testing"
	"time"

	"github.com/linkbot/linkbot/store"
)

// TestTQuantile checks the t quantile against published tables beyond the
// built-in ones (40, 60 and 120 degrees of freedom).
func TestTQuantile(t *testing.T) {
	for df, want := range map[int]float64{5: 2.570582, 30: 2.042272, 40: 2.021075, 60: 2.000298, 120: 1.979930} {
		if got := tQuantile975(df); math.Abs(got-want) > 2e-5 {
			t.Errorf("t(0.975, %d) = %.6f, want %.6f", df, got, want)
		}
	}
}

// TestPersonChanges checks a person's first and last scores, the change
// and its direction: SWEMWBS on the metric score, anxiety the other way up.
func TestPersonChanges(t *testing.T) {
	at := time.Date(2026, 1, 5, 10, 0, 0, 0, time.UTC)
	var answers []store.Answer
	add := func(days int, key string, v float64) {
		answers = append(answers, store.Answer{ID: int64(len(answers) + 1), MeasureKey: &key, Value: &v, AnsweredAt: at.AddDate(0, 0, days)})
	}
	add(60, "ons4.anxiety", 6) // listed out of order
	add(0, "ons4.anxiety", 7)
	add(0, "ons4.happiness", 4)
	add(0, "swemwbs.raw", 20)
	add(0, "swemwbs.metric", 18.59)
	add(30, "ons4.happiness", 9)
	add(60, "ons4.happiness", 6)
	add(60, "swemwbs.raw", 22)
	add(60, "swemwbs.metric", 19.98)
	got := PersonChanges(answers)
	if len(got) != 3 {
		t.Fatalf("changes %+v", got)
	}
	happy, anx, sw := got[0], got[1], got[2]
	if happy.Measure.Key != "ons4.happiness" || happy.First != 4 || happy.Last != 6 || happy.Change != 2 || happy.Direction != Improved {
		t.Errorf("happiness 4 → 6: %+v", happy)
	}
	if anx.First != 7 || anx.Last != 6 || anx.Change != -1 || anx.Direction != Same {
		t.Errorf("anxiety 7 → 6 is not a meaningful change: %+v", anx)
	}
	// Raw 20 → 22 looks like +2, the metric 18.59 → 19.98 is +1.39: same.
	if sw.Change != 1.39 || sw.Direction != Same || *sw.RawFirst != 20 || *sw.RawLast != 22 {
		t.Errorf("SWEMWBS: %+v", sw)
	}
	one := PersonChanges(answers[:1])
	if len(one) != 1 || one[0].Paired() || one[0].Direction != "" {
		t.Errorf("one answer is not a pair: %+v", one)
	}
}
