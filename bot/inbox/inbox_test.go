package inbox_test

import (
	"context"
	"io"
	"net/http"
	"net/http/httptest"
	"net/url"
	"regexp"
	"strings"
	"testing"
	"time"

	"github.com/linkbot/linkbot/bot/inbox"
	"github.com/linkbot/linkbot/bot/inbox/inboxtest"
	"github.com/linkbot/linkbot/nudges"
	"github.com/linkbot/linkbot/store"
	"github.com/linkbot/linkbot/store/storetest"
)

// world is a scheme with an admin, two link workers and a person each, on
// a fixed clock.
type world struct {
	db          *store.DB
	now         time.Time
	planner     *nudges.Planner
	srv         *httptest.Server
	scheme      store.Scheme
	admin       store.LinkWorker
	tom, sara   store.LinkWorker
	tomsPerson  store.Person
	sarasPerson store.Person
}

const password = "correct horse battery"

var london, _ = time.LoadLocation("Europe/London")

// testNow is the world's time: a Monday morning in London, in send hours.
var testNow = time.Date(2026, 11, 23, 10, 0, 0, 0, time.UTC)

// clock is the world's clock, for the database, the inbox and the cookie jar.
func (w *world) clock() time.Time { return w.now }

// config is the inbox's configuration in the world.
func (w *world) config() inbox.Config {
	return inbox.Config{DB: w.db, Nudges: w.planner, InsecureCookies: true, Now: w.clock}
}

func newWorld(t *testing.T, db *store.DB) *world {
	t.Helper()
	hash, err := inbox.HashPassword(password)
	if err != nil {
		t.Fatal(err)
	}
	w := &world{db: db, now: testNow, planner: nudges.NewPlanner()}
	db.SetClock(w.clock)
	w.scheme = storetest.Scheme(t, db)
	withPassword := func(role store.Role) func(*store.LinkWorker) {
		return func(lw *store.LinkWorker) { lw.PasswordHash, lw.Role = &hash, role }
	}
	w.admin = storetest.LinkWorker(t, db, w.scheme.ID, withPassword(store.RoleSchemeAdmin))
	w.tom = storetest.LinkWorker(t, db, w.scheme.ID, withPassword(store.RoleLinkWorker))
	w.sara = storetest.LinkWorker(t, db, w.scheme.ID, withPassword(store.RoleLinkWorker))
	w.tomsPerson = storetest.Person(t, db, func(p *store.Person) { p.SchemeID, p.LinkWorkerID, p.Name = w.scheme.ID, &w.tom.ID, "Margaret Ellis" })
	w.sarasPerson = storetest.Person(t, db, func(p *store.Person) { p.SchemeID, p.LinkWorkerID, p.Name = w.scheme.ID, &w.sara.ID, "Dev Patel" })
	w.srv = httptest.NewServer(inbox.New(w.config()))
	t.Cleanup(w.srv.Close)
	return w
}

// browser is a signed-in session: cookies and the page's CSRF token.
type browser struct {
	t    *testing.T
	base string
	c    *http.Client
	csrf string
}

func (w *world) signIn(t *testing.T, lw store.LinkWorker) *browser {
	t.Helper()
	b := &browser{t: t, base: w.srv.URL, c: &http.Client{Jar: inboxtest.NewJar(w.clock)}}
	status, body := b.post("/login", url.Values{"email": {*lw.Email}, "password": {password}})
	if status != http.StatusOK || !strings.Contains(body, lw.Name) {
		t.Fatalf("sign in as %s: %d\n%s", lw.Name, status, body)
	}
	b.csrf = csrfIn(body)
	return b
}

var csrfField = regexp.MustCompile(`name="csrf" value="([^"]+)"`)

func csrfIn(body string) string {
	if m := csrfField.FindStringSubmatch(body); m != nil {
		return m[1]
	}
	return ""
}

func (b *browser) get(path string) (int, string) {
	b.t.Helper()
	resp, err := b.c.Get(b.base + path)
	if err != nil {
		b.t.Fatal(err)
	}
	defer resp.Body.Close()
	body, _ := io.ReadAll(resp.Body)
	return resp.StatusCode, string(body)
}

