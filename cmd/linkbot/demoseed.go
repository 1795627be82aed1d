package main

import (
	"context"
	"encoding/json"
	"fmt"
	"io/fs"
	"strconv"
	"strings"
	"time"

	"golang.org/x/crypto/bcrypt"

	"github.com/linkbot/linkbot/dialogues"
	"github.com/linkbot/linkbot/store"
)

// seedDemo creates the demo scheme in db unless it is there already, and
// reports whether it did. It writes everything in one transaction, so a demo
// stopped during its first start seeds afresh the next time.
func seedDemo(ctx context.Context, db *store.DB, now time.Time) (seeded bool, err error) {
	err = db.InTx(ctx, func(tx *store.Tx) error {
		schemes, err := tx.ListSchemes(ctx)
		if err != nil {
			return err
		}
		for _, s := range schemes {
			if s.Name == demoSchemeName {
				return nil
			}
		}
		seeded = true
		return seedScheme(ctx, tx, now)
	})
	return seeded, err
}

// demoSeed carries what the seeding steps share.
type demoSeed struct {
	tx      *store.Tx
	now     time.Time
	loc     *time.Location
	scheme  store.Scheme
	workers []store.LinkWorker
	groups  map[string]store.Group
	ons4    store.Dialogue
}

func seedScheme(ctx context.Context, tx *store.Tx, now time.Time) error {
	s := &demoSeed{tx: tx, now: now, groups: map[string]store.Group{}}
	s.scheme = store.Scheme{Name: demoSchemeName, DutyName: "Calder Valley Connect duty line", DutyPhone: ptr(demoDutyContact)}
	if err := tx.At(now.AddDate(0, -6, 0)).CreateScheme(ctx, &s.scheme); err != nil {
		return err
	}
	loc, err := s.scheme.Location()
	if err != nil {
		return fmt.Errorf("demo scheme time zone: %w", err)
	}
	s.loc = loc
	steps := []func(context.Context) error{s.addWorkers, s.addDialogues, s.addGroups}
	for _, step := range steps {
		if err := step(ctx); err != nil {
			return err
		}
	}
	for i, p := range demoPeople {
		if err := s.addPerson(ctx, i, p); err != nil {
			return fmt.Errorf("demo person %d: %w", i+1, err)
		}
	}
	if err := s.addHistory(ctx); err != nil {
		return err
	}
	return planDemoNudges(ctx, tx, s.scheme.ID)
}

func (s *demoSeed) addWorkers(ctx context.Context) error {
	hours, _ := json.Marshal(map[string]string{"mon": "09:00-17:00", "tue": "09:00-17:00", "wed": "09:00-17:00", "thu": "09:00-17:00", "fri": "09:00-16:30"})
	for _, w := range demoWorkers {
		hash, err := bcrypt.GenerateFromPassword([]byte(w.password), bcrypt.DefaultCost)
		if err != nil {
			return fmt.Errorf("hash demo password: %w", err)
		}
		lw := store.LinkWorker{SchemeID: s.scheme.ID, Name: w.name, Phone: ptr(w.phone), WorkingHours: hours,
			Email: ptr(w.email), PasswordHash: ptr(string(hash)), Active: true, Role: store.RoleLinkWorker}
		if w.admin {
			lw.Role = store.RoleSchemeAdmin
		}
		if err := s.tx.At(s.now.AddDate(0, -6, 0)).CreateLinkWorker(ctx, &lw); err != nil {
			return err
		}
		s.workers = append(s.workers, lw)
	}
	return nil
}

// addDialogues publishes the built-in library, except dialogues that need a
// licence the demo scheme does not hold (SWEMWBS), which stay as drafts.
func (s *demoSeed) addDialogues(ctx context.Context) error {
	files := dialogues.LibraryFiles()
	names, err := fs.Glob(files, "*.yaml")
	if err != nil {
		return fmt.Errorf("list built-in dialogues: %w", err)
	}
	tx := s.tx.At(s.now.AddDate(0, -6, 0))
	for _, name := range names {
		src, err := fs.ReadFile(files, name)
		if err != nil {
			return fmt.Errorf("read built-in dialogue: %w", err)
		}
		d, diags := dialogues.Parse(name, src)
		if err := diags.Err(); err != nil {
			return err
		}
		row := store.Dialogue{SchemeID: s.scheme.ID, Key: d.Key, Source: string(src)}
		if err := tx.CreateDialogue(ctx, &row); err != nil {
			return err
		}
		if d.Licence == "" {
			if err := tx.PublishDialogue(ctx, row.ID); err != nil {
				return err
			}
		}
		if d.Key == "ons4" {
			s.ons4 = row
		}
	}
	return nil
}

