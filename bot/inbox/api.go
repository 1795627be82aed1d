package inbox

import (
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"net/http"
	"strconv"
	"strings"
	"time"

	"github.com/linkbot/linkbot/bot/referral"
	"github.com/linkbot/linkbot/store"
)

// apiTokenPrefix starts every API token, so a leaked one is easy to spot.
const apiTokenPrefix = "lbk_"

// maxAPIBody is the largest JSON body the API reads.
const maxAPIBody = 64 << 10

// apiProblem is the body of every API error: which field, and what is wrong.
type apiProblem struct {
	Error struct {
		Field   string `json:"field,omitempty"`
		Problem string `json:"problem"`
	} `json:"error"`
}

// fieldError is bad input in one field.
type fieldError struct{ Field, Problem string }

func (e *fieldError) Error() string { return e.Field + ": " + e.Problem }

func (a *app) apiHandler() http.Handler {
	mux := http.NewServeMux()
	mux.HandleFunc("POST /api/v1/people", a.apiCreatePerson)
	mux.HandleFunc("POST /api/v1/people/{id}/end", a.apiEndSupport)
	mux.HandleFunc("POST /api/v1/contacts", a.apiBookContact)
	mux.HandleFunc("POST /api/v1/contacts/{id}/outcome", a.apiContactOutcome)
	mux.HandleFunc("GET /api/v1/escalations", a.apiOpenEscalations)
	mux.HandleFunc("/api/v1/", func(w http.ResponseWriter, r *http.Request) {
		writeProblem(w, http.StatusNotFound, "", "no such API endpoint; see the README for the API")
	})
	return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		w.Header().Set("Cache-Control", "no-store")
		token, ok := strings.CutPrefix(r.Header.Get("Authorization"), "Bearer ")
		if !ok || !strings.HasPrefix(token, apiTokenPrefix) {
			writeProblem(w, http.StatusUnauthorized, "", "send the scheme's API token as \"Authorization: Bearer lbk_…\"")
			return
		}
		var t store.APIToken
		err := a.DB.View(r.Context(), func(tx *store.Tx) error {
			var err error
			t, err = tx.GetAPIToken(r.Context(), hashToken(strings.TrimSpace(token)))
			return err
		})
		if err != nil {
			if store.ErrorCode(err) == store.NotFound {
				writeProblem(w, http.StatusUnauthorized, "", "the API token is unknown or revoked")
				return
			}
			a.apiServerError(w, r, err)
			return
		}
		r.Body = http.MaxBytesReader(w, r.Body, maxAPIBody)
		mux.ServeHTTP(w, r.WithContext(withScheme(r.Context(), t.SchemeID)))
	})
}

func writeJSON(w http.ResponseWriter, status int, v any) {
	w.Header().Set("Content-Type", "application/json")
	w.WriteHeader(status)
	json.NewEncoder(w).Encode(v)
}

func writeProblem(w http.ResponseWriter, status int, field, problem string) {
	var p apiProblem
	p.Error.Field, p.Error.Problem = field, problem
	writeJSON(w, status, p)
}

func (a *app) apiServerError(w http.ResponseWriter, r *http.Request, err error) {
	a.Logger.Error("inbox api", "route", r.Pattern, "err", err)
	writeProblem(w, http.StatusInternalServerError, "", "something went wrong on our side; try again")
}

// decode reads a JSON body into v, refusing unknown fields and trailing data.
func decode(r *http.Request, v any) error {
	dec := json.NewDecoder(r.Body)
	dec.DisallowUnknownFields()
	if err := dec.Decode(v); err != nil {
		var syntax *json.SyntaxError
		var typeErr *json.UnmarshalTypeError
		var tooBig *http.MaxBytesError
		switch {
		case errors.As(err, &typeErr):
			return &fieldError{typeErr.Field, fmt.Sprintf("must be %s", jsonKind(typeErr.Type.Kind().String()))}
		case strings.HasPrefix(err.Error(), "json: unknown field "):
			return &fieldError{strings.Trim(strings.TrimPrefix(err.Error(), "json: unknown field "), `"`), "is not a field of this request"}
		case errors.As(err, &tooBig):
			return &fieldError{"", "the body is too large"}
		case errors.As(err, &syntax), errors.Is(err, io.ErrUnexpectedEOF), errors.Is(err, io.EOF):
			return &fieldError{"", "the body must be one JSON object"}
		}
		return &fieldError{"", "the body must be one JSON object: " + err.Error()}
	}
	if dec.More() {
		return &fieldError{"", "the body must be one JSON object, with nothing after it"}
	}
	return nil
}

