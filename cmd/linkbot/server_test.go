package main

import (
	"io"
	"net/http"
	"net/http/httptest"
	"strings"
	"testing"

	"github.com/linkbot/linkbot/store/storetest"
)

func TestReadyzSaysNotReadyWhenTheSchemaIsMissing(t *testing.T) {
	db := storetest.Open(t, storetest.SQLiteURL(t)) // opened, never migrated
	srv := httptest.NewServer(newHandler(db, newRegistry()))
	defer srv.Close()
	if code, _ := get(t, srv.URL+"/healthz"); code != http.StatusOK {
		t.Errorf("/healthz: %d, want 200 while the process is up", code)
	}
	code, body := get(t, srv.URL+"/readyz")
	if code != http.StatusServiceUnavailable || !strings.Contains(body, "not ready") {
		t.Errorf("/readyz on an unmigrated database: %d %q", code, body)
	}
}

func TestMetricsCountRequestsByRouteNotByPath(t *testing.T) {
	db := storetest.SQLite(t)
	srv := httptest.NewServer(newHandler(db, newRegistry()))
	defer srv.Close()
	get(t, srv.URL+"/healthz")
	get(t, srv.URL+"/no/such/page/+447700900123")
	resp, err := http.Get(srv.URL + "/metrics")
	if err != nil {
		t.Fatal(err)
	}
	defer resp.Body.Close()
	body, _ := io.ReadAll(resp.Body)
	text := string(body)
	for _, want := range []string{
		`linkbot_http_requests_total{code="200",route="GET /healthz"} 1`,
		`linkbot_http_requests_total{code="404",route="unmatched"} 1`,
		"go_goroutines",
	} {
		if !strings.Contains(text, want) {
			t.Errorf("/metrics lacks %q", want)
		}
	}
	if strings.Contains(text, "447700900123") {
		t.Error("/metrics carries a path with a phone number in it")
	}
}
