// Package bot is Linkbot's conversation engine. This file holds the plain
// values the channel packages (bot/sms, bot/telegram) exchange with the
// engine: one normalised inbound message, one delivery update, one outbound
// message, a classified send error, and the two small interfaces a channel
// calls. Channels depend on these values only, never on the store.
package bot

import (
	"context"
	"errors"
	"fmt"
	"net/url"
	"strings"
	"time"
	"unicode/utf8"
)

// Channel names the way a person is reached.
type Channel string

// The channels Linkbot speaks.
const (
	SMS       Channel = "sms"
	Telegram  Channel = "telegram"
	Simulated Channel = "simulated" // the demo and tests; nothing leaves the process
)

// InboundKind says what an inbound event is. Most are plain messages; the
// others come from Telegram only.
type InboundKind string

// The kinds of inbound event.
const (
	// KindMessage is something the person wrote (or sent: a photo, a voice
	// note). Every one must reach the link worker.
	KindMessage InboundKind = "message"
	// KindLink is Telegram "/start <code>": the chat asks to be bound to
	// the person or link worker the one-time LinkCode was issued for.
	KindLink InboundKind = "link"
	// KindChoice is a pressed inline button; Choice holds its data.
	KindChoice InboundKind = "choice"
	// KindBlocked says the person blocked the bot: sends to this chat will
	// fail until they unblock it.
	KindBlocked InboundKind = "blocked"
	// KindUnblocked says the person restarted the bot after blocking it.
	KindUnblocked InboundKind = "unblocked"
)

// Inbound is one event from a person, normalised by its channel.
type Inbound struct {
	Kind    InboundKind
	Channel Channel
	// ProviderID identifies the event uniquely within its channel and stays
	// the same when the provider redelivers it, so the pipeline can dedupe
	// on (Channel, ProviderID). SMS: the MessageSid. Telegram: built from
	// the chat and message ids, or the callback query id.
	ProviderID string
	// From is the person's address: an E.164 phone number for SMS, the
	// Telegram chat id in decimal for Telegram.
	From string
	// To is our address the event came to: the Twilio number, or the
	// Telegram bot id in decimal.
	To string
	// Text is what the person wrote (a caption for media). It may be empty
	// for media, links, choices and blocks.
	Text string
	// Attachments lists media that came with a message.
	Attachments []Attachment
	// LinkCode is the one-time code of a KindLink event.
	LinkCode string
	// Choice is the callback data of the button pressed in a KindChoice
	// event, as given in Button.Data when the question was sent.
	Choice string
	// ReceivedAt is when the channel received the event.
	ReceivedAt time.Time
}

// Attachment is one piece of media that came with a message. Ref is only
// meaningful to the channel that produced it (a Twilio media URL, which needs
// the account's credentials; a Telegram file id).
type Attachment struct {
	Type string // a MIME type for SMS; "photo", "voice", "document"… for Telegram
	Ref  string
}

// State is the delivery state of an outbound message.
type State string

// Delivery states, in the order a message usually passes them.
const (
	StateQueued      State = "queued"
	StateSent        State = "sent"
	StateDelivered   State = "delivered"
	StateUndelivered State = "undelivered" // the carrier could not deliver it
	StateFailed      State = "failed"      // the provider did not send it
)

// Final reports whether no later update is expected.
func (s State) Final() bool {
	return s == StateDelivered || s == StateUndelivered || s == StateFailed
}

// Status is a delivery update for a message sent earlier.
type Status struct {
	Channel    Channel
	ProviderID string // as returned by the channel's Send
	State      State
	ErrorCode  string // the provider's error code, "" when none
	// OptedOut is set when the provider says the recipient has opted out at
	// the carrier (Twilio 21610): stop all nudges and tell the link worker.
	OptedOut bool
	To       string // the recipient's address, when the provider gives it
	At       time.Time
}

// Outbound is one message the dispatcher hands a channel to send.
type Outbound struct {
	To   string // E.164 phone number, or Telegram chat id in decimal
	Text string
	// Buttons are offered as an inline keyboard on Telegram, one button a
	// row. SMS ignores them: the text itself must say how to answer.
	Buttons []Button
	// From overrides the channel's default sender (another Twilio number or
	// alphanumeric sender id). Empty means the default.
	From string
	// ValidFor is how long the provider may hold the message before it
	// must give up on it (Twilio's ValidityPeriod), so a message queued
	// there cannot arrive hours late. Zero leaves the provider's default.
	ValidFor time.Duration
}

// Button is one answer offered with an outbound message.
type Button struct {
	Text string // what the person sees
	Data string // what comes back as Inbound.Choice; at most 64 bytes on Telegram
}

// Failure says why a send failed and so whether trying again can help.
type Failure string

// Kinds of send failure. Only FailTemporary is worth retrying.
const (
	// FailTemporary: rate limited, provider error, timeout, network.
	FailTemporary Failure = "temporary"
	// FailOptedOut: the recipient opted out at the carrier (Twilio 21610).
	FailOptedOut Failure = "opted_out"
	// FailInvalidAddress: not a number, not a mobile, or no such chat.
	FailInvalidAddress Failure = "invalid_address"
	// FailBlocked: the person blocked the bot or deleted their account.
	FailBlocked Failure = "blocked"
	// FailRejected: the provider refused the message for another reason
	// (bad request, bad credentials); retrying the same request won't help.
	FailRejected Failure = "rejected"
)

