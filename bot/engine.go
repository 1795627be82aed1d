package bot

import (
	"context"
	"fmt"
	"log/slog"
	"strconv"
	"strings"
	"time"

	"github.com/linkbot/linkbot/bot/triage"
	"github.com/linkbot/linkbot/store"
)

// UnknownReplyGap is the least time between two polite replies to an
// address that belongs to no one.
const UnknownReplyGap = 24 * time.Hour

// Engine is the inbound pipeline: it takes what channels receive
// (messages, button choices, Telegram links and blocks, delivery updates)
// and, in one database transaction each, stores it, answers keywords,
// triages, advances dialogue runs and writes replies and link-worker
// notifications to the outbox. Nothing is sent from here: the dispatcher
// sends the outbox. Engine is a bot.InboundHandler and a bot.StatusHandler.
type Engine struct {
	db        *store.DB
	triage    Triage
	publicURL string
	runs      Runs
	log       *slog.Logger
}

// Runs carries a person's dialogue run on when they reply, and their plan of
// nudges when they opt back in. Package nudges implements it (the one
// run-advancer, shared with the nudge loop and the inbox); cmd hands it to
// the engine, so bot never imports nudges.
type Runs interface {
	// Reply feeds the reply (the stored inbound message messageID) to the
	// person's open run and carries out the step inside tx.
	Reply(ctx context.Context, tx *store.Tx, p store.Person, run store.Run, text string, messageID int64) error
	// Understands reports whether text answers the question run waits at.
	Understands(ctx context.Context, tx *store.Tx, run store.Run, text string) bool
	// CancelContact cancels the contact that run, a waiting contact
	// reminder, is about, and ends the run; false when it is about no
	// contact still to come.
	CancelContact(ctx context.Context, tx *store.Tx, run store.Run) (store.Contact, bool, error)
	// Resume plans again, inside tx, the nudges of a person who has just
	// opted back in (START), as turning messages back on in the inbox does.
	Resume(ctx context.Context, tx *store.Tx, p store.Person) error
}

// Options configure an Engine.
type Options struct {
	// Triage classifies inbound text; nil means bot/triage's classifier
	// with its embedded model.
	Triage Triage
	// Runs carries dialogue runs on; required.
	Runs Runs
	// PublicURL is LINKBOT_PUBLIC_URL: notifications link to
	// PublicURL/people/{id}.
	PublicURL string
	Logger    *slog.Logger // slog.Default() when nil
}

// NewEngine returns the pipeline over db. It fails when opts has no Runs
// or the embedded triage model cannot be loaded.
func NewEngine(db *store.DB, opts Options) (*Engine, error) {
	if opts.Runs == nil {
		return nil, fmt.Errorf("new engine: no Runs to carry dialogue runs on")
	}
	e := &Engine{db: db, triage: opts.Triage, publicURL: strings.TrimRight(opts.PublicURL, "/"),
		runs: opts.Runs, log: opts.Logger}
	if e.triage == nil {
		c, err := triage.Default()
		if err != nil {
			return nil, fmt.Errorf("load the triage model: %w", err)
		}
		e.triage = Classifier(c)
	}
	if e.log == nil {
		e.log = slog.Default()
	}
	return e, nil
}

// conv is one person's side of a transaction: who they are, who supports
// them, and where replies go.
type conv struct {
	e       *Engine
	tx      *store.Tx
	person  store.Person
	scheme  store.Scheme
	worker  *store.LinkWorker // nil when the person has none
	channel store.Channel     // where replies go: the channel they wrote on
	address string
}

// load fills in the scheme and link worker of c.person, once.
func (c *conv) load(ctx context.Context) error {
	if c.scheme.ID != 0 {
		return nil
	}
	s, err := c.tx.GetScheme(ctx, c.person.SchemeID)
	if err != nil {
		return err
	}
	c.scheme = s
	if c.person.LinkWorkerID != nil {
		w, err := c.tx.GetLinkWorker(ctx, *c.person.LinkWorkerID)
		if err != nil {
			return err
		}
		c.worker = &w
	}
	if c.channel == "" {
		c.channel, c.address, _ = c.person.Address()
	}
	return nil
}

// who is what the fixed texts need.
func (c *conv) who() who {
	w := who{scheme: c.scheme.Name, discreet: c.person.Discreet}
	if c.worker != nil {
		w.worker = c.worker.Name
		w.workerFirst = firstName(c.worker.Name)
		if c.worker.Phone != nil {
			w.workerContact = *c.worker.Phone
		}
	}
	if w.workerContact == "" && c.scheme.DutyPhone != nil {
		w.workerContact = *c.scheme.DutyPhone
	}
	return w
}

// reply queues text of kind to the person on the channel they wrote on.
func (c *conv) reply(ctx context.Context, kind store.MessageKind, text string) error {
	if c.address == "" {
		return nil
	}
	m := store.Message{SchemeID: c.person.SchemeID, PersonID: &c.person.ID, Channel: c.channel,
		Address: c.address, Kind: kind, Body: text}
	return c.tx.QueueMessage(ctx, &m)
}

// escalate records an escalation about the person and queues its first
// notification to their link worker; with stopped set, the notification
// says the person also asked for no more messages.
func (c *conv) escalate(ctx context.Context, reason store.Reason, urgency store.Urgency, note string, messageID *int64, stopped bool) error {
	also := ""
	if stopped {
		also = "They also asked for no more messages."
	}
	return escalate(ctx, c.tx, c.person, reason, urgency, note, messageID, c.e.publicURL, also)
}

