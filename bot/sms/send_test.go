package sms_test

import (
	"context"
	"errors"
	"net/http"
	"net/http/httptest"
	"sync"
	"testing"
	"time"

	"github.com/linkbot/linkbot/bot"
	"github.com/linkbot/linkbot/bot/sms"
	"github.com/linkbot/linkbot/bot/sms/smstest"
)

// fakeTwilio starts the fake and a config whose real client talks to it.
func fakeTwilio(t *testing.T) (*smstest.Server, sms.Config) {
	t.Helper()
	fake := smstest.NewServer()
	t.Cleanup(fake.Close)
	return fake, sms.Config{
		AccountSID: fake.AccountSID,
		AuthToken:  fake.AuthToken,
		From:       "+447700900001",
		PublicURL:  "https://linkbot.example.org",
		APIURL:     fake.URL,
		Timeout:    2 * time.Second,
	}
}

func TestSendGoesThroughTheMessagesAPIWithAStatusCallback(t *testing.T) {
	fake, cfg := fakeTwilio(t)

	sid, err := sms.NewSender(cfg).Send(context.Background(), bot.Outbound{
		To: "+447700900123", Text: "Your group meets Tuesday 2pm. Reply YES to go.",
		Buttons: []bot.Button{{Text: "Yes", Data: "yes"}},
	})
	if err != nil {
		t.Fatal(err)
	}

	sent := fake.Messages()
	if len(sent) != 1 {
		t.Fatalf("fake received %d messages, want 1", len(sent))
	}
	want := smstest.Message{Sid: sid, To: "+447700900123", From: "+447700900001",
		Body:           "Your group meets Tuesday 2pm. Reply YES to go.",
		StatusCallback: "https://linkbot.example.org/webhooks/twilio/status"}
	if sent[0] != want {
		t.Fatalf("fake received\n %+v\nwant\n %+v", sent[0], want)
	}
}

func TestSendChoosesTheSender(t *testing.T) {
	const service = "MG0123456789abcdef0123456789abcdef"
	tests := []struct {
		name        string
		from        string
		service     string
		outFrom     string
		wantFrom    string
		wantService string
	}{
		{name: "the configured number", from: "+447700900001", wantFrom: "+447700900001"},
		{name: "the messaging service", service: service, wantService: service},
		{name: "a message's own sender wins", from: "+447700900001", service: service, outFrom: "Clinic", wantFrom: "Clinic"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			fake, cfg := fakeTwilio(t)
			cfg.From, cfg.MessagingServiceSID = tt.from, tt.service

			_, err := sms.NewSender(cfg).Send(context.Background(),
				bot.Outbound{To: "+447700900123", Text: "hello", From: tt.outFrom})
			if err != nil {
				t.Fatal(err)
			}

			got := fake.Messages()[0]
			if got.From != tt.wantFrom || got.MessagingServiceSid != tt.wantService {
				t.Fatalf("sent from %q via %q, want %q via %q", got.From, got.MessagingServiceSid, tt.wantFrom, tt.wantService)
			}
		})
	}
}

func TestSendFailuresAreClassified(t *testing.T) {
	tests := []struct {
		name           string
		reply          smstest.Reply
		timeout        time.Duration
		wantFailure    bot.Failure
		wantCode       string
		wantRetryAfter time.Duration
	}{
		{name: "429 is retried after the time Twilio asks", reply: smstest.TooManyRequests,
			wantFailure: bot.FailTemporary, wantCode: "20429", wantRetryAfter: 2 * time.Second},
		{name: "500 is retried", reply: smstest.ServerError, wantFailure: bot.FailTemporary, wantCode: "20500"},
		{name: "a timeout is retried", reply: smstest.Timeout, timeout: 50 * time.Millisecond,
			wantFailure: bot.FailTemporary},
		{name: "21211 invalid number is permanent", reply: smstest.InvalidNumber,
			wantFailure: bot.FailInvalidAddress, wantCode: "21211"},
		{name: "21614 not a mobile is permanent", reply: smstest.NotMobile,
			wantFailure: bot.FailInvalidAddress, wantCode: "21614"},
		{name: "21610 opted out is permanent", reply: smstest.OptedOut,
			wantFailure: bot.FailOptedOut, wantCode: "21610"},
		{name: "another 400 is not retried", reply: smstest.Reply{Status: 400, Code: 21606, Message: "not a valid sender"},
			wantFailure: bot.FailRejected, wantCode: "21606"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			fake, cfg := fakeTwilio(t)
			if tt.timeout > 0 {
				cfg.Timeout = tt.timeout
			}
			fake.FailNext(1, tt.reply)

			_, err := sms.NewSender(cfg).Send(context.Background(), bot.Outbound{To: "+447700900123", Text: "hello"})

			var se *bot.SendError
			if !errors.As(err, &se) {
				t.Fatalf("error %v is not a *bot.SendError", err)
			}
			if se.Failure != tt.wantFailure || se.Code != tt.wantCode || se.RetryAfter != tt.wantRetryAfter {
				t.Fatalf("got failure %q code %q retry after %v, want %q %q %v",
					se.Failure, se.Code, se.RetryAfter, tt.wantFailure, tt.wantCode, tt.wantRetryAfter)
			}
			retry, _ := bot.Retryable(err)
			if retry != (tt.wantFailure == bot.FailTemporary) {
				t.Fatalf("bot.Retryable = %v for %q", retry, tt.wantFailure)
			}
			if n := len(fake.Messages()); n != 0 {
				t.Fatalf("fake accepted %d messages, want none", n)
			}
		})
	}
}