func (b *browser) post(path string, form url.Values) (int, string) {
	b.t.Helper()
	if b.csrf != "" && form.Get("csrf") == "" {
		form.Set("csrf", b.csrf)
	}
	resp, err := b.c.PostForm(b.base+path, form)
	if err != nil {
		b.t.Fatal(err)
	}
	defer resp.Body.Close()
	body, _ := io.ReadAll(resp.Body)
	return resp.StatusCode, string(body)
}

func TestSignIn(t *testing.T) {
	storetest.Each(t, func(t *testing.T, db *store.DB) {
		w := newWorld(t, db)
		t.Run("OK", func(t *testing.T) { w.signIn(t, w.tom) })
		t.Run("WrongPasswordIsRefused", func(t *testing.T) {
			b := &browser{t: t, base: w.srv.URL, c: http.DefaultClient}
			status, body := b.post("/login", url.Values{"email": {*w.sara.Email}, "password": {"guess"}})
			if status != http.StatusUnauthorized || !strings.Contains(body, "do not match") {
				t.Fatalf("got %d\n%s", status, body)
			}
		})
		t.Run("TooManyAttemptsAreRateLimited", func(t *testing.T) {
			b := &browser{t: t, base: w.srv.URL, c: http.DefaultClient}
			for range 5 {
				b.post("/login", url.Values{"email": {*w.admin.Email}, "password": {"guess"}})
			}
			status, body := b.post("/login", url.Values{"email": {*w.admin.Email}, "password": {password}})
			if status != http.StatusTooManyRequests || !strings.Contains(body, "Too many sign-in attempts") {
				t.Fatalf("the right password after 5 failures: got %d, want 429", status)
			}
			w.signIn(t, w.tom) // others at the same address still can
		})
		t.Run("ManyFailuresFromOneAddressAreRateLimited", func(t *testing.T) {
			b := &browser{t: t, base: w.srv.URL, c: http.DefaultClient}
			for i := range 20 {
				b.post("/login", url.Values{"email": {"guess" + itoa(int64(i)) + "@example.org"}, "password": {"guess"}})
			}
			if status, _ := b.post("/login", url.Values{"email": {*w.sara.Email}, "password": {password}}); status != http.StatusTooManyRequests {
				t.Fatalf("after 20 failures from one address: got %d, want 429", status)
			}
		})
		t.Run("SignedOutIsSentToSignIn", func(t *testing.T) {
			resp, err := http.Get(w.srv.URL + "/")
			if err != nil {
				t.Fatal(err)
			}
			resp.Body.Close()
			if resp.Request.URL.Path != "/login" {
				t.Fatalf("ended at %s, want /login", resp.Request.URL.Path)
			}
		})
	})
}

func TestFormsWithoutTheSessionTokenAreRefused(t *testing.T) {
	storetest.Each(t, func(t *testing.T, db *store.DB) {
		w := newWorld(t, db)
		b := w.signIn(t, w.tom)
		status, _ := b.post(personPath(w.tomsPerson, "/reply"), url.Values{"csrf": {"forged"}, "body": {"hello"}})
		if status != http.StatusForbidden {
			t.Fatalf("reply with a forged token: got %d, want 403", status)
		}
		assertOutboxEmpty(t, db, w.tomsPerson)
	})
}

func TestUrgentEscalationTopsTheCaseload(t *testing.T) {
	storetest.Each(t, func(t *testing.T, db *store.DB) {
		w := newWorld(t, db)
		ctx := context.Background()
		quiet := storetest.Person(t, db, func(p *store.Person) { p.SchemeID, p.LinkWorkerID, p.Name = w.scheme.ID, &w.tom.ID, "Aaron Able" })
		_ = quiet
		m := storetest.Inbound(t, db, w.tomsPerson, func(m *store.Message) { m.Body = "I can't go on" })
		e := store.Escalation{SchemeID: w.scheme.ID, PersonID: w.tomsPerson.ID, LinkWorkerID: &w.tom.ID, MessageID: &m.ID,
			Reason: store.ReasonRisk, Urgency: store.Urgent}
		if err := db.CreateEscalation(ctx, &e); err != nil {
			t.Fatal(err)
		}
		b := w.signIn(t, w.tom)
		_, rows := b.get("/caseload/rows")
		first := strings.Index(rows, "Margaret Ellis")
		other := strings.Index(rows, "Aaron Able")
		if first < 0 || other < 0 || first > other {
			t.Fatalf("Margaret (urgent) should come before Aaron (nothing waiting):\n%s", rows)
		}
		if !strings.Contains(rows, "1 urgent") || !strings.Contains(rows, "1 unread") || !strings.Contains(rows, "t go on</div>") {
			t.Fatalf("the row should say 1 urgent and 1 unread, and show the words:\n%s", rows)
		}
		if _, page := b.get(personPath(w.tomsPerson, "")); !strings.Contains(page, `class="msg raised"`) {
			t.Fatalf("the message that raised the escalation is not marked in the thread")
		}
		if strings.Contains(rows, "Dev Patel") {
			t.Fatalf("Tom's caseload shows Sara's person:\n%s", rows)
		}
	})
}

