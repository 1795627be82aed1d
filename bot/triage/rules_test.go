package triage

import (
	"strings"
	"testing"
)

func mustRules(t *testing.T, entries []Entry) *ruleSet {
	t.Helper()
	rs, err := newRuleSet(entries)
	if err != nil {
		t.Fatal(err)
	}
	return rs
}

func TestEveryLexiconEntryMatchesItsOwnExample(t *testing.T) {
	for _, e := range Lexicon {
		rs := mustRules(t, []Entry{e})
		if _, ok := rs.match(normaliseTokens(e.Example)); !ok {
			t.Errorf("pattern %q does not match its example %q (normalised %q)", e.Pattern, e.Example, Normalise(e.Example))
		}
	}
}

func TestLexiconWordsAreWrittenNormalised(t *testing.T) {
	for _, e := range Lexicon {
		for _, tok := range strings.Fields(e.Pattern) {
			tok = strings.Trim(tok, "[]")
			var alts []string
			for _, alt := range strings.Split(tok, "|") {
				if name, ok := strings.CutPrefix(alt, "@"); ok {
					alts = append(alts, strings.Fields(wordClasses[name])...)
					continue
				}
				alts = append(alts, alt)
			}
			for _, alt := range alts {
				for _, w := range strings.Split(alt, "_") {
					if w == "$" || w == "^" {
						continue
					}
					// "x " keeps a lone "am" from reading as "I'm".
					if got := Normalise("x " + w); got != "x "+w {
						t.Errorf("pattern %q: word %q normalises to %q, so it can never match", e.Pattern, w, got)
					}
				}
			}
		}
	}
}

// everydayIdioms are things people say every day that sound alarming out of
// context. None of them may start the urgent path on its own.
var everydayIdioms = []string{
	"the kids are driving me mad",
	"I nearly died of embarrassment",
	"work is murder this week",
	"I'd kill for a biscuit",
	"I'm dying for a cuppa",
	"my feet are killing me",
	"my mum will kill me if I'm late again",
	"my boss is going to kill me, I forgot the report",
	"I could murder a curry",
	"this hill will be the death of me",
	"I'm dead tired",
	"lol I'm dead 💀",
	"my phone's about to die",
	"I'm sick to death of the rain",
	"bored to death",
	"I nearly had a heart attack when I saw the gas bill",
	"I'm at the end of my rope with the council",
	"I can't go on the trip on Friday",
	"I can't carry on with the course, can we talk",
	"I'd like help to cut down smoking",
	"I want to cut down on the booze",
	"I tried ringing but no answer, can you call me back",
	"I've not heard from the council",
	"I'm raising money for the suicide prevention charity",
	"I watched a documentary about suicide",
	"I used to feel suicidal but I'm much better since the group",
	"I had chest pain in May, they said it was indigestion",
	"I used to sleep on the street years ago, now I've got a lovely flat",
	"that lasagne was to die for",
	"shoot me now, it's karaoke night",
	"I'd rather die than go to another wedding",
	"I'm hanging after last night",
	"it's killing me not knowing the result",
	"I keep myself to myself",
	"I'll be gone for a week, I'm off to Skegness",
}

func TestEverydayIdiomsMatchNoRule(t *testing.T) {
	rs := mustRules(t, Lexicon)
	for _, s := range everydayIdioms {
		if m, ok := rs.match(normaliseTokens(s)); ok {
			t.Errorf("%q matched rule %q (%q)", s, m.Phrase, m.Pattern)
		}
	}
}

// knownRuleFalseAlarms are dataset lines not labelled risk that a rule still
// matches, kept on purpose: "she's going to kill me" is a threat to kill in
// an abusive home far more often than it is a joke about a carpet; feeling
// a burden and "can't go on like this" are warning signs the link worker
// should see early even when the person adds "but I'm ok" or a reason;
// "kicked out" may be tonight; "I don't trust myself with …" is too close
// to "with my tablets"; and past risk told without a marker of time
// ("when I wanted to end it all", "the days of wanting to die") reads too
// much like the present to be let off by a rule.
var knownRuleFalseAlarms = map[string]bool{
	"she's going to kill me when she sees the carpet":                                                    true,
	"I feel like a burden on my daughter sometimes but I'm ok":                                           true,
	"I worry I'm becoming a burden to my children but they say I'm not":                                  true,
	"feel like a burden on my housemates cos i owe them rent":                                            true,
	"cant go on like this with no sleep, need to sort my head out":                                       true,
	"can't go on like this with the sleep, baby's up every hour and I'm running on empty":                true,
	"my housemate threatened to tell the landlord about my cat, now im worried about getting kicked out": true,
	"thank you for not giving up on me when I wanted to end it all, I'm still here and glad of it":       true,
	"the days of wanting to die are behind me, im in a good place":                                       true,
	"can't carry on like this with the noise upstairs, it's every single night":                          true,
	"I don't trust myself with a glue gun, is the craft thing hard?":                                     true,
}

