package inbox_test

import (
	"context"
	"fmt"
	"os"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"github.com/chromedp/chromedp"

	"github.com/linkbot/linkbot/store"
	"github.com/linkbot/linkbot/store/storetest"
)

// contrastScript lists the text on the page whose colour fails WCAG 2.2
// AA (4.5:1, or 3:1 for large text) against the background it is drawn
// on: each element holding text (and each form field's value) is checked
// against its own background blended over its ancestors'. Disabled
// controls are exempt, as WCAG says; SVG charts are checked by hand (their
// labels are #3d4448 on the lightest shades, over 7:1).
const contrastScript = `(() => {
  const parse = c => { const m = c.match(/rgba?\(([^)]+)\)/); if (!m) return null;
    const p = m[1].split(/[\s,\/]+/).filter(Boolean).map(Number); return {r: p[0], g: p[1], b: p[2], a: p.length > 3 ? p[3] : 1}; };
  const lin = v => { v /= 255; return v <= 0.03928 ? v / 12.92 : Math.pow((v + 0.055) / 1.055, 2.4); };
  const lum = c => 0.2126 * lin(c.r) + 0.7152 * lin(c.g) + 0.0722 * lin(c.b);
  const over = (top, under) => ({r: top.r * top.a + under.r * (1 - top.a), g: top.g * top.a + under.g * (1 - top.a),
    b: top.b * top.a + under.b * (1 - top.a), a: 1});
  const background = el => { const layers = [];
    for (let e = el; e; e = e.parentElement) { const c = parse(getComputedStyle(e).backgroundColor);
      if (c && c.a > 0) { layers.push(c); if (c.a >= 1) break; } }
    let out = {r: 255, g: 255, b: 255, a: 1};
    for (let i = layers.length - 1; i >= 0; i--) out = over(layers[i], out);
    return out; };
  const els = new Set();
  const walk = document.createTreeWalker(document.body, NodeFilter.SHOW_TEXT);
  while (walk.nextNode()) { if (walk.currentNode.textContent.trim()) els.add(walk.currentNode.parentElement); }
  document.querySelectorAll('input:not([type=hidden]):not([type=checkbox]):not([type=radio]), select, textarea').forEach(e => els.add(e));
  const fails = [];
  els.forEach(el => {
    if (el.closest('svg') || el.closest(':disabled') || el.getClientRects().length === 0) return;
    const cs = getComputedStyle(el);
    if (cs.visibility === 'hidden') return;
    const bg = background(el);
    let fg = parse(cs.color); if (fg.a < 1) fg = over(fg, bg);
    const a = lum(fg), b = lum(bg), ratio = (Math.max(a, b) + 0.05) / (Math.min(a, b) + 0.05);
    const size = parseFloat(cs.fontSize), bold = parseInt(cs.fontWeight, 10) >= 700;
    const need = (size >= 24 || (bold && size >= 18.66)) ? 3 : 4.5;
    if (ratio < need) fails.push(el.tagName.toLowerCase() + (el.className ? '.' + String(el.className).replace(/ /g, '.') : '') +
      ' "' + (el.value || el.textContent).trim().slice(0, 30) + '": ' + ratio.toFixed(2) + ':1, ' + cs.color + ' on rgb(' +
      [bg.r, bg.g, bg.b].map(Math.round).join(', ') + ')');
  });
  return fails;
})()`

// unlabelledScript lists the form controls with no label: no <label>,
// aria-label or aria-labelledby.
const unlabelledScript = `Array.from(document.querySelectorAll('input:not([type=hidden]), select, textarea'))
  .filter(e => !(e.labels && e.labels.length) && !e.getAttribute('aria-label') && !e.getAttribute('aria-labelledby'))
  .map(e => e.outerHTML.slice(0, 80))`

// TestBrowserPhoneLayoutAndContrast opens the caseload, a person and the
// admin pages at 390×844 (a phone) and at desktop width: nothing scrolls
// sideways on the phone, no text fails WCAG AA contrast, every control
// has a label. With LINKBOT_SCREENSHOTS=DIR it also saves screenshots.
func TestBrowserPhoneLayoutAndContrast(t *testing.T) {
	storetest.Each(t, func(t *testing.T, db *store.DB) {
		w := newWorld(t, db)
		p := busyCaseload(t, w)
		onTheRealClock(t, w)
		ctx := newChromium(t)
		signInWithBrowser(t, ctx, w.srv.URL, w.admin)
		shots := os.Getenv("LINKBOT_SCREENSHOTS")
		pages := []struct{ name, path string }{
			{"caseload", "/"},
			{"person", personPath(p, "")},
			{"person-problem", ""}, // the person page after a refused contact, filled in below
			{"admin", "/admin"},
			{"workers", "/admin/workers"},
		}
		for _, size := range []struct {
			name string
			w, h int64
		}{{"390", 390, 844}, {"desktop", 1280, 900}} {
			for _, pg := range pages {
				t.Run(size.name+"/"+pg.name, func(t *testing.T) {
					actions := []chromedp.Action[chromedp.Void]{chromedp.EmulateViewport(size.w, size.h)}
					if pg.path == "" {
						actions = append(actions,
							chromedp.Navigate(w.srv.URL+personPath(p, "")),
							chromedp.WaitVisible(chromedp.CSS(`#contact-at`)),
							chromedp.SetValue(chromedp.CSS(`#contact-at`), time.Now().Add(-48*time.Hour).Format("2006-01-02T15:04")),
							chromedp.Submit(chromedp.CSS(`#contact-at`)),
							chromedp.WaitVisible(chromedp.CSS(`#contact-error`)))
					} else {
						actions = append(actions, chromedp.Navigate(w.srv.URL+pg.path), chromedp.WaitReady(chromedp.CSS(`main`)))
					}
					if err := chromedp.Do(ctx, actions...); err != nil {
						t.Fatal(err)
					}
					scroll, err := chromedp.Run(ctx, chromedp.Evaluate[struct{ Doc, Inner int64 }](`({Doc: document.documentElement.scrollWidth, Inner: window.innerWidth})`))
					if err != nil {
						t.Fatal(err)
					}
					if scroll.Doc > scroll.Inner {
						t.Errorf("%s scrolls sideways: document %d px wide in a %d px window", pg.name, scroll.Doc, scroll.Inner)
					}
					fails, err := chromedp.Run(ctx, chromedp.Evaluate[[]string](contrastScript))
					if err != nil {
						t.Fatal(err)
					}
					unlabelled, err := chromedp.Run(ctx, chromedp.Evaluate[[]string](unlabelledScript))
					if err != nil {
						t.Fatal(err)
					}
					for _, f := range fails {
						t.Errorf("contrast below AA on %s: %s", pg.name, f)
					}
					for _, u := range unlabelled {
						t.Errorf("a control without a label on %s: %s", pg.name, u)
					}
					if shots != "" && !db.Postgres() {
						png, err := chromedp.Run(ctx, chromedp.FullScreenshot(100))
						if err != nil {
							t.Fatal(err)
						}
						if err := os.WriteFile(filepath.Join(shots, fmt.Sprintf("%s-%s.png", pg.name, size.name)), png, 0o644); err != nil {
							t.Fatal(err)
						}
					}
				})
			}
		}
	})
}

