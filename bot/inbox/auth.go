package inbox

import (
	"context"
	"crypto/rand"
	"crypto/sha256"
	"crypto/subtle"
	"encoding/base64"
	"encoding/hex"
	"errors"
	"fmt"
	"net/http"
	"strconv"
	"strings"
	"sync/atomic"
	"time"

	"golang.org/x/crypto/bcrypt"

	"github.com/linkbot/linkbot/store"
)

// maxForm is the largest form the web app reads (a dialogue file fits).
const maxForm = 1 << 20

// sessionCookie names the cookie that carries a session token.
const sessionCookie = "linkbot_session"

// deviceCookie names the cookie that makes a browser a known device: the
// tokens of the link workers who signed in on it, joined by ".". The
// store keeps only the tokens' SHA-256.
const deviceCookie = "linkbot_device"

// maxDeviceTokens is how many link workers' device tokens one browser
// keeps (a shared office computer).
const maxDeviceTokens = 5

// tokenLength is the length of randomToken's tokens.
const tokenLength = 43

// maxLoginForm is the largest sign-in form read.
const maxLoginForm = 16 << 10

// viewer is the signed-in link worker and what they may see.
type viewer struct {
	Worker  store.LinkWorker
	Session store.Session
	Scheme  store.Scheme
	Loc     *time.Location
	OnDuty  bool   // covering the scheme's duty now
	Address string // the client's address, read through the trusted proxies, for the audit trail
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
func (a *app) signedIn(h http.HandlerFunc) http.Handler { return a.signedInOr(h, nil) }

// signedInOr is signedIn for a form that uploads a file: a POST larger
// than maxForm, whose CSRF token cannot be read, goes to tooLarge (with
// the viewer, and a problem saying how large it was and the limit) to
// show the form again; it changes nothing. With tooLarge nil it is
// answered 413 with the same words.
func (a *app) signedInOr(h http.HandlerFunc, tooLarge func(w http.ResponseWriter, r *http.Request, problem string)) http.Handler {
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
			if size, big := formTooLarge(r); big {
				if tooLarge == nil {
					http.Error(w, fmt.Sprintf("This form is too large: %s; the limit is %s.", size, megabytes(maxForm)), http.StatusRequestEntityTooLarge)
					return
				}
				tooLarge(w, r.WithContext(context.WithValue(r.Context(), viewerKey{}, v)),
					fmt.Sprintf("Too large: the file is %s; the limit is %s. Split it into smaller files.", size, megabytes(maxForm)))
				return
			}
			got := r.PostFormValue("csrf")
			if subtle.ConstantTimeCompare([]byte(got), []byte(v.Session.CSRFToken)) != 1 {
				http.Error(w, "This form has expired. Go back, reload the page and try again.", http.StatusForbidden)
				return
			}
		}
		h(w, r.WithContext(context.WithValue(r.Context(), viewerKey{}, v)))
	})
}

// formTooLarge parses r's form and reports whether it is larger than
// maxForm, and how large it is ("3 MB", or "over 1 MB" when the request
// did not say). Other problems with the form are left to the CSRF check.
func formTooLarge(r *http.Request) (string, bool) {
	var err error
	if strings.HasPrefix(r.Header.Get("Content-Type"), "multipart/form-data") {
		err = r.ParseMultipartForm(maxForm)
	} else {
		err = r.ParseForm()
	}
	var big *http.MaxBytesError
	if !errors.As(err, &big) {
		return "", false
	}
	if r.ContentLength > 0 {
		return megabytes(r.ContentLength), true
	}
	return "over " + megabytes(maxForm), true
}

// megabytes is n bytes in MB, to a tenth (3 MB, 1.5 MB).
func megabytes(n int64) string {
	return strings.TrimSuffix(strconv.FormatFloat(float64(n)/(1<<20), 'f', 1, 64), ".0") + " MB"
}

// admin is signedIn for scheme admins only.
func (a *app) admin(h http.HandlerFunc) http.Handler { return a.adminOr(h, nil) }

