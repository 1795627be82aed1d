package store_test

import (
	"context"
	"errors"
	"strings"
	"testing"
	"time"

	"github.com/linkbot/linkbot/store"
	"github.com/linkbot/linkbot/store/storetest"
)

// wantCode fails the test unless err is a store error with code.
func wantCode(t *testing.T, err error, code store.Code) {
	t.Helper()
	if err == nil {
		t.Fatalf("got no error, want %s", code)
	}
	if got := store.ErrorCode(err); got != code {
		t.Fatalf("got %v (code %q), want code %q", err, got, code)
	}
}

// wantCheck fails the test unless err is an Invalid store error raised by
// the schema constraint named name.
func wantCheck(t *testing.T, err error, name string) {
	t.Helper()
	wantCode(t, err, store.Invalid)
	if !strings.Contains(err.Error(), name) {
		t.Fatalf("got %v, want a refusal by %s", err, name)
	}
}

// mustOK fails the test on err.
func mustOK(t *testing.T, err error) {
	t.Helper()
	if err != nil {
		t.Fatal(err)
	}
}

// TestConstraints is the conformance suite: every table's constraints hold
// on every database.
func TestConstraints(t *testing.T) {
	storetest.Each(t, func(t *testing.T, db *store.DB) {
		ctx := context.Background()
		ptr := storetest.Ptr[string]
		id := storetest.Ptr[int64]
		now := time.Date(2026, 11, 23, 10, 0, 0, 0, time.UTC)
		db.SetClock(func() time.Time { return now })

		// Two schemes, each with a link worker and a person.
		a := storetest.Person(t, db)
		b := storetest.Person(t, db)
		workerA, workerB := *a.LinkWorkerID, *b.LinkWorkerID

		t.Run("a scheme gets London time and 09:00 to 20:00 sending hours by default", func(t *testing.T) {
			s, err := db.GetScheme(ctx, a.SchemeID)
			mustOK(t, err)
			if s.TimeZone != "Europe/London" || s.SendFrom != "09:00" || s.SendUntil != "20:00" {
				t.Errorf("defaults: %q %q–%q", s.TimeZone, s.SendFrom, s.SendUntil)
			}
		})
		t.Run("a scheme needs a name", func(t *testing.T) {
			wantCheck(t, db.CreateScheme(ctx, &store.Scheme{Name: "  "}), "schemes_name_present")
		})
		t.Run("a scheme's time zone must exist", func(t *testing.T) {
			wantCode(t, db.CreateScheme(ctx, &store.Scheme{Name: "X", TimeZone: "Europe/Atlantis"}), store.Invalid)
		})
		t.Run("sending hours must be times of day", func(t *testing.T) {
			wantCheck(t, db.CreateScheme(ctx, &store.Scheme{Name: "X", SendUntil: "24:30"}), "schemes_send_hours_shape")
			wantCheck(t, db.CreateScheme(ctx, &store.Scheme{Name: "X", SendUntil: "9pm"}), "schemes_send_hours_shape")
			wantCheck(t, db.CreateScheme(ctx, &store.Scheme{Name: "X", SendFrom: "08:60"}), "schemes_send_hours_shape")
		})
		t.Run("sending hours must start before they end", func(t *testing.T) {
			wantCheck(t, db.CreateScheme(ctx, &store.Scheme{Name: "X", SendFrom: "20:00", SendUntil: "09:00"}), "schemes_send_hours_order")
		})
		t.Run("a duty phone must be E.164", func(t *testing.T) {
			wantCheck(t, db.CreateScheme(ctx, &store.Scheme{Name: "X", DutyPhone: ptr("07700 900123")}), "schemes_duty_phone_e164")
		})
		t.Run("scheme settings must be a JSON object", func(t *testing.T) {
			wantCheck(t, db.CreateScheme(ctx, &store.Scheme{Name: "X", Settings: store.JSON(`[1]`)}), "schemes_settings_object")
		})

		t.Run("a link worker's role must be known", func(t *testing.T) {
			wantCheck(t, db.CreateLinkWorker(ctx, &store.LinkWorker{SchemeID: a.SchemeID, Name: "X", Role: "boss"}), "link_workers_role_known")
		})
		t.Run("two link workers cannot sign in with one email, whatever its case", func(t *testing.T) {
			storetest.LinkWorker(t, db, a.SchemeID, func(w *store.LinkWorker) { w.Email = ptr("sam@example.org") })
			err := db.CreateLinkWorker(ctx, &store.LinkWorker{SchemeID: b.SchemeID, Name: "Sam", Email: ptr("Sam@Example.org")})
			wantCode(t, err, store.Conflict)
			if !errors.Is(err, store.ErrConflict) {
				t.Errorf("errors.Is(%v, ErrConflict) is false", err)
			}
		})
		t.Run("a link worker with a password has an email to sign in with", func(t *testing.T) {
			w := store.LinkWorker{SchemeID: a.SchemeID, Name: "X", PasswordHash: ptr("$2a$10$abcdefghijklmnopqrstuv")}
			wantCheck(t, db.CreateLinkWorker(ctx, &w), "link_workers_password_needs_email")
			ok := storetest.LinkWorker(t, db, a.SchemeID)
			ok.PasswordHash, ok.Email = ptr("$2a$10$abcdefghijklmnopqrstuv"), nil
			wantCheck(t, db.UpdateLinkWorker(ctx, ok), "link_workers_password_needs_email")
		})
		t.Run("a link worker belongs to a scheme that exists", func(t *testing.T) {
			wantCode(t, db.CreateLinkWorker(ctx, &store.LinkWorker{SchemeID: 999999, Name: "X"}), store.Invalid)
		})
		t.Run("a link worker's phone must be E.164", func(t *testing.T) {
			wantCheck(t, db.CreateLinkWorker(ctx, &store.LinkWorker{SchemeID: a.SchemeID, Name: "X", Phone: ptr("+44 7700 900123")}), "link_workers_phone_e164")
		})

		t.Run("a person cannot be assigned a link worker of another scheme", func(t *testing.T) {
			p := store.Person{SchemeID: a.SchemeID, LinkWorkerID: id(workerB), Name: "X", Phone: ptr(storetest.Phone())}
			wantCode(t, db.CreatePerson(ctx, &p), store.Invalid)
			moved := a
			moved.LinkWorkerID = id(workerB)
			wantCode(t, db.UpdatePerson(ctx, moved), store.Invalid)
			got, err := db.GetPerson(ctx, a.ID)
			mustOK(t, err)
			if *got.LinkWorkerID != workerA {
				t.Errorf("link worker changed to %d", *got.LinkWorkerID)
			}
		})
		t.Run("a person's phone must be E.164", func(t *testing.T) {
			for _, phone := range []string{"07700900123", "+44 7700 900123", "+0447700900123", "+44"} {
				p := store.Person{SchemeID: a.SchemeID, Name: "X", Phone: ptr(phone)}
				wantCheck(t, db.CreatePerson(ctx, &p), "people_phone_e164")
			}
		})
		t.Run("a person must be reachable on their preferred channel", func(t *testing.T) {
			p := store.Person{SchemeID: a.SchemeID, Name: "X", TelegramChatID: id(42), PreferredChannel: store.ChannelSMS}
			wantCheck(t, db.CreatePerson(ctx, &p), "people_reachable")
			p = store.Person{SchemeID: a.SchemeID, Name: "X", TelegramChatID: id(42), PreferredChannel: store.ChannelTelegram}
			mustOK(t, db.CreatePerson(ctx, &p))
		})
		t.Run("two active people of a scheme cannot share a phone, but a new referral may reuse an ended one's", func(t *testing.T) {
			p := store.Person{SchemeID: a.SchemeID, Name: "X", Phone: a.Phone}
			wantCode(t, db.CreatePerson(ctx, &p), store.Conflict)
			other := store.Person{SchemeID: b.SchemeID, Name: "X", Phone: a.Phone}
			mustOK(t, db.CreatePerson(ctx, &other))
			other.Status, other.EndedAt = store.PersonEnded, storetest.Ptr(now)
			mustOK(t, db.UpdatePerson(ctx, other))
			again := store.Person{SchemeID: b.SchemeID, Name: "X again", Phone: a.Phone}
			mustOK(t, db.CreatePerson(ctx, &again))
		})
		t.Run("consent records who recorded it, a link worker of the same scheme", func(t *testing.T) {
			p := a
			p.ConsentAt = storetest.Ptr(now)
			wantCheck(t, db.UpdatePerson(ctx, p), "people_consent_whole")
			p.ConsentBy = id(workerB)
			wantCode(t, db.UpdatePerson(ctx, p), store.Invalid)
			p.ConsentBy = id(workerA)
			mustOK(t, db.UpdatePerson(ctx, p))
		})
		t.Run("an ended person has an end time and an active one has none", func(t *testing.T) {
			p := a
			p.Status = store.PersonEnded
			wantCheck(t, db.UpdatePerson(ctx, p), "people_ended_whole")
			p.Status, p.EndedAt = store.PersonActive, storetest.Ptr(now)
			wantCheck(t, db.UpdatePerson(ctx, p), "people_ended_whole")
		})
		t.Run("a referral source must be known", func(t *testing.T) {
			p := store.Person{SchemeID: a.SchemeID, Name: "X", Phone: ptr(storetest.Phone()), ReferralSource: "friend"}
			wantCheck(t, db.CreatePerson(ctx, &p), "people_referral_source_known")
		})
		t.Run("a person's interests come back as written", func(t *testing.T) {
			p := storetest.Person(t, db, func(p *store.Person) { p.Interests = store.Strings{"gardening", "café chats"} })
			got, err := db.GetPerson(ctx, p.ID)
			mustOK(t, err)
			if len(got.Interests) != 2 || got.Interests[1] != "café chats" {
				t.Errorf("interests = %q", got.Interests)
			}
		})

		t.Run("a contact is with a link worker of the person's scheme", func(t *testing.T) {
			c := store.Contact{SchemeID: a.SchemeID, PersonID: a.ID, LinkWorkerID: workerB, StartsAt: now, Kind: store.ContactPhone}
			wantCode(t, db.CreateContact(ctx, &c), store.Invalid)
		})
		t.Run("a contact cannot claim a person of another scheme", func(t *testing.T) {
			c := store.Contact{SchemeID: b.SchemeID, PersonID: a.ID, LinkWorkerID: workerB, StartsAt: now, Kind: store.ContactPhone}
			wantCode(t, db.CreateContact(ctx, &c), store.Invalid)
		})
		t.Run("a contact's kind and status must be known", func(t *testing.T) {
			c := store.Contact{SchemeID: a.SchemeID, PersonID: a.ID, LinkWorkerID: workerA, StartsAt: now, Kind: "carrier_pigeon"}
			wantCheck(t, db.CreateContact(ctx, &c), "contacts_kind_known")
			ok := storetest.Contact(t, db, a)
			ok.Status = "maybe"
			wantCheck(t, db.UpdateContact(ctx, ok), "contacts_status_known")
		})

		t.Run("a group's name is unique in its scheme and its capacity is not negative", func(t *testing.T) {
			g := storetest.Group(t, db, a.SchemeID)
			wantCode(t, db.CreateGroup(ctx, &store.Group{SchemeID: a.SchemeID, Name: g.Name}), store.Conflict)
			mustOK(t, db.CreateGroup(ctx, &store.Group{SchemeID: b.SchemeID, Name: g.Name}))
			wantCheck(t, db.CreateGroup(ctx, &store.Group{SchemeID: a.SchemeID, Name: "Y", WeeklyCapacity: storetest.Ptr(-1)}), "community_groups_capacity_positive")
		})

		t.Run("dialogue versions count up per key and a run keeps its version", func(t *testing.T) {
			v1 := storetest.Dialogue(t, db, a.SchemeID, func(d *store.Dialogue) { d.Key = "welcome" })
			run := storetest.Run(t, db, a, func(r *store.Run) { r.DialogueID = v1.ID })
			v2 := storetest.Dialogue(t, db, a.SchemeID, func(d *store.Dialogue) { d.Key = "welcome" })
			if v1.Version != 1 || v2.Version != 2 {
				t.Errorf("versions %d, %d; want 1, 2", v1.Version, v2.Version)
			}
			latest, err := db.GetPublishedDialogue(ctx, a.SchemeID, "welcome")
			mustOK(t, err)
			if latest.ID != v2.ID {
				t.Errorf("latest published is version %d", latest.Version)
			}
			got, err := db.GetRun(ctx, run.ID)
			mustOK(t, err)
			if got.DialogueID != v1.ID {
				t.Errorf("run moved to dialogue %d", got.DialogueID)
			}
			mustOK(t, db.EndRun(ctx, run.ID, store.OutcomeCompleted))
		})
		t.Run("a dialogue key is lower case words", func(t *testing.T) {
			wantCheck(t, db.CreateDialogue(ctx, &store.Dialogue{SchemeID: a.SchemeID, Key: "Check In!", Source: "x"}), "dialogues_key_shape")
		})
		t.Run("a dialogue needs its source", func(t *testing.T) {
			wantCheck(t, db.CreateDialogue(ctx, &store.Dialogue{SchemeID: a.SchemeID, Key: "empty"}), "dialogues_source_present")
		})

		t.Run("a person has one open run at a time", func(t *testing.T) {
			p := storetest.Person(t, db)
			first := storetest.Run(t, db, p)
			second := store.Run{SchemeID: p.SchemeID, PersonID: p.ID, DialogueID: first.DialogueID}
			wantCode(t, db.StartRun(ctx, &second), store.Conflict)
			mustOK(t, db.EndRun(ctx, first.ID, store.OutcomeExpired))
			mustOK(t, db.StartRun(ctx, &second))
			wantCode(t, db.EndRun(ctx, first.ID, store.OutcomeCompleted), store.NotFound)
		})
		t.Run("a run cannot use another scheme's dialogue", func(t *testing.T) {
			d := storetest.Dialogue(t, db, b.SchemeID)
			r := store.Run{SchemeID: a.SchemeID, PersonID: a.ID, DialogueID: d.ID}
			wantCode(t, db.StartRun(ctx, &r), store.Invalid)
		})

		t.Run("a second nudge with the same key is refused", func(t *testing.T) {
			n := storetest.Nudge(t, db, a)
			again := store.Nudge{SchemeID: a.SchemeID, PersonID: a.ID, Kind: store.NudgeCheckin, Key: n.Key, DueAt: now}
			wantCode(t, db.CreateNudge(ctx, &again), store.Conflict)
			planned, err := db.PlanNudge(ctx, &again)
			mustOK(t, err)
			if planned {
				t.Error("PlanNudge planned a nudge whose key exists")
			}
			list, err := db.ListNudges(ctx, a.ID)
			mustOK(t, err)
			count := 0
			for _, x := range list {
				if x.Key == n.Key {
					count++
				}
			}
			if count != 1 {
				t.Errorf("%d nudges with key %q", count, n.Key)
			}
		})
		t.Run("a contact reminder names a contact of the same person", func(t *testing.T) {
			n := store.Nudge{SchemeID: a.SchemeID, PersonID: a.ID, Kind: store.NudgeContactReminder, Key: "r1", DueAt: now}
			wantCheck(t, db.CreateNudge(ctx, &n), "nudges_contact_reminder_has_contact")
			n.ContactID = id(storetest.Contact(t, db, b).ID)
			wantCode(t, db.CreateNudge(ctx, &n), store.Invalid)
			n.ContactID = id(storetest.Contact(t, db, a).ID)
			mustOK(t, db.CreateNudge(ctx, &n))
		})
		t.Run("a reply reminder or expiry names its run", func(t *testing.T) {
			n := store.Nudge{SchemeID: a.SchemeID, PersonID: a.ID, Kind: store.NudgeReplyExpiry, Key: "k-expiry", DueAt: now}
			wantCheck(t, db.CreateNudge(ctx, &n), "nudges_reply_has_run")
			run := storetest.Run(t, db, a)
			n.RunID = &run.ID
			mustOK(t, db.CreateNudge(ctx, &n))
			mustOK(t, db.EndRun(ctx, run.ID, store.OutcomeExpired))
		})
		t.Run("a nudge's kind must be known", func(t *testing.T) {
			n := store.Nudge{SchemeID: a.SchemeID, PersonID: a.ID, Kind: "spam", Key: "k-spam", DueAt: now}
			wantCheck(t, db.CreateNudge(ctx, &n), "nudges_kind_known")
		})
		t.Run("a nudge cannot suggest another scheme's group", func(t *testing.T) {
			g := storetest.Group(t, db, b.SchemeID)
			n := store.Nudge{SchemeID: a.SchemeID, PersonID: a.ID, Kind: store.NudgeSuggestion, Key: "k-sugg", DueAt: now, GroupID: id(g.ID)}
			wantCode(t, db.CreateNudge(ctx, &n), store.Invalid)
		})

		t.Run("a duplicate provider message id is refused", func(t *testing.T) {
			first := storetest.Outbound(t, db, a)
			second := storetest.Outbound(t, db, a)
			claimed, err := db.ClaimOutbox(ctx, now.Add(time.Minute), "w", time.Minute, 100)
			mustOK(t, err)
			if len(claimed) < 2 {
				t.Fatalf("claimed %d messages", len(claimed))
			}
			mustOK(t, db.MarkSent(ctx, first.ID, "w", "SM-dup"))
			wantCode(t, db.MarkSent(ctx, second.ID, "w", "SM-dup"), store.Conflict)
		})
		t.Run("an inbound message seen twice is stored once", func(t *testing.T) {
			in := storetest.Inbound(t, db, a)
			again := store.Message{SchemeID: a.SchemeID, PersonID: &a.ID, Channel: store.ChannelSMS, Address: *a.Phone, Body: "again", ProviderID: in.ProviderID}
			isNew, err := db.InsertInbound(ctx, &again)
			mustOK(t, err)
			if isNew || again.ID != in.ID || again.Body != in.Body {
				t.Errorf("duplicate stored anew: new=%v id=%d (first %d)", isNew, again.ID, in.ID)
			}
			other := store.Message{SchemeID: a.SchemeID, PersonID: &a.ID, Channel: store.ChannelTelegram, Address: "42", Body: "hi", ProviderID: in.ProviderID}
			isNew, err = db.InsertInbound(ctx, &other)
			mustOK(t, err)
			if !isNew {
				t.Error("the same provider id on another channel was taken for a duplicate")
			}
		})
		t.Run("an outbound message goes to exactly one person or link worker", func(t *testing.T) {
			none := store.Message{SchemeID: a.SchemeID, Channel: store.ChannelSMS, Address: "+447700900001", Kind: store.MessageNotification, Body: "x"}
			wantCheck(t, db.QueueMessage(ctx, &none), "messages_outbound_shape")
			both := none
			both.PersonID, both.LinkWorkerID = &a.ID, &workerA
			wantCheck(t, db.QueueMessage(ctx, &both), "messages_outbound_shape")
			worker := none
			worker.LinkWorkerID = &workerA
			mustOK(t, db.QueueMessage(ctx, &worker))
		})
		t.Run("a message cannot go to a person or link worker of another scheme", func(t *testing.T) {
			m := store.Message{SchemeID: a.SchemeID, PersonID: &b.ID, Channel: store.ChannelSMS, Address: *b.Phone, Kind: store.MessageNudge, Body: "x"}
			wantCode(t, db.QueueMessage(ctx, &m), store.Invalid)
			m = store.Message{SchemeID: a.SchemeID, LinkWorkerID: &workerB, Channel: store.ChannelSMS, Address: "+447700900001", Kind: store.MessageNotification, Body: "x"}
			wantCode(t, db.QueueMessage(ctx, &m), store.Invalid)
		})
		t.Run("a link worker's reply names its author and only it does", func(t *testing.T) {
			m := store.Message{SchemeID: a.SchemeID, PersonID: &a.ID, Channel: store.ChannelSMS, Address: *a.Phone, Kind: store.MessageFromLinkWorker, Body: "x"}
			wantCheck(t, db.QueueMessage(ctx, &m), "messages_author_only_from_link_worker")
			m.AuthorID = &workerA
			mustOK(t, db.QueueMessage(ctx, &m))
			n := store.Message{SchemeID: a.SchemeID, PersonID: &a.ID, Channel: store.ChannelSMS, Address: *a.Phone, Kind: store.MessageNudge, Body: "x", AuthorID: &workerA}
			wantCheck(t, db.QueueMessage(ctx, &n), "messages_author_only_from_link_worker")
		})
		t.Run("a message's channel and kind must be known", func(t *testing.T) {
			m := store.Message{SchemeID: a.SchemeID, PersonID: &a.ID, Channel: "fax", Address: "x", Kind: store.MessageNudge, Body: "x"}
			wantCheck(t, db.QueueMessage(ctx, &m), "messages_channel_known")
			m.Channel, m.Kind = store.ChannelSMS, "gossip"
			wantCheck(t, db.QueueMessage(ctx, &m), "messages_kind_known")
		})

		t.Run("a scored answer has a value and each question is answered once per run", func(t *testing.T) {
			p := storetest.Person(t, db)
			run := storetest.Run(t, db, p)
			noValue := store.Answer{PersonID: p.ID, RunID: run.ID, QuestionKey: "q1", MeasureKey: ptr("ons4.life_satisfaction")}
			wantCheck(t, db.CreateAnswer(ctx, &noValue), "answers_measure_has_value")
			ok := noValue
			ok.Value, ok.Words = storetest.Ptr(7.0), "seven"
			mustOK(t, db.CreateAnswer(ctx, &ok))
			twice := ok
			wantCode(t, db.CreateAnswer(ctx, &twice), store.Conflict)
			other := store.Answer{PersonID: a.ID, RunID: run.ID, QuestionKey: "q2"}
			wantCode(t, db.CreateAnswer(ctx, &other), store.Invalid)
			badKey := store.Answer{PersonID: p.ID, RunID: run.ID, QuestionKey: "q3", MeasureKey: ptr("Life Satisfaction"), Value: storetest.Ptr(1.0)}
			wantCheck(t, db.CreateAnswer(ctx, &badKey), "answers_measure_key_shape")
			list, err := db.ListAnswers(ctx, p.ID)
			mustOK(t, err)
			if len(list) != 1 || *list[0].Value != 7 || *list[0].MeasureKey != "ons4.life_satisfaction" {
				t.Errorf("answers = %+v", list)
			}
		})

		t.Run("an escalation's reason and urgency must be known", func(t *testing.T) {
			e := store.Escalation{SchemeID: a.SchemeID, PersonID: a.ID, Reason: store.ReasonRisk, Urgency: "whenever"}
			wantCheck(t, db.CreateEscalation(ctx, &e), "escalations_urgency_known")
			e.Urgency, e.Reason = store.Urgent, "bored"
			wantCheck(t, db.CreateEscalation(ctx, &e), "escalations_reason_known")
		})
		t.Run("only a link worker of the scheme can acknowledge an escalation", func(t *testing.T) {
			e := store.Escalation{SchemeID: a.SchemeID, PersonID: a.ID, LinkWorkerID: &workerA, Reason: store.ReasonRisk, Urgency: store.Urgent}
			mustOK(t, db.CreateEscalation(ctx, &e))
			wantCode(t, db.AcknowledgeEscalation(ctx, e.ID, workerB), store.Invalid)
			mustOK(t, db.AcknowledgeEscalation(ctx, e.ID, workerA))
			wantCode(t, db.AcknowledgeEscalation(ctx, 999999, workerA), store.NotFound)
			got, err := db.GetEscalation(ctx, e.ID)
			mustOK(t, err)
			if got.AcknowledgedBy == nil || *got.AcknowledgedBy != workerA || got.AcknowledgedAt == nil {
				t.Errorf("acknowledgement not recorded: %+v", got)
			}
		})
		t.Run("an escalation cannot go to a link worker of another scheme", func(t *testing.T) {
			e := store.Escalation{SchemeID: a.SchemeID, PersonID: a.ID, LinkWorkerID: &workerB, Reason: store.ReasonRisk, Urgency: store.Urgent}
			wantCode(t, db.CreateEscalation(ctx, &e), store.Invalid)
		})

		t.Run("a referral is to a group of the person's scheme", func(t *testing.T) {
			r := store.Referral{SchemeID: a.SchemeID, PersonID: a.ID, GroupID: storetest.Group(t, db, b.SchemeID).ID}
			wantCode(t, db.CreateReferral(ctx, &r), store.Invalid)
		})
		t.Run("a referral is attended only after it is accepted, and never both accepted and declined", func(t *testing.T) {
			r := store.Referral{SchemeID: a.SchemeID, PersonID: a.ID, GroupID: storetest.Group(t, db, a.SchemeID).ID}
			mustOK(t, db.CreateReferral(ctx, &r))
			r.AttendedAt = &now
			wantCheck(t, db.UpdateReferral(ctx, r), "activity_referrals_attended_after_accepted")
			r.AcceptedAt, r.DeclinedAt, r.AttendedAt = &now, &now, nil
			wantCheck(t, db.UpdateReferral(ctx, r), "activity_referrals_accepted_or_declined")
			r.DeclinedAt, r.AttendedAt = nil, &now
			mustOK(t, db.UpdateReferral(ctx, r))
		})

		t.Run("an audit event names an actor and an action and stays in its scheme", func(t *testing.T) {
			wantCheck(t, db.RecordAudit(ctx, &store.AuditEvent{SchemeID: a.SchemeID, Action: "person.viewed"}), "audit_events_actor_present")
			wantCheck(t, db.RecordAudit(ctx, &store.AuditEvent{SchemeID: a.SchemeID, Actor: "x"}), "audit_events_action_present")
			wantCode(t, db.RecordAudit(ctx, &store.AuditEvent{SchemeID: a.SchemeID, Actor: "x", Action: "y", PersonID: &b.ID}), store.Invalid)
			wantCode(t, db.RecordAudit(ctx, &store.AuditEvent{SchemeID: a.SchemeID, Actor: "x", Action: "y", ActorID: &workerB}), store.Invalid)
			e := store.AuditEvent{SchemeID: a.SchemeID, Actor: "Link Worker", ActorID: &workerA, Action: "person.viewed", PersonID: &a.ID, Detail: store.JSON(`{"page":"thread"}`)}
			mustOK(t, db.RecordAudit(ctx, &e))
			list, err := db.ListAudit(ctx, a.ID)
			mustOK(t, err)
			if len(list) != 1 || list[0].Action != "person.viewed" {
				t.Errorf("audit = %+v", list)
			}
		})

		t.Run("a message's nudge, and the message behind an answer or escalation, are the same person's", func(t *testing.T) {
			nudgeB := storetest.Nudge(t, db, b)
			m := store.Message{SchemeID: a.SchemeID, PersonID: &a.ID, NudgeID: &nudgeB.ID, Channel: store.ChannelSMS,
				Address: *a.Phone, Kind: store.MessageNudge, Body: "x"}
			wantCheck(t, db.QueueMessage(ctx, &m), "messages_nudge_same_person")
			nudgeA := storetest.Nudge(t, db, a)
			m.NudgeID = &nudgeA.ID
			mustOK(t, db.QueueMessage(ctx, &m))

			fromB := storetest.Inbound(t, db, b)
			fromA := storetest.Inbound(t, db, a)
			run := storetest.Run(t, db, a)
			ans := store.Answer{PersonID: a.ID, RunID: run.ID, QuestionKey: "mood", MessageID: &fromB.ID}
			wantCheck(t, db.CreateAnswer(ctx, &ans), "answers_message_same_person")
			ans.MessageID = &fromA.ID
			mustOK(t, db.CreateAnswer(ctx, &ans))

			e := store.Escalation{SchemeID: a.SchemeID, PersonID: a.ID, MessageID: &fromB.ID, Reason: store.ReasonRisk, Urgency: store.Urgent}
			wantCheck(t, db.CreateEscalation(ctx, &e), "escalations_message_same_person")
			e.MessageID = &fromA.ID
			mustOK(t, db.CreateEscalation(ctx, &e))
			mustOK(t, db.EndRun(ctx, run.ID, store.OutcomeCompleted))
		})

		t.Run("a missing row is NotFound", func(t *testing.T) {
			_, err := db.GetPerson(ctx, 999999)
			wantCode(t, err, store.NotFound)
			if !errors.Is(err, store.ErrNotFound) {
				t.Errorf("errors.Is(%v, ErrNotFound) is false", err)
			}
		})
	})
}
