package dispatch

import (
	"context"
	"sync"

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
