package dialogues

import (
	"fmt"
	"math"
	"regexp"
	"strconv"
	"strings"
)

// ParseAnswer reads a person's reply as the answer e expects. It is
// forgiving ("around five", "aye", "8/10") but never guesses: a reply with
// no clear answer, two numbers, a negative or a number out of range is
// refused (ok is false), and the caller asks again with e.Hint().
func ParseAnswer(e *Expect, reply string) (v Value, ok bool) {
	text := normalise(reply)
	if text == "" {
		return Value{}, false
	}
	switch e.Kind {
	case AnswerScale:
		return parseScale(e, text)
	case AnswerNumber:
		return parseNumber(e, text)
	case AnswerYesNo:
		if strings.Contains(reply, "?") { // "yes?" is a question, not an answer
			return Value{}, false
		}
		return parseYesNo(text)
	case AnswerChoice:
		return parseChoice(e, text)
	case AnswerText:
		return Value{Kind: AnswerText, Text: strings.TrimSpace(reply)}, true
	}
	return Value{}, false
}

// Hint is the short reminder of what the question expects, sent when a
// reply was not understood.
func (e *Expect) Hint() string {
	switch e.Kind {
	case AnswerScale:
		lo, hi := fmt.Sprint(e.Min), fmt.Sprint(e.Max)
		if a, ok := e.Anchors[e.Min]; ok {
			lo += " (" + a + ")"
		}
		if a, ok := e.Anchors[e.Max]; ok {
			hi += " (" + a + ")"
		}
		return "Please reply with a number from " + lo + " to " + hi + "."
	case AnswerYesNo:
		return "Please reply YES or NO."
	case AnswerChoice:
		codes := make([]string, len(e.Options))
		for i, o := range e.Options {
			codes[i] = o.Code
		}
		if len(codes) < 2 {
			return "Please reply " + strings.Join(codes, "") + "."
		}
		return "Please reply " + strings.Join(codes[:len(codes)-1], ", ") + " or " + codes[len(codes)-1] + "."
	case AnswerNumber:
		if e.NumberMin != nil {
			return fmt.Sprintf("Please reply with a number from %g to %g.", *e.NumberMin, *e.NumberMax)
		}
		return "Please reply with a number."
	}
	return "Please reply in a few words."
}

// normalise lower-cases s, straightens quotes, drops emoji variation marks
// and keycaps, collapses spaces and trims punctuation at the ends.
var normaliser = strings.NewReplacer(
	"\u2018", "'", "\u2019", "'", "\u201c", `"`, "\u201d", `"`, "\u00a0", " ",
	"\ufe0f", "", "\u20e3", "", "\u200d", "",
)

func normalise(s string) string {
	s = strings.ToLower(normaliser.Replace(s))
	s = strings.Join(strings.Fields(s), " ")
	return strings.Trim(s, " .!?,;:~*\"'()")
}

// numberWords are the words read as numbers.
var numberWords = map[string]int{
	"zero": 0, "nil": 0, "none": 0, "nought": 0, "nowt": 0,
	"one": 1, "two": 2, "three": 3, "four": 4, "five": 5, "six": 6, "seven": 7,
	"eight": 8, "nine": 9, "ten": 10, "eleven": 11, "twelve": 12, "thirteen": 13,
	"fourteen": 14, "fifteen": 15, "sixteen": 16, "seventeen": 17, "eighteen": 18,
	"nineteen": 19, "twenty": 20,
}

var (
	wordToken = regexp.MustCompile(`[a-z]+`)
	// fraction is "8/10", "8 out of 10", "8 outta 10".
	fraction = regexp.MustCompile(`(\d+(?:\.\d+)?)\s*(?:/|out of|outta)\s*(\d+(?:\.\d+)?)`)
	// negative is "-2", "minus 2", "negative 2".
	negative = regexp.MustCompile(`(?:^|[\s(])[-−]\d|^[-−]\s*\d|\b(?:minus|negative)\b`)
	// numberToken finds numbers once words are digits.
	numberToken = regexp.MustCompile(`\d+(?:\.\d+)?`)
	// notBefore is "not" or "isn't" just before a number: "not a 5".
	notBefore = regexp.MustCompile(`\b(?:not|isn't|wasn't|never)\s+(?:a\s+|even\s+(?:a\s+)?)?\d`)
)

// digitsFor replaces number words with digits: "around five" → "around 5".
func digitsFor(text string) string {
	if !strings.ContainsFunc(text, func(r rune) bool { return r >= 'a' && r <= 'z' }) {
		return text
	}
	return wordToken.ReplaceAllStringFunc(text, func(w string) string {
		if n, ok := numberWords[w]; ok {
			return strconv.Itoa(n)
		}
		return w
	})
}

