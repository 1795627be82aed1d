package bot

import (
	"fmt"
	"slices"
	"strings"
	"unicode"
)

// Keyword is a request about the messages themselves, answered before
// anything else a message could mean.
type Keyword string

// The keywords.
const (
	NoKeyword Keyword = ""
	// KeywordStop: no more messages (STOP, STOPALL, UNSUBSCRIBE, CANCEL,
	// END, QUIT, REVOKE, OPTOUT, Welsh STOPIO, DIWEDD, DAD-DANYSGRIFIO, or
	// a plain request such as "please stop texting me", "don't text me
	// anymore", "opt me out"). A bare CANCEL is also a KeywordStop, but may
	// mean "cancel this appointment": see IsCancelWord.
	KeywordStop Keyword = "stop"
	// KeywordStart: messages again (START, UNSTOP, Welsh DECHRAU,
	// AILDDECHRAU).
	KeywordStart Keyword = "start"
	// KeywordHelp: who is texting and how to reach the link worker (HELP,
	// INFO, Welsh CYMORTH).
	KeywordHelp Keyword = "help"
)

// How a message is read
//
// Text is lower-cased, curly apostrophes straightened, emoji and other
// symbols dropped, and text-speak and contractions written out
// (spellings): "pls" is "please", "txt" is "text", "don't" and "dont" are
// "do not". Sentence punctuation (. , ! ? ; :) ends a clause.
//
//  1. Whole message: the words (clauses ignored) are looked up in
//     wholeMessage. "stop" alone is a request, "I can't stop crying" is
//     not.
//  2. Relaxed whole message, for STOP, START and CANCEL words only: the same
//     after courtesy words at either end ("please", "thanks", "x") are
//     dropped and a repeated word is read once, so "Stop pls", "STOP STOP"
//     and "thank you, unsubscribe" count. HELP is never relaxed: "help
//     please" and "HELP HELP" may be a cry for help, and go to triage and
//     the link worker as they are.
//  3. Phrases (stopPhrases) that count anywhere in a message, unless the
//     words before them in the same clause turn them around (turnedAround:
//     "don't stop the texts", "tell him to stop texting me", "my ex won't
//     stop messaging me") or a time follows them (timing: "no more texts
//     after 8pm" asks for fewer messages, not none; the link worker sees it).
//     A phrase ending in "$" counts only at the end of the message (courtesy
//     words may follow): "don't text me" is a stop, "don't text me, call me
//     instead" is not.
//
// Phrases are about the messages themselves, never about how the person
// feels: "stop it, I've had enough of everything" is not a request to stop
// the messages. A message that may show risk is triage's to find, and
// triage runs before keywords are acted on; a person who may be at risk is
// better kept in touch, and every message reaches the link worker anyway.
//
// Welsh: STOPIO (stop), DIWEDD (end), DAD-DANYSGRIFIO (unsubscribe),
// GADAEL (leave), CANSLO (cancel); DECHRAU (start), AILDDECHRAU (start
// again); CYMORTH (help; HELP is used in Welsh as well). These are the
// everyday Welsh words for the English keywords; the phone networks and
// Twilio do not act on them, so Linkbot must.

// wholeMessage are the keywords and phrases that count only as the whole
// message, written as read (see spellings).
var wholeMessage = map[string]Keyword{
	"stop": KeywordStop, "stopall": KeywordStop, "stop all": KeywordStop, "unsubscribe": KeywordStop,
	"cancel": KeywordStop, "end": KeywordStop, "quit": KeywordStop, "revoke": KeywordStop,
	"optout": KeywordStop, "opt out": KeywordStop, "opt me out": KeywordStop,
	"stop now": KeywordStop, "just stop": KeywordStop, "stop everything": KeywordStop,
	"no more texts": KeywordStop, "no more messages": KeywordStop,
	"stop texts": KeywordStop, "stop messages": KeywordStop, "stop sms": KeywordStop,
	"stop the texts": KeywordStop, "stop the messages": KeywordStop, "stop all texts": KeywordStop,
	"stop all messages": KeywordStop, "stop texting": KeywordStop, "stop messaging": KeywordStop,
	"remove me": KeywordStop, "cancel all": KeywordStop, "cancel everything": KeywordStop,
	"cancel texts": KeywordStop, "cancel messages": KeywordStop, "cancel the texts": KeywordStop,
	"cancel the messages": KeywordStop, "cancel all texts": KeywordStop, "cancel all messages": KeywordStop,
	"end texts": KeywordStop, "end messages": KeywordStop,
	// Welsh
	"stopio": KeywordStop, "diwedd": KeywordStop, "dad danysgrifio": KeywordStop,
	"daddanysgrifio": KeywordStop, "gadael": KeywordStop, "canslo": KeywordStop,
	"stopio popeth": KeywordStop, "stopio pob un": KeywordStop,
	"dim mwy o negeseuon": KeywordStop, "dim mwy o decstiau": KeywordStop,

	"start": KeywordStart, "unstop": KeywordStart,
	"dechrau": KeywordStart, "ailddechrau": KeywordStart,

	"help": KeywordHelp, "info": KeywordHelp, "cymorth": KeywordHelp,
}

