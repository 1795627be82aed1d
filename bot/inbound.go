package bot

import (
	"context"
	"errors"
	"fmt"
	"strconv"
	"strings"
	"time"

	"github.com/linkbot/linkbot/store"
)

// HandleInbound handles one inbound event in one transaction and returns
// once it is committed (see InboundHandler).
//
// A message is stored first, before anything else is tried; each later
// step (keywords, the safety net, the dialogue run) runs in a savepoint of
// its own, so a step that fails is undone and logged while the message,
// and what earlier steps wrote, are kept. A replayed event (same channel
// and provider id) changes nothing. Messages of one person are handled one
// at a time, in arrival order: the person's row is locked first.
func (e *Engine) HandleInbound(ctx context.Context, in Inbound) error {
	in = in.clean()
	var err error
	switch in.Kind {
	case KindBlocked, KindUnblocked:
		err = e.db.InTx(ctx, func(tx *store.Tx) error { return e.blocked(ctx, tx, in) })
	case KindLink:
		err = e.db.InTx(ctx, func(tx *store.Tx) error { return e.link(ctx, tx, in) })
	case KindMessage, KindChoice:
		err = e.db.InTx(ctx, func(tx *store.Tx) error { return e.message(ctx, tx, in) })
	default:
		return nil
	}
	if err != nil {
		return fmt.Errorf("handle inbound %s: %w", in.Kind, err)
	}
	return nil
}

// message handles a message or a button choice.
func (e *Engine) message(ctx context.Context, tx *store.Tx, in Inbound) error {
	p, openRun, err := tx.LockInboundPerson(ctx, store.Channel(in.Channel), in.From, in.To)
	if errors.Is(err, store.ErrSenderInSeveralSchemes) {
		e.log.ErrorContext(ctx, "inbound: the sender is known to several schemes and the number they wrote to belongs to none; "+
			"register each scheme's numbers on its settings page (Scheme admin → Settings → Numbers and bots)", "channel", in.Channel)
	}
	if store.ErrorCode(err) == store.NotFound {
		return e.unknown(ctx, tx, in)
	}
	if err != nil {
		return err
	}
	m := store.Message{SchemeID: p.SchemeID, PersonID: &p.ID, Channel: store.Channel(in.Channel),
		Address: in.From, Body: body(in), ProviderID: &in.ProviderID}
	isNew, err := tx.InsertInbound(ctx, &m)
	if err != nil || !isNew {
		return err // a replay: stored and handled before
	}
	// From here on the message is kept whatever fails: each step runs in a
	// savepoint, and a failed step is logged and undone.
	c := &conv{e: e, tx: tx, person: p, channel: store.Channel(in.Channel), address: in.From}
	text := in.Text
	if in.Kind == KindChoice {
		text = in.Choice
	}
	// Triage comes first: a message that may show risk gets the safety net
	// and the urgent path whatever else it says, even STOP.
	keyword := NoKeyword
	if in.Kind == KindMessage {
		keyword = KeywordOf(text)
	}
	urgent := false
	if strings.TrimSpace(text) != "" && in.Kind == KindMessage {
		result := e.classify(ctx, text, m.ID)
		if result.Urgent && !result.ByRule && (bareKeyword(text) || openRun != nil && e.answersRun(ctx, tx, *openRun, text)) {
			// "HELP" alone is a keyword, and "8" to a 0–10 question or "C" to
			// a reminder is an answer, not a disclosure: the model's guess
			// alone does not raise it. Lexicon phrases always do.
			result.Urgent = false
		}
		if result.Urgent {
			stopped := keyword == KeywordStop
			urgent = e.step(ctx, tx, m, "safety net", func() error { return c.safetyNet(ctx, result, m.ID, stopped) })
		}
	}
	if keyword == KeywordStop && !urgent && openRun != nil && IsCancelWord(text) {
		// CANCEL in answer to a contact reminder cancels that contact, not
		// every message.
		cancelled := false
		e.step(ctx, tx, m, "cancel contact", func() (err error) {
			cancelled, err = c.cancelContact(ctx, *openRun, m.ID)
			return err
		})
		if cancelled {
			return nil
		}
	}
	if keyword != NoKeyword {
		e.step(ctx, tx, m, "keyword", func() error { return c.keyword(ctx, keyword, m.ID, urgent) })
		return nil
	}
	if openRun == nil {
		return nil // no run waiting: the message is stored for the link worker
	}
	run, err := tx.GetRun(ctx, *openRun)
	if err == nil && run.EndedAt != nil {
		// The lookup saw the database as it was before the lock was
		// granted; the run has ended since. Look again.
		run, err = tx.GetOpenRun(ctx, p.ID)
		if store.ErrorCode(err) == store.NotFound {
			return nil
		}
	}
	if err != nil {
		return err
	}
	e.step(ctx, tx, m, "dialogue", func() error { return c.feedRun(ctx, run, text, urgent, m.ID) })
	return nil
}