func TestReplyGoesToTheOutboxSignedByTheLinkWorker(t *testing.T) {
	storetest.Each(t, func(t *testing.T, db *store.DB) {
		w := newWorld(t, db)
		b := w.signIn(t, w.tom)
		status, body := b.post(personPath(w.tomsPerson, "/reply"), url.Values{"body": {"I'll ring you at 3, Margaret."}})
		if status != http.StatusOK {
			t.Fatalf("reply: %d\n%s", status, body)
		}
		thread, err := db.ListThread(context.Background(), w.tomsPerson.ID, 10)
		if err != nil {
			t.Fatal(err)
		}
		if len(thread) != 1 {
			t.Fatalf("thread has %d messages, want 1", len(thread))
		}
		m := thread[0]
		first := strings.Fields(w.tom.Name)[0]
		if m.Kind != store.MessageFromLinkWorker || m.Status != store.StatusQueued || m.AuthorID == nil || *m.AuthorID != w.tom.ID ||
			m.Address != *w.tomsPerson.Phone || m.Channel != store.ChannelSMS || !strings.HasSuffix(m.Body, "– "+first) {
			t.Fatalf("outbox row: %+v", m)
		}
		if !strings.Contains(body, "ring you at 3") {
			t.Fatalf("the person page does not show the reply")
		}
	})
}

func TestNoReplyAfterStop(t *testing.T) {
	storetest.Each(t, func(t *testing.T, db *store.DB) {
		w := newWorld(t, db)
		p := w.tomsPerson
		now := p.CreatedAt
		p.OptedOutAt = &now
		if err := db.InTx(context.Background(), func(tx *store.Tx) error { return tx.UpdatePerson(context.Background(), p) }); err != nil {
			t.Fatal(err)
		}
		b := w.signIn(t, w.tom)
		status, body := b.post(personPath(p, "/reply"), url.Values{"body": {"hello"}})
		if status != http.StatusBadRequest || !strings.Contains(body, "STOP") {
			t.Fatalf("reply after STOP: %d %s", status, body)
		}
		assertOutboxEmpty(t, db, p)
	})
}

func TestAcknowledgeAndResolveAnEscalation(t *testing.T) {
	storetest.Each(t, func(t *testing.T, db *store.DB) {
		w := newWorld(t, db)
		ctx := context.Background()
		e := store.Escalation{SchemeID: w.scheme.ID, PersonID: w.tomsPerson.ID, LinkWorkerID: &w.tom.ID, Reason: store.ReasonWantsContact, Urgency: store.Soon}
		if err := db.CreateEscalation(ctx, &e); err != nil {
			t.Fatal(err)
		}
		b := w.signIn(t, w.tom)
		if status, _ := b.post(personPath(w.tomsPerson, "/escalations/"+itoa(e.ID)+"/acknowledge"), url.Values{}); status != http.StatusOK {
			t.Fatalf("acknowledge: %d", status)
		}
		got, _ := db.GetEscalation(ctx, e.ID)
		if got.AcknowledgedBy == nil || *got.AcknowledgedBy != w.tom.ID || got.ResolvedAt != nil {
			t.Fatalf("after acknowledging: %+v", got)
		}
		b.post(personPath(w.tomsPerson, "/escalations/"+itoa(e.ID)+"/resolve"), url.Values{})
		got, _ = db.GetEscalation(ctx, e.ID)
		if got.ResolvedAt == nil {
			t.Fatalf("not resolved: %+v", got)
		}
		if _, rows := b.get("/caseload/rows"); strings.Contains(rows, "today") {
			t.Fatalf("a resolved escalation still shows:\n%s", rows)
		}
		t.Run("AnotherPersonsEscalationIs404", func(t *testing.T) {
			status, _ := b.post("/people/"+itoa(w.sarasPerson.ID)+"/escalations/"+itoa(e.ID)+"/acknowledge", url.Values{})
			if status != http.StatusNotFound {
				t.Fatalf("got %d, want 404", status)
			}
		})
	})
}

