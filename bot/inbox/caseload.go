package inbox

import (
	"net/http"

	"github.com/linkbot/linkbot/store"
)

// caseload shows the people the viewer looks after: urgent first, then
// whatever waits, each oldest first. The rows refresh every second.
func (a *app) caseload(w http.ResponseWriter, r *http.Request) {
	data, err := a.caseloadData(r)
	if err != nil {
		a.serverError(w, r, "caseload", err)
		return
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

func (a *app) caseloadData(r *http.Request) (map[string]any, error) {
	v := viewerOf(r)
	var entries []store.CaseloadEntry
	err := a.DB.View(r.Context(), func(tx *store.Tx) error {
		var err error
		entries, err = tx.Caseload(r.Context(), v.Worker.SchemeID, v.Scope())
		return err
	})
	waiting := 0
	for _, e := range entries {
		if e.Waiting() {
			waiting++
		}
	}
	return map[string]any{"Entries": entries, "Waiting": waiting}, err
}
