// Package escalate follows escalations up after they are raised: it tells
// the scheme's duty contact of an urgent escalation that the link worker has
// not acknowledged in time (default 15 minutes), is off duty for, or could
// not be reached about (their notice failed for good), and it
// sends each link worker a daily digest of the non-urgent escalations still
// waiting in the inbox.
//
// Every notice is an outbox row for the dispatcher to send by SMS or
// Telegram. A notice never carries a person's words, name or any clinical
// detail: only that something waits, how urgent it is, and a link to the
// inbox. Every step is recorded with its time: on the escalation
// (duty_notified_at) and in the audit trail.
//
// The first urgent notice to the link worker is sent by the inbound
// pipeline when it raises the escalation (it must set notified_at in the
// same transaction); this package sends it too, as a backstop, for an
// urgent escalation still not marked notified after FirstNoticeGrace.
//
// The same loop runs the daily retention purge (store.DB.PurgeExpired):
// its first tick of each UTC day removes the words of records whose
// scheme's retention has run out since support ended. Every process runs
// it; each record is purged once.
//
// It keeps no clock of its own: Loop.Now is injected, and Tick does one
// pass, so tests drive it with a fake clock and no sleeping.
package escalate

import (
	"context"
	"encoding/json"
	"fmt"
	"log/slog"
	"strconv"
	"strings"
	"time"

	"github.com/linkbot/linkbot/store"
)

// FirstNoticeGrace is how long the loop leaves the pipeline to notify the
// link worker of an urgent escalation before it does so itself.
const FirstNoticeGrace = 2 * time.Minute

// Loop follows escalations up. Run it in every serving process: claims in
// the database make sure each notice is sent once.
type Loop struct {
	DB *store.DB
	// InboxURL is the inbox's public base URL, for links in notices, e.g.
	// "https://linkbot.example.org". Empty writes relative links.
	InboxURL string
	// Now is the clock; nil is time.Now.
	Now func() time.Time
	// Every is how often Run ticks; zero is 30 seconds.
	Every  time.Duration
	Logger *slog.Logger

	purgedDay string // the UTC day of the last retention purge, "2006-01-02"
}

// Report says what one tick did.
type Report struct {
	LinkWorkerNotices int // first urgent notices sent as a backstop
	DutyNotices       int // urgent escalations passed to the duty contact
	Digests           int // daily digests queued
	Purged            store.PurgeReport
}

// Run ticks until ctx ends. A failed tick is logged and tried again at the
// next one.
func (l *Loop) Run(ctx context.Context) error {
	every := l.Every
	if every <= 0 {
		every = 30 * time.Second
	}
	t := time.NewTicker(every)
	defer t.Stop()
	for {
		if _, err := l.Tick(ctx); err != nil && ctx.Err() == nil {
			l.logger().Error("escalation follow-up", "err", err)
		}
		select {
		case <-ctx.Done():
			return nil
		case <-t.C:
		}
	}
}

func (l *Loop) logger() *slog.Logger {
	if l.Logger == nil {
		return slog.Default()
	}
	return l.Logger
}

func (l *Loop) now() time.Time {
	if l.Now == nil {
		return time.Now()
	}
	return l.Now()
}

// Tick does one pass at the loop's current time: backstop notices to link
// workers, notices to duty contacts, digests that are due, and the
// retention purge once a day.
func (l *Loop) Tick(ctx context.Context) (Report, error) {
	var rep Report
	now := l.now()
	var urgent []store.Escalation
	err := l.DB.View(ctx, func(tx *store.Tx) error {
		var err error
		urgent, err = tx.ListUrgentUnacknowledged(ctx)
		return err
	})
	if err != nil {
		return rep, fmt.Errorf("list urgent escalations: %w", err)
	}
	for _, e := range urgent {
		if err := l.followUp(ctx, now, e, &rep); err != nil {
			return rep, fmt.Errorf("follow up escalation %d: %w", e.ID, err)
		}
	}
	if err := l.digests(ctx, now, &rep); err != nil {
		return rep, err
	}
	if day := now.UTC().Format(time.DateOnly); day != l.purgedDay {
		if rep.Purged, err = l.DB.PurgeExpired(ctx, now); err != nil {
			return rep, fmt.Errorf("retention purge: %w", err)
		}
		l.purgedDay = day
		if rep.Purged.People > 0 {
			l.logger().Info("retention purge", "people", rep.Purged.People, "messages", rep.Purged.Messages,
				"answers", rep.Purged.Answers, "notes", rep.Purged.Notes)
		}
	}
	return rep, nil
}

