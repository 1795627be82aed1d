package inbox

import (
	"bytes"
	"io"
	"net/http"
	"path/filepath"
	"strings"

	"github.com/linkbot/linkbot/bot/referral"
)

// importForm shows the page that imports referrals from a CSV file.
func (a *app) importForm(w http.ResponseWriter, r *http.Request) {
	a.render(w, r, http.StatusOK, "import", map[string]any{"Columns": strings.Join(referral.Columns, ",")})
}

// importTooLarge shows the import page again with problem: the file
// uploaded is over the limit.
func (a *app) importTooLarge(w http.ResponseWriter, r *http.Request, problem string) {
	a.render(w, r, http.StatusRequestEntityTooLarge, "import", map[string]any{"Columns": strings.Join(referral.Columns, ","), "Problem": problem})
}

// importPeople checks an uploaded CSV file of referrals (a dry run that
// lists every problem and duplicate) or, when asked to import the file
// just checked, creates the good, new referrals and reports the rest.
func (a *app) importPeople(w http.ResponseWriter, r *http.Request) {
	v := viewerOf(r)
	data := map[string]any{"Columns": strings.Join(referral.Columns, ",")}
	name, content := strings.TrimSpace(r.PostFormValue("filename")), r.PostFormValue("csv")
	if f, h, err := r.FormFile("file"); err == nil {
		b, err := io.ReadAll(f)
		f.Close()
		if err != nil {
			a.serverError(w, r, "read the uploaded file", err)
			return
		}
		name, content = filepath.Base(h.Filename), string(b)
	}
	if strings.TrimSpace(content) == "" {
		data["Problem"] = "Choose a CSV file of referrals to check."
		a.render(w, r, http.StatusBadRequest, "import", data)
		return
	}
	if name == "" || name == "." {
		name = "referrals.csv"
	}
	dryRun := r.PostFormValue("action") != "import"
	rep, err := referral.Import(r.Context(), a.DB, a.Nudges, v.Scheme, v.Worker.Name, &v.Worker.ID, name, bytes.NewReader([]byte(content)), dryRun)
	if err != nil {
		a.serverError(w, r, "import referrals", err)
		return
	}
	a.Logger.Info("referrals import", "by", v.Worker.ID, "dry_run", dryRun, "rows", rep.Rows, "problems", len(rep.Problems),
		"duplicates", len(rep.Duplicates), "created", rep.Created)
	data["Report"], data["CSV"], data["Filename"] = rep, content, name
	a.render(w, r, http.StatusOK, "import", data)
}
