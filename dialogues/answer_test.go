package dialogues

import (
	"testing"
)

// refused marks a reply the parser must not read as an answer.
const refused = "REFUSED"

var zeroToTen = &Expect{Kind: AnswerScale, Min: 0, Max: 10, Anchors: map[int]string{0: "not at all", 10: "completely"}}

var oneToFive = &Expect{Kind: AnswerScale, Min: 1, Max: 5, Anchors: map[int]string{
	1: "none of the time", 2: "rarely", 3: "some of the time", 4: "often", 5: "all of the time"}}

var yesNo = &Expect{Kind: AnswerYesNo}

var confirmOrRearrange = &Expect{Kind: AnswerChoice, Options: []Option{
	{Code: "C", Words: []string{"confirm", "confirmed", "see you then", "i'll be there", "yes", "ok"}},
	{Code: "R", Words: []string{"rearrange", "change", "can't make it", "cant make it", "another day", "no"}},
}}

var howDidYouHear = &Expect{Kind: AnswerChoice, Options: []Option{
	{Code: "A", Words: []string{"gp", "doctor", "surgery"}},
	{Code: "B", Words: []string{"friend", "family", "neighbour"}},
	{Code: "C", Words: []string{"leaflet", "poster"}},
}}

var hoursLonely = &Expect{Kind: AnswerNumber}