func TestWhoSeesWhom(t *testing.T) {
	storetest.Each(t, func(t *testing.T, db *store.DB) {
		w := newWorld(t, db)
		other := storetest.Person(t, db) // another scheme
		tom := w.signIn(t, w.tom)
		admin := w.signIn(t, w.admin)
		cases := []struct {
			name   string
			b      *browser
			person store.Person
			want   int
		}{
			{"LinkWorkerSeesOwnPerson", tom, w.tomsPerson, 200},
			{"LinkWorkerGets404ForColleaguesPerson", tom, w.sarasPerson, 404},
			{"LinkWorkerGets404ForAnotherScheme", tom, other, 404},
			{"AdminSeesTheScheme", admin, w.sarasPerson, 200},
			{"AdminGets404ForAnotherScheme", admin, other, 404},
		}
		for _, c := range cases {
			t.Run(c.name, func(t *testing.T) {
				if status, _ := c.b.get(personPath(c.person, "")); status != c.want {
					t.Fatalf("got %d, want %d", status, c.want)
				}
			})
		}
		t.Run("LinkWorkerCannotReplyToColleaguesPerson", func(t *testing.T) {
			if status, _ := tom.post(personPath(w.sarasPerson, "/reply"), url.Values{"body": {"hi"}}); status != 404 {
				t.Fatalf("got %d, want 404", status)
			}
			assertOutboxEmpty(t, db, w.sarasPerson)
		})
		t.Run("LinkWorkerGets404ForAdminPages", func(t *testing.T) {
			if status, _ := tom.get("/admin/workers"); status != 404 {
				t.Fatalf("got %d, want 404", status)
			}
		})
	})
}

func TestBrokenDialogueShowsLineNumberedErrors(t *testing.T) {
	storetest.Each(t, func(t *testing.T, db *store.DB) {
		w := newWorld(t, db)
		b := w.signIn(t, w.admin)
		broken := strings.Replace(ons4Source(t), "goto: low-satisfaction", "goot: low-satisfaction", 1)
		line := strings.Count(broken[:strings.Index(broken, "goot:")], "\n") + 1
		status, body := b.post("/admin/dialogues/check", url.Values{"filename": {"ons4.yaml"}, "source": {broken}})
		if status != http.StatusUnprocessableEntity || !strings.Contains(body, "ons4.yaml:"+itoa(int64(line))+":") {
			t.Fatalf("got %d, want 422 with file:line:col:\n%s", status, body)
		}
		list, _ := db.ListDialogues(context.Background(), w.scheme.ID)
		if len(list) != 0 {
			t.Fatalf("a broken dialogue was saved")
		}
	})
}

func TestValidDialogueIsPreviewedAndPublished(t *testing.T) {
	storetest.Each(t, func(t *testing.T, db *store.DB) {
		w := newWorld(t, db)
		b := w.signIn(t, w.admin)
		source := ons4Source(t)
		status, body := b.post("/admin/dialogues/check", url.Values{"filename": {"ons4.yaml"}, "source": {source}, "replies": {"3\n5"}})
		if status != http.StatusOK || !strings.Contains(body, `id="preview"`) || !strings.Contains(body, "how satisfied are you") {
			t.Fatalf("preview: %d\n%s", status, body)
		}
		for range 2 {
			if status, body := b.post("/admin/dialogues/publish", url.Values{"filename": {"ons4.yaml"}, "source": {source}}); status != http.StatusOK {
				t.Fatalf("publish: %d\n%s", status, body)
			}
		}
		d, err := db.GetPublishedDialogue(context.Background(), w.scheme.ID, "ons4")
		if err != nil || d.Version != 2 || d.Source != source {
			t.Fatalf("published: v%d %v", d.Version, err)
		}
		if _, body := b.get("/admin/dialogues?edit=" + itoa(d.ID)); !strings.Contains(body, "how satisfied are you") {
			t.Fatalf("editing a version does not show its source")
		}
		other := storetest.Dialogue(t, db, storetest.Scheme(t, db).ID)
		if status, _ := b.get("/admin/dialogues?edit=" + itoa(other.ID)); status != http.StatusNotFound {
			t.Fatalf("editing another scheme's dialogue: %d, want 404", status)
		}
	})
}