func jsonKind(k string) string {
	switch k {
	case "string":
		return "a string"
	case "bool":
		return "true or false"
	case "slice":
		return "a list"
	}
	return "a number"
}

// badInput answers a fieldError with 400, anything else as the store says.
func (a *app) badInput(w http.ResponseWriter, r *http.Request, err error) {
	var fe *fieldError
	if errors.As(err, &fe) {
		writeProblem(w, http.StatusBadRequest, fe.Field, fe.Problem)
		return
	}
	switch store.ErrorCode(err) {
	case store.Conflict:
		writeProblem(w, http.StatusConflict, "", "that already exists")
	case store.Invalid:
		writeProblem(w, http.StatusBadRequest, "", "the data breaks a rule of the scheme's records")
	case store.NotFound:
		writeProblem(w, http.StatusNotFound, "", "not found")
	default:
		a.apiServerError(w, r, err)
	}
}

// apiPerson is a person as the API takes and gives them.
type apiPerson struct {
	ID               int64    `json:"id,omitempty"`
	Name             string   `json:"name"`
	PreferredName    string   `json:"preferred_name,omitempty"`
	Phone            string   `json:"phone,omitempty"`
	TelegramWanted   bool     `json:"telegram_wanted,omitempty"`
	TelegramChatID   int64    `json:"telegram_chat_id,omitempty"`
	PreferredChannel string   `json:"preferred_channel,omitempty"`
	NHSNumber        string   `json:"nhs_number,omitempty"`
	DateOfBirth      string   `json:"date_of_birth,omitempty"`
	GPPractice       string   `json:"gp_practice,omitempty"`
	Language         string   `json:"language,omitempty"`
	LinkWorkerEmail  string   `json:"link_worker_email,omitempty"`
	ReferredBy       string   `json:"referred_by,omitempty"`
	ReferralSource   string   `json:"referral_source,omitempty"`
	Reason           string   `json:"reason,omitempty"`
	Needs            []string `json:"needs,omitempty"`
	Area             string   `json:"area,omitempty"`
	Interests        []string `json:"interests,omitempty"`
	Discreet         bool     `json:"discreet,omitempty"`
	ReferredAt       string   `json:"referred_at,omitempty"`
	ConsentAt        string   `json:"consent_at,omitempty"`
	ConsentBy        string   `json:"consent_by,omitempty"`
	ConsentHow       string   `json:"consent_how,omitempty"`
}

