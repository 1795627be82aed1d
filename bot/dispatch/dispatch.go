// Package dispatch sends the outbox: it claims queued outbound messages
// with a short lease that it renews while it works (so several processes
// never send the same one, and a crashed process's claims are taken up
// again within seconds), holds back what must not go, drops what is too
// late to go (a nudge past its time is stale, never sent late), sends the
// rest through the channel's bot.Sender at the rate the provider allows
// (one rate per sender across every process on PostgreSQL), commits each
// send's outcome and provider id as soon as the send returns, and retries
// temporary failures with exponential backoff and jitter until the
// message's deadline, telling the link worker when an urgent message keeps
// failing. It applies delivery reports that came before their provider id
// was recorded, and sends the one polite reply a day to addresses no one
// has.
//
// A crash loses at most the outcome of the one send each worker has in
// flight: a worker commits (in a group with the other workers') before it
// sends again, so after kill -9 at most Workers messages are sent twice.
package dispatch

import (
	"context"
	"crypto/rand"
	"encoding/hex"
	"errors"
	"fmt"
	"log/slog"
	"math"
	mrand "math/rand/v2"
	"os"
	"strconv"
	"sync"
	"time"

	"github.com/linkbot/linkbot/bot"
	"github.com/linkbot/linkbot/dialogues"
	"github.com/linkbot/linkbot/store"
)

// Defaults for Config.
const (
	DefaultLease       = 15 * time.Second
	DefaultBatch       = 500
	DefaultWorkers     = 32
	DefaultBaseBackoff = 2 * time.Second
	DefaultMaxBackoff  = 5 * time.Minute
	DefaultTick        = 500 * time.Millisecond
	// DefaultRecordPatience is how long the outcome of a send is retried
	// while the database does not answer before it is given up (and the
	// message may be sent again once its lease runs out).
	DefaultRecordPatience = 10 * time.Minute
	// LoopWindow and LoopLimit are the loop guard: no more than LoopLimit
	// identical texts to one address within LoopWindow.
	LoopWindow = 5 * time.Minute
	LoopLimit  = 3
	// EarlyStatusKeep is how long a delivery report for a provider id no
	// message has is kept before it is thrown away.
	EarlyStatusKeep = 7 * 24 * time.Hour
)

// Config configures a Dispatcher. Zero values take the defaults.
type Config struct {
	// Senders are the channels' senders by channel. A message on a channel
	// without a sender stays queued.
	Senders map[store.Channel]bot.Sender
	// Limits are the rate limits; nil means none (tests and benchmarks). On
	// PostgreSQL they hold across every dispatcher sharing the database.
	Limits *Limits
	// LocalLimits keeps the limits to this process even on PostgreSQL.
	LocalLimits bool
	// Owner names this dispatcher in leases; a random name when empty.
	Owner string
	// Lease is how long a claim lasts unless renewed; the dispatcher renews
	// its claims every Lease/3 while it works on them.
	Lease   time.Duration
	Batch   int // messages claimed at a time
	Workers int // messages sent at the same time
	// MaxAttempts, when above 0, fails a message that is not urgent after
	// that many sends; otherwise only its deadline ends its retries.
	MaxAttempts    int
	BaseBackoff    time.Duration
	MaxBackoff     time.Duration
	RecordPatience time.Duration
	Tick           time.Duration // how often Run looks for work when idle
	PublicURL      string        // for links in link-worker notifications
	// Now is the clock; time.Now when nil. Tests set it with the store's.
	Now func() time.Time
	// WaitUntil waits until t by Now, or until ctx ends, for the shared
	// rate limit; a timer when nil. Tests with a fake clock move it on.
	WaitUntil func(ctx context.Context, t time.Time) error
	Logger    *slog.Logger
	Metrics   *Metrics // nil counts nothing
}

// Dispatcher sends the outbox of one database.
type Dispatcher struct {
	db     *store.DB
	cfg    Config
	log    *slog.Logger
	shared bool // the rate limits are kept in the database
}

