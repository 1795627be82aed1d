package nudges

import (
	"fmt"
	"time"

	"github.com/linkbot/linkbot/store"
)

// SendHours is when a scheme lets nudges go out: from From (inclusive) to
// Until (exclusive), local time in Loc. The rest of the day is quiet hours.
// Quiet hours hold back nudges only; safety-net replies and urgent
// escalations are not nudges and never pass through here.
type SendHours struct {
	From, Until WallClock
	Loc         *time.Location
}

// SendHoursOf reads a scheme's time zone and send hours.
func SendHoursOf(s store.Scheme) (SendHours, error) {
	loc, err := s.Location()
	if err != nil {
		return SendHours{}, fmt.Errorf("scheme %d time zone: %w", s.ID, err)
	}
	from, err := ParseWallClock(s.SendFrom)
	if err != nil {
		return SendHours{}, fmt.Errorf("scheme %d send from: %w", s.ID, err)
	}
	until, err := ParseWallClock(s.SendUntil)
	if err != nil {
		return SendHours{}, fmt.Errorf("scheme %d send until: %w", s.ID, err)
	}
	if from.minutes() >= until.minutes() {
		return SendHours{}, fmt.Errorf("scheme %d: send hours %s–%s are empty", s.ID, from, until)
	}
	return SendHours{From: from, Until: until, Loc: loc}, nil
}

// Allows reports whether a nudge may go out at t.
func (h SendHours) Allows(t time.Time) bool {
	d := DateOf(t, h.Loc)
	return !t.Before(d.At(h.From, h.Loc)) && t.Before(d.At(h.Until, h.Loc))
}

// NextOpen returns t if nudges may go out at t, otherwise the end of the
// quiet hours t falls in: the next From, local time.
func (h SendHours) NextOpen(t time.Time) time.Time {
	if h.Allows(t) {
		return t
	}
	d := DateOf(t, h.Loc)
	if from := d.At(h.From, h.Loc); t.Before(from) {
		return from
	}
	return d.AddDays(1).At(h.From, h.Loc)
}

// LastOpen returns t if nudges may go out at t, otherwise the last minute
// before the quiet hours t falls in began. Reminders use it so that a
// reminder due at night goes the evening before instead of too late.
func (h SendHours) LastOpen(t time.Time) time.Time {
	if h.Allows(t) {
		return t
	}
	d := DateOf(t, h.Loc)
	if until := d.At(h.Until, h.Loc); !t.Before(until) {
		return until.Add(-time.Minute)
	}
	return d.AddDays(-1).At(h.Until, h.Loc).Add(-time.Minute)
}

// NextSendTime is when a nudge of scheme s due at t goes: t itself, or the
// end of the quiet hours t falls in. Hours that cannot be read are an error.
func (p *Planner) NextSendTime(s store.Scheme, t time.Time) (time.Time, error) {
	h, err := SendHoursOf(s)
	if err != nil {
		return t, fmt.Errorf("next send time: %w", err)
	}
	return h.NextOpen(t), nil
}
