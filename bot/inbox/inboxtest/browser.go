package inboxtest

import (
	"context"
	"os"
	"testing"
	"time"

	"github.com/chromedp/chromedp"
)

// ChromiumPath is where Debian's chromium package puts the browser.
const ChromiumPath = "/usr/bin/chromium"

// NewChromium starts a headless Chromium for the test, with no network
// of its own beyond the test server, and returns a context that drives it
// for a minute at most. In CI (CI=true) a missing browser fails the test;
// elsewhere it skips it. Browser tests run on the machine's clock:
// Chromium judges cookie expiry by it.
func NewChromium(t *testing.T) context.Context {
	t.Helper()
	if _, err := os.Stat(ChromiumPath); err != nil {
		if os.Getenv("CI") == "true" {
			t.Fatalf("browser tests need Chromium at %s: apt-get install -y chromium", ChromiumPath)
		}
		t.Skipf("skipping browser test: no Chromium at %s (apt-get install -y chromium)", ChromiumPath)
	}
	opts := append(chromedp.DefaultExecAllocatorOptions[:],
		chromedp.ExecPath(ChromiumPath),
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

// CheckNoSidewaysScroll fails the test if the page open in ctx is wider
// than the window: it would scroll sideways.
func CheckNoSidewaysScroll(t *testing.T, ctx context.Context, page string) {
	t.Helper()
	scroll, err := chromedp.Run(ctx, chromedp.Evaluate[struct{ Doc, Inner int64 }](`({Doc: document.documentElement.scrollWidth, Inner: window.innerWidth})`))
	if err != nil {
		t.Fatal(err)
	}
	if scroll.Doc > scroll.Inner {
		t.Errorf("%s scrolls sideways: document %d px wide in a %d px window", page, scroll.Doc, scroll.Inner)
	}
}

// CheckContrastAndLabels fails the test for each piece of text on the
// page open in ctx whose colour fails WCAG 2.2 AA contrast, and each form
// control without a label.
func CheckContrastAndLabels(t *testing.T, ctx context.Context, page string) {
	t.Helper()
	fails, err := chromedp.Run(ctx, chromedp.Evaluate[[]string](contrastScript))
	if err != nil {
		t.Fatal(err)
	}
	unlabelled, err := chromedp.Run(ctx, chromedp.Evaluate[[]string](unlabelledScript))
	if err != nil {
		t.Fatal(err)
	}
	for _, f := range fails {
		t.Errorf("contrast below AA on %s: %s", page, f)
	}
	for _, u := range unlabelled {
		t.Errorf("a control without a label on %s: %s", page, u)
	}
}

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

// unlabelledScript lists the form controls shown on the page with no
// label: no <label>, aria-label or aria-labelledby. A control that is not
// rendered (hidden, carrying a form's data) is nobody's to fill in.
const unlabelledScript = `Array.from(document.querySelectorAll('input:not([type=hidden]), select, textarea'))
  .filter(e => e.getClientRects().length > 0 && !(e.labels && e.labels.length) && !e.getAttribute('aria-label') && !e.getAttribute('aria-labelledby'))
  .map(e => e.outerHTML.slice(0, 80))`
