// Package sms is Linkbot's Twilio SMS channel, built on
// github.com/twilio/twilio-go. It receives signed webhooks (inbound
// messages and delivery status callbacks) and hands them on as plain
// bot.Inbound and bot.Status values, and sends bot.Outbound messages through
// the Messages API, classifying failures for the dispatcher. It knows
// nothing of the database: callers pass small interfaces.
package sms

import (
	"errors"
	"fmt"
	"regexp"
	"strings"
	"time"

	"github.com/linkbot/linkbot/bot"
)

// Paths of the two Twilio webhooks, relative to the public URL.
const (
	InboundPath = "/webhooks/twilio/sms"
	StatusPath  = "/webhooks/twilio/status"
)

// DefaultTimeout bounds one request to the Twilio API.
const DefaultTimeout = 10 * time.Second

// Config holds the Twilio settings. Build it with ConfigFromEnv, or by hand
// in tests.
type Config struct {
	AccountSID string // AC followed by 32 hex digits
	AuthToken  string // signs webhooks and authenticates API calls
	// From is the default sender, an E.164 number. Either From or
	// MessagingServiceSID must be set; when both are, the messaging
	// service is used and From only for messages that name their own.
	From                string
	MessagingServiceSID string // MG followed by 32 hex digits
	// PublicURL is the base URL Twilio calls us at (no trailing slash).
	// Webhook signatures are checked against PublicURL + path + query, and
	// status callbacks are requested at PublicURL + StatusPath.
	PublicURL string
	// APIURL, when set, replaces https://api.twilio.com (a fake in tests
	// and benchmarks).
	APIURL  string
	Timeout time.Duration // per API request; DefaultTimeout when zero
	// Now gives the time events are stamped with; time.Now when nil.
	Now func() time.Time
}

// The environment variables ConfigFromEnv reads.
const (
	EnvAccountSID          = "TWILIO_ACCOUNT_SID"
	EnvAuthToken           = "TWILIO_AUTH_TOKEN"
	EnvFrom                = "TWILIO_FROM"
	EnvMessagingServiceSID = "TWILIO_MESSAGING_SERVICE_SID"
	EnvAPIURL              = "TWILIO_API_URL"
	EnvPublicURL           = "LINKBOT_PUBLIC_URL"
)

var (
	accountSIDPattern = regexp.MustCompile(`^AC[0-9a-fA-F]{32}$`)
	serviceSIDPattern = regexp.MustCompile(`^MG[0-9a-fA-F]{32}$`)
	e164Pattern       = regexp.MustCompile(`^\+[1-9][0-9]{6,14}$`)
	tokenPattern      = regexp.MustCompile(`^[0-9a-zA-Z]+$`)
)

// ConfigFromEnv reads the Twilio settings through getenv (os.Getenv in
// production). When no TWILIO_* variable is set, SMS is off: enabled is
// false and err nil. Otherwise every missing or malformed setting is
// reported at once, in words an operator can act on; secrets are never
// echoed.
func ConfigFromEnv(getenv func(string) string) (cfg Config, enabled bool, err error) {
	get := func(k string) string { return strings.TrimSpace(getenv(k)) }
	cfg = Config{
		AccountSID:          get(EnvAccountSID),
		AuthToken:           get(EnvAuthToken),
		From:                get(EnvFrom),
		MessagingServiceSID: get(EnvMessagingServiceSID),
		APIURL:              strings.TrimRight(get(EnvAPIURL), "/"),
		PublicURL:           strings.TrimRight(get(EnvPublicURL), "/"),
	}
	if cfg.AccountSID == "" && cfg.AuthToken == "" && cfg.From == "" &&
		cfg.MessagingServiceSID == "" && cfg.APIURL == "" {
		return Config{}, false, nil
	}
	if err := cfg.Validate(); err != nil {
		return Config{}, true, err
	}
	return cfg, true, nil
}

// Validate reports every missing or malformed setting, joined.
func (c Config) Validate() error {
	var errs []error
	bad := func(format string, args ...any) { errs = append(errs, fmt.Errorf(format, args...)) }

	switch {
	case c.AccountSID == "":
		bad("%s is not set (find it on the Twilio console; it starts with AC)", EnvAccountSID)
	case !accountSIDPattern.MatchString(c.AccountSID):
		bad("%s must be AC followed by 32 hex digits (34 characters), got %d characters starting %q",
			EnvAccountSID, len(c.AccountSID), prefix(c.AccountSID, 2))
	}
	switch {
	case c.AuthToken == "":
		bad("%s is not set", EnvAuthToken)
	case !tokenPattern.MatchString(c.AuthToken):
		bad("%s must be letters and digits only (check for quotes or spaces)", EnvAuthToken)
	}
	if c.From == "" && c.MessagingServiceSID == "" {
		bad("set %s (an E.164 number such as +447700900123) or %s", EnvFrom, EnvMessagingServiceSID)
	}
	if c.From != "" && !e164Pattern.MatchString(c.From) {
		bad("%s must be an E.164 number: +, country code and number, no spaces (e.g. +447700900123)", EnvFrom)
	}
	if c.MessagingServiceSID != "" && !serviceSIDPattern.MatchString(c.MessagingServiceSID) {
		bad("%s must be MG followed by 32 hex digits (34 characters)", EnvMessagingServiceSID)
	}
	if c.PublicURL == "" {
		bad("%s is not set: Twilio's webhook signatures are checked against it", EnvPublicURL)
	} else if err := bot.CheckBaseURL(c.PublicURL); err != nil {
		bad("%s %v", EnvPublicURL, err)
	}
	if c.APIURL != "" {
		if err := bot.CheckBaseURL(c.APIURL); err != nil {
			bad("%s %v", EnvAPIURL, err)
		}
	}
	if len(errs) > 0 {
		return fmt.Errorf("twilio settings: %w", errors.Join(errs...))
	}
	return nil
}

func prefix(s string, n int) string {
	if len(s) < n {
		return s
	}
	return s[:n]
}

func (c Config) now() time.Time {
	if c.Now != nil {
		return c.Now()
	}
	return time.Now()
}

func (c Config) timeout() time.Duration {
	if c.Timeout > 0 {
		return c.Timeout
	}
	return DefaultTimeout
}

func (c Config) publicURL() string { return strings.TrimRight(c.PublicURL, "/") }