// apiCreatePerson creates a person from a referral, and starts their
// support if their consent to messages is recorded. The fields are read
// by the same rules as the inbox's referral form and CSV import
// (referral.Check); the first problem found is the answer's.
//
// Consent is given as consent_at, when the person agreed (an RFC 3339
// time, not in the future), consent_by, the email of the scheme's link
// worker who recorded it (default: the assigned link worker), and
// consent_how (in_person, phone, video, written, referrer). With consent
// the person is sent the scheme's welcome at once, then the first
// check-in; without it nothing is sent until a link worker records consent
// on the person's page. A person with the same phone or NHS number as
// someone the scheme supports is refused (400, naming the field).
func (a *app) apiCreatePerson(w http.ResponseWriter, r *http.Request) {
	schemeID := schemeOf(r.Context())
	var in apiPerson
	if err := decode(r, &in); err != nil {
		a.badInput(w, r, err)
		return
	}
	ref := referral.Input{Name: in.Name, PreferredName: in.PreferredName, Phone: in.Phone, TelegramWanted: in.TelegramWanted,
		TelegramChatID: in.TelegramChatID, NHSNumber: in.NHSNumber, DateOfBirth: in.DateOfBirth, GPPractice: in.GPPractice,
		ReferredBy: in.ReferredBy, ReferralSource: in.ReferralSource, ReferredAt: in.ReferredAt, Reason: in.Reason, Needs: in.Needs,
		ConsentAt: in.ConsentAt, ConsentBy: in.ConsentBy, ConsentHow: in.ConsentHow, Discreet: in.Discreet, Language: in.Language,
		LinkWorker: in.LinkWorkerEmail}
	var p store.Person
	err := a.DB.InTx(r.Context(), func(tx *store.Tx) error {
		scheme, err := tx.GetScheme(r.Context(), schemeID)
		if err != nil {
			return err
		}
		var problems referral.Problems
		if p, problems, err = referral.Check(r.Context(), tx, scheme, ref); err != nil {
			return err
		}
		if len(problems) > 0 {
			return &fieldError{problems[0].Field, problems[0].Message}
		}
		if err := readAPIChannel(in, &p); err != nil {
			return err
		}
		p.Area, p.Interests = in.Area, in.Interests
		if dup, found, err := referral.Duplicate(r.Context(), tx, p); err != nil {
			return err
		} else if found {
			field := "phone"
			if referral.Why(p, dup) == "the same NHS number" {
				field = "nhs_number"
			}
			return &fieldError{field, "an active person of this scheme already has " + strings.TrimPrefix(referral.Why(p, dup), "the same ")}
		}
		if err := referral.Create(r.Context(), tx, a.Nudges, &p, "api", nil); err != nil {
			if store.ErrorCode(err) == store.Conflict {
				return &fieldError{"phone", "an active person of this scheme already has this phone number or Telegram chat"}
			}
			return err
		}
		return nil
	})
	if err != nil {
		a.badInput(w, r, err)
		return
	}
	in.ID, in.Phone, in.PreferredChannel, in.Language = p.ID, deref(p.Phone), string(p.PreferredChannel), p.Language
	in.ReferralSource, in.ReferredAt = string(p.ReferralSource), p.ReferredAt.Format(time.RFC3339)
	in.NHSNumber, in.DateOfBirth, in.GPPractice, in.Needs, in.ConsentHow = deref(p.NHSNumber), deref(p.DateOfBirth), p.GPPractice, p.Needs, p.ConsentHow
	if p.ConsentAt != nil {
		in.ConsentAt = p.ConsentAt.Format(time.RFC3339)
	}
	writeJSON(w, http.StatusCreated, in)
}

// readAPIChannel reads preferred_channel into p, whose phone and Telegram
// chat are read.
func readAPIChannel(in apiPerson, p *store.Person) error {
	p.PreferredChannel = store.Channel(in.PreferredChannel)
	switch p.PreferredChannel {
	case "":
		p.PreferredChannel = store.ChannelSMS
		if p.Phone == nil && p.TelegramChatID != nil {
			p.PreferredChannel = store.ChannelTelegram
		}
	case store.ChannelSMS, store.ChannelTelegram:
	default:
		return &fieldError{"preferred_channel", `must be "sms" or "telegram"`}
	}
	if p.PreferredChannel == store.ChannelSMS && p.Phone == nil {
		return &fieldError{"phone", "is required to reach the person by SMS"}
	}
	if p.PreferredChannel == store.ChannelTelegram && p.TelegramChatID == nil {
		return &fieldError{"telegram_chat_id", "is required to reach the person by Telegram"}
	}
	return nil
}

// apiContact is a contact as the API takes and gives it.
type apiContact struct {
	ID              int64  `json:"id,omitempty"`
	PersonID        int64  `json:"person_id"`
	StartsAt        string `json:"starts_at"`
	Kind            string `json:"kind"`
	Place           string `json:"place,omitempty"`
	LinkWorkerEmail string `json:"link_worker_email,omitempty"`
	Status          string `json:"status,omitempty"`
}