// replyTable holds replies written the way people really text, with what
// each must parse to (Value.String()), or refused.
var replyTable = []struct {
	expect *Expect
	reply  string
	want   string
}{
	// A 0–10 scale: digits, words, fractions, hedges, punctuation.
	{zeroToTen, "8", "8"},
	{zeroToTen, "8/10", "8"},
	{zeroToTen, "5 out of 10", "5"},
	{zeroToTen, "four", "4"},
	{zeroToTen, "Nine.", "9"},
	{zeroToTen, "around 5", "5"},
	{zeroToTen, "probably a 3", "3"},
	{zeroToTen, "9!", "9"},
	{zeroToTen, "nil", "0"},
	{zeroToTen, "3, bit rubbish", "3"},
	{zeroToTen, "0", "0"},
	{zeroToTen, "10", "10"},
	{zeroToTen, "10/10", "10"},
	{zeroToTen, "Ten", "10"},
	{zeroToTen, "zero", "0"},
	{zeroToTen, "none", "0"},
	{zeroToTen, " 7 ", "7"},
	{zeroToTen, "7 x", "7"},
	{zeroToTen, "about 6", "6"},
	{zeroToTen, "Maybe a 4", "4"},
	{zeroToTen, "I'd say 6", "6"},
	{zeroToTen, "6 i think", "6"},
	{zeroToTen, "a solid 7", "7"},
	{zeroToTen, "2 today sorry", "2"},
	{zeroToTen, "Five", "5"},
	{zeroToTen, "FIVE!!", "5"},
	{zeroToTen, "5️⃣", "5"},
	{zeroToTen, "3 out of 10 tbh", "3"},
	{zeroToTen, "7/10 thanks", "7"},
	{zeroToTen, "Completely", "10"},
	{zeroToTen, "not at all", "0"},
	{zeroToTen, "roughly 8", "8"},
	{zeroToTen, "8.", "8"},
	{zeroToTen, "  six  ", "6"},
	{zeroToTen, "six 😊", "6"},
	{zeroToTen, "feeling rubbish - 3", "3"},
	{zeroToTen, "2 - not great", "2"},
	{zeroToTen, "12", refused},
	{zeroToTen, "minus 2", refused},
	{zeroToTen, "-2", refused},
	{zeroToTen, "4 or 5", refused},
	{zeroToTen, "somewhere between 6 and 7", refused},
	{zeroToTen, "dunno", refused},
	{zeroToTen, "fine", refused},
	{zeroToTen, "no", refused},
	{zeroToTen, "", refused},
	{zeroToTen, "   ", refused},
	{zeroToTen, "6-7", refused},
	{zeroToTen, "7.5", refused},
	{zeroToTen, "5 out of 5", refused},
	{zeroToTen, "11", refused},
	{zeroToTen, "eleven", refused},
	{zeroToTen, "not a 5", refused},
	{zeroToTen, "100", refused},
	{zeroToTen, "ok", refused},
	{zeroToTen, "who is this?", refused},
	{zeroToTen, "see you at 10:30", refused},
	{zeroToTen, "five or six", refused},
	{zeroToTen, "3 to 4", refused},
	{zeroToTen, "?", refused},
	{zeroToTen, "negative 3", refused},

	// A 1–5 scale with anchor words (SWEMWBS).
	{oneToFive, "4", "4"},
	{oneToFive, "often", "4"},
	{oneToFive, "Rarely", "2"},
	{oneToFive, "some of the time", "3"},
	{oneToFive, "all of the time!", "5"},
	{oneToFive, "none of the time", "1"},
	{oneToFive, "one", "1"},
	{oneToFive, "3/5", "3"},
	{oneToFive, "0", refused},
	{oneToFive, "6", refused},
	{oneToFive, "none", refused},
	{oneToFive, "3/10", refused},
	{oneToFive, "sometimes", refused},

	// Yes or no: the usual words, British ones, emoji, both ways.
	{yesNo, "yes", "yes"},
	{yesNo, "Yes please", "yes"},
	{yesNo, "aye", "yes"},
	{yesNo, "go on then", "yes"},
	{yesNo, "definitely", "yes"},
	{yesNo, "YES", "yes"},
	{yesNo, "Y", "yes"},
	{yesNo, "yeah", "yes"},
	{yesNo, "Yep!", "yes"},
	{yesNo, "yup", "yes"},
	{yesNo, "ok", "yes"},
	{yesNo, "Okay x", "yes"},
	{yesNo, "sure", "yes"},
	{yesNo, "of course", "yes"},
	{yesNo, "yes thanks", "yes"},
	{yesNo, "Yes thank you", "yes"},
	{yesNo, "yes, thank you x", "yes"},
	{yesNo, "yes please that would be lovely", "yes"},
	{yesNo, "go on", "yes"},
	{yesNo, "alright", "yes"},
	{yesNo, "Absolutely", "yes"},
	{yesNo, "deffo", "yes"},
	{yesNo, "I did", "yes"},
	{yesNo, "yes i went", "yes"},
	{yesNo, "yeah go on then", "yes"},
	{yesNo, "👍", "yes"},
	{yesNo, "✅", "yes"},
	{yesNo, "yes 👍", "yes"},
	{yesNo, "Yes!!!", "yes"},
	{yesNo, "aye go on", "yes"},
	{yesNo, "yes ta", "yes"},
	{yesNo, "Yes I'd love to", "yes"},
	{yesNo, "yes that would be great thanks", "yes"},
	{yesNo, "oh yes, can't wait!", "yes"},
	{yesNo, "sure why not", "yes"},
	{yesNo, "yes when is it on", "yes"},
	{yesNo, "Hiya, yes please x", "yes"},
	{yesNo, "I would love to", "yes"},
	{yesNo, "no", "no"},
	{yesNo, "No thanks", "no"},
	{yesNo, "no ta", "no"},
	{yesNo, "not really", "no"},
	{yesNo, "not today", "no"},
	{yesNo, "❌", "no"},
	{yesNo, "nope", "no"},
	{yesNo, "nah", "no"},
	{yesNo, "Nah ta", "no"},
	{yesNo, "N", "no"},
	{yesNo, "no thank you", "no"},
	{yesNo, "No, thank you.", "no"},
	{yesNo, "not now", "no"},
	{yesNo, "not at the moment", "no"},
	{yesNo, "I didn't", "no"},
	{yesNo, "didn’t", "no"},
	{yesNo, "no I couldn't", "no"},
	{yesNo, "👎", "no"},
	{yesNo, "no cheers", "no"},
	{yesNo, "not for me thanks", "no"},
	{yesNo, "i'd rather not", "no"},
	{yesNo, "no I'm busy that day", "no"},
	{yesNo, "Not today thanks", "no"},
	{yesNo, "no I'm ok thanks", "no"},
	{yesNo, "erm no", "no"},
	{yesNo, "yes and no", refused},
	{yesNo, "maybe", refused},
	{yesNo, "not sure", refused},
	{yesNo, "yes no", refused},
	{yesNo, "dunno", refused},
	{yesNo, "what group?", refused},
	{yesNo, "yes?", refused},
	{yesNo, "no problem", refused},
	{yesNo, "yes but not this week", refused},
	{yesNo, "who is this", refused},
	{yesNo, "", refused},
	{yesNo, "5", refused},
	{yesNo, "probably", refused},
	{yesNo, "I'm at work", refused},
	{yesNo, "perhaps next week", refused},
	{yesNo, "yes I can't", refused},
	{yesNo, "no yeah", refused},
	{yesNo, "yes not today", refused},
	{yesNo, "hi who is this", refused},
	{yesNo, "👍👎", refused},

	// Choices: the reply code, the option's words, or its number.
	{confirmOrRearrange, "C", "C"},
	{confirmOrRearrange, "c", "C"},
	{confirmOrRearrange, "C.", "C"},
	{confirmOrRearrange, "C thanks", "C"},
	{confirmOrRearrange, "r", "R"},
	{confirmOrRearrange, "R please", "R"},
	{confirmOrRearrange, "confirm", "C"},
	{confirmOrRearrange, "Confirmed, see you then", "C"},
	{confirmOrRearrange, "I'll be there", "C"},
	{confirmOrRearrange, "I’ll be there x", "C"},
	{confirmOrRearrange, "yes", "C"},
	{confirmOrRearrange, "ok thanks", "C"},
	{confirmOrRearrange, "can't make it sorry", "R"},
	{confirmOrRearrange, "cant make it", "R"},
	{confirmOrRearrange, "need to rearrange please", "R"},
	{confirmOrRearrange, "could we do another day", "R"},
	{confirmOrRearrange, "1", "C"},
	{confirmOrRearrange, "2", "R"},
	{confirmOrRearrange, "3", refused},
	{confirmOrRearrange, "yes but I need to change it", refused},
	{confirmOrRearrange, "X", refused},
	{confirmOrRearrange, "who's this", refused},
	{confirmOrRearrange, "", refused},
	{confirmOrRearrange, "C or R", refused},
	{confirmOrRearrange, "CR", refused},
	{howDidYouHear, "a", "A"},
	{howDidYouHear, "B", "B"},
	{howDidYouHear, "my GP", "A"},
	{howDidYouHear, "a friend told me", "B"},
	{howDidYouHear, "saw a poster", "C"},
	{howDidYouHear, "3", "C"},
	{howDidYouHear, "two", "B"},
	{howDidYouHear, "my doctor and a friend", refused},
	{howDidYouHear, "the internet", refused},

	// Numbers.
	{hoursLonely, "3", "3"},
	{hoursLonely, "about 4 hours", "4"},
	{hoursLonely, "2.5", "2.5"},
	{hoursLonely, "twelve", "12"},
	{hoursLonely, "none", "0"},
	{hoursLonely, "loads", refused},
	{hoursLonely, "3 or 4", refused},
	{hoursLonely, "-1", refused},

	// Free text is kept as written.
	{&Expect{Kind: AnswerText}, "  the bus was late  ", "the bus was late"},
	{&Expect{Kind: AnswerText}, "", refused},
}

