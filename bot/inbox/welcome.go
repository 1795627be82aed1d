package inbox

import (
	"context"
	"fmt"
	"net/http"
	"strings"
	"time"

	"github.com/linkbot/linkbot/store"
)

// SignInLinkLifetime is how long a one-time sign-in link works.
const SignInLinkLifetime = 24 * time.Hour

// welcomePath starts the path of every one-time sign-in link.
const welcomePath = "/welcome/"

// IssueSignInLink makes a one-time link with which lw sets their password,
// working once within SignInLinkLifetime of tx's time, and returns its
// path ("/welcome/…"); prefix it with the address Linkbot is served at.
// The store keeps only the token's SHA-256.
func IssueSignInLink(ctx context.Context, tx *store.Tx, lw store.LinkWorker) (string, error) {
	token := randomToken()
	l := store.SignInLink{SchemeID: lw.SchemeID, LinkWorkerID: lw.ID, TokenHash: hashToken(token),
		ExpiresAt: tx.Now().Add(SignInLinkLifetime)}
	if err := tx.CreateSignInLink(ctx, &l); err != nil {
		return "", fmt.Errorf("issue a sign-in link for link worker %d: %w", lw.ID, err)
	}
	return welcomePath + token, nil
}

// LinkURL is path on the server at publicURL (LINKBOT_PUBLIC_URL); with
// no publicURL it is path alone.
func LinkURL(publicURL, path string) string {
	return strings.TrimSuffix(publicURL, "/") + path
}

// linkBase is where links this server makes point: Config.PublicURL, or
// the address the request came to.
func (a *app) linkBase(r *http.Request) string {
	if a.PublicURL != "" {
		return a.PublicURL
	}
	scheme := "http"
	if r.TLS != nil {
		scheme = "https"
	}
	return scheme + "://" + r.Host
}

// welcomeProblem is the page for a link that is unknown, used or expired.
const welcomeProblem = "This sign-in link has been used or has expired (links work once, for 24 hours). Ask your scheme admin for a new one."

// welcomeForm shows the form that sets a password with a one-time link.
// Opening it does not use the link.
func (a *app) welcomeForm(w http.ResponseWriter, r *http.Request) {
	var lw store.LinkWorker
	err := a.DB.View(r.Context(), func(tx *store.Tx) error {
		var err error
		_, lw, err = tx.GetSignInLink(r.Context(), hashToken(r.PathValue("token")))
		return err
	})
	a.welcomePage(w, r, lw, err, http.StatusOK, map[string]any{"Name": lw.Name})
}

// welcomePage renders the set-password page, or says the link no longer
// works when err is NotFound.
func (a *app) welcomePage(w http.ResponseWriter, r *http.Request, lw store.LinkWorker, err error, status int, data map[string]any) {
	if err != nil {
		if store.ErrorCode(err) != store.NotFound {
			a.serverError(w, r, "sign-in link", err)
			return
		}
		a.render(w, r, http.StatusNotFound, "welcome", map[string]any{"Gone": welcomeProblem})
		return
	}
	data["Email"], data["Token"] = deref(lw.Email), r.PathValue("token")
	a.render(w, r, status, "welcome", data)
}

// welcome sets a link worker's name and password with a one-time link,
// using it up, and sends them to sign in. Like the sign-in form, it is
// public (the link is the credential) and protected from cross-site
// posts by the web app's cross-origin protection.
func (a *app) welcome(w http.ResponseWriter, r *http.Request) {
	ctx := r.Context()
	r.Body = http.MaxBytesReader(w, r.Body, maxLoginForm)
	tokenHash := hashToken(r.PathValue("token"))
	name := strings.TrimSpace(r.PostFormValue("name"))
	password, again := r.PostFormValue("password"), r.PostFormValue("password_again")
	data := map[string]any{"Name": name}
	var lw store.LinkWorker
	err := a.DB.View(ctx, func(tx *store.Tx) error {
		var err error
		_, lw, err = tx.GetSignInLink(ctx, tokenHash)
		return err
	})
	if err != nil {
		a.welcomePage(w, r, lw, err, 0, data)
		return
	}
	switch {
	case name == "":
		data["NameError"] = "Give your name as the people you support and your colleagues know it."
	case password != again:
		data["PasswordError"] = "The two passwords are not the same. Type the new password twice."
	default:
		if problem := passwordProblem(password, deref(lw.Email), name); problem != "" {
			data["PasswordError"] = problem
		}
	}
	if data["NameError"] != nil || data["PasswordError"] != nil {
		a.welcomePage(w, r, lw, nil, http.StatusBadRequest, data)
		return
	}
	hash, err := HashPassword(password)
	if err != nil {
		a.serverError(w, r, "hash password", err)
		return
	}
	err = a.DB.InTx(ctx, func(tx *store.Tx) error {
		l, lw2, err := tx.GetSignInLink(ctx, tokenHash)
		if err != nil {
			return err
		}
		if err := tx.UseSignInLink(ctx, l.ID); err != nil {
			return err
		}
		lw = lw2
		lw.Name, lw.PasswordHash = name, &hash
		if err := tx.UpdateLinkWorker(ctx, lw); err != nil {
			return err
		}
		// As with a reset by an admin: other sessions end, and the
		// account's failed sign-ins are forgotten.
		if _, err := tx.EndSessions(ctx, lw.ID, ""); err != nil {
			return err
		}
		if err := tx.ClearLoginFailures(ctx, "email:"+deref(lw.Email), tx.Now().Add(-accountWindow)); err != nil {
			return err
		}
		e := store.AuditEvent{SchemeID: lw.SchemeID, ActorID: &lw.ID, Actor: lw.Name, Action: "link_worker.password_set_by_link",
			Detail: []byte(fmt.Sprintf(`{"link_worker":%d}`, lw.ID))}
		return tx.RecordAudit(ctx, &e)
	})
	if err != nil {
		a.welcomePage(w, r, lw, err, 0, data)
		return
	}
	a.Logger.Info("password set with a sign-in link", "link_worker", lw.ID)
	http.Redirect(w, r, "/login?welcome=1", http.StatusSeeOther)
}

// home is "/": the caseload for a signed-in link worker; before the first
// scheme exists, how to create it.
func (a *app) home(caseload http.Handler) http.HandlerFunc {
	return func(w http.ResponseWriter, r *http.Request) {
		if _, err := r.Cookie(sessionCookie); err != nil {
			none, err := a.noScheme(r.Context())
			if err != nil {
				a.serverError(w, r, "count schemes", err)
				return
			}
			if none {
				a.render(w, r, http.StatusOK, "login", map[string]any{"NoScheme": true})
				return
			}
		}
		caseload.ServeHTTP(w, r)
	}
}

// noScheme reports whether the database has no scheme yet.
func (a *app) noScheme(ctx context.Context) (bool, error) {
	var list []store.Scheme
	err := a.DB.View(ctx, func(tx *store.Tx) error {
		var err error
		list, err = tx.ListSchemes(ctx)
		return err
	})
	if err != nil {
		return false, fmt.Errorf("list schemes: %w", err)
	}
	return len(list) == 0, nil
}
