package sms

import (
	"bytes"
	"context"
	"errors"
	"fmt"
	"io"
	"net"
	"net/http"
	"net/url"
	"strconv"
	"strings"
	"time"

	"github.com/linkbot/linkbot/bot"
	twilio "github.com/twilio/twilio-go/client"
	openapi "github.com/twilio/twilio-go/rest/api/v2010"
)

// Twilio error codes the sender classifies.
const (
	CodeOptedOut      = 21610 // the recipient replied STOP at the carrier
	CodeInvalidTo     = 21211 // 'To' is not a valid phone number
	CodeNotMobile     = 21614 // 'To' is not a mobile number
	CodeNotValidPhone = 21217 // the number does not appear to be valid
	CodeTooMany       = 20429 // too many requests
)

// Sender sends SMS through the Twilio Messages API. It is safe for
// concurrent use.
type Sender struct {
	cfg       Config
	transport http.RoundTripper
	api       *url.URL // nil: the real Twilio
}

// NewSender returns a Sender for a validated cfg. When cfg.APIURL is set,
// every API request goes there instead of https://api.twilio.com.
func NewSender(cfg Config) *Sender {
	transport := http.DefaultTransport.(*http.Transport).Clone()
	// The dispatcher sends concurrently; keep connections to Twilio warm.
	transport.MaxIdleConnsPerHost = 32
	s := &Sender{cfg: cfg, transport: transport}
	if cfg.APIURL != "" {
		if u, err := url.Parse(cfg.APIURL); err == nil {
			u.Path = strings.TrimRight(u.Path, "/")
			s.api = u
		}
	}
	return s
}

// Send sends out as one SMS and returns Twilio's message SID. Delivery
// updates arrive later at the status webhook. Failures are *bot.SendError:
// 429, 5xx, timeouts and network errors are temporary; opted-out and invalid
// numbers are permanent.
func (s *Sender) Send(ctx context.Context, out bot.Outbound) (string, error) {
	ctx, cancel := context.WithTimeout(ctx, s.cfg.timeout())
	defer cancel()

	call := &apiCall{ctx: ctx, base: s.transport, api: s.api}
	c := &twilio.Client{
		Credentials: twilio.NewCredentials(s.cfg.AccountSID, s.cfg.AuthToken),
		HTTPClient: &http.Client{
			Transport: call,
			// Like twilio-go's own client: answer with the last response.
			CheckRedirect: func(*http.Request, []*http.Request) error { return http.ErrUseLastResponse },
		},
	}
	c.SetAccountSid(s.cfg.AccountSID)
	api := openapi.NewApiServiceWithClient(c)

	params := &openapi.CreateMessageParams{}
	params.SetTo(out.To)
	params.SetBody(out.Text)
	params.SetStatusCallback(s.cfg.publicURL() + StatusPath)
	if v := validityPeriod(out.ValidFor); v > 0 {
		params.SetValidityPeriod(v)
	}
	switch {
	case out.From != "":
		params.SetFrom(out.From)
	case s.cfg.MessagingServiceSID != "":
		params.SetMessagingServiceSid(s.cfg.MessagingServiceSID)
	default:
		params.SetFrom(s.cfg.From)
	}

	msg, err := api.CreateMessage(params)
	if err != nil {
		return "", classify(err, call)
	}
	if msg.Sid == nil || *msg.Sid == "" {
		return "", &bot.SendError{Channel: bot.SMS, Failure: bot.FailTemporary,
			Code: strconv.Itoa(call.status), Err: errors.New("twilio answered without a message sid")}
	}
	return *msg.Sid, nil
}

// Twilio's ValidityPeriod: whole seconds from 1 to 36000 (10 hours); see
// CreateMessageParams in github.com/twilio/twilio-go/rest/api/v2010.
const maxValidityPeriod = 36000

// validityPeriod is ValidityPeriod for a message that must arrive within
// d: 0 (Twilio's default, the maximum) when d is zero or longer than
// Twilio allows.
func validityPeriod(d time.Duration) int {
	s := int(d / time.Second)
	switch {
	case d <= 0 || s >= maxValidityPeriod:
		return 0
	case s < 1:
		return 1
	}
	return s
}

// classify turns a twilio-go error into a *bot.SendError. call holds what
// the transport saw, since twilio-go keeps the HTTP status only when the
// error body was Twilio's JSON.
func classify(err error, call *apiCall) error {
	se := &bot.SendError{Channel: bot.SMS, Failure: bot.FailTemporary, Err: err}
	status := call.status
	var rest *twilio.TwilioRestError
	if errors.As(err, &rest) {
		if rest.Status != 0 {
			status = rest.Status
		}
		se.Code = strconv.Itoa(rest.Code)
		// Twilio's messages can quote the recipient's number; keep only
		// the codes, so the error can be logged.
		se.Err = fmt.Errorf("twilio answered HTTP %d with error %d (%s)", status, rest.Code, rest.MoreInfo)
		switch rest.Code {
		case CodeOptedOut:
			se.Failure = bot.FailOptedOut
			return se
		case CodeInvalidTo, CodeNotMobile, CodeNotValidPhone:
			se.Failure = bot.FailInvalidAddress
			return se
		}
	} else if status != 0 {
		se.Code = strconv.Itoa(status)
	}
	switch {
	case status == http.StatusTooManyRequests || status >= 500:
		se.RetryAfter = call.retryAfter
	case status >= 400:
		se.Failure = bot.FailRejected
	case status == 0 && !transient(err):
		se.Failure = bot.FailRejected
	}
	return se
}

// transient reports whether an error without an HTTP answer is worth
// retrying: timeouts, cancellations and network failures are.
func transient(err error) bool {
	var netErr net.Error
	var urlErr *url.Error
	return errors.Is(err, context.DeadlineExceeded) || errors.Is(err, context.Canceled) ||
		errors.As(err, &netErr) || errors.As(err, &urlErr)
}

// apiCall is the transport of one Send. twilio-go builds its requests
// without a context and only for https://api.twilio.com; apiCall gives them
// the caller's context (so cancellation and the deadline apply), points them
// at the configured API URL, and remembers the HTTP status and Retry-After
// header for classify.
type apiCall struct {
	ctx  context.Context
	base http.RoundTripper
	api  *url.URL

	status     int
	retryAfter time.Duration
}

func (c *apiCall) RoundTrip(req *http.Request) (*http.Response, error) {
	req = req.Clone(c.ctx)
	if c.api != nil {
		req.URL.Scheme = c.api.Scheme
		req.URL.Host = c.api.Host
		req.URL.Path = c.api.Path + req.URL.Path
		req.URL.RawPath = ""
		req.Host = ""
	}
	resp, err := c.base.RoundTrip(req)
	if err != nil {
		return nil, err
	}
	c.status = resp.StatusCode
	c.retryAfter = parseRetryAfter(resp.Header.Get("Retry-After"))
	if resp.StatusCode >= 400 {
		// twilio-go does not close error bodies; read it here so the
		// connection goes back to the pool.
		body, _ := io.ReadAll(io.LimitReader(resp.Body, 64<<10))
		resp.Body.Close()
		resp.Body = io.NopCloser(bytes.NewReader(body))
	}
	return resp, nil
}

// parseRetryAfter reads a Retry-After header given in seconds; dates and
// nonsense give 0.
func parseRetryAfter(v string) time.Duration {
	n, err := strconv.Atoi(v)
	if err != nil || n < 0 {
		return 0
	}
	return time.Duration(n) * time.Second
}
