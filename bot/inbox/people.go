package inbox

import (
	"context"
	"fmt"
	"net/http"
	"net/url"
	"regexp"
	"strconv"
	"strings"
	"time"
	"unicode/utf8"

	"github.com/nyaruka/phonenumbers"

	"github.com/linkbot/linkbot/bot/referral"
	"github.com/linkbot/linkbot/store"
)

// Everyday casework on a person's page: editing their details, handing
// them to another link worker, and what the page says after each action,
// next to the form it was done with ("Sent", "Saved", or the problem with
// what was typed kept).

// The confirmations an action can leave on the page. Only these are
// shown: the URL carries a key, never words.
var confirmations = map[string]string{
	"sent":       "Sent",
	"saved":      "Saved",
	"booked":     "Booked",
	"started":    "Started now",
	"reassigned": "Reassigned",
	"ended":      "Support ended",
	"invited":    "Invitation sent",
	"restricted": "Processing restricted: nothing is sent to them",
	"lifted":     "Restriction lifted",
	"erased":     "Erased",
}

// confirmKey finds the confirmation an action leaves, in its context.
type confirmKey struct{}

// confirmation is what an action leaves for the page after it.
type confirmation struct {
	key  string // a key of confirmations, or "quiet"
	at   string // "09:00": when a dialogue planned in quiet hours goes
	path string // where to go instead of the person's page
}

// confirm sets the confirmation the action in ctx leaves on the page.
func confirm(ctx context.Context, key string) {
	if c, ok := ctx.Value(confirmKey{}).(*confirmation); ok {
		c.key = key
	}
}

// confirmation of the action in ctx, for personAction to fill in.
func confirmationOf(ctx context.Context) *confirmation {
	c, _ := ctx.Value(confirmKey{}).(*confirmation)
	if c == nil {
		c = &confirmation{}
	}
	return c
}

// sectionOf is the part of the person page that holds the form of the
// action what: its confirmation or problem shows there.
func sectionOf(what string, r *http.Request) string {
	switch {
	case what == "reply":
		return "reply"
	case what == "note":
		return "notes"
	case what == "book contact":
		return "contacts"
	case strings.HasPrefix(what, "contact."):
		return "contact-" + r.PathValue("contact")
	case what == "edit person":
		return "details"
	case what == "reassign":
		return "reassign"
	case strings.HasPrefix(what, "escalation."):
		return "escalation-" + r.PathValue("escalation")
	case what == "data protection":
		return "data-protection"
	}
	return "settings"
}

// afterAction is where the browser goes after a successful action.
func afterAction(id int64, section string, c *confirmation) string {
	if c.path != "" {
		return c.path
	}
	q := url.Values{}
	key := c.key
	if key == "" {
		key = "saved"
	}
	q.Set("done", key)
	q.Set("in", section)
	if c.at != "" {
		q.Set("at", c.at)
	}
	if strings.HasPrefix(section, "escalation-") {
		section = "top"
	}
	return fmt.Sprintf("/people/%d?%s#%s", id, q.Encode(), section)
}

var wallClock = regexp.MustCompile(`^[0-2][0-9]:[0-5][0-9]$`)

// feedbackOf reads the confirmation a page was reached with: section to
// words.
func feedbackOf(r *http.Request) map[string]string {
	q := r.URL.Query()
	section := q.Get("in")
	if section == "" {
		return nil
	}
	if q.Get("done") == "quiet" && wallClock.MatchString(q.Get("at")) {
		return map[string]string{section: "Planned for " + q.Get("at") + " — quiet hours"}
	}
	if words, ok := confirmations[q.Get("done")]; ok {
		return map[string]string{section: words}
	}
	return nil
}

// renderPersonProblem shows the person page again with problem next to
// the form of the action what, keeping what was typed.
func (a *app) renderPersonProblem(w http.ResponseWriter, r *http.Request, id int64, what, problem string) {
	section := sectionOf(what, r)
	a.showPerson(w, r, id, http.StatusBadRequest, false, map[string]any{
		"Problem": map[string]string{section: problem}, "In": r.PostForm, "Anchor": section})
}

// Languages a person's messages can be written in.
var languages = []struct{ Value, Label string }{
	{"en", "English"}, {"cy", "Welsh (Cymraeg)"},
}