// SendError is a failed send, classified for the dispatcher.
type SendError struct {
	Channel Channel
	Failure Failure
	// Code is the provider's error code or the HTTP status, "" when the
	// request never got an answer.
	Code string
	// RetryAfter is how long the provider asked us to wait, 0 if it did not.
	RetryAfter time.Duration
	Err        error // the underlying error
}

// Error names the channel, the failure and the code. Channels keep phone
// numbers and message text out of Err, so the error can be logged.
func (e *SendError) Error() string {
	code := ""
	if e.Code != "" {
		code = " " + e.Code
	}
	return fmt.Sprintf("%s send failed (%s%s): %v", e.Channel, e.Failure, code, e.Err)
}

// Unwrap returns the underlying error.
func (e *SendError) Unwrap() error { return e.Err }

// Retryable reports whether the same message may succeed if sent again.
func (e *SendError) Retryable() bool { return e.Failure == FailTemporary }

// Retryable reports whether err from a channel's Send is worth retrying, and
// how long the provider asked us to wait (0 when it did not say). Errors that
// are not a *SendError count as retryable: losing a message is worse than
// one more attempt, and the dispatcher bounds attempts.
func Retryable(err error) (retry bool, after time.Duration) {
	var se *SendError
	if errors.As(err, &se) {
		return se.Retryable(), se.RetryAfter
	}
	return err != nil, 0
}

// InboundHandler takes inbound events from a channel. A webhook answers the
// provider with success only after HandleInbound returned nil, so the
// handler must have committed the event by then; an error makes the
// provider deliver it again.
type InboundHandler interface {
	HandleInbound(ctx context.Context, in Inbound) error
}

// StatusHandler takes delivery updates from a channel, with the same
// contract as InboundHandler.
type StatusHandler interface {
	HandleStatus(ctx context.Context, st Status) error
}

// Sender is what the dispatcher needs of a channel: send one message and
// get the provider's id for it, or a *SendError. *sms.Sender and
// *telegram.Bot are Senders.
type Sender interface {
	Send(ctx context.Context, out Outbound) (providerID string, err error)
}

// CheckBaseURL accepts an absolute http or https URL without query or
// fragment, such as LINKBOT_PUBLIC_URL or a provider's API base URL. Its
// error completes a sentence that starts with the setting's name.
func CheckBaseURL(raw string) error {
	u, err := url.Parse(raw)
	switch {
	case err != nil:
		return fmt.Errorf("is not a URL: %v", err)
	case u.Scheme != "https" && u.Scheme != "http":
		return fmt.Errorf("must start with https:// (or http://), got %q", raw)
	case u.Host == "":
		return fmt.Errorf("has no host: %q", raw)
	case u.RawQuery != "" || u.Fragment != "":
		return fmt.Errorf("must not have a query or fragment: %q", raw)
	}
	return nil
}

// Limits on what a channel may hand the pipeline. Real providers stay far
// inside them (a Twilio MessageSid is 34 characters, an SMS body at most
// 1,600, a Telegram text at most 4,096); anything beyond is refused by the
// webhook with a reason, never stored cut short.
const (
	MaxProviderIDBytes = 64
	MaxAddressBytes    = 64
	MaxTextRunes       = 5000
)

// Check reports what is wrong with in, or nil: a provider id or address
// beyond its limit, or text beyond MaxTextRunes.
func (in Inbound) Check() error {
	switch {
	case len(in.ProviderID) > MaxProviderIDBytes:
		return fmt.Errorf("the provider's message id is longer than %d bytes", MaxProviderIDBytes)
	case len(in.From) > MaxAddressBytes || len(in.To) > MaxAddressBytes:
		return fmt.Errorf("an address is longer than %d bytes", MaxAddressBytes)
	case utf8.RuneCountInString(in.Text) > MaxTextRunes:
		return fmt.Errorf("the message text is longer than %d characters", MaxTextRunes)
	}
	return nil
}

// cleanText replaces invalid UTF-8 and NUL bytes, which no database column
// takes, with U+FFFD, so a message that carries them is still stored and
// triaged.
func cleanText(s string) string {
	s = strings.ToValidUTF8(s, "\uFFFD")
	return strings.ReplaceAll(s, "\x00", "\uFFFD")
}

// clean returns in with every text it carries made storable.
func (in Inbound) clean() Inbound {
	in.ProviderID, in.From, in.To = cleanText(in.ProviderID), cleanText(in.From), cleanText(in.To)
	in.Text, in.LinkCode, in.Choice = cleanText(in.Text), cleanText(in.LinkCode), cleanText(in.Choice)
	for i, a := range in.Attachments {
		in.Attachments[i] = Attachment{Type: cleanText(a.Type), Ref: cleanText(a.Ref)}
	}
	return in
}
