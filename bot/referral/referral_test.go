package referral_test

import (
	"testing"
	"time"

	"github.com/linkbot/linkbot/bot/referral"
)

func TestParsePhone(t *testing.T) {
	for _, c := range []struct{ in, want string }{
		{"07700 900123", "+447700900123"},
		{"+44 7700 900123", "+447700900123"},
		{"(0)7700-900123", "+447700900123"},
		{"020 7946 0018", "+442079460018"},
		{"+1 415 555 2671", "+14155552671"},
		{"+353 85 123 4567", "+353851234567"},
	} {
		got, problem := referral.ParsePhone(c.in)
		if got != c.want || problem != "" {
			t.Errorf("ParsePhone(%q) = %q, %q; want %q", c.in, got, problem, c.want)
		}
	}
	for _, in := range []string{"12345", "", "phone me", "07700 9001", "+44 7700 900123 999"} {
		if got, problem := referral.ParsePhone(in); got != "" || problem == "" {
			t.Errorf("ParsePhone(%q) = %q, %q; want a refusal", in, got, problem)
		}
	}
}

func TestValidNHSNumber(t *testing.T) {
	for _, c := range []struct{ in, want string }{
		{"9434765919", "9434765919"},   // 9×10 + 4×9 + … = 266; 266 mod 11 = 2; 11 − 2 = 9
		{"943 476 5919", "9434765919"}, // written in groups
		{"401-023-2137", "4010232137"},
		{"1000000001", "1000000001"}, // sum 10; 11 − 10 = 1
		{"1000000060", "1000000060"}, // sum 22, remainder 0: check digit 0 (11 → 0)
	} {
		got, ok := referral.ValidNHSNumber(c.in)
		if !ok || got != c.want {
			t.Errorf("ValidNHSNumber(%q) = %q, %v; want %q", c.in, got, ok, c.want)
		}
	}
	for _, in := range []string{
		"9434765918",  // wrong check digit
		"1000000010",  // sum 12, remainder 1: a check digit of 10, so no number is valid
		"1000000019",  // the same, whatever the last digit
		"943476591",   // nine digits
		"94347659190", // eleven
		"94347659A9",  // a letter
		"",
	} {
		if got, ok := referral.ValidNHSNumber(in); ok {
			t.Errorf("ValidNHSNumber(%q) = %q, ok; want refused", in, got)
		}
	}
}

func TestParseTime(t *testing.T) {
	london, _ := time.LoadLocation("Europe/London")
	want := time.Date(2026, 7, 20, 13, 30, 0, 0, time.UTC)
	for _, in := range []string{"2026-07-20T13:30:00Z", "2026-07-20T14:30", "2026-07-20 14:30", "20/07/2026 14:30"} {
		if got, ok := referral.ParseTime(in, london); !ok || !got.Equal(want) {
			t.Errorf("ParseTime(%q) = %v, %v; want %v", in, got, ok, want)
		}
	}
	if _, ok := referral.ParseTime("07/20/2026", london); ok {
		t.Error("an American date was read")
	}
}
