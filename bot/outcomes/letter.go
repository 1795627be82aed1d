package outcomes

import (
	"strings"
	"time"

	"github.com/linkbot/linkbot/bot/referral"
	"github.com/linkbot/linkbot/store"
)

// MessageBack is the summary sent to a person's GP or referrer when their
// support ends, under the headings of the PRSB Social Prescribing
// Information Standard v1.1 (2023) "Message back to GP and referrer" and
// its minimum dataset (person demographics; needs and concerns; support
// offered, activities referred to; outcomes), as far as Linkbot holds
// them. It is shown as a printable page and given as JSON.
type MessageBack struct {
	Standard           string             `json:"standard"`
	PersonDemographics PersonDemographics `json:"person_demographics"`
	GPPractice         GPPractice         `json:"gp_practice"`
	ReferralDetails    ReferralDetails    `json:"referral_details"`
	WhatMattersToMe    string             `json:"what_matters_to_me"`
	NeedsAndConcerns   []string           `json:"needs_and_concerns"`
	SupportOffered     SupportOffered     `json:"support_offered"`
	Outcomes           []MeasureResult    `json:"outcomes"`
	LinkWorker         LinkWorker         `json:"link_worker"`
	SupportEnd         SupportEnd         `json:"support_end"`
}

// PersonDemographics identifies the person.
type PersonDemographics struct {
	Name        string `json:"name"`
	DateOfBirth string `json:"date_of_birth,omitempty"`
	NHSNumber   string `json:"nhs_number,omitempty"`
}

// GPPractice is the person's practice by ODS code.
type GPPractice struct {
	ODSCode string `json:"ods_code,omitempty"`
}

// ReferralDetails are the referral's date, source and referrer.
type ReferralDetails struct {
	Date     string `json:"date"`
	Source   string `json:"source"`
	Referrer string `json:"referrer,omitempty"`
	Reason   string `json:"reason,omitempty"`
	SNOMED   string `json:"snomed_ct"`
}

// SupportOffered is the support given: its dates, contacts and the
// activities suggested.
type SupportOffered struct {
	Start        string     `json:"start,omitempty"`
	End          string     `json:"end,omitempty"`
	ContactsHeld int        `json:"contacts_held"`
	Activities   []Activity `json:"activities"`
}

// Activity is a community group suggested and how it went: suggested,
// accepted, declined or attended.
type Activity struct {
	Group  string `json:"group"`
	Status string `json:"status"`
}

// MeasureResult is one measure's start and end.
type MeasureResult struct {
	Measure   string   `json:"measure"`
	Key       string   `json:"key"`
	SNOMED    string   `json:"snomed_ct,omitempty"`
	Start     float64  `json:"start"`
	StartDate string   `json:"start_date"`
	End       *float64 `json:"end"`
	EndDate   string   `json:"end_date,omitempty"`
	Change    *float64 `json:"change"`
	Result    string   `json:"result,omitempty"` // improved, same or worse
}

// LinkWorker is who supported the person.
type LinkWorker struct {
	Name  string `json:"name"`
	Email string `json:"email,omitempty"`
}

// SupportEnd is when and why support ended.
type SupportEnd struct {
	Date     string `json:"date,omitempty"`
	Reason   string `json:"reason,omitempty"`
	Declined string `json:"snomed_ct,omitempty"` // Social prescribing declined, when it was
}

// Letter is what a message back is made of.
type Letter struct {
	Person      store.Person
	Worker      *store.LinkWorker
	Contacts    []store.Contact
	Referrals   []store.Referral
	GroupNames  map[int64]string
	Answers     []store.Answer
	WhatMatters string
	Loc         *time.Location
}

// Build makes the message back from l.
func (l Letter) Build() MessageBack {
	p := l.Person
	day := func(t *time.Time) string {
		if t == nil {
			return ""
		}
		return t.In(l.Loc).Format(time.DateOnly)
	}
	m := MessageBack{
		Standard:           "PRSB Social Prescribing Information Standard v1.1: message back to GP and referrer",
		PersonDemographics: PersonDemographics{Name: p.Name},
		GPPractice:         GPPractice{ODSCode: p.GPPractice},
		ReferralDetails: ReferralDetails{Date: day(&p.ReferredAt), Source: referral.Label(referral.Sources, string(p.ReferralSource)),
			Referrer: p.ReferredBy, Reason: p.Reason, SNOMED: SNOMEDReferral},
		WhatMattersToMe:  strings.TrimSpace(l.WhatMatters),
		NeedsAndConcerns: []string{},
		SupportOffered:   SupportOffered{Start: day(p.ConsentAt), End: day(p.EndedAt), Activities: []Activity{}},
		Outcomes:         []MeasureResult{},
		SupportEnd:       SupportEnd{Date: day(p.EndedAt), Reason: p.EndedReason},
	}
	if p.DateOfBirth != nil {
		m.PersonDemographics.DateOfBirth = *p.DateOfBirth
	}
	if p.NHSNumber != nil {
		m.PersonDemographics.NHSNumber = *p.NHSNumber
	}
	for _, n := range p.Needs {
		m.NeedsAndConcerns = append(m.NeedsAndConcerns, referral.Label(referral.Needs, n))
	}
	for _, c := range l.Contacts {
		if c.Status == store.ContactDone {
			m.SupportOffered.ContactsHeld++
		}
	}
	for _, r := range l.Referrals {
		status := "suggested"
		switch {
		case r.AttendedAt != nil:
			status = "attended"
		case r.AcceptedAt != nil:
			status = "accepted"
		case r.DeclinedAt != nil:
			status = "declined"
		}
		m.SupportOffered.Activities = append(m.SupportOffered.Activities, Activity{Group: l.GroupNames[r.GroupID], Status: status})
	}
	for _, c := range PersonChanges(l.Answers) {
		r := MeasureResult{Measure: c.Measure.Label, Key: c.Measure.Key, SNOMED: c.Measure.SNOMED, Start: c.First, StartDate: day(&c.FirstAt)}
		if c.Paired() {
			end, change := c.Last, c.Change
			r.End, r.EndDate, r.Change, r.Result = &end, day(&c.LastAt), &change, string(c.Direction)
		}
		m.Outcomes = append(m.Outcomes, r)
	}
	if l.Worker != nil {
		m.LinkWorker.Name = l.Worker.Name
		if l.Worker.Email != nil {
			m.LinkWorker.Email = *l.Worker.Email
		}
	}
	// Declined: the rule of the scheme report and the export (store's
	// declinedSQL), for one person whose rows are already loaded.
	if p.EndedAt != nil && (p.ConsentAt == nil || p.OptedOutAt != nil) && m.SupportOffered.ContactsHeld == 0 {
		m.SupportEnd.Declined = SNOMEDDeclined
	}
	return m
}
