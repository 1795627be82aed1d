package nudges

import (
	"context"
	"fmt"
	"io/fs"

	"github.com/linkbot/linkbot/dialogues"
	"github.com/linkbot/linkbot/store"
)

// The built-in dialogue keys each kind of nudge uses when the nudge names none.
const (
	KeyContactReminder = "contact-reminder"
	KeyCheckin         = "ons4"
	KeySuggestion      = "activity-suggestion"
	KeyFollowup        = "activity-followup"
	KeyWelcome         = "welcome"
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
	cache *dialogues.Cache
}

// NewVersions returns an empty cache of parsed dialogue versions.
func NewVersions() *Versions {
	return &Versions{cache: dialogues.NewCache()}
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
	return v.cache.Load(id, func() (dialogues.Source, error) {
		row, err := tx.GetDialogue(ctx, id)
		if err != nil {
			return dialogues.Source{}, fmt.Errorf("dialogue version %d: %w", id, err)
		}
		return source(row), nil
	})
}

func (v *Versions) parse(row store.Dialogue) (*dialogues.Dialogue, error) {
	return v.cache.Load(row.ID, func() (dialogues.Source, error) { return source(row), nil })
}

// source is a stored dialogue version as package dialogues reads it.
func source(row store.Dialogue) dialogues.Source {
	return dialogues.Source{File: row.Key + ".yaml", Version: row.Version, Text: []byte(row.Source)}
}

// publishBuiltin adds the built-in dialogue key to the scheme as a
// published version and returns it. Parallel first uses (eight referrals
// to a new scheme at once) all get the one version published first, and
// none fails.
func publishBuiltin(ctx context.Context, tx *store.Tx, schemeID int64, key string) (store.Dialogue, error) {
	src, err := fs.ReadFile(dialogues.LibraryFiles(), key+".yaml")
	if err != nil {
		return store.Dialogue{}, fmt.Errorf("the scheme has no published version and there is no built-in one: %w", err)
	}
	row, err := tx.PublishFirstDialogue(ctx, schemeID, key, string(src))
	if err != nil {
		return row, fmt.Errorf("publish built-in dialogue: %w", err)
	}
	return row, nil
}