// cancelWords are the whole messages that ask to cancel without saying
// what: in reply to a contact reminder they mean that contact, otherwise
// all messages (IsCancelWord).
var cancelWords = map[string]bool{"cancel": true, "canslo": true}

// courtesy words may stand before or after a STOP, START or CANCEL word
// (relaxed whole message) and after a phrase ending in "$". "now" and
// "just" are not here: "end now" and "just end" are not the carriers' END.
var courtesy = map[string]bool{
	"please": true, "thanks": true, "ta": true,
	"cheers": true, "x": true, "xx": true, "xxx": true, "ok": true, "okay": true,
	"sorry": true, "diolch": true, "plis": true, "bye": true,
}

// spellings writes out text-speak and contractions as the phrases are
// written; a value of several words replaces one.
var spellings = map[string]string{
	"pls": "please", "plz": "please", "plse": "please", "plez": "please", "pleas": "please",
	"pleeze": "please", "thx": "thanks", "thanx": "thanks",
	"thanku": "thanks", "ty": "thanks", "thankyou": "thanks",
	"txt": "text", "txts": "texts", "txting": "texting", "msg": "message", "msgs": "messages",
	"messgaes": "messages", "mesages": "messages", "msging": "messaging", "sms": "sms",
	"u": "you", "ya": "you", "ur": "your", "yr": "your", "wanna": "want to", "anymore": "any more",
	"unsub": "unsubscribe", "optout": "opt out", "stopp": "stop",
	"don't": "do not", "dont": "do not", "won't": "will not", "wont": "will not",
	"can't": "cannot", "cant": "cannot", "didn't": "did not", "didnt": "did not",
	"doesn't": "does not", "doesnt": "does not", "wouldn't": "would not", "wouldnt": "would not",
	"couldn't": "could not", "couldnt": "could not", "isn't": "is not", "isnt": "is not",
	"i'm": "i am", "im": "i am", "i'll": "i will", "i'd": "i would",
	"he'll": "he will", "she'll": "she will", "they'll": "they will",
	"he'd": "he would", "she'd": "she would", "they'd": "they would",
	"he's": "he is", "she's": "she is", "they're": "they are",
}

// stopPhrases are plain requests to stop the messages that count wherever
// they appear in a message, unless turned around. Syntax: "a|b" is one of
// the words, "[a]" is a word that may be left out, "_" joins words into one
// alternative, "$" last means at the end of the message.
var stopPhrases = []string{
	"stop texting|messaging|contacting|txting|emailing|ringing me",
	"stop texting|messaging $",
	"stop sending [me] [any] [more] [of] [the|these|your|those|all] texts|messages|reminders",
	"stop sending me these|this|them",
	"stop the|these|your|all|those texts|messages|reminders|check_ins|nudges",
	"stop [all] texts|messages|reminders $",
	"stop bothering|pestering me $",
	"no more texts|messages|reminders|check_ins",
	"do_not|never text|message|contact me any_more|again|ever",
	"do_not|never text|message|contact me $",
	"do not ever text|message|contact me",
	"can|could|will you not text|message|contact me",
	"do not send me any_more|anything|texts|messages",
	"do not want|need [any] [more] [of] [the|these|your|those] texts|messages|reminders",
	"do not want to get|receive|be_getting [any] [more] [the|these|your] texts|messages|reminders",
	"no longer want|need [to] [get|receive] [the|these|your|any] texts|messages|reminders",
	"leave|take me off your|the list|texts|messages|system|list_please",
	"take my number off",
	"remove me from your|the|this list|texts|messages|system",
	"remove|delete my number",
	"unsubscribe",
	"opt me out $",
	"opt me out of|from [the|these|your|all|those] texts|messages|reminders|this|it|everything",
	"opt out $",
	"opt out of|from [the|these|your|all|those] texts|messages|reminders",
	"dad danysgrifio",
}

