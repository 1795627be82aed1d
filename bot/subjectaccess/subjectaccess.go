// Package subjectaccess answers a subject access request (UK GDPR article
// 15): everything Linkbot holds about one person — their details and
// consent, every message to and from them with its delivery state, their
// answers and scores, escalations, notes, contacts, activity referrals and
// the audit trail of who looked at or changed their record — as one zip
// holding a readable HTML document (print it to PDF from the browser; it
// has print styles) and the same as JSON.
//
// The package reads and writes nothing else: the inbox and the command line
// record the export in the audit trail.
package subjectaccess

import (
	"archive/zip"
	"context"
	"embed"
	"encoding/json"
	"fmt"
	"html/template"
	"io"
	"math"
	"time"

	"github.com/linkbot/linkbot/store"
)

// Export is everything held about one person, in the words the JSON file
// uses.
type Export struct {
	GeneratedAt time.Time    `json:"generated_at"`
	Scheme      string       `json:"scheme"`
	Person      Person       `json:"person"`
	Messages    []Message    `json:"messages"`
	Answers     []Answer     `json:"answers"`
	Escalations []Escalation `json:"escalations"`
	Notes       []Note       `json:"notes"`
	Contacts    []Contact    `json:"contacts"`
	Referrals   []Referral   `json:"activity_referrals"`
	Audit       []Audit      `json:"audit_trail"`
}

// Person is the person's details and consent.
type Person struct {
	ID               int64      `json:"id"`
	Name             string     `json:"name"`
	PreferredName    string     `json:"preferred_name,omitempty"`
	Phone            string     `json:"phone,omitempty"`
	TelegramChatID   *int64     `json:"telegram_chat_id,omitempty"`
	PreferredChannel string     `json:"preferred_channel"`
	Language         string     `json:"language"`
	NHSNumber        string     `json:"nhs_number,omitempty"`
	DateOfBirth      string     `json:"date_of_birth,omitempty"`
	GPPractice       string     `json:"gp_practice,omitempty"`
	Area             string     `json:"area,omitempty"`
	Interests        []string   `json:"interests,omitempty"`
	Needs            []string   `json:"needs,omitempty"`
	Discreet         bool       `json:"discreet_mode"`
	LinkWorker       string     `json:"link_worker,omitempty"`
	ReferredAt       time.Time  `json:"referred_at"`
	ReferredBy       string     `json:"referred_by,omitempty"`
	ReferralSource   string     `json:"referral_source"`
	ReferralReason   string     `json:"referral_reason,omitempty"`
	ConsentAt        *time.Time `json:"consent_at,omitempty"`
	ConsentHow       string     `json:"consent_how,omitempty"`
	ConsentBy        string     `json:"consent_recorded_by,omitempty"`
	OptedOutAt       *time.Time `json:"opted_out_at,omitempty"`
	Status           string     `json:"status"`
	EndedAt          *time.Time `json:"support_ended_at,omitempty"`
	EndedReason      string     `json:"support_ended_reason,omitempty"`
	RestrictedAt     *time.Time `json:"processing_restricted_at,omitempty"`
	ErasedAt         *time.Time `json:"erased_at,omitempty"`
}

// Message is one message to or from the person.
type Message struct {
	ID          int64      `json:"id"`
	At          time.Time  `json:"at"`
	Direction   string     `json:"direction"` // in: from the person; out: to them
	From        string     `json:"from"`      // the person, Linkbot, or the link worker who wrote it
	Channel     string     `json:"channel"`
	Address     string     `json:"address"`
	Kind        string     `json:"kind"`
	Text        string     `json:"text"`
	Status      string     `json:"status"` // received, queued, sent, delivered, undelivered, failed, held
	SentAt      *time.Time `json:"sent_at,omitempty"`
	DeliveredAt *time.Time `json:"delivered_at,omitempty"`
	ReadAt      *time.Time `json:"read_at,omitempty"`
	Error       string     `json:"error,omitempty"`
}

// Answer is one answer to a question of a dialogue.
type Answer struct {
	At       time.Time `json:"at"`
	Question string    `json:"question"`
	Measure  string    `json:"measure,omitempty"`
	Score    *float64  `json:"score,omitempty"`
	Words    string    `json:"words,omitempty"`
}

