package inbox

import (
	"context"
	"encoding/json"
	"fmt"
	"net/http"
	"regexp"
	"strconv"
	"strings"
	"time"

	"github.com/linkbot/linkbot/bot/escalate"
	"github.com/linkbot/linkbot/store"
)

var e164 = regexp.MustCompile(`^\+[1-9][0-9]{6,14}$`)

func (a *app) adminHome(w http.ResponseWriter, r *http.Request) {
	a.render(w, r, http.StatusOK, "admin", nil)
}

// adminForm renders an admin page with what it lists, and a problem to
// show if the last form was refused.
func (a *app) adminPage(w http.ResponseWriter, r *http.Request, status int, page string, problem string, load func(tx *store.Tx, data map[string]any) error) {
	data := map[string]any{"Problem": problem}
	err := a.DB.View(r.Context(), func(tx *store.Tx) error { return load(tx, data) })
	if err != nil {
		a.serverError(w, r, page, err)
		return
	}
	a.render(w, r, status, page, data)
}

// Link workers.

func (a *app) adminWorkers(w http.ResponseWriter, r *http.Request) {
	a.workersPage(w, r, http.StatusOK, "")
}

type workerRow struct {
	store.LinkWorker
	Hours map[string]string
	// Failures are the account's failed sign-ins in the window; Slowed
	// says its next sign-in from an unknown browser must wait.
	Failures int
	Slowed   bool
}

func (a *app) workersPage(w http.ResponseWriter, r *http.Request, status int, problem string) {
	a.workersPageWith(w, r, status, problem, nil)
}

// workersPageLink shows the workers page with a one-time sign-in link for
// the link worker named name.
func (a *app) workersPageLink(w http.ResponseWriter, r *http.Request, name, link string) {
	a.workersPageWith(w, r, http.StatusOK, "", map[string]any{"LinkFor": name, "Link": link})
}

func (a *app) workersPageWith(w http.ResponseWriter, r *http.Request, status int, problem string, extra map[string]any) {
	v := viewerOf(r)
	a.adminPage(w, r, status, "workers", problem, func(tx *store.Tx, data map[string]any) error {
		for k, x := range extra {
			data[k] = x
		}
		list, err := tx.ListLinkWorkers(r.Context(), v.Worker.SchemeID)
		if err != nil {
			return err
		}
		now := tx.Now()
		var rows []workerRow
		for _, lw := range list {
			row := workerRow{LinkWorker: lw, Hours: escalate.WorkingHours(lw)}
			if lw.Email != nil {
				f, err := tx.RecentLoginFailures(r.Context(), "email:"+*lw.Email, now.Add(-accountWindow))
				if err != nil {
					return err
				}
				row.Failures = f.Count
				row.Slowed = f.Count > 0 && f.Last.Add(signInDelay(f.Count, accountFreeFailures)).After(now)
			}
			rows = append(rows, row)
		}
		data["Workers"], data["Days"] = rows, escalate.Weekdays
		return nil
	})
}

// addWorker adds a link worker and shows the one-time link with which
// they set their own password: an admin never chooses it.
func (a *app) addWorker(w http.ResponseWriter, r *http.Request) {
	v := viewerOf(r)
	lw := store.LinkWorker{SchemeID: v.Worker.SchemeID, Active: true, Role: store.RoleLinkWorker}
	if problem := readWorker(r, &lw); problem != "" {
		a.workersPage(w, r, http.StatusBadRequest, problem)
		return
	}
	var path string
	err := a.DB.InTx(r.Context(), func(tx *store.Tx) error {
		if err := tx.CreateLinkWorker(r.Context(), &lw); err != nil {
			return err
		}
		var err error
		if path, err = IssueSignInLink(r.Context(), tx, lw); err != nil {
			return err
		}
		return a.recordStaffAudit(r.Context(), tx, v, "link_worker.invited", lw.ID, nil)
	})
	if err != nil {
		if store.ErrorCode(err) == store.Conflict {
			a.workersPage(w, r, http.StatusBadRequest, "Someone already signs in with that email.")
			return
		}
		a.storeError(w, r, "add link worker", err)
		return
	}
	a.Logger.Info("link worker invited", "link_worker", lw.ID, "by", v.Worker.ID)
	a.workersPageLink(w, r, lw.Name, LinkURL(a.linkBase(r), path))
}

