package store_test

import (
	"context"
	"crypto/rand"
	"encoding/hex"
	"encoding/json"
	"strings"
	"testing"
	"time"

	"github.com/linkbot/linkbot/store"
	"github.com/linkbot/linkbot/store/storetest"
)

// seedRecord gives p a record in every table that holds a person's words:
// a message in and one still queued out, an answer with a score, a note,
// an escalation, a contact, a referral to a group, a run and a nudge.
// Every text carries word.
func seedRecord(t *testing.T, db *store.DB, p store.Person, word string) {
	t.Helper()
	ctx := context.Background()
	in := storetest.Inbound(t, db, p, func(m *store.Message) { m.Body = "I feel " + word + " today" })
	storetest.Outbound(t, db, p, func(m *store.Message) { m.Body = "Hello " + p.Name + ", about " + word })
	run := storetest.Run(t, db, p, func(r *store.Run) {
		r.State = store.JSON(`{"vars":{"said":"` + word + `"}}`)
		r.Subject = store.JSON(`{"place":"` + word + ` Hall"}`)
	})
	c := storetest.Contact(t, db, p, func(c *store.Contact) { c.Place = word + " Road" })
	storetest.Nudge(t, db, p, func(n *store.Nudge) { n.ContactID = &c.ID; n.Kind = store.NudgeContactReminder })
	g := storetest.Group(t, db, p.SchemeID)
	err := db.InTx(ctx, func(tx *store.Tx) error {
		if err := tx.CreateAnswer(ctx, &store.Answer{PersonID: p.ID, RunID: run.ID, MessageID: &in.ID, QuestionKey: "life",
			MeasureKey: storetest.Ptr("ons4.life_satisfaction"), Value: storetest.Ptr(7.0), Words: "7 " + word}); err != nil {
			return err
		}
		if err := tx.CreateNote(ctx, &store.Note{SchemeID: p.SchemeID, PersonID: p.ID, AuthorID: *p.LinkWorkerID,
			Body: "Spoke about " + word}); err != nil {
			return err
		}
		if err := tx.CreateEscalation(ctx, &store.Escalation{SchemeID: p.SchemeID, PersonID: p.ID, LinkWorkerID: p.LinkWorkerID,
			MessageID: &in.ID, Reason: store.ReasonWantsContact, Urgency: store.Soon, Note: "said " + word}); err != nil {
			return err
		}
		if err := tx.RecordSupportSummary(ctx, &store.SupportSummary{SchemeID: p.SchemeID, PersonID: p.ID, SentBy: *p.LinkWorkerID,
			SentTo: "Dr Hussain, Calder Valley Surgery", WhatMatters: "getting out to " + word,
			Summary: store.JSON(`{"person":{"name":"` + p.Name + `"},"what_matters":"getting out to ` + word + `"}`)}); err != nil {
			return err
		}
		return tx.CreateReferral(ctx, &store.Referral{SchemeID: p.SchemeID, PersonID: p.ID, GroupID: g.ID})
	})
	if err != nil {
		t.Fatalf("seed the record of %s: %v", p.Name, err)
	}
}

func TestAuditTrailIsAppendOnly(t *testing.T) {
	ctx := context.Background()
	storetest.Each(t, func(t *testing.T, db *store.DB) {
		p := storetest.Person(t, db)
		e := store.AuditEvent{SchemeID: p.SchemeID, ActorID: p.LinkWorkerID, Actor: "Sam Worker", Action: "person.viewed",
			PersonID: &p.ID, Address: "192.0.2.7"}
		if err := db.RecordAudit(ctx, &e); err != nil {
			t.Fatal(err)
		}
		for _, q := range []string{
			`UPDATE audit_events SET actor = 'someone else' WHERE id = ?`,
			`UPDATE audit_events SET at = at WHERE id = ?`,
			`DELETE FROM audit_events WHERE id = ?`,
		} {
			err := db.ExecRaw(ctx, q, e.ID)
			if err == nil || !strings.Contains(err.Error(), "append-only") {
				t.Errorf("%s: got %v, want a refusal saying the trail is append-only", q, err)
			}
		}
		if db.Postgres() {
			if err := db.ExecRaw(ctx, `TRUNCATE audit_events`); err == nil || !strings.Contains(err.Error(), "append-only") {
				t.Errorf("TRUNCATE: got %v, want a refusal", err)
			}
			// A role an application might connect as, granted every right on
			// the table, is refused all the same.
			b := make([]byte, 6)
			rand.Read(b)
			role := "linkbot_app_" + hex.EncodeToString(b)
			for _, q := range []string{`CREATE ROLE "` + role + `"`, `GRANT USAGE ON SCHEMA ` + pgSchema(t, db) + ` TO "` + role + `"`,
				`GRANT SELECT, INSERT, UPDATE, DELETE ON audit_events TO "` + role + `"`} {
				if err := db.ExecRaw(ctx, q); err != nil {
					t.Fatal(err)
				}
			}
			t.Cleanup(func() {
				db.ExecRaw(ctx, `REVOKE ALL ON audit_events FROM "`+role+`"`)
				db.ExecRaw(ctx, `REVOKE ALL ON SCHEMA `+pgSchema(t, db)+` FROM "`+role+`"`)
				db.ExecRaw(ctx, `DROP ROLE "`+role+`"`)
			})
			if err := db.ExecAsRole(ctx, role, `SELECT count(*) FROM audit_events`); err != nil {
				t.Fatalf("the role cannot read the trail: %v", err)
			}
			for _, q := range []string{`UPDATE audit_events SET actor = 'x'`, `DELETE FROM audit_events`} {
				if err := db.ExecAsRole(ctx, role, q); err == nil || !strings.Contains(err.Error(), "append-only") {
					t.Errorf("%s as %s: got %v, want a refusal", q, role, err)
				}
			}
		}
		list, err := db.ListAudit(ctx, p.ID)
		if err != nil {
			t.Fatal(err)
		}
		if len(list) != 1 || list[0].Actor != "Sam Worker" || list[0].Address != "192.0.2.7" {
			t.Errorf("after the refused changes the trail is %+v, want the one row as written", list)
		}
	})
}

