package inbox_test

import (
	"context"
	"fmt"
	"io/fs"
	"net/http"
	"os"
	"strings"
	"testing"
	"time"

	"github.com/chromedp/chromedp"

	"github.com/linkbot/linkbot/bot"
	"github.com/linkbot/linkbot/bot/sms"
	"github.com/linkbot/linkbot/bot/sms/smstest"
	"github.com/linkbot/linkbot/dialogues"
	"github.com/linkbot/linkbot/store"
	"github.com/linkbot/linkbot/store/storetest"
)

// chromiumPath is where Debian's chromium package puts the browser.
const chromiumPath = "/usr/bin/chromium"

// newChromium starts a headless Chromium for the test, with no network
// of its own beyond the test server. In CI (CI=true) a missing browser
// fails the test; elsewhere it skips it.
func newChromium(t *testing.T) context.Context {
	t.Helper()
	if _, err := os.Stat(chromiumPath); err != nil {
		if os.Getenv("CI") == "true" {
			t.Fatalf("browser tests need Chromium at %s: apt-get install -y chromium", chromiumPath)
		}
		t.Skipf("skipping browser test: no Chromium at %s (apt-get install -y chromium)", chromiumPath)
	}
	opts := append(chromedp.DefaultExecAllocatorOptions[:],
		chromedp.ExecPath(chromiumPath),
		chromedp.NoSandbox,
		chromedp.DisableGPU,
		chromedp.UserDataDir(t.TempDir()),
		chromedp.Flag("disable-quic", true),
		chromedp.Flag("no-first-run", true),
		chromedp.Flag("disable-background-networking", true),
		chromedp.Flag("disable-component-update", true),
		chromedp.Flag("disable-sync", true),
		chromedp.WindowSize(412, 915), // a phone screen
	)
	actx, cancelAlloc := chromedp.NewExecAllocator(context.Background(), opts...)
	ctx, cancelCtx := chromedp.NewContext(actx)
	t.Cleanup(func() { cancelCtx(); cancelAlloc() })
	if err := chromedp.Do(ctx); err != nil {
		t.Fatalf("start Chromium: %v", err)
	}
	// Each journey gets a minute at most; the browser lives on.
	ctx, cancel := context.WithTimeout(ctx, time.Minute)
	t.Cleanup(cancel)
	return ctx
}

// signInWithBrowser signs in through the sign-in form.
func signInWithBrowser(t *testing.T, ctx context.Context, base string, lw store.LinkWorker) {
	t.Helper()
	err := chromedp.Do(ctx,
		chromedp.Navigate(base+"/"),
		chromedp.WaitVisible(chromedp.CSS(`#email`)),
		chromedp.SendKeys(chromedp.CSS(`#email`), *lw.Email),
		chromedp.SendKeys(chromedp.CSS(`#password`), password),
		chromedp.Click(chromedp.CSS(`#sign-in`)),
		chromedp.WaitVisible(chromedp.CSS(`#caseload-rows`)),
	)
	if err != nil {
		t.Fatalf("sign in as %s: %v", lw.Name, err)
	}
}

