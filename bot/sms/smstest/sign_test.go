package smstest

import (
	"net/url"
	"testing"

	twilio "github.com/twilio/twilio-go/client"
)

func TestSignAgreesWithTwilioValidator(t *testing.T) {
	validator := twilio.NewRequestValidator(AuthToken)
	tests := []struct {
		url    string
		params url.Values
	}{
		{"https://linkbot.example.org/webhooks/twilio/sms", InboundParams("+447700900123", "+447700900001", "hello")},
		{"https://linkbot.example.org/webhooks/twilio/sms?a=1&b=2", url.Values{"Body": {"ünïcode 💬 & = +"}, "From": {"+1"}}},
		{"http://127.0.0.1:41234/webhooks/twilio/status", StatusParams("SM1", "failed", "+447700900123", "21610")},
		{"https://linkbot.example.org/webhooks/twilio/sms", url.Values{}},
	}
	for _, tt := range tests {
		sig := Sign(AuthToken, tt.url, tt.params)
		first := map[string]string{}
		for k, v := range tt.params {
			first[k] = v[0]
		}
		if !validator.Validate(tt.url, first, sig) {
			t.Errorf("twilio-go rejects the fake's signature for %s", tt.url)
		}
		if !validator.ValidateBody(tt.url, []byte(tt.params.Encode()), sig) {
			t.Errorf("twilio-go rejects the fake's signature over the body for %s", tt.url)
		}
		if other := twilio.NewRequestValidator("ffffffffffffffffffffffffffffffff"); other.Validate(tt.url, first, sig) {
			t.Errorf("a validator with another token accepts the signature for %s", tt.url)
		}
	}
}
