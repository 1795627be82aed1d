package inbox_test

import (
	"archive/zip"
	"bytes"
	"context"
	"encoding/csv"
	"encoding/json"
	"io"
	"net/http"
	"net/http/httptest"
	"net/netip"
	"net/url"
	"strings"
	"testing"
	"time"

	"github.com/linkbot/linkbot/bot/inbox"
	"github.com/linkbot/linkbot/store"
	"github.com/linkbot/linkbot/store/storetest"
)

// auditOf is the audit trail of p with action, oldest first.
func auditOf(t *testing.T, db *store.DB, p store.Person, action string) []store.AuditEvent {
	t.Helper()
	list, err := db.ListAudit(context.Background(), p.ID)
	if err != nil {
		t.Fatal(err)
	}
	var out []store.AuditEvent
	for _, e := range list {
		if e.Action == action {
			out = append(out, e)
		}
	}
	return out
}

func TestAnAdminsGlanceLeavesRepliesUnreadForTheLinkWorker(t *testing.T) {
	storetest.Each(t, func(t *testing.T, db *store.DB) {
		w := newWorld(t, db)
		storetest.Inbound(t, db, w.tomsPerson)
		admin := w.signIn(t, w.admin)
		if status, _ := admin.get(personPath(w.tomsPerson, "")); status != http.StatusOK {
			t.Fatalf("the admin opens the person: %d", status)
		}
		tom := w.signIn(t, w.tom)
		if _, rows := tom.get("/caseload/rows"); !strings.Contains(rows, "1 unread") {
			t.Fatalf("after the admin looked, Tom's caseload no longer shows the reply unread:\n%s", rows)
		}
		views := auditOf(t, db, w.tomsPerson, "person.viewed")
		if len(views) != 1 || views[0].ActorID == nil || *views[0].ActorID != w.admin.ID || views[0].Address != "127.0.0.1" {
			t.Fatalf("the admin's look is recorded as %+v, want one person.viewed by the admin from 127.0.0.1", views)
		}
		tom.get(personPath(w.tomsPerson, ""))
		if _, rows := tom.get("/caseload/rows"); strings.Contains(rows, "unread") {
			t.Fatalf("Tom opened the person and the reply is still unread")
		}
		if n := len(auditOf(t, db, w.tomsPerson, "person.viewed")); n != 2 {
			t.Fatalf("%d views recorded, want 2", n)
		}
	})
}

func TestViewsAreAuditedFromTheClientBehindTrustedProxiesAndListedForAdmins(t *testing.T) {
	db := storetest.SQLite(t)
	w := newWorld(t, db)
	cfg := w.config()
	cfg.TrustedProxies = []netip.Prefix{netip.MustParsePrefix("127.0.0.1/32")}
	w.srv.Close()
	w.srv = httptest.NewServer(inbox.New(cfg))
	t.Cleanup(w.srv.Close)
	tom := w.signIn(t, w.tom)
	getFrom := func(b *browser, path, forwarded string) {
		t.Helper()
		req, _ := http.NewRequest("GET", b.base+path, nil)
		req.Header.Set("X-Forwarded-For", forwarded)
		resp, err := b.c.Do(req)
		if err != nil {
			t.Fatal(err)
		}
		resp.Body.Close()
		if resp.StatusCode != http.StatusOK {
			t.Fatalf("GET %s: %d", path, resp.StatusCode)
		}
	}
	getFrom(tom, personPath(w.tomsPerson, ""), "203.0.113.9")
	getFrom(tom, personPath(w.tomsPerson, "/thread"), "203.0.113.9") // the page's live update, at once
	if views := auditOf(t, db, w.tomsPerson, "person.viewed"); len(views) != 1 || views[0].Address != "203.0.113.9" {
		t.Fatalf("the view is recorded as %+v, want one from 203.0.113.9, the client the proxy names", views)
	}
	if n := len(auditOf(t, db, w.tomsPerson, "person.thread_viewed")); n != 0 {
		t.Fatalf("the live update of the page just opened was recorded %d times, want 0", n)
	}
	w.now = w.now.Add(11 * time.Minute)
	getFrom(tom, personPath(w.tomsPerson, "/thread"), "203.0.113.9")
	if n := len(auditOf(t, db, w.tomsPerson, "person.thread_viewed")); n != 1 {
		t.Fatalf("the thread read 11 minutes on was recorded %d times, want 1", n)
	}

	admin := w.signIn(t, w.admin)
	_, page := admin.get("/admin/audit?worker=" + itoa(w.tom.ID) + "&action=person.viewed")
	if !strings.Contains(page, "203.0.113.9") || !strings.Contains(page, "Margaret Ellis ("+itoa(w.tomsPerson.ID)+")") {
		t.Fatalf("the audit page of Tom's views does not list the view:\n%s", page)
	}
	if strings.Contains(page, "<td>person.thread_viewed</td>") || !strings.Contains(page, "<td>person.viewed</td>") {
		t.Fatalf("the filter by action lets other actions through")
	}
	status, body := admin.get("/admin/audit?person=" + itoa(w.tomsPerson.ID) + "&format=csv")
	rows, err := csv.NewReader(strings.NewReader(body)).ReadAll()
	if status != http.StatusOK || err != nil || len(rows) != 3 || rows[0][4] != "action" {
		t.Fatalf("CSV of the person's audit trail: %d %v\n%s", status, err, body)
	}
	if rows[1][4] != "person.thread_viewed" || rows[2][4] != "person.viewed" || rows[2][7] != "203.0.113.9" {
		t.Fatalf("CSV rows %v, want the thread read then the view, newest first, with the address", rows[1:])
	}
	if status, _ := tom.get("/admin/audit"); status != http.StatusNotFound {
		t.Fatalf("a link worker reached the audit trail: %d", status)
	}
}

