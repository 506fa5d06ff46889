package auth

import (
	"container/list"
	"fmt"
	"math"
	"strings"
	"sync"
	"time"

	"github.com/oas-atalaya/atalaya"
)

// ThrottleConfig sets how the sign-in throttle refuses attempts.
type ThrottleConfig struct {
	// MaxFailures consecutive failed sign-ins to one account lock it for
	// Lockout (issue 4: 5).
	MaxFailures int
	// AddrMaxFailures consecutive failures from one client address, over
	// any accounts, lock the address for Lockout: this stops one machine
	// trying one password against many accounts. Higher than MaxFailures
	// because a whole office may share an address.
	AddrMaxFailures int
	// Lockout is how long a lock lasts.
	Lockout time.Duration
	// Rate is how many attempts per second each address regains, up to
	// Burst: a token bucket that bounds guessing even without failures
	// being reported.
	Rate  float64
	Burst int
	// MaxKeys bounds memory: at most this many accounts and this many
	// addresses are remembered; the least recently seen are forgotten
	// first.
	MaxKeys int
}

// DefaultThrottleConfig returns 5 failures then 15 minutes locked per
// account, 20 per address, 10 attempts per minute per address with bursts
// of 10, and 10 000 keys of each kind (about 2 MB).
func DefaultThrottleConfig() ThrottleConfig {
	return ThrottleConfig{
		MaxFailures:     5,
		AddrMaxFailures: 20,
		Lockout:         15 * time.Minute,
		Rate:            10.0 / 60,
		Burst:           10,
		MaxKeys:         10_000,
	}
}

// Throttle limits sign-in attempts by account and by client address, in
// memory: a restart forgets it, which is acceptable for a single node. It is
// safe for concurrent use.
//
// Use: Allow before checking the password; Fail after a wrong password (or
// second factor), Succeed after a right one. Allow and Fail behave the same
// whether or not the account exists, so that the throttle does not reveal
// which accounts do.
type Throttle struct {
	cfg      ThrottleConfig
	now      func() time.Time
	mu       sync.Mutex
	accounts *lru
	addrs    *lru
}

// NewThrottle returns a throttle with cfg (zero fields take the defaults)
// reading the time from now (time.Now in production).
func NewThrottle(cfg ThrottleConfig, now func() time.Time) *Throttle {
	def := DefaultThrottleConfig()
	if cfg.MaxFailures <= 0 {
		cfg.MaxFailures = def.MaxFailures
	}
	if cfg.AddrMaxFailures <= 0 {
		cfg.AddrMaxFailures = def.AddrMaxFailures
	}
	if cfg.Lockout <= 0 {
		cfg.Lockout = def.Lockout
	}
	if cfg.Rate <= 0 {
		cfg.Rate = def.Rate
	}
	if cfg.Burst <= 0 {
		cfg.Burst = def.Burst
	}
	if cfg.MaxKeys <= 0 {
		cfg.MaxKeys = def.MaxKeys
	}
	return &Throttle{cfg: cfg, now: now, accounts: newLRU(cfg.MaxKeys), addrs: newLRU(cfg.MaxKeys)}
}

// ThrottledError is the error of a refused attempt. It unwraps to an
// atalaya.Error with code ETOOMANY and the same message; RetryAfter is for
// the Retry-After header.
type ThrottledError struct {
	RetryAfter time.Duration
	msg        string
}

// Error implements the error interface.
func (e *ThrottledError) Error() string { return e.msg }

// Unwrap returns the domain error, so that atalaya.ErrorCode works.
func (e *ThrottledError) Unwrap() error {
	return &atalaya.Error{Code: atalaya.ETOOMANY, Message: e.msg}
}

func throttled(d time.Duration, what string) error {
	d = d.Round(time.Second)
	if d < time.Second {
		d = time.Second
	}
	return &ThrottledError{RetryAfter: d, msg: fmt.Sprintf("too many sign-in attempts %s; try again in %v", what, d)}
}

