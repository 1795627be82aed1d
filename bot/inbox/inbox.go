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
	"net/netip"
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
	// Nudges plans a person's nudges inside the transaction of each change
	// to their casework: consent, a referral, a pause, opting back in, a
	// contact, the end of support. Required.
	Nudges Planner
	// Now is the clock for sessions and rate limits; nil is the database's
	// (store.DB.Now), so a session expires by the clock it was stored with.
	Now func() time.Time
	// TelegramLink makes the t.me link that binds a chat with a one-time
	// code (telegram.Bot.StartLink); nil when Telegram is off.
	TelegramLink func(code string) string
	// TrustedProxies are the reverse proxies and load balancers in front
	// of Linkbot. A request from one of them is taken to come from the
	// address it names in X-Forwarded-For; from anywhere else,
	// X-Forwarded-For is ignored. Read LINKBOT_TRUSTED_PROXIES with
	// ParseTrustedProxies. Empty: the connection's address is the client's.
	TrustedProxies []netip.Prefix
	// PublicURL is the address Linkbot is served at (LINKBOT_PUBLIC_URL),
	// for the one-time sign-in links an admin hands out; empty is the
	// address each request came to.
	PublicURL string
}

// Planner keeps a person's plan of nudges whole as their casework changes.
// Each method but ReplanScheme runs inside the transaction of the change.
// *nudges.Planner is the one Linkbot uses.
type Planner interface {
	// PlanContact plans, re-plans or drops a contact's reminders after it
	// is booked, moved, cancelled, done or missed (and plans a suggestion
	// after one that took place).
	PlanContact(ctx context.Context, tx *store.Tx, c store.Contact) error
	// StartSupport plans the welcome and the first check-ins of a person
	// whose consent is recorded; without consent it plans nothing.
	StartSupport(ctx context.Context, tx *store.Tx, p store.Person) error
	// Pause holds the person's nudges until until and plans the next
	// check-in after it.
	Pause(ctx context.Context, tx *store.Tx, p store.Person, by int64, until time.Time) error
	// Resume ends a pause, or follows an opt-in, planning nudges from now.
	Resume(ctx context.Context, tx *store.Tx, p store.Person) error
	// EndSupport ends the person's support for reason, with the check-in
	// at the end of support.
	EndSupport(ctx context.Context, tx *store.Tx, p store.Person, reason string) error
	// ReplanScheme re-plans everyone's next check-in after the scheme's
	// check-in dialogue changed, in transactions of its own.
	ReplanScheme(ctx context.Context, db *store.DB, schemeID int64) (int64, error)
	// NextSendTime is when a nudge of the scheme due at t goes: t, or the
	// end of the quiet hours t falls in.
	NextSendTime(s store.Scheme, t time.Time) (time.Time, error)
}

// Session and sign-in settings.
const (
	sessionLifetime = 12 * time.Hour
	// deviceLifetime is how long a browser stays known after a sign-in.
	deviceLifetime = 90 * 24 * time.Hour
	// An account (or a known device) has accountFreeFailures failed
	// sign-ins free in accountWindow; after that each attempt waits
	// signInDelay after the last failure.
	accountWindow       = 24 * time.Hour
	accountFreeFailures = 5
	// An address has more: a team behind one office address shares it.
	addressWindow       = time.Hour
	addressFreeFailures = 20
	// maxSignInDelay caps the doubling delay.
	maxSignInDelay = 15 * time.Minute
	threadLimit    = 500
)

// app carries what the handlers share.
type app struct {
	Config
	pages pages
}