func TestNoRuleMatchesADatasetLineThatIsNotRisk(t *testing.T) {
	rs := mustRules(t, Lexicon)
	for _, path := range []string{"data/train.tsv", "data/dev.tsv", "data/other-writers.tsv", "data/issue17-negatives.tsv"} {
		ex, err := ReadExamplesFile(path)
		if err != nil {
			t.Fatal(err)
		}
		for _, e := range ex {
			if e.Label == Risk || knownRuleFalseAlarms[e.Text] {
				continue
			}
			if m, ok := rs.match(normaliseTokens(e.Text)); ok {
				t.Errorf("%s: %s line %q matched rule %q", path, e.Label, e.Text, m.Phrase)
			}
		}
	}
}

func TestRulesFindRiskThroughSpellingAndTextSpeak(t *testing.T) {
	rs := mustRules(t, Lexicon)
	cases := map[string]string{
		"i wana die":                           "want to die",
		"gonna kms":                            "kill myself",
		"cnt go on":                            "cannot go on",
		"im sucidal":                           "suicidal",
		"Been stockpiling my meds":             "stockpiling my meds",
		"I’ve been saving up my tablets":       "saving up my tablets",
		"he’s going to kill me":                "he is going to kill me",
		"crushing pain in my chest":            "crushing pain",
		"want it all to stop":                  "want it all to stop",
		"Id b better off ded":                  "better off dead",
		"thinkin bout killin myself":           "killing myself",
		"am gonnae end it":                     "going to end it",
		"haven't eaten since Tuesday":          "not eaten since",
		"my neighbour's not answered her door": "not answered her door",
	}
	for text, want := range cases {
		m, ok := rs.match(normaliseTokens(text))
		if !ok {
			t.Errorf("%q: no rule matched (normalised %q)", text, Normalise(text))
			continue
		}
		if m.Phrase != want {
			t.Errorf("%q: matched %q, want %q", text, m.Phrase, want)
		}
	}
}

func TestPastRiskIsLeftToTheModel(t *testing.T) {
	rs := mustRules(t, Lexicon)
	for _, s := range []string{
		"I used to self harm but I've been clean for a year",
		"I had suicidal thoughts in the spring but they've gone now",
	} {
		if m, ok := rs.match(normaliseTokens(s)); ok {
			t.Errorf("%q matched %q", s, m.Phrase)
		}
	}
	if _, ok := rs.match(normaliseTokens("I used to be fine but now I want to die")); !ok {
		t.Error(`"used to" far before the phrase suppressed a present-tense match`)
	}
}

func TestDenialsRecoveryAndIdiomsAreLeftToTheModel(t *testing.T) {
	rs := mustRules(t, Lexicon)
	for _, s := range []string{
		"I'm not suicidal, just tired",
		"im not gonna hurt myself, just fed up",
		"it's not about hurting myself",
		"I don't self harm anymore",
		"two years free of self harm today",
		"the overdose was two years ago, I'm doing well",
		"we lost our son to an overdose",
		"I've overdosed on chocolate again",
		"shot myself in the foot there",
		"I keep cutting myself off from people",
		"his anniversary is hitting me hard",
		"my mates dared me to jump off the pier",
		"can you send someone to translate",
		"do I jump off at the church?",
		"the chest pain turned out to be heartburn",
		"the fence collapsed in the storm",
		"three years since I last hurt myself",
		"nowhere to go on christmas day",
		"had the curtains shut all afternoon for the snooker",
	} {
		if m, ok := rs.match(normaliseTokens(s)); ok {
			t.Errorf("%q matched %q", s, m.Phrase)
		}
	}
	for _, s := range []string{
		"I've never felt so suicidal",
		"I'm not ok, I want to die",
		"not sure I can stop hurting myself",
		"he's overdosed on his tablets",
		"I overdosed last night",
		"she said she'll jump off the bridge",
		"please send someone",
		"nobody would notice if I just disappeared",
		"my neighbour's curtains have been shut for days",
		"he's thrown me out and I've got nowhere to go",
		"he took my phone and my bank card",
		"my husband's collapsed",
		"I've got chest pain and my arm's gone numb",
	} {
		if _, ok := rs.match(normaliseTokens(s)); !ok {
			t.Errorf("%q matched no rule", s)
		}
	}
}