// New returns a dispatcher for db.
func New(db *store.DB, cfg Config) *Dispatcher {
	if cfg.Owner == "" {
		b := make([]byte, 4)
		rand.Read(b)
		host, _ := os.Hostname()
		cfg.Owner = host + "/" + strconv.Itoa(os.Getpid()) + "/" + hex.EncodeToString(b)
	}
	set := func(d *time.Duration, v time.Duration) {
		if *d <= 0 {
			*d = v
		}
	}
	set(&cfg.Lease, DefaultLease)
	set(&cfg.BaseBackoff, DefaultBaseBackoff)
	set(&cfg.MaxBackoff, DefaultMaxBackoff)
	set(&cfg.Tick, DefaultTick)
	set(&cfg.RecordPatience, DefaultRecordPatience)
	if cfg.Batch <= 0 {
		cfg.Batch = DefaultBatch
	}
	if cfg.Workers <= 0 {
		cfg.Workers = DefaultWorkers
	}
	if cfg.Now == nil {
		cfg.Now = time.Now
	}
	if cfg.WaitUntil == nil {
		now := cfg.Now
		cfg.WaitUntil = func(ctx context.Context, t time.Time) error { return sleep(ctx, t.Sub(now())) }
	}
	d := &Dispatcher{db: db, cfg: cfg, log: cfg.Logger, shared: cfg.Limits != nil && db.Postgres() && !cfg.LocalLimits}
	if d.log == nil {
		d.log = slog.Default()
	}
	return d
}

// sleep waits d or until ctx ends.
func sleep(ctx context.Context, d time.Duration) error {
	if d <= 0 {
		return ctx.Err()
	}
	t := time.NewTimer(d)
	defer t.Stop()
	select {
	case <-ctx.Done():
		return ctx.Err()
	case <-t.C:
		return nil
	}
}

// Run sends until ctx is done, looking for work every Tick and at once
// again while there is more. Messages being sent when ctx ends are
// finished first; nothing is left half-recorded.
func (d *Dispatcher) Run(ctx context.Context) error {
	ticker := time.NewTicker(d.cfg.Tick)
	defer ticker.Stop()
	for {
		n, err := d.RunOnce(ctx)
		if err != nil {
			d.log.ErrorContext(ctx, "dispatch: round failed", "err", err)
		}
		if n > 0 && err == nil && ctx.Err() == nil {
			continue
		}
		select {
		case <-ctx.Done():
			return nil
		case <-ticker.C:
		}
	}
}

// outcome is what became of one claimed message.
type outcome struct {
	msg        store.Message
	providerID string
	err        error
	hold       string    // a reason to keep it back instead of sending
	stale      string    // a reason it can no longer go: dropped
	deferTo    time.Time // not zero: send it no earlier than this
	deadline   time.Time // the latest it may be sent
	plain      bool      // replace characters that have a plain GSM-7 equivalent
	from       string    // the scheme's own number to send an SMS from; "" is the channel's default
	buttons    []bot.Button
}

// sent reports whether the provider accepted the message.
func (o *outcome) sent() bool {
	return o.hold == "" && o.stale == "" && o.err == nil && o.deferTo.IsZero()
}

// sending reports whether the message is to be sent in this round.
func (o *outcome) sending() bool { return o.sent() }

// jumpsQueue reports whether m goes at once even when an earlier message to
// the same address is waiting for a retry: the safety net, keyword answers
// and link-worker notifications do.
func jumpsQueue(m store.Message) bool { return urgent(m.Kind) }

