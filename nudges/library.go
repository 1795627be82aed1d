package nudges

import (
	"context"
	"fmt"
	"io/fs"
	"sync"

	"github.com/linkbot/linkbot/dialogues"
	"github.com/linkbot/linkbot/store"
)

// The built-in dialogue keys each kind of nudge uses when the nudge names none.
const (
	KeyContactReminder = "contact-reminder"
	KeyCheckin         = "ons4"
	KeySuggestion      = "activity-suggestion"
	KeyFollowup        = "activity-followup"
)

// Versions finds and parses the dialogue versions runs use, keeping each
// parsed version (by its store row id) for reuse: versions never change once
// written. It is safe for concurrent use.
//
// A scheme's dialogue key resolves to its latest published version. A
// scheme that has published no version of a key gets the built-in dialogue
// of that key, which is first added to the scheme's dialogues as a published
// version (a run must point at a version row, and the scheme can see and
// later replace what its people were sent).
type Versions struct {
	mu     sync.Mutex
	parsed map[int64]*dialogues.Dialogue
}

// NewVersions returns an empty cache of parsed dialogue versions.
func NewVersions() *Versions {
	return &Versions{parsed: map[int64]*dialogues.Dialogue{}}
}

// Version is one dialogue version: its store row and its parsed form.
type Version struct {
	Row      store.Dialogue
	Dialogue *dialogues.Dialogue
}

// Published returns the scheme's current version of key, adding the
// built-in one if the scheme has none.
func (v *Versions) Published(ctx context.Context, tx *store.Tx, schemeID int64, key string) (Version, error) {
	row, err := tx.GetPublishedDialogue(ctx, schemeID, key)
	if store.ErrorCode(err) == store.NotFound {
		row, err = publishBuiltin(ctx, tx, schemeID, key)
	}
	if err != nil {
		return Version{}, fmt.Errorf("dialogue %s: %w", key, err)
	}
	d, err := v.parse(row)
	return Version{Row: row, Dialogue: d}, err
}

// ByID returns the dialogue version with the store id, as a run keeps it.
func (v *Versions) ByID(ctx context.Context, tx *store.Tx, id int64) (*dialogues.Dialogue, error) {
	v.mu.Lock()
	d, ok := v.parsed[id]
	v.mu.Unlock()
	if ok {
		return d, nil
	}
	row, err := tx.GetDialogue(ctx, id)
	if err != nil {
		return nil, fmt.Errorf("dialogue version %d: %w", id, err)
	}
	return v.parse(row)
}

func (v *Versions) parse(row store.Dialogue) (*dialogues.Dialogue, error) {
	v.mu.Lock()
	defer v.mu.Unlock()
	if d, ok := v.parsed[row.ID]; ok {
		return d, nil
	}
	d, diags := dialogues.Parse(fmt.Sprintf("%s v%d", row.Key, row.Version), []byte(row.Source))
	if err := diags.Err(); err != nil {
		return nil, fmt.Errorf("dialogue %s v%d of scheme %d: %w", row.Key, row.Version, row.SchemeID, err)
	}
	v.parsed[row.ID] = d
	return d, nil
}

// publishBuiltin adds the built-in dialogue key to the scheme as a
// published version and returns it.
func publishBuiltin(ctx context.Context, tx *store.Tx, schemeID int64, key string) (store.Dialogue, error) {
	src, err := fs.ReadFile(dialogues.LibraryFiles(), key+".yaml")
	if err != nil {
		return store.Dialogue{}, fmt.Errorf("the scheme has no published version and there is no built-in one: %w", err)
	}
	row := store.Dialogue{SchemeID: schemeID, Key: key, Source: string(src)}
	if err := tx.CreateDialogue(ctx, &row); err != nil {
		return row, err
	}
	if err := tx.PublishDialogue(ctx, row.ID); err != nil {
		return row, err
	}
	return tx.GetDialogue(ctx, row.ID)
}
