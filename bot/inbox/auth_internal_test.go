package inbox

import (
	"net/http/httptest"
	"net/netip"
	"strings"
	"testing"
	"time"
)

func TestParseTrustedProxies(t *testing.T) {
	got, err := ParseTrustedProxies(" 10.0.0.0/8, 192.168.1.7 ,2001:db8::/32,, ::ffff:172.16.0.1")
	if err != nil {
		t.Fatal(err)
	}
	want := []string{"10.0.0.0/8", "192.168.1.7/32", "2001:db8::/32", "172.16.0.1/32"}
	if len(got) != len(want) {
		t.Fatalf("got %v, want %v", got, want)
	}
	for i := range want {
		if got[i].String() != want[i] {
			t.Errorf("entry %d: %s, want %s", i, got[i], want[i])
		}
	}
	if none, err := ParseTrustedProxies(""); err != nil || len(none) != 0 {
		t.Errorf("empty: %v %v", none, err)
	}
	if _, err := ParseTrustedProxies("10.0.0.0/8,proxy.internal"); err == nil || !strings.Contains(err.Error(), "proxy.internal") {
		t.Errorf("a host name: %v, want an error naming it", err)
	}
}

func TestClientAddressTrustsOnlyConfiguredProxies(t *testing.T) {
	proxies, _ := ParseTrustedProxies("10.0.0.0/8")
	cases := []struct {
		remote, xff string
		trusted     []netip.Prefix
		want        string
	}{
		{"203.0.113.5:4000", "", nil, "203.0.113.5"},
		{"203.0.113.5:4000", "198.51.100.1", nil, "203.0.113.5"},            // no proxies: the header is ignored
		{"203.0.113.5:4000", "198.51.100.1", proxies, "203.0.113.5"},        // not from a proxy: ignored
		{"10.0.0.2:4000", "198.51.100.1", proxies, "198.51.100.1"},          // from the proxy
		{"10.0.0.2:4000", "1.2.3.4, 198.51.100.1", proxies, "198.51.100.1"}, // a forged first entry is passed over
		{"10.0.0.2:4000", "198.51.100.1, 10.0.0.3", proxies, "198.51.100.1"},
		{"10.0.0.2:4000", "junk, 198.51.100.1", proxies, "198.51.100.1"},
		{"10.0.0.2:4000", "198.51.100.1, junk", proxies, "10.0.0.2"},
		{"10.0.0.2:4000", "", proxies, "10.0.0.2"},
		{"[::ffff:203.0.113.5]:4000", "", nil, "203.0.113.5"},
	}
	for _, c := range cases {
		r := httptest.NewRequest("POST", "/login", nil)
		r.RemoteAddr = c.remote
		if c.xff != "" {
			r.Header.Set("X-Forwarded-For", c.xff)
		}
		if got := clientAddress(r, c.trusted).String(); got != c.want {
			t.Errorf("%s with X-Forwarded-For %q: %s, want %s", c.remote, c.xff, got, c.want)
		}
	}
	if k := addressKey(netip.MustParseAddr("2001:db8:1:2:3:4:5:6")); k != "ip:2001:db8:1:2::/64" {
		t.Errorf("IPv6 key %s, want the /64", k)
	}
}

func TestSignInDelayDoubles(t *testing.T) {
	for _, c := range []struct {
		failures int
		want     time.Duration
	}{{0, 0}, {4, 0}, {5, time.Second}, {6, 2 * time.Second}, {10, 32 * time.Second}, {14, 512 * time.Second}, {15, 15 * time.Minute}, {1000, 15 * time.Minute}} {
		if got := signInDelay(c.failures, 5); got != c.want {
			t.Errorf("after %d failures: %v, want %v", c.failures, got, c.want)
		}
	}
}

func TestPasswordRules(t *testing.T) {
	refused := map[string]string{
		"short":                 passwordTooShort,
		"elevenchars":           passwordTooShort,
		strings.Repeat("é", 37): passwordTooLong, // 37 characters, 74 bytes
		strings.Repeat("x", 40) + strings.Repeat("yz", 17): passwordTooLong,
		"aaaaaaaaaaaa":      passwordPattern,
		"password1234":      passwordCommon,
		"Password2024!":     passwordCommon,
		"P@ssw0rd2024":      passwordCommon,
		"  letmein  12345":  passwordCommon,
		"Liverpool1892":     passwordCommon,
		"123456789012":      passwordPattern,
		"qwertyuiopasdf":    passwordPattern,
		"abcabcabcabc":      passwordPattern,
		"0987654321098":     passwordPattern,
		"nia.jones-rocks":   passwordPersonal,
		"my name is Jones!": passwordPersonal,
	}
	for pw, want := range refused {
		if got := passwordProblem(pw, "nia.jones@example.org", "Nia Jones"); got != want {
			t.Errorf("%q: %q, want %q", pw, got, want)
		}
	}
	for _, pw := range []string{"correct horse battery", "a long enough one", "tin kettle marmalade", strings.Repeat("x", 40) + strings.Repeat("yz", 16)} {
		if got := passwordProblem(pw, "nia.jones@example.org", "Nia Jones"); got != "" {
			t.Errorf("%q refused: %s", pw, got)
		}
	}
	if _, err := HashPassword(strings.Repeat("a", 73)); err == nil {
		t.Error("a 73-byte password was hashed")
	}
}
