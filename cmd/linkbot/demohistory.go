package main

import (
	"context"
	"fmt"
	"strconv"
	"time"

	"github.com/linkbot/linkbot/store"
)

// The demo scheme's past year: sixty episodes of support that have ended,
// so that the outcomes dashboard shows what a commissioner expects to see —
// referrals by source and need, contacts, start and end ONS4 scores played
// through the real check-in, suggestions accepted, declined and attended,
// provision gaps, a few people who declined or opted out. Everything is
// worked out from each episode's number, so every demo is the same.

const demoHistoryEpisodes = 60

var (
	demoFirstNames = []string{"Alan", "Brenda", "Carl", "Dorothy", "Eddie", "Fatima", "Gordon", "Helen", "Imran", "Janet",
		"Keith", "Linda", "Mohammed", "Norma", "Owen", "Pauline", "Rashid", "Shirley", "Trevor", "Valerie"}
	demoLastNames = []string{"Ackroyd", "Barraclough", "Crabtree", "Dyson", "Earnshaw", "Firth", "Greenwood", "Hirst",
		"Illingworth", "Jagger", "Kershaw", "Lumb", "Mitchell", "Naylor", "Oldroyd", "Pickles", "Riley", "Sutcliffe"}
	demoHistorySources = []store.ReferralSource{store.SourceGP, store.SourceGP, store.SourceGP, store.SourcePracticeStaff,
		store.SourceSelf, store.SourceSocialCare, store.SourceGP, store.SourceVoluntarySector, store.SourceHousing, store.SourceGP}
	// demoHistoryNeeds are needs and the group that suits them ("" when no
	// group in the directory does: a provision gap).
	demoHistoryNeeds = []struct {
		needs []string
		group string
	}{
		{[]string{"loneliness"}, "Valley Voices Community Choir"},
		{[]string{"loneliness", "physical_activity"}, "Healthy Walks"},
		{[]string{"money"}, "Debt Advice Clinic"},
		{[]string{"mental_wellbeing"}, "Art for Wellbeing"},
		{[]string{"loneliness", "mental_wellbeing"}, "Mytholmroyd Men's Shed"},
		{[]string{"physical_activity"}, "Calder Valley Walking Football"},
		{[]string{"carer_support", "loneliness"}, "Knit and Natter"},
		{[]string{"housing"}, ""},
		{[]string{"money", "loneliness"}, "Cook and Eat"},
		{[]string{"employment"}, ""},
	}
	demoPractices = []string{"B86001", "B86016", "B86023"}
)

// nhsNumber makes a valid NHS number (modulus 11 check digit) from nine
// digits, moving on to the next nine when the check digit would be 10.
func nhsNumber(base int) string {
	for {
		d := fmt.Sprintf("%09d", base)
		sum := 0
		for i := 0; i < 9; i++ {
			sum += int(d[i]-'0') * (10 - i)
		}
		check := 11 - sum%11
		if check == 11 {
			check = 0
		}
		if check != 10 {
			return d + strconv.Itoa(check)
		}
		base++
	}
}

// addHistory seeds the past episodes.
func (s *demoSeed) addHistory(ctx context.Context) error {
	for i := 0; i < demoHistoryEpisodes; i++ {
		if err := s.addPastEpisode(ctx, i); err != nil {
			return fmt.Errorf("demo past episode %d: %w", i+1, err)
		}
	}
	return nil
}

