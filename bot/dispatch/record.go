package dispatch

import (
	"context"
	"errors"
	"fmt"
	"strconv"
	"sync"
	"time"

	"github.com/linkbot/linkbot/bot"
	"github.com/linkbot/linkbot/store"
)

// recorder commits outcomes as sends return. Workers hand it one outcome
// each and wait; each of its committers writes whatever has arrived in one
// transaction (group commit), so a crash loses at most the one outcome per
// worker not yet committed, and many workers cost few commits. Several
// committers overlap their commits' round trips.
type recorder struct {
	in   chan pendingOutcome
	done sync.WaitGroup
}

// committers is how many transactions of outcomes may be under way at once.
const committers = 2

type pendingOutcome struct {
	o    *outcome
	done chan struct{}
}

// maxGroup is the most outcomes committed in one transaction.
const maxGroup = 256

func (d *Dispatcher) startRecorder(ctx context.Context) *recorder {
	r := &recorder{in: make(chan pendingOutcome)}
	r.done.Add(committers)
	for range committers {
		go r.run(ctx, d)
	}
	return r
}

func (r *recorder) run(ctx context.Context, d *Dispatcher) {
	defer r.done.Done()
	for p := range r.in {
		group := []pendingOutcome{p}
	more:
		for len(group) < maxGroup {
			select {
			case q, ok := <-r.in:
				if !ok {
					break more
				}
				group = append(group, q)
			default:
				break more
			}
		}
		outcomes := make([]*outcome, len(group))
		for i, q := range group {
			outcomes[i] = q.o
		}
		if err := d.recordPatiently(ctx, outcomes); err != nil {
			d.log.ErrorContext(ctx, "dispatch: outcomes not recorded; the messages may be sent again", "messages", len(group), "err", err)
		}
		for _, q := range group {
			close(q.done)
		}
	}
}

// commit hands o to the recorder and waits until it is committed (or
// given up).
func (r *recorder) commit(o *outcome) {
	p := pendingOutcome{o: o, done: make(chan struct{})}
	r.in <- p
	<-p.done
}

// close waits for the outcomes handed in to be written.
func (r *recorder) close() {
	close(r.in)
	r.done.Wait()
}

// recordPatiently records outcomes, trying again while the database does
// not answer, for up to RecordPatience.
func (d *Dispatcher) recordPatiently(ctx context.Context, outcomes []*outcome) error {
	if len(outcomes) == 0 {
		return nil
	}
	wait := 50 * time.Millisecond
	var waited time.Duration
	for {
		err := d.record(ctx, outcomes)
		if err == nil {
			return nil
		}
		if waited >= d.cfg.RecordPatience {
			return err
		}
		d.log.WarnContext(ctx, "dispatch: recording outcomes failed; trying again", "messages", len(outcomes), "err", err)
		if err := sleep(ctx, wait); err != nil {
			return err
		}
		waited += wait
		wait = min(2*wait, 2*time.Second)
	}
}

// record writes outcomes in one transaction: the sent messages in one
// statement, the rest one by one.
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
	var counts []counted
	err := d.db.InTx(ctx, func(tx *store.Tx) error {
		counts = counts[:0]
		if err := tx.AsyncCommit(ctx); err != nil {
			return err
		}
		marked, err := tx.MarkSentBatch(ctx, owner, sent)
		if err != nil {
			return err
		}
		if len(marked) < len(sent) {
			d.log.WarnContext(ctx, "dispatch: sent messages were already recorded", "messages", len(sent)-len(marked))
		}
		for _, o := range outcomes {
			if o.sent() {
				counts = append(counts, counted{countSent, o.msg.Channel})
			}
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
			c, err := d.recordOne(ctx, tx, o, now, owner)
			if store.ErrorCode(err) == store.Conflict {
				d.log.WarnContext(ctx, "dispatch: lease lost before the outcome was recorded", "message", o.msg.ID)
				continue
			}
			if err != nil {
				return err
			}
			if c >= 0 {
				counts = append(counts, counted{c, o.msg.Channel})
			}
		}
		return nil
	})
	if err != nil {
		return fmt.Errorf("dispatch: record outcomes: %w", err)
	}
	for _, c := range counts {
		d.cfg.Metrics.count(c.c, c.channel)
	}
	return nil
}

type counted struct {
	c       counter
	channel store.Channel
}

