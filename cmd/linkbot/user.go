package main

import (
	"context"
	"errors"
	"fmt"
	"strings"

	"github.com/linkbot/linkbot/bot/inbox"
	"github.com/linkbot/linkbot/store"
)

const userUsage = `user add --scheme SCHEME --email EMAIL [--name NAME] [--role admin|link_worker]
       linkbot user link --email EMAIL

"user add" adds a link worker (or a scheme admin) and prints a one-time
link, valid for 24 hours, with which they set their own password; no
password is ever given on the command line. "user link" prints a new link
for someone already added (a link that expired, a forgotten password).
Links start with LINKBOT_PUBLIC_URL (or --public-url).`

func runUser(ctx context.Context, args []string, io stdio) error {
	if len(args) == 0 || (args[0] != "add" && args[0] != "link") {
		return subcommandUsage(args, io, userUsage)
	}
	sub := args[0]
	cfg := configFromEnv("")
	fs := newFlags("user "+sub, userUsage, io)
	databaseFlag(fs, &cfg)
	fs.StringVar(&cfg.publicURL, "public-url", cfg.publicURL, "the address Linkbot is served at, which links start with (env LINKBOT_PUBLIC_URL)")
	email := fs.String("email", "", "the email they sign in with (required)")
	var schemeRef, name, role *string
	if sub == "add" {
		schemeRef = fs.String("scheme", "", "the scheme's name or id (required)")
		name = fs.String("name", "", "their name; they can change it when they set their password (default: the email's first part)")
		role = fs.String("role", "link_worker", "admin (manages the scheme) or link_worker")
	}
	if err := parseFlags(fs, args[1:]); err != nil {
		return err
	}
	addr := strings.ToLower(strings.TrimSpace(*email))
	if !strings.Contains(addr, "@") {
		return exitError{code: 2, msg: "linkbot user " + sub + ": give the email they sign in with, with --email"}
	}
	lw := store.LinkWorker{Email: &addr, Active: true}
	if sub == "add" {
		switch *role {
		case "admin", string(store.RoleSchemeAdmin):
			lw.Role = store.RoleSchemeAdmin
		case string(store.RoleLinkWorker):
			lw.Role = store.RoleLinkWorker
		default:
			return exitError{code: 2, msg: fmt.Sprintf("linkbot user add: --role is admin or link_worker, not %q", *role)}
		}
		if *schemeRef == "" {
			return exitError{code: 2, msg: "linkbot user add: give the scheme's name or id with --scheme"}
		}
		lw.Name = strings.TrimSpace(*name)
		if lw.Name == "" {
			lw.Name, _, _ = strings.Cut(strings.TrimSpace(*email), "@")
		}
	}
	db, err := openForCommand(ctx, "user "+sub, cfg)
	if err != nil {
		return err
	}
	defer db.Close()
	var path string
	var scheme store.Scheme
	err = db.InTx(ctx, func(tx *store.Tx) error {
		if sub == "add" {
			if scheme, err = findScheme(ctx, tx, *schemeRef); err != nil {
				return err
			}
			lw.SchemeID = scheme.ID
			if err := tx.CreateLinkWorker(ctx, &lw); err != nil {
				return err
			}
		} else {
			if lw, err = tx.GetLinkWorkerByEmail(ctx, addr); err != nil {
				return err
			}
			if scheme, err = tx.GetScheme(ctx, lw.SchemeID); err != nil {
				return err
			}
		}
		path, err = inbox.IssueSignInLink(ctx, tx, lw)
		if err != nil {
			return err
		}
		e := store.AuditEvent{SchemeID: lw.SchemeID, Actor: "linkbot user " + sub, Action: "link_worker.sign_in_link",
			Detail: []byte(fmt.Sprintf(`{"link_worker":%d}`, lw.ID))}
		return tx.RecordAudit(ctx, &e)
	})
	switch {
	case errors.Is(err, errNoSuchScheme):
		return exitError{code: 1, msg: "linkbot user add: " + err.Error()}
	case sub == "add" && store.ErrorCode(err) == store.Conflict:
		return exitError{code: 1, msg: fmt.Sprintf("linkbot user add: someone already signs in as %s; for a new sign-in link run: linkbot user link --email %s", addr, addr)}
	case sub == "link" && store.ErrorCode(err) == store.NotFound:
		return exitError{code: 1, msg: fmt.Sprintf("linkbot user link: nobody signs in as %s; add them with linkbot user add", addr)}
	case err != nil:
		return fmt.Errorf("%s: %w", sub, err)
	}
	what := "Added"
	if sub == "link" {
		what = "New sign-in link for"
	}
	roleWords := "link worker"
	if lw.Role == store.RoleSchemeAdmin {
		roleWords = "scheme admin"
	}
	fmt.Fprintf(io.out, "%s %s (%s) of %q.\n", what, addr, roleWords, scheme.Name)
	fmt.Fprintln(io.out, "One-time sign-in link, valid for 24 hours; opening it sets the password:")
	if cfg.publicURL != "" {
		fmt.Fprintf(io.out, "  %s\n", inbox.LinkURL(cfg.publicURL, path))
	} else {
		fmt.Fprintf(io.out, "  %s\n", path)
		fmt.Fprintln(io.out, "LINKBOT_PUBLIC_URL is not set, so this is only the path: put the address Linkbot is served at in front of it,")
		fmt.Fprintf(io.out, "e.g. https://linkbot.example.org%s (or http://localhost:8080%s on this machine).\n", path, path)
	}
	return nil
}
