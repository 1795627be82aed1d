package dispatch

import (
	"encoding/json"
	"strings"
	"time"

	"github.com/linkbot/linkbot/store"
)

// Deadlines by kind of message: how long after it was written a message may
// still be sent. Past its deadline a message is not sent: a nudge or a
// dialogue reply is dropped as stale (held, error code "stale"), anything
// else has failed and the link worker is told.
const (
	// UrgentFor is the deadline of the safety net, keyword answers and
	// notices to link workers and the duty contact: they keep trying for
	// hours, backing off to at most UrgentMaxBackoff.
	UrgentFor = 24 * time.Hour
	// LinkWorkerFor is the deadline of a message a link worker wrote.
	LinkWorkerFor = 72 * time.Hour
	// ReplyFor is the deadline of the bot's answer within a dialogue.
	ReplyFor = 2 * time.Hour
	// NudgeFor is the longest a nudge waits; it is stale sooner if its
	// contact has started or it would now land in quiet hours.
	NudgeFor = 12 * time.Hour
	// LateAfter is how long after it was written a nudge or reply counts as
	// late: a late one never goes in quiet hours.
	LateAfter = 30 * time.Minute
	// UrgentMaxBackoff is the longest wait between attempts of an urgent
	// message.
	UrgentMaxBackoff = 2 * time.Minute
	// UrgentFirstRetry is the longest wait before an urgent message's second
	// attempt, whatever the provider's Retry-After: if that fails too the
	// link worker is told, well within a minute.
	UrgentFirstRetry = 20 * time.Second
)

// urgent reports whether a message goes at any hour and keeps trying for
// hours: the safety net, keyword answers and notices.
func urgent(k store.MessageKind) bool {
	return k == store.MessageSafetyNet || k == store.MessageKeyword || k == store.MessageNotification
}

// staleKind reports whether a message past its deadline is dropped as stale
// rather than failed: nudges and dialogue replies, which lose their point
// when late.
func staleKind(k store.MessageKind) bool {
	return k == store.MessageNudge || k == store.MessageReply
}

// deadline is the latest time m may be sent: its SendBy, else by kind; a
// reminder's deadline is also its contact's start.
func deadline(m store.Message, contactAt *time.Time) time.Time {
	var d time.Time
	switch {
	case urgent(m.Kind):
		d = m.CreatedAt.Add(UrgentFor)
	case m.Kind == store.MessageFromLinkWorker:
		d = m.CreatedAt.Add(LinkWorkerFor)
	case m.Kind == store.MessageReply:
		d = m.CreatedAt.Add(ReplyFor)
	default:
		d = m.CreatedAt.Add(NudgeFor)
	}
	if m.NextAttemptAt != nil && m.Attempts <= 1 && m.NextAttemptAt.After(m.CreatedAt) {
		// Queued for later (a notice waiting for working hours): the
		// window starts when it was due.
		d = d.Add(m.NextAttemptAt.Sub(m.CreatedAt))
	}
	if m.SendBy != nil && m.SendBy.Before(d) {
		d = *m.SendBy
	}
	if contactAt != nil && contactAt.Before(d) {
		d = *contactAt
	}
	return d
}

// sendingHours says whether now is within the scheme's sending hours
// (SendFrom–SendUntil, local), and when they next start.
func sendingHours(s store.Scheme, now time.Time) (in bool, next time.Time) {
	loc, err := s.Location()
	if err != nil {
		loc = time.UTC
	}
	from, until := s.SendFrom, s.SendUntil
	if from == "" {
		from = "09:00"
	}
	if until == "" {
		until = "20:00"
	}
	local := now.In(loc)
	at := func(day time.Time, hm string) (time.Time, bool) {
		t, err := time.Parse("15:04", strings.TrimSpace(hm))
		if err != nil {
			return time.Time{}, false
		}
		return time.Date(day.Year(), day.Month(), day.Day(), t.Hour(), t.Minute(), 0, 0, loc), true
	}
	for i := range 2 {
		day := time.Date(local.Year(), local.Month(), local.Day()+i, 0, 0, 0, 0, loc)
		f, ok1 := at(day, from)
		u, ok2 := at(day, until)
		if !ok1 || !ok2 || !f.Before(u) {
			return true, now // no usable window: never hold back
		}
		if now.Before(f) {
			return false, f.UTC()
		}
		if now.Before(u) {
			return true, now
		}
	}
	return false, now
}

// plainSMS reports whether the scheme's SMS go out with characters that
// have a plain GSM-7 equivalent replaced (settings key "sms_plain_characters",
// default true).
func plainSMS(s store.Scheme) bool {
	var raw struct {
		Plain *bool `json:"sms_plain_characters"`
	}
	if len(s.Settings) > 0 && json.Unmarshal(s.Settings, &raw) == nil && raw.Plain != nil {
		return *raw.Plain
	}
	return true
}
