package triage

import (
	"strings"
	"unicode"
)

// contractions expands the contractions that change what a phrase means
// before apostrophes are dropped ("ill" and "ill" would otherwise collide).
var contractions = map[string]string{
	"i'm": "i am", "i'll": "i will", "i'd": "i would", "i've": "i have",
	"he's": "he is", "she's": "she is", "it's": "it is", "that's": "that is",
	"there's": "there is", "what's": "what is", "they're": "they are",
	"we're": "we are", "you're": "you are", "he'll": "he will",
	"she'll": "she will", "they'll": "they will", "we'll": "we will",
	"you'll": "you will", "he'd": "he would", "she'd": "she would",
	"they'd": "they would", "can't": "cannot", "won't": "will not",
	"don't": "do not", "doesn't": "does not", "didn't": "did not",
	"isn't": "is not", "aren't": "are not", "wasn't": "was not",
	"haven't": "have not", "hasn't": "has not", "couldn't": "could not",
	"wouldn't": "would not", "shouldn't": "should not", "ain't": "is not",
	"it'll": "it will", "that'll": "that will", "there'll": "there will",
	"they've": "they have", "we've": "we have", "you've": "you have", "who's": "who is",
	"od'd": "overdosed", "od'ed": "overdosed", "y'all": "you all",
}

// textSpeak maps one token (after apostrophes are dropped and runs of three
// or more letters cut to two) to the words it stands for: text-speak, common
// misspellings, dialect and apostrophe-less contractions.
var textSpeak = map[string]string{
	// contractions typed without the apostrophe
	"im": "i am", "ive": "i have", "id": "i would", "cant": "cannot",
	"cnt": "cannot", "cannae": "cannot", "canna": "cannot", "cant't": "cannot",
	"dont": "do not", "dnt": "do not", "wont": "will not", "didnt": "did not",
	"isnt": "is not", "aint": "is not", "wasnt": "was not", "havent": "have not",
	"hasnt": "has not", "couldnt": "could not", "wouldnt": "would not",
	"shouldnt": "should not", "doesnt": "does not", "arent": "are not",
	"itll": "it will", "theyve": "they have", "hes": "he is", "shes": "she is", "thats": "that is", "theres": "there is",
	"whats": "what is", "theyre": "they are", "youre": "you are",
	"dinnae": "do not", "didnae": "did not", "wouldnae": "would not",
	"isnae": "is not", "wasnae": "was not",
	// text-speak
	"u": "you", "ya": "you", "ur": "your", "r": "are", "b": "be", "n": "and",
	"2": "to", "4": "for", "wana": "want to", "wanna": "want to",
	"wanu": "want to", "wnt": "want", "wan": "want", "want2": "want to",
	"want2die": "want to die", "gonna": "going to", "gona": "going to",
	"gonnae": "going to", "goin": "going", "gunna": "going to",
	"pls": "please", "plz": "please", "plse": "please", "cos": "because",
	"coz": "because", "bc": "because", "nite": "night", "tonite": "tonight",
	"2nite": "tonight", "2day": "today", "2moro": "tomorrow", "tmrw": "tomorrow",
	"txt": "text", "txts": "texts", "txting": "texting", "msg": "message",
	"msgs": "messages", "shud": "should", "cud": "could", "wud": "would",
	"wiv": "with", "wi": "with", "nae": "no", "naw": "no", "noone": "no one",
	"nobody": "no one", "ded": "dead", "di": "die", "dy": "die",
	"kms": "kill myself", "kys": "kill yourself", "od": "overdose",
	"ods": "overdoses", "oding": "overdosing", "sh": "self harm",
	"selfharm": "self harm", "selfharming": "self harming",
	"masel": "myself", "mysel": "myself", "myslef": "myself", "mysef": "myself",
	"meself": "myself", "maself": "myself",
	// common misspellings of risk words
	"sucidal": "suicidal", "suicdal": "suicidal", "suicidle": "suicidal",
	"sucidle": "suicidal", "suicidel": "suicidal", "suisidal": "suicidal",
	"suacidal": "suicidal", "sucicidal": "suicidal", "sucide": "suicide",
	"suiside": "suicide", "suicde": "suicide", "sucicide": "suicide",
	"killin": "killing", "thinkin": "thinking", "endin": "ending",
	"nothin": "nothing", "somethin": "something", "livin": "living",
	"dyin": "dying", "cuttin": "cutting", "hurtin": "hurting",
	"tabs": "tablets", "tablet": "tablets", "paracetemol": "paracetamol",
	"paracetomol": "paracetamol", "overdoes": "overdose", "overdoese": "overdose",
	"breath": "breathe", "breth": "breathe",
}

// apostrophes folds the marks people type for an apostrophe into one.
var apostrophes = strings.NewReplacer("\u2019", "'", "\u2018", "'", "`", "'", "\u00b4", "'")

// normaliseTokens returns the words of text as the rules and the model see
// them: lower case, curly apostrophes folded, contractions, text-speak and
// common misspellings expanded, punctuation turned to spaces, letters
// repeated three or more times cut to two, and "'s" after any other word
// read as "is". A message that starts with "am" (Scots and Northern for
// "I'm") gets its "i" back.
func normaliseTokens(text string) []string {
	text = strings.ToLower(text)
	text = apostrophes.Replace(text)
	raw := strings.FieldsFunc(text, func(r rune) bool {
		return !(unicode.IsLetter(r) || unicode.IsDigit(r) || r == '\'')
	})
	out := make([]string, 0, len(raw)+4)
	for _, w := range raw {
		w = strings.Trim(w, "'")
		if w == "" {
			continue
		}
		if exp, ok := contractions[w]; ok {
			out = append(out, strings.Fields(exp)...)
			continue
		}
		if base, ok := strings.CutSuffix(w, "'s"); ok && base != "" && !strings.Contains(base, "'") {
			out = append(out, cutRepeats(base), "is")
			continue
		}
		w = strings.ReplaceAll(w, "'", "")
		w = cutRepeats(w)
		if exp, ok := textSpeak[w]; ok {
			out = append(out, strings.Fields(exp)...)
			continue
		}
		out = append(out, w)
	}
	if len(out) > 0 && out[0] == "am" && (len(out) == 1 || out[1] != "i") {
		out = append([]string{"i"}, out...)
	}
	return joinSplitWords(out)
}

// cutRepeats cuts runs of three or more of the same letter to two
// ("stoppp" → "stopp", "sooo" → "soo").
func cutRepeats(w string) string {
	rs := []rune(w)
	out := rs[:0]
	for i, r := range rs {
		if i >= 2 && r == rs[i-1] && r == rs[i-2] {
			continue
		}
		out = append(out, r)
	}
	return string(out)
}

// joinSplitWords rejoins words people split with a space ("my self",
// "no one" stays two words on purpose).
func joinSplitWords(ws []string) []string {
	out := ws[:0]
	for i := 0; i < len(ws); i++ {
		if i+1 < len(ws) && ws[i] == "my" && ws[i+1] == "self" {
			out = append(out, "myself")
			i++
			continue
		}
		out = append(out, ws[i])
	}
	return out
}

// skeleton cuts every run of a repeated letter to one, so "kiiill", "kil"
// and "kill" meet. The rules compare skeletons; the model does not.
func skeleton(w string) string {
	rs := []rune(w)
	out := rs[:0]
	for i, r := range rs {
		if i > 0 && r == rs[i-1] {
			continue
		}
		out = append(out, r)
	}
	return string(out)
}
