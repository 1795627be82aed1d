package dialogues

import (
	"strings"
	"unicode/utf16"
)

// Encoding is how an SMS is encoded on the air.
type Encoding string

// The SMS encodings.
const (
	GSM7 Encoding = "GSM-7" // 160 characters, 153 a segment when split
	UCS2 Encoding = "UCS-2" // 70 UTF-16 units, 67 a segment when split
)

// gsmBasic is the GSM 03.38 default alphabet (one septet each).
const gsmBasic = "@£$¥èéùìòÇ\nØø\rÅåΔ_ΦΓΛΩΠΨΣΘΞÆæßÉ !\"#¤%&'()*+,-./0123456789:;<=>?" +
	"¡ABCDEFGHIJKLMNOPQRSTUVWXYZÄÖÑÜ§¿abcdefghijklmnopqrstuvwxyzäöñüà"

// gsmExtension holds characters sent as an escape plus one septet.
const gsmExtension = "^{}\\[~]|€\f"

// Segments counts the SMS segments text needs and the encoding it forces.
// One character outside GSM-7 (an emoji, a curly quote) makes the whole
// message UCS-2. Escaped GSM characters and surrogate pairs are never split
// across segments, as phones do not split them.
func Segments(text string) (int, Encoding) {
	if text == "" {
		return 0, GSM7
	}
	var gsm []int // septets per character
	for _, r := range text {
		switch {
		case strings.ContainsRune(gsmBasic, r):
			gsm = append(gsm, 1)
		case strings.ContainsRune(gsmExtension, r):
			gsm = append(gsm, 2)
		default:
			return pack(ucs2Units(text), 70, 67), UCS2
		}
	}
	return pack(gsm, 160, 153), GSM7
}

// ucs2Units returns the UTF-16 units of each character.
func ucs2Units(text string) []int {
	var units []int
	for _, r := range text {
		units = append(units, len(utf16.Encode([]rune{r})))
	}
	return units
}

// pack counts segments for characters of the given sizes: one segment if
// they fit single, else greedy segments of at most per units.
func pack(sizes []int, single, per int) int {
	total := 0
	for _, s := range sizes {
		total += s
	}
	if total <= single {
		return 1
	}
	segs, used := 1, 0
	for _, s := range sizes {
		if used+s > per {
			segs++
			used = 0
		}
		used += s
	}
	return segs
}

// firstNonGSM returns the first character that is not GSM-7, or 0.
func firstNonGSM(text string) rune {
	for _, r := range text {
		if !strings.ContainsRune(gsmBasic, r) && !strings.ContainsRune(gsmExtension, r) {
			return r
		}
	}
	return 0
}

// plainEquivalents are characters outside GSM-7 with a plain GSM-7
// equivalent that reads the same: dashes, curly quotes, the ellipsis and
// the spaces word processors and phones put in.
var plainEquivalents = strings.NewReplacer(
	"\u2010", "-", "\u2011", "-", "\u2012", "-", "\u2013", "-", "\u2014", "-", "\u2015", "-", "\u2212", "-",
	"\u2018", "'", "\u2019", "'", "\u201A", "'", "\u201B", "'", "\u2032", "'",
	"\u201C", "\"", "\u201D", "\"", "\u201E", "\"", "\u201F", "\"", "\u2033", "\"",
	"\u2026", "...",
	"\u00A0", " ", "\u2002", " ", "\u2003", " ", "\u2007", " ", "\u2009", " ", "\u200A", " ", "\u202F", " ",
	"\u200B", "", "\u2060", "", "\uFEFF", "",
	"\u2022", "-",
)

// PlainGSM returns text with each character that has a plain GSM-7
// equivalent (dashes, curly quotes, ellipsis, non-breaking and thin spaces)
// replaced by it, when that makes the whole text GSM-7: a text that stays
// UCS-2 anyway (an emoji, a name in another script) is returned unchanged,
// as it costs the same and reads better.
func PlainGSM(text string) string {
	if firstNonGSM(text) == 0 {
		return text
	}
	plain := plainEquivalents.Replace(text)
	if firstNonGSM(plain) != 0 {
		return text
	}
	return plain
}
