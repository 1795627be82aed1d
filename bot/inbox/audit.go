package inbox

import (
	"encoding/csv"
	"net/http"
	"net/url"
	"strconv"
	"strings"
	"time"

	"github.com/linkbot/linkbot/bot/outcomes"
	"github.com/linkbot/linkbot/store"
)

// auditActions are the kinds of audit event the audit page filters by:
// an action, or a prefix ending in ".".
var auditActions = []struct{ Value, Label string }{
	{"", "Everything"},
	{"person.viewed", "Looked at a person's page"},
	{"person.thread_viewed", "Read a person's thread"},
	{"person.exported", "Downloaded a subject access export"},
	{"person.summary_viewed", "Looked at the summary for a person's GP"},
	{"person.erased", "Erased a person"},
	{"person.restricted", "Restricted or lifted processing"},
	{"retention.purged", "Retention purge"},
	{"person.", "Any change or view of a person"},
	{"contact.", "Contacts"},
	{"escalation.", "Escalations"},
	{"link_worker.", "Staff accounts"},
}

// auditRow is one audit event in words.
type auditRow struct {
	store.AuditEvent
	Person string // the person's name and id, if about one
}

// adminAudit shows the scheme's audit trail, newest first, filtered by
// person, by link worker, by kind and by dates (?person=, ?worker=,
// ?action=, ?from=, ?to=, dates as YYYY-MM-DD in the scheme's time zone);
// ?format=csv downloads what the page shows, up to 10 000 rows.
func (a *app) adminAudit(w http.ResponseWriter, r *http.Request) {
	v := viewerOf(r)
	in := r.URL.Query()
	q := store.AuditQuery{SchemeID: v.Worker.SchemeID, Action: in.Get("action"), Limit: 500}
	var problem string
	q.PersonID, _ = strconv.ParseInt(in.Get("person"), 10, 64)
	q.ActorID, _ = strconv.ParseInt(in.Get("worker"), 10, 64)
	for _, f := range []struct {
		name string
		into *time.Time
		add  int
	}{{"from", &q.From, 0}, {"to", &q.To, 1}} {
		if s := strings.TrimSpace(in.Get(f.name)); s != "" {
			d, err := time.ParseInLocation(time.DateOnly, s, v.Loc)
			if err != nil {
				problem = "Write dates as YYYY-MM-DD, e.g. 2026-11-30."
				continue
			}
			*f.into = d.AddDate(0, 0, f.add) // "to" takes in the whole day
		}
	}
	csvOut := in.Get("format") == "csv"
	if csvOut {
		q.Limit = 10000
	}
	var rows []auditRow
	var workers []store.LinkWorker
	err := a.DB.View(r.Context(), func(tx *store.Tx) error {
		list, err := tx.SearchAudit(r.Context(), q)
		if err != nil {
			return err
		}
		if workers, err = tx.ListLinkWorkers(r.Context(), v.Worker.SchemeID); err != nil {
			return err
		}
		people, err := tx.ListPeople(r.Context(), v.Worker.SchemeID, 0)
		if err != nil {
			return err
		}
		names := map[int64]string{}
		for _, p := range people {
			names[p.ID] = p.Name
		}
		for _, e := range list {
			row := auditRow{AuditEvent: e}
			if e.PersonID != nil {
				row.Person = names[*e.PersonID] + " (" + strconv.FormatInt(*e.PersonID, 10) + ")"
			}
			rows = append(rows, row)
		}
		return nil
	})
	if err != nil {
		a.serverError(w, r, "audit trail", err)
		return
	}
	if csvOut {
		writeAuditCSV(w, rows, v.Loc)
		return
	}
	a.render(w, r, http.StatusOK, "audit", map[string]any{"Rows": rows, "Workers": workers, "Actions": auditActions,
		"In": in, "Problem": problem, "Full": len(rows) == q.Limit, "CSV": "/admin/audit?" + withFormat(in)})
}

// withFormat is the query in with format=csv.
func withFormat(in url.Values) string {
	q := url.Values{}
	for k, v := range in {
		q[k] = v
	}
	q.Set("format", "csv")
	return q.Encode()
}

// writeAuditCSV writes rows as a CSV download.
func writeAuditCSV(w http.ResponseWriter, rows []auditRow, loc *time.Location) {
	w.Header().Set("Content-Type", "text/csv; charset=utf-8")
	w.Header().Set("Content-Disposition", `attachment; filename="linkbot-audit.csv"`)
	out := csv.NewWriter(w)
	out.Write([]string{"id", "at", "actor", "actor_id", "action", "person_id", "person", "address", "detail"})
	for _, e := range rows {
		actorID, personID := "", ""
		if e.ActorID != nil {
			actorID = strconv.FormatInt(*e.ActorID, 10)
		}
		if e.PersonID != nil {
			personID = strconv.FormatInt(*e.PersonID, 10)
		}
		out.Write([]string{strconv.FormatInt(e.ID, 10), e.At.In(loc).Format(time.RFC3339), outcomes.CSVCell(e.Actor), actorID, e.Action,
			personID, outcomes.CSVCell(e.Person), e.Address, outcomes.CSVCell(string(e.Detail))})
	}
	out.Flush()
}