// recordOne records an outcome other than sent, and returns what to count
// (-1 for nothing).
func (d *Dispatcher) recordOne(ctx context.Context, tx *store.Tx, o *outcome, now time.Time, owner string) (counter, error) {
	m := o.msg
	switch {
	case o.stale != "" && staleKind(m.Kind):
		d.log.InfoContext(ctx, "dispatch: message dropped as stale", "message", m.ID, "kind", m.Kind, "why", o.stale)
		return countStale, tx.DropStale(ctx, m.ID, owner, o.stale)
	case o.stale != "":
		return countFailed, d.failForGood(ctx, tx, m, owner, "", o.stale, "not sent before its deadline ("+o.stale+")", now, bot.FailTemporary)
	case !o.deferTo.IsZero():
		return -1, tx.PutBack(ctx, m.ID, owner, o.deferTo)
	case o.hold != "":
		return countHeld, tx.HoldMessage(ctx, m.ID, owner, o.hold)
	case errors.Is(o.err, errNoSender):
		retry := now.Add(d.cfg.MaxBackoff)
		return -1, tx.MarkSendFailed(ctx, m.ID, owner, "", o.err.Error(), &retry)
	case errors.Is(o.err, errPutBack):
		return -1, tx.PutBack(ctx, m.ID, owner, now)
	}
	retry, after := bot.Retryable(o.err)
	code := ""
	var se *bot.SendError
	failure := bot.FailTemporary
	if errors.As(o.err, &se) {
		code, failure = se.Code, se.Failure
	}
	if retry {
		wait := max(d.backoff(m.Kind, m.Attempts), after)
		if urgent(m.Kind) && m.Attempts <= 1 {
			wait = min(wait, UrgentFirstRetry)
		}
		at := now.Add(wait)
		tooMany := d.cfg.MaxAttempts > 0 && !urgent(m.Kind) && m.Attempts >= d.cfg.MaxAttempts
		switch {
		case !tooMany && at.Before(o.deadline):
			d.log.WarnContext(ctx, "dispatch: send failed; will retry", "message", m.ID, "attempt", m.Attempts, "code", code)
			if err := tx.MarkSendFailed(ctx, m.ID, owner, code, o.err.Error(), &at); err != nil {
				return -1, err
			}
			if urgent(m.Kind) && m.Attempts == 2 && m.PersonID != nil {
				// Tell the link worker at once while it keeps trying.
				why := "still failing after " + strconv.Itoa(m.Attempts) + " attempts; Linkbot keeps trying"
				return countRetried, bot.DeliveryFailed(ctx, tx, m, why, d.cfg.PublicURL)
			}
			return countRetried, nil
		case !tooMany && staleKind(m.Kind):
			why := "the provider kept failing until its deadline"
			d.log.InfoContext(ctx, "dispatch: message dropped as stale", "message", m.ID, "kind", m.Kind, "attempts", m.Attempts, "code", code)
			return countStale, tx.DropStale(ctx, m.ID, owner, why)
		}
	}
	why := "not sent after " + strconv.Itoa(m.Attempts) + " attempts"
	if !retry {
		why = "refused by the provider (" + string(failure) + ")"
	}
	return countFailed, d.failForGood(ctx, tx, m, owner, code, o.errText(), why, now, failure)
}

func (o *outcome) errText() string {
	if o.err == nil {
		return o.stale
	}
	return o.err.Error()
}

// failForGood records that m will not be sent and tells the link worker
// (or, for a carrier opt-out or a blocked bot, records that).
func (d *Dispatcher) failForGood(ctx context.Context, tx *store.Tx, m store.Message, owner, code, text, why string, now time.Time, failure bot.Failure) error {
	d.log.ErrorContext(ctx, "dispatch: send failed for good", "message", m.ID, "kind", m.Kind, "attempts", m.Attempts, "code", code, "failure", failure)
	if err := tx.MarkSendFailed(ctx, m.ID, owner, code, text, nil); err != nil {
		return err
	}
	if m.PersonID == nil {
		// A notice: the escalation loop sees it failed and tells the duty
		// contact; never escalate about escalations here.
		return nil
	}
	if failure == bot.FailOptedOut {
		return bot.CarrierOptOut(ctx, tx, *m.PersonID, d.cfg.PublicURL)
	}
	if failure == bot.FailBlocked {
		if _, err := tx.SetTelegramBlocked(ctx, *m.PersonID, &now); err != nil {
			return err
		}
	}
	return bot.DeliveryFailed(ctx, tx, m, why, d.cfg.PublicURL)
}

// applyEarlyStatuses applies the delivery reports that came before their
// message's provider id was recorded and whose id is recorded now, and
// throws away those kept longer than EarlyStatusKeep.
func (d *Dispatcher) applyEarlyStatuses(ctx context.Context) error {
	for {
		n := 0
		err := d.db.InTx(ctx, func(tx *store.Tx) error {
			list, err := tx.EarlyStatusesReady(ctx, 100)
			if err != nil {
				return err
			}
			n = len(list)
			for _, e := range list {
				if _, err := bot.ApplyStatus(ctx, tx, bot.EarlyStatus(e), d.cfg.PublicURL); err != nil {
					return err
				}
				if err := tx.DeleteEarlyStatus(ctx, e.ID); err != nil {
					return err
				}
			}
			if n < 100 {
				_, err = tx.PurgeEarlyStatuses(ctx, d.cfg.Now().Add(-EarlyStatusKeep))
			}
			return err
		})
		if err != nil {
			return fmt.Errorf("dispatch: apply early delivery reports: %w", err)
		}
		if n < 100 {
			return nil
		}
	}
}