func (s *demoSeed) addGroups(ctx context.Context) error {
	for _, g := range demoGroups {
		row := store.Group{SchemeID: s.scheme.ID, Name: g.name, Description: g.about, Tags: g.tags, Place: g.where,
			Schedule: g.when, WeeklyCapacity: ptr(g.capacity), Contact: g.contact, Active: true}
		if err := s.tx.At(s.now.AddDate(0, -5, 0)).CreateGroup(ctx, &row); err != nil {
			return err
		}
		s.groups[g.name] = row
	}
	return nil
}

func (s *demoSeed) addPerson(ctx context.Context, i int, dp demoPerson) error {
	referred := s.localDay(-dp.referredDaysAgo, 11, 0)
	worker := s.workers[dp.worker]
	p := store.Person{SchemeID: s.scheme.ID, LinkWorkerID: &worker.ID, Name: dp.name, Phone: ptr(dp.phone),
		PreferredChannel: store.Channel(dp.channel), Discreet: dp.discreet, Interests: dp.interests, Area: dp.area,
		ReferredAt: referred, ReferredBy: dp.source, ReferralSource: referralSource(dp.source),
		ConsentAt: ptr(referred.AddDate(0, 0, 2)), ConsentBy: &worker.ID}
	if dp.channel == string(store.ChannelTelegram) {
		p.TelegramChatID = ptr(int64(700000100 + i))
	}
	if err := s.tx.At(referred).CreatePerson(ctx, &p); err != nil {
		return err
	}
	if err := s.addContacts(ctx, i, dp, p); err != nil {
		return err
	}
	if err := s.addCheckIns(ctx, i, dp, p); err != nil {
		return err
	}
	if err := s.addReferral(ctx, p); err != nil {
		return err
	}
	if err := s.addRecentMessage(ctx, p); err != nil {
		return err
	}
	if dp.ended {
		p.Status = store.PersonEnded
		p.EndedAt = ptr(s.localDay(-dp.referredDaysAgo+90, 12, 0))
		return s.tx.UpdatePerson(ctx, p)
	}
	return nil
}

// addContacts books a first home visit two days after referral, a phone
// call every fortnight since, and, for people still supported, a next
// contact in the coming days.
func (s *demoSeed) addContacts(ctx context.Context, i int, dp demoPerson, p store.Person) error {
	book := func(at time.Time, kind store.ContactKind, place string, status store.ContactStatus) error {
		c := store.Contact{SchemeID: s.scheme.ID, PersonID: p.ID, LinkWorkerID: *p.LinkWorkerID, StartsAt: at,
			Kind: kind, Place: place, Status: status}
		return s.tx.At(at.AddDate(0, 0, -7)).CreateContact(ctx, &c)
	}
	if err := book(s.localDay(-dp.referredDaysAgo+2, 10, 30), store.ContactHomeVisit, "Home", store.ContactDone); err != nil {
		return err
	}
	for day := -dp.referredDaysAgo + 16; day < 0; day += 14 {
		if dp.ended && day > -dp.referredDaysAgo+90 {
			break
		}
		if err := book(s.localDay(day, 14, 0), store.ContactPhone, "", store.ContactDone); err != nil {
			return err
		}
	}
	if dp.ended {
		return nil
	}
	next := s.localDay(1+i%9, 10+i%5, 30*(i%2))
	if next.Weekday() == time.Saturday || next.Weekday() == time.Sunday {
		next = next.AddDate(0, 0, 2)
	}
	return book(next, store.ContactInPerson, dp.area+" library, meeting room", store.ContactBooked)
}

