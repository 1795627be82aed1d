package telegram_test

import (
	"context"
	"testing"

	"github.com/linkbot/linkbot/bot"
	"github.com/linkbot/linkbot/bot/telegram"
	"github.com/linkbot/linkbot/bot/telegram/telegramtest"
)

// BenchmarkSend sends with two buttons through the real go-telegram/bot
// client to the fake on loopback.
func BenchmarkSend(b *testing.B) {
	fake := telegramtest.NewServer()
	defer fake.Close()
	tg, err := telegram.New(context.Background(), telegram.Config{Token: fake.Token, APIURL: fake.URL}, discard{})
	if err != nil {
		b.Fatal(err)
	}
	out := bot.Outbound{To: "4242", Text: "How are you today?",
		Buttons: []bot.Button{{Text: "Good", Data: "mood:good"}, {Text: "Not great", Data: "mood:low"}}}
	b.ReportAllocs()
	for b.Loop() {
		if _, err := tg.Send(context.Background(), out); err != nil {
			b.Fatal(err)
		}
	}
}

// discard is a pipeline that takes every inbound event and drops it, so a
// benchmark measures the channel alone.
type discard struct{}

func (discard) HandleInbound(context.Context, bot.Inbound) error { return nil }