// Escalate records an escalation about person p and queues a notification
// to their link worker, by Telegram if they have linked a chat, else by
// SMS, else not at all (the inbox still shows it). An urgent notification
// goes at once, at any hour; others wait for the link worker's working
// hours. The notification names no one and quotes nothing: it says what
// kind of thing happened and links to publicURL/people/{id}.
func Escalate(ctx context.Context, tx *store.Tx, p store.Person, reason store.Reason, urgency store.Urgency,
	note string, messageID *int64, publicURL string) error {
	return escalate(ctx, tx, p, reason, urgency, note, messageID, publicURL, "")
}

// escalate is Escalate with also, a sentence added to the notification.
func escalate(ctx context.Context, tx *store.Tx, p store.Person, reason store.Reason, urgency store.Urgency,
	note string, messageID *int64, publicURL, also string) error {
	esc := store.Escalation{SchemeID: p.SchemeID, PersonID: p.ID, LinkWorkerID: p.LinkWorkerID,
		MessageID: messageID, Reason: reason, Urgency: urgency, Note: note}
	if err := tx.CreateEscalation(ctx, &esc); err != nil {
		return fmt.Errorf("escalate %s: %w", reason, err)
	}
	if p.LinkWorkerID == nil {
		return nil
	}
	w, err := tx.GetLinkWorker(ctx, *p.LinkWorkerID)
	if err != nil {
		return fmt.Errorf("escalate %s: %w", reason, err)
	}
	channel, address := workerAddress(w)
	if !w.Active || address == "" {
		return nil
	}
	m := store.Message{SchemeID: p.SchemeID, LinkWorkerID: &w.ID, Channel: channel, Address: address,
		Kind: store.MessageNotification, Body: notificationText(reason, urgency, p.ID, publicURL, also)}
	if urgency != store.Urgent {
		s, err := tx.GetScheme(ctx, p.SchemeID)
		if err != nil {
			return fmt.Errorf("escalate %s: %w", reason, err)
		}
		at := nextWorkingTime(w, s, tx.Now())
		m.NextAttemptAt = &at
	}
	if err := tx.QueueMessage(ctx, &m); err != nil {
		return fmt.Errorf("notify link worker: %w", err)
	}
	return tx.MarkEscalationNotified(ctx, esc.ID, false)
}

// notificationText is what a link worker's phone shows: the kind of thing,
// never the person's name or words.
func notificationText(reason store.Reason, urgency store.Urgency, personID int64, publicURL, also string) string {
	what := map[store.Reason]string{
		store.ReasonRisk:           "URGENT: a message from someone you support may need you now",
		store.ReasonWantsContact:   "someone you support would like to talk to you",
		store.ReasonRearrange:      "someone you support asked to move a contact",
		store.ReasonLowScore:       "a check-in answer needs a look",
		store.ReasonNoResponse:     "a check-in went unanswered",
		store.ReasonDeliveryFailed: "a message to someone you support could not be delivered",
		store.ReasonOptedOut:       "someone you support has opted out of messages",
	}[reason]
	if what == "" {
		what = "something needs a look"
	}
	if urgency == store.Urgent && reason != store.ReasonRisk {
		what = "URGENT: " + what
	}
	if also != "" {
		what += ". " + also
	}
	return "Linkbot: " + what + ". " + publicURL + "/people/" + strconv.FormatInt(personID, 10)
}

// workerAddress is where a link worker's notifications go.
func workerAddress(w store.LinkWorker) (store.Channel, string) {
	if w.TelegramChatID != nil {
		return store.ChannelTelegram, strconv.FormatInt(*w.TelegramChatID, 10)
	}
	if w.Phone != nil {
		return store.ChannelSMS, *w.Phone
	}
	return "", ""
}

func firstName(name string) string {
	if f := strings.Fields(name); len(f) > 0 {
		return f[0]
	}
	return ""
}

// optOut records that p asked for no more messages: it cancels their
// planned nudges, stops their open run, and, with notify set, escalates to
// the link worker. It reports false, doing nothing, when p had already
// opted out.
func optOut(ctx context.Context, tx *store.Tx, p store.Person, how string, messageID *int64, publicURL string, notify bool) (bool, error) {
	if p.OptedOutAt != nil {
		return false, nil
	}
	now := tx.Now()
	if err := tx.SetOptedOut(ctx, p.ID, &now); err != nil {
		return false, err
	}
	if _, err := tx.CancelNudges(ctx, p.ID, "opted out ("+how+")"); err != nil {
		return false, err
	}
	if run, err := tx.GetOpenRun(ctx, p.ID); err == nil {
		if err := tx.EndRun(ctx, run.ID, store.OutcomeStopped); err != nil {
			return false, err
		}
	} else if store.ErrorCode(err) != store.NotFound {
		return false, err
	}
	if err := tx.RecordAudit(ctx, &store.AuditEvent{SchemeID: p.SchemeID, Actor: "person", Action: "person.opted_out",
		PersonID: &p.ID, Detail: store.JSON(`{"how":"` + how + `"}`)}); err != nil {
		return false, err
	}
	if !notify {
		return true, nil
	}
	return true, Escalate(ctx, tx, p, store.ReasonOptedOut, store.Routine, "opted out: "+how, messageID, publicURL)
}

// Escalator is Escalate with its notices linking to publicURL: what the
// run-advancer (nudges.Planner.Escalate) calls to raise the escalations
// dialogue steps ask for, so they notify as the pipeline's own do.
func Escalator(publicURL string) func(ctx context.Context, tx *store.Tx, p store.Person, reason store.Reason,
	urgency store.Urgency, note string, messageID *int64) error {
	publicURL = strings.TrimRight(publicURL, "/")
	return func(ctx context.Context, tx *store.Tx, p store.Person, reason store.Reason, urgency store.Urgency,
		note string, messageID *int64) error {
		return Escalate(ctx, tx, p, reason, urgency, note, messageID, publicURL)
	}
}
