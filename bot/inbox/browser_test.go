package inbox_test

import (
	"context"
	"fmt"
	"io/fs"
	"log/slog"
	"net/http"
	"net/http/httptest"
	"net/url"
	"strings"
	"testing"
	"time"

	"github.com/chromedp/chromedp"

	"github.com/linkbot/linkbot/bot"
	"github.com/linkbot/linkbot/bot/dispatch"
	"github.com/linkbot/linkbot/bot/inbox"
	"github.com/linkbot/linkbot/bot/inbox/inboxtest"
	"github.com/linkbot/linkbot/bot/sms"
	"github.com/linkbot/linkbot/bot/sms/smstest"
	"github.com/linkbot/linkbot/dialogues"
	"github.com/linkbot/linkbot/nudges"
	"github.com/linkbot/linkbot/store"
	"github.com/linkbot/linkbot/store/storetest"
)

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

// pipeline is the server as runServer wires it for SMS: the inbox at "/"
// beside the signed Twilio webhooks feeding the real bot.Engine, and a real
// dispatcher that sends with twilio-go to the fake Twilio.
type pipeline struct {
	cfg    sms.Config
	twilio *smstest.Server
	disp   *dispatch.Dispatcher
}

// onTheRealClock puts the world's server and database back on the
// machine's clock: Chromium judges the session cookie's expiry by it.
func onTheRealClock(t *testing.T, w *world) {
	t.Helper()
	w.srv.Close()
	w.db.SetClock(time.Now)
	cfg := w.config()
	cfg.Now = time.Now
	w.srv = httptest.NewServer(inbox.New(cfg))
	t.Cleanup(w.srv.Close)
}

// wirePipeline replaces the world's server with the whole pipeline.
func wirePipeline(t *testing.T, w *world) *pipeline {
	t.Helper()
	w.srv.Close()
	p := &pipeline{twilio: smstest.NewServer()}
	t.Cleanup(p.twilio.Close)
	mux := http.NewServeMux()
	w.srv = httptest.NewServer(mux)
	t.Cleanup(w.srv.Close)
	p.cfg = sms.Config{AccountSID: smstest.AccountSID, AuthToken: smstest.AuthToken, From: "+447700900999",
		PublicURL: w.srv.URL, APIURL: p.twilio.URL, Timeout: 2 * time.Second}
	logger := slog.New(slog.DiscardHandler)
	engine, err := bot.NewEngine(w.db, bot.Options{PublicURL: w.srv.URL, Logger: logger, Runs: nudges.NewPlanner()})
	if err != nil {
		t.Fatal(err)
	}
	mux.Handle("POST "+sms.InboundPath, sms.InboundHandler(p.cfg, engine))
	mux.Handle("POST "+sms.StatusPath, sms.StatusHandler(p.cfg, engine))
	mux.Handle("/", inbox.New(inbox.Config{DB: w.db, Nudges: nudges.NewPlanner(), InsecureCookies: true, Logger: logger}))
	p.disp = dispatch.New(w.db, dispatch.Config{
		Senders:   map[store.Channel]bot.Sender{store.ChannelSMS: sms.NewSender(p.cfg)},
		PublicURL: w.srv.URL,
		Logger:    logger,
	})
	return p
}

// text posts a signed inbound SMS from person as Twilio would.
func (p *pipeline) text(t *testing.T, base string, person store.Person, body string) {
	t.Helper()
	p.webhook(t, base+sms.InboundPath, smstest.InboundParams(*person.Phone, p.cfg.From, body))
}

func (p *pipeline) webhook(t *testing.T, url string, params url.Values) {
	t.Helper()
	resp, err := p.twilio.PostWebhook(context.Background(), url, params)
	if err != nil {
		t.Fatal(err)
	}
	resp.Body.Close()
	if resp.StatusCode != http.StatusOK {
		t.Fatalf("webhook %s answered %d", url, resp.StatusCode)
	}
}

// dispatch sends everything due, as the dispatcher's loop would.
func (p *pipeline) dispatch(t *testing.T) {
	t.Helper()
	for n := 1; n > 0; {
		var err error
		if n, err = p.disp.RunOnce(context.Background()); err != nil {
			t.Fatal(err)
		}
	}
}

// sentTo is what the fake Twilio accepted for address.
func (p *pipeline) sentTo(address string) []smstest.Message {
	var list []smstest.Message
	for _, m := range p.twilio.Messages() {
		if m.To == address {
			list = append(list, m)
		}
	}
	return list
}

