package main

import (
	"bytes"
	"context"
	"log/slog"
	"net/http"
	"net/http/httptest"
	"strings"
	"testing"

	"github.com/linkbot/linkbot/bot/sms"
	"github.com/linkbot/linkbot/bot/sms/smstest"
	"github.com/linkbot/linkbot/nudges"
	"github.com/linkbot/linkbot/store/storetest"
)

func env(vars map[string]string) func(string) string {
	return func(k string) string { return vars[k] }
}

func TestServeWithoutTwilioSettingsSaysSMSIsOffAndCarriesOn(t *testing.T) {
	db := storetest.SQLite(t)
	var logs bytes.Buffer
	ch, err := startChannels(context.Background(), slog.New(slog.NewTextHandler(&logs, nil)), db, newRegistry(), nudges.NewPlanner(), "", env(nil), false)
	if err != nil {
		t.Fatal(err)
	}
	ch.stop()
	if !strings.Contains(logs.String(), "SMS is off") {
		t.Fatalf("logs do not say SMS is off:\n%s", logs.String())
	}
}

func TestServeWithBrokenTwilioSettingsNamesEachProblem(t *testing.T) {
	db := storetest.SQLite(t)
	_, err := startChannels(context.Background(), slog.New(slog.DiscardHandler), db, newRegistry(), nudges.NewPlanner(), "https://linkbot.example",
		env(map[string]string{"TWILIO_ACCOUNT_SID": "AC123", "TWILIO_FROM": "07700 900123"}), false)
	if err == nil {
		t.Fatal("no error")
	}
	for _, want := range []string{"TWILIO_ACCOUNT_SID must be AC followed by 32 hex digits", "TWILIO_AUTH_TOKEN is not set", "TWILIO_FROM must be an E.164 number"} {
		if !strings.Contains(err.Error(), want) {
			t.Errorf("error %q does not say %q", err, want)
		}
	}
}

func TestServeWithTwilioSettingsTakesSignedWebhooks(t *testing.T) {
	db := storetest.SQLite(t)
	fake := smstest.NewServer()
	defer fake.Close()
	mux := http.NewServeMux()
	web := httptest.NewServer(mux)
	defer web.Close()
	ch, err := startChannels(context.Background(), slog.New(slog.DiscardHandler), db, newRegistry(), nudges.NewPlanner(), web.URL, env(map[string]string{
		"TWILIO_ACCOUNT_SID": smstest.AccountSID, "TWILIO_AUTH_TOKEN": smstest.AuthToken,
		"TWILIO_FROM": "+447700900999", "TWILIO_API_URL": fake.URL,
	}), false)
	if err != nil {
		t.Fatal(err)
	}
	defer ch.stop()
	ch.register(mux)
	resp, err := fake.PostWebhook(context.Background(), web.URL+sms.InboundPath, smstest.InboundParams("+447700900111", "+447700900999", "hello"))
	if err != nil {
		t.Fatal(err)
	}
	resp.Body.Close()
	if resp.StatusCode != http.StatusOK {
		t.Fatalf("the inbound webhook answered %d, want 200", resp.StatusCode)
	}
}