// followUp sends what one urgent escalation needs at now.
func (l *Loop) followUp(ctx context.Context, now time.Time, e store.Escalation, rep *Report) error {
	return l.DB.InTx(ctx, func(tx *store.Tx) error {
		tx = tx.At(now)
		scheme, err := tx.GetScheme(ctx, e.SchemeID)
		if err != nil {
			return err
		}
		loc, err := scheme.Location()
		if err != nil {
			loc = time.UTC
		}
		var worker *store.LinkWorker
		if e.LinkWorkerID != nil {
			w, err := tx.GetLinkWorker(ctx, *e.LinkWorkerID)
			if err != nil {
				return err
			}
			worker = &w
		}
		// A link worker who has left (inactive) is never told: the duty
		// contact is, below, as for one off duty.
		if e.NotifiedAt == nil && worker != nil && worker.Active && now.Sub(e.CreatedAt) >= FirstNoticeGrace {
			sent, err := l.notifyLinkWorker(ctx, tx, e, *worker)
			if err != nil {
				return err
			}
			if sent {
				rep.LinkWorkerNotices++
				t := now
				e.NotifiedAt = &t
			}
		}
		why := l.dutyReason(now, e, worker, loc, SchemeSettings(scheme))
		if why == "" && worker != nil && e.NotifiedAt != nil {
			failed, err := tx.NoticeFailedSince(ctx, worker.ID, e.CreatedAt)
			if err != nil {
				return err
			}
			if failed {
				why = "notice_failed"
			}
		}
		if why == "" {
			return nil
		}
		sent, err := l.notifyDuty(ctx, tx, scheme, e, worker, why)
		if sent {
			rep.DutyNotices++
		}
		return err
	})
}

// dutyReason says why the duty contact must be told of e at now, or "".
func (l *Loop) dutyReason(now time.Time, e store.Escalation, worker *store.LinkWorker, loc *time.Location, set Settings) string {
	switch {
	case worker == nil:
		return "no_link_worker"
	case !reachable(*worker):
		return "unreachable"
	case !OnDuty(*worker, now, loc):
		return "off_duty"
	}
	since := e.CreatedAt
	if e.NotifiedAt != nil {
		since = *e.NotifiedAt
	}
	if now.Sub(since) >= set.AckWithin {
		return "not_acknowledged"
	}
	return ""
}

func (l *Loop) notifyLinkWorker(ctx context.Context, tx *store.Tx, e store.Escalation, worker store.LinkWorker) (bool, error) {
	claimed, err := tx.ClaimNotice(ctx, e.ID, false)
	if err != nil || !claimed {
		return false, err
	}
	body := fmt.Sprintf("Linkbot: URGENT. Someone you support needs you now. Please open the inbox and acknowledge: %s", l.personLink(e.PersonID))
	m, ok := notice(worker, body)
	if !ok {
		// Nobody can be reached: the duty contact is told at once instead.
		return false, audit(ctx, tx, e, "escalation.link_worker_unreachable", nil)
	}
	if err := tx.QueueMessage(ctx, &m); err != nil {
		return false, err
	}
	return true, audit(ctx, tx, e, "escalation.link_worker_notified", map[string]any{"message_id": m.ID})
}

