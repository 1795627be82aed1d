package main

import (
	"context"
	"net/http"
	"net/http/httptest"
	"net/url"
	"os"
	"path/filepath"
	"regexp"
	"strings"
	"testing"

	"github.com/linkbot/linkbot/nudges"
	"github.com/linkbot/linkbot/store"
	"github.com/linkbot/linkbot/store/storetest"
)

var printedLink = regexp.MustCompile(`(\S*)(/welcome/[A-Za-z0-9_-]+)`)

func TestSchemeCreateAndUserAdd(t *testing.T) {
	eachDatabaseURL(t, func(t *testing.T, dbURL string) {
		code, out, errOut := runLinkbot(t, "", "scheme", "create", "--database", dbURL, "--name", "Northside PCN", "--timezone", "Europe/London")
		if code != 0 || !strings.Contains(out, `Created scheme 1, "Northside PCN"`) || !strings.Contains(out, "linkbot user add") {
			t.Fatalf("scheme create: %d\n%s%s", code, out, errOut)
		}
		if code, _, errOut := runLinkbot(t, "", "scheme", "create", "--database", dbURL, "--name", "northside pcn"); code != 1 || !strings.Contains(errOut, "already exists") {
			t.Fatalf("a second scheme of the same name: %d %s", code, errOut)
		}
		if code, _, errOut := runLinkbot(t, "", "scheme", "create", "--database", dbURL, "--name", "Elsewhere", "--timezone", "Mars/Olympus"); code != 2 || !strings.Contains(errOut, "not a time zone") {
			t.Fatalf("a bad time zone: %d %s", code, errOut)
		}

		// Without LINKBOT_PUBLIC_URL the link is a path, and says so.
		t.Setenv("LINKBOT_PUBLIC_URL", "")
		code, out, errOut = runLinkbot(t, "", "user", "add", "--database", dbURL, "--scheme", "Northside PCN", "--email", "Ann@Example.org", "--role", "admin")
		m := printedLink.FindStringSubmatch(out)
		if code != 0 || m == nil || m[1] != "" || !strings.Contains(out, "LINKBOT_PUBLIC_URL is not set") || !strings.Contains(out, "scheme admin") {
			t.Fatalf("user add: %d\n%s%s", code, out, errOut)
		}
		adminLink := m[2]
		code, out, _ = runLinkbot(t, "", "user", "add", "--database", dbURL, "--scheme", "1", "--email", "tom@example.org",
			"--name", "Tom Reid", "--public-url", "https://linkbot.example.org")
		if m := printedLink.FindStringSubmatch(out); code != 0 || m == nil || m[1] != "https://linkbot.example.org" {
			t.Fatalf("user add with a public URL: %d\n%s", code, out)
		}
		for _, bad := range [][]string{
			{"--scheme", "Nowhere", "--email", "x@example.org"},
			{"--scheme", "1", "--email", "ann@example.org"},
			{"--scheme", "1", "--email", "x@example.org", "--role", "boss"},
			{"--scheme", "1", "--email", "not-an-email"},
		} {
			if code, _, errOut := runLinkbot(t, "", append([]string{"user", "add", "--database", dbURL}, bad...)...); code == 0 || errOut == "" {
				t.Errorf("user add %v: exit %d, want a refusal", bad, code)
			}
		}
		if code, _, errOut := runLinkbot(t, "", "user", "add", "--database", dbURL, "--email", "x@example.org", "--password", "secret"); code != 2 || !strings.Contains(errOut, "-password") {
			t.Fatalf("a password on the command line: %d %s", code, errOut)
		}

		db, err := store.Open(context.Background(), dbURL)
		if err != nil {
			t.Fatal(err)
		}
		defer db.Close()
		ann, err := db.GetLinkWorkerByEmail(context.Background(), "ann@example.org")
		if err != nil || ann.Role != store.RoleSchemeAdmin || ann.Name != "Ann" || ann.PasswordHash != nil {
			t.Fatalf("Ann: %+v %v", ann, err)
		}

		// The printed link sets the password, once.
		srv := httptest.NewServer(newHandler(db, newRegistry(), nudges.NewPlanner(), web{}))
		defer srv.Close()
		form := url.Values{"name": {"Ann Hughes"}, "password": {"tin kettle marmalade"}, "password_again": {"tin kettle marmalade"}}
		resp, err := http.PostForm(srv.URL+adminLink, form)
		if err != nil {
			t.Fatal(err)
		}
		resp.Body.Close()
		if resp.StatusCode != http.StatusOK || resp.Request.URL.Path != "/login" {
			t.Fatalf("set the password with the printed link: %d at %s", resp.StatusCode, resp.Request.URL.Path)
		}
		if resp, err = http.PostForm(srv.URL+adminLink, form); err != nil {
			t.Fatal(err)
		}
		resp.Body.Close()
		if resp.StatusCode != http.StatusNotFound {
			t.Fatalf("the printed link a second time: %d, want 404", resp.StatusCode)
		}

		// user link gives someone a new link.
		code, out, _ = runLinkbot(t, "", "user", "link", "--database", dbURL, "--email", "ann@example.org")
		if m := printedLink.FindStringSubmatch(out); code != 0 || m == nil || m[2] == adminLink {
			t.Fatalf("user link: %d\n%s", code, out)
		}
		if code, _, errOut := runLinkbot(t, "", "user", "link", "--database", dbURL, "--email", "nobody@example.org"); code != 1 || !strings.Contains(errOut, "nobody signs in as") {
			t.Fatalf("user link for nobody: %d %s", code, errOut)
		}
	})
}

