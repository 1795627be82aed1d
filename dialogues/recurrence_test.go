package dialogues

import (
	"testing"
	"time"
	_ "time/tzdata" // Europe/London without the system's zone files
)

func TestFortnightlyMondayCheckinKeepsItsLocalTimeAcrossSummerTime(t *testing.T) {
	london, err := time.LoadLocation("Europe/London")
	if err != nil {
		t.Fatal(err)
	}
	r := Recurrence{Weeks: 2, Weekday: time.Monday, Hour: 10}
	start := time.Date(2026, 3, 4, 9, 0, 0, 0, london) // a Wednesday
	at := func(month time.Month, day int) time.Time { return time.Date(2026, month, day, 10, 0, 0, 0, london) }

	cases := []struct {
		after time.Time
		want  time.Time
	}{
		{start, at(3, 9)},                                     // the first Monday after the start
		{at(3, 9), at(3, 23)},                                 // two weeks on
		{at(3, 9).Add(-time.Minute), at(3, 9)},                // just before
		{at(3, 23), at(4, 6)},                                 // over the clocks going forward: still 10:00
		{time.Date(2026, 4, 1, 0, 0, 0, 0, london), at(4, 6)}, // mid-fortnight
		{at(10, 19), at(11, 2)},                               // over the clocks going back
	}
	for _, c := range cases {
		if got := r.Next(c.after, start, london); !got.Equal(c.want) {
			t.Errorf("Next(%s) = %s, want %s", c.after, got, c.want)
		}
	}
	if got := r.Next(at(3, 23), start, london).UTC().Hour(); got != 9 {
		t.Errorf("10:00 in April is 09:00 UTC, got %d:00", got)
	}
	sameDay := time.Date(2026, 3, 9, 8, 0, 0, 0, london) // a Monday, before 10:00
	if got := r.Next(sameDay, sameDay, london); !got.Equal(at(3, 9)) {
		t.Errorf("a start on Monday morning checks in that day, got %s", got)
	}
}
