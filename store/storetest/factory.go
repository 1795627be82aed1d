package storetest

import (
	"context"
	"fmt"
	"sync/atomic"
	"testing"
	"time"

	"github.com/linkbot/linkbot/store"
)

// serial makes names, phone numbers and keys unique within a test binary.
var serial atomic.Int64

func next() int64 { return serial.Add(1) }

// Phone returns a new E.164 UK mobile number from the range Ofcom keeps for
// drama (07700 900000–900999), wrapping after a thousand.
func Phone() string { return fmt.Sprintf("+447700900%03d", next()%1000) }

// Ptr returns a pointer to v, for the optional fields of store types.
func Ptr[T any](v T) *T { return &v }

// Scheme inserts a scheme with default settings, changed by opts.
func Scheme(t testing.TB, db *store.DB, opts ...func(*store.Scheme)) store.Scheme {
	t.Helper()
	s := store.Scheme{Name: fmt.Sprintf("Scheme %d", next())}
	for _, o := range opts {
		o(&s)
	}
	if err := db.CreateScheme(context.Background(), &s); err != nil {
		t.Fatalf("storetest: create scheme: %v", err)
	}
	return s
}

// LinkWorker inserts an active link worker of the scheme, changed by opts.
func LinkWorker(t testing.TB, db *store.DB, schemeID int64, opts ...func(*store.LinkWorker)) store.LinkWorker {
	t.Helper()
	n := next()
	w := store.LinkWorker{
		SchemeID: schemeID,
		Name:     fmt.Sprintf("Link Worker %d", n),
		Phone:    Ptr(Phone()),
		Email:    Ptr(fmt.Sprintf("worker%d@example.org", n)),
		Active:   true,
	}
	for _, o := range opts {
		o(&w)
	}
	if err := db.CreateLinkWorker(context.Background(), &w); err != nil {
		t.Fatalf("storetest: create link worker: %v", err)
	}
	return w
}

// Person inserts an active person who prefers SMS, changed by opts. With no
// SchemeID set it first makes a scheme and a link worker for them.
func Person(t testing.TB, db *store.DB, opts ...func(*store.Person)) store.Person {
	t.Helper()
	p := store.Person{Name: fmt.Sprintf("Person %d", next()), Phone: Ptr(Phone())}
	for _, o := range opts {
		o(&p)
	}
	if p.SchemeID == 0 {
		p.SchemeID = Scheme(t, db).ID
		if p.LinkWorkerID == nil {
			p.LinkWorkerID = Ptr(LinkWorker(t, db, p.SchemeID).ID)
		}
	}
	if err := db.CreatePerson(context.Background(), &p); err != nil {
		t.Fatalf("storetest: create person: %v", err)
	}
	return p
}

// Contact inserts a booked phone contact with the person a week after db's
// clock (db.Now), with their link worker (or a new one), changed by opts.
func Contact(t testing.TB, db *store.DB, p store.Person, opts ...func(*store.Contact)) store.Contact {
	t.Helper()
	c := store.Contact{
		SchemeID: p.SchemeID,
		PersonID: p.ID,
		StartsAt: db.Now().Add(7 * 24 * time.Hour),
		Kind:     store.ContactPhone,
	}
	if p.LinkWorkerID != nil {
		c.LinkWorkerID = *p.LinkWorkerID
	} else {
		c.LinkWorkerID = LinkWorker(t, db, p.SchemeID).ID
	}
	for _, o := range opts {
		o(&c)
	}
	if err := db.CreateContact(context.Background(), &c); err != nil {
		t.Fatalf("storetest: create contact: %v", err)
	}
	return c
}

// Group inserts an active community group of the scheme, changed by opts.
func Group(t testing.TB, db *store.DB, schemeID int64, opts ...func(*store.Group)) store.Group {
	t.Helper()
	g := store.Group{
		SchemeID:    schemeID,
		Name:        fmt.Sprintf("Walking group %d", next()),
		Description: "A gentle walk and a cup of tea",
		Tags:        store.Strings{"walking", "outdoors"},
		Place:       "The library steps",
		Schedule:    "Tuesdays 10:00",
		Active:      true,
	}
	for _, o := range opts {
		o(&g)
	}
	if err := db.CreateGroup(context.Background(), &g); err != nil {
		t.Fatalf("storetest: create group: %v", err)
	}
	return g
}

