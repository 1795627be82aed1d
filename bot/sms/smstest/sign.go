package smstest

import (
	"crypto/hmac"
	"crypto/sha1"
	"encoding/base64"
	"net/url"
	"sort"
	"strings"
)

// Sign computes the X-Twilio-Signature Twilio sends with a form POST to
// fullURL: HMAC-SHA1, keyed with the auth token, of the URL followed by each
// parameter's name and value in name order, base64-encoded. Written from
// Twilio's description so that tests check twilio-go's validator against an
// independent implementation.
func Sign(authToken, fullURL string, params url.Values) string {
	names := make([]string, 0, len(params))
	for name := range params {
		names = append(names, name)
	}
	sort.Strings(names)
	var b strings.Builder
	b.WriteString(fullURL)
	for _, name := range names {
		for _, value := range params[name] {
			b.WriteString(name)
			b.WriteString(value)
		}
	}
	mac := hmac.New(sha1.New, []byte(authToken))
	mac.Write([]byte(b.String()))
	return base64.StdEncoding.EncodeToString(mac.Sum(nil))
}
