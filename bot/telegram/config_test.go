package telegram_test

import (
	"strings"
	"testing"

	"github.com/linkbot/linkbot/bot/telegram"
)

func TestConfigFromEnv(t *testing.T) {
	const token = "123456789:AAsecretSECRETsecretSECRETsecret_x"
	tests := []struct {
		name        string
		env         map[string]string
		wantEnabled bool
		wantPolling bool
		wantErr     []string
	}{
		{name: "nothing set: Telegram is off", env: map[string]string{"LINKBOT_PUBLIC_URL": "https://x.org"}},
		{name: "webhook mode", wantEnabled: true, env: map[string]string{
			"TELEGRAM_BOT_TOKEN": token, "TELEGRAM_WEBHOOK_SECRET": "abc_DEF-123", "LINKBOT_PUBLIC_URL": "https://linkbot.example.org/"}},
		{name: "no public URL: long polling", wantEnabled: true, wantPolling: true,
			env: map[string]string{"TELEGRAM_BOT_TOKEN": token}},
		{name: "webhook mode without a secret", wantEnabled: true,
			env:     map[string]string{"TELEGRAM_BOT_TOKEN": token, "LINKBOT_PUBLIC_URL": "https://linkbot.example.org"},
			wantErr: []string{"TELEGRAM_WEBHOOK_SECRET is not set"}},
		{name: "a secret Telegram would refuse", wantEnabled: true,
			env: map[string]string{"TELEGRAM_BOT_TOKEN": token, "TELEGRAM_WEBHOOK_SECRET": "has spaces!",
				"LINKBOT_PUBLIC_URL": "https://linkbot.example.org"},
			wantErr: []string{"TELEGRAM_WEBHOOK_SECRET must be"}},
		{name: "plain http webhooks are refused by Telegram", wantEnabled: true,
			env: map[string]string{"TELEGRAM_BOT_TOKEN": token, "TELEGRAM_WEBHOOK_SECRET": "abc",
				"LINKBOT_PUBLIC_URL": "http://linkbot.example.org"},
			wantErr: []string{"https://"}},
		{name: "a malformed token", wantEnabled: true, env: map[string]string{"TELEGRAM_BOT_TOKEN": "not-a-token"},
			wantErr: []string{"TELEGRAM_BOT_TOKEN must look like"}},
		{name: "a secret without a token", wantEnabled: true, env: map[string]string{"TELEGRAM_WEBHOOK_SECRET": "abc"},
			wantErr: []string{"TELEGRAM_BOT_TOKEN is not set"}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			cfg, enabled, err := telegram.ConfigFromEnv(func(k string) string { return tt.env[k] })

			if enabled != tt.wantEnabled {
				t.Fatalf("enabled = %v, want %v", enabled, tt.wantEnabled)
			}
			if len(tt.wantErr) == 0 {
				if err != nil {
					t.Fatalf("unexpected error: %v", err)
				}
				if enabled && cfg.Polling() != tt.wantPolling {
					t.Fatalf("Polling() = %v, want %v", cfg.Polling(), tt.wantPolling)
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
			if strings.Contains(err.Error(), "AAsecret") {
				t.Errorf("error %q shows the token", err)
			}
		})
	}
}