func TestParseAnswerReadsRepliesAsPeopleWriteThem(t *testing.T) {
	if len(replyTable) < 150 {
		t.Fatalf("the reply table has %d replies; keep at least 150", len(replyTable))
	}
	for _, c := range replyTable {
		v, ok := ParseAnswer(c.expect, c.reply)
		got := v.String()
		if !ok {
			got = refused
		}
		if got != c.want {
			t.Errorf("%s question, reply %q: got %s, want %s", c.expect.Kind, c.reply, got, c.want)
		}
		if ok == v.None() {
			t.Errorf("%s question, reply %q: ok=%v but value %+v", c.expect.Kind, c.reply, ok, v)
		}
	}
}

func TestHintSaysWhatIsExpected(t *testing.T) {
	for _, c := range []struct {
		expect *Expect
		want   string
	}{
		{zeroToTen, "Please reply with a number from 0 (not at all) to 10 (completely)."},
		{yesNo, "Please reply YES or NO."},
		{confirmOrRearrange, "Please reply C or R."},
		{howDidYouHear, "Please reply A, B or C."},
		{hoursLonely, "Please reply with a number."},
	} {
		if got := c.expect.Hint(); got != c.want {
			t.Errorf("%s hint: got %q, want %q", c.expect.Kind, got, c.want)
		}
	}
}
