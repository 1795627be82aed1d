package dialogues

import (
	"strings"
	"testing"
)

func TestSegmentsCountGSM7AndUCS2(t *testing.T) {
	for _, c := range []struct {
		name string
		text string
		segs int
		enc  Encoding
	}{
		{"empty", "", 0, GSM7},
		{"160 plain characters fit one", strings.Repeat("a", 160), 1, GSM7},
		{"161 need two of 153", strings.Repeat("a", 161), 2, GSM7},
		{"306 fill two", strings.Repeat("a", 306), 2, GSM7},
		{"307 need three", strings.Repeat("a", 307), 3, GSM7},
		{"£ and é are GSM-7", strings.Repeat("£é", 80), 1, GSM7},
		{"€ counts two septets", strings.Repeat("€", 80), 1, GSM7},
		{"81 € are 162 septets", strings.Repeat("€", 81), 2, GSM7},
		{"an escape is not split across segments", strings.Repeat("a", 152) + "€" + strings.Repeat("a", 10), 2, GSM7},
		{"one emoji makes it UCS-2", strings.Repeat("a", 69) + "🙂", 2, UCS2},
		{"70 UCS-2 units fit one", strings.Repeat("a", 69) + "’", 1, UCS2},
		{"a curly quote makes it UCS-2", "It’s " + strings.Repeat("a", 70), 2, UCS2},
		{"134 UCS-2 fill two", strings.Repeat("’", 134), 2, UCS2},
		{"135 UCS-2 need three", strings.Repeat("’", 135), 3, UCS2},
		{"a surrogate pair is not split", strings.Repeat("a", 66) + "🙂" + strings.Repeat("a", 10), 2, UCS2},
	} {
		segs, enc := Segments(c.text)
		if segs != c.segs || enc != c.enc {
			t.Errorf("%s: got %d %s, want %d %s", c.name, segs, enc, c.segs, c.enc)
		}
	}
}

func TestParseDuration(t *testing.T) {
	for in, want := range map[string]string{"3d": "72h0m0s", "2h": "2h0m0s", "1w": "168h0m0s", "90m": "1h30m0s", "3d 2h": "74h0m0s", "3d2h": "74h0m0s"} {
		d, err := ParseDuration(in)
		if err != nil || d.String() != want {
			t.Errorf("ParseDuration(%q) = %v, %v; want %s", in, d, err, want)
		}
	}
	for _, in := range []string{"", "3", "3 days", "2x", "-1d", "d"} {
		if _, err := ParseDuration(in); err == nil {
			t.Errorf("ParseDuration(%q) should fail", in)
		}
	}
}

func TestPlainGSMReplacesWhatHasAPlainEquivalent(t *testing.T) {
	cases := []struct{ in, want string }{
		{"Thanks – Priya", "Thanks - Priya"},
		{"It\u2019s \u201Cfine\u201D\u2026 see\u00A0you", "It's \"fine\"... see you"},
		{"Plain already", "Plain already"},
		{"Still UCS-2 – 🙂", "Still UCS-2 – 🙂"}, // unchanged: it would cost the same
	}
	for _, c := range cases {
		if got := PlainGSM(c.in); got != c.want {
			t.Errorf("PlainGSM(%q) = %q, want %q", c.in, got, c.want)
		}
	}
	if n, enc := Segments(PlainGSM("A 98-character reply from a link worker, signed as they always sign their texts – Priya")); n != 1 || enc != GSM7 {
		t.Errorf("a signed reply is %d segments %s, want 1 GSM-7", n, enc)
	}
}