// apiBookContact books a contact with a person of the scheme.
func (a *app) apiBookContact(w http.ResponseWriter, r *http.Request) {
	schemeID := schemeOf(r.Context())
	var in apiContact
	if err := decode(r, &in); err != nil {
		a.badInput(w, r, err)
		return
	}
	var c store.Contact
	err := a.DB.InTx(r.Context(), func(tx *store.Tx) error {
		if in.PersonID == 0 {
			return &fieldError{"person_id", "is required"}
		}
		p, err := tx.GetPersonInScope(r.Context(), in.PersonID, schemeID, 0)
		if err != nil {
			return &fieldError{"person_id", "is not a person of this scheme"}
		}
		at, err := time.Parse(time.RFC3339, in.StartsAt)
		if err != nil {
			return &fieldError{"starts_at", "must be a time such as 2026-11-30T10:30:00Z"}
		}
		if !at.After(tx.Now()) {
			return &fieldError{"starts_at", "must be in the future"}
		}
		if !knownKind(in.Kind) {
			return &fieldError{"kind", "must be one of phone, in_person, home_visit, video"}
		}
		c = store.Contact{SchemeID: schemeID, PersonID: p.ID, StartsAt: at, Kind: store.ContactKind(in.Kind), Place: in.Place}
		switch {
		case in.LinkWorkerEmail != "":
			lw, err := tx.GetLinkWorkerByEmail(r.Context(), in.LinkWorkerEmail)
			if err != nil || lw.SchemeID != schemeID || !lw.Active {
				return &fieldError{"link_worker_email", "is not an active link worker of this scheme"}
			}
			c.LinkWorkerID = lw.ID
		case p.LinkWorkerID != nil:
			c.LinkWorkerID = *p.LinkWorkerID
		default:
			return &fieldError{"link_worker_email", "is required: the person has no link worker yet"}
		}
		if err := tx.CreateContact(r.Context(), &c); err != nil {
			return err
		}
		if err := a.contactChanged(r.Context(), tx, c); err != nil {
			return err
		}
		e := store.AuditEvent{SchemeID: schemeID, Actor: "api", Action: "contact.booked", PersonID: &p.ID}
		return tx.RecordAudit(r.Context(), &e)
	})
	if err != nil {
		a.badInput(w, r, err)
		return
	}
	in.ID, in.Status, in.StartsAt = c.ID, string(c.Status), c.StartsAt.Format(time.RFC3339)
	writeJSON(w, http.StatusCreated, in)
}

// apiEnd is the body of an end of support.
type apiEnd struct {
	Reason string `json:"reason"`
}

// apiEndSupport ends the support of a person of the scheme, for a reason:
// the check-in at the end of support is sent, every other planned nudge is
// cancelled. It answers 200 with {"id", "status": "ended", "ended_at",
// "reason"}; a person whose support has already ended is a 409.
func (a *app) apiEndSupport(w http.ResponseWriter, r *http.Request) {
	schemeID := schemeOf(r.Context())
	id, err := strconv.ParseInt(r.PathValue("id"), 10, 64)
	if err != nil {
		writeProblem(w, http.StatusNotFound, "", "no such person")
		return
	}
	var in apiEnd
	if err := decode(r, &in); err != nil {
		a.badInput(w, r, err)
		return
	}
	in.Reason = strings.TrimSpace(in.Reason)
	var p store.Person
	err = a.DB.InTx(r.Context(), func(tx *store.Tx) error {
		var err error
		if p, err = tx.GetPersonInScope(r.Context(), id, schemeID, 0); err != nil {
			return err
		}
		if p.Status != store.PersonActive {
			return errAlreadyEnded
		}
		if why := endRefusal(p, in.Reason); why != "" {
			return &fieldError{"reason", why}
		}
		if err := a.Nudges.EndSupport(r.Context(), tx, p, in.Reason); err != nil {
			return err
		}
		if p, err = tx.GetPerson(r.Context(), id); err != nil {
			return err
		}
		// The reason stays on the person, where erasure and retention reach it.
		e := store.AuditEvent{SchemeID: schemeID, Actor: "api", Action: "person.support_ended", PersonID: &p.ID}
		return tx.RecordAudit(r.Context(), &e)
	})
	if errors.Is(err, errAlreadyEnded) {
		writeProblem(w, http.StatusConflict, "", "this person's support has already ended")
		return
	}
	if err != nil {
		a.badInput(w, r, err)
		return
	}
	writeJSON(w, http.StatusOK, map[string]any{"id": p.ID, "status": p.Status, "ended_at": p.EndedAt, "reason": p.EndedReason})
}

// errAlreadyEnded refuses to end support that has ended.
var errAlreadyEnded = errors.New("support has already ended")

