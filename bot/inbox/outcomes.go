package inbox

import (
	"fmt"
	"math"
	"net/http"
	"net/url"
	"strconv"
	"time"

	"github.com/linkbot/linkbot/bot/outcomes"
	"github.com/linkbot/linkbot/store"
)

// The outcomes dashboard (Scheme admin → Outcomes): the scheme report of
// package outcomes for a period and a link worker, with charts drawn as
// inline SVG the same way as the person page's measure charts (chart.go),
// the report as JSON, and the identifiable episode export.

// outcomesForm is the dashboard's choice of period and link worker, as
// typed and as read.
type outcomesForm struct {
	From, To string // YYYY-MM-DD, both included
	Worker   int64
	Query    outcomes.Query
	Problem  string
}

// Values is the form as a query string, for the download links.
func (f outcomesForm) Values() string {
	v := url.Values{"from": {f.From}, "to": {f.To}}
	if f.Worker != 0 {
		v.Set("worker", strconv.FormatInt(f.Worker, 10))
	}
	return v.Encode()
}

// readOutcomesForm reads from, to and worker from r (a query or a posted
// form); the default period is the twelve months up to today.
func (a *app) readOutcomesForm(r *http.Request) outcomesForm {
	v := viewerOf(r)
	today := a.Now().In(v.Loc)
	f := outcomesForm{From: r.FormValue("from"), To: r.FormValue("to")}
	if f.From == "" && f.To == "" {
		f.From, f.To = today.AddDate(-1, 0, 1).Format(time.DateOnly), today.Format(time.DateOnly)
	}
	f.Worker, _ = strconv.ParseInt(r.FormValue("worker"), 10, 64)
	from, to, err := outcomes.Period(f.From, f.To, v.Loc)
	if err != nil {
		f.Problem = err.Error()
	}
	f.Query = outcomes.Query{SchemeID: v.Worker.SchemeID, From: from, To: to, WorkerID: f.Worker}
	return f
}

// adminOutcomes shows the dashboard.
func (a *app) adminOutcomes(w http.ResponseWriter, r *http.Request) {
	v := viewerOf(r)
	f := a.readOutcomesForm(r)
	data := map[string]any{"Form": f}
	var workers []store.LinkWorker
	var exports []store.AuditEvent
	err := a.DB.View(r.Context(), func(tx *store.Tx) error {
		var err error
		if workers, err = tx.ListLinkWorkers(r.Context(), v.Worker.SchemeID); err != nil {
			return err
		}
		exports, err = tx.SearchAudit(r.Context(), store.AuditQuery{SchemeID: v.Worker.SchemeID, Action: outcomes.AuditEpisodesExported, Limit: 5})
		return err
	})
	if err != nil {
		a.serverError(w, r, "outcomes", err)
		return
	}
	data["Workers"], data["Exports"] = workers, exports
	status := http.StatusOK
	if f.Problem == "" {
		rep, err := outcomes.SchemeReport(r.Context(), a.DB, f.Query)
		if err != nil {
			a.serverError(w, r, "outcomes", err)
			return
		}
		data["R"] = rep
		data["Charts"] = outcomeCharts(rep)
		for _, lw := range workers {
			if lw.ID == f.Worker {
				data["WorkerName"] = lw.Name
			}
		}
	} else {
		status = http.StatusBadRequest
	}
	a.render(w, r, status, "outcomes", data)
}

// outcomesJSON answers the scheme report as JSON, small numbers suppressed.
func (a *app) outcomesJSON(w http.ResponseWriter, r *http.Request) {
	f := a.readOutcomesForm(r)
	if f.Problem != "" {
		http.Error(w, f.Problem, http.StatusBadRequest)
		return
	}
	rep, err := outcomes.SchemeReport(r.Context(), a.DB, f.Query)
	if err != nil {
		a.serverError(w, r, "outcomes report", err)
		return
	}
	w.Header().Set("Content-Disposition", fmt.Sprintf(`attachment; filename="outcomes-%s-to-%s.json"`, f.From, f.To))
	writeJSON(w, http.StatusOK, rep)
}

