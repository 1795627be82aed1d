// Package smstest is a fake Twilio for tests and benchmarks: an httptest
// server speaking the part of the Messages API Linkbot uses, with failures
// that can be scripted, and helpers that sign webhook posts the way Twilio
// does. The real twilio-go client talks to it when sms.Config.APIURL (or
// TWILIO_API_URL) points at Server.URL.
package smstest

import (
	"context"
	"crypto/rand"
	"encoding/hex"
	"encoding/json"
	"fmt"
	"net/http"
	"net/http/httptest"
	"net/url"
	"strings"
	"sync"
	"time"
)

// Test credentials the fake accepts unless told otherwise.
const (
	AccountSID = "AC00000000000000000000000000000001"
	AuthToken  = "0123456789abcdef0123456789abcdef"
)

// Message is one message the fake accepted.
type Message struct {
	Sid                 string
	To                  string
	From                string
	MessagingServiceSid string
	Body                string
	StatusCallback      string
}

// Reply is a scripted answer to one Messages API request.
type Reply struct {
	Status     int    // HTTP status
	Code       int    // Twilio error code in the JSON body
	Message    string // error message in the JSON body
	RetryAfter string // Retry-After header, when not empty
	// Hang holds the request open until the client gives up (or the
	// server closes): a timeout without sleeping in the test.
	Hang bool
}

// Scripted failures, as Twilio sends them.
var (
	TooManyRequests = Reply{Status: 429, Code: 20429, Message: "Too Many Requests", RetryAfter: "2"}
	ServerError     = Reply{Status: 500, Code: 20500, Message: "Internal Server Error"}
	InvalidNumber   = Reply{Status: 400, Code: 21211, Message: "The 'To' number is not a valid phone number."}
	NotMobile       = Reply{Status: 400, Code: 21614, Message: "'To' number is not a valid mobile number"}
	OptedOut        = Reply{Status: 400, Code: 21610, Message: "Attempt to send to unsubscribed recipient"}
	Timeout         = Reply{Hang: true}
)

// Server is the fake Twilio. Its methods are safe for concurrent use.
type Server struct {
	*httptest.Server
	AccountSID, AuthToken string

	mu       sync.Mutex
	messages []Message
	script   []Reply
	decide   func(Message) *Reply
	requests int
	failures int
}

// NewServer starts a fake Twilio accepting the test credentials. Close it
// when done.
func NewServer() *Server {
	s := &Server{AccountSID: AccountSID, AuthToken: AuthToken}
	mux := http.NewServeMux()
	mux.HandleFunc("POST /2010-04-01/Accounts/{account}/Messages.json", s.createMessage)
	s.Server = httptest.NewServer(mux)
	return s
}

// FailNext makes the next n Messages API requests answer r.
func (s *Server) FailNext(n int, r Reply) {
	s.mu.Lock()
	defer s.mu.Unlock()
	for range n {
		s.script = append(s.script, r)
	}
}

// Decide sets a function that chooses the answer to each request once the
// FailNext script is used up; returning nil accepts the message.
func (s *Server) Decide(f func(Message) *Reply) {
	s.mu.Lock()
	defer s.mu.Unlock()
	s.decide = f
}

// Messages returns the messages accepted so far, oldest first.
func (s *Server) Messages() []Message {
	s.mu.Lock()
	defer s.mu.Unlock()
	return append([]Message(nil), s.messages...)
}

// Requests returns how many Messages API requests arrived, and how many
// of them were answered with a scripted failure.
func (s *Server) Requests() (total, failed int) {
	s.mu.Lock()
	defer s.mu.Unlock()
	return s.requests, s.failures
}

func (s *Server) createMessage(w http.ResponseWriter, r *http.Request) {
	user, pass, ok := r.BasicAuth()
	if !ok || user != s.AccountSID || pass != s.AuthToken || r.PathValue("account") != s.AccountSID {
		writeError(w, Reply{Status: 401, Code: 20003, Message: "Authenticate"})
		return
	}
	if err := r.ParseForm(); err != nil {
		writeError(w, Reply{Status: 400, Code: 21100, Message: "malformed form"})
		return
	}
	m := Message{
		To:                  r.PostForm.Get("To"),
		From:                r.PostForm.Get("From"),
		MessagingServiceSid: r.PostForm.Get("MessagingServiceSid"),
		Body:                r.PostForm.Get("Body"),
		StatusCallback:      r.PostForm.Get("StatusCallback"),
	}
	if m.To == "" || (m.From == "" && m.MessagingServiceSid == "") || m.Body == "" {
		writeError(w, Reply{Status: 400, Code: 21604, Message: "To, From or MessagingServiceSid, and Body are required"})
		return
	}

	reply := s.next(m)
	if reply != nil {
		if reply.Hang {
			<-r.Context().Done()
			return
		}
		writeError(w, *reply)
		return
	}

	m.Sid = NewSid("SM")
	s.mu.Lock()
	s.messages = append(s.messages, m)
	s.mu.Unlock()

	w.Header().Set("Content-Type", "application/json")
	w.WriteHeader(http.StatusCreated)
	json.NewEncoder(w).Encode(map[string]any{
		"sid":                   m.Sid,
		"account_sid":           s.AccountSID,
		"to":                    m.To,
		"from":                  m.From,
		"messaging_service_sid": m.MessagingServiceSid,
		"body":                  m.Body,
		"status":                "queued",
		"direction":             "outbound-api",
		"num_segments":          "1",
		"api_version":           "2010-04-01",
		"date_created":          time.Now().UTC().Format(time.RFC1123Z),
	})
}