// notifyDuty tells whoever covers duty now (other than the escalation's own
// link worker), or else the scheme's duty contact, of e.
func (l *Loop) notifyDuty(ctx context.Context, tx *store.Tx, scheme store.Scheme, e store.Escalation, worker *store.LinkWorker, why string) (bool, error) {
	recipients, err := l.dutyRecipients(ctx, tx, scheme, e)
	if err != nil {
		return false, err
	}
	if len(recipients) == 0 {
		// Loud, and tried again at every tick until someone can be told.
		l.logger().Error("urgent escalation has no duty contact to tell: set duty cover or the scheme's duty phone",
			"scheme", scheme.ID, "escalation", e.ID)
		return false, nil
	}
	claimed, err := tx.ClaimNotice(ctx, e.ID, true)
	if err != nil || !claimed {
		return false, err
	}
	whose := "a link worker's caseload"
	if worker != nil {
		whose = firstName(worker.Name) + "'s caseload"
	}
	reason := map[string]string{
		"no_link_worker":   "has no link worker",
		"unreachable":      "cannot reach them: they have no phone or Telegram set",
		"off_duty":         "came in while they are off duty",
		"notice_failed":    "could not be delivered to them",
		"not_acknowledged": fmt.Sprintf("has not been acknowledged in %d minutes", int(SchemeSettings(scheme).AckWithin/time.Minute)),
	}[why]
	body := fmt.Sprintf("Linkbot duty: URGENT. Something in %s %s. Please open the inbox now: %s", whose, reason, l.personLink(e.PersonID))
	var ids []int64
	for _, m := range recipients {
		m.Body = body
		if err := tx.QueueMessage(ctx, &m); err != nil {
			return false, err
		}
		ids = append(ids, m.ID)
	}
	return true, audit(ctx, tx, e, "escalation.duty_notified", map[string]any{"why": why, "message_ids": ids})
}

// dutyRecipients are the notices (without body) for whoever covers duty:
// link workers covering now, or else the scheme's duty contact. A notice
// must belong to a link worker, so the duty line's belongs to the scheme's
// first admin while its address is the duty phone or chat.
func (l *Loop) dutyRecipients(ctx context.Context, tx *store.Tx, scheme store.Scheme, e store.Escalation) ([]store.Message, error) {
	cover, err := tx.DutyCoverAt(ctx, scheme.ID, tx.Now())
	if err != nil {
		return nil, err
	}
	var out []store.Message
	for _, w := range cover {
		if e.LinkWorkerID != nil && w.ID == *e.LinkWorkerID {
			continue
		}
		if m, ok := notice(w, ""); ok {
			out = append(out, m)
		}
	}
	if len(out) > 0 || (scheme.DutyPhone == nil && scheme.DutyTelegramChatID == nil) {
		return out, nil
	}
	owner, err := tx.FirstSchemeAdmin(ctx, scheme.ID)
	if store.ErrorCode(err) == store.NotFound && e.LinkWorkerID != nil {
		owner, err = tx.GetLinkWorker(ctx, *e.LinkWorkerID)
	}
	if err != nil {
		return nil, err
	}
	line := store.LinkWorker{ID: owner.ID, Phone: scheme.DutyPhone, TelegramChatID: scheme.DutyTelegramChatID}
	m, _ := notice(line, "")
	m.SchemeID = scheme.ID
	return append(out, m), nil
}

func reachable(w store.LinkWorker) bool {
	_, ok := notice(w, "")
	return ok
}

// notice is a notification to w on the channel they chose: Telegram when
// they gave a chat, else SMS. ok is false when w has neither.
func notice(w store.LinkWorker, body string) (store.Message, bool) {
	m := store.Message{SchemeID: w.SchemeID, LinkWorkerID: &w.ID, Kind: store.MessageNotification, Body: body}
	switch {
	case w.TelegramChatID != nil:
		m.Channel, m.Address = store.ChannelTelegram, strconv.FormatInt(*w.TelegramChatID, 10)
	case w.Phone != nil:
		m.Channel, m.Address = store.ChannelSMS, *w.Phone
	default:
		return m, false
	}
	return m, true
}

