package dialogues

import "strings"

// ParseAnswer reads a person's reply as the answer e expects. It is
// forgiving ("around five", "aye", "8/10") but never guesses: a reply with
// no clear answer, two numbers or a number out of range is refused (ok is
// false).
func ParseAnswer(e *Expect, reply string) (v Value, ok bool) {
	return Value{}, false
}

// normalise lower-cases s and trims spaces and punctuation at its ends.
func normalise(s string) string {
	return strings.Trim(strings.ToLower(strings.TrimSpace(s)), " .!?,;:")
}