// apiOutcome is the body of a contact's outcome.
type apiOutcome struct {
	Outcome string `json:"outcome"`
}

// apiContactOutcome records how a contact of the scheme went: "done" (it
// took place; an activity suggestion follows) or "did_not_attend" (the
// person did not come; its reminders are cancelled). The contact must have
// begun and not be settled already (409). It answers 200 with the contact.
func (a *app) apiContactOutcome(w http.ResponseWriter, r *http.Request) {
	schemeID := schemeOf(r.Context())
	id, err := strconv.ParseInt(r.PathValue("id"), 10, 64)
	if err != nil {
		writeProblem(w, http.StatusNotFound, "", "no such contact")
		return
	}
	var in apiOutcome
	if err := decode(r, &in); err != nil {
		a.badInput(w, r, err)
		return
	}
	outcome := store.ContactStatus(in.Outcome)
	if outcome != store.ContactDone && outcome != store.ContactDidNotAttend {
		writeProblem(w, http.StatusBadRequest, "outcome", `must be "done" or "did_not_attend"`)
		return
	}
	var c store.Contact
	var refused string
	err = a.DB.InTx(r.Context(), func(tx *store.Tx) error {
		var err error
		if c, err = tx.GetContact(r.Context(), id); err != nil {
			return err
		}
		if c.SchemeID != schemeID {
			return &store.Error{Code: store.NotFound, Op: "contact outcome", Message: "not this scheme's contact"}
		}
		if refused = setOutcome(&c, outcome, tx.Now()); refused != "" {
			return nil
		}
		if err := tx.UpdateContact(r.Context(), c); err != nil {
			return err
		}
		if err := a.contactChanged(r.Context(), tx, c); err != nil {
			return err
		}
		detail, _ := json.Marshal(map[string]any{"contact_id": c.ID})
		e := store.AuditEvent{SchemeID: schemeID, Actor: "api", Action: "contact." + string(outcome), PersonID: &c.PersonID, Detail: detail}
		return tx.RecordAudit(r.Context(), &e)
	})
	switch {
	case err != nil:
		a.badInput(w, r, err)
	case refused != "":
		writeProblem(w, http.StatusConflict, "", refused)
	default:
		writeJSON(w, http.StatusOK, apiContact{ID: c.ID, PersonID: c.PersonID, StartsAt: c.StartsAt.Format(time.RFC3339),
			Kind: string(c.Kind), Place: c.Place, Status: string(c.Status)})
	}
}

// apiEscalation is an open escalation as the API gives it: never the
// person's words.
type apiEscalation struct {
	ID             int64      `json:"id"`
	PersonID       int64      `json:"person_id"`
	LinkWorkerID   *int64     `json:"link_worker_id"`
	Reason         string     `json:"reason"`
	Urgency        string     `json:"urgency"`
	CreatedAt      time.Time  `json:"created_at"`
	NotifiedAt     *time.Time `json:"notified_at"`
	DutyNotifiedAt *time.Time `json:"duty_notified_at"`
	AcknowledgedAt *time.Time `json:"acknowledged_at"`
}

// apiOpenEscalations lists the scheme's open escalations, urgent first.
func (a *app) apiOpenEscalations(w http.ResponseWriter, r *http.Request) {
	var list []store.Escalation
	err := a.DB.View(r.Context(), func(tx *store.Tx) error {
		var err error
		list, err = tx.ListOpenEscalations(r.Context(), schemeOf(r.Context()))
		return err
	})
	if err != nil {
		a.apiServerError(w, r, err)
		return
	}
	out := make([]apiEscalation, len(list))
	for i, e := range list {
		out[i] = apiEscalation{ID: e.ID, PersonID: e.PersonID, LinkWorkerID: e.LinkWorkerID, Reason: string(e.Reason),
			Urgency: string(e.Urgency), CreatedAt: e.CreatedAt, NotifiedAt: e.NotifiedAt, DutyNotifiedAt: e.DutyNotifiedAt,
			AcknowledgedAt: e.AcknowledgedAt}
	}
	writeJSON(w, http.StatusOK, map[string]any{"escalations": out})
}

func deref(s *string) string {
	if s == nil {
		return ""
	}
	return *s
}