// classify triages text. A classifier that panics is logged and taken as
// "not urgent": triage only raises priority, and the message is stored and
// shown to the link worker whatever it says.
func (e *Engine) classify(ctx context.Context, text string, messageID int64) (r TriageResult) {
	defer func() {
		if p := recover(); p != nil {
			e.log.ErrorContext(ctx, "inbound: triage failed; the message is kept for the link worker",
				"message", messageID, "panic", fmt.Sprint(p))
			r = TriageResult{}
		}
	}()
	return e.triage.Classify(text)
}

// step runs fn in a savepoint and reports whether it succeeded; a failure
// is logged (never with the text or the address) and undone.
func (e *Engine) step(ctx context.Context, tx *store.Tx, m store.Message, name string, fn func() error) bool {
	err := tx.Savepoint(ctx, fn)
	if err != nil {
		e.log.ErrorContext(ctx, "inbound: a step failed; the message is kept for the link worker",
			"step", name, "message", m.ID, "err", err)
		return false
	}
	return true
}

// body is what is stored of an inbound event: the text, with a line for
// each attachment (the link worker fetches media through the provider).
func body(in Inbound) string {
	if in.Kind == KindChoice {
		return in.Choice
	}
	b := in.Text
	for _, a := range in.Attachments {
		if b != "" {
			b += "\n"
		}
		b += "[" + a.Type + "]"
	}
	if b == "" {
		b = "[empty message]"
	}
	return b
}

// keyword answers STOP, START and HELP. With escalated set the message
// also raised an urgent escalation, whose notice already tells the link
// worker of a STOP: no routine one follows.
func (c *conv) keyword(ctx context.Context, k Keyword, messageID int64, escalated bool) error {
	if err := c.load(ctx); err != nil {
		return err
	}
	switch k {
	case KeywordStop:
		changed, err := optOut(ctx, c.tx, c.person, "replied with a stop request", &messageID, c.e.publicURL, !escalated)
		if err != nil || !changed {
			return err // confirmed once: a second STOP gets no answer
		}
		return c.reply(ctx, store.MessageKeyword, stopText(c.who()))
	case KeywordStart:
		if c.person.OptedOutAt == nil {
			return nil
		}
		if err := c.tx.SetOptedOut(ctx, c.person.ID, nil); err != nil {
			return err
		}
		if err := c.e.runs.Resume(ctx, c.tx, c.person); err != nil {
			return err
		}
		if err := c.tx.RecordAudit(ctx, &store.AuditEvent{SchemeID: c.person.SchemeID, Actor: "person",
			Action: "person.opted_in", PersonID: &c.person.ID}); err != nil {
			return err
		}
		return c.reply(ctx, store.MessageKeyword, startText(c.who()))
	case KeywordHelp:
		return c.reply(ctx, store.MessageKeyword, helpText(c.who()))
	}
	return nil
}

// cancelContact cancels the contact the open run with id reminds of, tells
// the person how to stop all messages, and tells the link worker. It
// reports false, doing nothing, when the run reminds of no contact still
// to come.
func (c *conv) cancelContact(ctx context.Context, runID, messageID int64) (bool, error) {
	run, err := c.tx.GetRun(ctx, runID)
	if err != nil {
		return false, err
	}
	contact, ok, err := c.e.runs.CancelContact(ctx, c.tx, run)
	if err != nil || !ok {
		return false, err
	}
	if err := c.load(ctx); err != nil {
		return false, err
	}
	loc, err := c.scheme.Location()
	if err != nil {
		loc = time.UTC
	}
	if err := c.reply(ctx, store.MessageKeyword, cancelledText(c.who(), contact.StartsAt.In(loc))); err != nil {
		return false, err
	}
	return true, c.escalate(ctx, store.ReasonRearrange, store.Soon, "cancelled a contact by text (CANCEL)", &messageID, false)
}

// safetyNet answers a message that may show risk at once, escalates it as
// urgent, and tells the link worker; with stopped set, the notice says the
// person also asked for no more messages.
func (c *conv) safetyNet(ctx context.Context, r TriageResult, messageID int64, stopped bool) error {
	if err := c.load(ctx); err != nil {
		return err
	}
	if err := c.reply(ctx, store.MessageSafetyNet, safetyNetText(c.who())); err != nil {
		return err
	}
	note := "triage: " + r.Label
	if r.Reason != "" {
		note += " (" + r.Reason + ")"
	}
	if stopped {
		note += "; also asked for no more messages (STOP)"
	}
	return c.escalate(ctx, store.ReasonRisk, store.Urgent, note, &messageID, stopped)
}

// feedRun hands the reply to the person's open run, if any. A message that
// triage found urgent is not taken as an answer: the run ends, escalated,
// so no "sorry, I didn't catch that" follows the safety net.
func (c *conv) feedRun(ctx context.Context, run store.Run, text string, urgent bool, messageID int64) error {
	if urgent {
		if _, err := c.tx.CancelRunTimeouts(ctx, run.ID); err != nil {
			return err
		}
		return c.tx.EndRun(ctx, run.ID, store.OutcomeEscalated)
	}
	if c.person.OptedOutAt != nil {
		return nil
	}
	return c.e.runs.Reply(ctx, c.tx, c.person, run, text, messageID)
}

