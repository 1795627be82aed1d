package telegram

import (
	"net/http"
	"time"
)

// httpCallKey marks a context carrying an *httpCall.
type httpCallKey struct{}

// httpCall records the HTTP status of one API call. go-telegram/bot keeps
// the status only in the error text when Telegram answers without its JSON
// (a 502 from a proxy), and classify needs it.
type httpCall struct{ status int }

// statusRecorder is the HTTP client given to go-telegram/bot: it records
// each response's status in the request context's *httpCall, if any.
type statusRecorder struct{ client *http.Client }

func (r statusRecorder) Do(req *http.Request) (*http.Response, error) {
	resp, err := r.client.Do(req)
	if call, ok := req.Context().Value(httpCallKey{}).(*httpCall); ok && resp != nil {
		call.status = resp.StatusCode
	}
	return resp, err
}

func secondsToDuration(s int) time.Duration {
	if s <= 0 {
		return 0
	}
	return time.Duration(s) * time.Second
}

// newTransport is a transport of our own, keeping connections to the Bot
// API warm for concurrent sends.
func newTransport() *http.Transport {
	t := http.DefaultTransport.(*http.Transport).Clone()
	t.MaxIdleConnsPerHost = 32
	return t
}
