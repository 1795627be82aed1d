package escalate

import (
	"encoding/json"
	"fmt"
	"strings"
	"time"

	"github.com/linkbot/linkbot/store"
)

// DefaultAckWithin is how long a link worker has to acknowledge an urgent
// escalation before the duty contact is told, unless the scheme says otherwise.
const DefaultAckWithin = 15 * time.Minute

// DefaultDigestAt is the local time of the daily digest, unless the scheme
// says otherwise.
const DefaultDigestAt = "08:30"

// Settings are a scheme's escalation settings, kept in its settings object
// as "escalation_ack_minutes" and "digest_at".
type Settings struct {
	AckWithin time.Duration // acknowledge urgent escalations within this
	DigestAt  string        // "HH:MM" local time of the daily digest
}

// SchemeSettings reads the escalation settings of s, with defaults for
// anything missing or unreadable.
func SchemeSettings(s store.Scheme) Settings {
	out := Settings{AckWithin: DefaultAckWithin, DigestAt: DefaultDigestAt}
	var raw struct {
		AckMinutes *int   `json:"escalation_ack_minutes"`
		DigestAt   string `json:"digest_at"`
	}
	if len(s.Settings) > 0 && json.Unmarshal(s.Settings, &raw) == nil {
		if raw.AckMinutes != nil && *raw.AckMinutes > 0 {
			out.AckWithin = time.Duration(*raw.AckMinutes) * time.Minute
		}
		if _, err := parseClock(raw.DigestAt); err == nil {
			out.DigestAt = raw.DigestAt
		}
	}
	return out
}

// WithSettings returns the scheme's settings object with set written into it,
// keeping every other key.
func WithSettings(s store.Scheme, set Settings) (store.JSON, error) {
	m := map[string]any{}
	if len(s.Settings) > 0 {
		if err := json.Unmarshal(s.Settings, &m); err != nil {
			return nil, fmt.Errorf("read scheme settings: %w", err)
		}
	}
	if set.AckWithin <= 0 {
		return nil, fmt.Errorf("the time to acknowledge must be at least a minute")
	}
	if _, err := parseClock(set.DigestAt); err != nil {
		return nil, err
	}
	m["escalation_ack_minutes"] = int(set.AckWithin / time.Minute)
	m["digest_at"] = set.DigestAt
	b, err := json.Marshal(m)
	return store.JSON(b), err
}

// Weekdays are the keys of working hours, Monday first.
var Weekdays = []string{"mon", "tue", "wed", "thu", "fri", "sat", "sun"}

// WorkingHours reads a link worker's working hours: weekday key to
// "HH:MM-HH:MM". A missing day is a day off.
func WorkingHours(w store.LinkWorker) map[string]string {
	hours := map[string]string{}
	if len(w.WorkingHours) > 0 {
		json.Unmarshal(w.WorkingHours, &hours)
	}
	return hours
}

// ParseHours checks one day's working hours, "HH:MM-HH:MM"; empty is a day off.
func ParseHours(s string) (from, until time.Duration, err error) {
	s = strings.TrimSpace(s)
	a, b, ok := strings.Cut(s, "-")
	if !ok {
		return 0, 0, fmt.Errorf("working hours %q: write them as 09:00-17:00", s)
	}
	if from, err = parseClock(strings.TrimSpace(a)); err != nil {
		return 0, 0, err
	}
	if until, err = parseClock(strings.TrimSpace(b)); err != nil {
		return 0, 0, err
	}
	if until <= from {
		return 0, 0, fmt.Errorf("working hours %q end before they start", s)
	}
	return from, until, nil
}

// OnDuty reports whether the link worker is working at t, by their working
// hours in the scheme's time zone loc. A link worker with no working hours
// set at all is taken to be on duty (the scheme has not told us otherwise).
func OnDuty(w store.LinkWorker, t time.Time, loc *time.Location) bool {
	if !w.Active {
		return false
	}
	hours := WorkingHours(w)
	if len(hours) == 0 {
		return true
	}
	local := t.In(loc)
	day := Weekdays[(int(local.Weekday())+6)%7]
	from, until, err := ParseHours(hours[day])
	if err != nil {
		return false
	}
	since := time.Duration(local.Hour())*time.Hour + time.Duration(local.Minute())*time.Minute
	return since >= from && since < until
}

func parseClock(s string) (time.Duration, error) {
	t, err := time.Parse("15:04", s)
	if err != nil {
		return 0, fmt.Errorf("%q is not a time of day; write it as 08:30", s)
	}
	return time.Duration(t.Hour())*time.Hour + time.Duration(t.Minute())*time.Minute, nil
}