// unknown notes a sender no one has; they get at most one polite reply a
// day. Nothing they wrote is stored.
func (e *Engine) unknown(ctx context.Context, tx *store.Tx, in Inbound) error {
	risk := in.Kind == KindMessage && strings.TrimSpace(in.Text) != "" && e.classify(ctx, in.Text, 0).Urgent
	queued, err := tx.NoteUnknownSender(ctx, store.Channel(in.Channel), in.From, UnknownReplyGap, risk)
	if err != nil {
		return err
	}
	if queued {
		e.log.InfoContext(ctx, "inbound: message from an address no one has; a polite reply is queued", "channel", in.Channel)
	}
	return nil
}

// UnknownReplyText is the reply to an address no one has on channel: the
// polite one, or with safetyNet the safety net, for a message that may
// show risk.
func UnknownReplyText(channel Channel, safetyNet bool) string {
	switch {
	case safetyNet && channel == Telegram:
		return unknownSafetyNetText + " " + unknownTelegramText
	case safetyNet:
		return unknownSafetyNetText + " This number doesn't recognise yours: if you have a link worker, please contact them directly."
	case channel == Telegram:
		return unknownTelegramText
	}
	return unknownSMSText
}

// blocked records that a person blocked (or unblocked) the bot on
// Telegram; a block is escalated to their link worker once.
func (e *Engine) blocked(ctx context.Context, tx *store.Tx, in Inbound) error {
	found, err := tx.FindInboundPerson(ctx, store.ChannelTelegram, in.From, in.To)
	if store.ErrorCode(err) == store.NotFound {
		return nil
	}
	if err != nil {
		return err
	}
	p, err := tx.LockPerson(ctx, found.ID)
	if err != nil {
		return err
	}
	if in.Kind == KindUnblocked {
		_, err := tx.SetTelegramBlocked(ctx, p.ID, nil)
		return err
	}
	now := tx.Now()
	changed, err := tx.SetTelegramBlocked(ctx, p.ID, &now)
	if err != nil || !changed {
		return err
	}
	return Escalate(ctx, tx, p, store.ReasonDeliveryFailed, store.Soon,
		"blocked the bot on Telegram: messages there cannot reach them", nil, e.publicURL)
}

// link binds a Telegram chat to whoever a one-time code was issued for.
func (e *Engine) link(ctx context.Context, tx *store.Tx, in Inbound) error {
	chat, err := strconv.ParseInt(in.From, 10, 64)
	if err != nil {
		return nil
	}
	code, err := tx.UseLinkCode(ctx, in.LinkCode)
	if store.ErrorCode(err) == store.NotFound {
		// A used, expired or made-up code; or a replay of a link that
		// worked, in which case the chat already belongs to someone.
		if _, ferr := tx.FindInboundPerson(ctx, store.ChannelTelegram, in.From, in.To); ferr == nil {
			return nil
		}
		return e.unknown(ctx, tx, in)
	}
	if err != nil {
		return err
	}
	if code.LinkWorkerID != nil {
		w, err := tx.GetLinkWorker(ctx, *code.LinkWorkerID)
		if err != nil {
			return err
		}
		w.TelegramChatID = &chat
		if err := tx.UpdateLinkWorker(ctx, w); err != nil {
			return err
		}
		m := store.Message{SchemeID: w.SchemeID, LinkWorkerID: &w.ID, Channel: store.ChannelTelegram, Address: in.From,
			Kind: store.MessageNotification, Body: linkedWorkerText}
		return tx.QueueMessage(ctx, &m)
	}
	p, err := tx.LockPerson(ctx, *code.PersonID)
	if err != nil {
		return err
	}
	p.TelegramChatID = &chat
	p.PreferredChannel = store.ChannelTelegram
	err = tx.Savepoint(ctx, func() error { return tx.UpdatePerson(ctx, p) })
	if store.ErrorCode(err) == store.Conflict {
		// The chat already belongs to another person of the scheme: the
		// code is spent, and the link worker sees nothing changed.
		e.log.WarnContext(ctx, "inbound: a Telegram chat linked to one person was offered a code for another", "person", p.ID)
		return nil
	}
	if err != nil {
		return err
	}
	if _, err := tx.SetTelegramBlocked(ctx, p.ID, nil); err != nil {
		return err
	}
	if err := tx.RecordAudit(ctx, &store.AuditEvent{SchemeID: p.SchemeID, Actor: "person",
		Action: "person.telegram_linked", PersonID: &p.ID}); err != nil {
		return err
	}
	c := &conv{e: e, tx: tx, person: p, channel: store.ChannelTelegram, address: in.From}
	if err := c.load(ctx); err != nil {
		return err
	}
	return c.reply(ctx, store.MessageKeyword, linkedText(c.who()))
}

// answersRun reports whether text is a valid answer to the question the run
// with id waits at. Anything that cannot be checked counts as no.
func (e *Engine) answersRun(ctx context.Context, tx *store.Tx, runID int64, text string) bool {
	run, err := tx.GetRun(ctx, runID)
	return err == nil && e.runs.Understands(ctx, tx, run, text)
}
