package bot

import "testing"

// keywordCases are stop / not-stop lines in the words people use. A line
// that may show risk is triage's to find (triage runs before keywords are
// acted on); here the only question is whether the person asked for no
// more messages.
var keywordCases = []struct {
	text string
	want Keyword
}{
	// The carriers' keywords.
	{"STOP", KeywordStop},
	{" stop. ", KeywordStop},
	{"Stop!", KeywordStop},
	{"STOPALL", KeywordStop},
	{"STOP ALL", KeywordStop},
	{"unsubscribe", KeywordStop},
	{"Cancel", KeywordStop},
	{"END", KeywordStop},
	{"quit", KeywordStop},
	{"REVOKE", KeywordStop},
	{"OPTOUT", KeywordStop},
	{"opt out", KeywordStop},
	{"Opt-out", KeywordStop},

	// Keywords said as people say them.
	{"Stop pls", KeywordStop},
	{"STOP STOP", KeywordStop},
	{"stop stop stop!!!", KeywordStop},
	{"Stop please, thank you", KeywordStop},
	{"stop x", KeywordStop},
	{"sorry, stop", KeywordStop},
	{"STOP 🙏", KeywordStop},
	{"Unsubscribe thx", KeywordStop},
	{"please stop", KeywordStop},
	{"stop now", KeywordStop},
	{"No more texts", KeywordStop},
	{"stop texts please", KeywordStop},
	{"unsub", KeywordStop},

	// Plain requests anywhere in a message.
	{"please stop texting", KeywordStop},
	{"Please stop texting!", KeywordStop},
	{"please stop texting me", KeywordStop},
	{"Can you stop messaging me", KeywordStop},
	{"stop txting me pls", KeywordStop},
	{"I'd like you to stop texting me", KeywordStop},
	{"I'm not well, stop texting me", KeywordStop},
	{"Stop texting me. I am going to kill myself tonight", KeywordStop}, // triage finds the risk first
	{"can you stop sending me these", KeywordStop},
	{"please stop sending the texts, I've moved on", KeywordStop},
	{"stop the reminders", KeywordStop},
	{"don't text me anymore", KeywordStop},
	{"Dont txt me any more", KeywordStop},
	{"don't text me", KeywordStop},
	{"never message me again", KeywordStop},
	{"can you not text me anymore", KeywordStop},
	{"Why won't you stop texting me?!", KeywordStop},
	{"please don't contact me again", KeywordStop},
	{"I don’t want any more texts", KeywordStop},
	{"I don't want these messages", KeywordStop},
	{"I no longer want the texts thanks", KeywordStop},
	{"opt me out", KeywordStop},
	{"Please opt me out.", KeywordStop},
	{"can you opt me out of these texts", KeywordStop},
	{"I want to opt out", KeywordStop},
	{"leave me off your texts", KeywordStop},
	{"Please leave me off your texts, thanks", KeywordStop},
	{"take me off your list please", KeywordStop},
	{"remove me from your list", KeywordStop},
	{"please delete my number", KeywordStop},
	{"how do I unsubscribe?", KeywordStop},
	{"stop bothering me", KeywordStop},

	// Welsh.
	{"STOPIO", KeywordStop},
	{"Stopio plis", KeywordStop},
	{"DIWEDD", KeywordStop},
	{"DAD-DANYSGRIFIO", KeywordStop},
	{"daddanysgrifio", KeywordStop},
	{"CANSLO", KeywordStop},
	{"dim mwy o negeseuon", KeywordStop},
	{"DECHRAU", KeywordStart},
	{"CYMORTH", KeywordHelp},

	{"START", KeywordStart},
	{"unstop", KeywordStart},
	{"start please", KeywordStart},
	{"HELP", KeywordHelp},
	{"info?", KeywordHelp},

	// Not requests to stop the messages.
	{"don't stop the texts, they help", NoKeyword},
	{"Please don't stop the texts", NoKeyword},
	{"I can't stop crying", NoKeyword},
	{"I can’t stop crying", NoKeyword},
	{"stop it, I've had enough of everything", NoKeyword}, // about how they feel: triage and the link worker
	{"stop it, I feel awful", NoKeyword},
	{"STOP. I'm going to kill myself", NoKeyword}, // a bare stop before risk is not clearly about the texts
	{"Don't stop texting me, it helps", NoKeyword},
	{"please don't stop texting me", NoKeyword},
	{"I don't want you to stop texting me", NoKeyword},
	{"if you stop texting me I'll have no one", NoKeyword},
	{"did you stop texting me?", NoKeyword},
	{"why did you not text me again?", NoKeyword},
	{"I'll stop texting now, bye", NoKeyword},
	{"my ex won't stop texting me", NoKeyword},
	{"how do I get him to stop messaging me", NoKeyword},
	{"I told her to stop texting me", NoKeyword},
	{"don't text me, call me instead", NoKeyword},
	{"don't text me before 10, I'm on nights", NoKeyword},
	{"no more texts after 8pm please", NoKeyword},
	{"please stop texting me so early", NoKeyword},
	{"stop texting me at work", NoKeyword},
	{"I want to opt out of the walking group", NoKeyword},
	{"The bus didn't stop so I was late", NoKeyword},
	{"I want it to end", NoKeyword},
	{"end now", NoKeyword},
	{"cancel Tuesday please", NoKeyword},
	{"can I cancel my appointment", NoKeyword},
	{"leave me alone", NoKeyword},           // may be distress; the link worker decides
	{"not interested", NoKeyword},           // declines a suggestion, not the messages
	{"Dw i'n methu stopio crio", NoKeyword}, // Welsh: "I can't stop crying"
	{"help me", NoKeyword},
	{"I need help", NoKeyword},
	{"help please", NoKeyword}, // HELP is never relaxed: it may be a cry for help
	{"HELP HELP", NoKeyword},
	{"start again tomorrow?", NoKeyword},
	{"", NoKeyword},
	{"...", NoKeyword},
	{"please", NoKeyword},
	{"7", NoKeyword},
}