func TestWrongCredentialsAreNotRetried(t *testing.T) {
	_, cfg := fakeTwilio(t)
	cfg.AuthToken = "ffffffffffffffffffffffffffffffff"

	_, err := sms.NewSender(cfg).Send(context.Background(), bot.Outbound{To: "+447700900123", Text: "hello"})

	if retry, _ := bot.Retryable(err); retry || err == nil {
		t.Fatalf("Send with a wrong token: %v, retryable %v; want a permanent error", err, retry)
	}
}

// A gateway in front of Twilio may answer with HTML, which twilio-go cannot
// decode; the HTTP status still decides.
func TestGatewayErrorWithoutJSONIsRetried(t *testing.T) {
	gateway := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		w.Header().Set("Content-Type", "text/html")
		w.WriteHeader(http.StatusBadGateway)
		w.Write([]byte("<html>502 Bad Gateway</html>"))
	}))
	defer gateway.Close()
	_, cfg := fakeTwilio(t)
	cfg.APIURL = gateway.URL

	_, err := sms.NewSender(cfg).Send(context.Background(), bot.Outbound{To: "+447700900123", Text: "hello"})

	var se *bot.SendError
	if !errors.As(err, &se) || !se.Retryable() || se.Code != "502" {
		t.Fatalf("got %v, want a retryable error with code 502", err)
	}
}

// The dispatcher sees a storm of 429 and 500 answers as retryable, and the
// messages go once Twilio recovers.
func TestStormOf429And500IsRetryable(t *testing.T) {
	fake, cfg := fakeTwilio(t)
	const n = 40
	for range n / 2 {
		fake.FailNext(1, smstest.TooManyRequests)
		fake.FailNext(1, smstest.ServerError)
	}
	sender := sms.NewSender(cfg)

	var wg sync.WaitGroup
	errs := make(chan error, n)
	for range n {
		wg.Go(func() {
			_, err := sender.Send(context.Background(), bot.Outbound{To: "+447700900123", Text: "hello"})
			errs <- err
		})
	}
	wg.Wait()
	close(errs)
	for err := range errs {
		if retry, _ := bot.Retryable(err); !retry {
			t.Fatalf("during the storm: %v is not retryable", err)
		}
	}
	if _, err := sender.Send(context.Background(), bot.Outbound{To: "+447700900123", Text: "hello"}); err != nil {
		t.Fatalf("after the storm: %v", err)
	}
	total, failed := fake.Requests()
	if total != n+1 || failed != n || len(fake.Messages()) != 1 {
		t.Fatalf("fake saw %d requests, %d failed, %d accepted; want %d, %d, 1", total, failed, len(fake.Messages()), n+1, n)
	}
}

func TestSendStopsWhenTheCallerGivesUp(t *testing.T) {
	fake, cfg := fakeTwilio(t)
	fake.FailNext(1, smstest.Timeout)
	ctx, cancel := context.WithCancel(context.Background())
	done := make(chan error)
	go func() {
		_, err := sms.NewSender(cfg).Send(ctx, bot.Outbound{To: "+447700900123", Text: "hello"})
		done <- err
	}()
	cancel()
	err := <-done
	if retry, _ := bot.Retryable(err); !retry || !errors.Is(err, context.Canceled) {
		t.Fatalf("got %v, want a retryable error wrapping context.Canceled", err)
	}
}

// A fake deciding per message: one bad number fails for good, the rest go.
func TestFakeDecidesPerMessage(t *testing.T) {
	fake, cfg := fakeTwilio(t)
	fake.Decide(func(m smstest.Message) *smstest.Reply {
		if m.To == "+447700900999" {
			return &smstest.InvalidNumber
		}
		return nil
	})
	sender := sms.NewSender(cfg)

	_, errBad := sender.Send(context.Background(), bot.Outbound{To: "+447700900999", Text: "hello"})
	_, errGood := sender.Send(context.Background(), bot.Outbound{To: "+447700900123", Text: "hello"})

	if retry, _ := bot.Retryable(errBad); errBad == nil || retry {
		t.Errorf("send to the bad number: %v, retryable %v; want a permanent error", errBad, retry)
	}
	if errGood != nil {
		t.Errorf("send to a good number: %v", errGood)
	}
	if total, failed := fake.Requests(); total != 2 || failed != 1 {
		t.Errorf("fake saw %d requests, %d failed; want 2, 1", total, failed)
	}
}
