// Package simulated is the channel of the demo and of tests: nothing
// leaves the process. Its Sender accepts every message and counts it
// delivered at once; its phone page (server-rendered HTML) shows a phone
// for each person, with the thread of what the bot sent them and what they
// wrote, and a box to type a reply, which goes in through exactly the same
// pipeline as an SMS.
package simulated

import (
	"context"
	"crypto/rand"
	"embed"
	"encoding/hex"
	"html/template"
	"log/slog"
	"net/http"
	"strconv"
	"strings"
	"time"

	"github.com/linkbot/linkbot/bot"
	"github.com/linkbot/linkbot/store"
)

// Sender accepts every message; the dispatcher records it delivered at
// once. It is a bot.Sender.
type Sender struct{}

// Send returns a new provider id for out.
func (Sender) Send(ctx context.Context, out bot.Outbound) (string, error) {
	return "sim-" + randomID(), nil
}

// DeliversAtOnce tells the dispatcher a sent message is delivered.
func (Sender) DeliversAtOnce() bool { return true }

func randomID() string {
	b := make([]byte, 12)
	rand.Read(b)
	return hex.EncodeToString(b)
}

// Phones serves the demo phone page under prefix (e.g. "/demo/phones"):
//
//	GET  prefix        every active person, each a link to their phone
//	GET  prefix/{id}   one person's phone: their thread and a reply box
//	POST prefix/{id}   the person "texts" the form's text
type Phones struct {
	db     *store.DB
	in     bot.InboundHandler
	prefix string
	now    func() time.Time
}

// NewPhones returns the phone page over db, handing typed replies to in.
func NewPhones(db *store.DB, in bot.InboundHandler, prefix string) *Phones {
	return &Phones{db: db, in: in, prefix: strings.TrimRight(prefix, "/"), now: db.Now}
}

// Register mounts the page's routes on mux.
func (p *Phones) Register(mux *http.ServeMux) {
	mux.HandleFunc("GET "+p.prefix, p.list)
	mux.HandleFunc("GET "+p.prefix+"/{id}", p.phone)
	mux.HandleFunc("POST "+p.prefix+"/{id}", p.text)
}

//go:embed phones.html
var pageFiles embed.FS

var page = template.Must(template.New("phones.html").Funcs(template.FuncMap{
	"clock": func(t time.Time) string { return t.Local().Format("Mon 15:04") },
}).ParseFS(pageFiles, "phones.html"))

type personView struct {
	ID       int64
	Name     string
	Channel  string
	OptedOut bool
}

type pageData struct {
	Prefix string
	People []personView
	Person *personView
	Thread []store.Message
}

// list opens the first person's phone, or says there is no one.
func (p *Phones) list(w http.ResponseWriter, r *http.Request) {
	people, err := p.people(r.Context())
	if err != nil {
		p.fail(w, r, err)
		return
	}
	if len(people) > 0 {
		http.Redirect(w, r, p.prefix+"/"+strconv.FormatInt(people[0].ID, 10), http.StatusSeeOther)
		return
	}
	p.render(w, r, pageData{Prefix: p.prefix, People: people})
}

func (p *Phones) people(ctx context.Context) ([]personView, error) {
	schemes, err := p.db.ListSchemes(ctx)
	if err != nil {
		return nil, err
	}
	var list []personView
	for _, s := range schemes {
		people, err := p.db.ListPeople(ctx, s.ID, 0)
		if err != nil {
			return nil, err
		}
		for _, person := range people {
			if person.Status == store.PersonActive && person.Phone != nil {
				list = append(list, view(person))
			}
		}
	}
	return list, nil
}

func view(person store.Person) personView {
	return personView{ID: person.ID, Name: person.Name, Channel: string(person.PreferredChannel), OptedOut: person.OptedOutAt != nil}
}

func (p *Phones) phone(w http.ResponseWriter, r *http.Request) {
	person, ok := p.person(w, r)
	if !ok {
		return
	}
	thread, err := p.db.ListThread(r.Context(), person.ID, 50)
	if err != nil {
		p.fail(w, r, err)
		return
	}
	if r.URL.Query().Get("thread") != "" { // the page's script asking for the thread alone
		w.Header().Set("Content-Type", "text/html; charset=utf-8")
		if err := page.ExecuteTemplate(w, "thread", pageData{Thread: thread}); err != nil {
			slog.ErrorContext(r.Context(), "simulated: render thread", "err", err)
		}
		return
	}
	people, err := p.people(r.Context())
	if err != nil {
		p.fail(w, r, err)
		return
	}
	v := view(person)
	p.render(w, r, pageData{Prefix: p.prefix, People: people, Person: &v, Thread: thread})
}

func (p *Phones) text(w http.ResponseWriter, r *http.Request) {
	person, ok := p.person(w, r)
	if !ok {
		return
	}
	text := strings.TrimSpace(r.FormValue("text"))
	if text != "" {
		in := bot.Inbound{Kind: bot.KindMessage, Channel: bot.Simulated, ProviderID: "sim-" + randomID(),
			From: *person.Phone, To: "demo", Text: text, ReceivedAt: p.now()}
		if err := p.in.HandleInbound(r.Context(), in); err != nil {
			p.fail(w, r, err)
			return
		}
	}
	http.Redirect(w, r, p.prefix+"/"+strconv.FormatInt(person.ID, 10), http.StatusSeeOther)
}

func (p *Phones) person(w http.ResponseWriter, r *http.Request) (store.Person, bool) {
	id, err := strconv.ParseInt(r.PathValue("id"), 10, 64)
	if err != nil {
		http.NotFound(w, r)
		return store.Person{}, false
	}
	person, err := p.db.GetPerson(r.Context(), id)
	if err != nil || person.Phone == nil {
		http.NotFound(w, r)
		return store.Person{}, false
	}
	return person, true
}

func (p *Phones) render(w http.ResponseWriter, r *http.Request, data pageData) {
	w.Header().Set("Content-Type", "text/html; charset=utf-8")
	if err := page.Execute(w, data); err != nil {
		slog.ErrorContext(r.Context(), "simulated: render phone page", "err", err)
	}
}

func (p *Phones) fail(w http.ResponseWriter, r *http.Request, err error) {
	slog.ErrorContext(r.Context(), "simulated: phone page failed", "err", err)
	http.Error(w, "something went wrong; see the server log", http.StatusInternalServerError)
}
