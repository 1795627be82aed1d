package inbox

import (
	"context"
	"crypto/rand"
	"crypto/sha256"
	"crypto/subtle"
	"encoding/base64"
	"encoding/hex"
	"net"
	"net/http"
	"strings"
	"time"

	"golang.org/x/crypto/bcrypt"

	"github.com/linkbot/linkbot/store"
)

// maxForm is the largest form the web app reads (a dialogue file fits).
const maxForm = 1 << 20

// sessionCookie names the cookie that carries a session token.
const sessionCookie = "linkbot_session"

// viewer is the signed-in link worker and what they may see.
type viewer struct {
	Worker  store.LinkWorker
	Session store.Session
	Scheme  store.Scheme
	Loc     *time.Location
	OnDuty  bool // covering the scheme's duty now
}

// Admin reports whether the viewer manages the scheme.
func (v *viewer) Admin() bool { return v.Worker.Role == store.RoleSchemeAdmin }

// Scope is the link worker whose people the viewer sees, or 0 for the
// whole scheme (admins, and link workers covering duty).
func (v *viewer) Scope() int64 {
	if v.Admin() || v.OnDuty {
		return 0
	}
	return v.Worker.ID
}

type viewerKey struct{}

func viewerOf(r *http.Request) *viewer { return r.Context().Value(viewerKey{}).(*viewer) }

// signedIn lets through requests of a signed-in link worker; a POST must
// also carry the session's CSRF token. Anyone else is sent to sign in.
func (a *app) signedIn(h http.HandlerFunc) http.Handler {
	return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		v, err := a.loadViewer(r)
		if err != nil {
			if store.ErrorCode(err) != store.NotFound {
				a.serverError(w, r, "load session", err)
				return
			}
			if r.Method == http.MethodGet && r.Header.Get("X-Linkbot-Poll") == "" {
				http.Redirect(w, r, "/login", http.StatusSeeOther)
				return
			}
			http.Error(w, "Please sign in again.", http.StatusUnauthorized)
			return
		}
		if r.Method == http.MethodPost {
			r.Body = http.MaxBytesReader(w, r.Body, maxForm)
			got := r.PostFormValue("csrf")
			if subtle.ConstantTimeCompare([]byte(got), []byte(v.Session.CSRFToken)) != 1 {
				http.Error(w, "This form has expired. Go back, reload the page and try again.", http.StatusForbidden)
				return
			}
		}
		h(w, r.WithContext(context.WithValue(r.Context(), viewerKey{}, v)))
	})
}

// admin is signedIn for scheme admins only.
func (a *app) admin(h http.HandlerFunc) http.Handler {
	return a.signedIn(func(w http.ResponseWriter, r *http.Request) {
		if !viewerOf(r).Admin() {
			http.NotFound(w, r)
			return
		}
		h(w, r)
	})
}

func (a *app) loadViewer(r *http.Request) (*viewer, error) {
	c, err := r.Cookie(sessionCookie)
	if err != nil || c.Value == "" {
		return nil, &store.Error{Code: store.NotFound, Op: "session", Message: "no session cookie"}
	}
	v := &viewer{}
	err = a.DB.View(r.Context(), func(tx *store.Tx) error {
		var err error
		if v.Session, v.Worker, err = tx.GetSession(r.Context(), hashToken(c.Value)); err != nil {
			return err
		}
		if v.Scheme, err = tx.GetScheme(r.Context(), v.Worker.SchemeID); err != nil {
			return err
		}
		v.OnDuty, err = tx.CoversDuty(r.Context(), v.Worker.ID, tx.Now())
		return err
	})
	if err != nil {
		return nil, err
	}
	if v.Loc, err = v.Scheme.Location(); err != nil {
		v.Loc = time.UTC
	}
	return v, nil
}

func (a *app) loginForm(w http.ResponseWriter, r *http.Request) {
	a.render(w, r, http.StatusOK, "login", map[string]any{})
}

// dummyHash is compared against when the email is unknown, so a sign-in
// takes as long whether or not the account exists.
var dummyHash, _ = bcrypt.GenerateFromPassword([]byte("no such account"), bcrypt.DefaultCost)