// maxName is the longest name the inbox keeps.
const maxName = 200

// editPerson saves the person's details: name, phone, language, area and
// interests, and who referred them. A new phone is checked as a UK or
// international number and kept in E.164.
func (a *app) editPerson(w http.ResponseWriter, r *http.Request) {
	a.personAction(w, r, "edit person", func(ctx context.Context, tx *store.Tx, v *viewer, p store.Person) error {
		changed, err := readPersonForm(r.PostForm, tx.Now(), &p)
		if err != nil {
			return err
		}
		if len(changed) == 0 {
			return nil
		}
		if err := tx.UpdatePerson(ctx, p); err != nil {
			if store.ErrorCode(err) == store.Conflict {
				return formRefusal("Another person of this scheme has that phone number or NHS number.")
			}
			return err
		}
		return audit(ctx, tx, v, p.ID, "person.edited", map[string]any{"fields": changed})
	})
}

// readPersonForm applies the details form to p and returns the names of
// the fields that changed, or a refusal saying what is wrong. The
// referral's details are checked by the referral form's rules.
func readPersonForm(form url.Values, now time.Time, p *store.Person) ([]string, error) {
	var changed []string
	name := strings.Join(strings.Fields(form.Get("name")), " ")
	switch {
	case name == "":
		return nil, formRefusal("Give the person's name.")
	case utf8.RuneCountInString(name) > maxName:
		return nil, formRefusal(fmt.Sprintf("Keep the name under %d characters.", maxName))
	case name != p.Name:
		p.Name = name
		changed = append(changed, "name")
	}
	phone, err := parsePhone(form.Get("phone"))
	if err != nil {
		return nil, err
	}
	switch {
	case phone == nil && p.Phone != nil:
		if p.PreferredChannel != store.ChannelTelegram || p.TelegramChatID == nil {
			return nil, formRefusal("Messages go by SMS: keep a phone number, or move them to Telegram first.")
		}
		p.Phone = nil
		changed = append(changed, "phone")
	case phone != nil && (p.Phone == nil || *p.Phone != *phone):
		p.Phone = phone
		changed = append(changed, "phone")
	}
	lang := form.Get("language")
	known := false
	for _, l := range languages {
		known = known || l.Value == lang
	}
	if !known {
		return nil, formRefusal("Choose a language from the list.")
	}
	if lang != p.Language {
		p.Language = lang
		changed = append(changed, "language")
	}
	if area := strings.TrimSpace(form.Get("area")); area != p.Area {
		p.Area = area
		changed = append(changed, "area")
	}
	var interests store.Strings
	for _, s := range strings.Split(form.Get("interests"), ",") {
		if s = strings.TrimSpace(s); s != "" {
			interests = append(interests, s)
		}
	}
	if strings.Join(interests, ",") != strings.Join(p.Interests, ",") {
		p.Interests = interests
		changed = append(changed, "interests")
	}
	if by := strings.TrimSpace(form.Get("referred_by")); by != p.ReferredBy {
		p.ReferredBy = by
		changed = append(changed, "referred_by")
	}
	before := *p
	in := referral.Input{PreferredName: form.Get("preferred_name"), TelegramWanted: form.Get("telegram_wanted") != "",
		NHSNumber: form.Get("nhs_number"), DateOfBirth: form.Get("date_of_birth"), GPPractice: form.Get("gp_practice"),
		ReferralSource: form.Get("referral_source"), Reason: form.Get("reason"), Needs: form["needs"]}
	if ps := referral.CheckDetails(in, now, p); len(ps) > 0 {
		var words []string
		for _, pr := range ps {
			words = append(words, detailWords[pr.Field]+" "+pr.Message)
		}
		return nil, formRefusal(strings.Join(words, "; ") + ".")
	}
	for _, f := range []struct {
		name string
		same bool
	}{
		{"preferred_name", before.PreferredName == p.PreferredName},
		{"telegram_wanted", before.TelegramWanted == p.TelegramWanted},
		{"nhs_number", sameString(before.NHSNumber, p.NHSNumber)},
		{"date_of_birth", sameString(before.DateOfBirth, p.DateOfBirth)},
		{"gp_practice", before.GPPractice == p.GPPractice},
		{"referral_source", before.ReferralSource == p.ReferralSource},
		{"reason", before.Reason == p.Reason},
		{"needs", strings.Join(before.Needs, ",") == strings.Join(p.Needs, ",")},
	} {
		if !f.same {
			changed = append(changed, f.name)
		}
	}
	return changed, nil
}