func TestUsedToRightBeforeAPhraseStartingWithTo(t *testing.T) {
	rs := mustRules(t, Lexicon)
	if m, ok := rs.match(normaliseTokens("I used to cut myself, now I ring a friend")); ok {
		t.Errorf("matched %q", m.Phrase)
	}
	if _, ok := rs.match(normaliseTokens("I used to be fine but now I want to die")); !ok {
		t.Error(`"used to" far before the phrase suppressed a present-tense match`)
	}
}

// Normalise returns text as the rules and the model see it: the words of
// normaliseTokens joined by single spaces.
func Normalise(text string) string {
	return strings.Join(normaliseTokens(text), " ")
}

func TestNormalise(t *testing.T) {
	cases := map[string]string{
		"I’m NOT ok!!!":      "i am not ok",
		"cant b bothered":    "cannot be bothered",
		"Soooo tired":        "soo tired",
		"am proper done in":  "i am proper done in",
		"the electric's off": "the electric is off",
		"wanna kill my self": "want to kill myself",
		"u ok hun?":          "you ok hun",
	}
	for in, want := range cases {
		if got := Normalise(in); got != want {
			t.Errorf("Normalise(%q) = %q, want %q", in, got, want)
		}
	}
}

func TestACaretAnchorsAPatternToTheStartOfTheMessage(t *testing.T) {
	rs := mustRules(t, Lexicon)
	if _, ok := rs.match(normaliseTokens("help me please")); !ok {
		t.Error(`"help me please" on its own matched no rule`)
	}
	if m, ok := rs.match(normaliseTokens("can you help me please with the form")); ok {
		t.Errorf("a request for help with a form matched %q", m.Phrase)
	}
}

func TestSelfHarmAndSuicidePhrasesCoverEveryPerson(t *testing.T) {
	rs := mustRules(t, Lexicon)
	people := []struct{ subject, self, poss string }{
		{"I", "myself", "my"},
		{"my mate says he", "himself", "his"},
		{"my daughter says she", "herself", "her"},
		{"my friends say they", "themselves", "their"},
	}
	for _, p := range people {
		for _, s := range []string{
			p.subject + " keeps thinking about killing " + p.self,
			p.subject + " wants to kill " + p.self,
			p.subject + " has been cutting " + p.self,
			p.subject + " might hurt " + p.self,
			p.subject + " wants to end " + p.poss + " life",
			p.subject + " is thinking of taking " + p.poss + " own life",
			p.subject + " is going to hang " + p.self,
			p.subject + " has been hoarding " + p.poss + " tablets",
			p.subject + " will do something to " + p.self,
		} {
			if _, ok := rs.match(normaliseTokens(s)); !ok {
				t.Errorf("%q matched no rule", s)
			}
		}
	}
}

func TestWordClassesDoNotReachEverydayThirdPersonTalk(t *testing.T) {
	rs := mustRules(t, Lexicon)
	for _, s := range []string{
		"my son hurt himself playing football",
		"my brother tried to end his life years ago, he's doing well now",
		"my uncle killed himself when I was young",
		"she's killing time before the bus",
		"he's giving his old bike to his nephew",
	} {
		if m, ok := rs.match(normaliseTokens(s)); ok {
			t.Errorf("%q matched %q (%q)", s, m.Phrase, m.Pattern)
		}
	}
}

