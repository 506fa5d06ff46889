package web

import "sync"

// rendered is a response body ready to send again.
type rendered struct {
	contentType string
	disposition string
	body        []byte
}

// bodyCache keeps rendered responses by a key that includes the data
// version, so entries never go stale: they only stop being asked for. It
// holds at most maxBytes and starts afresh when full.
type bodyCache struct {
	mu       sync.Mutex
	m        map[string]rendered
	size     int
	maxBytes int
}

func newBodyCache(maxBytes int) *bodyCache {
	return &bodyCache{m: map[string]rendered{}, maxBytes: maxBytes}
}

func (c *bodyCache) get(key string) (rendered, bool) {
	c.mu.Lock()
	defer c.mu.Unlock()
	r, ok := c.m[key]
	return r, ok
}

func (c *bodyCache) put(key string, r rendered) {
	if len(r.body) > c.maxBytes/8 {
		return
	}
	c.mu.Lock()
	defer c.mu.Unlock()
	if c.size+len(r.body) > c.maxBytes {
		c.m = map[string]rendered{}
		c.size = 0
	}
	if _, ok := c.m[key]; !ok {
		c.size += len(r.body)
	}
	c.m[key] = r
}
