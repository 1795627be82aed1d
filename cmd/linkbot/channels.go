package main

import (
	"context"
	"fmt"
	"log/slog"
	"net/http"
	"strconv"
	"sync"

	"github.com/prometheus/client_golang/prometheus"

	"github.com/linkbot/linkbot/bot"
	"github.com/linkbot/linkbot/bot/dispatch"
	"github.com/linkbot/linkbot/bot/simulated"
	"github.com/linkbot/linkbot/bot/sms"
	"github.com/linkbot/linkbot/bot/telegram"
	"github.com/linkbot/linkbot/nudges"
	"github.com/linkbot/linkbot/store"
)

// envSMSPerSecond sets the SMS rate limit per Twilio number (default 10).
const envSMSPerSecond = "LINKBOT_SMS_PER_SECOND"

// channels is the messaging side of the server: the inbound pipeline, the
// webhooks of the channels that are configured, and the dispatcher.
type channels struct {
	routes []func(*http.ServeMux)
	// telegramLink makes the t.me link of a one-time code; nil when
	// Telegram is off.
	telegramLink func(code string) string
	cancel       context.CancelFunc
	wg           sync.WaitGroup
}

// register mounts the channels' webhooks (and the demo phones) on mux.
func (c *channels) register(mux *http.ServeMux) {
	for _, r := range c.routes {
		r(mux)
	}
}

// stop stops the dispatcher and pollers and waits for them: a message
// being sent is finished and recorded first.
func (c *channels) stop() {
	c.cancel()
	c.wg.Wait()
}

// startChannels wires the pipeline to Twilio and Telegram as their
// settings (read through getenv) allow, and starts the dispatcher and, for
// Telegram without a public URL, long polling; both stop with ctx. With
// demo set, every message goes through the simulated channel instead and
// the demo phones are served at /demo/phones.
func startChannels(ctx context.Context, logger *slog.Logger, db *store.DB, reg prometheus.Registerer, planner *nudges.Planner, publicURL string, getenv func(string) string, demo bool) (*channels, error) {
	env := func(k string) string {
		if k == sms.EnvPublicURL && publicURL != "" {
			return publicURL
		}
		return getenv(k)
	}
	ctx, cancel := context.WithCancel(ctx)
	c := &channels{cancel: cancel}
	engine, err := newEngine(db, logger, planner, publicURL)
	if err != nil {
		cancel()
		return nil, err
	}
	senders := map[store.Channel]bot.Sender{}
	var limits *dispatch.Limits
	if demo {
		sim := simulated.Sender{}
		senders[store.ChannelSMS], senders[store.ChannelTelegram], senders[store.ChannelSimulated] = sim, sim, sim
		phones := simulated.NewPhones(db, engine, "/demo/phones")
		c.routes = append(c.routes, phones.Register)
	} else {
		smsRate := float64(dispatch.DefaultSMSPerSecond)
		if v := getenv(envSMSPerSecond); v != "" {
			r, err := strconv.ParseFloat(v, 64)
			if err != nil || r <= 0 {
				cancel()
				return nil, fmt.Errorf("%s must be a number of messages a second above 0, got %q", envSMSPerSecond, v)
			}
			smsRate = r
		}
		limits = dispatch.NewLimits(smsRate, dispatch.DefaultTelegramPerSecond, dispatch.DefaultTelegramChatPerSecond)
		if err := c.twilio(logger, engine, senders, env); err != nil {
			cancel()
			return nil, err
		}
		if err := c.telegram(ctx, logger, engine, senders, env); err != nil {
			c.stop()
			return nil, err
		}
	}
	d := dispatch.New(db, dispatch.Config{Senders: senders, Limits: limits, PublicURL: publicURL, Logger: logger,
		Metrics: dispatch.NewMetrics(reg)})
	c.wg.Add(1)
	go func() {
		defer c.wg.Done()
		d.Run(ctx)
	}()
	return c, nil
}

// newEngine is the inbound pipeline over db, carrying dialogue runs on
// through planner, the run-advancer the nudge loop shares.
func newEngine(db *store.DB, logger *slog.Logger, planner *nudges.Planner, publicURL string) (*bot.Engine, error) {
	return bot.NewEngine(db, bot.Options{PublicURL: publicURL, Logger: logger, Runs: planner})
}

func (c *channels) twilio(logger *slog.Logger, engine *bot.Engine, senders map[store.Channel]bot.Sender, env func(string) string) error {
	cfg, enabled, err := sms.ConfigFromEnv(env)
	if err != nil {
		return err
	}
	if !enabled {
		logger.Info("SMS is off: no TWILIO_* settings; set TWILIO_ACCOUNT_SID, TWILIO_AUTH_TOKEN and TWILIO_FROM to turn it on")
		return nil
	}
	senders[store.ChannelSMS] = sms.NewSender(cfg)
	c.routes = append(c.routes, func(mux *http.ServeMux) {
		mux.Handle("POST "+sms.InboundPath, sms.InboundHandler(cfg, engine))
		mux.Handle("POST "+sms.StatusPath, sms.StatusHandler(cfg, engine))
	})
	logger.Info("SMS is on", "inbound", sms.InboundPath, "status", sms.StatusPath)
	return nil
}

func (c *channels) telegram(ctx context.Context, logger *slog.Logger, engine *bot.Engine, senders map[store.Channel]bot.Sender, env func(string) string) error {
	cfg, enabled, err := telegram.ConfigFromEnv(env)
	if err != nil {
		return err
	}
	if !enabled {
		logger.Info("Telegram is off: no TELEGRAM_* settings")
		return nil
	}
	b, err := telegram.New(ctx, cfg, engine)
	if err != nil {
		return err
	}
	senders[store.ChannelTelegram] = b
	c.telegramLink = b.StartLink
	if cfg.Polling() {
		logger.Info("Telegram is on, polling for updates (no LINKBOT_PUBLIC_URL)", "bot", b.Username())
		c.wg.Add(1)
		go func() {
			defer c.wg.Done()
			if err := b.Poll(ctx); err != nil {
				logger.Error("telegram polling stopped", "err", err)
			}
		}()
		return nil
	}
	if err := b.SetWebhook(ctx); err != nil {
		return err
	}
	c.routes = append(c.routes, func(mux *http.ServeMux) {
		mux.Handle("POST "+telegram.WebhookPath, b.WebhookHandler())
	})
	logger.Info("Telegram is on", "bot", b.Username(), "webhook", telegram.WebhookPath)
	return nil
}