func TestBrowserJourneys(t *testing.T) {
	storetest.Each(t, func(t *testing.T, db *store.DB) {
		w := newWorld(t, db)
		ctx := newChromium(t)
		signInWithBrowser(t, ctx, w.srv.URL, w.tom)
		bg := context.Background()

		t.Run("UrgentReplyTopsTheCaseloadWithinTwoSeconds", func(t *testing.T) {
			late := storetest.Person(t, db, func(p *store.Person) { p.SchemeID, p.LinkWorkerID, p.Name = w.scheme.ID, &w.tom.ID, "Aaron Able" })
			storetest.Inbound(t, db, late) // an ordinary unread reply, older
			if err := chromedp.Do(ctx, chromedp.Navigate(w.srv.URL+"/"), chromedp.WaitVisible(chromedp.CSS(`#caseload-rows`))); err != nil {
				t.Fatal(err)
			}
			m := storetest.Inbound(t, db, w.tomsPerson, func(m *store.Message) { m.Body = "I want to end it all" })
			e := store.Escalation{SchemeID: w.scheme.ID, PersonID: w.tomsPerson.ID, LinkWorkerID: &w.tom.ID, MessageID: &m.ID,
				Reason: store.ReasonRisk, Urgency: store.Urgent}
			if err := db.CreateEscalation(bg, &e); err != nil {
				t.Fatal(err)
			}
			arrived := time.Now()
			wait, cancel := context.WithTimeout(ctx, 2*time.Second)
			defer cancel()
			err := chromedp.Do(wait, chromedp.WaitVisible(chromedp.CSS(`#caseload-rows tr.urgent:first-child`)))
			if err != nil {
				t.Fatalf("no urgent row at the top within 2 s: %v", err)
			}
			first, err := chromedp.Run(ctx, chromedp.Text(chromedp.CSS(`#caseload-rows tr:first-child a`)))
			if err != nil {
				t.Fatalf("no urgent row at the top within 2 s: %v", err)
			}
			if first != w.tomsPerson.Name {
				t.Fatalf("top of the caseload is %q, want %q", first, w.tomsPerson.Name)
			}
			t.Logf("urgent row shown %v after the escalation was stored", time.Since(arrived).Round(10*time.Millisecond))
		})

		t.Run("AcknowledgeAnEscalation", func(t *testing.T) {
			if _, err := chromedp.RunResponse(ctx, chromedp.Click(chromedp.CSS(`#caseload-rows tr.urgent a`))); err != nil {
				t.Fatal(err)
			}
			// The click posts the form and waits for the page it leads to.
			resp, err := chromedp.RunResponse(ctx, chromedp.Click(chromedp.CSS(`section.escalation button.warn`)))
			if err != nil || resp.Status != http.StatusOK {
				t.Fatalf("acknowledge: %v", err)
			}
			open, err := db.ListOpenEscalations(bg, w.scheme.ID)
			if err != nil {
				t.Fatal(err)
			}
			if len(open) != 1 || open[0].AcknowledgedBy == nil || *open[0].AcknowledgedBy != w.tom.ID {
				t.Fatalf("escalation not acknowledged by Tom: %+v", open)
			}
		})

		t.Run("ReplyToThePersonGoesToTheOutbox", func(t *testing.T) {
			err := chromedp.Do(ctx,
				chromedp.Navigate(w.srv.URL+personPath(w.tomsPerson, "")),
				chromedp.WaitVisible(chromedp.CSS(`#reply-body`)),
				chromedp.SendKeys(chromedp.CSS(`#reply-body`), "I'm here. I'll ring you in five minutes."),
			)
			if err != nil {
				t.Fatal(err)
			}
			if _, err := chromedp.RunResponse(ctx, chromedp.Click(chromedp.CSS(`#send-reply`))); err != nil {
				t.Fatal(err)
			}
			thread, err := chromedp.Run(ctx, chromedp.Text(chromedp.CSS(`#thread`)))
			if err != nil {
				t.Fatal(err)
			}
			if !strings.Contains(thread, "ring you in five minutes") {
				t.Fatalf("the thread does not show the reply: %q", thread)
			}
			list, err := db.ClaimOutbox(bg, time.Now().Add(time.Minute), "test", time.Minute, 10)
			if err != nil {
				t.Fatal(err)
			}
			if len(list) != 1 || list[0].Kind != store.MessageFromLinkWorker || *list[0].AuthorID != w.tom.ID || *list[0].PersonID != w.tomsPerson.ID {
				t.Fatalf("outbox: %+v", list)
			}

			// A stand-in for the dispatcher sends the row with the real
			// Twilio client to the fake Twilio; the page shows it sent.
			twilio := smstest.NewServer()
			defer twilio.Close()
			sender := sms.NewSender(sms.Config{AccountSID: twilio.AccountSID, AuthToken: twilio.AuthToken,
				From: "+447700900001", APIURL: twilio.URL, PublicURL: w.srv.URL})
			sid, err := sender.Send(bg, bot.Outbound{To: list[0].Address, Text: list[0].Body})
			if err != nil {
				t.Fatal(err)
			}
			if err := db.MarkSent(bg, list[0].ID, "test", sid); err != nil {
				t.Fatal(err)
			}
			got := twilio.Messages()
			if len(got) != 1 || got[0].To != *w.tomsPerson.Phone || !strings.Contains(got[0].Body, "ring you in five minutes") {
				t.Fatalf("fake Twilio got %+v", got)
			}
			wait, cancel := context.WithTimeout(ctx, 5*time.Second)
			defer cancel()
			if _, err := chromedp.Run(wait, chromedp.Poll[bool](`document.querySelector("#thread .msg.out:last-child .meta").textContent.includes("sent")`)); err != nil {
				t.Fatalf("the thread does not show the reply as sent: %v", err)
			}
		})

		t.Run("AnotherCaseloadsPersonIs404", func(t *testing.T) {
			resp, err := chromedp.Run(ctx, chromedp.NavigateResponse(w.srv.URL+personPath(w.sarasPerson, "")))
			if err != nil {
				t.Fatal(err)
			}
			if resp.Status != http.StatusNotFound {
				t.Fatalf("Tom opening Sara's person: %d, want 404", resp.Status)
			}
		})
	})
}

func TestBrowserBrokenDialogueShowsTheLine(t *testing.T) {
	db := storetest.SQLite(t)
	w := newWorld(t, db)
	ctx := newChromium(t)
	signInWithBrowser(t, ctx, w.srv.URL, w.admin)
	// The built-in ONS4 check-in with one typo: "goto" written "goot".
	broken := strings.Replace(ons4Source(t), "goto: low-satisfaction", "goot: low-satisfaction", 1)
	line := strings.Count(broken[:strings.Index(broken, "goot:")], "\n") + 1
	err := chromedp.Do(ctx,
		chromedp.Navigate(w.srv.URL+"/admin/dialogues"),
		chromedp.WaitVisible(chromedp.CSS(`#source`)),
		chromedp.SetValue(chromedp.CSS(`#filename`), "ons4.yaml"),
		chromedp.SetValue(chromedp.CSS(`#source`), broken),
		chromedp.Click(chromedp.CSS(`#check`)),
		chromedp.WaitVisible(chromedp.CSS(`#diagnostics`)),
	)
	if err != nil {
		t.Fatal(err)
	}
	problems, err := chromedp.Run(ctx, chromedp.Text(chromedp.CSS(`#diagnostics`)))
	if err != nil {
		t.Fatal(err)
	}
	want := fmt.Sprintf("ons4.yaml:%d:", line)
	if !strings.Contains(problems, want) {
		t.Fatalf("want an error at %s, got:\n%s", want, problems)
	}
}

// ons4Source is the built-in ONS4 dialogue file.
func ons4Source(t *testing.T) string {
	t.Helper()
	b, err := fs.ReadFile(dialogues.LibraryFiles(), "ons4.yaml")
	if err != nil {
		t.Fatal(err)
	}
	return string(b)
}
