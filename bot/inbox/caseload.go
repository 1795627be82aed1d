package inbox

import (
	"net/http"
	"net/url"
	"strings"

	"github.com/linkbot/linkbot/store"
)

// caseload shows the people the viewer looks after: urgent nobody has
// acknowledged first, then urgent acknowledged, then whatever waits, each
// oldest first. ?show= picks active, paused, ended or opted-out people
// (or all), ?q= searches by name or phone. The rows refresh every second.
func (a *app) caseload(w http.ResponseWriter, r *http.Request) {
	data, err := a.caseloadData(r)
	if err != nil {
		a.serverError(w, r, "caseload", err)
		return
	}
	if r.URL.Query().Get("done") == "reassigned" {
		data["Done"] = "Reassigned: they are in their new link worker's caseload, and were told who that is."
	}
	a.render(w, r, http.StatusOK, "caseload", data)
}

// caseloadRows is the caseload's table body alone, for the live update.
func (a *app) caseloadRows(w http.ResponseWriter, r *http.Request) {
	data, err := a.caseloadData(r)
	if err != nil {
		a.serverError(w, r, "caseload rows", err)
		return
	}
	a.renderBlock(w, r, http.StatusOK, "caseload", "rows", data)
}

// caseloadShows are the caseload's filters, in words.
var caseloadShows = []struct {
	Value store.CaseloadShow
	Label string
}{
	{store.ShowInCare, "In care and anything waiting"},
	{store.ShowActive, "Active"},
	{store.ShowPaused, "Paused"},
	{store.ShowEnded, "Support ended"},
	{store.ShowOptedOut, "Opted out"},
	{store.ShowAll, "Everyone"},
}

func (a *app) caseloadData(r *http.Request) (map[string]any, error) {
	v := viewerOf(r)
	q := r.URL.Query()
	f := store.CaseloadFilter{Show: store.CaseloadShow(q.Get("show")), Search: strings.TrimSpace(q.Get("q"))}
	known := false
	for _, s := range caseloadShows {
		known = known || s.Value == f.Show
	}
	if !known {
		f.Show = store.ShowInCare
	}
	var entries []store.CaseloadEntry
	names := map[int64]string{}
	err := a.DB.View(r.Context(), func(tx *store.Tx) error {
		var err error
		if entries, err = tx.Caseload(r.Context(), v.Worker.SchemeID, v.Scope(), f); err != nil {
			return err
		}
		workers, err := tx.ListLinkWorkers(r.Context(), v.Worker.SchemeID)
		for _, w := range workers {
			names[w.ID] = w.Name
		}
		return err
	})
	waiting := 0
	for _, e := range entries {
		if e.Waiting() {
			waiting++
		}
	}
	rows := url.Values{}
	if f.Show != store.ShowInCare {
		rows.Set("show", string(f.Show))
	}
	if f.Search != "" {
		rows.Set("q", f.Search)
	}
	poll := "/caseload/rows"
	if len(rows) > 0 {
		poll += "?" + rows.Encode()
	}
	return map[string]any{"Entries": entries, "Waiting": waiting, "Filter": f, "Shows": caseloadShows,
		"Names": names, "Poll": poll, "Scheme": v.Scope() == 0}, err
}
