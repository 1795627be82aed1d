package bot

import (
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
	// END, QUIT, REVOKE, OPTOUT, or a plain request such as "please stop
	// texting me").
	KeywordStop Keyword = "stop"
	// KeywordStart: messages again (START, UNSTOP).
	KeywordStart Keyword = "start"
	// KeywordHelp: who is texting and how to reach the link worker (HELP, INFO).
	KeywordHelp Keyword = "help"
)

// wholeMessage are the keywords and phrases that count only as the whole
// message (after case, spaces and punctuation are ignored): "stop" alone is
// a request, "I can't stop crying" is not.
var wholeMessage = map[string]Keyword{
	"stop": KeywordStop, "stopall": KeywordStop, "stop all": KeywordStop, "unsubscribe": KeywordStop,
	"cancel": KeywordStop, "end": KeywordStop, "quit": KeywordStop, "revoke": KeywordStop,
	"optout": KeywordStop, "opt out": KeywordStop, "stop please": KeywordStop, "please stop": KeywordStop,
	"no more texts": KeywordStop, "no more messages": KeywordStop, "stop texts": KeywordStop,
	"stop the texts": KeywordStop, "stop messages": KeywordStop, "remove me": KeywordStop,

	"start": KeywordStart, "unstop": KeywordStart,

	"help": KeywordHelp, "info": KeywordHelp,
}

// stopPhrases are plain requests to stop that count wherever they appear
// in a message, unless negated ("don't stop texting me"). Keep this list
// small: each phrase must be about the messages themselves, never about
// how the person feels.
var stopPhrases = []string{
	"stop texting me",
	"stop messaging me",
	"stop sending me texts",
	"stop sending me messages",
	"stop sending me these",
	"leave me off your texts",
	"leave me off your list",
	"take me off your list",
	"take me off your texts",
	"unsubscribe me",
	"i don't want any more texts",
	"i don't want any more messages",
	"i do not want any more texts",
	"i do not want any more messages",
}

// negations before a stop phrase turn it around.
var negations = []string{"don't", "do not", "dont", "never", "please don't", "why"}

// KeywordOf returns the keyword text is, or NoKeyword.
func KeywordOf(text string) Keyword {
	n := normaliseWords(text)
	if n == "" {
		return NoKeyword
	}
	if k, ok := wholeMessage[n]; ok {
		return k
	}
	for _, phrase := range stopPhrases {
		i := strings.Index(n, phrase)
		if i < 0 {
			continue
		}
		before := strings.TrimSpace(n[:i])
		negated := false
		for _, neg := range negations {
			if strings.HasSuffix(before, neg) {
				negated = true
			}
		}
		if !negated {
			return KeywordStop
		}
	}
	return NoKeyword
}

// normaliseWords lower-cases text, turns curly apostrophes straight, drops
// other punctuation and emoji, and collapses spaces.
func normaliseWords(text string) string {
	var b strings.Builder
	for _, r := range strings.ToLower(text) {
		switch {
		case r == '’' || r == '\'':
			b.WriteRune('\'')
		case unicode.IsLetter(r) || unicode.IsDigit(r):
			b.WriteRune(r)
		default:
			b.WriteRune(' ')
		}
	}
	return strings.Join(strings.Fields(b.String()), " ")
}