// Allow reports whether a sign-in to account from addr may be tried now,
// and takes one attempt from addr's bucket if so. It returns a
// *ThrottledError if not.
func (t *Throttle) Allow(account, addr string) error {
	now := t.now()
	t.mu.Lock()
	defer t.mu.Unlock()
	if e := t.accounts.get(normAccount(account)); e != nil && now.Before(e.lockedUntil) {
		return throttled(e.lockedUntil.Sub(now), "for this account")
	}
	a := t.addrs.getOrAdd(addr, func() *entry { return &entry{tokens: float64(t.cfg.Burst), refilled: now} })
	if now.Before(a.lockedUntil) {
		return throttled(a.lockedUntil.Sub(now), "from your address")
	}
	if el := now.Sub(a.refilled).Seconds(); el > 0 {
		a.tokens = math.Min(float64(t.cfg.Burst), a.tokens+el*t.cfg.Rate)
	}
	a.refilled = now
	if a.tokens < 1 {
		wait := time.Duration((1 - a.tokens) / t.cfg.Rate * float64(time.Second))
		return throttled(wait, "from your address")
	}
	a.tokens--
	return nil
}

// Fail records a failed sign-in to account from addr, locking either after
// its run of consecutive failures reaches the limit.
func (t *Throttle) Fail(account, addr string) {
	now := t.now()
	t.mu.Lock()
	defer t.mu.Unlock()
	acc := t.accounts.getOrAdd(normAccount(account), func() *entry { return &entry{} })
	t.fail(acc, t.cfg.MaxFailures, now)
	a := t.addrs.getOrAdd(addr, func() *entry { return &entry{tokens: float64(t.cfg.Burst), refilled: now} })
	t.fail(a, t.cfg.AddrMaxFailures, now)
}

func (t *Throttle) fail(e *entry, limit int, now time.Time) {
	e.failures++
	if e.failures >= limit {
		e.lockedUntil = now.Add(t.cfg.Lockout)
		e.failures = 0
	}
}

// Succeed records a successful sign-in: the account's and the address's
// runs of failures start again from zero. A current lock is not lifted.
func (t *Throttle) Succeed(account, addr string) {
	t.mu.Lock()
	defer t.mu.Unlock()
	if e := t.accounts.get(normAccount(account)); e != nil {
		e.failures = 0
	}
	if e := t.addrs.get(addr); e != nil {
		e.failures = 0
	}
}

// Len returns how many accounts and addresses the throttle remembers.
func (t *Throttle) Len() (accounts, addrs int) {
	t.mu.Lock()
	defer t.mu.Unlock()
	return t.accounts.l.Len(), t.addrs.l.Len()
}

func normAccount(s string) string { return strings.ToLower(strings.TrimSpace(s)) }

// entry is what the throttle knows of one account or address.
type entry struct {
	key         string
	failures    int       // consecutive
	lockedUntil time.Time // zero: not locked
	tokens      float64   // addresses only
	refilled    time.Time // addresses only
}

// lru is a map bounded to max entries that forgets the least recently used.
type lru struct {
	max int
	l   *list.List // of *entry, most recent first
	m   map[string]*list.Element
}

func newLRU(max int) *lru {
	return &lru{max: max, l: list.New(), m: make(map[string]*list.Element)}
}

func (c *lru) get(key string) *entry {
	el, ok := c.m[key]
	if !ok {
		return nil
	}
	c.l.MoveToFront(el)
	return el.Value.(*entry)
}

func (c *lru) getOrAdd(key string, mk func() *entry) *entry {
	if e := c.get(key); e != nil {
		return e
	}
	if c.l.Len() >= c.max {
		old := c.l.Back()
		c.l.Remove(old)
		delete(c.m, old.Value.(*entry).key)
	}
	e := mk()
	e.key = key
	c.m[key] = c.l.PushFront(e)
	return e
}