// adminOr is signedInOr for scheme admins only.
func (a *app) adminOr(h http.HandlerFunc, tooLarge func(w http.ResponseWriter, r *http.Request, problem string)) http.Handler {
	only := func(h func(w http.ResponseWriter, r *http.Request)) http.HandlerFunc {
		return func(w http.ResponseWriter, r *http.Request) {
			if !viewerOf(r).Admin() {
				http.NotFound(w, r)
				return
			}
			h(w, r)
		}
	}
	if tooLarge == nil {
		return a.signedInOr(only(h), nil)
	}
	return a.signedInOr(only(h), func(w http.ResponseWriter, r *http.Request, problem string) {
		only(func(w http.ResponseWriter, r *http.Request) { tooLarge(w, r, problem) })(w, r)
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
	if addr := clientAddress(r, a.TrustedProxies); addr.IsValid() {
		v.Address = addr.String()
	}
	return v, nil
}

func (a *app) loginForm(w http.ResponseWriter, r *http.Request) {
	none, err := a.noScheme(r.Context())
	if err != nil {
		a.serverError(w, r, "count schemes", err)
		return
	}
	a.render(w, r, http.StatusOK, "login", map[string]any{"NoScheme": none, "Welcome": r.URL.Query().Get("welcome") != ""})
}

// dummyHash is compared against when the email is unknown, so a sign-in
// takes as long whether or not the account exists.
var dummyHash, _ = bcrypt.GenerateFromPassword([]byte("no such account"), bcrypt.DefaultCost)

// passwordChecks, when set (by tests), counts the bcrypt comparisons.
var passwordChecks atomic.Pointer[atomic.Int64]

// checkPassword compares password with a bcrypt hash.
func checkPassword(hash []byte, password string) bool {
	if n := passwordChecks.Load(); n != nil {
		n.Add(1)
	}
	return bcrypt.CompareHashAndPassword(hash, []byte(password)) == nil
}

// login signs a link worker in. Whether the attempt may go ahead is
// decided, and the attempt recorded as a failure, in one transaction
// holding the keys' locks, before the password is checked: attempts made
// at the same moment each count. A good sign-in then forgets its attempt.
//
// The keys are the account ("email:…") and the client address ("ip:…",
// read through the trusted proxies); each has a few free failures, then
// waits a doubling delay after its last failure. A browser where the link
// worker signed in before (a known device) is judged by its own failures
// alone, so guesses at the account from elsewhere do not keep them out.
func (a *app) login(w http.ResponseWriter, r *http.Request) {
	ctx := r.Context()
	r.Body = http.MaxBytesReader(w, r.Body, maxLoginForm)
	email := strings.ToLower(strings.TrimSpace(r.PostFormValue("email")))
	password := r.PostFormValue("password")
	data := map[string]any{"Email": email}
	if len(password) > passwordMaxBytes {
		// No password this long can be set, so none is checked or counted.
		data["Error"] = "That password is longer than 72 bytes, the most a Linkbot password can be, so it cannot be yours. Check what was typed or pasted into the password box."
		a.render(w, r, http.StatusBadRequest, "login", data)
		return
	}
	addr := clientAddress(r, a.TrustedProxies)
	devices := deviceTokens(r)
	var (
		keys    []string
		device  string // the hash of the known device's token, if the browser is one
		wait    time.Duration
		attempt []int64
		now     time.Time
	)
	err := a.DB.InTx(ctx, func(tx *store.Tx) error {
		now = tx.Now()
		for _, token := range devices {
			known, err := tx.IsKnownDevice(ctx, email, hashToken(token))
			if err != nil {
				return err
			}
			if known {
				device = hashToken(token)
				break
			}
		}
		if device != "" {
			keys = []string{"device:" + device}
		} else {
			keys = []string{"email:" + email, addressKey(addr)}
		}
		if err := tx.LockLoginKeys(ctx, keys...); err != nil {
			return err
		}
		for _, k := range keys {
			lim := limitFor(k)
			f, err := tx.RecentLoginFailures(ctx, k, now.Add(-lim.window))
			if err != nil {
				return err
			}
			if f.Count > 0 {
				wait = max(wait, f.Last.Add(signInDelay(f.Count, lim.free)).Sub(now))
			}
		}
		if wait > 0 {
			return nil
		}
		var err error
		attempt, err = tx.RecordLoginAttempt(ctx, keys...)
		return err
	})
	if err != nil {
		a.serverError(w, r, "sign-in attempt", fmt.Errorf("decide and record a sign-in attempt: %w", err))
		return
	}
	if wait > 0 {
		seconds := int((wait + time.Second - 1) / time.Second)
		a.Logger.Warn("sign-in refused: too many failures", "email_domain", emailDomain(email), "address", addr.String(),
			"known_device", device != "", "retry_after_s", seconds)
		w.Header().Set("Retry-After", strconv.Itoa(seconds))
		data["Error"] = "Too many sign-in attempts. Try again in " + inWords(wait) +
			", or ask your scheme admin to unlock your account. Signing in from a browser you have used for Linkbot before is not slowed."
		a.render(w, r, http.StatusTooManyRequests, "login", data)
		return
	}

	worker, err := a.DB.GetLinkWorkerByEmail(ctx, email)
	hash := dummyHash
	if err == nil && worker.Active && worker.PasswordHash != nil {
		hash = []byte(*worker.PasswordHash)
	} else if err != nil && store.ErrorCode(err) != store.NotFound {
		a.serverError(w, r, "find link worker", fmt.Errorf("find the link worker signing in: %w", err))
		return
	}
	if !checkPassword(hash, password) || err != nil || !worker.Active || worker.PasswordHash == nil {
		fields := []any{"email_domain", emailDomain(email), "address", addr.String(), "known_device", device != ""}
		if err == nil {
			fields = append(fields, "link_worker", worker.ID)
		} else {
			fields = append(fields, "account", "unknown")
		}
		a.Logger.Warn("sign-in failed", fields...)
		data["Error"] = "That email and password do not match."
		a.render(w, r, http.StatusUnauthorized, "login", data)
		return
	}

	token, newDevice := randomToken(), randomToken()
	s := store.Session{SchemeID: worker.SchemeID, LinkWorkerID: worker.ID, TokenHash: hashToken(token),
		CSRFToken: randomToken(), ExpiresAt: now.Add(sessionLifetime)}
	d := store.KnownDevice{SchemeID: worker.SchemeID, LinkWorkerID: worker.ID, TokenHash: hashToken(newDevice),
		ExpiresAt: now.Add(deviceLifetime)}
	err = a.DB.InTx(ctx, func(tx *store.Tx) error {
		if err := tx.ForgetLoginAttempt(ctx, attempt...); err != nil {
			return err
		}
		// The account's (or the known device's) failures are forgotten;
		// the address's are not: a good sign-in must not let a guesser
		// at the same address start afresh.
		if err := tx.ClearLoginFailures(ctx, keys[0], now.Add(-accountWindow)); err != nil {
			return err
		}
		if err := tx.DeleteSession(ctx, ""); err != nil { // and every expired one
			return err
		}
		if err := tx.CreateSession(ctx, &s); err != nil {
			return err
		}
		if device != "" { // its token is replaced by a new one
			if err := tx.ForgetDevice(ctx, worker.ID, device); err != nil {
				return err
			}
		}
		return tx.RememberDevice(ctx, &d)
	})
	if err != nil {
		a.serverError(w, r, "create session", fmt.Errorf("start a session: %w", err))
		return
	}
	http.SetCookie(w, &http.Cookie{Name: sessionCookie, Value: token, Path: "/", HttpOnly: true,
		Secure: !a.InsecureCookies, SameSite: http.SameSiteLaxMode, Expires: s.ExpiresAt})
	kept := []string{newDevice}
	for _, t := range devices {
		if hashToken(t) != device && len(kept) < maxDeviceTokens {
			kept = append(kept, t)
		}
	}
	http.SetCookie(w, &http.Cookie{Name: deviceCookie, Value: strings.Join(kept, "."), Path: "/login", HttpOnly: true,
		Secure: !a.InsecureCookies, SameSite: http.SameSiteLaxMode, Expires: d.ExpiresAt})
	a.Logger.Info("signed in", "link_worker", worker.ID, "known_device", device != "")
	http.Redirect(w, r, "/", http.StatusSeeOther)
}

// signInLimit is how many failures a key has free in its window.
type signInLimit struct {
	window time.Duration
	free   int
}

// limitFor is the limit of a sign-in key.
func limitFor(key string) signInLimit {
	if strings.HasPrefix(key, "ip:") {
		return signInLimit{window: addressWindow, free: addressFreeFailures}
	}
	return signInLimit{window: accountWindow, free: accountFreeFailures}
}

// signInDelay is how long after the last of failures a key must wait
// before its next attempt: nothing for the first free failures, then 1 s,
// 2 s, 4 s … doubling up to maxSignInDelay.
func signInDelay(failures, free int) time.Duration {
	if failures < free {
		return 0
	}
	over := failures - free
	if over >= 20 {
		return maxSignInDelay
	}
	return min(time.Second<<over, maxSignInDelay)
}

// inWords says a wait for a person: "1 second", "8 seconds", "3 minutes".
func inWords(d time.Duration) string {
	if d <= time.Minute {
		n := int((d + time.Second - 1) / time.Second)
		if n == 1 {
			return "1 second"
		}
		return strconv.Itoa(n) + " seconds"
	}
	return strconv.Itoa(int((d+time.Minute-1)/time.Minute)) + " minutes"
}

// emailDomain is the part of an email after the @, for logs, which never
// carry whole email addresses.
func emailDomain(email string) string {
	if _, domain, ok := strings.Cut(email, "@"); ok {
		return domain
	}
	return ""
}

// deviceTokens are the known-device tokens the browser carries: one for
// each link worker who signed in on it, newest first.
func deviceTokens(r *http.Request) []string {
	c, err := r.Cookie(deviceCookie)
	if err != nil {
		return nil
	}
	var out []string
	for _, t := range strings.Split(c.Value, ".") {
		if len(t) == tokenLength && len(out) < maxDeviceTokens {
			out = append(out, t)
		}
	}
	return out
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

func randomToken() string {
	b := make([]byte, 32)
	rand.Read(b)
	return base64.RawURLEncoding.EncodeToString(b)
}

func hashToken(token string) string {
	sum := sha256.Sum256([]byte(token))
	return hex.EncodeToString(sum[:])
}