// RunOnce applies delivery reports that were waiting for their message,
// claims one batch of due messages, sends them, committing each outcome as
// its send returns, and returns how many it claimed. Tests call it with a
// fake clock instead of Run. When ctx ends, messages not yet sent are put
// back for later; a send under way is finished and recorded.
func (d *Dispatcher) RunOnce(ctx context.Context) (int, error) {
	stopping := ctx
	ctx = context.WithoutCancel(ctx)
	if stopping.Err() != nil {
		return 0, nil
	}
	if err := d.applyEarlyStatuses(ctx); err != nil {
		d.log.WarnContext(ctx, "dispatch: early delivery reports not applied; will try again", "err", err)
	}
	now := d.cfg.Now()
	batch, err := d.db.ClaimOutbox(ctx, now, d.cfg.Owner, d.cfg.Lease, d.batchSize())
	if err != nil {
		return 0, fmt.Errorf("dispatch: %w", err)
	}
	if len(batch) > 0 {
		outcomes, err := d.checks(ctx, batch, now)
		if err != nil {
			// Not sent: the short leases run out and the batch is claimed
			// again in seconds.
			return len(batch), err
		}
		var kept []*outcome
		for _, o := range outcomes {
			if !o.sending() {
				kept = append(kept, o)
			}
		}
		if err := d.recordPatiently(ctx, kept); err != nil {
			return len(batch), err
		}
		leases := d.keepLeases(ctx, now)
		rec := d.startRecorder(ctx)
		d.send(ctx, stopping, outcomes, leases, rec)
		rec.close()
		leases.stop()
	}
	n, err := d.unknownReplies(ctx, now)
	return len(batch) + n, err
}

// batchSize is how many messages to claim at once: no more than the rate
// limit lets go in half a lease, so a batch is not held long past what one
// dispatcher can send while others wait.
func (d *Dispatcher) batchSize() int {
	n := d.cfg.Batch
	if perSecond := d.cfg.Limits.slowest(); perSecond > 0 {
		n = min(n, max(1, int(perSecond*d.cfg.Lease.Seconds()/2)))
	}
	return n
}