// unzip reads the files of a zip.
func unzip(t *testing.T, body string) map[string]string {
	t.Helper()
	z, err := zip.NewReader(bytes.NewReader([]byte(body)), int64(len(body)))
	if err != nil {
		t.Fatalf("the download is not a zip: %v", err)
	}
	files := map[string]string{}
	for _, f := range z.File {
		r, err := f.Open()
		if err != nil {
			t.Fatal(err)
		}
		b, _ := io.ReadAll(r)
		r.Close()
		files[f.Name] = string(b)
	}
	return files
}

func TestSubjectAccessExportHoldsEveryMessageOfThePersonAndNothingOfAnother(t *testing.T) {
	storetest.Each(t, func(t *testing.T, db *store.DB) {
		w := newWorld(t, db)
		var want []string
		for _, words := range []string{"first worry about rent", "second <b>bold</b> reply", "third: feeling better"} {
			storetest.Inbound(t, db, w.tomsPerson, func(m *store.Message) { m.Body = words })
			want = append(want, words)
		}
		storetest.Outbound(t, db, w.tomsPerson, func(m *store.Message) { m.Body = "How are you this week?" })
		want = append(want, "How are you this week?")
		storetest.Inbound(t, db, w.sarasPerson, func(m *store.Message) { m.Body = "Dev's private words" })

		admin := w.signIn(t, w.admin)
		status, body := admin.get(personPath(w.tomsPerson, "/export"))
		if status != http.StatusOK {
			t.Fatalf("export: %d\n%s", status, body)
		}
		files := unzip(t, body)
		var got struct {
			Person   struct{ Name, Phone string }
			Messages []struct {
				Text, Status, Direction string
			}
			Audit []struct{ Action string } `json:"audit_trail"`
		}
		if err := json.Unmarshal([]byte(files["subject-access.json"]), &got); err != nil {
			t.Fatalf("subject-access.json: %v\n%s", err, files["subject-access.json"])
		}
		if got.Person.Name != "Margaret Ellis" || got.Person.Phone != *w.tomsPerson.Phone || len(got.Messages) != len(want) {
			t.Fatalf("export of %+v with %d messages, want Margaret Ellis with %d", got.Person, len(got.Messages), len(want))
		}
		html := files["subject-access.html"]
		for i, m := range got.Messages {
			if m.Text != want[i] {
				t.Errorf("message %d is %q, want %q", i, m.Text, want[i])
			}
			if m.Status == "" || m.Direction == "" {
				t.Errorf("message %d has no delivery state or direction: %+v", i, m)
			}
		}
		if !strings.Contains(html, "first worry about rent") || !strings.Contains(html, "second &lt;b&gt;bold&lt;/b&gt; reply") || !strings.Contains(html, "@media print") {
			t.Errorf("the HTML document lacks the messages (escaped) or its print styles:\n%s", html)
		}
		for name, f := range files {
			if strings.Contains(f, "Dev") || strings.Contains(f, *w.sarasPerson.Phone) {
				t.Errorf("%s holds another person's data", name)
			}
		}
		if n := len(auditOf(t, db, w.tomsPerson, "person.exported")); n != 1 {
			t.Errorf("the export was audited %d times, want 1", n)
		}
		tom := w.signIn(t, w.tom)
		if status, _ := tom.get(personPath(w.tomsPerson, "/export")); status != http.StatusNotFound {
			t.Errorf("a link worker downloaded an export: %d", status)
		}
	})
}

