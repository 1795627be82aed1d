package sms_test

import (
	"context"
	"net/http"
	"net/http/httptest"
	"strings"
	"testing"

	"github.com/linkbot/linkbot/bot"
	"github.com/linkbot/linkbot/bot/sms"
	"github.com/linkbot/linkbot/bot/sms/smstest"
)

// BenchmarkSend sends through the real twilio-go client to the fake on
// loopback: the channel's own cost per message, not Twilio's.
func BenchmarkSend(b *testing.B) {
	fake := smstest.NewServer()
	defer fake.Close()
	sender := sms.NewSender(sms.Config{AccountSID: fake.AccountSID, AuthToken: fake.AuthToken,
		From: "+447700900001", PublicURL: "https://linkbot.example.org", APIURL: fake.URL})
	out := bot.Outbound{To: "+447700900123", Text: "Your group meets Tuesday 2pm. Reply YES to go."}
	b.ReportAllocs()
	for b.Loop() {
		if _, err := sender.Send(context.Background(), out); err != nil {
			b.Fatal(err)
		}
	}
}

// BenchmarkInboundWebhook serves signed inbound SMS to the handler, without
// the network: signature check, parsing and normalising.
func BenchmarkInboundWebhook(b *testing.B) {
	cfg := sms.Config{AccountSID: smstest.AccountSID, AuthToken: smstest.AuthToken,
		From: "+447700900001", PublicURL: "https://linkbot.example.org"}
	handler := sms.InboundHandler(cfg, discard{})
	params := smstest.InboundParams("+447700900123", "+447700900001", "Yes please, see you Tuesday")
	body := params.Encode()
	signature := smstest.Sign(smstest.AuthToken, cfg.PublicURL+sms.InboundPath, params)
	b.ReportAllocs()
	for b.Loop() {
		req := httptest.NewRequest(http.MethodPost, sms.InboundPath, strings.NewReader(body))
		req.Header.Set("Content-Type", "application/x-www-form-urlencoded")
		req.Header.Set("X-Twilio-Signature", signature)
		w := httptest.NewRecorder()
		handler.ServeHTTP(w, req)
		if w.Code != http.StatusOK {
			b.Fatalf("status %d", w.Code)
		}
	}
}

// discard is a pipeline that takes every inbound event and drops it, so a
// benchmark measures the channel alone.
type discard struct{}

func (discard) HandleInbound(context.Context, bot.Inbound) error { return nil }