// next counts the request and picks its scripted reply, nil to accept.
func (s *Server) next(m Message) *Reply {
	s.mu.Lock()
	s.requests++
	var reply *Reply
	if len(s.script) > 0 {
		r := s.script[0]
		s.script = s.script[1:]
		reply = &r
	}
	decide := s.decide
	if reply != nil {
		s.failures++
	}
	s.mu.Unlock()
	if reply == nil && decide != nil {
		if reply = decide(m); reply != nil {
			s.mu.Lock()
			s.failures++
			s.mu.Unlock()
		}
	}
	return reply
}

func writeError(w http.ResponseWriter, r Reply) {
	if r.RetryAfter != "" {
		w.Header().Set("Retry-After", r.RetryAfter)
	}
	w.Header().Set("Content-Type", "application/json")
	w.WriteHeader(r.Status)
	json.NewEncoder(w).Encode(map[string]any{
		"code":      r.Code,
		"message":   r.Message,
		"more_info": fmt.Sprintf("https://www.twilio.com/docs/errors/%d", r.Code),
		"status":    r.Status,
	})
}

// NewSid returns a random Twilio-style SID with the given two-letter
// prefix (SM for messages).
func NewSid(prefix string) string {
	b := make([]byte, 16)
	rand.Read(b)
	return prefix + hex.EncodeToString(b)
}

// InboundParams returns the parameters Twilio posts for an incoming SMS,
// with a fresh MessageSid.
func InboundParams(from, to, body string) url.Values {
	sid := NewSid("SM")
	return url.Values{
		"ToCountry":     {"GB"},
		"SmsMessageSid": {sid},
		"NumMedia":      {"0"},
		"SmsSid":        {sid},
		"SmsStatus":     {"received"},
		"Body":          {body},
		"To":            {to},
		"NumSegments":   {"1"},
		"MessageSid":    {sid},
		"AccountSid":    {AccountSID},
		"From":          {from},
		"ApiVersion":    {"2010-04-01"},
		"FromCountry":   {"GB"},
	}
}

// StatusParams returns the parameters Twilio posts to a status callback.
// errorCode is "" when there is none.
func StatusParams(sid, status, to, errorCode string) url.Values {
	v := url.Values{
		"MessageSid":    {sid},
		"SmsSid":        {sid},
		"MessageStatus": {status},
		"SmsStatus":     {status},
		"To":            {to},
		"AccountSid":    {AccountSID},
		"ApiVersion":    {"2010-04-01"},
	}
	if errorCode != "" {
		v.Set("ErrorCode", errorCode)
	}
	return v
}

// SignedRequest builds a webhook POST of params to signURL, signed with
// authToken the way Twilio signs it. Serve it to a handler directly, or
// change its URL to send it elsewhere while keeping the signature for
// signURL (as when Twilio calls a public URL in front of a proxy).
func SignedRequest(ctx context.Context, authToken, signURL string, params url.Values) (*http.Request, error) {
	req, err := http.NewRequestWithContext(ctx, http.MethodPost, signURL, strings.NewReader(params.Encode()))
	if err != nil {
		return nil, fmt.Errorf("signed request: %w", err)
	}
	req.Header.Set("Content-Type", "application/x-www-form-urlencoded")
	req.Header.Set("X-Twilio-Signature", Sign(authToken, signURL, params))
	req.Header.Set("User-Agent", "TwilioProxy/1.1")
	return req, nil
}

// PostWebhook posts params to url over HTTP, signed with the server's auth
// token for that same url.
func (s *Server) PostWebhook(ctx context.Context, url string, params url.Values) (*http.Response, error) {
	req, err := SignedRequest(ctx, s.AuthToken, url, params)
	if err != nil {
		return nil, err
	}
	return s.Client().Do(req)
}