func TestWarningSignsOfEndingThingsAndPuttingAffairsInOrder(t *testing.T) {
	rs := mustRules(t, Lexicon)
	for _, s := range []string{
		"feel like ending things",
		"feel like ending things tbh",
		"I feel like ending things",
		"been thinking about ending things",
		"she keeps thinking of ending things",
		"I've been reading about how to end things",
		"my head says do it, just get it over with",
		"the voices keep telling me to do it",
		"my mind keeps telling me to just do it",
		"might as well do it and get it over with",
		"just get it over with",
		"I want to get it over with for good",
		"sorted my will and who'll have the dog",
		"sorted my will and who will have the dog",
		"I've put my affairs in order",
		"he's getting his affairs in order and won't say why",
		"giving my things away",
		"I've given away the budgie",
		"my uncle's given his dog away",
		"gave my cat to my sister, she'll look after her better than me",
		"I've given my dog to my neighbour for good",
		// issue 17
		"don't ring me, I've already chosen a day",
		"going for a drive and not coming back",
		"I want out for good",
		"by the time you read this it will be over",
		"I'm still here for now",
		"I've made my plans",
		"I'll be gone by then",
		"tell mum I'm sorry",
		"left a letter for my son",
		"she's stopped taking her meds on purpose",
		"sat here with a gun",
		"I'm scared to go home because of him",
		"he's hitting my little brother",
		"I'm not ok please ring me",
		"I won't need any more appointments after this week",
	} {
		if _, ok := rs.match(normaliseTokens(s)); !ok {
			t.Errorf("%q matched no rule (normalised %q)", s, Normalise(s))
		}
	}
}

func TestGuardsKeepHarmlessPhrasesOffTheRules(t *testing.T) {
	rs := mustRules(t, Lexicon)
	for _, s := range []string{
		"overdose awareness training",
		"I did the overdose awareness training at the hub",
		"there's an overdose prevention talk on Thursday",
		"no food allowed in the library",
		"no food or drink allowed in the hall",
		"thinking about ending things with my boyfriend",
		"I feel like ending things with him, he's controlling",
		"we're ending things on a high at the art group",
		"let's just do it and get it over with",
		"can we do it Monday and get it over with",
		"my head says do it but my knees say no",
		"the head says do it online",
		"I've moved to my daughter's for good",
		"I'm on the roof fixing the aerial",
		"I'm going for a drive up the coast, back for tea",
		"I said I'd go, I will go",
		"I've been prescribed sertraline, started yesterday",
		"the pain clinic said to keep up with the exercises",
		"I won't need the calls anymore, I've got a job",
		"I've chosen the date for the wedding, it's in June",
	} {
		if m, ok := rs.match(normaliseTokens(s)); ok {
			t.Errorf("%q matched %q (%q)", s, m.Phrase, m.Pattern)
		}
	}
	// The guards are narrow: the risk they sit beside still matches.
	for _, s := range []string{
		"I took an overdose",
		"I want to overdose",
		"no food in the house",
		"no food since Tuesday",
		"thinking about ending things with pills",
		"my head says do it",
		"I'm on the roof",
		"I'm on the roof and I'm going to jump",
	} {
		if _, ok := rs.match(normaliseTokens(s)); !ok {
			t.Errorf("%q matched no rule", s)
		}
	}
}

// The threshold is chosen without the rules written from the training
// set's own misses: the embedded model's card counts the training risk
// messages the core rules miss, which the model alone must catch.
func TestRulesWrittenFromTrainingMissesDoNotChooseTheThreshold(t *testing.T) {
	card, err := EmbeddedCard()
	if err != nil {
		t.Fatal(err)
	}
	core, all := mustRules(t, coreLexicon), mustRules(t, Lexicon)
	var missedCore, missedAll int
	for _, e := range mustRead(t, "data/train.tsv") {
		if e.Label != Risk {
			continue
		}
		if _, ok := core.match(normaliseTokens(e.Text)); !ok {
			missedCore++
		}
		if _, ok := all.match(normaliseTokens(e.Text)); !ok {
			missedAll++
		}
	}
	if card.Train.OutOfFoldRiskMissedByRules != missedCore {
		t.Errorf("card: %d training risk messages left to the model, the core rules leave %d", card.Train.OutOfFoldRiskMissedByRules, missedCore)
	}
	if missedAll >= missedCore {
		t.Errorf("the rules from training misses catch no training risk message (%d, %d)", missedAll, missedCore)
	}
	if len(Lexicon) != len(coreLexicon)+len(fromTrainingMisses) {
		t.Errorf("Lexicon has %d rules, core %d and from training misses %d", len(Lexicon), len(coreLexicon), len(fromTrainingMisses))
	}
}
