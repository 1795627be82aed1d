package inbox

import (
	"context"
	"net/http"
	"strings"

	"github.com/linkbot/linkbot/store"
)

// contactKinds are the kinds of contact a link worker can book, in words.
var contactKinds = []struct{ Value, Label string }{
	{string(store.ContactPhone), "Phone call"},
	{string(store.ContactInPerson), "In person"},
	{string(store.ContactHomeVisit), "Home visit"},
	{string(store.ContactVideo), "Video call"},
}

func knownKind(k string) bool {
	for _, c := range contactKinds {
		if c.Value == k {
			return true
		}
	}
	return false
}

// contactChanged re-plans a contact's reminders. This is the one place the
// inbox asks for it, inside the transaction that changed the contact.
func (a *app) contactChanged(ctx context.Context, tx *store.Tx, c store.Contact) error {
	if a.ContactChanged == nil {
		return nil
	}
	return a.ContactChanged(ctx, tx, c)
}

// bookContact books a contact with the person at a local time.
func (a *app) bookContact(w http.ResponseWriter, r *http.Request) {
	a.personAction(w, r, "book contact", func(ctx context.Context, tx *store.Tx, v *viewer, p store.Person) error {
		at, err := parseLocal(r.PostFormValue("starts_at"), v.Loc)
		if err != nil {
			return formRefusal("Give the date and time of the contact.")
		}
		if !at.After(tx.Now()) {
			return formRefusal("A new contact must be in the future.")
		}
		kind := r.PostFormValue("kind")
		if !knownKind(kind) {
			return formRefusal("Choose how you will meet.")
		}
		worker := v.Worker.ID
		if p.LinkWorkerID != nil {
			worker = *p.LinkWorkerID
		}
		c := store.Contact{SchemeID: p.SchemeID, PersonID: p.ID, LinkWorkerID: worker, StartsAt: at,
			Kind: store.ContactKind(kind), Place: strings.TrimSpace(r.PostFormValue("place"))}
		if err := tx.CreateContact(ctx, &c); err != nil {
			return err
		}
		if err := a.contactChanged(ctx, tx, c); err != nil {
			return err
		}
		return audit(ctx, tx, v, p.ID, "contact.booked", map[string]any{"contact_id": c.ID})
	})
}

// moveContact moves a contact to a new local time; it is booked again.
func (a *app) moveContact(w http.ResponseWriter, r *http.Request) {
	a.contactAction(w, r, "contact.moved", func(tx *store.Tx, v *viewer, c *store.Contact) error {
		at, err := parseLocal(r.PostFormValue("starts_at"), v.Loc)
		if err != nil {
			return formRefusal("Give the new date and time.")
		}
		if !at.After(tx.Now()) {
			return formRefusal("A contact can only be moved to the future.")
		}
		c.StartsAt, c.Status = at, store.ContactBooked
		return nil
	})
}

// cancelContact cancels a contact; its reminders are not sent.
func (a *app) cancelContact(w http.ResponseWriter, r *http.Request) {
	a.contactAction(w, r, "contact.cancelled", func(tx *store.Tx, v *viewer, c *store.Contact) error {
		c.Status = store.ContactCancelled
		return nil
	})
}

func (a *app) contactAction(w http.ResponseWriter, r *http.Request, action string, change func(tx *store.Tx, v *viewer, c *store.Contact) error) {
	cid, ok := pathID(w, r, "contact")
	if !ok {
		return
	}
	a.personAction(w, r, action, func(ctx context.Context, tx *store.Tx, v *viewer, p store.Person) error {
		c, err := tx.GetContact(ctx, cid)
		if err != nil {
			return err
		}
		if c.PersonID != p.ID {
			return &store.Error{Code: store.NotFound, Op: action, Message: "not this person's contact"}
		}
		if c.Status == store.ContactCancelled || c.Status == store.ContactDone {
			return formRefusal("That contact is already " + string(c.Status) + ".")
		}
		if err := change(tx, v, &c); err != nil {
			return err
		}
		if err := tx.UpdateContact(ctx, c); err != nil {
			return err
		}
		if err := a.contactChanged(ctx, tx, c); err != nil {
			return err
		}
		return audit(ctx, tx, v, p.ID, action, map[string]any{"contact_id": c.ID})
	})
}