func TestErasePersonLeavesNoTraceButTheTombstone(t *testing.T) {
	ctx := context.Background()
	storetest.Each(t, func(t *testing.T, db *store.DB) {
		p := storetest.Person(t, db, func(p *store.Person) {
			p.Name, p.PreferredName, p.Phone = "Quentin Marchbanks", "Quin", storetest.Ptr("+447700900991")
			p.NHSNumber, p.DateOfBirth = storetest.Ptr("9434765919"), storetest.Ptr("1950-03-14")
			p.Area, p.Reason, p.Needs = "Zanzibar Close", "lonely since Marchbanks senior died", store.Strings{"loneliness"}
			p.ReferralSource = store.SourceGP
		})
		other := storetest.Person(t, db, func(o *store.Person) { o.SchemeID, o.LinkWorkerID = p.SchemeID, p.LinkWorkerID })
		seedRecord(t, db, p, "thistlewaite")
		seedRecord(t, db, other, "marigold")

		rep, err := db.ErasePerson(ctx, p.ID, store.Erasure{ActorID: p.LinkWorkerID, Actor: "Ada Admin", Address: "192.0.2.9",
			Reason: "Quentin Marchbanks asked by letter; phone 07700 900991"})
		if err != nil {
			t.Fatal(err)
		}
		if rep.Messages != 2 || rep.OutboxCleared != 1 || rep.Answers != 1 || rep.Notes != 1 {
			t.Errorf("report %+v, want 2 messages, 1 cleared from the outbox, 1 answer, 1 note", rep)
		}
		found, err := db.ColumnsHolding(ctx, "Quentin", "Marchbanks", "Quin", "7700900991", "07700 900991", "9434765919",
			"1950-03-14", "Zanzibar", "thistlewaite")
		if err != nil {
			t.Fatal(err)
		}
		for _, f := range found {
			t.Errorf("after erasure %s", f)
		}
		// The other person is untouched.
		if found, _ := db.ColumnsHolding(ctx, "marigold", other.Name); len(found) < 6 {
			t.Errorf("the other person's record lost words: only %v", found)
		}

		// The tombstone keeps what the figures need.
		got, err := db.GetPerson(ctx, p.ID)
		if err != nil {
			t.Fatal(err)
		}
		if got.ErasedAt == nil || got.Name != store.ErasedName || got.Phone != nil || got.Status != store.PersonEnded ||
			got.ReferralSource != store.SourceGP || len(got.Needs) != 1 || !got.ReferredAt.Equal(p.ReferredAt) {
			t.Errorf("tombstone %+v: want erased, no name or phone, ended, referral source and needs kept", got)
		}
		answers, err := db.ListAnswers(ctx, p.ID)
		if err != nil || len(answers) != 1 || answers[0].Value == nil || *answers[0].Value != 7 || *answers[0].MeasureKey != "ons4.life_satisfaction" {
			t.Errorf("answers %+v (%v): want the score 7 of ons4.life_satisfaction kept", answers, err)
		}
		thread, err := db.ListThread(ctx, p.ID, 10)
		if err != nil || len(thread) != 2 {
			t.Fatalf("thread %v (%v): want both messages kept as tombstones", thread, err)
		}
		for _, m := range thread {
			if m.Direction == store.Outbound && (m.Status != store.StatusFailed || m.ErrorCode != "erased") {
				t.Errorf("the queued message is %s (%q), want failed: erased, never sent", m.Status, m.ErrorCode)
			}
		}
		audit, err := db.ListAudit(ctx, p.ID)
		if err != nil || len(audit) == 0 || audit[len(audit)-1].Action != "person.erased" {
			t.Fatalf("audit %+v (%v): want person.erased last", audit, err)
		}
		if d := string(audit[len(audit)-1].Detail); !strings.Contains(d, "[erased] [erased] asked by letter") {
			t.Errorf("the erasure's audit detail is %s, want the reason with the name and phone replaced", d)
		}

		// The address matches no one and cannot be referred again.
		if err := db.InTx(ctx, func(tx *store.Tx) error {
			_, _, err := tx.LockInboundPerson(ctx, store.ChannelSMS, "+447700900991", "+441234000000")
			return err
		}); store.ErrorCode(err) != store.NotFound {
			t.Errorf("a text from the erased number found someone: %v", err)
		}
		again := store.Person{SchemeID: p.SchemeID, Name: "New Referral", Phone: storetest.Ptr("+447700900991")}
		if err := db.CreatePerson(ctx, &again); store.ErrorCode(err) != store.Invalid || !strings.Contains(err.Error(), "erased") {
			t.Errorf("referring the erased number again: %v, want it refused", err)
		}
		if _, err := db.ErasePerson(ctx, p.ID, store.Erasure{Actor: "Ada Admin", Reason: "again"}); store.ErrorCode(err) != store.Conflict {
			t.Errorf("erasing twice: %v, want Conflict", err)
		}
	})
}

