// Package telegram is Linkbot's Telegram channel, built on
// github.com/go-telegram/bot. It receives updates, by webhook when Linkbot
// has a public URL and by long polling otherwise (development), hands them
// on as plain bot.Inbound values (messages, "/start <code>" links, button
// choices, blocks), and sends bot.Outbound messages with optional inline
// buttons, classifying failures for the dispatcher. It knows nothing of the
// database: callers pass a bot.InboundHandler.
package telegram

import (
	"errors"
	"fmt"
	"regexp"
	"strings"
	"time"

	"github.com/linkbot/linkbot/bot"
)

// WebhookPath is where Telegram posts updates, relative to the public URL.
const WebhookPath = "/webhooks/telegram"

// Defaults for Config's durations.
const (
	DefaultTimeout     = 10 * time.Second
	DefaultPollTimeout = 50 * time.Second
)

// Config holds the Telegram settings.
type Config struct {
	Token string // from @BotFather: <bot id>:<secret>
	// WebhookSecret is sent by Telegram in X-Telegram-Bot-Api-Secret-Token
	// with every webhook call; calls without it are refused.
	WebhookSecret string
	// APIURL replaces https://api.telegram.org when set (a fake in tests).
	APIURL string
	// PublicURL is the base URL Telegram calls the webhook at. Empty means
	// long polling, for development.
	PublicURL   string
	Timeout     time.Duration // per API call; DefaultTimeout when zero
	PollTimeout time.Duration // long-poll wait; DefaultPollTimeout when zero
	// Now gives the time events are stamped with; time.Now when nil.
	Now func() time.Time
}

// The environment variables ConfigFromEnv reads.
const (
	EnvToken         = "TELEGRAM_BOT_TOKEN"
	EnvWebhookSecret = "TELEGRAM_WEBHOOK_SECRET"
	EnvAPIURL        = "TELEGRAM_API_URL"
	EnvPublicURL     = "LINKBOT_PUBLIC_URL"
)

var (
	tokenPattern  = regexp.MustCompile(`^[0-9]{1,20}:[A-Za-z0-9_-]{20,}$`)
	secretPattern = regexp.MustCompile(`^[A-Za-z0-9_-]{1,256}$`)
)

// ConfigFromEnv reads the Telegram settings through getenv (os.Getenv in
// production). With no TELEGRAM_* variable set, Telegram is off: enabled is
// false and err nil. Otherwise every missing or malformed setting is
// reported at once; secrets are never echoed.
func ConfigFromEnv(getenv func(string) string) (cfg Config, enabled bool, err error) {
	get := func(k string) string { return strings.TrimSpace(getenv(k)) }
	cfg = Config{
		Token:         get(EnvToken),
		WebhookSecret: get(EnvWebhookSecret),
		APIURL:        strings.TrimRight(get(EnvAPIURL), "/"),
		PublicURL:     strings.TrimRight(get(EnvPublicURL), "/"),
	}
	if cfg.Token == "" && cfg.WebhookSecret == "" && cfg.APIURL == "" {
		return Config{}, false, nil
	}
	if err := cfg.Validate(); err != nil {
		return Config{}, true, err
	}
	return cfg, true, nil
}

// Polling reports whether updates are fetched by long polling, because no
// public URL is set.
func (c Config) Polling() bool { return c.PublicURL == "" }

// Validate reports every missing or malformed setting, joined.
func (c Config) Validate() error {
	var errs []error
	bad := func(format string, args ...any) { errs = append(errs, fmt.Errorf(format, args...)) }
	switch {
	case c.Token == "":
		bad("%s is not set (ask @BotFather for the bot's token)", EnvToken)
	case !tokenPattern.MatchString(c.Token):
		bad("%s must look like 123456789:AA… (digits, a colon, then the secret part)", EnvToken)
	}
	if c.APIURL != "" {
		if err := bot.CheckBaseURL(c.APIURL); err != nil {
			bad("%s %v", EnvAPIURL, err)
		}
	}
	if !c.Polling() {
		if err := bot.CheckBaseURL(c.PublicURL); err != nil {
			bad("%s %v", EnvPublicURL, err)
		} else if c.APIURL == "" && !strings.HasPrefix(c.PublicURL, "https://") {
			bad("%s must be https:// for Telegram webhooks", EnvPublicURL)
		}
		switch {
		case c.WebhookSecret == "":
			bad("%s is not set: webhook mode (%s is set) needs it to refuse forged updates", EnvWebhookSecret, EnvPublicURL)
		case !secretPattern.MatchString(c.WebhookSecret):
			bad("%s must be 1 to 256 characters of A-Z, a-z, 0-9, _ and -", EnvWebhookSecret)
		}
	}
	if len(errs) > 0 {
		return fmt.Errorf("telegram settings: %w", errors.Join(errs...))
	}
	return nil
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

func (c Config) pollTimeout() time.Duration {
	if c.PollTimeout > 0 {
		return c.PollTimeout
	}
	return DefaultPollTimeout
}
