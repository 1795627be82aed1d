package dialogues

import (
	"fmt"
	"sync"
)

// Source is one stored dialogue version as its store keeps it.
type Source struct {
	File    string // a name for messages, e.g. "ons4.yaml"
	Version int    // the version number the store gave it; runs keep to it
	Text    []byte // the YAML
}

// Cache keeps parsed dialogue versions by the id their store gives them.
// A stored version never changes, so each is parsed once. The parsed
// dialogue's Version is the stored version number, whatever the YAML says,
// so a run started on one version is refused by any other. It is safe for
// concurrent use.
type Cache struct {
	mu     sync.Mutex
	parsed map[int64]*Dialogue
}

// NewCache returns an empty cache.
func NewCache() *Cache { return &Cache{parsed: map[int64]*Dialogue{}} }

// Load returns the version with id, calling read for its source the first
// time.
func (c *Cache) Load(id int64, read func() (Source, error)) (*Dialogue, error) {
	c.mu.Lock()
	d, ok := c.parsed[id]
	c.mu.Unlock()
	if ok {
		return d, nil
	}
	src, err := read()
	if err != nil {
		return nil, err
	}
	d, diags := Parse(src.File, src.Text)
	if err := diags.Err(); err != nil {
		return nil, fmt.Errorf("dialogue %s version %d: %w", src.File, src.Version, err)
	}
	d.Version = src.Version
	c.mu.Lock()
	defer c.mu.Unlock()
	if first, ok := c.parsed[id]; ok {
		return first, nil
	}
	c.parsed[id] = d
	return d, nil
}