// outcomesEpisodes sends the identifiable episode export, recorded in the
// audit trail as the signed-in admin's.
func (a *app) outcomesEpisodes(w http.ResponseWriter, r *http.Request) {
	v := viewerOf(r)
	f := a.readOutcomesForm(r)
	format := r.FormValue("format")
	if f.Problem != "" || (format != outcomes.FormatCSV && format != outcomes.FormatJSON) {
		http.Error(w, "Choose the period (YYYY-MM-DD) and CSV or JSON, then try again. "+f.Problem, http.StatusBadRequest)
		return
	}
	ctype := "text/csv; charset=utf-8"
	if format == outcomes.FormatJSON {
		ctype = "application/json"
	}
	out := &startedWriter{ResponseWriter: w}
	w.Header().Set("Content-Type", ctype)
	w.Header().Set("Content-Disposition", fmt.Sprintf(`attachment; filename="episodes-%s-to-%s.%s"`, f.From, f.To, format))
	if _, err := outcomes.ExportEpisodes(r.Context(), a.DB, f.Query, format, outcomes.Actor{ID: &v.Worker.ID, Name: v.Worker.Name}, out); err != nil {
		if !out.started { // nothing sent yet: say so instead of a broken file
			w.Header().Del("Content-Disposition")
			a.serverError(w, r, "episode export", err)
			return
		}
		a.Logger.Error("inbox: episode export cut short", "err", err)
	}
}

// startedWriter notes whether anything has been written to the response.
type startedWriter struct {
	http.ResponseWriter
	started bool
}

func (s *startedWriter) Write(b []byte) (int, error) {
	s.started = true
	return s.ResponseWriter.Write(b)
}

// barChart is a horizontal bar chart: one row per category, each row one
// bar or several stacked, in the measure charts' SVG units.
type barChart struct {
	Title  string
	W, H   float64
	Left   float64 // where bars start; labels end there
	Rows   []barRow
	Legend []barSegment // colours and labels, for stacked bars
	Axis   *barAxis     // a zero line and scale, for charts of changes
}

type barRow struct {
	Label      string
	Y          float64 // the row's top
	Segments   []barSegment
	Text       string // the value shown after the bar
	TextX      float64
	Whisker    *whisker // a confidence interval
	Suppressed bool
}

type barSegment struct {
	X, W   float64
	Colour string
	Label  string
}

type whisker struct{ X1, X2, Mid float64 }

type barAxis struct {
	Zero   float64
	Bottom float64
	Ticks  []chartTick
}

// Each row has its label above its bar, so long names fit a phone.
const (
	barRowH    = 38.0
	barLabelW  = 2.0 // where bars start
	barTextW   = 60.0
	barChartW  = chartW
	colourMain = "#1d70b8"
)

// countBars draws counts: suppressed ones get no bar, only "<5".
func countBars(title string, labels []string, counts []outcomes.Count) barChart {
	c := barChart{Title: title, W: barChartW, Left: barLabelW}
	span := barChartW - barLabelW - barTextW
	top := 1.0
	for _, n := range counts {
		top = math.Max(top, float64(n))
	}
	for i, n := range counts {
		row := barRow{Label: labels[i], Y: float64(i) * barRowH, Text: n.String(), Suppressed: n.Small()}
		wd := 0.0
		if !n.Small() {
			wd = span * float64(n) / top
			row.Segments = []barSegment{{X: barLabelW, W: wd, Colour: colourMain, Label: n.String()}}
		}
		row.TextX = barLabelW + wd + 4
		c.Rows = append(c.Rows, row)
	}
	c.H = float64(len(counts))*barRowH + 4
	return c
}

