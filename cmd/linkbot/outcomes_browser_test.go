package main

import (
	"bytes"
	"context"
	"fmt"
	"net/http/httptest"
	"os"
	"path/filepath"
	"regexp"
	"strings"
	"testing"
	"time"

	"github.com/chromedp/chromedp"

	"github.com/linkbot/linkbot/bot/inbox/inboxtest"
	"github.com/linkbot/linkbot/nudges"
	"github.com/linkbot/linkbot/store"
	"github.com/linkbot/linkbot/store/storetest"
)

// TestBrowserOutcomesDashboard opens the demo scheme's outcomes dashboard
// in Chromium as its admin, at a phone's width and a desktop's: the
// wellbeing table and the charts are there with the demo's year of
// episodes, nothing scrolls sideways, contrast and labels pass; it takes a
// screenshot of each and prints the dashboard to PDF (A4) without the
// navigation and forms. A demo person's summary for the GP prints on one
// A4 page. With LINKBOT_SCREENSHOTS=DIR the screenshots and PDFs are
// kept there. Like every browser test it runs on the machine's clock.
func TestBrowserOutcomesDashboard(t *testing.T) {
	bg := context.Background()
	db := storetest.SQLite(t)
	if _, err := seedDemo(bg, db, time.Now()); err != nil {
		t.Fatal(err)
	}
	srv := httptest.NewServer(newHandler(db, newRegistry(), nudges.NewPlanner(), web{}))
	t.Cleanup(srv.Close)
	ctx := inboxtest.NewChromium(t)
	shots := os.Getenv("LINKBOT_SCREENSHOTS")
	if shots == "" {
		shots = t.TempDir()
	}
	err := chromedp.Do(ctx,
		chromedp.Navigate(srv.URL+"/"),
		chromedp.WaitVisible(chromedp.CSS(`#email`)),
		chromedp.SendKeys(chromedp.CSS(`#email`), demoWorkers[0].email),
		chromedp.SendKeys(chromedp.CSS(`#password`), demoWorkers[0].password),
		chromedp.Click(chromedp.CSS(`#sign-in`)),
		chromedp.WaitVisible(chromedp.CSS(`#caseload-rows`)),
	)
	if err != nil {
		t.Fatalf("sign in: %v", err)
	}
	for _, size := range []struct {
		name string
		w, h int64
	}{{"390", 390, 844}, {"desktop", 1280, 900}} {
		if err := chromedp.Do(ctx, chromedp.EmulateViewport(size.w, size.h),
			chromedp.Navigate(srv.URL+"/admin/outcomes"), chromedp.WaitVisible(chromedp.CSS(`#wellbeing-outcomes`))); err != nil {
			t.Fatal(err)
		}
		text, err := chromedp.Run(ctx, chromedp.Text(chromedp.CSS(`main`)))
		if err != nil {
			t.Fatal(err)
		}
		for _, want := range []string{"72\nreferred", "Life satisfaction (ONS4)", "Mean change from start to end", "Improved, same or worse",
			"Referrals by source", "Time from referral to first contact", "Healthy Walks", "No community group could meet their needs"} {
			if !strings.Contains(text, want) {
				t.Errorf("the dashboard at %s lacks %q", size.name, want)
			}
		}
		bars, err := chromedp.Run(ctx, chromedp.Evaluate[int](`document.querySelectorAll('svg.bars rect, svg.bars circle').length`))
		if err != nil || bars < 20 {
			t.Errorf("the charts drew %d bars and points (%v)", bars, err)
		}
		inboxtest.CheckNoSidewaysScroll(t, ctx, "outcomes")
		inboxtest.CheckContrastAndLabels(t, ctx, "outcomes")
		png, err := chromedp.Run(ctx, chromedp.FullScreenshot(100))
		if err != nil || len(png) < 10_000 {
			t.Fatalf("screenshot: %d bytes, %v", len(png), err)
		}
		if err := os.WriteFile(filepath.Join(shots, "outcomes-"+size.name+".png"), png, 0o644); err != nil {
			t.Fatal(err)
		}
	}
	pdf, err := chromedp.Run(ctx, chromedp.PrintToPDF(chromedp.PDFPaper(chromedp.PaperA4)))
	if err != nil || !bytes.HasPrefix(pdf, []byte("%PDF-")) {
		t.Fatalf("print the dashboard: %v", err)
	}
	if err := os.WriteFile(filepath.Join(shots, "outcomes.pdf"), pdf, 0o644); err != nil {
		t.Fatal(err)
	}

	// A past episode's summary for the GP fits one A4 page when printed.
	var ended store.Person
	people, err := db.ListPeople(bg, demoScheme(t, db).ID, 0)
	if err != nil {
		t.Fatal(err)
	}
	for _, p := range people {
		if p.Status == store.PersonEnded && p.ConsentAt != nil && p.OptedOutAt == nil && p.NHSNumber != nil {
			ended = p
			break
		}
	}
	if err := chromedp.Do(ctx, chromedp.Navigate(fmt.Sprintf("%s/people/%d/summary", srv.URL, ended.ID)),
		chromedp.WaitVisible(chromedp.CSS(`#letter`))); err != nil {
		t.Fatal(err)
	}
	inboxtest.CheckContrastAndLabels(t, ctx, "summary")
	letter, err := chromedp.Run(ctx, chromedp.PrintToPDF(chromedp.PDFPaper(chromedp.PaperA4)))
	if err != nil {
		t.Fatal(err)
	}
	if n := len(regexp.MustCompile(`/Type\s*/Page\b[^s]`).FindAll(letter, -1)); n != 1 {
		t.Errorf("the summary for the GP prints on %d pages, want 1", n)
	}
	if err := os.WriteFile(filepath.Join(shots, "summary.pdf"), letter, 0o644); err != nil {
		t.Fatal(err)
	}
}
