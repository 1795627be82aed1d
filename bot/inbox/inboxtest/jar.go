// Package inboxtest helps tests sign in to the inbox as a browser would,
// on the test's own clock.
package inboxtest

import (
	"net/http"
	"net/url"
	"sync"
	"time"
)

// Jar is a cookie jar that judges expiry by an injected clock, so a test
// whose fake clock stands on another day than the machine's keeps its
// session cookie (net/http/cookiejar reads the real clock). It holds the
// cookies of one host, which is all a test server on loopback needs.
type Jar struct {
	now     func() time.Time
	mu      sync.Mutex
	cookies map[string]stored
}

type stored struct {
	cookie  *http.Cookie
	expires time.Time // zero: until the session ends
}

// NewJar returns an empty jar on the clock now.
func NewJar(now func() time.Time) *Jar {
	return &Jar{now: now, cookies: map[string]stored{}}
}

// SetCookies keeps cookies, dropping those that are expired or deleted at
// the jar's time.
func (j *Jar) SetCookies(_ *url.URL, cookies []*http.Cookie) {
	j.mu.Lock()
	defer j.mu.Unlock()
	now := j.now()
	for _, c := range cookies {
		var expires time.Time
		switch {
		case c.MaxAge < 0:
			delete(j.cookies, c.Name)
			continue
		case c.MaxAge > 0:
			expires = now.Add(time.Duration(c.MaxAge) * time.Second)
		case !c.Expires.IsZero():
			expires = c.Expires
		}
		if !expires.IsZero() && !expires.After(now) {
			delete(j.cookies, c.Name)
			continue
		}
		j.cookies[c.Name] = stored{cookie: &http.Cookie{Name: c.Name, Value: c.Value}, expires: expires}
	}
}

// Cookies returns the cookies still live at the jar's time.
func (j *Jar) Cookies(_ *url.URL) []*http.Cookie {
	j.mu.Lock()
	defer j.mu.Unlock()
	now := j.now()
	var out []*http.Cookie
	for name, s := range j.cookies {
		if !s.expires.IsZero() && !s.expires.After(now) {
			delete(j.cookies, name)
			continue
		}
		out = append(out, s.cookie)
	}
	return out
}
