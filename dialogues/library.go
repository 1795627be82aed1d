package dialogues

import (
	"embed"
	"fmt"
	"io/fs"
	"sort"
	"sync"
)

// libraryFS holds the built-in dialogues, embedded in the binary.
//
//go:embed library/*.yaml
var libraryFS embed.FS

// LibraryFiles returns the built-in dialogue files, for copying and editing.
func LibraryFiles() fs.FS {
	sub, _ := fs.Sub(libraryFS, "library")
	return sub
}

var library = sync.OnceValues(func() ([]*Dialogue, error) {
	names, err := fs.Glob(libraryFS, "library/*.yaml")
	if err != nil {
		return nil, fmt.Errorf("list built-in dialogues: %w", err)
	}
	sort.Strings(names)
	var ds []*Dialogue
	for _, name := range names {
		src, err := libraryFS.ReadFile(name)
		if err != nil {
			return nil, fmt.Errorf("read built-in dialogue: %w", err)
		}
		d, diags := Parse(name, src)
		if err := diags.Err(); err != nil {
			return nil, fmt.Errorf("built-in dialogue: %w", err)
		}
		ds = append(ds, d)
	}
	return ds, nil
})

// Library returns the built-in dialogues: welcome, contact-reminder, ons4,
// swemwbs, activity-suggestion and activity-followup.
func Library() ([]*Dialogue, error) { return library() }

// Builtin returns the built-in dialogue with the given key.
func Builtin(key string) (*Dialogue, bool) {
	ds, err := library()
	if err != nil {
		return nil, false
	}
	for _, d := range ds {
		if d.Key == key {
			return d, true
		}
	}
	return nil, false
}
