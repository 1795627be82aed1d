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
		before := len(mustListPeople(t, db, w.scheme.ID))
		if status != http.StatusOK || !strings.Contains(body, "0 ready to import") || !strings.Contains(body, "195 duplicates") ||
			!strings.Contains(body, "caseload.csv:2: Person 2 has the same phone number as person ") {
			t.Fatalf("the same file again: %d\n%s", status, body)
		}
		if status, body := admin.upload("/people/import", "empty.csv", ""); status != http.StatusBadRequest || !strings.Contains(body, "Choose a CSV file") {
			t.Fatalf("no file: %d", status)
		}

		// A file over the limit: the page again, saying how large it is,
		// not that the form has expired.
		big := "name,phone\n" + strings.Repeat("Someone With A Long Name,07700 900123\n", 3<<20/38)
		status, body = admin.upload("/people/import", "huge.csv", big)
		if status != http.StatusRequestEntityTooLarge || !strings.Contains(body, "the file is 3 MB; the limit is 1 MB") ||
			!strings.Contains(body, `id="file"`) || strings.Contains(body, "expired") {
			t.Fatalf("a 3 MB file: %d\n%s", status, body)
		}
		if people := mustListPeople(t, db, w.scheme.ID); len(people) != before {
			t.Fatalf("a file too large created people: %d, had %d", len(people), before)
		}
		// A link worker who is not an admin still gets 404.
		if status, _ := w.signIn(t, w.tom).upload("/people/import", "huge.csv", big); status != http.StatusNotFound {
			t.Fatalf("a link worker uploading a large file: %d, want 404", status)
		}
	})
}

func mustListPeople(t *testing.T, db *store.DB, schemeID int64) []store.Person {
	t.Helper()
	people, err := db.ListPeople(context.Background(), schemeID, 0)
	if err != nil {
		t.Fatal(err)
	}
	return people
}