// checks decides, before anything is sent, what must be held back: nudges
// and replies to a person who has opted out (keyword confirmations and the
// safety net still go), anything to a person who blocked the bot on
// Telegram, and a text already sent LoopLimit times to the same address
// within LoopWindow; and what is too late to go (past its deadline, or a
// late nudge that would now land in quiet hours).
func (d *Dispatcher) checks(ctx context.Context, batch []store.Message, now time.Time) ([]*outcome, error) {
	var people, telegramIDs, nudgeIDs []int64
	var addresses []string
	schemeIDs := map[int64]bool{}
	for _, m := range batch {
		if m.Channel == store.ChannelTelegram {
			telegramIDs = append(telegramIDs, m.ID)
		}
		if m.PersonID != nil {
			people = append(people, *m.PersonID)
		}
		if m.NudgeID != nil {
			nudgeIDs = append(nudgeIDs, m.ID)
		}
		addresses = append(addresses, m.Address)
		schemeIDs[m.SchemeID] = true
	}
	var states map[int64]store.SendState
	var recent map[store.SendKey]int
	var retrying []store.Retrying
	var buttons map[int64][]store.Button
	var contacts map[int64]time.Time
	schemes := map[int64]store.Scheme{}
	smsFrom := map[int64]string{} // each scheme's first registered number
	err := d.db.InTx(ctx, func(tx *store.Tx) error {
		var err error
		if states, err = tx.SendStates(ctx, people); err != nil {
			return err
		}
		if buttons, err = tx.ButtonsOf(ctx, telegramIDs); err != nil {
			return err
		}
		if retrying, err = tx.RetryingTo(ctx, addresses, now); err != nil {
			return err
		}
		if contacts, err = tx.ContactTimes(ctx, nudgeIDs); err != nil {
			return err
		}
		for id := range schemeIDs {
			s, err := tx.GetScheme(ctx, id)
			if err != nil {
				return err
			}
			schemes[id] = s
			numbers, err := tx.ListSchemeSenders(ctx, id, store.ChannelSMS)
			if err != nil {
				return err
			}
			if len(numbers) > 0 {
				smsFrom[id] = numbers[0]
			}
		}
		recent, err = tx.RecentSends(ctx, addresses, now.Add(-LoopWindow))
		return err
	})
	if err != nil {
		return nil, fmt.Errorf("dispatch: check batch: %w", err)
	}
	earlier := map[[2]string]store.Retrying{}
	for _, r := range retrying {
		key := [2]string{string(r.Channel), r.Address}
		if _, ok := earlier[key]; !ok {
			earlier[key] = r // the oldest
		}
	}
	out := make([]*outcome, len(batch))
	for i, m := range batch {
		o := &outcome{msg: m}
		for _, b := range buttons[m.ID] {
			o.buttons = append(o.buttons, bot.Button{Text: b.Text, Data: b.Data})
		}
		out[i] = o
		var contactAt *time.Time
		if t, ok := contacts[m.ID]; ok {
			contactAt = &t
		}
		o.deadline = deadline(m, contactAt)
		scheme := schemes[m.SchemeID]
		o.plain = plainSMS(scheme)
		if m.Channel == store.ChannelSMS {
			// From the scheme's own number, so the reply comes back to it
			// and reaches this scheme.
			o.from = smsFrom[m.SchemeID]
		}
		if !now.Before(o.deadline) {
			o.stale = "past its deadline"
			if contactAt != nil && !now.Before(*contactAt) {
				o.stale = "its contact has started"
			}
			continue
		}
		if in, next := sendingHours(scheme, now); !in && !urgent(m.Kind) {
			// Late: written in sending hours that have ended since, or
			// long ago, or tried before.
			wasIn, _ := sendingHours(scheme, m.CreatedAt)
			late := wasIn || now.Sub(m.CreatedAt) > LateAfter || m.Attempts > 1
			switch {
			case late && staleKind(m.Kind):
				o.stale = "late, and it would now land in quiet hours"
				continue
			case late && next.Before(o.deadline):
				o.deferTo = next // a link worker's message waits for the morning
				continue
			}
		}
		if _, ok := d.cfg.Senders[m.Channel]; !ok {
			o.err = errNoSender
			continue
		}
		if r, ok := earlier[[2]string{string(m.Channel), m.Address}]; ok && r.ID < m.ID && !jumpsQueue(m) {
			// An earlier message to the same address waits for a retry:
			// this one follows it, so they are read in order.
			o.deferTo = r.At
			continue
		}
		if m.PersonID != nil {
			st := states[*m.PersonID]
			if st.Erased {
				o.hold = "the person's record was erased"
				continue
			}
			if st.Restricted && m.Kind != store.MessageSafetyNet {
				o.hold = "processing of the person's record is restricted"
				continue
			}
			if st.OptedOut && m.Kind != store.MessageKeyword && m.Kind != store.MessageSafetyNet {
				o.hold = "the person has opted out"
				continue
			}
			if st.TelegramBlocked && m.Channel == store.ChannelTelegram {
				o.hold = "the person has blocked the bot on Telegram"
				continue
			}
		}
		key := store.SendKey{Channel: m.Channel, Address: m.Address, Body: m.Body}
		n := recent[key]
		recent[key]++ // identical texts in this batch count too
		if n >= LoopLimit {
			o.hold = "loop guard: the same text went to this address " + strconv.Itoa(n) + " times in 5 minutes"
		}
	}
	return out, nil
}

var (
	errNoSender = errors.New("no sender for this channel")
	errPutBack  = errors.New("not sent: the lease could not be renewed, or the dispatcher is stopping")
)

// InstantDelivery is a Sender whose messages are delivered as soon as they
// are sent (the simulated channel): the dispatcher records them delivered.
type InstantDelivery interface {
	DeliversAtOnce() bool
}

// send sends every message not held, Workers at a time, each after its
// sender's rate limit allows, and has each outcome committed before the
// worker sends again. Messages to one address go one after another in the
// order claimed, so a person reads them in the order written.
//
// A message whose turn comes when the lease could not be renewed for a
// while (the database is unreachable) is not sent but put back: another
// dispatcher could take it over once the lease ends, and must not send it
// a second time.
func (d *Dispatcher) send(ctx, stopping context.Context, outcomes []*outcome, leases *leaseKeeper, rec *recorder) {
	var groups [][]*outcome
	index := map[string]int{}
	for _, o := range outcomes {
		if !o.sending() {
			continue
		}
		key := string(o.msg.Channel) + "\x00" + o.msg.Address
		i, ok := index[key]
		if !ok {
			i = len(groups)
			index[key] = i
			groups = append(groups, nil)
		}
		groups[i] = append(groups[i], o)
	}
	work := make(chan []*outcome)
	var wg sync.WaitGroup
	for range min(d.cfg.Workers, len(groups)) {
		wg.Add(1)
		go func() {
			defer wg.Done()
			for group := range work {
				failed := false
				for _, o := range group {
					if !leases.usable(d.cfg.Now()) || stopping.Err() != nil || (failed && !jumpsQueue(o.msg)) {
						// Put back: for later, or, after an earlier
						// message failed, to follow it in order.
						o.err = errPutBack
					} else {
						d.sendOne(ctx, stopping, o)
						if retry, _ := bot.Retryable(o.err); retry {
							failed = true
						}
					}
					rec.commit(o) // before the next send: a crash loses at most this one
				}
			}
		}()
	}
	for _, g := range groups {
		work <- g
	}
	close(work)
	wg.Wait()
}