// newSignInLink gives a link worker a new one-time link to set their
// password, when the first has expired or their password is forgotten.
// Their password works until they use it.
func (a *app) newSignInLink(w http.ResponseWriter, r *http.Request) {
	id, ok := pathID(w, r, "worker")
	if !ok {
		return
	}
	v := viewerOf(r)
	ctx := r.Context()
	var path string
	var lw store.LinkWorker
	err := a.DB.InTx(ctx, func(tx *store.Tx) error {
		var err error
		if lw, err = tx.GetLinkWorker(ctx, id); err != nil {
			return err
		}
		if lw.SchemeID != v.Worker.SchemeID || lw.Email == nil {
			return &store.Error{Code: store.NotFound, Op: "new sign-in link", Message: "not this scheme's link worker"}
		}
		if path, err = IssueSignInLink(ctx, tx, lw); err != nil {
			return err
		}
		return a.recordStaffAudit(ctx, tx, v, "link_worker.sign_in_link", lw.ID, nil)
	})
	if err != nil {
		a.storeError(w, r, "new sign-in link", err)
		return
	}
	a.Logger.Info("sign-in link issued", "link_worker", lw.ID, "by", v.Worker.ID)
	a.workersPageLink(w, r, lw.Name, LinkURL(a.linkBase(r), path))
}

func (a *app) updateWorker(w http.ResponseWriter, r *http.Request) {
	id, ok := pathID(w, r, "worker")
	if !ok {
		return
	}
	v := viewerOf(r)
	ctx := r.Context()
	lw, err := a.DB.GetLinkWorker(ctx, id)
	if err != nil || lw.SchemeID != v.Worker.SchemeID {
		http.NotFound(w, r)
		return
	}
	if problem := readWorker(r, &lw); problem != "" {
		a.workersPage(w, r, http.StatusBadRequest, problem)
		return
	}
	lw.Active = r.PostFormValue("active") == "on"
	if lw.ID == v.Worker.ID && (!lw.Active || lw.Role != store.RoleSchemeAdmin) {
		a.workersPage(w, r, http.StatusBadRequest, "You cannot remove your own admin rights or sign-in; ask another scheme admin.")
		return
	}
	reset := r.PostFormValue("password")
	if reset != "" {
		if problem := passwordProblem(reset, *lw.Email, lw.Name); problem != "" {
			a.workersPage(w, r, http.StatusBadRequest, problem)
			return
		}
		hash, err := HashPassword(reset)
		if err != nil {
			a.serverError(w, r, "hash password", err)
			return
		}
		lw.PasswordHash = &hash
	}
	var ended int64
	err = a.DB.InTx(ctx, func(tx *store.Tx) error {
		if err := tx.UpdateLinkWorker(ctx, lw); err != nil {
			return err
		}
		if reset == "" {
			return nil
		}
		// A new password ends the link worker's other sessions and
		// forgets their known browsers and failed sign-ins.
		keep := ""
		if lw.ID == v.Worker.ID {
			keep = v.Session.TokenHash
		}
		var err error
		if ended, err = tx.EndSessions(ctx, lw.ID, keep); err != nil {
			return err
		}
		if _, err := tx.ForgetDevices(ctx, lw.ID); err != nil {
			return err
		}
		if err := tx.ClearLoginFailures(ctx, "email:"+*lw.Email, tx.Now().Add(-accountWindow)); err != nil {
			return err
		}
		return a.recordStaffAudit(ctx, tx, v, "link_worker.password_reset", lw.ID, map[string]any{"sessions_ended": ended})
	})
	if err != nil {
		a.storeError(w, r, "update link worker", err)
		return
	}
	if reset != "" {
		a.Logger.Info("password reset", "link_worker", lw.ID, "by", v.Worker.ID, "sessions_ended", ended)
	}
	http.Redirect(w, r, "/admin/workers", http.StatusSeeOther)
}