// digests queues, for each scheme whose digest time has passed today, one
// digest per link worker who has non-urgent escalations waiting and works
// today.
func (l *Loop) digests(ctx context.Context, now time.Time, rep *Report) error {
	var schemes []store.Scheme
	if err := l.DB.View(ctx, func(tx *store.Tx) error {
		var err error
		schemes, err = tx.ListSchemes(ctx)
		return err
	}); err != nil {
		return fmt.Errorf("list schemes: %w", err)
	}
	for _, s := range schemes {
		loc, err := s.Location()
		if err != nil {
			continue
		}
		local := now.In(loc)
		at, _ := parseClock(SchemeSettings(s).DigestAt)
		midnight := time.Date(local.Year(), local.Month(), local.Day(), 0, 0, 0, 0, loc)
		if local.Sub(midnight) < at {
			continue
		}
		day := local.Format("2006-01-02")
		if err := l.DB.InTx(ctx, func(tx *store.Tx) error {
			n, err := l.schemeDigests(ctx, tx.At(now), s, loc, day)
			rep.Digests += n
			return err
		}); err != nil {
			return fmt.Errorf("digests of scheme %d: %w", s.ID, err)
		}
	}
	return nil
}

func (l *Loop) schemeDigests(ctx context.Context, tx *store.Tx, s store.Scheme, loc *time.Location, day string) (int, error) {
	counts, err := tx.ListDigestCounts(ctx, s.ID)
	if err != nil {
		return 0, err
	}
	sent := 0
	for _, c := range counts {
		w, err := tx.GetLinkWorker(ctx, c.LinkWorkerID)
		if err != nil {
			return sent, err
		}
		if !worksOn(w, tx.Now(), loc) {
			continue
		}
		claimed, err := tx.ClaimDigest(ctx, w.ID, day)
		if err != nil || !claimed {
			if err != nil {
				return sent, err
			}
			continue
		}
		total := c.Soon + c.Routine
		things := "thing waits"
		if total != 1 {
			things = "things wait"
		}
		body := fmt.Sprintf("Linkbot: %d %s for you in the inbox", total, things)
		if c.Soon > 0 {
			body += fmt.Sprintf(" (%d to see today)", c.Soon)
		}
		body += ": " + l.InboxURL + "/"
		m, ok := notice(w, body)
		if !ok {
			continue
		}
		if err := tx.QueueMessage(ctx, &m); err != nil {
			return sent, err
		}
		if err := tx.SetDigestMessage(ctx, w.ID, day, m.ID); err != nil {
			return sent, err
		}
		sent++
	}
	return sent, nil
}

// worksOn reports whether w works at all on t's day: any working hours
// set for it, or none set for any day.
func worksOn(w store.LinkWorker, t time.Time, loc *time.Location) bool {
	if !w.Active {
		return false
	}
	hours := WorkingHours(w)
	if len(hours) == 0 {
		return true
	}
	day := Weekdays[(int(t.In(loc).Weekday())+6)%7]
	return strings.TrimSpace(hours[day]) != ""
}

func (l *Loop) personLink(personID int64) string {
	return fmt.Sprintf("%s/people/%d", l.InboxURL, personID)
}

func audit(ctx context.Context, tx *store.Tx, e store.Escalation, action string, detail map[string]any) error {
	if detail == nil {
		detail = map[string]any{}
	}
	detail["escalation_id"] = e.ID
	b, err := json.Marshal(detail)
	if err != nil {
		return err
	}
	ev := store.AuditEvent{SchemeID: e.SchemeID, Actor: "system", Action: action, PersonID: &e.PersonID, Detail: b}
	return tx.RecordAudit(ctx, &ev)
}

func firstName(name string) string {
	if f := strings.Fields(name); len(f) > 0 {
		return f[0]
	}
	return name
}