// Escalation is something raised for the link worker to see.
type Escalation struct {
	At             time.Time  `json:"at"`
	Reason         string     `json:"reason"`
	Urgency        string     `json:"urgency"`
	Note           string     `json:"note,omitempty"`
	AcknowledgedAt *time.Time `json:"acknowledged_at,omitempty"`
	ResolvedAt     *time.Time `json:"resolved_at,omitempty"`
}

// Note is what a link worker wrote down about the person.
type Note struct {
	At     time.Time `json:"at"`
	Author string    `json:"author"`
	Text   string    `json:"text"`
}

// Contact is an appointment with the link worker.
type Contact struct {
	At         time.Time `json:"at"`
	Kind       string    `json:"kind"`
	Place      string    `json:"place,omitempty"`
	Status     string    `json:"status"`
	LinkWorker string    `json:"link_worker"`
}

// Referral is a community group suggested to the person.
type Referral struct {
	Group       string     `json:"group"`
	SuggestedAt time.Time  `json:"suggested_at"`
	AcceptedAt  *time.Time `json:"accepted_at,omitempty"`
	DeclinedAt  *time.Time `json:"declined_at,omitempty"`
	AttendedAt  *time.Time `json:"attended_at,omitempty"`
}

// Audit is one entry of the audit trail about the person.
type Audit struct {
	At      time.Time       `json:"at"`
	Who     string          `json:"who"`
	Action  string          `json:"action"`
	Address string          `json:"address,omitempty"`
	Detail  json.RawMessage `json:"detail,omitempty"`
}

// Collect gathers everything held about the person with id, as of tx.
func Collect(ctx context.Context, tx *store.Tx, id int64) (Export, error) {
	p, err := tx.GetPerson(ctx, id)
	if err != nil {
		return Export{}, fmt.Errorf("subject access: read person %d: %w", id, err)
	}
	e := Export{GeneratedAt: tx.Now()}
	scheme, err := tx.GetScheme(ctx, p.SchemeID)
	if err != nil {
		return e, fmt.Errorf("subject access: read scheme: %w", err)
	}
	e.Scheme = scheme.Name
	workers, err := tx.ListLinkWorkers(ctx, p.SchemeID)
	if err != nil {
		return e, fmt.Errorf("subject access: list link workers: %w", err)
	}
	names := map[int64]string{}
	for _, w := range workers {
		names[w.ID] = w.Name
	}
	name := func(id *int64) string {
		if id == nil {
			return ""
		}
		return names[*id]
	}
	e.Person = Person{ID: p.ID, Name: p.Name, PreferredName: p.PreferredName, Phone: deref(p.Phone), TelegramChatID: p.TelegramChatID,
		PreferredChannel: string(p.PreferredChannel), Language: p.Language, NHSNumber: deref(p.NHSNumber), DateOfBirth: deref(p.DateOfBirth),
		GPPractice: p.GPPractice, Area: p.Area, Interests: p.Interests, Needs: p.Needs, Discreet: p.Discreet, LinkWorker: name(p.LinkWorkerID),
		ReferredAt: p.ReferredAt, ReferredBy: p.ReferredBy, ReferralSource: string(p.ReferralSource), ReferralReason: p.Reason,
		ConsentAt: p.ConsentAt, ConsentHow: p.ConsentHow, ConsentBy: name(p.ConsentBy), OptedOutAt: p.OptedOutAt, Status: string(p.Status),
		EndedAt: p.EndedAt, EndedReason: p.EndedReason, RestrictedAt: p.RestrictedAt, ErasedAt: p.ErasedAt}

	msgs, err := tx.ListThread(ctx, id, math.MaxInt32)
	if err != nil {
		return e, fmt.Errorf("subject access: list messages: %w", err)
	}
	for _, m := range msgs {
		from := "Linkbot"
		switch {
		case m.Direction == store.Inbound:
			from = p.Name
		case m.AuthorID != nil:
			from = name(m.AuthorID)
		}
		e.Messages = append(e.Messages, Message{ID: m.ID, At: m.CreatedAt, Direction: string(m.Direction), From: from,
			Channel: string(m.Channel), Address: m.Address, Kind: string(m.Kind), Text: m.Body, Status: string(m.Status),
			SentAt: m.SentAt, DeliveredAt: m.DeliveredAt, ReadAt: m.ReadAt, Error: m.ErrorText})
	}
	answers, err := tx.ListAnswers(ctx, id)
	if err != nil {
		return e, fmt.Errorf("subject access: list answers: %w", err)
	}
	for _, a := range answers {
		e.Answers = append(e.Answers, Answer{At: a.AnsweredAt, Question: a.QuestionKey, Measure: deref(a.MeasureKey), Score: a.Value, Words: a.Words})
	}
	escalations, err := tx.ListPersonEscalations(ctx, id)
	if err != nil {
		return e, fmt.Errorf("subject access: list escalations: %w", err)
	}
	for _, x := range escalations {
		e.Escalations = append(e.Escalations, Escalation{At: x.CreatedAt, Reason: string(x.Reason), Urgency: string(x.Urgency),
			Note: x.Note, AcknowledgedAt: x.AcknowledgedAt, ResolvedAt: x.ResolvedAt})
	}
	notes, err := tx.ListNotes(ctx, id)
	if err != nil {
		return e, fmt.Errorf("subject access: list notes: %w", err)
	}
	for _, n := range notes {
		e.Notes = append(e.Notes, Note{At: n.CreatedAt, Author: names[n.AuthorID], Text: n.Body})
	}
	contacts, err := tx.ListContacts(ctx, id)
	if err != nil {
		return e, fmt.Errorf("subject access: list contacts: %w", err)
	}
	for _, c := range contacts {
		e.Contacts = append(e.Contacts, Contact{At: c.StartsAt, Kind: string(c.Kind), Place: c.Place, Status: string(c.Status), LinkWorker: names[c.LinkWorkerID]})
	}
	refs, err := tx.ListReferrals(ctx, id)
	if err != nil {
		return e, fmt.Errorf("subject access: list referrals: %w", err)
	}
	if len(refs) > 0 {
		groups, err := tx.ListGroups(ctx, p.SchemeID, false)
		if err != nil {
			return e, fmt.Errorf("subject access: list groups: %w", err)
		}
		groupNames := map[int64]string{}
		for _, g := range groups {
			groupNames[g.ID] = g.Name
		}
		for _, r := range refs {
			e.Referrals = append(e.Referrals, Referral{Group: groupNames[r.GroupID], SuggestedAt: r.SuggestedAt,
				AcceptedAt: r.AcceptedAt, DeclinedAt: r.DeclinedAt, AttendedAt: r.AttendedAt})
		}
	}
	audit, err := tx.ListAudit(ctx, id)
	if err != nil {
		return e, fmt.Errorf("subject access: list audit trail: %w", err)
	}
	for _, a := range audit {
		e.Audit = append(e.Audit, Audit{At: a.At, Who: a.Actor, Action: a.Action, Address: a.Address, Detail: json.RawMessage(a.Detail)})
	}
	return e, nil
}

