package dispatch

import (
	"context"
	"sync"
	"time"

	"golang.org/x/time/rate"

	"github.com/linkbot/linkbot/store"
)

// Defaults for the rate limits, from the providers' published limits.
const (
	DefaultSMSPerSecond          = 10 // per Twilio number (long code)
	DefaultTelegramPerSecond     = 30 // per bot, all chats together
	DefaultTelegramChatPerSecond = 1  // per chat
)

// Limits are the dispatcher's rate limits: one bucket for all SMS (one
// sending number or messaging service), one for Telegram as a whole and
// one per Telegram chat. A nil *Limits limits nothing.
type Limits struct {
	sms      *rate.Limiter
	telegram *rate.Limiter
	perChat  rate.Limit

	mu    sync.Mutex
	chats map[string]*rate.Limiter
}

// NewLimits returns limits of smsPerSecond SMS, telegramPerSecond Telegram
// messages in all and chatPerSecond to any one Telegram chat. A value of 0
// or less leaves that limit off.
func NewLimits(smsPerSecond, telegramPerSecond, chatPerSecond float64) *Limits {
	l := &Limits{sms: limiter(smsPerSecond), telegram: limiter(telegramPerSecond), perChat: rate.Inf, chats: map[string]*rate.Limiter{}}
	if chatPerSecond > 0 {
		l.perChat = rate.Limit(chatPerSecond)
	}
	return l
}

func limiter(perSecond float64) *rate.Limiter {
	if perSecond <= 0 {
		return rate.NewLimiter(rate.Inf, 1)
	}
	return rate.NewLimiter(rate.Limit(perSecond), 1)
}

// wait blocks until a message on channel to address may go.
func (l *Limits) wait(ctx context.Context, channel store.Channel, address string) error {
	if l == nil {
		return nil
	}
	switch channel {
	case store.ChannelSMS:
		return l.sms.Wait(ctx)
	case store.ChannelTelegram:
		if err := l.chat(address).Wait(ctx); err != nil {
			return err
		}
		return l.telegram.Wait(ctx)
	}
	return nil
}

func (l *Limits) chat(address string) *rate.Limiter {
	l.mu.Lock()
	defer l.mu.Unlock()
	lim, ok := l.chats[address]
	if !ok {
		if len(l.chats) > 10000 {
			clear(l.chats) // forget idle chats now and then
		}
		lim = rate.NewLimiter(l.perChat, 1)
		l.chats[address] = lim
	}
	return lim
}

// wait blocks until a message on channel to address may go. On PostgreSQL
// the limits are shared by every dispatcher on the database: each send
// reserves its slot in the send_rates table, so two processes limited to
// 100 SMS a second send 100 a second between them, not 200. If the
// database cannot be asked, this process's own limiter holds.
func (d *Dispatcher) wait(ctx context.Context, channel store.Channel, address string) error {
	l := d.cfg.Limits
	if l == nil {
		return nil
	}
	if !d.shared {
		return l.wait(ctx, channel, address)
	}
	type bucket struct {
		key   string
		limit rate.Limit
	}
	var buckets []bucket
	switch channel {
	case store.ChannelSMS:
		buckets = []bucket{{"sms", l.sms.Limit()}}
	case store.ChannelTelegram:
		buckets = []bucket{{"telegram:" + address, l.perChat}, {"telegram", l.telegram.Limit()}}
	}
	now := d.cfg.Now()
	at := now
	for _, b := range buckets {
		if b.limit == rate.Inf || b.limit <= 0 {
			continue
		}
		interval := time.Duration(float64(time.Second) / float64(b.limit))
		var slot time.Time
		err := d.db.InTx(ctx, func(tx *store.Tx) error {
			var err error
			slot, err = tx.ReserveSendSlot(ctx, b.key, now, interval)
			return err
		})
		if err != nil {
			d.log.WarnContext(ctx, "dispatch: shared rate limit unavailable; limiting this process only", "err", err)
			return l.wait(ctx, channel, address)
		}
		if slot.After(at) {
			at = slot
		}
	}
	return d.cfg.WaitUntil(ctx, at)
}

// slowest is the lowest of the SMS and Telegram rates per second, 0 when
// neither is limited.
func (l *Limits) slowest() float64 {
	if l == nil {
		return 0
	}
	slow := 0.0
	for _, lim := range []*rate.Limiter{l.sms, l.telegram} {
		if r := lim.Limit(); r != rate.Inf && (slow == 0 || float64(r) < slow) {
			slow = float64(r)
		}
	}
	return slow
}