func (d *Dispatcher) sendOne(ctx, stopping context.Context, o *outcome) {
	m := o.msg
	if err := d.wait(stopping, m.Channel, m.Address); err != nil {
		o.err = errPutBack
		return
	}
	text := m.Body
	if o.plain && m.Channel == store.ChannelSMS {
		text = dialogues.PlainGSM(text)
	}
	out := bot.Outbound{To: m.Address, Text: text, Buttons: o.buttons, From: o.from}
	if left := o.deadline.Sub(d.cfg.Now()); left > 0 {
		out.ValidFor = left
		if staleKind(m.Kind) {
			// A nudge held up at the provider must not arrive late
			// either.
			out.ValidFor = min(left, LateAfter)
		}
	}
	o.providerID, o.err = d.cfg.Senders[m.Channel].Send(ctx, out)
}

// backoff is the wait before attempt n+1 of a message of kind: BaseBackoff
// doubled for each attempt so far, at most MaxBackoff (UrgentMaxBackoff for
// urgent kinds), with ±50% jitter so that many failures at once do not
// come back at once.
func (d *Dispatcher) backoff(kind store.MessageKind, attempts int) time.Duration {
	ceiling := d.cfg.MaxBackoff
	if urgent(kind) {
		ceiling = min(ceiling, UrgentMaxBackoff)
	}
	exp := float64(d.cfg.BaseBackoff) * math.Pow(2, float64(max(attempts-1, 0)))
	wait := time.Duration(min(exp, float64(ceiling)))
	jitter := time.Duration(mrand.Int64N(int64(wait)+1)) - wait/2
	return wait + jitter
}

// unknownReplies sends the queued polite replies to addresses no one has.
// Each is tried once: a stranger is not worth a retry.
func (d *Dispatcher) unknownReplies(ctx context.Context, now time.Time) (int, error) {
	replies, err := writeClaim(ctx, d.db, func(tx *store.Tx) ([]store.UnknownReply, error) {
		return tx.ClaimUnknownReplies(ctx, now, d.cfg.Owner, d.cfg.Lease, d.cfg.Batch)
	})
	if err != nil || len(replies) == 0 {
		return 0, err
	}
	sent := make([]bool, len(replies))
	for i, r := range replies {
		sender, ok := d.cfg.Senders[r.Channel]
		if !ok {
			continue
		}
		if err := d.wait(ctx, r.Channel, r.Address); err != nil {
			continue
		}
		_, err := sender.Send(ctx, bot.Outbound{To: r.Address, Text: bot.UnknownReplyText(bot.Channel(r.Channel), r.SafetyNet)})
		sent[i] = err == nil
	}
	err = d.db.InTx(ctx, func(tx *store.Tx) error {
		for i, r := range replies {
			if err := tx.FinishUnknownReply(ctx, r, d.cfg.Owner, sent[i]); err != nil {
				return err
			}
		}
		return nil
	})
	return len(replies), err
}

func writeClaim[T any](ctx context.Context, db *store.DB, fn func(tx *store.Tx) (T, error)) (T, error) {
	var v T
	err := db.InTx(ctx, func(tx *store.Tx) error {
		var err error
		v, err = fn(tx)
		return err
	})
	return v, err
}
