package inbox

import (
	"bytes"
	"embed"
	"fmt"
	"html/template"
	"net/http"
	"strconv"
	"time"

	"github.com/nyaruka/phonenumbers"

	"github.com/linkbot/linkbot/bot/outcomes"
	"github.com/linkbot/linkbot/store"
)

//go:embed templates
var templateFiles embed.FS

// pages holds one template set per page: the layout plus the page.
type pages map[string]*template.Template

var pageNames = []string{"login", "caseload", "person", "admin", "workers", "duty", "settings", "groups", "dialogues", "tokens", "telegramqr", "error", "welcome", "refer", "import", "audit", "outcomes", "summary"}

func (a *app) loadPages() pages {
	funcs := template.FuncMap{
		"when": func(loc *time.Location, t any) string {
			tt, ok := timeValue(t)
			if !ok {
				return "—"
			}
			return shortWhen(tt.In(loc), a.Now().In(loc))
		},
		"clock": func(loc *time.Location, t any) string {
			tt, ok := timeValue(t)
			if !ok {
				return ""
			}
			return tt.In(loc).Format("15:04")
		},
		"day": func(loc *time.Location, t any) string {
			tt, ok := timeValue(t)
			if !ok {
				return "—"
			}
			return shortDay(tt.In(loc), a.Now().In(loc))
		},
		"inputTime": func(loc *time.Location, t time.Time) string { return t.In(loc).Format("2006-01-02T15:04") },
		"age": func(t any) string {
			tt, ok := timeValue(t)
			if !ok {
				return ""
			}
			return age(a.Now().Sub(tt))
		},
		"ago": func(t any) string {
			tt, ok := timeValue(t)
			if !ok {
				return ""
			}
			return ago(a.Now().Sub(tt))
		},
		"firstName": firstName,
		"deref1":    func(f *float64) float64 { return *f },
		"percent1":  func(f *float64) float64 { return 100 * *f },
		"minutes":   minutesWords,
		"share":     outcomes.Percent,
		"phone":     phoneWords,
		"tel":       func(e164 string) template.URL { return template.URL("tel:" + e164) },
		"reason": func(r store.Reason) string {
			if words, ok := reasonWords[r]; ok {
				return words
			}
			return string(r)
		},
		"kind": func(k store.ContactKind) string {
			for _, c := range contactKinds {
				if c.Value == string(k) {
					return c.Label
				}
			}
			return string(k)
		},
		"dict": func(kv ...any) map[string]any {
			m := map[string]any{}
			for i := 0; i+1 < len(kv); i += 2 {
				m[fmt.Sprint(kv[i])] = kv[i+1]
			}
			return m
		},
		"deref": func(p any) any {
			switch v := p.(type) {
			case *string:
				if v != nil {
					return *v
				}
			case *int64:
				if v != nil {
					return *v
				}
			case *int:
				if v != nil {
					return *v
				}
			}
			return ""
		},
	}
	ps := pages{}
	for _, name := range pageNames {
		ps[name] = template.Must(template.New(name).Funcs(funcs).ParseFS(templateFiles,
			"templates/layout.html", "templates/"+name+".html"))
	}
	return ps
}

// minutesWords puts a mean time in minutes in words: "12 minutes",
// "3.5 hours".
func minutesWords(m float64) string {
	if m < 90 {
		return fmt.Sprintf("%.0f minutes", m)
	}
	return fmt.Sprintf("%.1f hours", m/60)
}

// reasonWords say why something was escalated, for the link worker.
var reasonWords = map[store.Reason]string{
	store.ReasonRisk:           "May show risk",
	store.ReasonWantsContact:   "Asked to talk to you",
	store.ReasonRearrange:      "Asked to move a contact",
	store.ReasonLowScore:       "Low check-in answers",
	store.ReasonNoResponse:     "Check-ins unanswered",
	store.ReasonDeliveryFailed: "A message could not be delivered",
	store.ReasonOptedOut:       "Asked for no more messages",
}