func TestKeywordOf(t *testing.T) {
	stops, others := 0, 0
	for _, c := range keywordCases {
		if got := KeywordOf(c.text); got != c.want {
			t.Errorf("KeywordOf(%q) = %q, want %q", c.text, got, c.want)
		}
		if c.want == KeywordStop {
			stops++
		} else {
			others++
		}
	}
	if stops+others < 60 || stops < 25 || others < 25 {
		t.Errorf("the table has %d stop and %d other lines; keep at least 60, with both kinds", stops, others)
	}
}

func TestIsCancelWord(t *testing.T) {
	for _, text := range []string{"cancel", "Cancel", "CANCEL.", "cancel pls", "CANCEL CANCEL", "cancel please, thank you", "canslo"} {
		if !IsCancelWord(text) {
			t.Errorf("IsCancelWord(%q) = false, want true", text)
		}
	}
	for _, text := range []string{"stop", "cancel all", "cancel the texts", "cancel Tuesday please", "cancel it", "please cancel my appointment", "", "end"} {
		if IsCancelWord(text) {
			t.Errorf("IsCancelWord(%q) = true, want false", text)
		}
	}
	// A caller that does not look at IsCancelWord still treats a bare
	// CANCEL as STOP.
	for _, c := range keywordCases {
		if IsCancelWord(c.text) && KeywordOf(c.text) != KeywordStop {
			t.Errorf("IsCancelWord(%q) but KeywordOf is %q, want stop", c.text, KeywordOf(c.text))
		}
	}
	for _, text := range []string{"cancel all", "cancel the texts", "Cancel everything"} {
		if KeywordOf(text) != KeywordStop {
			t.Errorf("KeywordOf(%q) = %q, want stop", text, KeywordOf(text))
		}
	}
}

func TestStopPhrasesExpand(t *testing.T) {
	if len(rules.phrases) == 0 || len(rules.around) == 0 || len(rules.timing) == 0 {
		t.Fatal("no keyword rules compiled")
	}
	for first, phrases := range rules.phrases {
		for _, p := range phrases {
			if p.words[0] != first {
				t.Errorf("phrase %q is filed under %q", p.pattern, first)
			}
			for _, w := range p.words {
				if w == "" || w == clauseEnd {
					t.Errorf("phrase %q expands to an empty word", p.pattern)
				}
			}
		}
	}
}
