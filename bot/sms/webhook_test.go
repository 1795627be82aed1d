package sms_test

import (
	"context"
	"errors"
	"io"
	"log/slog"
	"net/http"
	"net/http/httptest"
	"net/url"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/linkbot/linkbot/bot"
	"github.com/linkbot/linkbot/bot/sms"
	"github.com/linkbot/linkbot/bot/sms/smstest"
)

var fixedNow = time.Date(2026, 11, 23, 10, 30, 0, 0, time.UTC)

// recorder is the pipeline's side of the webhooks: it keeps what it was
// handed, and fails when told to.
type recorder struct {
	mu       sync.Mutex
	inbound  []bot.Inbound
	statuses []bot.Status
	fail     error
}

func (r *recorder) HandleInbound(_ context.Context, in bot.Inbound) error {
	r.mu.Lock()
	defer r.mu.Unlock()
	if r.fail != nil {
		return r.fail
	}
	r.inbound = append(r.inbound, in)
	return nil
}

func (r *recorder) HandleStatus(_ context.Context, st bot.Status) error {
	r.mu.Lock()
	defer r.mu.Unlock()
	if r.fail != nil {
		return r.fail
	}
	r.statuses = append(r.statuses, st)
	return nil
}

// webhookServer serves both Twilio webhooks on loopback with PublicURL set
// to its own address, as in production behind no proxy.
func webhookServer(t *testing.T, rec *recorder) (sms.Config, *httptest.Server) {
	t.Helper()
	cfg := sms.Config{
		AccountSID: smstest.AccountSID,
		AuthToken:  smstest.AuthToken,
		From:       "+447700900001",
		Now:        func() time.Time { return fixedNow },
	}
	mux := http.NewServeMux()
	srv := httptest.NewServer(mux)
	t.Cleanup(srv.Close)
	cfg.PublicURL = srv.URL
	mux.Handle("POST "+sms.InboundPath, sms.InboundHandler(cfg, rec))
	mux.Handle("POST "+sms.StatusPath, sms.StatusHandler(cfg, rec))
	return cfg, srv
}

func post(t *testing.T, req *http.Request) (int, string, http.Header) {
	t.Helper()
	resp, err := http.DefaultClient.Do(req)
	if err != nil {
		t.Fatal(err)
	}
	defer resp.Body.Close()
	body, _ := io.ReadAll(resp.Body)
	return resp.StatusCode, string(body), resp.Header
}