// unlockWorker forgets a link worker's failed sign-ins, so their next
// sign-in from any browser is not slowed.
func (a *app) unlockWorker(w http.ResponseWriter, r *http.Request) {
	id, ok := pathID(w, r, "worker")
	if !ok {
		return
	}
	v := viewerOf(r)
	ctx := r.Context()
	lw, err := a.DB.GetLinkWorker(ctx, id)
	if err != nil || lw.SchemeID != v.Worker.SchemeID || lw.Email == nil {
		http.NotFound(w, r)
		return
	}
	err = a.DB.InTx(ctx, func(tx *store.Tx) error {
		if err := tx.ClearLoginFailures(ctx, "email:"+*lw.Email, tx.Now().Add(-accountWindow)); err != nil {
			return err
		}
		return a.recordStaffAudit(ctx, tx, v, "link_worker.sign_in_unlocked", lw.ID, nil)
	})
	if err != nil {
		a.serverError(w, r, "unlock sign-in", fmt.Errorf("unlock the sign-in of link worker %d: %w", lw.ID, err))
		return
	}
	a.Logger.Info("sign-in unlocked", "link_worker", lw.ID, "by", v.Worker.ID)
	http.Redirect(w, r, "/admin/workers", http.StatusSeeOther)
}

// recordStaffAudit records what an admin did to a link worker's account.
func (a *app) recordStaffAudit(ctx context.Context, tx *store.Tx, v *viewer, action string, workerID int64, detail map[string]any) error {
	if detail == nil {
		detail = map[string]any{}
	}
	detail["link_worker"] = workerID
	raw, err := json.Marshal(detail)
	if err != nil {
		return fmt.Errorf("audit %s: %w", action, err)
	}
	e := store.AuditEvent{SchemeID: v.Worker.SchemeID, ActorID: &v.Worker.ID, Actor: v.Worker.Name, Action: action, Detail: raw, Address: v.Address}
	return tx.RecordAudit(ctx, &e)
}

// readWorker fills lw from the form and returns a problem in words, if any.
func readWorker(r *http.Request, lw *store.LinkWorker) string {
	lw.Name = strings.TrimSpace(r.PostFormValue("name"))
	if lw.Name == "" {
		return "Give the link worker's name."
	}
	email := strings.ToLower(strings.TrimSpace(r.PostFormValue("email")))
	if !strings.Contains(email, "@") {
		return "Give the email they sign in with."
	}
	lw.Email = &email
	lw.Phone = nil
	if phone := strings.ReplaceAll(r.PostFormValue("phone"), " ", ""); phone != "" {
		if !e164.MatchString(phone) {
			return "Write the phone number in international form, e.g. +447700900123."
		}
		lw.Phone = &phone
	}
	lw.TelegramChatID = nil
	if chat := strings.TrimSpace(r.PostFormValue("telegram_chat_id")); chat != "" {
		id, err := strconv.ParseInt(chat, 10, 64)
		if err != nil {
			return "A Telegram chat id is a number."
		}
		lw.TelegramChatID = &id
	}
	if r.PostFormValue("role") == string(store.RoleSchemeAdmin) {
		lw.Role = store.RoleSchemeAdmin
	} else {
		lw.Role = store.RoleLinkWorker
	}
	hours := map[string]string{}
	for _, d := range escalate.Weekdays {
		h := strings.TrimSpace(r.PostFormValue("hours_" + d))
		if h == "" {
			continue
		}
		if _, _, err := escalate.ParseHours(h); err != nil {
			return err.Error()
		}
		hours[d] = h
	}
	b, _ := json.Marshal(hours)
	lw.WorkingHours = b
	return ""
}

// Duty cover.

func (a *app) adminDuty(w http.ResponseWriter, r *http.Request) { a.dutyPage(w, r, http.StatusOK, "") }

type coverRow struct {
	store.DutyCover
	Name string
}

func (a *app) dutyPage(w http.ResponseWriter, r *http.Request, status int, problem string) {
	v := viewerOf(r)
	a.adminPage(w, r, status, "duty", problem, func(tx *store.Tx, data map[string]any) error {
		workers, err := tx.ListLinkWorkers(r.Context(), v.Worker.SchemeID)
		if err != nil {
			return err
		}
		names := map[int64]string{}
		for _, lw := range workers {
			names[lw.ID] = lw.Name
		}
		cover, err := tx.ListDutyCover(r.Context(), v.Worker.SchemeID, a.Now())
		var rows []coverRow
		for _, c := range cover {
			rows = append(rows, coverRow{DutyCover: c, Name: names[c.LinkWorkerID]})
		}
		data["Workers"], data["Cover"], data["Scheme"] = workers, rows, v.Scheme
		return err
	})
}

