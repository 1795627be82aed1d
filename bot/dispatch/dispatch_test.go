package dispatch_test

import (
	"context"
	"fmt"
	"log/slog"
	"sync"
	"testing"

	"github.com/linkbot/linkbot/bot"
	"github.com/linkbot/linkbot/bot/dispatch"
	"github.com/linkbot/linkbot/bot/sms"
	"github.com/linkbot/linkbot/bot/sms/smstest"
	"github.com/linkbot/linkbot/store"
	"github.com/linkbot/linkbot/store/storetest"
)

var quiet = slog.New(slog.DiscardHandler)

// queue puts n messages, each to its own number, in the outbox of db.
func queue(t testing.TB, db *store.DB, n int) store.Person {
	t.Helper()
	p := storetest.Person(t, db)
	ctx := context.Background()
	const chunk = 1000
	for start := 0; start < n; start += chunk {
		err := db.InTx(ctx, func(tx *store.Tx) error {
			for i := start; i < min(start+chunk, n); i++ {
				m := store.Message{SchemeID: p.SchemeID, PersonID: &p.ID, Channel: store.ChannelSMS,
					Address: fmt.Sprintf("+4477%08d", i), Kind: store.MessageNudge, Body: fmt.Sprintf("message %d", i)}
				if err := tx.QueueMessage(ctx, &m); err != nil {
					return err
				}
			}
			return nil
		})
		if err != nil {
			t.Fatal(err)
		}
	}
	return p
}

func smsConfig(fake *smstest.Server) sms.Config {
	return sms.Config{AccountSID: smstest.AccountSID, AuthToken: smstest.AuthToken, From: "+447700900999",
		PublicURL: "https://linkbot.example", APIURL: fake.URL}
}

func TestTwoDispatchersOnOnePostgreSQLSendEachRowExactlyOnce(t *testing.T) {
	url := storetest.PostgresURL(t)
	first := storetest.Open(t, url)
	if err := first.Migrate(context.Background()); err != nil {
		t.Fatal(err)
	}
	second := storetest.Open(t, url)
	const n = 10000
	queue(t, first, n)
	fake := smstest.NewServer()
	defer fake.Close()

	var wg sync.WaitGroup
	claimed := make([]int, 2)
	for i, db := range []*store.DB{first, second} {
		d := dispatch.New(db, dispatch.Config{
			Senders: map[store.Channel]bot.Sender{store.ChannelSMS: sms.NewSender(smsConfig(fake))},
			Owner:   fmt.Sprintf("dispatcher-%d", i), Batch: 100, Logger: quiet,
		})
		wg.Add(1)
		go func() {
			defer wg.Done()
			for {
				got, err := d.RunOnce(context.Background())
				if err != nil {
					t.Error(err)
					return
				}
				if got == 0 {
					return
				}
				claimed[i] += got
			}
		}()
	}
	wg.Wait()

	seen := map[string]int{}
	for _, m := range fake.Messages() {
		seen[m.Body]++
	}
	if len(fake.Messages()) != n {
		t.Errorf("the fake Twilio got %d messages, want %d", len(fake.Messages()), n)
	}
	for i := range n {
		if c := seen[fmt.Sprintf("message %d", i)]; c != 1 {
			t.Fatalf("message %d reached Twilio %d times, want once", i, c)
		}
	}
	if claimed[0] == 0 || claimed[1] == 0 {
		t.Errorf("claims were %v: both dispatchers should have worked", claimed)
	}
}

// cancelOnSend cancels a context at the first message it is given.
type cancelOnSend struct {
	cancel context.CancelFunc
	sent   []string
}

func (c *cancelOnSend) Send(ctx context.Context, out bot.Outbound) (string, error) {
	c.cancel()
	c.sent = append(c.sent, out.Text)
	return fmt.Sprintf("id-%d", len(c.sent)), nil
}

func TestAStoppingDispatcherFinishesTheSendUnderWayAndPutsTheRestBack(t *testing.T) {
	storetest.Each(t, func(t *testing.T, db *store.DB) {
		p := storetest.Person(t, db)
		first := storetest.Outbound(t, db, p, func(m *store.Message) { m.Body = "first" })
		second := storetest.Outbound(t, db, p, func(m *store.Message) { m.Body = "second" })
		ctx, cancel := context.WithCancel(context.Background())
		sender := &cancelOnSend{cancel: cancel}
		d := dispatch.New(db, dispatch.Config{Senders: map[store.Channel]bot.Sender{store.ChannelSMS: sender}, Logger: quiet})
		if _, err := d.RunOnce(ctx); err != nil {
			t.Fatal(err)
		}
		if len(sender.sent) != 1 {
			t.Fatalf("sent %q, want only the first", sender.sent)
		}
		a, _ := db.GetMessage(context.Background(), first.ID)
		b, _ := db.GetMessage(context.Background(), second.ID)
		if a.Status != store.StatusSent || b.Status != store.StatusQueued {
			t.Fatalf("first is %s, second %s; want sent and queued", a.Status, b.Status)
		}
	})
}