// outcomeCharts are the dashboard's charts of rep.
func outcomeCharts(rep *outcomes.Report) []barChart {
	var charts []barChart
	if ch, ok := changeChart(rep); ok {
		charts = append(charts, ch)
	}
	if ch, ok := directionChart(rep); ok {
		charts = append(charts, ch)
	}
	var labels []string
	var counts []outcomes.Count
	for _, s := range rep.Sources {
		labels, counts = append(labels, s.Label), append(counts, s.N)
	}
	if len(counts) > 0 {
		charts = append(charts, countBars("Referrals by source", labels, counts))
	}
	c := rep.Contacts
	waits := []outcomes.Count{c.Within7, c.Within14 - c.Within7, c.Within28 - c.Within14, c.Seen - c.Within28, rep.Referred - c.Seen}
	charts = append(charts, countBars("Time from referral to first contact",
		[]string{"Within a week", "8–14 days", "15–28 days", "Over 28 days", "Not seen (yet)"}, waits))
	labels, counts = nil, nil
	for _, g := range rep.Groups {
		if g.Suggested > 0 {
			labels, counts = append(labels, g.Name), append(counts, g.Accepted)
		}
	}
	if len(counts) > 0 {
		charts = append(charts, countBars("Places accepted, by community group", labels, counts))
	}
	return charts
}

// changeChart draws each measure's mean change with its 95% confidence
// interval about a zero line, for the measures with enough people.
func changeChart(rep *outcomes.Report) (barChart, bool) {
	var shown []outcomes.Outcome
	limit := 1.0
	for _, o := range rep.Outcomes {
		if o.Shown() {
			shown = append(shown, o)
			limit = math.Max(limit, math.Max(math.Abs(o.CILow), math.Abs(o.CIHigh)))
		}
	}
	if len(shown) == 0 {
		return barChart{}, false
	}
	limit = math.Ceil(limit)
	c := barChart{Title: "Mean change from start to end, with 95% confidence interval", W: barChartW, Left: barLabelW}
	span := barChartW - barLabelW - 12
	x := func(v float64) float64 { return barLabelW + span*(v+limit)/(2*limit) }
	for i, o := range shown {
		row := barRow{Label: o.Label, Y: float64(i) * barRowH, Text: fmt.Sprintf("%+.2f", o.MeanChange),
			Whisker: &whisker{X1: x(o.CILow), X2: x(o.CIHigh), Mid: x(o.MeanChange)}}
		c.Rows = append(c.Rows, row)
	}
	bottom := float64(len(shown)) * barRowH
	c.Axis = &barAxis{Zero: x(0), Bottom: bottom}
	for _, v := range []float64{-limit, 0, limit} {
		c.Axis.Ticks = append(c.Axis.Ticks, chartTick{X: x(v), Y: bottom + 14, Label: fmt.Sprintf("%+g", v), Anchor: "middle"})
	}
	c.H = bottom + 20
	return c, true
}

// directionChart stacks improved, same and worse as shares of the people
// paired, for measures where no part is a small number.
func directionChart(rep *outcomes.Report) (barChart, bool) {
	c := barChart{Title: "Improved, same or worse (meaningful change)", W: barChartW, Left: barLabelW,
		Legend: []barSegment{{Colour: "#00703c", Label: "improved"}, {Colour: "#b1b4b6", Label: "same"}, {Colour: "#b32d17", Label: "worse"}}}
	span := barChartW - barLabelW - 8
	for _, o := range rep.Outcomes {
		if !o.Shown() {
			continue
		}
		row := barRow{Label: o.Label, Y: float64(len(c.Rows)) * barRowH}
		parts := []outcomes.Count{o.Improved, o.Same, o.Worse}
		for _, p := range parts {
			if p.Small() {
				row.Suppressed, row.Text, row.TextX = true, "numbers too small to show", barLabelW+4
			}
		}
		if !row.Suppressed {
			xpos := barLabelW
			for i, p := range parts {
				wd := span * float64(p) / float64(o.Paired)
				row.Segments = append(row.Segments, barSegment{X: xpos, W: wd, Colour: c.Legend[i].Colour,
					Label: fmt.Sprintf("%s: %s of %s", c.Legend[i].Label, p, o.Paired)})
				xpos += wd
			}
		}
		c.Rows = append(c.Rows, row)
	}
	if len(c.Rows) == 0 {
		return barChart{}, false
	}
	c.H = float64(len(c.Rows))*barRowH + 4
	return c, true
}
