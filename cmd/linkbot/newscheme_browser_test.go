package main

import (
	"context"
	"fmt"
	"net/http"
	"net/http/httptest"
	"os"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"github.com/chromedp/chromedp"

	"github.com/linkbot/linkbot/bot/inbox/inboxtest"
	"github.com/linkbot/linkbot/nudges"
	"github.com/linkbot/linkbot/store"
)

// TestBrowserNewScheme runs a new scheme's first day in Chromium at
// 390×844 (a phone), from an empty database: scheme create, user add, the
// one-time link, sign-in, a referral with the form, a 200-line CSV import
// with 5 bad lines (and a 3 MB file refused on the page), a search by NHS
// number, a Telegram invitation, a hand-over to another link worker and
// the end of support. The caseload and person pages must not
// scroll sideways; the caseload, person, referral and import pages must
// pass the WCAG AA contrast and labels check. Like every browser test it
// runs on the machine's clock, which Chromium judges cookies by.
func TestBrowserNewScheme(t *testing.T) {
	eachDatabaseURL(t, func(t *testing.T, dbURL string) {
		bg := context.Background()
		linkbot := func(args ...string) string {
			t.Helper()
			code, out, errOut := runLinkbot(t, "", append(args, "--database", dbURL)...)
			if code != 0 {
				t.Fatalf("linkbot %s: exit %d\n%s%s", strings.Join(args, " "), code, out, errOut)
			}
			return out
		}
		linkbot("scheme", "create", "--name", "Northside PCN", "--timezone", "Europe/London")
		m := printedLink.FindStringSubmatch(linkbot("user", "add", "--scheme", "Northside PCN", "--email", "ann@example.org", "--name", "Ann Hughes", "--role", "admin"))
		if m == nil {
			t.Fatal("user add printed no one-time link")
		}
		annLink := m[2]
		linkbot("user", "add", "--scheme", "Northside PCN", "--email", "tom@example.org", "--name", "Tom Reid")

		db, err := store.Open(bg, dbURL)
		if err != nil {
			t.Fatal(err)
		}
		t.Cleanup(func() { db.Close() })
		const telegramBot = "https://t.me/test_bot?start="
		srv := httptest.NewServer(newHandler(db, newRegistry(), nudges.NewPlanner(),
			web{telegramLink: func(code string) string { return telegramBot + code }}))
		t.Cleanup(srv.Close)
		tom, err := db.GetLinkWorkerByEmail(bg, "tom@example.org")
		if err != nil {
			t.Fatal(err)
		}

		ctx := inboxtest.NewChromium(t)
		do := func(what string, actions ...chromedp.Action[chromedp.Void]) {
			t.Helper()
			if err := chromedp.Do(ctx, actions...); err != nil {
				t.Fatalf("%s: %v", what, err)
			}
		}
		// click submits a form by its button and waits for the page it leads to.
		click := func(what, sel string) {
			t.Helper()
			resp, err := chromedp.RunResponse(ctx, chromedp.Click(chromedp.CSS(sel)))
			if err != nil || resp.Status != http.StatusOK {
				t.Fatalf("%s: %v %+v", what, err, resp)
			}
		}
		get := func(a chromedp.Action[string]) string {
			t.Helper()
			s, err := chromedp.Run(ctx, a)
			if err != nil {
				t.Fatal(err)
			}
			return s
		}
		phonePage := func(name string, contrast bool) {
			t.Helper()
			inboxtest.CheckNoSidewaysScroll(t, ctx, name)
			if contrast {
				inboxtest.CheckContrastAndLabels(t, ctx, name)
			}
		}
		start := time.Now()

		do("set the password with the one-time link",
			chromedp.EmulateViewport(390, 844),
			chromedp.Navigate(srv.URL+annLink),
			chromedp.WaitVisible(chromedp.CSS(`#password`)),
			chromedp.SendKeys(chromedp.CSS(`#password`), "tin kettle marmalade"),
			chromedp.SendKeys(chromedp.CSS(`#password_again`), "tin kettle marmalade"))
		click("set the password", `#set-password`)
		do("sign in",
			chromedp.WaitVisible(chromedp.CSS(`#email`)),
			chromedp.SendKeys(chromedp.CSS(`#email`), "ann@example.org"),
			chromedp.SendKeys(chromedp.CSS(`#password`), "tin kettle marmalade"),
			chromedp.Click(chromedp.CSS(`#sign-in`)),
			chromedp.WaitVisible(chromedp.CSS(`#caseload-rows`)))
		phonePage("the empty caseload", true)

		do("open the referral form", chromedp.Navigate(srv.URL+"/people/new"), chromedp.WaitVisible(chromedp.CSS(`#refer`)))
		phonePage("the referral form", true)
		do("fill in the referral",
			chromedp.SendKeys(chromedp.CSS(`#name`), "Margaret Jones"),
			chromedp.SendKeys(chromedp.CSS(`#phone`), "07700 900123"),
			chromedp.SendKeys(chromedp.CSS(`#nhs_number`), "943 476 5919"),
			chromedp.SendKeys(chromedp.CSS(`#date_of_birth`), "14/03/1950"),
			chromedp.SendKeys(chromedp.CSS(`#gp_practice`), "A81001"),
			chromedp.SendKeys(chromedp.CSS(`#reason`), "Lonely since her husband died; wants to get out more."),
			chromedp.SetValue(chromedp.CSS(`#link_worker_email`), "ann@example.org"),
			chromedp.SetValue(chromedp.CSS(`#consent_at`), time.Now().Add(-time.Hour).Format("2006-01-02T15:04")),
			chromedp.SetValue(chromedp.CSS(`#consent_how`), "in_person"))
		click("refer", `#refer-submit`)
		do("the person's page", chromedp.WaitVisible(chromedp.CSS(`#top`)))
		title := get(chromedp.Text(chromedp.CSS(`#top`)))
		if title != "Margaret Jones" {
			t.Fatalf("after referring, the page is %q", title)
		}
		phonePage("the person's page", true)
		personURL := get(chromedp.Location())
		people, err := db.ListPeople(bg, 1, 0)
		if err != nil || len(people) != 1 || people[0].NHSNumber == nil || people[0].ConsentAt == nil {
			t.Fatalf("after the referral: %+v %v", people, err)
		}
		margaret := people[0]

		// 200 referrals, 5 of them bad.
		var csv strings.Builder
		csv.WriteString("name,phone,nhs_number,date_of_birth,gp_practice,consent_how,link_worker_email\n")
		bad := map[int]string{ // line number: the field named
			12:  "phone",
			50:  "nhs_number",
			99:  "date_of_birth",
			150: "gp_practice",
			201: "name",
		}
		for line := 2; line <= 201; line++ {
			row := []string{fmt.Sprintf("Person %d", line), fmt.Sprintf("07700 900%03d", 298+line), "", "01/02/1960", "A81001", "", "tom@example.org"}
			switch bad[line] {
			case "phone":
				row[1] = "12345"
			case "nhs_number":
				row[2] = "943 476 5910"
			case "date_of_birth":
				row[3] = "31/02/1960"
			case "gp_practice":
				row[4] = "??"
			case "name":
				row[0] = ""
			}
			csv.WriteString(strings.Join(row, ",") + "\n")
		}
		file := filepath.Join(t.TempDir(), "march.csv")
		if err := os.WriteFile(file, []byte(csv.String()), 0o600); err != nil {
			t.Fatal(err)
		}
		do("open the import page", chromedp.Navigate(srv.URL+"/people/import"), chromedp.WaitVisible(chromedp.CSS(`#file`)))
		phonePage("the import page", true)
		do("choose the file", chromedp.SetUploadFiles(chromedp.CSS(`#file`), []string{file}))
		click("check the file", `#check`)
		do("the dry run", chromedp.WaitVisible(chromedp.CSS(`#import-report`)))
		problems, err := chromedp.Run(ctx, chromedp.Evaluate[[]string](`Array.from(document.querySelectorAll('#problems li')).map(li => li.textContent)`))
		if err != nil {
			t.Fatal(err)
		}
		if len(problems) != len(bad) {
			t.Errorf("the dry run lists %d problems, want %d:\n%s", len(problems), len(bad), strings.Join(problems, "\n"))
		}
		for line, field := range bad {
			want := fmt.Sprintf("march.csv:%d: %s:", line, field)
			found := false
			for _, p := range problems {
				found = found || strings.HasPrefix(p, want)
			}
			if !found {
				t.Errorf("the dry run does not name %s; it says:\n%s", want, strings.Join(problems, "\n"))
			}
		}
		phonePage("the import page with its report", true)
		click("import", `#import-now`)
		do("the import's report", chromedp.WaitVisible(chromedp.CSS(`#import-report`)))
		report := get(chromedp.Text(chromedp.CSS(`#import-report`)))
		if people, err = db.ListPeople(bg, 1, 0); err != nil || len(people) != 1+200-len(bad) {
			t.Fatalf("after the import: %d people, want %d (%v); the page says %q", len(people), 1+200-len(bad), err, report)
		}
		do("the caseload of 196", chromedp.Navigate(srv.URL+"/"), chromedp.WaitVisible(chromedp.CSS(`#caseload-rows`)))
		phonePage("the full caseload", true)
		do("search by NHS number", chromedp.Navigate(srv.URL+"/?q=943+476+5919"), chromedp.WaitVisible(chromedp.CSS(`#caseload-rows`)))
		if rows := get(chromedp.Text(chromedp.CSS(`#caseload-rows`))); !strings.Contains(rows, "Margaret Jones") || strings.Contains(rows, "Person 2") {
			t.Errorf("a search for Margaret's NHS number shows:\n%s", rows)
		}

		huge := filepath.Join(t.TempDir(), "huge.csv")
		if err := os.WriteFile(huge, []byte(strings.Repeat(strings.Repeat("x", 1023)+"\n", 3<<10)), 0o600); err != nil {
			t.Fatal(err)
		}
		do("choose a 3 MB file", chromedp.Navigate(srv.URL+"/people/import"), chromedp.WaitVisible(chromedp.CSS(`#file`)),
			chromedp.SetUploadFiles(chromedp.CSS(`#file`), []string{huge}), chromedp.Click(chromedp.CSS(`#check`)),
			chromedp.WaitVisible(chromedp.CSS(`p.problem`)))
		if problem := get(chromedp.Text(chromedp.CSS(`p.problem`))); !strings.Contains(problem, "the file is 3 MB; the limit is 1 MB") {
			t.Errorf("a 3 MB file: %q", problem)
		}

		do("open Margaret", chromedp.Navigate(personURL), chromedp.WaitVisible(chromedp.CSS(`#reassign-form`)))
		click("invite to Telegram", `form[action$="/telegram/invite"] button`)
		thread, err := db.ListThread(bg, margaret.ID, 10)
		if err != nil {
			t.Fatal(err)
		}
		invited := false
		for _, m := range thread {
			invited = invited || (m.Channel == store.ChannelSMS && m.Address == *margaret.Phone && strings.Contains(m.Body, telegramBot))
		}
		if !invited {
			t.Fatalf("no SMS with a %s link to Margaret; her thread: %+v", telegramBot, thread)
		}

		do("choose Tom", chromedp.WaitVisible(chromedp.CSS(`#new-worker`)), chromedp.SetValue(chromedp.CSS(`#new-worker`), fmt.Sprint(tom.ID)))
		click("reassign", `#reassign-button`)
		if margaret, err = db.GetPerson(bg, margaret.ID); err != nil || margaret.LinkWorkerID == nil || *margaret.LinkWorkerID != tom.ID {
			t.Fatalf("after the hand-over Margaret is with %v (%v), want Tom (%d)", margaret.LinkWorkerID, err, tom.ID)
		}

		do("say why support ends", chromedp.WaitVisible(chromedp.CSS(`#end-reason`)), chromedp.SendKeys(chromedp.CSS(`#end-reason`), "goals met"))
		click("end support", `#end-support button`)
		do("support ended", chromedp.WaitVisible(chromedp.CSS(`#support-ended`)))
		if margaret, err = db.GetPerson(bg, margaret.ID); err != nil || margaret.EndedAt == nil {
			t.Fatalf("support has not ended: %+v %v", margaret, err)
		}
		phonePage("the person's page after support ended", true)
		t.Logf("a new scheme's first day took %v in the browser", time.Since(start).Round(100*time.Millisecond))
	})
}