func personPath(p store.Person, rest string) string { return "/people/" + itoa(p.ID) + rest }

func assertOutboxEmpty(t *testing.T, db *store.DB, p store.Person) {
	t.Helper()
	thread, err := db.ListThread(context.Background(), p.ID, 10)
	if err != nil {
		t.Fatal(err)
	}
	for _, m := range thread {
		if m.Direction == store.Outbound {
			t.Fatalf("a message was queued: %+v", m)
		}
	}
}

func TestDutyCoverSeesTheWholeScheme(t *testing.T) {
	storetest.Each(t, func(t *testing.T, db *store.DB) {
		w := newWorld(t, db)
		now := w.now
		err := db.InTx(context.Background(), func(tx *store.Tx) error {
			return tx.CreateDutyCover(context.Background(), &store.DutyCover{SchemeID: w.scheme.ID, LinkWorkerID: w.sara.ID,
				StartsAt: now.Add(-time.Hour), EndsAt: now.Add(time.Hour)})
		})
		if err != nil {
			t.Fatal(err)
		}
		sara := w.signIn(t, w.sara)
		if status, _ := sara.get(personPath(w.tomsPerson, "")); status != http.StatusOK {
			t.Fatalf("Sara covering duty opens Tom's person: %d, want 200", status)
		}
		if _, rows := sara.get("/caseload/rows"); !strings.Contains(rows, w.tomsPerson.Name) {
			t.Fatalf("Sara's caseload while on duty lacks Tom's person")
		}
		tom := w.signIn(t, w.tom)
		if status, _ := tom.get(personPath(w.sarasPerson, "")); status != http.StatusNotFound {
			t.Fatalf("Tom, not on duty, opens Sara's person: %d, want 404", status)
		}
	})
}

func TestSessionCookieAndSignOut(t *testing.T) {
	db := storetest.SQLite(t)
	w := newWorld(t, db)
	cfg := w.config()
	cfg.InsecureCookies = false // secure cookies, as in production
	srv := httptest.NewServer(inbox.New(cfg))
	defer srv.Close()
	resp, err := (&http.Client{CheckRedirect: func(*http.Request, []*http.Request) error { return http.ErrUseLastResponse }}).
		PostForm(srv.URL+"/login", url.Values{"email": {*w.tom.Email}, "password": {password}})
	if err != nil {
		t.Fatal(err)
	}
	resp.Body.Close()
	// The session, and the token that makes this browser a known device
	// (sent to the sign-in form only).
	paths := map[string]string{}
	for _, c := range resp.Cookies() {
		if !c.HttpOnly || !c.Secure || c.SameSite != http.SameSiteLaxMode || len(c.Value) < 40 {
			t.Fatalf("cookie %+v", c)
		}
		paths[c.Name] = c.Path
	}
	if len(paths) != 2 || paths["linkbot_session"] != "/" || paths["linkbot_device"] != "/login" {
		t.Fatalf("cookies %+v, want the session for / and the device for /login", resp.Cookies())
	}

	b := w.signIn(t, w.tom)
	if status, _ := b.post("/logout", url.Values{}); status != http.StatusOK {
		t.Fatalf("sign out: %d", status)
	}
	resp, err = b.c.Get(w.srv.URL + "/")
	if err != nil {
		t.Fatal(err)
	}
	resp.Body.Close()
	if resp.Request.URL.Path != "/login" {
		t.Fatalf("after signing out / leads to %s, want /login", resp.Request.URL.Path)
	}
}

