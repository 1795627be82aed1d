package main

import (
	"archive/zip"
	"context"
	"io"
	"path/filepath"
	"strconv"
	"strings"
	"testing"

	"github.com/linkbot/linkbot/store"
	"github.com/linkbot/linkbot/store/storetest"
)

func TestPersonExportWritesTheZipAndIsAudited(t *testing.T) {
	eachDatabaseURL(t, func(t *testing.T, dbURL string) {
		ctx := context.Background()
		db, err := store.Open(ctx, dbURL)
		if err != nil {
			t.Fatal(err)
		}
		defer db.Close()
		if err := db.Migrate(ctx); err != nil {
			t.Fatal(err)
		}
		p := storetest.Person(t, db, func(p *store.Person) { p.Name = "Ann Hughes" })
		storetest.Inbound(t, db, p, func(m *store.Message) { m.Body = "the bus pass came" })
		other := storetest.Person(t, db)
		scheme := strconv.FormatInt(p.SchemeID, 10)

		out := filepath.Join(t.TempDir(), "ann.zip")
		code, _, errOut := runLinkbot(t, "", "person", "export", "--database", dbURL, "--scheme", scheme, "--id", strconv.FormatInt(p.ID, 10), "--out", out)
		if code != 0 || !strings.Contains(errOut, "1 message") {
			t.Fatalf("person export: exit %d\n%s", code, errOut)
		}
		z, err := zip.OpenReader(out)
		if err != nil {
			t.Fatal(err)
		}
		defer z.Close()
		var all strings.Builder
		for _, f := range z.File {
			r, _ := f.Open()
			b, _ := io.ReadAll(r)
			r.Close()
			all.Write(b)
		}
		if !strings.Contains(all.String(), "the bus pass came") || !strings.Contains(all.String(), "Ann Hughes") || len(z.File) != 2 {
			t.Fatalf("the zip lacks the person's message or name:\n%s", all.String())
		}
		audit, err := db.ListAudit(ctx, p.ID)
		if err != nil || len(audit) != 1 || audit[0].Action != "person.exported" || !strings.HasPrefix(audit[0].Actor, "command line: ") {
			t.Fatalf("audit %+v %v: want the export recorded as done from the command line", audit, err)
		}
		if code, _, errOut := runLinkbot(t, "", "person", "export", "--database", dbURL, "--scheme", scheme, "--id", strconv.FormatInt(other.ID+100, 10)); code != 1 || !strings.Contains(errOut, "has no person") {
			t.Fatalf("an unknown person: exit %d %s", code, errOut)
		}
	})
}

func TestServeWarnsWhenTheDatabaseConnectionDoesNotVerifyTheServer(t *testing.T) {
	code, _, errOut := runLinkbot(t, "", "serve", "--database", "postgres://linkbot@db.invalid/linkbot?sslmode=require&connect_timeout=1",
		"--listen", "127.0.0.1:0", "--metrics-listen", "off")
	if code == 0 || !strings.Contains(errOut, "sslmode=verify-full") || !strings.Contains(errOut, `"sslmode":"require"`) {
		t.Fatalf("serve against a remote database with sslmode=require: exit %d, want the warning before the failure:\n%s", code, errOut)
	}
	code, _, errOut = runLinkbot(t, "", "serve", "--database", "postgres://linkbot@db.invalid/linkbot?sslmode=verify-full&connect_timeout=1",
		"--listen", "127.0.0.1:0", "--metrics-listen", "off")
	if code == 0 || strings.Contains(errOut, "does not verify the server") {
		t.Fatalf("serve with sslmode=verify-full warned: exit %d\n%s", code, errOut)
	}
}
