// Package nudges decides what the bot sends first, and when: contact
// reminders, wellbeing check-ins, activity suggestions, follow-ups and the
// reply timers of waiting runs. It plans nudges as rows in the store (each
// with a unique key, so planning twice leaves one row) and runs the claim
// loop that turns due nudges into dialogue runs and outbox messages.
//
// Time is always given, never read: planners take the transaction's time
// (store.Tx.Now) and the Loop has a Clock, so tests can jump through weeks
// and over clock changes. Local times are the scheme's time zone; see
// NextWallClock for how a time that does not exist, or happens twice, on a
// clock-change day is treated.
//
// The package does not send anything itself (the dispatcher sends outbox
// rows) and does not handle replies (package bot does, with Apply).
package nudges
