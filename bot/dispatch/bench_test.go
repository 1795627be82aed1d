package dispatch_test

import (
	"context"
	"testing"
	"time"

	"github.com/linkbot/linkbot/bot"
	"github.com/linkbot/linkbot/bot/dispatch"
	"github.com/linkbot/linkbot/bot/sms"
	"github.com/linkbot/linkbot/bot/sms/smstest"
	"github.com/linkbot/linkbot/store"
	"github.com/linkbot/linkbot/store/storetest"
)

var benchBatch, benchWorkers = 0, 0 // the defaults

// drain runs d until the outbox is empty.
func drain(b *testing.B, d *dispatch.Dispatcher) {
	for {
		n, err := d.RunOnce(context.Background())
		if err != nil {
			b.Fatal(err)
		}
		if n == 0 {
			return
		}
	}
}

// BenchmarkDispatch measures how fast one dispatcher hands messages to the
// fake Twilio through the real twilio-go client, with no rate limit, on
// PostgreSQL (LINKBOT_TEST_DATABASE_URL): claim, checks, send, record.
func BenchmarkDispatch(b *testing.B) {
	db := storetest.Postgres(b)
	queue(b, db, b.N)
	fake := smstest.NewServer()
	defer fake.Close()
	d := dispatch.New(db, dispatch.Config{
		Senders: map[store.Channel]bot.Sender{store.ChannelSMS: sms.NewSender(smsConfig(fake))},
		Logger:  quiet, Batch: benchBatch, Workers: benchWorkers,
	})
	b.ResetTimer()
	start := time.Now()
	drain(b, d)
	b.ReportMetric(float64(b.N)/time.Since(start).Seconds(), "msg/s")
	if got := len(fake.Messages()); got != b.N {
		b.Fatalf("sent %d, want %d", got, b.N)
	}
}

// BenchmarkDispatchAt10PerSecond measures the rate a dispatcher limited to
// 10 SMS a second really sends at. Run it with -benchtime=200x (20 s).
func BenchmarkDispatchAt10PerSecond(b *testing.B) {
	db := storetest.Postgres(b)
	queue(b, db, b.N)
	fake := smstest.NewServer()
	defer fake.Close()
	d := dispatch.New(db, dispatch.Config{
		Senders: map[store.Channel]bot.Sender{store.ChannelSMS: sms.NewSender(smsConfig(fake))},
		Limits:  dispatch.NewLimits(10, 0, 0),
		Logger:  quiet,
	})
	b.ResetTimer()
	start := time.Now()
	drain(b, d)
	// The first message goes at once; the rate is over the gaps after it.
	b.ReportMetric(float64(b.N-1)/time.Since(start).Seconds(), "msg/s")
}
