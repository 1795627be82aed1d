package bot_test

import (
	"strings"
	"testing"
	"time"

	"github.com/linkbot/linkbot/bot/sms"
	"github.com/linkbot/linkbot/bot/sms/smstest"
	"github.com/linkbot/linkbot/nudges"
	"github.com/linkbot/linkbot/store"
	"github.com/linkbot/linkbot/store/storetest"
)

func TestARestrictedPersonIsSentNothingButTheSafetyNet(t *testing.T) {
	storetest.Each(t, func(t *testing.T, db *store.DB) {
		r := newRig(t, db, func(p *store.Person) {
			p.ConsentAt, p.ConsentBy = storetest.Ptr(time.Date(2026, 11, 1, 9, 0, 0, 0, time.UTC)), p.LinkWorkerID
		})
		storetest.Outbound(t, db, r.person, func(m *store.Message) { m.Body = "queued before the restriction" })
		now := r.clock.Now()
		if err := db.InTx(r.ctx, func(tx *store.Tx) error { return tx.SetRestricted(r.ctx, r.person.ID, &now) }); err != nil {
			t.Fatal(err)
		}
		// A check-in falls due, the person asks for HELP, then writes something that may show risk.
		n := store.Nudge{SchemeID: r.person.SchemeID, PersonID: r.person.ID, Kind: store.NudgeCheckin, DueAt: now, Key: "restricted:checkin"}
		if err := db.CreateNudge(r.ctx, &n); err != nil {
			t.Fatal(err)
		}
		loop := &nudges.Loop{DB: db, Planner: newPlanner("https://linkbot.example"), Clock: r.clock.Now, Owner: "rig", Logger: quiet}
		if _, err := loop.RunOnce(r.ctx); err != nil {
			t.Fatal(err)
		}
		if _, err := db.GetOpenRun(r.ctx, r.person.ID); store.ErrorCode(err) != store.NotFound {
			t.Fatalf("the nudge loop started a run for a restricted person: %v", err)
		}
		r.text("HELP")
		r.text("I want to end it all")
		r.dispatch()

		got := r.sentTo(*r.person.Phone)
		if len(got) != 1 || !strings.Contains(got[0], "116 123") {
			t.Fatalf("the restricted person was sent %q, want the safety-net reply alone", got)
		}
		if len(r.inbound()) != 2 {
			t.Fatalf("their messages must still reach the link worker: %d stored", len(r.inbound()))
		}
		if notices := r.sentTo(*r.worker.Phone); len(notices) == 0 {
			t.Fatalf("the link worker was not told of the risk message")
		}
	})
}

func TestAnErasedPersonsNumberIsAnUnknownSender(t *testing.T) {
	storetest.Each(t, func(t *testing.T, db *store.DB) {
		r := newRig(t, db)
		phone := *r.person.Phone
		// Another record of the same scheme with the same number (support
		// ended) must not pick up their texts either.
		storetest.Person(t, db, func(p *store.Person) {
			p.SchemeID, p.LinkWorkerID, p.Phone, p.Status, p.EndedAt = r.person.SchemeID, &r.worker.ID, &phone, store.PersonEnded, storetest.Ptr(time.Date(2026, 11, 1, 9, 0, 0, 0, time.UTC))
		})
		if _, err := db.ErasePerson(r.ctx, r.person.ID, store.Erasure{Actor: "Ada Admin", Reason: "their request"}); err != nil {
			t.Fatal(err)
		}
		r.post(sms.InboundPath, smstest.InboundParams(phone, r.cfg.From, "remember me? secret words"))
		r.dispatch()
		if got := r.sentTo(phone); len(got) != 1 || !strings.Contains(got[0], "doesn't recognise") {
			t.Fatalf("the erased number got %q, want the unknown sender's one polite reply", got)
		}
		people, err := db.ListPeople(r.ctx, r.person.SchemeID, 0)
		if err != nil {
			t.Fatal(err)
		}
		for _, p := range people {
			thread, _ := db.ListThread(r.ctx, p.ID, 100)
			for _, m := range thread {
				if strings.Contains(m.Body, "secret words") {
					t.Fatalf("the text from the erased number was kept for person %d", p.ID)
				}
			}
		}
	})
}