func TestPurgeExpiredRemovesTheWordsOfExpiredRecordsOnly(t *testing.T) {
	ctx := context.Background()
	storetest.Each(t, func(t *testing.T, db *store.DB) {
		now := time.Date(2035, 6, 1, 3, 0, 0, 0, time.UTC)
		cutoff := now.AddDate(-store.DefaultRetentionYears, 0, 0)
		expired := storetest.Person(t, db)
		same := func(o *store.Person) { o.SchemeID, o.LinkWorkerID = expired.SchemeID, expired.LinkWorkerID }
		kept := storetest.Person(t, db, same)
		active := storetest.Person(t, db, same)
		seedRecord(t, db, expired, "oldwords")
		seedRecord(t, db, kept, "recentwords")
		seedRecord(t, db, active, "activewords")
		end := func(p store.Person, at time.Time) {
			p.Status, p.EndedAt = store.PersonEnded, &at
			if err := db.UpdatePerson(ctx, p); err != nil {
				t.Fatal(err)
			}
		}
		end(expired, cutoff.Add(-time.Hour))
		end(kept, cutoff.Add(time.Hour))

		rep, err := db.PurgeExpired(ctx, now)
		if err != nil {
			t.Fatal(err)
		}
		if rep.People != 1 || rep.Messages != 2 || rep.Answers != 1 || rep.Notes != 1 || rep.Escalations != 1 {
			t.Errorf("report %+v, want 1 person: 2 messages, 1 answer, 1 note, 1 escalation", rep)
		}
		if found, _ := db.ColumnsHolding(ctx, "oldwords"); len(found) != 0 {
			t.Errorf("words of the expired record remain: %v", found)
		}
		for _, w := range []string{"recentwords", "activewords"} {
			if found, _ := db.ColumnsHolding(ctx, w); len(found) < 6 {
				t.Errorf("%s: a record within its retention lost words: only %v", w, found)
			}
		}
		answers, err := db.ListAnswers(ctx, expired.ID)
		if err != nil || len(answers) != 1 || answers[0].Value == nil || *answers[0].Value != 7 || answers[0].Words != "" {
			t.Errorf("answers %+v (%v): want the score kept and the words gone", answers, err)
		}
		if p, _ := db.GetPerson(ctx, expired.ID); p.Name != expired.Name {
			t.Errorf("retention removed the person's details (%q): only erasure does", p.Name)
		}
		audit, _ := db.ListAudit(ctx, expired.ID)
		var counts struct{ Messages, Notes int }
		if len(audit) == 0 || audit[len(audit)-1].Action != "retention.purged" || !audit[len(audit)-1].At.Equal(now) ||
			json.Unmarshal(audit[len(audit)-1].Detail, &counts) != nil || counts.Messages != 2 || counts.Notes != 1 {
			t.Errorf("audit %+v: want retention.purged at the purge's time with the counts", audit)
		}
		if rep, err := db.PurgeExpired(ctx, now.Add(time.Minute)); err != nil || rep.People != 0 {
			t.Errorf("a second purge: %+v, %v; want nothing more", rep, err)
		}
	})
}

// pgSchema is the quoted schema the test database lives in.
func pgSchema(t *testing.T, db *store.DB) string {
	t.Helper()
	var schema string
	if err := db.View(context.Background(), func(tx *store.Tx) error {
		return tx.QueryRowForTest(context.Background(), `SELECT current_schema()`, &schema)
	}); err != nil {
		t.Fatal(err)
	}
	return `"` + schema + `"`
}
