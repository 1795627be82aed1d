package bot_test

import (
	"context"
	"fmt"
	"io"
	"net/http"
	"net/http/httptest"
	"slices"
	"sync"
	"sync/atomic"
	"testing"
	"time"

	"github.com/linkbot/linkbot/bot"
	"github.com/linkbot/linkbot/bot/sms"
	"github.com/linkbot/linkbot/bot/sms/smstest"
	"github.com/linkbot/linkbot/store"
	"github.com/linkbot/linkbot/store/storetest"
)

// webhookBench is the inbound SMS webhook over loopback, on PostgreSQL,
// with people to write from.
type webhookBench struct {
	url    string
	client *http.Client
	phones []string
	to     string
}

func newWebhookBench(b *testing.B, people int) *webhookBench {
	b.Helper()
	db := storetest.Postgres(b)
	scheme := storetest.Scheme(b, db)
	worker := storetest.LinkWorker(b, db, scheme.ID)
	w := &webhookBench{to: "+447700900999"}
	for i := range people {
		phone := fmt.Sprintf("+4477009%05d", i)
		storetest.Person(b, db, func(p *store.Person) {
			p.SchemeID, p.LinkWorkerID, p.Phone = scheme.ID, &worker.ID, &phone
		})
		w.phones = append(w.phones, phone)
	}
	mux := http.NewServeMux()
	srv := httptest.NewServer(mux)
	b.Cleanup(srv.Close)
	cfg := sms.Config{AccountSID: smstest.AccountSID, AuthToken: smstest.AuthToken, From: w.to, PublicURL: srv.URL}
	engine, err := bot.NewEngine(db, bot.Options{Logger: quiet, Runs: newPlanner("")})
	if err != nil {
		b.Fatal(err)
	}
	mux.Handle("POST "+sms.InboundPath, sms.InboundHandler(cfg, engine))
	w.url = srv.URL + sms.InboundPath
	w.client = &http.Client{Transport: &http.Transport{MaxIdleConnsPerHost: 256, MaxConnsPerHost: 256}}
	return w
}

// post sends one signed inbound SMS from the i-th person.
func (w *webhookBench) post(ctx context.Context, i int) error {
	params := smstest.InboundParams(w.phones[i%len(w.phones)], w.to, "Thanks, see you on Tuesday")
	req, err := smstest.SignedRequest(ctx, smstest.AuthToken, w.url, params)
	if err != nil {
		return err
	}
	resp, err := w.client.Do(req)
	if err != nil {
		return err
	}
	io.Copy(io.Discard, resp.Body) // so the connection is used again
	resp.Body.Close()
	if resp.StatusCode != http.StatusOK {
		return fmt.Errorf("status %d", resp.StatusCode)
	}
	return nil
}

// BenchmarkInboundWebhook measures the throughput of the inbound SMS
// webhook: signature check, the whole pipeline and the commit, on
// PostgreSQL (LINKBOT_TEST_DATABASE_URL), with 64 requests in flight, after
// a warm-up that opens the database connections and prepares the hot
// statements.
func BenchmarkInboundWebhook(b *testing.B) {
	w := newWebhookBench(b, 500)
	w.openLoop(b, 1000, 2000) // warm up: more than it can answer, so every database connection opens
	var next atomic.Int64
	b.SetParallelism(8) // × GOMAXPROCS goroutines
	b.ResetTimer()
	start := time.Now()
	b.RunParallel(func(pb *testing.PB) {
		for pb.Next() {
			if err := w.post(context.Background(), int(next.Add(1))); err != nil {
				b.Error(err)
				return
			}
		}
	})
	b.ReportMetric(float64(b.N)/time.Since(start).Seconds(), "req/s")
}

// BenchmarkInboundWebhookAt500PerSecond sends b.N inbound SMS at a steady
// 500 a second, whether or not earlier ones have been answered (an open
// loop, as Twilio sends), and reports the latency percentiles. A first
// second of the same load, not counted, opens the database connections and
// prepares the hot statements, as a server that has been running has long
// done. Run it with -benchtime=10000x for 20 seconds of load.
func BenchmarkInboundWebhookAt500PerSecond(b *testing.B) {
	w := newWebhookBench(b, 500)
	const rate = 500
	w.openLoop(b, rate, rate) // warm up
	b.ResetTimer()
	start := time.Now()
	latencies := w.openLoop(b, b.N, rate)
	b.StopTimer()
	slices.Sort(latencies)
	pct := func(p float64) float64 {
		return float64(latencies[min(len(latencies)-1, int(p*float64(len(latencies))))].Microseconds()) / 1000
	}
	b.ReportMetric(pct(0.50), "p50-ms")
	b.ReportMetric(pct(0.99), "p99-ms")
	b.ReportMetric(float64(b.N)/time.Since(start).Seconds(), "req/s")
}

// openLoop sends n inbound SMS at rate a second, each when it is due
// whether or not earlier ones have been answered, and returns how long
// each took to be answered.
func (w *webhookBench) openLoop(b *testing.B, n, rate int) []time.Duration {
	latencies := make([]time.Duration, n)
	var wg sync.WaitGroup
	start := time.Now()
	for i := range n {
		due := start.Add(time.Duration(i) * time.Second / time.Duration(rate))
		if wait := time.Until(due); wait > 0 {
			time.Sleep(wait)
		}
		wg.Add(1)
		go func() {
			defer wg.Done()
			t := time.Now()
			if err := w.post(context.Background(), i); err != nil {
				b.Error(err)
			}
			latencies[i] = time.Since(t)
		}()
	}
	wg.Wait()
	return latencies
}
