package inbox

import (
	"fmt"
	"net/http"
	"net/netip"
	"strings"
)

// ParseTrustedProxies reads LINKBOT_TRUSTED_PROXIES: a comma-separated
// list of the addresses (CIDR prefixes such as 10.0.0.0/8, or single
// addresses) of the reverse proxies and load balancers in front of
// Linkbot, for Config.TrustedProxies. Spaces around entries are ignored;
// an empty string is no proxies.
func ParseTrustedProxies(s string) ([]netip.Prefix, error) {
	var out []netip.Prefix
	for _, part := range strings.Split(s, ",") {
		part = strings.TrimSpace(part)
		if part == "" {
			continue
		}
		if p, err := netip.ParsePrefix(part); err == nil {
			out = append(out, p.Masked())
			continue
		}
		a, err := netip.ParseAddr(part)
		if err != nil {
			return nil, fmt.Errorf("LINKBOT_TRUSTED_PROXIES: %q is neither an address nor a CIDR prefix such as 10.0.0.0/8", part)
		}
		a = a.Unmap()
		out = append(out, netip.PrefixFrom(a, a.BitLen()))
	}
	return out, nil
}

// clientAddress is the address a request came from, for rate limits and
// logs. It is the connection's address, unless that is a trusted proxy:
// then X-Forwarded-For is read from the right, past the trusted proxies,
// to the first address not trusted. A client can write anything into the
// header, but only the entries its trusted proxies appended are read.
func clientAddress(r *http.Request, trusted []netip.Prefix) netip.Addr {
	addr, err := netip.ParseAddrPort(r.RemoteAddr)
	if err != nil {
		return netip.Addr{}
	}
	client := addr.Addr().Unmap()
	if !isTrusted(client, trusted) {
		return client
	}
	var hops []string
	for _, h := range r.Header.Values("X-Forwarded-For") {
		hops = append(hops, strings.Split(h, ",")...)
	}
	for i := len(hops) - 1; i >= 0; i-- {
		hop, err := netip.ParseAddr(strings.TrimSpace(hops[i]))
		if err != nil {
			break // what a trusted proxy would not write: stop at the last good hop
		}
		client = hop.Unmap()
		if !isTrusted(client, trusted) {
			break
		}
	}
	return client
}

func isTrusted(a netip.Addr, trusted []netip.Prefix) bool {
	for _, p := range trusted {
		if p.Contains(a) {
			return true
		}
	}
	return false
}

// addressKey is the rate-limit key of a client address. An IPv6 client
// usually holds a whole /64, so the key is its /64.
func addressKey(a netip.Addr) string {
	if !a.IsValid() {
		return "ip:unknown"
	}
	if a.Is6() {
		p, _ := a.Prefix(64)
		return "ip:" + p.String()
	}
	return "ip:" + a.String()
}
