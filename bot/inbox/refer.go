package inbox

import (
	"fmt"
	"net/http"
	"strconv"
	"strings"

	"github.com/linkbot/linkbot/bot/referral"
	"github.com/linkbot/linkbot/store"
)

// referLabels name the referral form's fields, to begin each problem.
var referLabels = map[string]string{
	"name": "Name", "preferred_name": "Preferred name", "phone": "Mobile number", "nhs_number": "NHS number",
	"date_of_birth": "Date of birth", "gp_practice": "GP practice", "referred_by": "Referred by",
	"referral_source": "Referral source", "referred_at": "Date of referral", "reason": "Reason", "needs": "Needs",
	"consent_at": "When consent was given", "consent_by": "Who recorded consent", "consent_how": "How consent was given",
	"language": "Language", "link_worker_email": "Link worker",
}

// referForm shows the "Refer a person" form, the viewer their own link
// worker by default.
func (a *app) referForm(w http.ResponseWriter, r *http.Request) {
	v := viewerOf(r)
	in := referral.Input{Language: "en"}
	if !v.Admin() {
		in.LinkWorker = deref(v.Worker.Email)
	}
	a.referPage(w, r, http.StatusOK, in, nil)
}

// referPage renders the referral form with what was typed and the
// problems found, each by its field.
func (a *app) referPage(w http.ResponseWriter, r *http.Request, status int, in referral.Input, problems referral.Problems) {
	v := viewerOf(r)
	var workers []store.LinkWorker
	err := a.DB.View(r.Context(), func(tx *store.Tx) error {
		list, err := tx.ListLinkWorkers(r.Context(), v.Worker.SchemeID)
		for _, lw := range list {
			if lw.Active && lw.Email != nil {
				workers = append(workers, lw)
			}
		}
		return err
	})
	if err != nil {
		a.serverError(w, r, "referral form", err)
		return
	}
	errs := map[string]string{}
	for _, p := range problems {
		if _, seen := errs[p.Field]; !seen {
			errs[p.Field] = referLabels[p.Field] + " " + p.Message
		}
	}
	needs := map[string]bool{}
	for _, n := range in.Needs {
		needs[n] = true
	}
	a.render(w, r, status, "refer", map[string]any{"In": in, "Errors": errs, "Workers": workers, "Needs": referral.Needs,
		"Chosen": needs, "Sources": referral.Sources, "ConsentWays": referral.ConsentWays, "Count": len(errs)})
}

// referralFromForm reads the referral form. Consent is recorded by the
// viewer.
func referralFromForm(r *http.Request, v *viewer) referral.Input {
	f := func(name string) string { return strings.TrimSpace(r.PostFormValue(name)) }
	in := referral.Input{Name: f("name"), PreferredName: f("preferred_name"), Phone: f("phone"),
		TelegramWanted: r.PostFormValue("telegram_wanted") == "on", NHSNumber: f("nhs_number"), DateOfBirth: f("date_of_birth"),
		GPPractice: f("gp_practice"), ReferredBy: f("referred_by"), ReferralSource: f("referral_source"), ReferredAt: f("referred_at"),
		Reason: f("reason"), Needs: r.PostForm["needs"], ConsentAt: f("consent_at"), ConsentHow: f("consent_how"),
		Discreet: r.PostFormValue("discreet") == "on", Language: f("language"), LinkWorker: f("link_worker_email")}
	if in.ConsentAt != "" {
		in.ConsentBy = deref(v.Worker.Email)
	}
	return in
}

// refer creates the person the form refers, starts their support and
// opens their page; a refused form comes back with what was typed and
// each problem next to its field.
func (a *app) refer(w http.ResponseWriter, r *http.Request) {
	v := viewerOf(r)
	ctx := r.Context()
	in := referralFromForm(r, v)
	var problems referral.Problems
	var p store.Person
	err := a.DB.InTx(ctx, func(tx *store.Tx) error {
		var err error
		if p, problems, err = referral.Check(ctx, tx, v.Scheme, in); err != nil || len(problems) > 0 {
			return err
		}
		dup, found, err := referral.Duplicate(ctx, tx, p)
		if err != nil {
			return err
		}
		if found {
			field, why := "phone", referral.Why(p, dup)
			if why == "the same NHS number" {
				field = "nhs_number"
			}
			problems = append(problems, referral.Problem{Field: field,
				Message: fmt.Sprintf("is already %s's, who the scheme supports (person %d): they are not referred twice", dup.Name, dup.ID)})
			return nil
		}
		return referral.Create(ctx, tx, a.Nudges, &p, v.Worker.Name, &v.Worker.ID)
	})
	if err != nil {
		a.serverError(w, r, "refer a person", err)
		return
	}
	if len(problems) > 0 {
		a.referPage(w, r, http.StatusBadRequest, in, problems)
		return
	}
	a.Logger.Info("person referred", "person", p.ID, "by", v.Worker.ID, "source", string(p.ReferralSource))
	http.Redirect(w, r, "/people/"+strconv.FormatInt(p.ID, 10), http.StatusSeeOther)
}
