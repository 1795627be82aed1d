package bot

import (
	"encoding/json"
	"strings"
	"time"

	"github.com/linkbot/linkbot/store"
)

// nextWorkingTime is the first time from now when the link worker is at
// work, by their working hours ({"mon":"09:00-17:00",…} in the scheme's
// time zone), or, when they have none, within the scheme's sending hours.
// Notifications that are not urgent wait for it; urgent ones go at once.
func nextWorkingTime(w store.LinkWorker, s store.Scheme, now time.Time) time.Time {
	loc, err := s.Location()
	if err != nil {
		loc = time.UTC
	}
	hours := map[string]string{}
	if len(w.WorkingHours) > 0 {
		json.Unmarshal(w.WorkingHours, &hours)
	}
	window := func(day time.Time) (string, bool) {
		if len(hours) == 0 {
			return s.SendFrom + "-" + s.SendUntil, true
		}
		h, ok := hours[strings.ToLower(day.Weekday().String()[:3])]
		return h, ok
	}
	local := now.In(loc)
	for i := range 8 {
		day := time.Date(local.Year(), local.Month(), local.Day()+i, 0, 0, 0, 0, loc)
		h, ok := window(day)
		if !ok {
			continue
		}
		from, until, ok := parseSpan(day, h)
		if !ok || !now.Before(until) {
			continue
		}
		if now.Before(from) {
			return from.UTC()
		}
		return now
	}
	return now // no working hours at all: do not hold it back forever
}

// parseSpan reads "HH:MM-HH:MM" on day.
func parseSpan(day time.Time, span string) (from, until time.Time, ok bool) {
	a, b, found := strings.Cut(span, "-")
	if !found {
		return from, until, false
	}
	at := func(hm string) (time.Time, bool) {
		t, err := time.Parse("15:04", strings.TrimSpace(hm))
		if err != nil {
			return time.Time{}, false
		}
		return time.Date(day.Year(), day.Month(), day.Day(), t.Hour(), t.Minute(), 0, 0, day.Location()), true
	}
	from, okA := at(a)
	until, okB := at(b)
	return from, until, okA && okB && from.Before(until)
}