func (a *app) addDutyCover(w http.ResponseWriter, r *http.Request) {
	v := viewerOf(r)
	worker, _ := strconv.ParseInt(r.PostFormValue("worker"), 10, 64)
	from, err1 := parseLocal(r.PostFormValue("starts_at"), v.Loc)
	until, err2 := parseLocal(r.PostFormValue("ends_at"), v.Loc)
	if err1 != nil || err2 != nil || !until.After(from) {
		a.dutyPage(w, r, http.StatusBadRequest, "Give when the cover starts and ends; it must end after it starts.")
		return
	}
	c := store.DutyCover{SchemeID: v.Worker.SchemeID, LinkWorkerID: worker, StartsAt: from, EndsAt: until}
	if err := a.DB.InTx(r.Context(), func(tx *store.Tx) error { return tx.CreateDutyCover(r.Context(), &c) }); err != nil {
		if store.ErrorCode(err) == store.Invalid {
			a.dutyPage(w, r, http.StatusBadRequest, "Choose a link worker of this scheme.")
			return
		}
		a.serverError(w, r, "add duty cover", err)
		return
	}
	http.Redirect(w, r, "/admin/duty", http.StatusSeeOther)
}

func (a *app) deleteDutyCover(w http.ResponseWriter, r *http.Request) {
	id, ok := pathID(w, r, "cover")
	if !ok {
		return
	}
	v := viewerOf(r)
	if err := a.DB.InTx(r.Context(), func(tx *store.Tx) error { return tx.DeleteDutyCover(r.Context(), v.Worker.SchemeID, id) }); err != nil {
		a.storeError(w, r, "delete duty cover", err)
		return
	}
	http.Redirect(w, r, "/admin/duty", http.StatusSeeOther)
}

// Scheme settings: quiet hours, duty contact, escalation timing.

func (a *app) adminSettings(w http.ResponseWriter, r *http.Request) {
	a.settingsPage(w, r, http.StatusOK, "", viewerOf(r).Scheme)
}

func (a *app) settingsPage(w http.ResponseWriter, r *http.Request, status int, problem string, s store.Scheme) {
	set := escalate.SchemeSettings(s)
	var numbers, bots []string
	err := a.DB.View(r.Context(), func(tx *store.Tx) error {
		var err error
		if numbers, err = tx.ListSchemeSenders(r.Context(), s.ID, store.ChannelSMS); err != nil {
			return err
		}
		bots, err = tx.ListSchemeSenders(r.Context(), s.ID, store.ChannelTelegram)
		return err
	})
	if err != nil {
		a.storeError(w, r, "settings", err)
		return
	}
	a.render(w, r, status, "settings", map[string]any{"Problem": problem, "Scheme": s,
		"AckMinutes": int(set.AckWithin / time.Minute), "DigestAt": set.DigestAt, "RetentionYears": s.RetentionYears(),
		"SMSNumbers": strings.Join(numbers, "\n"), "TelegramBots": strings.Join(bots, "\n")})
}

// saveSenders sets the scheme's Twilio numbers and Telegram bot ids: the
// addresses people write to, by which their messages reach this scheme
// and no other.
func (a *app) saveSenders(w http.ResponseWriter, r *http.Request) {
	v := viewerOf(r)
	numbers := strings.Fields(strings.NewReplacer(",", " ", ";", " ").Replace(r.PostFormValue("sms_numbers")))
	for _, n := range numbers {
		if !e164.MatchString(n) {
			a.settingsPage(w, r, http.StatusBadRequest, "Write each Twilio number in international form, e.g. +447700900123, one a line.", v.Scheme)
			return
		}
	}
	bots := strings.Fields(r.PostFormValue("telegram_bots"))
	for _, b := range bots {
		if _, err := strconv.ParseInt(b, 10, 64); err != nil {
			a.settingsPage(w, r, http.StatusBadRequest, "A Telegram bot is given by its numeric id (the digits before the colon in its token).", v.Scheme)
			return
		}
	}
	err := a.DB.InTx(r.Context(), func(tx *store.Tx) error {
		if err := tx.SetSchemeSenders(r.Context(), v.Scheme.ID, store.ChannelSMS, numbers); err != nil {
			return err
		}
		return tx.SetSchemeSenders(r.Context(), v.Scheme.ID, store.ChannelTelegram, bots)
	})
	if store.ErrorCode(err) == store.Conflict {
		a.settingsPage(w, r, http.StatusConflict, "One of those numbers or bots belongs to another scheme: each can belong to one scheme only.", v.Scheme)
		return
	}
	if err != nil {
		a.storeError(w, r, "save numbers", err)
		return
	}
	http.Redirect(w, r, "/admin/settings", http.StatusSeeOther)
}