func TestInboundWebhook(t *testing.T) {
	const emptyTwiML = `<?xml version="1.0" encoding="UTF-8"?><Response></Response>`
	params := smstest.InboundParams("+447700900123", "+447700900001", "I can't go on 💔 — sorry")
	mms := smstest.InboundParams("+447700900123", "+447700900001", "look")
	mms.Set("NumMedia", "1")
	mms.Set("MediaUrl0", "https://api.twilio.com/2010-04-01/Accounts/AC1/Messages/MM1/Media/ME1")
	mms.Set("MediaContentType0", "image/jpeg")

	signed := func(token, path string, p url.Values) func(base string) *http.Request {
		return func(base string) *http.Request {
			req, err := smstest.SignedRequest(context.Background(), token, base+path, p)
			if err != nil {
				t.Fatal(err)
			}
			return req
		}
	}
	tests := []struct {
		name       string
		request    func(base string) *http.Request
		handlerErr error
		wantStatus int
		wantBody   string
		want       *bot.Inbound
	}{
		{
			name:       "signed inbound SMS is handed on exactly as sent",
			request:    signed(smstest.AuthToken, sms.InboundPath, params),
			wantStatus: 200,
			wantBody:   emptyTwiML,
			want: &bot.Inbound{Kind: bot.KindMessage, Channel: bot.SMS, ProviderID: params.Get("MessageSid"),
				From: "+447700900123", To: "+447700900001", Text: "I can't go on 💔 — sorry", ReceivedAt: fixedNow},
		},
		{
			name:       "the query string is part of what is signed",
			request:    signed(smstest.AuthToken, sms.InboundPath+"?scheme=north", params),
			wantStatus: 200,
			wantBody:   emptyTwiML,
			want: &bot.Inbound{Kind: bot.KindMessage, Channel: bot.SMS, ProviderID: params.Get("MessageSid"),
				From: "+447700900123", To: "+447700900001", Text: "I can't go on 💔 — sorry", ReceivedAt: fixedNow},
		},
		{
			name:       "the query is checked as sent, without re-encoding",
			request:    signed(smstest.AuthToken, sms.InboundPath+"?scheme=O%27Brien+%26+Co&x=%7e", params),
			wantStatus: 200,
			wantBody:   emptyTwiML,
			want: &bot.Inbound{Kind: bot.KindMessage, Channel: bot.SMS, ProviderID: params.Get("MessageSid"),
				From: "+447700900123", To: "+447700900001", Text: "I can't go on 💔 — sorry", ReceivedAt: fixedNow},
		},
		{
			name:       "picture messages keep their media",
			request:    signed(smstest.AuthToken, sms.InboundPath, mms),
			wantStatus: 200,
			wantBody:   emptyTwiML,
			want: &bot.Inbound{Kind: bot.KindMessage, Channel: bot.SMS, ProviderID: mms.Get("MessageSid"),
				From: "+447700900123", To: "+447700900001", Text: "look", ReceivedAt: fixedNow,
				Attachments: []bot.Attachment{{Type: "image/jpeg", Ref: mms.Get("MediaUrl0")}}},
		},
		{
			name:       "signed with another auth token is refused",
			request:    signed("ffffffffffffffffffffffffffffffff", sms.InboundPath, params),
			wantStatus: 403,
		},
		{
			name: "no signature is refused",
			request: func(base string) *http.Request {
				req := signed(smstest.AuthToken, sms.InboundPath, params)(base)
				req.Header.Del("X-Twilio-Signature")
				return req
			},
			wantStatus: 403,
		},
		{
			name: "a changed body no longer matches its signature",
			request: func(base string) *http.Request {
				req := signed(smstest.AuthToken, sms.InboundPath, params)(base)
				changed := url.Values{}
				for k, v := range params {
					changed[k] = v
				}
				changed.Set("From", "+447700900999")
				req.Body = io.NopCloser(strings.NewReader(changed.Encode()))
				req.ContentLength = int64(len(changed.Encode()))
				return req
			},
			wantStatus: 403,
		},
		{
			name: "a signature for another path is refused",
			request: func(base string) *http.Request {
				req := signed(smstest.AuthToken, sms.StatusPath, params)(base)
				req.URL, _ = url.Parse(base + sms.InboundPath)
				return req
			},
			wantStatus: 403,
		},
		{
			name: "a body over 64 KiB is refused before anything else",
			request: signed(smstest.AuthToken, sms.InboundPath,
				smstest.InboundParams("+447700900123", "+447700900001", strings.Repeat("x", 64<<10))),
			wantStatus: 413,
		},
		{
			name: "a 10 KB MessageSid is refused with a reason",
			request: signed(smstest.AuthToken, sms.InboundPath, func() url.Values {
				p := smstest.InboundParams("+447700900123", "+447700900001", "hello")
				p.Set("MessageSid", "SM"+strings.Repeat("a", 10<<10))
				return p
			}()),
			wantStatus: 400,
			wantBody:   "the provider's message id is longer than 64 bytes\n",
		},
		{
			name: "a 60 KB body is refused with a reason",
			request: signed(smstest.AuthToken, sms.InboundPath,
				smstest.InboundParams("+447700900123", "+447700900001", strings.Repeat("x", 60<<10))),
			wantStatus: 400,
			wantBody:   "the message text is longer than 5000 characters\n",
		},
		{
			name:       "when the pipeline fails Twilio is told to retry",
			request:    signed(smstest.AuthToken, sms.InboundPath, params),
			handlerErr: errors.New("database is down"),
			wantStatus: 500,
		},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			rec := &recorder{fail: tt.handlerErr}
			_, srv := webhookServer(t, rec)

			status, body, header := post(t, tt.request(srv.URL))

			if status != tt.wantStatus {
				t.Fatalf("status = %d, want %d (body %q)", status, tt.wantStatus, body)
			}
			if tt.wantBody != "" {
				if body != tt.wantBody {
					t.Errorf("body = %q, want %q", body, tt.wantBody)
				}
				if ct := header.Get("Content-Type"); status == 200 && !strings.HasPrefix(ct, "text/xml") {
					t.Errorf("Content-Type = %q, want text/xml", ct)
				}
			}
			if tt.want == nil {
				if len(rec.inbound) != 0 {
					t.Fatalf("handed on %d messages, want none", len(rec.inbound))
				}
				return
			}
			if len(rec.inbound) != 1 {
				t.Fatalf("handed on %d messages, want 1", len(rec.inbound))
			}
			assertInbound(t, rec.inbound[0], *tt.want)
		})
	}
}