// oneNumber finds the single number in text, refusing negatives, two
// numbers and negated numbers. A fraction's denominator must equal max,
// when given ("5 out of 10" on a 0–10 scale).
func oneNumber(text string, max *float64) (float64, bool) {
	// The cheap tests first: most replies hold none of these words.
	if strings.ContainsAny(text, "-−") || strings.Contains(text, "minus") || strings.Contains(text, "negative") {
		if negative.MatchString(text) {
			return 0, false
		}
	}
	text = digitsFor(text)
	if strings.Contains(text, "/") || strings.Contains(text, "out") {
		if m := fraction.FindStringSubmatch(text); m != nil {
			den, _ := strconv.ParseFloat(m[2], 64)
			if max == nil || den != *max {
				return 0, false
			}
			text = strings.Replace(text, m[0], m[1], 1)
		}
	}
	if strings.Contains(text, "n't") || strings.Contains(text, "not") || strings.Contains(text, "never") {
		if notBefore.MatchString(text) {
			return 0, false
		}
	}
	nums := numberToken.FindAllString(text, 3)
	if len(nums) != 1 {
		return 0, false
	}
	v, err := strconv.ParseFloat(nums[0], 64)
	if err != nil || math.IsInf(v, 0) {
		return 0, false
	}
	return v, true
}

func parseScale(e *Expect, text string) (Value, bool) {
	for pt, a := range e.Anchors {
		if normalise(a) == text {
			return Value{Kind: AnswerScale, Number: float64(pt)}, true
		}
	}
	max := float64(e.Max)
	v, ok := oneNumber(text, &max)
	if !ok || v != math.Trunc(v) || v < float64(e.Min) || v > float64(e.Max) {
		return Value{}, false
	}
	return Value{Kind: AnswerScale, Number: v}, true
}

func parseNumber(e *Expect, text string) (Value, bool) {
	v, ok := oneNumber(text, nil)
	if !ok {
		return Value{}, false
	}
	if e.NumberMin != nil && (v < *e.NumberMin || v > *e.NumberMax) {
		return Value{}, false
	}
	return Value{Kind: AnswerNumber, Number: v}, true
}

// Yes/no tables. A reply is yes when it is one of yesPhrases, or starts
// with one of them followed only by more yes or politeness; likewise no.
// A reply that mixes the two, or hedges ("not sure", "maybe"), is refused.
var (
	yesPhrases = phrases(
		"yes", "y", "yeah", "yea", "yeh", "yep", "yup", "ya", "yah", "yas", "yess", "yesss", "aye", "ok", "okay", "k", "kk",
		"sure", "definitely", "certainly", "absolutely", "of course", "course", "please", "yes please",
		"go on", "go on then", "alright", "all right", "righto", "right oh", "sounds good", "that would be great",
		"that would be lovely", "lovely", "great", "i would", "i'd like that", "i would like that", "i'd love that",
		"i did", "did", "i went", "went", "i will", "will do", "yes i did", "yes i went", "correct", "why not",
		"go for it", "deffo", "defo", "def", "indeed", "i do", "ye", "yes ta", "can't wait", "cant wait",
		"i'd love to", "i would love to", "i'd like to", "i would like to", "love to", "please do", "that'd be great",
		"that would be nice", "that'd be lovely", "i'd love that", "would love to", "yes please do",
		"👍", "✅", "✔", "👌", "🙋", "🆗",
	)
	noPhrases = phrases(
		"no", "n", "nope", "nah", "naw", "na", "no thanks", "no thank you", "no ta", "nah ta", "no cheers",
		"not really", "not today", "not now", "not this time", "not at the moment", "not right now", "not for me",
		"not yet", "not this week", "never", "no way", "i didn't", "didn't", "didnt", "i did not", "did not",
		"i don't", "don't", "dont", "i do not", "i won't", "won't", "wont", "i'd rather not", "rather not",
		"i couldn't", "couldn't", "couldnt", "i couldn't go", "i didn't go", "no i didn't", "no i couldn't",
		"not interested", "no not really", "leave it", "nope not today", "noo", "nooo",
		"❌", "👎", "✖", "🚫", "❎",
	)
	// politeness may follow an answer without changing it.
	politeness = phrases("thanks", "thank you", "ta", "cheers", "please", "mate", "love", "x", "xx", "xxx",
		"then", "thanks love", "ta love", "pet", "hun", "duck", "thank you very much", "many thanks", "lol",
		"😊", "🙂", "😀", "🙏", "❤",
		"i'm ok", "i'm okay", "i'm fine", "i'm alright", "im ok", "im fine", "i am ok", "i am fine", "i'm good")
	// fillers may come before the answer.
	fillers = phrases("oh", "um", "umm", "erm", "er", "well", "ah", "hi", "hiya", "hello", "hey", "morning", "ooh", "oooh")
	// negations after a yes, and affirmations after a no, make it unclear.
	negations = phrases("no", "not", "nope", "nah", "don't", "dont", "can't", "cant", "cannot", "won't", "wont",
		"never", "didn't", "didnt", "couldn't", "couldnt", "isn't", "wasn't", "wouldn't", "shouldn't", "👎", "❌")
	affirmations = phrases("yes", "yeah", "yep", "yup", "aye", "sure", "definitely", "absolutely", "👍", "✅")
	// hedges make a yes or no unsure.
	hedges = regexp.MustCompile(`\b(not sure|unsure|maybe|perhaps|might|possibly|dunno|don't know|depends|but|yes and no|no problem|no worries|not bad|probably)\b`)
)