func TestCrossSitePostsAreRefused(t *testing.T) {
	db := storetest.SQLite(t)
	w := newWorld(t, db)
	b := w.signIn(t, w.tom)
	form := url.Values{"csrf": {b.csrf}, "body": {"hello"}}
	req, _ := http.NewRequest("POST", w.srv.URL+personPath(w.tomsPerson, "/reply"), strings.NewReader(form.Encode()))
	req.Header.Set("Content-Type", "application/x-www-form-urlencoded")
	req.Header.Set("Sec-Fetch-Site", "cross-site")
	req.Header.Set("Origin", "https://evil.example")
	resp, err := b.c.Do(req)
	if err != nil {
		t.Fatal(err)
	}
	resp.Body.Close()
	if resp.StatusCode != http.StatusForbidden {
		t.Fatalf("cross-site post: %d, want 403", resp.StatusCode)
	}
	assertOutboxEmpty(t, db, w.tomsPerson)
}

func TestMessagesAreShownAsTextNotMarkup(t *testing.T) {
	db := storetest.SQLite(t)
	w := newWorld(t, db)
	storetest.Inbound(t, db, w.tomsPerson, func(m *store.Message) { m.Body = `<script>alert("x")</script>` })
	b := w.signIn(t, w.tom)
	_, body := b.get(personPath(w.tomsPerson, ""))
	if strings.Contains(body, `<script>alert`) || !strings.Contains(body, `&lt;script&gt;alert`) {
		t.Fatalf("the message body is not escaped")
	}
}

func TestOpeningAPersonMarksTheirRepliesRead(t *testing.T) {
	db := storetest.SQLite(t)
	w := newWorld(t, db)
	storetest.Inbound(t, db, w.tomsPerson)
	b := w.signIn(t, w.tom)
	if _, rows := b.get("/caseload/rows"); !strings.Contains(rows, "1 unread") {
		t.Fatalf("the reply should be unread first")
	}
	b.get(personPath(w.tomsPerson, ""))
	if _, rows := b.get("/caseload/rows"); strings.Contains(rows, "unread") {
		t.Fatalf("the reply is still unread after opening the person")
	}
}

func TestBookMoveAndCancelAContact(t *testing.T) {
	db := storetest.SQLite(t)
	w := newWorld(t, db)
	ctx := context.Background()
	b := w.signIn(t, w.tom)
	reminders := func(contactID int64) (planned int) {
		t.Helper()
		list, _ := db.ListNudges(ctx, w.tomsPerson.ID)
		for _, n := range list {
			if n.ContactID != nil && *n.ContactID == contactID && n.Status == store.NudgePlanned {
				planned++
			}
		}
		return planned
	}
	at := w.now.Add(96 * time.Hour).In(london).Format("2006-01-02T15:04")
	if status, body := b.post(personPath(w.tomsPerson, "/contacts"), url.Values{"starts_at": {at}, "kind": {"phone"}}); status != 200 {
		t.Fatalf("book: %d %s", status, body)
	}
	list, _ := db.ListContacts(ctx, w.tomsPerson.ID)
	if len(list) != 1 || list[0].StartsAt.In(london).Format("2006-01-02T15:04") != at {
		t.Fatalf("booked %+v", list)
	}
	if n := reminders(list[0].ID); n != 2 {
		t.Fatalf("booked 4 days ahead: %d reminders planned, want 2 (3 days and 2 hours before)", n)
	}
	later := w.now.Add(48 * time.Hour).In(london).Format("2006-01-02T15:04")
	b.post(personPath(w.tomsPerson, "/contacts/"+itoa(list[0].ID)+"/move"), url.Values{"starts_at": {later}})
	if n := reminders(list[0].ID); n != 1 {
		t.Fatalf("moved to 2 days ahead: %d reminders planned, want the 2-hour one", n)
	}
	b.post(personPath(w.tomsPerson, "/contacts/"+itoa(list[0].ID)+"/cancel"), url.Values{})
	got, _ := db.GetContact(ctx, list[0].ID)
	if got.Status != store.ContactCancelled || got.StartsAt.In(london).Format("2006-01-02T15:04") != later {
		t.Fatalf("after move and cancel: %+v", got)
	}
	if n := reminders(list[0].ID); n != 0 {
		t.Fatalf("cancelled: %d reminders still planned", n)
	}
	if status, _ := b.post(personPath(w.sarasPerson, "/contacts/"+itoa(list[0].ID)+"/cancel"), url.Values{}); status != 404 {
		t.Fatalf("a contact through another person's page: %d, want 404", status)
	}
}