// turnedAround are word runs which, ending right before a stop phrase in the
// same clause, turn it into something else: a negation ("don't stop the
// texts"), a condition ("if you stop texting me"), the writer's own texting
// ("I'll stop texting now") or someone else's ("tell him to stop texting
// me", "my ex won't stop messaging me" — harassment is for the link worker
// to see, not a reason to stop the person's own messages).
var turnedAround = []string{
	"not", "never", "not ever", "why", "did|have you", "why did|have you",
	"not want|need|ask [you] [to]", "never want|need [you] [to]",
	"if|when|unless|before|until [you]",
	"i will|would|should|could|must|might|better", "i am going to", "i had better",
	"him|her|them|he|she|they|someone|somebody|people|ex|everyone|anyone [to]",
	"him|her|them|he|she|they|someone|somebody|people|ex would|will|to|could|should|cannot|keeps",
	"make|get|tell|ask|asked|told him|her|them|someone|somebody|people|my_ex [to]",
}

// timing after a stop phrase makes it a request about when, not whether:
// "no more texts after 8pm", "stop texting me so early".
var timing = []string{
	"after|before|during|until|til|till|early|late|every|twice|weekends|today|tonight|tomorrow|while|when",
	"so|as early|late|much|often", "at night|weekends|work|#", "at the weekend|weekends",
	"on weekends|saturdays|sundays|mondays|tuesdays|wednesdays|thursdays|fridays|a_saturday|a_sunday|my_day_off",
	"in the morning|mornings|evening|evenings|night|day|daytime",
	"this week|weekend|month|early|late",
}

// rules are the compiled stopPhrases, turnedAround and timing.
var rules = mustCompileKeywordRules()

type phraseRule struct {
	words   []string
	atEnd   bool
	pattern string
}

type keywordRules struct {
	phrases map[string][]phraseRule // by first word, so a message is read once
	around  [][]string
	timing  [][]string
}

func mustCompileKeywordRules() keywordRules {
	r := keywordRules{phrases: map[string][]phraseRule{}}
	for _, p := range stopPhrases {
		atEnd := strings.HasSuffix(p, " $")
		for _, run := range expandWords(strings.TrimSuffix(p, " $")) {
			r.phrases[run[0]] = append(r.phrases[run[0]], phraseRule{words: run, atEnd: atEnd, pattern: p})
		}
	}
	for _, p := range turnedAround {
		r.around = append(r.around, expandWords(p)...)
	}
	for _, p := range timing {
		r.timing = append(r.timing, expandWords(p)...)
	}
	return r
}

// expandWords turns "a|b [c] d" into every word run it stands for; "_"
// joins words into one alternative.
func expandWords(pattern string) [][]string {
	runs := [][]string{nil}
	for _, tok := range strings.Fields(pattern) {
		optional := strings.HasPrefix(tok, "[") && strings.HasSuffix(tok, "]")
		tok = strings.Trim(tok, "[]")
		var next [][]string
		for _, run := range runs {
			if optional {
				next = append(next, run)
			}
			for _, alt := range strings.Split(tok, "|") {
				if alt == "" {
					panic(fmt.Sprintf("keywords: empty alternative in %q", pattern))
				}
				next = append(next, append(slices.Clone(run), strings.Split(alt, "_")...))
			}
		}
		runs = next
	}
	return runs
}

// clauseEnd stands for sentence punctuation among the words of a message.
const clauseEnd = "|"

// KeywordOf returns the keyword text is, or NoKeyword.
func KeywordOf(text string) Keyword {
	toks := readWords(text)
	words := withoutClauseEnds(toks)
	if len(words) == 0 {
		return NoKeyword
	}
	if k, ok := wholeMessage[strings.Join(words, " ")]; ok {
		return k
	}
	if k, ok := wholeMessage[relaxed(words)]; ok && k != KeywordHelp {
		return k
	}
	if rules.stopPhraseIn(toks) {
		return KeywordStop
	}
	return NoKeyword
}

// bareKeyword reports whether text is a keyword and nothing more ("HELP",
// "stop please"), leaving no room for anything else it could mean.
func bareKeyword(text string) bool {
	words := withoutClauseEnds(readWords(text))
	if len(words) == 0 {
		return false
	}
	if _, ok := wholeMessage[strings.Join(words, " ")]; ok {
		return true
	}
	k, ok := wholeMessage[relaxed(words)]
	return ok && k != KeywordHelp
}