func assertInbound(t *testing.T, got, want bot.Inbound) {
	t.Helper()
	if got.Kind != want.Kind || got.Channel != want.Channel || got.ProviderID != want.ProviderID ||
		got.From != want.From || got.To != want.To || got.Text != want.Text ||
		got.LinkCode != want.LinkCode || got.Choice != want.Choice || !got.ReceivedAt.Equal(want.ReceivedAt) ||
		len(got.Attachments) != len(want.Attachments) {
		t.Fatalf("handed on\n %+v\nwant\n %+v", got, want)
	}
	for i := range want.Attachments {
		if got.Attachments[i] != want.Attachments[i] {
			t.Fatalf("attachment %d = %+v, want %+v", i, got.Attachments[i], want.Attachments[i])
		}
	}
}

// Twilio signs the public URL it was given; the request reaches us through
// a proxy at another address.
func TestInboundSignedForThePublicURLBehindAProxy(t *testing.T) {
	rec := &recorder{}
	cfg := sms.Config{AccountSID: smstest.AccountSID, AuthToken: smstest.AuthToken,
		From: "+447700900001", PublicURL: "https://linkbot.example.org", Now: func() time.Time { return fixedNow }}
	handler := sms.InboundHandler(cfg, rec)
	params := smstest.InboundParams("+447700900123", "+447700900001", "yes")

	for _, tc := range []struct {
		signedFor  string
		wantStatus int
	}{
		{"https://linkbot.example.org/webhooks/twilio/sms", 200},
		{"https://linkbot.example.org:443/webhooks/twilio/sms", 200},
		{"http://127.0.0.1:8080/webhooks/twilio/sms", 403},
	} {
		req, err := smstest.SignedRequest(context.Background(), smstest.AuthToken, tc.signedFor, params)
		if err != nil {
			t.Fatal(err)
		}
		req.URL, _ = url.Parse("http://127.0.0.1:8080/webhooks/twilio/sms")
		w := httptest.NewRecorder()
		handler.ServeHTTP(w, req)
		if w.Code != tc.wantStatus {
			t.Errorf("signed for %s: status %d, want %d", tc.signedFor, w.Code, tc.wantStatus)
		}
	}
	if len(rec.inbound) != 2 {
		t.Errorf("handed on %d messages, want 2", len(rec.inbound))
	}
}

func TestStatusWebhook(t *testing.T) {
	const sid = "SM0123456789abcdef0123456789abcdef"
	tests := []struct {
		name       string
		params     url.Values
		token      string
		handlerErr error
		wantStatus int
		want       *bot.Status
	}{
		{
			name:       "delivered",
			params:     smstest.StatusParams(sid, "delivered", "+447700900123", ""),
			wantStatus: 200,
			want:       &bot.Status{Channel: bot.SMS, ProviderID: sid, State: bot.StateDelivered, To: "+447700900123", At: fixedNow},
		},
		{
			name:       "sent",
			params:     smstest.StatusParams(sid, "sent", "+447700900123", ""),
			wantStatus: 200,
			want:       &bot.Status{Channel: bot.SMS, ProviderID: sid, State: bot.StateSent, To: "+447700900123", At: fixedNow},
		},
		{
			name:       "undelivered with the carrier's error",
			params:     smstest.StatusParams(sid, "undelivered", "+447700900123", "30003"),
			wantStatus: 200,
			want: &bot.Status{Channel: bot.SMS, ProviderID: sid, State: bot.StateUndelivered, ErrorCode: "30003",
				To: "+447700900123", At: fixedNow},
		},
		{
			name:       "21610: the person opted out at the carrier",
			params:     smstest.StatusParams(sid, "failed", "+447700900123", "21610"),
			wantStatus: 200,
			want: &bot.Status{Channel: bot.SMS, ProviderID: sid, State: bot.StateFailed, ErrorCode: "21610",
				OptedOut: true, To: "+447700900123", At: fixedNow},
		},
		{
			name:       "statuses Linkbot does not track are acknowledged, not handed on",
			params:     smstest.StatusParams(sid, "sending", "+447700900123", ""),
			wantStatus: 200,
		},
		{
			name:       "a wrong signature is refused",
			params:     smstest.StatusParams(sid, "failed", "+447700900123", "21610"),
			token:      "ffffffffffffffffffffffffffffffff",
			wantStatus: 403,
		},
		{
			name:       "when the pipeline fails Twilio is told to retry",
			params:     smstest.StatusParams(sid, "delivered", "+447700900123", ""),
			handlerErr: errors.New("database is down"),
			wantStatus: 500,
		},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			rec := &recorder{fail: tt.handlerErr}
			_, srv := webhookServer(t, rec)
			token := tt.token
			if token == "" {
				token = smstest.AuthToken
			}
			req, err := smstest.SignedRequest(context.Background(), token, srv.URL+sms.StatusPath, tt.params)
			if err != nil {
				t.Fatal(err)
			}

			status, body, _ := post(t, req)

			if status != tt.wantStatus {
				t.Fatalf("status = %d, want %d (body %q)", status, tt.wantStatus, body)
			}
			if tt.want == nil {
				if len(rec.statuses) != 0 {
					t.Fatalf("handed on %+v, want nothing", rec.statuses)
				}
				return
			}
			if len(rec.statuses) != 1 {
				t.Fatalf("handed on %d statuses, want 1", len(rec.statuses))
			}
			got := rec.statuses[0]
			if got != *tt.want {
				t.Fatalf("handed on\n %+v\nwant\n %+v", got, *tt.want)
			}
		})
	}
}