func (a *app) login(w http.ResponseWriter, r *http.Request) {
	ctx := r.Context()
	email := strings.ToLower(strings.TrimSpace(r.PostFormValue("email")))
	password := r.PostFormValue("password")
	keys := []string{"email:" + email, "ip:" + clientIP(r)}
	now := a.Now()
	var byEmail, byAddress int
	err := a.DB.View(ctx, func(tx *store.Tx) error {
		var err error
		if byEmail, err = tx.CountLoginFailures(ctx, now.Add(-loginWindow), keys[0]); err != nil {
			return err
		}
		byAddress, err = tx.CountLoginFailures(ctx, now.Add(-loginWindow), keys[1])
		return err
	})
	if err != nil {
		a.serverError(w, r, "count sign-in failures", err)
		return
	}
	data := map[string]any{"Email": email}
	if byEmail >= loginMaxFailures || byAddress >= loginMaxFailuresPerAddress {
		data["Error"] = "Too many sign-in attempts. Wait 15 minutes and try again, or ask your scheme admin to reset your password."
		a.render(w, r, http.StatusTooManyRequests, "login", data)
		return
	}
	worker, err := a.DB.GetLinkWorkerByEmail(ctx, email)
	hash := dummyHash
	if err == nil && worker.Active && worker.PasswordHash != nil {
		hash = []byte(*worker.PasswordHash)
	} else if err != nil && store.ErrorCode(err) != store.NotFound {
		a.serverError(w, r, "find link worker", err)
		return
	}
	if bcrypt.CompareHashAndPassword(hash, []byte(password)) != nil || err != nil || !worker.Active || worker.PasswordHash == nil {
		if err := a.DB.InTx(ctx, func(tx *store.Tx) error { return tx.RecordLoginFailure(ctx, keys...) }); err != nil {
			a.serverError(w, r, "record sign-in failure", err)
			return
		}
		data["Error"] = "That email and password do not match."
		a.render(w, r, http.StatusUnauthorized, "login", data)
		return
	}
	token := randomToken()
	s := store.Session{SchemeID: worker.SchemeID, LinkWorkerID: worker.ID, TokenHash: hashToken(token),
		CSRFToken: randomToken(), ExpiresAt: now.Add(sessionLifetime)}
	err = a.DB.InTx(ctx, func(tx *store.Tx) error {
		if err := tx.ClearLoginFailures(ctx, keys[0], now.Add(-loginWindow)); err != nil {
			return err
		}
		if err := tx.DeleteSession(ctx, ""); err != nil { // and every expired one
			return err
		}
		return tx.CreateSession(ctx, &s)
	})
	if err != nil {
		a.serverError(w, r, "create session", err)
		return
	}
	http.SetCookie(w, &http.Cookie{Name: sessionCookie, Value: token, Path: "/", HttpOnly: true,
		Secure: !a.InsecureCookies, SameSite: http.SameSiteLaxMode, Expires: s.ExpiresAt})
	a.Logger.Info("signed in", "link_worker", worker.ID)
	http.Redirect(w, r, "/", http.StatusSeeOther)
}

func (a *app) logout(w http.ResponseWriter, r *http.Request) {
	v := viewerOf(r)
	if err := a.DB.InTx(r.Context(), func(tx *store.Tx) error {
		return tx.DeleteSession(r.Context(), v.Session.TokenHash)
	}); err != nil {
		a.serverError(w, r, "delete session", err)
		return
	}
	http.SetCookie(w, &http.Cookie{Name: sessionCookie, Value: "", Path: "/", HttpOnly: true,
		Secure: !a.InsecureCookies, SameSite: http.SameSiteLaxMode, MaxAge: -1})
	http.Redirect(w, r, "/login", http.StatusSeeOther)
}

// HashPassword returns the bcrypt hash to store for a new password.
func HashPassword(password string) (string, error) {
	b, err := bcrypt.GenerateFromPassword([]byte(password), bcrypt.DefaultCost)
	return string(b), err
}

func randomToken() string {
	b := make([]byte, 32)
	rand.Read(b)
	return base64.RawURLEncoding.EncodeToString(b)
}

func hashToken(token string) string {
	sum := sha256.Sum256([]byte(token))
	return hex.EncodeToString(sum[:])
}

// clientIP is the address the request came from. Behind a proxy all
// requests share its address, which only makes the limit stricter.
func clientIP(r *http.Request) string {
	host, _, err := net.SplitHostPort(r.RemoteAddr)
	if err != nil {
		return r.RemoteAddr
	}
	return host
}