func (a *app) saveSettings(w http.ResponseWriter, r *http.Request) {
	v := viewerOf(r)
	s := v.Scheme
	s.SendFrom, s.SendUntil = strings.TrimSpace(r.PostFormValue("send_from")), strings.TrimSpace(r.PostFormValue("send_until"))
	s.TimeZone = strings.TrimSpace(r.PostFormValue("time_zone"))
	s.DutyName = strings.TrimSpace(r.PostFormValue("duty_name"))
	s.DutyPhone = nil
	if phone := strings.ReplaceAll(r.PostFormValue("duty_phone"), " ", ""); phone != "" {
		if !e164.MatchString(phone) {
			a.settingsPage(w, r, http.StatusBadRequest, "Write the duty phone in international form, e.g. +447700900123.", s)
			return
		}
		s.DutyPhone = &phone
	}
	if _, err := time.LoadLocation(s.TimeZone); err != nil || s.TimeZone == "" {
		a.settingsPage(w, r, http.StatusBadRequest, "Choose a time zone such as Europe/London.", s)
		return
	}
	from, err1 := time.Parse("15:04", s.SendFrom)
	until, err2 := time.Parse("15:04", s.SendUntil)
	if err1 != nil || err2 != nil || !until.After(from) {
		a.settingsPage(w, r, http.StatusBadRequest, "Nudges are sent between two times of day, such as 09:00 and 20:00; the first must come before the second.", s)
		return
	}
	minutes, err := strconv.Atoi(r.PostFormValue("ack_minutes"))
	if err != nil || minutes < 1 || minutes > 240 {
		a.settingsPage(w, r, http.StatusBadRequest, "Give the minutes to acknowledge an urgent escalation, between 1 and 240.", s)
		return
	}
	settings, err := escalate.WithSettings(s, escalate.Settings{AckWithin: time.Duration(minutes) * time.Minute, DigestAt: strings.TrimSpace(r.PostFormValue("digest_at"))})
	if err != nil {
		a.settingsPage(w, r, http.StatusBadRequest, err.Error(), s)
		return
	}
	s.Settings = settings
	if y := strings.TrimSpace(r.PostFormValue("retention_years")); y != "" { // "": as it was
		years, err := strconv.Atoi(y)
		if err == nil {
			settings, err = s.WithRetentionYears(years)
		}
		if err != nil {
			a.settingsPage(w, r, http.StatusBadRequest, "Give the years to keep the words of a record after support ends, between 1 and 30 (the NHS Records Management Code's minimum for adult care records is 8).", s)
			return
		}
		s.Settings = settings
	}
	if err := a.DB.UpdateScheme(r.Context(), s); err != nil {
		a.storeError(w, r, "save settings", err)
		return
	}
	http.Redirect(w, r, "/admin/settings", http.StatusSeeOther)
}

// Community groups.

func (a *app) adminGroups(w http.ResponseWriter, r *http.Request) {
	a.groupsPage(w, r, http.StatusOK, "")
}

type groupRow struct {
	store.Group
	Load int // people who accepted it in the last four weeks
}

func (a *app) groupsPage(w http.ResponseWriter, r *http.Request, status int, problem string) {
	v := viewerOf(r)
	a.adminPage(w, r, status, "groups", problem, func(tx *store.Tx, data map[string]any) error {
		groups, err := tx.ListGroups(r.Context(), v.Worker.SchemeID, false)
		if err != nil {
			return err
		}
		load, err := tx.GroupLoad(r.Context(), v.Worker.SchemeID, a.Now().AddDate(0, 0, -28))
		var rows []groupRow
		for _, g := range groups {
			rows = append(rows, groupRow{Group: g, Load: load[g.ID]})
		}
		data["Groups"] = rows
		return err
	})
}