func phrases(ps ...string) map[string]bool {
	m := make(map[string]bool, len(ps))
	for _, p := range ps {
		m[p] = true
	}
	return m
}

// clauses splits a reply into clauses at punctuation and emoji boundaries:
// "yes please, that would be lovely!" → "yes please", "that would be lovely".
var clauseBreak = regexp.MustCompile(`\s*[,.!;:\-–—]+\s*|\s+`)

func parseYesNo(text string) (Value, bool) {
	if hedges.MatchString(text) {
		return Value{}, false
	}
	if yesPhrases[text] {
		return Value{Kind: AnswerYesNo, Yes: true}, true
	}
	if noPhrases[text] {
		return Value{Kind: AnswerYesNo, Yes: false}, true
	}
	// Otherwise the reply must start (after a greeting or filler) with a
	// yes or a no, and may say more, but nothing of the opposite.
	words := strings.Fields(strings.Join(clauseBreak.Split(splitEmoji(text), -1), " "))
	for len(words) > 0 && fillers[words[0]] {
		words = words[1:]
	}
	n, lead := longestPhrase(words)
	if lead != "yes" && lead != "no" {
		return Value{}, false
	}
	for i := n; i < len(words); {
		m, kind := longestPhrase(words[i:])
		if m == 0 {
			if lead == "yes" && negations[words[i]] || lead == "no" && affirmations[words[i]] {
				return Value{}, false
			}
			i++
			continue
		}
		if (kind == "yes" || kind == "no") && kind != lead {
			return Value{}, false
		}
		i += m
	}
	return Value{Kind: AnswerYesNo, Yes: lead == "yes"}, true
}

// longestPhrase returns how many words at the start of ws form the longest
// yes, no or politeness phrase, and which it is.
func longestPhrase(ws []string) (int, string) {
	for n := min(len(ws), 5); n > 0; n-- {
		p := strings.Join(ws[:n], " ")
		switch {
		case yesPhrases[p]:
			return n, "yes"
		case noPhrases[p]:
			return n, "no"
		case politeness[p]:
			return n, "polite"
		}
	}
	return 0, ""
}

// splitEmoji puts spaces around non-letter symbols so "yes👍" reads as two words.
func splitEmoji(s string) string {
	var b strings.Builder
	for _, r := range s {
		if r > 0x2000 {
			b.WriteByte(' ')
			b.WriteRune(r)
			b.WriteByte(' ')
			continue
		}
		b.WriteRune(r)
	}
	return b.String()
}

var wordsOf = regexp.MustCompile(`[\p{L}\p{N}']+`)

func parseChoice(e *Expect, text string) (Value, bool) {
	words := wordsOf.FindAllString(text, -1)
	if len(words) == 0 {
		return Value{}, false
	}
	// The reply code, or the option's number, alone or with politeness.
	rest := strings.Join(words[1:], " ")
	if rest == "" || politeness[rest] {
		for _, o := range e.Options {
			if strings.EqualFold(o.Code, words[0]) {
				return Value{Kind: AnswerChoice, Choice: o.Code}, true
			}
		}
		if n, err := strconv.Atoi(digitsFor(words[0])); err == nil && n >= 1 && n <= len(e.Options) && !numericCodes(e) {
			return Value{Kind: AnswerChoice, Choice: e.Options[n-1].Code}, true
		}
	}
	// The option's words, anywhere in the reply; one option only.
	padded := " " + strings.Join(words, " ") + " "
	found := ""
	for _, o := range e.Options {
		for _, w := range o.Words {
			ww := strings.Join(wordsOf.FindAllString(normalise(w), -1), " ")
			if ww != "" && strings.Contains(padded, " "+ww+" ") {
				if found != "" && found != o.Code {
					return Value{}, false
				}
				found = o.Code
			}
		}
	}
	if found == "" {
		return Value{}, false
	}
	return Value{Kind: AnswerChoice, Choice: found}, true
}

// numericCodes reports whether any option code is a number, in which case
// a number reply means that code and never an option's position.
func numericCodes(e *Expect) bool {
	for _, o := range e.Options {
		if _, err := strconv.Atoi(o.Code); err == nil {
			return true
		}
	}
	return false
}