// New returns the inbox's handler: the web app at "/" and the JSON API at
// "/api/v1/". Mount it at "/" beside the webhooks. A Config without
// Nudges is a programming error: New panics.
func New(cfg Config) http.Handler {
	if cfg.Nudges == nil {
		panic("inbox.New: Config.Nudges is nil; pass the nudges planner (nudges.NewPlanner())")
	}
	if cfg.Logger == nil {
		cfg.Logger = slog.Default()
	}
	if cfg.Now == nil {
		cfg.Now = cfg.DB.Now // one clock: sessions expire by the same time they are stored at
	}
	a := &app{Config: cfg}
	a.pages = a.loadPages()

	web := http.NewServeMux()
	static, _ := fs.Sub(staticFiles, "static")
	web.Handle("GET /static/", http.StripPrefix("/static/", http.FileServerFS(static)))
	web.HandleFunc("GET /login", a.loginForm)
	web.HandleFunc("POST /login", a.login)
	web.Handle("POST /logout", a.signedIn(a.logout))
	web.HandleFunc("GET /welcome/{token}", a.welcomeForm)
	web.HandleFunc("POST /welcome/{token}", a.welcome)

	web.Handle("GET /{$}", a.home(a.signedIn(a.caseload)))
	web.Handle("GET /people/new", a.signedIn(a.referForm))
	web.Handle("POST /people/new", a.signedIn(a.refer))
	web.Handle("GET /people/import", a.admin(a.importForm))
	web.Handle("POST /people/import", a.adminOr(a.importPeople, a.importTooLarge))
	web.Handle("GET /caseload/rows", a.signedIn(a.caseloadRows))
	web.Handle("GET /people/{id}", a.signedIn(a.person))
	web.Handle("GET /people/{id}/thread", a.signedIn(a.personThread))
	web.Handle("POST /people/{id}/reply", a.signedIn(a.reply))
	web.Handle("POST /people/{id}/notes", a.signedIn(a.addNote))
	web.Handle("POST /people/{id}/consent", a.signedIn(a.recordConsent))
	web.Handle("POST /people/{id}/discreet", a.signedIn(a.setDiscreet))
	web.Handle("POST /people/{id}/edit", a.signedIn(a.editPerson))
	web.Handle("POST /people/{id}/reassign", a.signedIn(a.reassign))
	web.Handle("POST /people/{id}/opt-out", a.signedIn(a.setOptOut))
	web.Handle("POST /people/{id}/pause", a.signedIn(a.pauseNudges))
	web.Handle("POST /people/{id}/telegram/invite", a.signedIn(a.inviteToTelegram))
	web.Handle("GET /people/{id}/telegram/qr", a.signedIn(a.telegramQR))
	web.Handle("POST /people/{id}/telegram/leave", a.signedIn(a.moveToSMS))
	web.Handle("POST /people/{id}/dialogue", a.signedIn(a.startDialogue))
	web.Handle("POST /people/{id}/end", a.signedIn(a.endSupport))
	web.Handle("GET /people/{id}/export", a.admin(a.exportPerson))
	web.Handle("POST /people/{id}/restrict", a.admin(a.restrictProcessing))
	web.Handle("POST /people/{id}/erase", a.admin(a.erasePerson))
	web.Handle("GET /people/{id}/summary", a.signedIn(a.supportSummary))
	web.Handle("GET /people/{id}/summary.json", a.signedIn(a.supportSummaryJSON))
	web.Handle("GET /people/{id}/summary.pdf", a.signedIn(a.supportSummaryPDF))
	web.Handle("POST /people/{id}/summary", a.signedIn(a.sendSupportSummary))
	web.Handle("POST /people/{id}/contacts", a.signedIn(a.bookContact))
	web.Handle("POST /people/{id}/contacts/{contact}/move", a.signedIn(a.moveContact))
	web.Handle("POST /people/{id}/contacts/{contact}/cancel", a.signedIn(a.cancelContact))
	web.Handle("POST /people/{id}/contacts/{contact}/done", a.signedIn(a.contactDone))
	web.Handle("POST /people/{id}/contacts/{contact}/dna", a.signedIn(a.contactMissed))
	web.Handle("POST /people/{id}/escalations/{escalation}/acknowledge", a.signedIn(a.acknowledge))
	web.Handle("POST /people/{id}/escalations/{escalation}/resolve", a.signedIn(a.resolve))

	web.Handle("GET /admin", a.admin(a.adminHome))
	web.Handle("GET /admin/workers", a.admin(a.adminWorkers))
	web.Handle("POST /admin/workers", a.admin(a.addWorker))
	web.Handle("POST /admin/workers/{worker}", a.admin(a.updateWorker))
	web.Handle("POST /admin/workers/{worker}/unlock", a.admin(a.unlockWorker))
	web.Handle("POST /admin/workers/{worker}/link", a.admin(a.newSignInLink))
	web.Handle("GET /admin/duty", a.admin(a.adminDuty))
	web.Handle("POST /admin/duty", a.admin(a.addDutyCover))
	web.Handle("POST /admin/duty/{cover}/delete", a.admin(a.deleteDutyCover))
	web.Handle("GET /admin/settings", a.admin(a.adminSettings))
	web.Handle("POST /admin/settings", a.admin(a.saveSettings))
	web.Handle("POST /admin/senders", a.admin(a.saveSenders))
	web.Handle("GET /admin/groups", a.admin(a.adminGroups))
	web.Handle("POST /admin/groups", a.admin(a.addGroup))
	web.Handle("POST /admin/groups/{group}", a.admin(a.updateGroup))
	web.Handle("GET /admin/dialogues", a.admin(a.adminDialogues))
	web.Handle("POST /admin/dialogues/check", a.admin(a.checkDialogue))
	web.Handle("POST /admin/dialogues/publish", a.admin(a.publishDialogue))
	web.Handle("GET /admin/audit", a.admin(a.adminAudit))
	web.Handle("GET /admin/outcomes", a.admin(a.adminOutcomes))
	web.Handle("GET /admin/outcomes/report.json", a.admin(a.outcomesJSON))
	web.Handle("POST /admin/outcomes/episodes", a.admin(a.outcomesEpisodes))
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
