package inbox

import (
	"context"
	"net/http"
	"strings"
	"time"

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

// contactChanged re-plans a contact's reminders (and, after one that took
// place, a suggestion). This is the one place the inbox asks for it,
// inside the transaction that changed the contact.
func (a *app) contactChanged(ctx context.Context, tx *store.Tx, c store.Contact) error {
	return a.Nudges.PlanContact(ctx, tx, c)
}

// closed reports whether a contact's outcome is settled: nothing more can
// be done to it.
func closed(s store.ContactStatus) bool {
	return s == store.ContactCancelled || s == store.ContactDone || s == store.ContactDidNotAttend
}

// setOutcome records that a contact took place (done) or that the person
// did not come (did not attend). It must have begun; one already settled
// is refused with the reason.
func setOutcome(c *store.Contact, outcome store.ContactStatus, now time.Time) string {
	switch {
	case closed(c.Status):
		return "That contact is already " + statusWords(c.Status) + "."
	case c.StartsAt.After(now):
		return "That contact has not begun yet: move or cancel it instead."
	}
	c.Status = outcome
	return ""
}

// statusWords is a contact status in words.
func statusWords(s store.ContactStatus) string {
	switch s {
	case store.ContactDidNotAttend:
		return "marked did not attend"
	case store.ContactRearrangeRequested:
		return "waiting to be rearranged"
	}
	return string(s)
}

// bookContact books a contact with the person at a local time.
func (a *app) bookContact(w http.ResponseWriter, r *http.Request) {
	a.personAction(w, r, "book contact", func(ctx context.Context, tx *store.Tx, v *viewer, p store.Person) error {
		at, err := parseLocal(r.PostFormValue("starts_at"), v.Loc)
		if err != nil {
			return formRefusal("Give the date and time of the contact.")
		}
		if !at.After(tx.Now()) {
			return formRefusal("That time has passed: a new contact must be in the future.")
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
		confirm(ctx, "booked")
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

// contactDone records that a contact took place; a suggestion follows.
func (a *app) contactDone(w http.ResponseWriter, r *http.Request) {
	a.contactAction(w, r, "contact.done", func(tx *store.Tx, v *viewer, c *store.Contact) error {
		if why := setOutcome(c, store.ContactDone, tx.Now()); why != "" {
			return formRefusal(why)
		}
		return nil
	})
}

// contactMissed records that the person did not attend a contact; its
// reminders are cancelled and nothing new is planned.
func (a *app) contactMissed(w http.ResponseWriter, r *http.Request) {
	a.contactAction(w, r, "contact.did_not_attend", func(tx *store.Tx, v *viewer, c *store.Contact) error {
		if why := setOutcome(c, store.ContactDidNotAttend, tx.Now()); why != "" {
			return formRefusal(why)
		}
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
		if closed(c.Status) {
			return formRefusal("That contact is already " + statusWords(c.Status) + ".")
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
