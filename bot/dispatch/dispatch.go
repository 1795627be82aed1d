// Package dispatch sends the outbox: it claims queued outbound messages
// with a lease (so several processes never send the same one, and a
// crashed process's claims are taken up again when the lease runs out),
// holds back what must not go, sends the rest through the channel's
// bot.Sender at the rate the provider allows, records the provider's id,
// and retries temporary failures with exponential backoff and jitter until
// a limit, after which the message has failed and the link worker is told.
// It also sends the one polite reply a day to addresses no one has.
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
	"github.com/linkbot/linkbot/store"
)

// Defaults for Config.
const (
	DefaultLease       = time.Minute
	DefaultBatch       = 500
	DefaultWorkers     = 32
	DefaultMaxAttempts = 8
	DefaultBaseBackoff = 2 * time.Second
	DefaultMaxBackoff  = 10 * time.Minute
	DefaultTick        = 500 * time.Millisecond
	// LoopWindow and LoopLimit are the loop guard: no more than LoopLimit
	// identical texts to one address within LoopWindow.
	LoopWindow = 5 * time.Minute
	LoopLimit  = 3
)

// Config configures a Dispatcher. Zero values take the defaults.
type Config struct {
	// Senders are the channels' senders by channel. A message on a channel
	// without a sender stays queued.
	Senders map[store.Channel]bot.Sender
	// Limits are the rate limits; nil means none (tests and benchmarks).
	Limits *Limits
	// Owner names this dispatcher in leases; a random name when empty.
	Owner       string
	Lease       time.Duration
	Batch       int // messages claimed at a time
	Workers     int // messages sent at the same time
	MaxAttempts int // sends tried before a message fails for good
	BaseBackoff time.Duration
	MaxBackoff  time.Duration
	Tick        time.Duration // how often Run looks for work when idle
	PublicURL   string        // for links in link-worker notifications
	// Now is the clock; time.Now when nil. Tests set it with the store's.
	Now     func() time.Time
	Logger  *slog.Logger
	Metrics *Metrics // nil counts nothing
}

// Dispatcher sends the outbox of one database.
type Dispatcher struct {
	db  *store.DB
	cfg Config
	log *slog.Logger
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
	if cfg.Batch <= 0 {
		cfg.Batch = DefaultBatch
	}
	if cfg.Workers <= 0 {
		cfg.Workers = DefaultWorkers
	}
	if cfg.MaxAttempts <= 0 {
		cfg.MaxAttempts = DefaultMaxAttempts
	}
	if cfg.Now == nil {
		cfg.Now = time.Now
	}
	d := &Dispatcher{db: db, cfg: cfg, log: cfg.Logger}
	if d.log == nil {
		d.log = slog.Default()
	}
	return d
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
	deferTo    time.Time // not zero: send it no earlier than this, after an earlier message
	buttons    []bot.Button
}

// sent reports whether the provider accepted the message.
func (o *outcome) sent() bool { return o.hold == "" && o.err == nil && o.deferTo.IsZero() }

// jumpsQueue reports whether m goes at once even when an earlier message to
// the same address is waiting for a retry: the safety net, keyword answers
// and link-worker notifications do.
func jumpsQueue(m store.Message) bool {
	return m.Kind == store.MessageSafetyNet || m.Kind == store.MessageKeyword || m.Kind == store.MessageNotification
}

// RunOnce claims one batch of due messages, sends them and records the
// outcomes, and returns how many it claimed. Tests call it with a fake
// clock instead of Run. When ctx ends, messages not yet sent are put back
// for later; a send under way is finished and recorded.
func (d *Dispatcher) RunOnce(ctx context.Context) (int, error) {
	stopping := ctx
	ctx = context.WithoutCancel(ctx)
	if stopping.Err() != nil {
		return 0, nil
	}
	now := d.cfg.Now()
	batch, err := d.db.ClaimOutbox(ctx, now, d.cfg.Owner, d.cfg.Lease, d.batchSize())
	if err != nil {
		return 0, fmt.Errorf("dispatch: %w", err)
	}
	if len(batch) > 0 {
		outcomes, err := d.checks(ctx, batch, now)
		if err != nil {
			return len(batch), err
		}
		d.send(ctx, stopping, outcomes, now.Add(d.cfg.Lease*3/5))
		if err := d.record(ctx, outcomes); err != nil {
			return len(batch), err
		}
	}
	n, err := d.unknownReplies(ctx, now)
	return len(batch) + n, err
}

