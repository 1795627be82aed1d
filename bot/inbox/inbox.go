// Package inbox is the web app of link workers and scheme admins, and the
// scheme's JSON API.
//
// Link workers sign in, see their caseload (urgent first, updated live),
// read a person's whole thread, answer as themselves through the outbox,
// acknowledge and resolve escalations, book contacts and keep notes. Scheme
// admins also manage link workers, duty cover, quiet hours, community groups,
// dialogues and API tokens. Everything is server-rendered with html/template;
// the one small script for live updates is embedded, as is the stylesheet.
//
// Who sees what is enforced in the queries: a link worker sees their own
// people (the whole scheme while covering duty), a scheme admin sees the
// scheme, nobody sees another scheme; anyone else's person answers 404.
//
// The package sends nothing itself: replies and notifications are outbox
// rows that the dispatcher sends.
package inbox

import (
	"context"
	"embed"
	"io/fs"
	"log/slog"
	"net/http"
	"time"

	"github.com/linkbot/linkbot/store"
)

//go:embed static
var staticFiles embed.FS

// Config is what the inbox needs.
type Config struct {
	DB *store.DB
	// Logger gets the inbox's logs; nil is slog.Default(). Logs never carry
	// phone numbers or message text.
	Logger *slog.Logger
	// InsecureCookies leaves the Secure attribute off the session cookie,
	// for a server reached over plain HTTP on a private network. Browsers
	// accept Secure cookies from http://localhost and 127.0.0.1 anyway.
	InsecureCookies bool
	// ContactChanged is called inside the transaction that books, moves or
	// cancels a contact, to re-plan its reminders. Nil does nothing.
	ContactChanged func(ctx context.Context, tx *store.Tx, c store.Contact) error
	// PersonAdded is called inside the transaction that creates a person
	// from a referral, to plan their check-ins. Nil does nothing.
	PersonAdded func(ctx context.Context, tx *store.Tx, p store.Person) error
	// Now is the clock for sessions and rate limits; nil is time.Now.
	Now func() time.Time
}

// Session and rate limit settings.
const (
	sessionLifetime  = 12 * time.Hour
	loginWindow      = 15 * time.Minute
	loginMaxFailures = 5 // per email in the window
	// loginMaxFailuresPerAddress is higher: a team behind one office or
	// proxy address shares it.
	loginMaxFailuresPerAddress = 20
	threadLimit                = 500
)

// app carries what the handlers share.
type app struct {
	Config
	pages pages
}

// New returns the inbox's handler: the web app at "/" and the JSON API at
// "/api/v1/". Mount it at "/" beside the webhooks.
func New(cfg Config) http.Handler {
	if cfg.Logger == nil {
		cfg.Logger = slog.Default()
	}
	if cfg.Now == nil {
		cfg.Now = time.Now
	}
	a := &app{Config: cfg}
	a.pages = a.loadPages()

	web := http.NewServeMux()
	static, _ := fs.Sub(staticFiles, "static")
	web.Handle("GET /static/", http.StripPrefix("/static/", http.FileServerFS(static)))
	web.HandleFunc("GET /login", a.loginForm)
	web.HandleFunc("POST /login", a.login)
	web.Handle("POST /logout", a.signedIn(a.logout))

	web.Handle("GET /{$}", a.signedIn(a.caseload))
	web.Handle("GET /caseload/rows", a.signedIn(a.caseloadRows))
	web.Handle("GET /people/{id}", a.signedIn(a.person))
	web.Handle("GET /people/{id}/thread", a.signedIn(a.personThread))
	web.Handle("POST /people/{id}/reply", a.signedIn(a.reply))
	web.Handle("POST /people/{id}/notes", a.signedIn(a.addNote))
	web.Handle("POST /people/{id}/consent", a.signedIn(a.recordConsent))
	web.Handle("POST /people/{id}/discreet", a.signedIn(a.setDiscreet))
	web.Handle("POST /people/{id}/opt-out", a.signedIn(a.setOptOut))
	web.Handle("POST /people/{id}/pause", a.signedIn(a.pauseNudges))
	web.Handle("POST /people/{id}/dialogue", a.signedIn(a.startDialogue))
	web.Handle("POST /people/{id}/contacts", a.signedIn(a.bookContact))
	web.Handle("POST /people/{id}/contacts/{contact}/move", a.signedIn(a.moveContact))
	web.Handle("POST /people/{id}/contacts/{contact}/cancel", a.signedIn(a.cancelContact))
	web.Handle("POST /people/{id}/escalations/{escalation}/acknowledge", a.signedIn(a.acknowledge))
	web.Handle("POST /people/{id}/escalations/{escalation}/resolve", a.signedIn(a.resolve))

	web.Handle("GET /admin", a.admin(a.adminHome))
	web.Handle("GET /admin/workers", a.admin(a.adminWorkers))
	web.Handle("POST /admin/workers", a.admin(a.addWorker))
	web.Handle("POST /admin/workers/{worker}", a.admin(a.updateWorker))
	web.Handle("GET /admin/duty", a.admin(a.adminDuty))
	web.Handle("POST /admin/duty", a.admin(a.addDutyCover))
	web.Handle("POST /admin/duty/{cover}/delete", a.admin(a.deleteDutyCover))
	web.Handle("GET /admin/settings", a.admin(a.adminSettings))
	web.Handle("POST /admin/settings", a.admin(a.saveSettings))
	web.Handle("GET /admin/groups", a.admin(a.adminGroups))
	web.Handle("POST /admin/groups", a.admin(a.addGroup))
	web.Handle("POST /admin/groups/{group}", a.admin(a.updateGroup))
	web.Handle("GET /admin/dialogues", a.admin(a.adminDialogues))
	web.Handle("POST /admin/dialogues/check", a.admin(a.checkDialogue))
	web.Handle("POST /admin/dialogues/publish", a.admin(a.publishDialogue))
	web.Handle("GET /admin/tokens", a.admin(a.adminTokens))
	web.Handle("POST /admin/tokens", a.admin(a.addToken))
	web.Handle("POST /admin/tokens/{token}/revoke", a.admin(a.revokeToken))

	root := http.NewServeMux()
	root.Handle("/", securityHeaders(http.NewCrossOriginProtection().Handler(web)))
	root.Handle("/api/v1/", a.apiHandler())
	return root
}

// securityHeaders sets the headers every page of the web app carries.
func securityHeaders(h http.Handler) http.Handler {
	return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		hd := w.Header()
		hd.Set("Content-Security-Policy", "default-src 'self'; img-src 'self' data:; style-src 'self'; script-src 'self'; frame-ancestors 'none'; form-action 'self'")
		hd.Set("X-Content-Type-Options", "nosniff")
		hd.Set("Referrer-Policy", "same-origin")
		hd.Set("Cache-Control", "no-store")
		h.ServeHTTP(w, r)
	})
}