func TestBrowserJourneys(t *testing.T) {
	storetest.Each(t, func(t *testing.T, db *store.DB) {
		w := newWorld(t, db)
		onTheRealClock(t, w)
		p := wirePipeline(t, w)
		ctx := inboxtest.NewChromium(t)
		signInWithBrowser(t, ctx, w.srv.URL, w.tom)
		bg := context.Background()

		t.Run("UrgentReplyTopsTheCaseloadWithinTwoSeconds", func(t *testing.T) {
			early := storetest.Person(t, db, func(p *store.Person) { p.SchemeID, p.LinkWorkerID, p.Name = w.scheme.ID, &w.tom.ID, "Aaron Able" })
			p.text(t, w.srv.URL, early, "Thanks, see you Tuesday") // an ordinary unread reply, older
			if err := chromedp.Do(ctx, chromedp.Navigate(w.srv.URL+"/"), chromedp.WaitVisible(chromedp.CSS(`#caseload-rows`))); err != nil {
				t.Fatal(err)
			}
			posted := time.Now()
			p.text(t, w.srv.URL, w.tomsPerson, "I want to end it all")
			wait, cancel := context.WithDeadline(ctx, posted.Add(2*time.Second))
			defer cancel()
			if err := chromedp.Do(wait, chromedp.WaitVisible(chromedp.CSS(`#caseload-rows tr.urgent:first-child`))); err != nil {
				t.Fatalf("no urgent row at the top within 2 s of the webhook: %v", err)
			}
			shown := time.Since(posted)
			first, err := chromedp.Run(ctx, chromedp.Text(chromedp.CSS(`#caseload-rows tr:first-child a`)))
			if err != nil {
				t.Fatal(err)
			}
			if first != w.tomsPerson.Name {
				t.Fatalf("top of the caseload is %q, want %q", first, w.tomsPerson.Name)
			}
			t.Logf("urgent row shown %v after the webhook was posted", shown.Round(10*time.Millisecond))

			p.dispatch(t)
			if got := p.sentTo(*w.tomsPerson.Phone); len(got) != 1 || !strings.Contains(got[0].Body, "116 123") {
				t.Fatalf("the person should get the safety net; got %+v", got)
			}
			if got := p.sentTo(*w.tom.Phone); len(got) != 1 || !strings.Contains(got[0].Body, "URGENT") {
				t.Fatalf("Tom should get an urgent notification; got %+v", got)
			}
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

		t.Run("ReplyReachesThePersonsPhoneAndShowsDelivered", func(t *testing.T) {
			const words = "I'm here. I'll ring you in five minutes."
			err := chromedp.Do(ctx,
				chromedp.Navigate(w.srv.URL+personPath(w.tomsPerson, "")),
				chromedp.WaitVisible(chromedp.CSS(`#reply-body`)),
				chromedp.SendKeys(chromedp.CSS(`#reply-body`), words),
			)
			if err != nil {
				t.Fatal(err)
			}
			if _, err := chromedp.RunResponse(ctx, chromedp.Click(chromedp.CSS(`#send-reply`))); err != nil {
				t.Fatal(err)
			}
			before := len(p.sentTo(*w.tomsPerson.Phone))
			p.dispatch(t)
			got := p.sentTo(*w.tomsPerson.Phone)[before:]
			want := words + "\n- " + strings.Fields(w.tom.Name)[0] // the signature's en dash is sent as a GSM-7 hyphen
			if len(got) != 1 || got[0].Body != want || got[0].From != p.cfg.From {
				t.Fatalf("the fake Twilio should get exactly %q to the person; got %+v", want, got)
			}
			meta := `document.querySelector("#thread .msg.out:last-child .meta").textContent`
			wait, cancel := context.WithTimeout(ctx, 5*time.Second)
			defer cancel()
			if _, err := chromedp.Run(wait, chromedp.Poll[bool](meta+`.includes("sent")`)); err != nil {
				t.Fatalf("the thread does not show the reply as sent: %v", err)
			}
			p.webhook(t, w.srv.URL+sms.StatusPath, smstest.StatusParams(got[0].Sid, "delivered", got[0].To, ""))
			wait, cancel = context.WithTimeout(ctx, 5*time.Second)
			defer cancel()
			if _, err := chromedp.Run(wait, chromedp.Poll[bool](meta+`.includes("delivered")`)); err != nil {
				t.Fatalf("the thread does not show the reply as delivered: %v", err)
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
	onTheRealClock(t, w)
	ctx := inboxtest.NewChromium(t)
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
