package dialogues

import "time"

// Next returns the first occurrence of r strictly after after, in loc.
// Occurrences fall on r.Weekday at r.Hour:r.Minute local time, every
// r.Weeks weeks, counted from the first such time at or after anchor (the
// start of support, say). Weeks are counted in calendar days, so 10:00
// stays 10:00 across a change of summer time. A local time skipped by
// summer time moves forward as time.Date moves it.
func (r Recurrence) Next(after, anchor time.Time, loc *time.Location) time.Time {
	weeks := max(r.Weeks, 1)
	a := anchor.In(loc)
	ahead := (int(r.Weekday) - int(a.Weekday()) + 7) % 7
	first := r.on(a, ahead, loc)
	if first.Before(a) {
		first = r.on(a, ahead+7, loc)
	}
	if after.Before(first) {
		return first
	}
	period := 7 * weeks
	since := civilDay(after.In(loc)) - civilDay(first)
	k := since / period
	for {
		next := r.on(first, k*period, loc)
		if next.After(after) {
			return next
		}
		k++
	}
}

// on returns r's time of day, days after the date of t, in loc.
func (r Recurrence) on(t time.Time, days int, loc *time.Location) time.Time {
	return time.Date(t.Year(), t.Month(), t.Day()+days, r.Hour, r.Minute, 0, 0, loc)
}

// civilDay numbers the calendar date of t, whatever its time zone.
func civilDay(t time.Time) int {
	return int(time.Date(t.Year(), t.Month(), t.Day(), 0, 0, 0, 0, time.UTC).Unix() / 86400)
}
