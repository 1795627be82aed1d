package inbox

import (
	"bytes"
	"encoding/json"
	"fmt"
	"net/http"
	"strconv"
	"strings"
	"unicode/utf8"

	"github.com/linkbot/linkbot/bot/outcomes"
	"github.com/linkbot/linkbot/store"
)

// The message back to the GP or referrer when support ends: a one-page
// summary to print (or save as PDF from the browser's print dialogue),
// the same as structured JSON, and a record of whom it was sent to and
// when.

const maxWhatMatters = 2000

// summaryPage is what the summary page shows.
type summaryPage struct {
	Person   store.Person
	Message  outcomes.MessageBack
	Sent     []sentRow
	Worker   *store.LinkWorker
	JSONPath string
}

type sentRow struct {
	store.SupportSummary
	By string
}

// loadSummary builds the message back of the person id in the viewer's
// scope; whatMatters "" takes what was last sent.
func (a *app) loadSummary(r *http.Request, tx *store.Tx, id int64, whatMatters string) (summaryPage, error) {
	ctx := r.Context()
	v := viewerOf(r)
	var pg summaryPage
	p, err := tx.GetPersonInScope(ctx, id, v.Worker.SchemeID, v.Scope())
	if err != nil {
		return pg, err
	}
	pg.Person = p
	l := outcomes.Letter{Person: p, Loc: v.Loc, GroupNames: map[int64]string{}}
	workers, err := tx.ListLinkWorkers(ctx, p.SchemeID)
	if err != nil {
		return pg, err
	}
	names := map[int64]string{}
	for i, w := range workers {
		names[w.ID] = w.Name
		if p.LinkWorkerID != nil && w.ID == *p.LinkWorkerID {
			l.Worker, pg.Worker = &workers[i], &workers[i]
		}
	}
	if l.Contacts, err = tx.ListContacts(ctx, p.ID); err != nil {
		return pg, err
	}
	if l.Referrals, err = tx.ListReferrals(ctx, p.ID); err != nil {
		return pg, err
	}
	groups, err := tx.ListGroups(ctx, p.SchemeID, false)
	if err != nil {
		return pg, err
	}
	for _, g := range groups {
		l.GroupNames[g.ID] = g.Name
	}
	if l.Answers, err = tx.ListAnswers(ctx, p.ID); err != nil {
		return pg, err
	}
	sent, err := tx.ListSupportSummaries(ctx, p.ID)
	if err != nil {
		return pg, err
	}
	for _, s := range sent {
		pg.Sent = append(pg.Sent, sentRow{SupportSummary: s, By: names[s.SentBy]})
	}
	l.WhatMatters = whatMatters
	if whatMatters == "" && len(sent) > 0 {
		l.WhatMatters = sent[0].WhatMatters
	}
	pg.Message = l.Build()
	pg.JSONPath = "/people/" + strconv.FormatInt(p.ID, 10) + "/summary.json"
	return pg, nil
}

// supportSummary shows the printable message back.
func (a *app) supportSummary(w http.ResponseWriter, r *http.Request) {
	a.showSummary(w, r, http.StatusOK, "", r.URL.Query().Get("sent") == "1")
}

func (a *app) showSummary(w http.ResponseWriter, r *http.Request, status int, problem string, sent bool) {
	pg, ok := a.viewSummary(w, r, "page", r.PostFormValue("what_matters"))
	if !ok {
		return
	}
	a.render(w, r, status, "summary", map[string]any{"S": pg, "Problem": problem, "JustSent": sent,
		"SentTo": r.PostFormValue("sent_to")})
}

// supportSummaryJSON answers the message back as structured JSON.
func (a *app) supportSummaryJSON(w http.ResponseWriter, r *http.Request) {
	pg, ok := a.viewSummary(w, r, "json", "")
	if !ok {
		return
	}
	writeJSON(w, http.StatusOK, pg.Message)
}

// sendSupportSummary records that the message back was sent to whom the
// form says, now, by the signed-in link worker, with the message as sent.
func (a *app) sendSupportSummary(w http.ResponseWriter, r *http.Request) {
	id, ok := pathID(w, r, "id")
	if !ok {
		return
	}
	v := viewerOf(r)
	to := strings.TrimSpace(r.PostFormValue("sent_to"))
	what := strings.TrimSpace(r.PostFormValue("what_matters"))
	problem := ""
	switch {
	case to == "":
		problem = "Say whom you sent it to, e.g. the GP and practice."
	case utf8.RuneCountInString(what) > maxWhatMatters || utf8.RuneCountInString(to) > 200:
		problem = "Keep what mattered under 2,000 characters and whom it went to under 200."
	}
	if problem == "" {
		err := a.DB.InTx(r.Context(), func(tx *store.Tx) error {
			pg, err := a.loadSummary(r, tx, id, what)
			if err != nil {
				return err
			}
			if pg.Person.Status != store.PersonEnded {
				problem = "Support has not ended yet: end it on the person's page first, then send the summary."
				return nil
			}
			body, err := json.Marshal(pg.Message)
			if err != nil {
				return err
			}
			s := store.SupportSummary{SchemeID: pg.Person.SchemeID, PersonID: pg.Person.ID, SentBy: v.Worker.ID, SentTo: to,
				WhatMatters: what, Summary: body}
			if err := tx.RecordSupportSummary(r.Context(), &s); err != nil {
				return err
			}
			return audit(r.Context(), tx, v, pg.Person.ID, "person.summary_sent", map[string]any{"summary": s.ID})
		})
		if err != nil {
			a.storeError(w, r, "summary", err)
			return
		}
	}
	if problem != "" {
		a.showSummary(w, r, http.StatusBadRequest, problem, false)
		return
	}
	http.Redirect(w, r, "/people/"+strconv.FormatInt(id, 10)+"/summary?sent=1", http.StatusSeeOther)
}

// supportSummaryPDF answers the message back as an A4 PDF to download.
func (a *app) supportSummaryPDF(w http.ResponseWriter, r *http.Request) {
	pg, ok := a.viewSummary(w, r, "pdf", "")
	if !ok {
		return
	}
	var buf bytes.Buffer
	if err := pg.Message.WritePDF(&buf, a.Now()); err != nil {
		a.storeError(w, r, "summary", err)
		return
	}
	w.Header().Set("Content-Type", "application/pdf")
	w.Header().Set("Content-Disposition", fmt.Sprintf(`attachment; filename="summary-for-gp-%d.pdf"`, pg.Person.ID))
	w.Write(buf.Bytes())
}

// viewSummary loads the message back about the person in the path, with
// whatMatters as the link worker wrote it, and records the view (as
// format) in the audit trail; on failure it has answered.
func (a *app) viewSummary(w http.ResponseWriter, r *http.Request, format, whatMatters string) (summaryPage, bool) {
	var pg summaryPage
	id, ok := pathID(w, r, "id")
	if !ok {
		return pg, false
	}
	err := a.DB.InTx(r.Context(), func(tx *store.Tx) error {
		var err error
		if pg, err = a.loadSummary(r, tx, id, whatMatters); err != nil {
			return err
		}
		return audit(r.Context(), tx, viewerOf(r), id, "person.summary_viewed", map[string]any{"format": format})
	})
	if err != nil {
		a.storeError(w, r, "summary", err)
		return pg, false
	}
	return pg, true
}