func TestErasureTakesAReasonAndTwoSteps(t *testing.T) {
	storetest.Each(t, func(t *testing.T, db *store.DB) {
		w := newWorld(t, db)
		storetest.Inbound(t, db, w.tomsPerson, func(m *store.Message) { m.Body = "please forget me" })
		admin := w.signIn(t, w.admin)
		path := personPath(w.tomsPerson, "/erase")
		if status, body := admin.post(path, url.Values{"csrf": {admin.csrf}}); status != http.StatusBadRequest || !strings.Contains(body, "Give the reason") {
			t.Fatalf("erasure without a reason: %d", status)
		}
		status, body := admin.post(path, url.Values{"csrf": {admin.csrf}, "reason": {"her request of 1 Dec"}})
		if status != http.StatusOK || !strings.Contains(body, `id="erase-confirm"`) || !strings.Contains(body, "cannot be undone") {
			t.Fatalf("first step: %d, want the confirmation form", status)
		}
		if status, _ := admin.post(path, url.Values{"csrf": {admin.csrf}, "reason": {"her request of 1 Dec"}, "confirm": {"erase"}}); status != http.StatusBadRequest {
			t.Fatalf("second step without ERASE typed: %d, want a refusal", status)
		}
		if p, _ := db.GetPerson(context.Background(), w.tomsPerson.ID); p.ErasedAt != nil {
			t.Fatalf("erased before the second step was confirmed")
		}
		status, body = admin.post(path, url.Values{"csrf": {admin.csrf}, "reason": {"her request of 1 Dec"}, "confirm": {"ERASE"}})
		if status != http.StatusOK || !strings.Contains(body, `id="erased"`) || strings.Contains(body, "Margaret") || strings.Contains(body, "please forget me") {
			t.Fatalf("after erasure: %d, want the tombstone page with no name or words:\n%s", status, body)
		}
		if e := auditOf(t, db, w.tomsPerson, "person.erased"); len(e) != 1 || e[0].Address != "127.0.0.1" || !strings.Contains(string(e[0].Detail), "her request of 1 Dec") {
			t.Fatalf("erasure audited as %+v", e)
		}
		tom := w.signIn(t, w.tom)
		again := goodReferral(w)
		again.Set("csrf", tom.csrf)
		again.Set("phone", *w.tomsPerson.Phone)
		if status, body := tom.post("/people/new", again); status != http.StatusBadRequest || !strings.Contains(body, "erased at their request") {
			t.Fatalf("referring the erased number again: %d, want it refused saying why", status)
		}
		if status, body := tom.post(personPath(w.tomsPerson, "/reply"), url.Values{"csrf": {tom.csrf}, "body": {"hello?"}}); status != http.StatusBadRequest || !strings.Contains(body, "erased") {
			t.Fatalf("a reply to an erased person: %d, want a refusal", status)
		}
		if status, _ := tom.post(personPath(w.sarasPerson, "/erase"), url.Values{"csrf": {tom.csrf}, "reason": {"x"}, "confirm": {"ERASE"}}); status != http.StatusNotFound {
			t.Fatalf("a link worker erased someone: %d", status)
		}
	})
}

func TestTheSchemeSetsHowLongRecordsAreKept(t *testing.T) {
	db := storetest.SQLite(t)
	w := newWorld(t, db)
	admin := w.signIn(t, w.admin)
	if _, page := admin.get("/admin/settings"); !strings.Contains(page, `name="retention_years" min="1" max="30" value="8"`) {
		t.Fatalf("the settings page does not offer the 8-year default:\n%s", page)
	}
	form := url.Values{"csrf": {admin.csrf}, "send_from": {"09:00"}, "send_until": {"20:00"}, "time_zone": {"Europe/London"},
		"ack_minutes": {"15"}, "digest_at": {"08:30"}, "retention_years": {"10"}}
	if status, _ := admin.post("/admin/settings", form); status != http.StatusOK {
		t.Fatalf("save settings: %d", status)
	}
	if s, _ := db.GetScheme(context.Background(), w.scheme.ID); s.RetentionYears() != 10 {
		t.Fatalf("retention is %d years, want 10", s.RetentionYears())
	}
	form.Set("retention_years", "0")
	if status, body := admin.post("/admin/settings", form); status != http.StatusBadRequest || !strings.Contains(body, "between 1 and 30") {
		t.Fatalf("0 years: %d, want a refusal", status)
	}
}