// addCheckIns plays the ONS4 check-in through the real step machine every
// fortnight from the start of support, keeping the messages, answers and
// escalations, so each person's chart shows a few months.
func (s *demoSeed) addCheckIns(ctx context.Context, i int, dp demoPerson, p store.Person) error {
	if dp.referredDaysAgo < 7 {
		return nil
	}
	first := []string{"4", "5", "three", "7", "no ta"}
	later := []string{"6", "7", "6 out of 10", "3", "no thanks"}
	if i%3 == 1 {
		first = []string{"5", "5", "4", "8", "yes please"}
		later = []string{"7", "8", "7", "2", "no"}
	}
	for day, n := -dp.referredDaysAgo+1, 0; day < -3; day, n = day+14, n+1 {
		replies := first
		if n > 0 {
			replies = later
			if n%2 == 1 { // a wobble between: one point lower, anxiety one higher
				replies = []string{dip(later[0], -1), dip(later[1], -1), later[2], dip(later[3], 1), later[4]}
			}
		}
		if err := s.playCheckIn(ctx, p, s.mondayAfter(day, 10), replies); err != nil {
			return err
		}
	}
	return nil
}

// dip moves a numeric reply by d, leaving words as they are.
func dip(reply string, d int) string {
	n, err := strconv.Atoi(reply)
	if err != nil {
		return reply
	}
	return strconv.Itoa(min(max(n+d, 0), 10))
}

func (s *demoSeed) playCheckIn(ctx context.Context, p store.Person, at time.Time, replies []string) error {
	d, ok := dialogues.Builtin("ons4")
	if !ok {
		return fmt.Errorf("the built-in ONS4 dialogue is missing")
	}
	worker := s.workers[0]
	for _, w := range s.workers {
		if w.ID == *p.LinkWorkerID {
			worker = w
		}
	}
	vars := dialogues.SampleVars()
	vars["first_name"] = strings.Fields(p.Name)[0]
	vars["link_worker"] = strings.Fields(worker.Name)[0]
	turns, _, err := dialogues.Simulate(d, replies, dialogues.Params{Vars: vars, Discreet: p.Discreet})
	if err != nil {
		return fmt.Errorf("play the demo check-in: %w", err)
	}
	run := store.Run{SchemeID: s.scheme.ID, PersonID: p.ID, DialogueID: s.ons4.ID, State: store.JSON("{}")}
	if err := s.tx.At(at).StartRun(ctx, &run); err != nil {
		return err
	}
	var lastIn *int64
	for n, t := range turns {
		tx := s.tx.At(at.Add(time.Duration(n) * time.Minute))
		if err := s.recordTurn(ctx, tx, p, run, t, &lastIn); err != nil {
			return err
		}
	}
	return s.tx.At(at.Add(time.Duration(len(turns))*time.Minute)).EndRun(ctx, run.ID, store.OutcomeCompleted)
}

// recordTurn stores one turn of a played dialogue: a message each way, an
// answer, or an escalation that the link worker has since dealt with.
func (s *demoSeed) recordTurn(ctx context.Context, tx *store.Tx, p store.Person, run store.Run, t dialogues.Turn, lastIn **int64) error {
	switch {
	case t.Escalation != nil:
		e := store.Escalation{SchemeID: s.scheme.ID, PersonID: p.ID, LinkWorkerID: p.LinkWorkerID, MessageID: *lastIn,
			Reason: store.Reason(t.Escalation.Reason), Urgency: store.Urgency(t.Escalation.Urgency), Note: "from the check-in"}
		if err := tx.CreateEscalation(ctx, &e); err != nil {
			return err
		}
		later := tx.At(tx.Now().Add(3 * time.Hour))
		if err := later.AcknowledgeEscalation(ctx, e.ID, *p.LinkWorkerID); err != nil {
			return err
		}
		return later.ResolveEscalation(ctx, e.ID)
	case t.Text != "":
		m := s.message(p, t.From == "person", t.Text, tx.Now())
		if err := tx.ImportMessage(ctx, &m); err != nil {
			return err
		}
		if m.Direction == store.Inbound {
			*lastIn = &m.ID
		}
	}
	// A person's reply carries its answer in the same turn: record it
	// against that message.
	if t.Answer != nil && !t.Answer.Value.None() && *lastIn != nil {
		a := store.Answer{PersonID: p.ID, RunID: run.ID, MessageID: *lastIn, QuestionKey: t.Answer.Measure,
			MeasureKey: ptr(t.Answer.Measure), Value: ptr(answerNumber(t.Answer.Value)), Words: t.Text}
		return tx.CreateAnswer(ctx, &a)
	}
	return nil
}

