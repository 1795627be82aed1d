package nudges

import (
	"fmt"
	"time"

	"github.com/linkbot/linkbot/dialogues"
)

// WallClock is a time of day on a local clock, such as 10:00.
type WallClock struct {
	Hour, Minute int
}

// ParseWallClock reads "HH:MM".
func ParseWallClock(s string) (WallClock, error) {
	var w WallClock
	if len(s) != 5 || s[2] != ':' {
		return w, fmt.Errorf("time of day %q: want HH:MM", s)
	}
	if _, err := fmt.Sscanf(s, "%02d:%02d", &w.Hour, &w.Minute); err != nil || w.Hour > 23 || w.Minute > 59 || w.Hour < 0 || w.Minute < 0 {
		return w, fmt.Errorf("time of day %q: want HH:MM", s)
	}
	return w, nil
}

// String writes w as "HH:MM".
func (w WallClock) String() string { return fmt.Sprintf("%02d:%02d", w.Hour, w.Minute) }

// minutes is w as minutes after midnight.
func (w WallClock) minutes() int { return w.Hour*60 + w.Minute }

// Date is a day on the calendar, without a time zone.
type Date struct {
	Year  int
	Month time.Month
	Day   int
}

// DateOf returns the local calendar day of t in loc.
func DateOf(t time.Time, loc *time.Location) Date {
	y, m, d := t.In(loc).Date()
	return Date{y, m, d}
}

// AddDays returns the day n days after d (n may be negative).
func (d Date) AddDays(n int) Date {
	t := time.Date(d.Year, d.Month, d.Day+n, 12, 0, 0, 0, time.UTC)
	return Date{t.Year(), t.Month(), t.Day()}
}

// Weekday is the day of the week of d.
func (d Date) Weekday() time.Weekday {
	return time.Date(d.Year, d.Month, d.Day, 12, 0, 0, 0, time.UTC).Weekday()
}

// epochDays counts days since 1970-01-01.
func (d Date) epochDays() int {
	return int(time.Date(d.Year, d.Month, d.Day, 0, 0, 0, 0, time.UTC).Unix() / 86400)
}

// week numbers weeks (Monday to Sunday) from the week of Monday 5 January
// 1970, so "every N weeks" falls in the same weeks for every person of a
// scheme, whenever it is planned.
func (d Date) week() int {
	return (d.epochDays() - 4) / 7 // 1970-01-05, a Monday, is day 4
}

// At returns the instant the local clock in loc shows w on day d.
//
// Clock changes are handled deliberately:
//   - a time that does not exist (the spring-forward gap, e.g. 01:30 in
//     Europe/London on the last Sunday of March) becomes the first instant
//     after the gap, the moment the clocks change (02:00 BST there): a nudge
//     is late by less than the gap, never skipped and never early;
//   - a time that happens twice (the autumn overlap, 01:30 on the last
//     Sunday of October) is the first of the two: it fires once.
func (d Date) At(w WallClock, loc *time.Location) time.Time {
	// The wall time read as if it were UTC; subtracting the zone offset in
	// force gives the instant. Try the offsets in force around that day.
	wall := time.Date(d.Year, d.Month, d.Day, w.Hour, w.Minute, 0, 0, time.UTC)
	var best time.Time
	for _, probe := range []time.Duration{-36 * time.Hour, 0, 36 * time.Hour} {
		_, off := wall.Add(probe).In(loc).Zone()
		t := wall.Add(-time.Duration(off) * time.Second)
		if shows(t, loc, d, w) && (best.IsZero() || t.Before(best)) {
			best = t
		}
	}
	if !best.IsZero() {
		return best
	}
	// In the gap: the zone that starts after it begins at the change.
	_, offBefore := wall.Add(-36 * time.Hour).In(loc).Zone()
	after := wall.Add(-time.Duration(offBefore) * time.Second) // local clock already past w
	start, _ := after.In(loc).ZoneBounds()
	if start.IsZero() {
		return after
	}
	return start
}

// shows reports whether the local clock in loc reads day d, time w at t.
func shows(t time.Time, loc *time.Location, d Date, w WallClock) bool {
	l := t.In(loc)
	y, m, day := l.Date()
	return y == d.Year && m == d.Month && day == d.Day && l.Hour() == w.Hour && l.Minute() == w.Minute
}

// NextWallClock returns the first instant strictly after t at which the
// local clock in loc shows w (see Date.At for clock-change days).
func NextWallClock(t time.Time, loc *time.Location, w WallClock) time.Time {
	d := DateOf(t, loc)
	for i := 0; ; i++ {
		if at := d.AddDays(i).At(w, loc); at.After(t) {
			return at
		}
	}
}

// NextRecurrence returns the first occurrence of r strictly after t, in
// loc. Weeks are counted from a fixed Monday, so every person of a scheme
// has the same occurrences ("every 2 weeks" falls in the same weeks).
func NextRecurrence(t time.Time, loc *time.Location, r dialogues.Recurrence) time.Time {
	weeks := max(r.Weeks, 1)
	w := WallClock{r.Hour, r.Minute}
	d := DateOf(t, loc)
	for i := 0; i < 7*weeks+8; i++ {
		day := d.AddDays(i)
		if day.Weekday() != r.Weekday || day.week()%weeks != 0 {
			continue
		}
		if at := day.At(w, loc); at.After(t) {
			return at
		}
	}
	// Unreachable: some day in 7*weeks+8 days is a matching one after t.
	return NextWallClock(t, loc, w)
}