// IsCancelWord reports whether text is a bare CANCEL ("cancel", "Cancel
// pls", "CANCEL CANCEL", Welsh "canslo"): KeywordOf says KeywordStop for
// it, but in reply to a contact reminder it asks to cancel that contact,
// not every message. The caller decides which, from what the person was
// last asked: when a contact reminder is waiting for an answer, cancel that
// contact and tell the person how to stop all messages (reply STOP);
// otherwise act on it as STOP. Whenever IsCancelWord(text) is true,
// KeywordOf(text) is KeywordStop; "cancel Tuesday" and "cancel all" are
// not cancel words ("cancel all" is a STOP).
func IsCancelWord(text string) bool {
	words := withoutClauseEnds(readWords(text))
	return len(words) > 0 && cancelWords[relaxed(words)]
}

// relaxed returns words without courtesy words at either end and with each
// repeated word read once, joined by spaces.
func relaxed(words []string) string {
	for {
		switch {
		case len(words) > 0 && courtesy[words[0]]:
			words = words[1:]
		case len(words) > 0 && courtesy[words[len(words)-1]]:
			words = words[:len(words)-1]
		case len(words) > 1 && words[0] == "thank" && words[1] == "you":
			words = words[2:]
		case len(words) > 1 && words[len(words)-2] == "thank" && words[len(words)-1] == "you":
			words = words[:len(words)-2]
		default:
			return strings.Join(slices.Compact(slices.Clone(words)), " ")
		}
	}
}

// stopPhraseIn reports whether a stop phrase that is not turned around
// appears in toks.
func (r keywordRules) stopPhraseIn(toks []string) bool {
	for i := range toks {
		for _, p := range r.phrases[toks[i]] {
			if i+len(p.words) > len(toks) || !slices.Equal(toks[i:i+len(p.words)], p.words) {
				continue
			}
			rest := toks[i+len(p.words):]
			if p.atEnd && !onlyCourtesy(rest) {
				continue
			}
			if r.isTurnedAround(toks[:i]) || r.isTimed(rest) {
				continue
			}
			return true
		}
	}
	return false
}

// isTurnedAround reports whether a turnedAround run ends the clause
// before a phrase; "please" and "just" right before the phrase are skipped
// ("don't please stop", "never just stop").
func (r keywordRules) isTurnedAround(before []string) bool {
	for k := len(before) - 1; k >= 0; k-- {
		if before[k] == clauseEnd {
			before = before[k+1:]
			break
		}
	}
	for len(before) > 0 && (before[len(before)-1] == "please" || before[len(before)-1] == "just") {
		before = before[:len(before)-1]
	}
	for _, run := range r.around {
		if len(run) <= len(before) && slices.Equal(before[len(before)-len(run):], run) {
			return true
		}
	}
	return false
}

// isTimed reports whether a timing run comes right after a phrase, in the
// same clause; "#" in a run stands for a word starting with a digit ("at
// 7am").
func (r keywordRules) isTimed(rest []string) bool {
	for _, run := range r.timing {
		if len(run) > len(rest) {
			continue
		}
		matched := true
		for j, w := range run {
			if w == "#" && rest[j] != "" && unicode.IsDigit(rune(rest[j][0])) {
				continue
			}
			if rest[j] != w {
				matched = false
				break
			}
		}
		if matched {
			return true
		}
	}
	return false
}

// onlyCourtesy reports whether rest holds nothing but courtesy words
// ("thank you" among them) and clause ends.
func onlyCourtesy(rest []string) bool {
	return relaxed(withoutClauseEnds(rest)) == ""
}

// readWords lower-cases text, turns curly apostrophes straight, marks
// sentence punctuation as clauseEnd, drops other punctuation and emoji,
// and writes out spellings.
func readWords(text string) []string {
	var b strings.Builder
	for _, r := range strings.ToLower(text) {
		switch {
		case r == '’' || r == '‘' || r == '\'' || r == '`':
			b.WriteRune('\'')
		case unicode.IsLetter(r) || unicode.IsDigit(r):
			b.WriteRune(r)
		case strings.ContainsRune(".,!?;:\n", r):
			b.WriteString(" " + clauseEnd + " ")
		default:
			b.WriteRune(' ')
		}
	}
	var out []string
	for _, w := range strings.Fields(b.String()) {
		w = strings.Trim(w, "'")
		if w == "" {
			continue
		}
		if s, ok := spellings[w]; ok {
			out = append(out, strings.Fields(s)...)
			continue
		}
		if w == clauseEnd && (len(out) == 0 || out[len(out)-1] == clauseEnd) {
			continue
		}
		out = append(out, w)
	}
	return out
}

// withoutClauseEnds returns the words of toks.
func withoutClauseEnds(toks []string) []string {
	return slices.DeleteFunc(slices.Clone(toks), func(w string) bool { return w == clauseEnd })
}