func (a *app) addGroup(w http.ResponseWriter, r *http.Request) {
	v := viewerOf(r)
	g := store.Group{SchemeID: v.Worker.SchemeID, Active: true}
	if problem := readGroup(r, &g); problem != "" {
		a.groupsPage(w, r, http.StatusBadRequest, problem)
		return
	}
	if err := a.DB.CreateGroup(r.Context(), &g); err != nil {
		if store.ErrorCode(err) == store.Conflict {
			a.groupsPage(w, r, http.StatusBadRequest, "The scheme already has a group with that name.")
			return
		}
		a.storeError(w, r, "add group", err)
		return
	}
	http.Redirect(w, r, "/admin/groups", http.StatusSeeOther)
}

func (a *app) updateGroup(w http.ResponseWriter, r *http.Request) {
	id, ok := pathID(w, r, "group")
	if !ok {
		return
	}
	v := viewerOf(r)
	g, err := a.DB.GetGroup(r.Context(), id)
	if err != nil || g.SchemeID != v.Worker.SchemeID {
		http.NotFound(w, r)
		return
	}
	if problem := readGroup(r, &g); problem != "" {
		a.groupsPage(w, r, http.StatusBadRequest, problem)
		return
	}
	g.Active = r.PostFormValue("active") == "on"
	if err := a.DB.UpdateGroup(r.Context(), g); err != nil {
		a.storeError(w, r, "update group", err)
		return
	}
	http.Redirect(w, r, "/admin/groups", http.StatusSeeOther)
}

func readGroup(r *http.Request, g *store.Group) string {
	g.Name = strings.TrimSpace(r.PostFormValue("name"))
	if g.Name == "" {
		return "Give the group's name."
	}
	g.Description = strings.TrimSpace(r.PostFormValue("description"))
	g.Place = strings.TrimSpace(r.PostFormValue("place"))
	g.Schedule = strings.TrimSpace(r.PostFormValue("schedule"))
	g.Contact = strings.TrimSpace(r.PostFormValue("contact"))
	g.Tags = nil
	for _, t := range strings.Split(r.PostFormValue("tags"), ",") {
		if t = strings.ToLower(strings.TrimSpace(t)); t != "" {
			g.Tags = append(g.Tags, t)
		}
	}
	g.WeeklyCapacity = nil
	if c := strings.TrimSpace(r.PostFormValue("capacity")); c != "" {
		n, err := strconv.Atoi(c)
		if err != nil || n < 0 {
			return "Capacity is a number of places a week; leave it empty for no limit."
		}
		g.WeeklyCapacity = &n
	}
	return ""
}

// API tokens.

func (a *app) adminTokens(w http.ResponseWriter, r *http.Request) { a.tokensPage(w, r, "") }

func (a *app) tokensPage(w http.ResponseWriter, r *http.Request, created string) {
	v := viewerOf(r)
	a.adminPage(w, r, http.StatusOK, "tokens", "", func(tx *store.Tx, data map[string]any) error {
		list, err := tx.ListAPITokens(r.Context(), v.Worker.SchemeID)
		data["Tokens"], data["Created"] = list, created
		return err
	})
}

func (a *app) addToken(w http.ResponseWriter, r *http.Request) {
	v := viewerOf(r)
	name := strings.TrimSpace(r.PostFormValue("name"))
	if name == "" {
		name = "API token"
	}
	token := apiTokenPrefix + randomToken()
	t := store.APIToken{SchemeID: v.Worker.SchemeID, Name: name, TokenHash: hashToken(token)}
	if err := a.DB.InTx(r.Context(), func(tx *store.Tx) error { return tx.CreateAPIToken(r.Context(), &t) }); err != nil {
		a.storeError(w, r, "create API token", err)
		return
	}
	a.tokensPage(w, r, token)
}

func (a *app) revokeToken(w http.ResponseWriter, r *http.Request) {
	id, ok := pathID(w, r, "token")
	if !ok {
		return
	}
	v := viewerOf(r)
	if err := a.DB.InTx(r.Context(), func(tx *store.Tx) error { return tx.RevokeAPIToken(r.Context(), v.Worker.SchemeID, id) }); err != nil {
		a.storeError(w, r, "revoke API token", err)
		return
	}
	http.Redirect(w, r, "/admin/tokens", http.StatusSeeOther)
}