func TestOptOutThroughTheLinkWorkerCancelsNudges(t *testing.T) {
	db := storetest.SQLite(t)
	w := newWorld(t, db)
	n := storetest.Nudge(t, db, w.tomsPerson, func(n *store.Nudge) { n.DueAt = w.now.Add(time.Hour) })
	b := w.signIn(t, w.tom)
	if status, _ := b.post(personPath(w.tomsPerson, "/opt-out"), url.Values{"opted_out": {"on"}}); status != 200 {
		t.Fatalf("opt out: %d", status)
	}
	p, _ := db.GetPerson(context.Background(), w.tomsPerson.ID)
	got, _ := db.GetNudge(context.Background(), n.ID)
	if p.OptedOutAt == nil || got.Status != store.NudgeCancelled {
		t.Fatalf("opted out %v, nudge %s", p.OptedOutAt, got.Status)
	}
	if status, _ := b.post(personPath(w.tomsPerson, "/reply"), url.Values{"body": {"hi"}}); status != http.StatusBadRequest {
		t.Fatalf("a reply after opting out: %d, want 400", status)
	}
	b.post(personPath(w.tomsPerson, "/opt-out"), url.Values{})
	if p, _ := db.GetPerson(context.Background(), w.tomsPerson.ID); p.OptedOutAt != nil {
		t.Fatalf("still opted out after opting in again")
	}
}

func TestConsentNotesPauseAndStartADialogue(t *testing.T) {
	storetest.Each(t, func(t *testing.T, db *store.DB) {
		ctx := context.Background()
		w := newWorld(t, db)
		planned := storetest.Nudge(t, db, w.tomsPerson, func(n *store.Nudge) { n.DueAt = w.now.Add(48 * time.Hour) })
		storetest.Dialogue(t, db, w.scheme.ID, func(d *store.Dialogue) { d.Key, d.Source = "ons4", ons4Source(t) })
		b := w.signIn(t, w.tom)
		b.post(personPath(w.tomsPerson, "/consent"), url.Values{})
		b.post(personPath(w.tomsPerson, "/notes"), url.Values{"body": {"Prefers calls after 2pm"}})
		b.post(personPath(w.tomsPerson, "/pause"), url.Values{"days": {"7"}})
		if status, body := b.post(personPath(w.tomsPerson, "/dialogue"), url.Values{"dialogue": {"ons4"}}); status != 200 {
			t.Fatalf("start dialogue: %d %s", status, body)
		}
		p, _ := db.GetPerson(ctx, w.tomsPerson.ID)
		if p.ConsentAt == nil || p.ConsentBy == nil || *p.ConsentBy != w.tom.ID {
			t.Fatalf("consent not recorded by Tom: %+v", p)
		}
		if got, _ := db.GetNudge(ctx, planned.ID); got.Status != store.NudgeCancelled {
			t.Fatalf("a nudge due in the pause is %s, want cancelled", got.Status)
		}
		nudges, _ := db.ListNudges(ctx, w.tomsPerson.ID)
		started := false
		for _, n := range nudges {
			if n.DialogueKey != nil && *n.DialogueKey == "ons4" && n.Status == store.NudgePlanned && !n.DueAt.After(w.now) {
				started = true
			}
		}
		if !started {
			t.Fatalf("no ons4 nudge due now: %+v", nudges)
		}
		_, body := b.get(personPath(w.tomsPerson, ""))
		for _, want := range []string{"Prefers calls after 2pm", "nudges paused until", "consent "} {
			if !strings.Contains(body, want) {
				t.Errorf("the person page lacks %q", want)
			}
		}
		if status, _ := b.post(personPath(w.tomsPerson, "/dialogue"), url.Values{"dialogue": {"nonesuch"}}); status != http.StatusBadRequest {
			t.Errorf("an unknown dialogue: %d, want 400", status)
		}
	})
}