// The fake's signature, written from Twilio's description, and twilio-go's
// validator must agree, or the webhook tests prove nothing.
func TestFakeSignatureAgreesWithTwilioValidator(t *testing.T) {
	rec := &recorder{}
	_, srv := webhookServer(t, rec)
	fake := smstest.NewServer()
	defer fake.Close()

	resp, err := fake.PostWebhook(context.Background(), srv.URL+sms.InboundPath,
		smstest.InboundParams("+447700900123", "+447700900001", "a&b=c+d é"))
	if err != nil {
		t.Fatal(err)
	}
	resp.Body.Close()
	if resp.StatusCode != 200 || len(rec.inbound) != 1 || rec.inbound[0].Text != "a&b=c+d é" {
		t.Fatalf("status %d, handed on %+v", resp.StatusCode, rec.inbound)
	}
}

// Logs never carry phone numbers or message text, whatever goes wrong.
func TestLogsCarryNoNumbersOrText(t *testing.T) {
	var logs strings.Builder
	defer slog.SetDefault(slog.Default())
	slog.SetDefault(slog.New(slog.NewTextHandler(&logs, &slog.HandlerOptions{Level: slog.LevelDebug})))

	rec := &recorder{fail: errors.New("database is down")}
	_, srv := webhookServer(t, rec)
	params := smstest.InboundParams("+447700900123", "+447700900001", "private words")
	for _, token := range []string{smstest.AuthToken, "ffffffffffffffffffffffffffffffff"} {
		req, err := smstest.SignedRequest(context.Background(), token, srv.URL+sms.InboundPath, params)
		if err != nil {
			t.Fatal(err)
		}
		post(t, req)
	}
	fake, cfg := fakeTwilio(t)
	fake.FailNext(1, smstest.Reply{Status: 400, Code: 21211,
		Message: "The 'To' number +447700900123 is not a valid phone number."})
	_, sendErr := sms.NewSender(cfg).Send(context.Background(), bot.Outbound{To: "+447700900123", Text: "private words"})
	slog.Error("dispatcher would log", "err", sendErr)

	if logs.Len() == 0 {
		t.Fatal("nothing was logged; the test proves nothing")
	}
	for _, secret := range []string{"7700900123", "7700900001", "private words"} {
		if strings.Contains(logs.String(), secret) {
			t.Errorf("logs carry %q:\n%s", secret, logs.String())
		}
	}
}

// With no auth token anyone could compute a signature; nothing is accepted.
func TestWithoutAnAuthTokenNothingIsAccepted(t *testing.T) {
	rec := &recorder{}
	cfg := sms.Config{PublicURL: "https://linkbot.example.org"}
	params := smstest.InboundParams("+447700900123", "+447700900001", "hello")
	req, err := smstest.SignedRequest(context.Background(), "", cfg.PublicURL+sms.InboundPath, params)
	if err != nil {
		t.Fatal(err)
	}
	w := httptest.NewRecorder()

	sms.InboundHandler(cfg, rec).ServeHTTP(w, req)

	if w.Code != http.StatusForbidden || len(rec.inbound) != 0 {
		t.Fatalf("status %d, handed on %d; want 403 and nothing", w.Code, len(rec.inbound))
	}
}