func deref(s *string) string {
	if s == nil {
		return ""
	}
	return *s
}

//go:embed export.html
var templates embed.FS

var page = template.Must(template.New("export.html").Funcs(template.FuncMap{
	"when": func(t any) string {
		switch v := t.(type) {
		case time.Time:
			return v.UTC().Format("2 Jan 2006 15:04 UTC")
		case *time.Time:
			if v != nil {
				return v.UTC().Format("2 Jan 2006 15:04 UTC")
			}
		}
		return ""
	},
	"score": func(f *float64) string {
		if f == nil {
			return ""
		}
		return fmt.Sprint(*f)
	},
}).ParseFS(templates, "export.html"))

// FileName is the name of the zip for the person with id.
func FileName(id int64) string { return fmt.Sprintf("linkbot-subject-access-%d.zip", id) }

// WriteZip writes e as one zip: subject-access.html, to read and print,
// and subject-access.json, the same for machines.
func WriteZip(w io.Writer, e Export) error {
	z := zip.NewWriter(w)
	f, err := z.CreateHeader(&zip.FileHeader{Name: "subject-access.html", Method: zip.Deflate, Modified: e.GeneratedAt})
	if err != nil {
		return fmt.Errorf("subject access: write zip: %w", err)
	}
	if err := page.Execute(f, e); err != nil {
		return fmt.Errorf("subject access: write HTML: %w", err)
	}
	f, err = z.CreateHeader(&zip.FileHeader{Name: "subject-access.json", Method: zip.Deflate, Modified: e.GeneratedAt})
	if err != nil {
		return fmt.Errorf("subject access: write zip: %w", err)
	}
	enc := json.NewEncoder(f)
	enc.SetIndent("", "  ")
	if err := enc.Encode(e); err != nil {
		return fmt.Errorf("subject access: write JSON: %w", err)
	}
	if err := z.Close(); err != nil {
		return fmt.Errorf("subject access: write zip: %w", err)
	}
	return nil
}