// busyCaseload gives Tom's Margaret what a real caseload has: an urgent
// message nobody has acknowledged with a long preview, months of check-in
// answers, contacts and notes; and Sara's Dev an urgent escalation Sara
// acknowledged. It returns Margaret.
func busyCaseload(t *testing.T, w *world) store.Person {
	t.Helper()
	ctx := context.Background()
	db := w.db
	now := time.Now().Truncate(time.Minute)
	at := func(d time.Duration) { w.now = now.Add(d) }
	p := w.tomsPerson
	w.consented(t, &p)
	run := storetest.Run(t, db, p)
	for i := range 12 {
		at(-time.Duration(90-7*i) * 24 * time.Hour)
		for j, key := range []string{"ons4.life_satisfaction", "ons4.worthwhile", "ons4.happiness", "ons4.anxiety"} {
			v := float64(3 + i/2 + j%2)
			if key == "ons4.anxiety" {
				v = float64(8 - i/2)
			}
			a := store.Answer{PersonID: p.ID, RunID: run.ID, QuestionKey: fmt.Sprintf("%s.%d", key, i), MeasureKey: &key, Value: &v}
			if err := db.CreateAnswer(ctx, &a); err != nil {
				t.Fatal(err)
			}
		}
		if i%4 == 0 {
			key, v := "swemwbs.metric", 17.0+float64(i)
			a := store.Answer{PersonID: p.ID, RunID: run.ID, QuestionKey: fmt.Sprintf("%s.%d", key, i), MeasureKey: &key, Value: &v}
			if err := db.CreateAnswer(ctx, &a); err != nil {
				t.Fatal(err)
			}
		}
	}
	at(-3 * 24 * time.Hour)
	storetest.Contact(t, db, p, func(c *store.Contact) { c.StartsAt = now.Add(-26 * time.Hour) })
	storetest.Contact(t, db, p, func(c *store.Contact) {
		c.StartsAt = now.Add(50 * time.Hour)
		c.Place = "Riverside Community Centre, Room 2"
	})
	storetest.Outbound(t, db, p, func(m *store.Message) { m.Body = "Hello Margaret, how has your week been?" })
	at(-20 * time.Minute)
	m := storetest.Inbound(t, db, p, func(m *store.Message) {
		m.Body = "I haven't been sleeping and honestly some days I don't see the point of any of it anymore, I keep thinking everyone would be better off without me around and I don't know who else to tell"
	})
	urgent := func(person store.Person, msg *int64) store.Escalation {
		e := store.Escalation{SchemeID: w.scheme.ID, PersonID: person.ID, LinkWorkerID: person.LinkWorkerID, MessageID: msg,
			Reason: store.ReasonRisk, Urgency: store.Urgent}
		if err := db.CreateEscalation(ctx, &e); err != nil {
			t.Fatal(err)
		}
		return e
	}
	urgent(p, &m.ID)
	at(-2 * time.Hour)
	e := urgent(w.sarasPerson, nil)
	at(-90 * time.Minute)
	if err := db.InTx(ctx, func(tx *store.Tx) error { return tx.AcknowledgeEscalation(ctx, e.ID, w.sara.ID) }); err != nil {
		t.Fatal(err)
	}
	soon := storetest.Person(t, db, func(q *store.Person) {
		q.SchemeID, q.LinkWorkerID, q.Name = w.scheme.ID, &w.tom.ID, "Bartholomew Featherstonehaugh-Wolstenholme"
	})
	es := store.Escalation{SchemeID: w.scheme.ID, PersonID: soon.ID, LinkWorkerID: &w.tom.ID, Reason: store.ReasonWantsContact, Urgency: store.Soon}
	if err := db.CreateEscalation(ctx, &es); err != nil {
		t.Fatal(err)
	}
	note := store.Note{SchemeID: w.scheme.ID, PersonID: p.ID, AuthorID: w.tom.ID, Body: strings.Repeat("Prefers calls after 2pm. ", 4)}
	if err := db.InTx(ctx, func(tx *store.Tx) error { return tx.CreateNote(ctx, &note) }); err != nil {
		t.Fatal(err)
	}
	w.now = now
	return p
}
