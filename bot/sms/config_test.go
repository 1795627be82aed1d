package sms_test

import (
	"strings"
	"testing"

	"github.com/linkbot/linkbot/bot/sms"
)

func TestConfigFromEnv(t *testing.T) {
	const (
		sid   = "AC0123456789abcdef0123456789abcdef"
		token = "s3cr3tT0kenValue0123456789abcdef"
	)
	valid := map[string]string{
		"TWILIO_ACCOUNT_SID": sid,
		"TWILIO_AUTH_TOKEN":  token,
		"TWILIO_FROM":        "+447700900001",
		"LINKBOT_PUBLIC_URL": "https://linkbot.example.org/",
	}
	with := func(changes map[string]string) map[string]string {
		env := map[string]string{}
		for k, v := range valid {
			env[k] = v
		}
		for k, v := range changes {
			env[k] = v
		}
		return env
	}
	tests := []struct {
		name        string
		env         map[string]string
		wantEnabled bool
		wantErr     []string // each must appear in the message
	}{
		{name: "nothing set: SMS is off", env: map[string]string{"LINKBOT_PUBLIC_URL": "https://x.org"}},
		{name: "complete settings", env: valid, wantEnabled: true},
		{name: "a messaging service instead of a number", wantEnabled: true,
			env: with(map[string]string{"TWILIO_FROM": "", "TWILIO_MESSAGING_SERVICE_SID": "MG0123456789abcdef0123456789abcdef"})},
		{name: "a fake API", wantEnabled: true, env: with(map[string]string{"TWILIO_API_URL": "http://127.0.0.1:9999"})},
		{name: "account SID too short", wantEnabled: true, env: with(map[string]string{"TWILIO_ACCOUNT_SID": "AC123"}),
			wantErr: []string{"TWILIO_ACCOUNT_SID", "34 characters"}},
		{name: "an API key SID instead of the account SID", wantEnabled: true,
			env:     with(map[string]string{"TWILIO_ACCOUNT_SID": "SK0123456789abcdef0123456789abcdef"}),
			wantErr: []string{"TWILIO_ACCOUNT_SID", `"SK"`}},
		{name: "no auth token", wantEnabled: true, env: with(map[string]string{"TWILIO_AUTH_TOKEN": ""}),
			wantErr: []string{"TWILIO_AUTH_TOKEN is not set"}},
		{name: "a number that is not E.164", wantEnabled: true, env: with(map[string]string{"TWILIO_FROM": "07700 900001"}),
			wantErr: []string{"TWILIO_FROM", "E.164"}},
		{name: "no sender at all", wantEnabled: true, env: with(map[string]string{"TWILIO_FROM": ""}),
			wantErr: []string{"TWILIO_FROM", "TWILIO_MESSAGING_SERVICE_SID"}},
		{name: "no public URL", wantEnabled: true, env: with(map[string]string{"LINKBOT_PUBLIC_URL": ""}),
			wantErr: []string{"LINKBOT_PUBLIC_URL is not set"}},
		{name: "a public URL without scheme", wantEnabled: true, env: with(map[string]string{"LINKBOT_PUBLIC_URL": "linkbot.example.org"}),
			wantErr: []string{"LINKBOT_PUBLIC_URL", "https://"}},
		{name: "only some settings: every problem at once", wantEnabled: true,
			env:     map[string]string{"TWILIO_AUTH_TOKEN": token},
			wantErr: []string{"TWILIO_ACCOUNT_SID is not set", "TWILIO_FROM", "LINKBOT_PUBLIC_URL"}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			cfg, enabled, err := sms.ConfigFromEnv(func(k string) string { return tt.env[k] })

			if enabled != tt.wantEnabled {
				t.Fatalf("enabled = %v, want %v", enabled, tt.wantEnabled)
			}
			if len(tt.wantErr) == 0 {
				if err != nil {
					t.Fatalf("unexpected error: %v", err)
				}
				if enabled && cfg.PublicURL != "https://linkbot.example.org" {
					t.Fatalf("PublicURL = %q, want it without the trailing slash", cfg.PublicURL)
				}
				return
			}
			if err == nil {
				t.Fatalf("no error, want one mentioning %q", tt.wantErr)
			}
			for _, want := range tt.wantErr {
				if !strings.Contains(err.Error(), want) {
					t.Errorf("error %q does not mention %q", err, want)
				}
			}
			if strings.Contains(err.Error(), token) {
				t.Errorf("error %q shows the auth token", err)
			}
		})
	}
}