// batchSize is how many messages to claim at once: no more than the rate
// limit lets go in half a lease, so a batch is sent well before its lease
// runs out and no other dispatcher takes it over.
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
// within LoopWindow.
func (d *Dispatcher) checks(ctx context.Context, batch []store.Message, now time.Time) ([]*outcome, error) {
	var people, telegramIDs []int64
	var addresses []string
	for _, m := range batch {
		if m.Channel == store.ChannelTelegram {
			telegramIDs = append(telegramIDs, m.ID)
		}
		if m.PersonID != nil {
			people = append(people, *m.PersonID)
		}
		addresses = append(addresses, m.Address)
	}
	var states map[int64]store.SendState
	var recent map[store.SendKey]int
	var retrying []store.Retrying
	var buttons map[int64][]store.Button
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
	errPutBack  = errors.New("not sent: the lease was mostly used up, or the dispatcher is stopping")
)

// InstantDelivery is a Sender whose messages are delivered as soon as they
// are sent (the simulated channel): the dispatcher records them delivered.
type InstantDelivery interface {
	DeliversAtOnce() bool
}

// send sends every message not held, Workers at a time, each after its
// sender's rate limit allows. Messages to one address go one after another
// in the order claimed, so a person reads them in the order written.
//
// A message whose turn comes after sendBy, when the lease is mostly used
// up, is not sent but put back: another dispatcher could take it over once
// the lease ends, and must not send it a second time.
func (d *Dispatcher) send(ctx, stopping context.Context, outcomes []*outcome, sendBy time.Time) {
	var groups [][]*outcome
	index := map[string]int{}
	for _, o := range outcomes {
		if o.hold != "" || o.err != nil || !o.deferTo.IsZero() {
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
					if d.cfg.Now().After(sendBy) || stopping.Err() != nil || (failed && !jumpsQueue(o.msg)) {
						// Put back: for later, or, after an earlier
						// message failed, to follow it in order.
						o.err = errPutBack
						continue
					}
					d.sendOne(ctx, stopping, o)
					if retry, _ := bot.Retryable(o.err); retry {
						failed = true
					}
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
	if err := d.cfg.Limits.wait(stopping, m.Channel, m.Address); err != nil {
		o.err = errPutBack
		return
	}
	o.providerID, o.err = d.cfg.Senders[m.Channel].Send(ctx, bot.Outbound{To: m.Address, Text: m.Body, Buttons: o.buttons})
}

// record writes the outcomes of a batch in one transaction: the sent
// messages in one statement, the rest one by one.
func (d *Dispatcher) record(ctx context.Context, outcomes []*outcome) error {
	now := d.cfg.Now()
	owner := d.cfg.Owner
	var sent []store.Sent
	var delivered []*outcome
	for _, o := range outcomes {
		if o.sent() {
			sent = append(sent, store.Sent{ID: o.msg.ID, ProviderID: o.providerID})
			if s, ok := d.cfg.Senders[o.msg.Channel].(InstantDelivery); ok && s.DeliversAtOnce() {
				delivered = append(delivered, o)
			}
		}
	}
	err := d.db.InTx(ctx, func(tx *store.Tx) error {
		marked, err := tx.MarkSentBatch(ctx, owner, sent)
		if err != nil {
			return err
		}
		for _, o := range outcomes {
			if o.sent() {
				d.cfg.Metrics.count(countSent, o.msg.Channel)
			}
		}
		if len(marked) < len(sent) {
			// Leases ran out and another dispatcher took the messages
			// over; it records their outcome.
			d.log.WarnContext(ctx, "dispatch: lease lost before the outcome was recorded", "messages", len(sent)-len(marked))
		}
		for _, o := range delivered {
			if _, _, err := tx.UpdateDelivery(ctx, o.msg.Channel, o.providerID, store.StatusDelivered); err != nil {
				return err
			}
		}
		for _, o := range outcomes {
			if o.sent() {
				continue
			}
			if err := d.recordOne(ctx, tx, o, now, owner); err != nil {
				if store.ErrorCode(err) == store.Conflict {
					d.log.WarnContext(ctx, "dispatch: lease lost before the outcome was recorded", "message", o.msg.ID)
					continue
				}
				return err
			}
		}
		return nil
	})
	if err != nil {
		return fmt.Errorf("dispatch: record outcomes: %w", err)
	}
	return nil
}

func (d *Dispatcher) recordOne(ctx context.Context, tx *store.Tx, o *outcome, now time.Time, owner string) error {
	m := o.msg
	switch {
	case !o.deferTo.IsZero():
		return tx.PutBack(ctx, m.ID, owner, o.deferTo)
	case o.hold != "":
		d.cfg.Metrics.count(countHeld, m.Channel)
		return tx.HoldMessage(ctx, m.ID, owner, o.hold)
	case errors.Is(o.err, errNoSender):
		retry := now.Add(d.cfg.MaxBackoff)
		return tx.MarkSendFailed(ctx, m.ID, owner, "", o.err.Error(), &retry)
	case errors.Is(o.err, errPutBack):
		return tx.PutBack(ctx, m.ID, owner, now)
	}
	retry, after := bot.Retryable(o.err)
	code := ""
	var se *bot.SendError
	var failure bot.Failure
	if errors.As(o.err, &se) {
		code, failure = se.Code, se.Failure
	}
	if retry && m.Attempts < d.cfg.MaxAttempts {
		at := now.Add(max(d.backoff(m.Attempts), after))
		d.cfg.Metrics.count(countRetried, m.Channel)
		d.log.WarnContext(ctx, "dispatch: send failed; will retry", "message", m.ID, "attempt", m.Attempts, "code", code)
		return tx.MarkSendFailed(ctx, m.ID, owner, code, o.err.Error(), &at)
	}
	d.cfg.Metrics.count(countFailed, m.Channel)
	d.log.ErrorContext(ctx, "dispatch: send failed for good", "message", m.ID, "attempts", m.Attempts, "code", code, "failure", failure)
	if err := tx.MarkSendFailed(ctx, m.ID, owner, code, o.err.Error(), nil); err != nil {
		return err
	}
	if m.PersonID == nil {
		return nil // a notification: never escalate about escalations
	}
	if failure == bot.FailOptedOut {
		return bot.CarrierOptOut(ctx, tx, *m.PersonID, d.cfg.PublicURL)
	}
	if failure == bot.FailBlocked {
		if _, err := tx.SetTelegramBlocked(ctx, *m.PersonID, &now); err != nil {
			return err
		}
	}
	why := "not sent after " + strconv.Itoa(m.Attempts) + " attempts"
	if !retry {
		why = "refused by the provider (" + string(failure) + ")"
	}
	return bot.DeliveryFailed(ctx, tx, m, why, d.cfg.PublicURL)
}

// backoff is the wait before attempt n+1: BaseBackoff doubled for each
// attempt so far, at most MaxBackoff, with ±50% jitter so that many
// failures at once do not come back at once.
func (d *Dispatcher) backoff(attempts int) time.Duration {
	exp := float64(d.cfg.BaseBackoff) * math.Pow(2, float64(max(attempts-1, 0)))
	wait := time.Duration(min(exp, float64(d.cfg.MaxBackoff)))
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
		if err := d.cfg.Limits.wait(ctx, r.Channel, r.Address); err != nil {
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
