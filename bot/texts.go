package bot

import (
	"strings"
	"time"
)

// The fixed texts of the pipeline. Each has a discreet variant for people
// on a shared phone: it names no service and uses no wellbeing words.

// who is what the texts know about the person's scheme and link worker.
type who struct {
	scheme        string // the scheme's name
	worker        string // the link worker's full name, "" when none
	workerFirst   string
	workerContact string // a phone number to reach them, "" when none
	discreet      bool
}

func (w who) workerOr(fallback string) string {
	if w.workerFirst != "" {
		return w.workerFirst
	}
	return fallback
}

func stopText(w who) string {
	if w.discreet {
		return "OK, you won't get any more messages from this number. Reply START to get them again."
	}
	return "You won't get any more messages from " + w.scheme + ". " +
		capital(w.workerOr("your link worker")) + " can still see anything you send here. Reply START to get messages again."
}

func startText(w who) string {
	if w.discreet {
		return "OK, you'll get messages from this number again. Reply STOP to stop them."
	}
	return "Welcome back: you'll get messages from " + w.scheme + " again. Reply STOP to stop them."
}

func helpText(w who) string {
	reach := "reply here"
	if w.workerContact != "" {
		reach = "call or text " + w.workerContact + " or reply here"
	}
	if w.discreet {
		return "From " + w.workerOr("your contact") + ": " + reach + ". Text STOP to stop messages."
	}
	if w.worker == "" {
		return w.scheme + ": to reach us, " + reach + ". Text STOP to stop messages."
	}
	return w.scheme + ", for your link worker " + w.worker + ". To reach them, " + reach + ". Text STOP to stop messages."
}

// safetyNetText goes at once, at any hour, to a message that may show risk.
func safetyNetText(w who) string {
	if w.discreet {
		return "If you are in danger now, call 999. For urgent help you can call 111 and choose option 2, " +
			"call 116 123 free at any time, or text SHOUT to 85258. " + capital(w.workerOr("your contact")) + " will see your message."
	}
	return "Thank you for telling us. If you are in danger now, call 999. For urgent mental health help call NHS 111 and choose option 2. " +
		"Samaritans are free any time on 116 123, or text SHOUT to 85258. " +
		capital(w.workerOr("your link worker")) + " will see your message, but may not reply straight away."
}

// unknownSMSText is the one reply a day to a number no one has.
const unknownSMSText = "Sorry, this number doesn't recognise yours. If you have a link worker, please contact them directly. If you are in danger, call 999."

// unknownSafetyNetText answers a message that may show risk from an
// address no one has: no one will read it, so it says where help is now.
const unknownSafetyNetText = "If you are in danger now, call 999. For urgent mental health help call NHS 111 and choose option 2. " +
	"Samaritans are free any time on 116 123, or text SHOUT to 85258."

// unknownTelegramText is the one reply a day to a chat no one has linked.
const unknownTelegramText = "Hello. This chat isn't linked to anyone yet: please ask your link worker for a link."

func linkedText(w who) string {
	if w.discreet {
		return "You're connected. Messages from " + w.workerOr("your contact") + " will come here now. Reply STOP at any time to stop them."
	}
	return "You're connected to " + w.scheme + ". Messages from " + w.workerOr("your link worker") +
		" will come here now. Reply STOP at any time to stop them."
}

const linkedWorkerText = "Linkbot: this chat will now get your Linkbot alerts."

func capital(s string) string {
	if s == "" {
		return s
	}
	return strings.ToUpper(s[:1]) + s[1:]
}

// cancelledText answers CANCEL to a contact reminder: the contact at is
// cancelled, and STOP is how to stop every message. It names no service.
func cancelledText(w who, at time.Time) string {
	return "OK, that's cancelled: " + at.Format("Monday 2 January") + " at " + strings.ToLower(at.Format("3:04PM")) + ". " +
		capital(w.workerOr("your link worker")) + " will be in touch. To stop all messages, reply STOP."
}