func TestServeSaysHowToCreateTheFirstScheme(t *testing.T) {
	dbURL := storetest.SQLiteURL(t)
	p := start(t, "serve", "--database", dbURL, "--listen", "127.0.0.1:0", "--metrics-listen", "off")
	p.waitLine(t, p.err, "it said how to create a scheme", func(line string) bool {
		return strings.Contains(parseLog(line).Msg, "no scheme yet: create the first one and its admin with: linkbot scheme create")
	})
	l := parseLog(p.waitLine(t, p.err, "it said where it serves", func(line string) bool { return parseLog(line).Msg == "serving" }))
	if code, body := get(t, "http://"+l.Addr+"/"); code != http.StatusOK || !strings.Contains(body, "linkbot scheme create") {
		t.Fatalf("/ of a server with no scheme: %d\n%s", code, body)
	}
}

func TestPeopleImport(t *testing.T) {
	eachDatabaseURL(t, func(t *testing.T, dbURL string) {
		if code, out, errOut := runLinkbot(t, "", "scheme", "create", "--database", dbURL, "--name", "Northside PCN"); code != 0 {
			t.Fatalf("scheme create: %s%s", out, errOut)
		}
		if code, out, errOut := runLinkbot(t, "", "user", "add", "--database", dbURL, "--scheme", "Northside PCN", "--email", "tom@example.org"); code != 0 {
			t.Fatalf("user add: %s%s", out, errOut)
		}
		file := filepath.Join(t.TempDir(), "march.csv")
		csv := "name,phone,nhs_number,link_worker_email,consent_at,consent_how\n" +
			"Ann Hughes,07700 900001,943 476 5919,tom@example.org,20/11/2026 10:00,in_person\n" +
			"Bob Evans,12345,,tom@example.org,,\n" +
			"Cath Jones,+1 415 555 2671,,tom@example.org,,\n" +
			"Ann Again,07700 900002,9434765919,tom@example.org,,\n"
		if err := os.WriteFile(file, []byte(csv), 0o600); err != nil {
			t.Fatal(err)
		}
		code, out, _ := runLinkbot(t, "", "people", "import", file, "--scheme", "Northside PCN", "--database", dbURL, "--dry-run")
		if code != 1 || !strings.Contains(out, "march.csv:3: phone: is not a phone number") || !strings.Contains(out, "march.csv:5: Ann Again has the same NHS number as line 2") ||
			!strings.Contains(out, "2 ready to import") || !strings.Contains(out, "Nothing imported") {
			t.Fatalf("dry run: exit %d\n%s", code, out)
		}
		code, out, _ = runLinkbot(t, "", "people", "import", "--database", dbURL, "--scheme", "1", file)
		if code != 1 || !strings.Contains(out, "2 people created") {
			t.Fatalf("import: exit %d\n%s", code, out)
		}
		code, out, _ = runLinkbot(t, "", "people", "import", file, "--database", dbURL, "--scheme", "1")
		if !strings.Contains(out, "0 people created") || !strings.Contains(out, "march.csv:2: Ann Hughes has the same NHS number as person 1") {
			t.Fatalf("import again: exit %d\n%s", code, out)
		}
		db, err := store.Open(context.Background(), dbURL)
		if err != nil {
			t.Fatal(err)
		}
		defer db.Close()
		people, err := db.ListPeople(context.Background(), 1, 0)
		if err != nil || len(people) != 2 || people[0].ConsentHow != "in_person" {
			t.Fatalf("people: %+v %v", people, err)
		}
		if code, _, errOut := runLinkbot(t, "", "people", "import", file, "--database", dbURL); code != 2 || !strings.Contains(errOut, "--scheme") {
			t.Fatalf("no scheme: %d %s", code, errOut)
		}
	})
}
