package inbox_test

import (
	"os"
	"testing"

	"github.com/chromedp/chromedp"
)

func TestZZShot(t *testing.T) {
	base := os.Getenv("SHOT_BASE")
	if base == "" {
		t.Skip()
	}
	ctx := newChromium(t)
	err := chromedp.Do(ctx, chromedp.Navigate(base+"/login"), chromedp.WaitVisible(chromedp.CSS("#email")),
		chromedp.SendKeys(chromedp.CSS("#email"), "priya@calder.example"), chromedp.SendKeys(chromedp.CSS("#password"), "demo-priya"))
	if err != nil {
		t.Fatal(err)
	}
	chromedp.RunResponse(ctx, chromedp.Click(chromedp.CSS("#sign-in")))
	for name, path := range map[string]string{"caseload": "/", "person": "/people/2", "dialogues": "/admin/dialogues"} {
		if _, err := chromedp.RunResponse(ctx, chromedp.Navigate(base+path)); err != nil {
			t.Fatal(err)
		}
		b, err := chromedp.Run(ctx, chromedp.FullScreenshot(100))
		if err != nil {
			t.Fatal(err)
		}
		os.WriteFile("/tmp/demo1/"+name+".png", b, 0o644)
	}
}
