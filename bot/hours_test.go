package bot

import (
	"testing"
	"time"

	"github.com/linkbot/linkbot/store"
)

func TestNextWorkingTime(t *testing.T) {
	scheme := store.Scheme{TimeZone: "Europe/London", SendFrom: "09:00", SendUntil: "20:00"}
	london, _ := time.LoadLocation("Europe/London")
	at := func(day, hour, min int) time.Time { return time.Date(2026, 7, day, hour, min, 0, 0, london) } // 6 July 2026 is a Monday
	office := store.LinkWorker{WorkingHours: store.JSON(`{"mon":"09:00-17:00","tue":"09:00-17:00","fri":"10:00-16:30"}`)}
	cases := []struct {
		name   string
		worker store.LinkWorker
		now    time.Time
		want   time.Time
	}{
		{"within hours: now", office, at(6, 11, 0), at(6, 11, 0)},
		{"before work: the start", office, at(6, 7, 30), at(6, 9, 0)},
		{"after work: the next working day", office, at(6, 18, 0), at(7, 9, 0)},
		{"over days off", office, at(7, 17, 0), at(10, 10, 0)},
		{"no hours: the scheme's sending hours", store.LinkWorker{}, at(6, 23, 0), at(7, 9, 0)},
	}
	for _, c := range cases {
		if got := nextWorkingTime(c.worker, scheme, c.now.UTC()); !got.Equal(c.want) {
			t.Errorf("%s: got %v, want %v", c.name, got.In(london), c.want)
		}
	}
}
