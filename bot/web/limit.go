package web

import (
	"net"
	"net/http"
	"net/netip"
	"strings"
	"sync"
	"time"
)

// limiter is a token bucket per client: each holds up to burst tokens and
// gains rate of them a second; a request takes one.
type limiter struct {
	rate  float64
	burst float64
	mu    sync.Mutex
	by    map[string]*bucket
}

type bucket struct {
	tokens float64
	at     time.Time
}

// maxClients bounds the buckets kept: past it, the full ones (clients idle
// long enough to have refilled) are dropped.
const maxClients = 10000

func newLimiter(rate float64, burst int) *limiter {
	return &limiter{rate: rate, burst: float64(burst), by: map[string]*bucket{}}
}

// allow takes a token of client's bucket at now; when there is none it
// says how long until there is.
func (l *limiter) allow(client string, now time.Time) (ok bool, wait time.Duration) {
	l.mu.Lock()
	defer l.mu.Unlock()
	b := l.by[client]
	if b == nil {
		if len(l.by) >= maxClients {
			l.sweep(now)
		}
		b = &bucket{tokens: l.burst, at: now}
		l.by[client] = b
	}
	if d := now.Sub(b.at); d > 0 {
		b.tokens = min(l.burst, b.tokens+d.Seconds()*l.rate)
		b.at = now
	}
	if b.tokens < 1 {
		return false, time.Duration((1 - b.tokens) / l.rate * float64(time.Second))
	}
	b.tokens--
	return true, 0
}

// sweep drops the buckets that are full again at now, and all of them if
// that is not enough (a flood of new addresses).
func (l *limiter) sweep(now time.Time) {
	for c, b := range l.by {
		if b.tokens+now.Sub(b.at).Seconds()*l.rate >= l.burst {
			delete(l.by, c)
		}
	}
	if len(l.by) >= maxClients {
		clear(l.by)
	}
}

// client names the client of a request for the rate limit: the peer's
// address, or, when the peer is one of the configured proxies, the last
// address of X-Forwarded-For that is not one of them (the one the nearest
// trusted proxy saw; what comes before it the client wrote itself). An
// IPv6 client is its /64, which one subscriber usually holds whole.
func (s *Server) client(r *http.Request) string {
	peer := remoteAddr(r.RemoteAddr)
	if peer.IsValid() && s.trusted(peer) {
		hops := r.Header.Values("X-Forwarded-For")
		var addrs []string
		for _, h := range hops {
			addrs = append(addrs, strings.Split(h, ",")...)
		}
		for i := len(addrs) - 1; i >= 0; i-- {
			a, err := netip.ParseAddr(strings.TrimSpace(addrs[i]))
			if err != nil {
				break // a hop we cannot read: trust nothing before it
			}
			a = a.Unmap()
			peer = a
			if !s.trusted(a) {
				break
			}
		}
	}
	if !peer.IsValid() {
		return r.RemoteAddr
	}
	if peer.Is6() {
		p, _ := peer.Prefix(64)
		return p.String()
	}
	return peer.String()
}

func (s *Server) trusted(a netip.Addr) bool {
	for _, p := range s.proxies {
		if p.Contains(a) {
			return true
		}
	}
	return false
}

// remoteAddr reads the address of http.Request.RemoteAddr.
func remoteAddr(s string) netip.Addr {
	host, _, err := net.SplitHostPort(s)
	if err != nil {
		host = s
	}
	a, err := netip.ParseAddr(host)
	if err != nil {
		return netip.Addr{}
	}
	return a.Unmap()
}
