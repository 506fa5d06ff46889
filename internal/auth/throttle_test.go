package auth_test

import (
	"errors"
	"fmt"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/oas-atalaya/atalaya"
	"github.com/oas-atalaya/atalaya/internal/auth"
)

// fakeClock is a clock the test moves by hand.
type fakeClock struct {
	mu sync.Mutex
	t  time.Time
}

func (c *fakeClock) Now() time.Time {
	c.mu.Lock()
	defer c.mu.Unlock()
	return c.t
}

func (c *fakeClock) Advance(d time.Duration) {
	c.mu.Lock()
	defer c.mu.Unlock()
	c.t = c.t.Add(d)
}

func wantThrottled(t *testing.T, err error, retry time.Duration, msg string) {
	t.Helper()
	var te *auth.ThrottledError
	if !errors.As(err, &te) || te.RetryAfter != retry || !strings.Contains(err.Error(), msg) || atalaya.ErrorCode(err) != atalaya.ETOOMANY {
		t.Errorf("err = %v; want a ThrottledError (ETOOMANY) retry %v containing %q", err, retry, msg)
	}
}

func TestThrottleAccountLockout(t *testing.T) {
	clock := &fakeClock{t: t0}
	th := auth.NewThrottle(auth.ThrottleConfig{Burst: 100, Rate: 100}, clock.Now)
	for i := range 4 {
		if err := th.Allow("maria", "10.0.0.1"); err != nil {
			t.Fatalf("attempt %d: %v", i+1, err)
		}
		th.Fail("Maria ", "10.0.0.1") // accounts are compared case-insensitively
	}
	th.Succeed("maria", "10.0.0.1") // a success resets the run
	for i := range 5 {
		if err := th.Allow("maria", fmt.Sprintf("10.0.0.%d", i)); err != nil {
			t.Fatalf("attempt %d after success: %v", i+1, err)
		}
		th.Fail("maria", fmt.Sprintf("10.0.0.%d", i))
	}
	wantThrottled(t, th.Allow("MARIA", "192.0.2.9"), 15*time.Minute, "for this account")
	if err := th.Allow("jose", "192.0.2.9"); err != nil {
		t.Errorf("another account: %v", err)
	}
	clock.Advance(14*time.Minute + 30*time.Second)
	wantThrottled(t, th.Allow("maria", "192.0.2.9"), 30*time.Second, "try again in 30s")
	th.Succeed("maria", "192.0.2.9")
	wantThrottled(t, th.Allow("maria", "192.0.2.9"), 30*time.Second, "for this account") // a lock is not lifted by Succeed
	clock.Advance(30 * time.Second)
	if err := th.Allow("maria", "192.0.2.9"); err != nil {
		t.Errorf("after the lockout: %v", err)
	}
}

func TestThrottleAddressLockout(t *testing.T) {
	clock := &fakeClock{t: t0}
	th := auth.NewThrottle(auth.ThrottleConfig{AddrMaxFailures: 3, Lockout: time.Minute, Burst: 100, Rate: 100}, clock.Now)
	for i := range 3 { // one password against many accounts
		th.Fail(fmt.Sprintf("user%d", i), "198.51.100.7")
	}
	wantThrottled(t, th.Allow("user9", "198.51.100.7"), time.Minute, "from your address")
	if err := th.Allow("user9", "198.51.100.8"); err != nil {
		t.Errorf("another address: %v", err)
	}
}

func TestThrottleRate(t *testing.T) {
	clock := &fakeClock{t: t0}
	th := auth.NewThrottle(auth.ThrottleConfig{Rate: 0.5, Burst: 3}, clock.Now)
	for i := range 3 {
		if err := th.Allow(fmt.Sprintf("u%d", i), "203.0.113.1"); err != nil {
			t.Fatalf("burst attempt %d: %v", i+1, err)
		}
	}
	wantThrottled(t, th.Allow("u3", "203.0.113.1"), 2*time.Second, "from your address")
	if err := th.Allow("u3", "203.0.113.2"); err != nil {
		t.Errorf("another address: %v", err)
	}
	clock.Advance(time.Second)
	wantThrottled(t, th.Allow("u3", "203.0.113.1"), time.Second, "try again in 1s")
	clock.Advance(time.Second)
	if err := th.Allow("u3", "203.0.113.1"); err != nil {
		t.Errorf("after 2 s: %v", err)
	}
	clock.Advance(time.Hour) // refills to Burst, not beyond
	for i := range 3 {
		if err := th.Allow("u", "203.0.113.1"); err != nil {
			t.Fatalf("attempt %d after an hour: %v", i+1, err)
		}
	}
	if err := th.Allow("u", "203.0.113.1"); err == nil {
		t.Error("bucket refilled beyond Burst")
	}
}

func TestThrottleBounded(t *testing.T) {
	clock := &fakeClock{t: t0}
	th := auth.NewThrottle(auth.ThrottleConfig{MaxKeys: 100, Burst: 1000, Rate: 1000}, clock.Now)
	for i := range 1000 {
		th.Fail(fmt.Sprintf("user%d", i), fmt.Sprintf("addr%d", i))
		if err := th.Allow(fmt.Sprintf("user%d", i), fmt.Sprintf("addr%d", i)); err != nil {
			t.Fatal(err)
		}
	}
	if acc, addrs := th.Len(); acc != 100 || addrs != 100 {
		t.Errorf("Len = %d, %d; want 100, 100", acc, addrs)
	}
	// The most recent keys are kept: user999 still has its failure.
	for range 4 {
		th.Fail("user999", "x")
	}
	wantThrottled(t, th.Allow("user999", "y"), 15*time.Minute, "for this account")
}

// TestThrottleConcurrent is for the race detector: go test -race.
func TestThrottleConcurrent(t *testing.T) {
	clock := &fakeClock{t: t0}
	th := auth.NewThrottle(auth.ThrottleConfig{MaxKeys: 50}, clock.Now)
	var wg sync.WaitGroup
	for g := range 8 {
		wg.Go(func() {
			for i := range 500 {
				acc, addr := fmt.Sprintf("u%d", i%70), fmt.Sprintf("a%d", (i+g)%70)
				if th.Allow(acc, addr) == nil {
					if i%3 == 0 {
						th.Succeed(acc, addr)
					} else {
						th.Fail(acc, addr)
					}
				}
				if i%100 == 0 {
					clock.Advance(time.Minute)
					th.Len()
				}
			}
		})
	}
	wg.Wait()
	if acc, addrs := th.Len(); acc > 50 || addrs > 50 {
		t.Errorf("Len = %d, %d; want at most 50 each", acc, addrs)
	}
}
