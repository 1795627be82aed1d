package inbox_test

import (
	"bytes"
	"context"
	"fmt"
	"io"
	"mime/multipart"
	"net/http"
	"net/url"
	"regexp"
	"strings"
	"testing"

	"github.com/linkbot/linkbot/store"
	"github.com/linkbot/linkbot/store/storetest"
)

// upload posts a file to path as a browser does, with the page's token.
func (b *browser) upload(path, name, content string) (int, string) {
	b.t.Helper()
	var body bytes.Buffer
	mw := multipart.NewWriter(&body)
	mw.WriteField("csrf", b.csrf)
	fw, _ := mw.CreateFormFile("file", name)
	io.WriteString(fw, content)
	mw.Close()
	resp, err := b.c.Post(b.base+path, mw.FormDataContentType(), &body)
	if err != nil {
		b.t.Fatal(err)
	}
	defer resp.Body.Close()
	out, _ := io.ReadAll(resp.Body)
	return resp.StatusCode, string(out)
}

var hiddenCSV = regexp.MustCompile(`(?s)<textarea name="csv" hidden aria-hidden="true">(.*?)</textarea>`)

func TestImportPage(t *testing.T) {
	storetest.Each(t, func(t *testing.T, db *store.DB) {
		w := newWorld(t, db)
		admin := w.signIn(t, w.admin)
		if status, _ := w.signIn(t, w.tom).get("/people/import"); status != http.StatusNotFound {
			t.Fatalf("a link worker opening the import page: %d, want 404 (admins only)", status)
		}
		var file strings.Builder
		file.WriteString("name,phone,needs,link_worker_email\n")
		bad := map[int]string{9: "12345", 50: "", 120: "phone me", 160: "+44 7700", 199: "0"}
		for line := 2; line <= 201; line++ {
			phone := fmt.Sprintf("01632 960%03d", line) // Ofcom's drama range, apart from the factory's mobiles
			if p, ok := bad[line]; ok {
				phone = p
			}
			fmt.Fprintf(&file, "Person %d,%s,housing,%s\n", line, phone, *w.tom.Email)
		}
		status, body := admin.upload("/people/import", "caseload.csv", file.String())
		if status != http.StatusOK || !strings.Contains(body, "200 referrals read") || !strings.Contains(body, "195 ready to import") {
			t.Fatalf("check: %d\n%s", status, body)
		}
		for line := range bad {
			if !strings.Contains(body, fmt.Sprintf("caseload.csv:%d: phone: ", line)) {
				t.Errorf("the check does not name line %d", line)
			}
		}
		if people, _ := db.ListPeople(context.Background(), w.scheme.ID, 0); len(people) != 2 {
			t.Fatalf("the check created people: %d", len(people))
		}
		m := hiddenCSV.FindStringSubmatch(body)
		if m == nil {
			t.Fatal("no import button")
		}
		csv := strings.NewReplacer("&#39;", "'", "&#34;", `"`, "&amp;", "&", "&lt;", "<", "&gt;", ">", "&#43;", "+").Replace(m[1])
		status, body = admin.post("/people/import", url.Values{"action": {"import"}, "filename": {"caseload.csv"}, "csv": {csv}})
		if status != http.StatusOK || !strings.Contains(body, "195 people created") {
			t.Fatalf("import: %d\n%s", status, body)
		}
		if people, _ := db.ListPeople(context.Background(), w.scheme.ID, w.tom.ID); len(people) != 196 {
			t.Fatalf("Tom's caseload after the import: %d people, want 196", len(people))
		}
		status, body = admin.upload("/people/import", "caseload.csv", file.String())
		if status != http.StatusOK || !strings.Contains(body, "0 ready to import") || !strings.Contains(body, "195 duplicates") ||
			!strings.Contains(body, "caseload.csv:2: Person 2 has the same phone number as person ") {
			t.Fatalf("the same file again: %d\n%s", status, body)
		}
		if status, body := admin.upload("/people/import", "empty.csv", ""); status != http.StatusBadRequest || !strings.Contains(body, "Choose a CSV file") {
			t.Fatalf("no file: %d", status)
		}
	})
}