// message is a delivered or read message between the scheme and p.
func (s *demoSeed) message(p store.Person, inbound bool, body string, at time.Time) store.Message {
	m := store.Message{SchemeID: s.scheme.ID, PersonID: &p.ID, Channel: p.PreferredChannel, Address: address(p), Body: body}
	if inbound {
		m.Direction, m.Kind, m.Status, m.ReadAt = store.Inbound, store.MessageInbound, store.StatusReceived, ptr(at.Add(time.Hour))
	} else {
		m.Direction, m.Kind, m.Status = store.Outbound, store.MessageNudge, store.StatusDelivered
		m.SentAt, m.DeliveredAt = ptr(at), ptr(at.Add(5*time.Second))
	}
	return m
}

// addReferral records the activity suggestion each person has had, if any.
func (s *demoSeed) addReferral(ctx context.Context, p store.Person) error {
	r, ok := demoReferrals[p.Name]
	if !ok {
		return nil
	}
	g, ok := s.groups[r.group]
	if !ok {
		return fmt.Errorf("demo referral to unknown group %q", r.group)
	}
	suggested := p.ReferredAt.AddDate(0, 0, 10)
	ref := store.Referral{SchemeID: s.scheme.ID, PersonID: p.ID, GroupID: g.ID}
	if err := s.tx.At(suggested).CreateReferral(ctx, &ref); err != nil {
		return err
	}
	switch r.outcome {
	case "declined":
		ref.DeclinedAt = ptr(suggested.Add(2 * time.Hour))
	case "accepted", "attended":
		ref.AcceptedAt = ptr(suggested.Add(2 * time.Hour))
	}
	if r.outcome == "attended" {
		ref.AttendedAt = ptr(suggested.AddDate(0, 0, 7))
	}
	return s.tx.UpdateReferral(ctx, ref)
}

// addRecentMessage leaves an unread reply from this week in the inbox.
func (s *demoSeed) addRecentMessage(ctx context.Context, p store.Person) error {
	text, ok := demoRecentReplies[p.Name]
	if !ok {
		return nil
	}
	at := s.localDay(-1-len(text)%2, 11+len(text)%6, len(text)%60) // yesterday or the day before, in the daytime
	reason, escalated := demoRecentEscalations[p.Name]
	urgency := store.Soon
	if reason == string(store.ReasonRisk) {
		// An urgent message nobody has acknowledged yet, from this morning.
		urgency, at = store.Urgent, s.now.Add(-40*time.Minute)
	}
	m := s.message(p, true, text, at)
	m.ReadAt = nil
	if err := s.tx.At(at).ImportMessage(ctx, &m); err != nil {
		return err
	}
	if !escalated {
		return nil
	}
	e := store.Escalation{SchemeID: s.scheme.ID, PersonID: p.ID, LinkWorkerID: p.LinkWorkerID, MessageID: &m.ID,
		Reason: store.Reason(reason), Urgency: urgency}
	return s.tx.At(at).CreateEscalation(ctx, &e)
}

// mondayAfter is hour:00 local on the first Monday on or after days from
// today: check-ins go out on Mondays.
func (s *demoSeed) mondayAfter(days, hour int) time.Time {
	t := s.localDay(days, hour, 0)
	for t.Weekday() != time.Monday {
		days++
		t = s.localDay(days, hour, 0)
	}
	return t
}

// localDay is the time hour:min in the scheme's zone, days from today.
func (s *demoSeed) localDay(days, hour, min int) time.Time {
	t := s.now.In(s.loc)
	return time.Date(t.Year(), t.Month(), t.Day()+days, hour, min, 0, 0, s.loc)
}

func address(p store.Person) string {
	if p.PreferredChannel == store.ChannelTelegram && p.TelegramChatID != nil {
		return strconv.FormatInt(*p.TelegramChatID, 10)
	}
	return *p.Phone
}

func answerNumber(v dialogues.Value) float64 {
	if v.Kind == dialogues.AnswerYesNo {
		if v.Yes {
			return 1
		}
		return 0
	}
	return v.Number
}

func referralSource(source string) store.ReferralSource {
	switch source {
	case "GP":
		return store.SourceGP
	case "Practice nurse", "Health visitor":
		return store.SourcePracticeStaff
	case "Self-referral":
		return store.SourceSelf
	case "Housing association":
		return store.SourceHousing
	case "Carers' centre", "Citizens Advice", "College", "Jobcentre":
		return store.SourceVoluntarySector
	}
	return store.SourceOther
}

func ptr[T any](v T) *T { return &v }