func (s *demoSeed) addPastEpisode(ctx context.Context, i int) error {
	daysAgo := 120 + (i*37)%240
	referred := s.localDay(-daysAgo, 9+i%7, 0)
	worker := s.workers[i%len(s.workers)]
	need := demoHistoryNeeds[i%len(demoHistoryNeeds)]
	declines := i%12 == 11 // no consent: declined social prescribing
	p := store.Person{SchemeID: s.scheme.ID, LinkWorkerID: &worker.ID,
		Name:  demoFirstNames[i%len(demoFirstNames)] + " " + demoLastNames[(i*7)%len(demoLastNames)],
		Phone: ptr(fmt.Sprintf("+447700900%03d", 400+i)), ReferredAt: referred, ReferralSource: demoHistorySources[i%len(demoHistorySources)],
		ReferredBy: "Dr Hussain, Calder Valley PCN", Needs: need.needs, NHSNumber: ptr(nhsNumber(943476000 + 101*i)),
		DateOfBirth: ptr(fmt.Sprintf("%d-%02d-%02d", 1938+(i*3)%60, 1+i%12, 1+(i*5)%28)), GPPractice: demoPractices[i%len(demoPractices)],
		Area: "Calder Valley"}
	if !declines {
		p.ConsentAt, p.ConsentBy, p.ConsentHow = ptr(referred.AddDate(0, 0, 2)), &worker.ID, "phone"
	}
	if err := s.tx.At(referred).CreatePerson(ctx, &p); err != nil {
		return err
	}
	ended := referred.AddDate(0, 0, 70+i%30)
	if declines {
		return s.tx.At(referred.AddDate(0, 0, 14)).EndSupport(ctx, p.ID, "did not want support")
	}
	// Contacts: the first 3 to 20 days after referral, then every two
	// weeks; one in seven people missed one.
	first := referred.AddDate(0, 0, 3+(i*3)%18)
	for at, n := first, 0; at.Before(ended); at, n = at.AddDate(0, 0, 14), n+1 {
		status := store.ContactDone
		if n == 1 && i%7 == 3 {
			status = store.ContactDidNotAttend
		}
		c := store.Contact{SchemeID: s.scheme.ID, PersonID: p.ID, LinkWorkerID: worker.ID, StartsAt: at, Kind: store.ContactPhone, Status: status}
		if n == 0 {
			c.Kind, c.Place = store.ContactHomeVisit, "Home"
		}
		if err := s.tx.At(at.AddDate(0, 0, -5)).CreateContact(ctx, &c); err != nil {
			return err
		}
	}
	// The start and end check-ins, through the real ONS4 dialogue.
	start, end := demoScores(i)
	if err := s.playCheckIn(ctx, p, referred.AddDate(0, 0, 3).Add(time.Hour), start); err != nil {
		return err
	}
	optsOut := i%15 == 7
	if !optsOut {
		if err := s.playCheckIn(ctx, p, ended.Add(time.Hour), end); err != nil {
			return err
		}
	}
	// A suggestion: attended, accepted, declined or unanswered; or, when
	// no group suits, a provision gap.
	suggested := first.AddDate(0, 0, 1)
	if need.group == "" {
		e := store.Escalation{SchemeID: s.scheme.ID, PersonID: p.ID, LinkWorkerID: &worker.ID, Reason: store.ReasonProvisionGap,
			Urgency: store.Routine, Note: "no group fits"}
		if err := s.tx.At(suggested).CreateEscalation(ctx, &e); err != nil {
			return err
		}
		if err := s.tx.At(suggested.Add(26*time.Hour)).AcknowledgeEscalation(ctx, e.ID, worker.ID); err != nil {
			return err
		}
	} else {
		ref := store.Referral{SchemeID: s.scheme.ID, PersonID: p.ID, GroupID: s.groups[need.group].ID}
		if err := s.tx.At(suggested).CreateReferral(ctx, &ref); err != nil {
			return err
		}
		switch i % 20 {
		case 0, 1, 2, 4, 5, 6, 9, 10, 12, 14, 15: // attended
			ref.AcceptedAt, ref.AttendedAt = ptr(suggested.Add(3*time.Hour)), ptr(suggested.AddDate(0, 0, 7))
		case 3, 8, 13, 16: // accepted
			ref.AcceptedAt = ptr(suggested.Add(3 * time.Hour))
		case 11, 17, 18: // declined
			ref.DeclinedAt = ptr(suggested.Add(3 * time.Hour))
		}
		if err := s.tx.UpdateReferral(ctx, ref); err != nil {
			return err
		}
	}
	if optsOut {
		if err := s.tx.SetOptedOut(ctx, p.ID, ptr(referred.AddDate(0, 0, 40))); err != nil {
			return err
		}
	}
	return s.tx.At(ended).EndSupport(ctx, p.ID, "support plan completed")
}

// demoScores are the replies to the start and end ONS4 check-ins of
// episode i: most improve, some stay the same, one in ten gets worse.
func demoScores(i int) (start, end []string) {
	sat, worth, happy, anx := 3+i%4, 4+i%3, 3+(i+1)%4, 5+i%4
	d := [4]int{3, 2, 3, -3} // life satisfaction, worthwhile, happiness, anxiety
	switch i % 10 {
	case 6, 7:
		d = [4]int{1, 0, 1, -1}
	case 8:
		d = [4]int{-2, -1, -2, 2}
	case 9:
		d = [4]int{2, 2, 2, -2}
	}
	clamp := func(v int) string { return strconv.Itoa(min(max(v, 0), 10)) }
	start = []string{clamp(sat), clamp(worth), clamp(happy), clamp(anx), "no"}
	end = []string{clamp(sat + d[0]), clamp(worth + d[1]), clamp(happy + d[2]), clamp(anx + d[3]), "no"}
	return start, end
}