// detailWords name the referral's fields in a refusal.
var detailWords = map[string]string{"nhs_number": "The NHS number", "date_of_birth": "The date of birth",
	"gp_practice": "The GP practice", "referral_source": "The referral source", "needs": "Needs:"}

func sameString(a, b *string) bool { return (a == nil) == (b == nil) && (a == nil || *a == *b) }

// parsePhone reads a UK or international phone number as E.164; empty is
// nil.
func parsePhone(s string) (*string, error) {
	s = strings.TrimSpace(s)
	if s == "" {
		return nil, nil
	}
	num, err := phonenumbers.Parse(s, "GB")
	if err != nil || !phonenumbers.IsPossibleNumber(num) {
		return nil, formRefusal("That is not a phone number we can text: write it as 07700 900123 or +44 7700 900123.")
	}
	e := phonenumbers.Format(num, phonenumbers.E164)
	return &e, nil
}

// reassign hands the person to another link worker of the scheme: their
// open escalations go with them, and the person is told their new link
// worker's name by a short message on their channel (naming no service in
// discreet mode). Whoever no longer sees the person goes back to their
// caseload.
func (a *app) reassign(w http.ResponseWriter, r *http.Request) {
	a.personAction(w, r, "reassign", func(ctx context.Context, tx *store.Tx, v *viewer, p store.Person) error {
		to, err := strconv.ParseInt(r.PostFormValue("link_worker"), 10, 64)
		if err != nil {
			return formRefusal("Choose the link worker to hand over to.")
		}
		if p.LinkWorkerID != nil && *p.LinkWorkerID == to {
			return formRefusal(p.Name + " is already with them.")
		}
		lw, err := tx.GetLinkWorker(ctx, to)
		if err != nil || lw.SchemeID != p.SchemeID || !lw.Active {
			if err == nil || store.ErrorCode(err) == store.NotFound {
				return formRefusal("Choose a link worker of this scheme who can sign in.")
			}
			return err
		}
		moved, err := tx.ReassignPerson(ctx, p.ID, lw.ID)
		if err != nil {
			return err
		}
		from := p.LinkWorkerID
		p.LinkWorkerID = &lw.ID
		told := false
		if m, ok, err := a.newWorkerMessage(ctx, tx, p, lw); err != nil {
			return err
		} else if ok {
			if err := tx.QueueMessage(ctx, &m); err != nil {
				return err
			}
			told = true
		}
		confirm(ctx, "reassigned")
		if scope := v.Scope(); scope != 0 && scope != lw.ID {
			confirmationOf(ctx).path = "/?done=reassigned"
		}
		return audit(ctx, tx, v, p.ID, "person.reassigned", map[string]any{"from": from, "to": lw.ID,
			"escalations_moved": moved, "person_told": told})
	})
}

// newWorkerMessage is the message that tells p who their link worker is
// now, from the new link worker; ok is false when nothing can or may be
// sent (opted out, support ended, no consent, no address).
func (a *app) newWorkerMessage(ctx context.Context, tx *store.Tx, p store.Person, lw store.LinkWorker) (store.Message, bool, error) {
	if p.OptedOutAt != nil || p.Status != store.PersonActive || p.ConsentAt == nil {
		return store.Message{}, false, nil
	}
	if _, _, ok := p.Address(); !ok {
		return store.Message{}, false, nil
	}
	body := "Hello, this is " + firstName(lw.Name) + ". I'm your contact from now on. Reply here as before."
	if !p.Discreet {
		s, err := tx.GetScheme(ctx, p.SchemeID)
		if err != nil {
			return store.Message{}, false, fmt.Errorf("new link worker message: %w", err)
		}
		body = "Hello, this is " + lw.Name + " from " + s.Name + ". I'm your link worker from now on. Reply here as before."
	}
	m, err := ReplyMessage(p, lw, body)
	if err != nil {
		return store.Message{}, false, nil
	}
	return m, true, nil
}