func timeValue(t any) (time.Time, bool) {
	switch v := t.(type) {
	case time.Time:
		return v, !v.IsZero()
	case *time.Time:
		if v != nil {
			return *v, true
		}
	}
	return time.Time{}, false
}

// age writes a duration the way a busy person reads it: "4 min", "3 h", "2 d".
func age(d time.Duration) string {
	switch {
	case d < time.Minute:
		return "just now"
	case d < time.Hour:
		return fmt.Sprintf("%d min", int(d/time.Minute))
	case d < 48*time.Hour:
		return fmt.Sprintf("%d h", int(d/time.Hour))
	}
	return fmt.Sprintf("%d d", int(d/(24*time.Hour)))
}

// ago is age with "ago", except "just now".
func ago(d time.Duration) string {
	if d < time.Minute {
		return "just now"
	}
	return age(d) + " ago"
}

// shortWhen writes t as "Wed 2 Dec, 14:30", with the year only when it is
// not now's.
func shortWhen(t, now time.Time) string {
	if t.Year() != now.Year() {
		return t.Format("Mon 2 Jan 2006, 15:04")
	}
	return t.Format("Mon 2 Jan, 15:04")
}

// shortDay writes t as "2 Dec", with the year only when it is not now's.
func shortDay(t, now time.Time) string {
	if t.Year() != now.Year() {
		return t.Format("2 Jan 2006")
	}
	return t.Format("2 Jan")
}

// phoneWords writes an E.164 number as people read it: 07700 900123 for a
// UK number, +33 6 12 34 56 78 for another.
func phoneWords(e164 string) string {
	num, err := phonenumbers.Parse(e164, "GB")
	if err != nil {
		return e164
	}
	if num.GetCountryCode() == 44 {
		return phonenumbers.Format(num, phonenumbers.NATIONAL)
	}
	return phonenumbers.Format(num, phonenumbers.INTERNATIONAL)
}

// render writes page (or one of its named blocks, "page:block") with data.
func (a *app) render(w http.ResponseWriter, r *http.Request, status int, page string, data map[string]any) {
	a.renderBlock(w, r, status, page, "layout", data)
}

func (a *app) renderBlock(w http.ResponseWriter, r *http.Request, status int, page, block string, data map[string]any) {
	if data == nil {
		data = map[string]any{}
	}
	if v, ok := r.Context().Value(viewerKey{}).(*viewer); ok {
		data["V"] = v
		data["CSRF"] = v.Session.CSRFToken
		data["Loc"] = v.Loc
	}
	var buf bytes.Buffer
	if err := a.pages[page].ExecuteTemplate(&buf, block, data); err != nil {
		a.serverError(w, r, "render "+page, err)
		return
	}
	w.Header().Set("Content-Type", "text/html; charset=utf-8")
	w.WriteHeader(status)
	w.Write(buf.Bytes())
}

// serverError logs err (never message text) and answers 500.
func (a *app) serverError(w http.ResponseWriter, r *http.Request, what string, err error) {
	if r.Context().Err() != nil {
		return // the browser went away; nobody reads the answer
	}
	a.Logger.Error("inbox: "+what, "route", r.Pattern, "err", err)
	http.Error(w, "Something went wrong on our side. Please try again; if it keeps happening, tell your scheme admin.", http.StatusInternalServerError)
}

// storeError answers a store error: not found is 404, refused data is 400.
func (a *app) storeError(w http.ResponseWriter, r *http.Request, what string, err error) {
	switch store.ErrorCode(err) {
	case store.NotFound:
		http.NotFound(w, r)
	case store.Invalid, store.Conflict:
		http.Error(w, "That could not be saved: "+what+". Go back and check the form.", http.StatusBadRequest)
	default:
		a.serverError(w, r, what, err)
	}
}

// pathID reads the numeric path value name; ok false means 404 was sent.
func pathID(w http.ResponseWriter, r *http.Request, name string) (int64, bool) {
	id, err := strconv.ParseInt(r.PathValue(name), 10, 64)
	if err != nil || id <= 0 {
		http.NotFound(w, r)
		return 0, false
	}
	return id, true
}