// Dialogue inserts and publishes the next version of a small check-in
// dialogue of the scheme, changed by opts.
func Dialogue(t testing.TB, db *store.DB, schemeID int64, opts ...func(*store.Dialogue)) store.Dialogue {
	t.Helper()
	ctx := context.Background()
	d := store.Dialogue{SchemeID: schemeID, Key: "checkin", Source: "key: checkin\nsteps: []\n"}
	for _, o := range opts {
		o(&d)
	}
	if err := db.CreateDialogue(ctx, &d); err != nil {
		t.Fatalf("storetest: create dialogue: %v", err)
	}
	if err := db.PublishDialogue(ctx, d.ID); err != nil {
		t.Fatalf("storetest: publish dialogue: %v", err)
	}
	d, err := db.GetDialogue(ctx, d.ID)
	if err != nil {
		t.Fatalf("storetest: get dialogue: %v", err)
	}
	return d
}

// Run starts a run of a new published dialogue for the person, changed by opts.
func Run(t testing.TB, db *store.DB, p store.Person, opts ...func(*store.Run)) store.Run {
	t.Helper()
	r := store.Run{SchemeID: p.SchemeID, PersonID: p.ID, DialogueID: Dialogue(t, db, p.SchemeID).ID}
	for _, o := range opts {
		o(&r)
	}
	if err := db.StartRun(context.Background(), &r); err != nil {
		t.Fatalf("storetest: start run: %v", err)
	}
	return r
}

// Nudge inserts a planned check-in for the person, due an hour before db's
// clock (db.Now), with a unique key, changed by opts.
func Nudge(t testing.TB, db *store.DB, p store.Person, opts ...func(*store.Nudge)) store.Nudge {
	t.Helper()
	n := store.Nudge{
		SchemeID:    p.SchemeID,
		PersonID:    p.ID,
		Kind:        store.NudgeCheckin,
		Key:         fmt.Sprintf("checkin:%d:%d", p.ID, next()),
		DueAt:       db.Now().Add(-time.Hour),
		DialogueKey: Ptr("checkin"),
	}
	for _, o := range opts {
		o(&n)
	}
	if err := db.CreateNudge(context.Background(), &n); err != nil {
		t.Fatalf("storetest: create nudge: %v", err)
	}
	return n
}

// Outbound queues a nudge message to the person by SMS, sendable now,
// changed by opts.
func Outbound(t testing.TB, db *store.DB, p store.Person, opts ...func(*store.Message)) store.Message {
	t.Helper()
	m := store.Message{
		SchemeID: p.SchemeID,
		PersonID: &p.ID,
		Channel:  store.ChannelSMS,
		Address:  deref(p.Phone, "+447700900000"),
		Kind:     store.MessageNudge,
		Body:     "Hello from your link worker's team",
	}
	for _, o := range opts {
		o(&m)
	}
	if err := db.QueueMessage(context.Background(), &m); err != nil {
		t.Fatalf("storetest: queue message: %v", err)
	}
	return m
}

// Inbound stores an SMS from the person with a unique provider id, changed by opts.
func Inbound(t testing.TB, db *store.DB, p store.Person, opts ...func(*store.Message)) store.Message {
	t.Helper()
	m := store.Message{
		SchemeID:   p.SchemeID,
		PersonID:   &p.ID,
		Channel:    store.ChannelSMS,
		Address:    deref(p.Phone, "+447700900000"),
		Body:       "Thanks, see you Tuesday",
		ProviderID: Ptr(fmt.Sprintf("SM%032d", next())),
	}
	for _, o := range opts {
		o(&m)
	}
	if _, err := db.InsertInbound(context.Background(), &m); err != nil {
		t.Fatalf("storetest: insert inbound: %v", err)
	}
	return m
}

func deref(s *string, or string) string {
	if s == nil {
		return or
	}
	return *s
}
