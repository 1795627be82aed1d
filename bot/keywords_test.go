package bot

import "testing"

func TestKeywordOf(t *testing.T) {
	cases := []struct {
		text string
		want Keyword
	}{
		{"STOP", KeywordStop},
		{" stop. ", KeywordStop},
		{"Stop!", KeywordStop},
		{"STOPALL", KeywordStop},
		{"unsubscribe", KeywordStop},
		{"Cancel", KeywordStop},
		{"END", KeywordStop},
		{"quit", KeywordStop},
		{"REVOKE", KeywordStop},
		{"OPTOUT", KeywordStop},
		{"opt out", KeywordStop},
		{"please stop", KeywordStop},
		{"No more texts", KeywordStop},
		{"leave me off your texts", KeywordStop},
		{"Please leave me off your texts, thanks", KeywordStop},
		{"please stop texting me", KeywordStop},
		{"Can you stop messaging me", KeywordStop},
		{"take me off your list please", KeywordStop},
		{"I don’t want any more texts", KeywordStop},
		{"START", KeywordStart},
		{"unstop", KeywordStart},
		{"HELP", KeywordHelp},
		{"info?", KeywordHelp},

		// Not requests to stop the messages.
		{"I can't stop crying", NoKeyword},
		{"I can’t stop crying", NoKeyword},
		{"stop it, I feel awful", NoKeyword},
		{"Don't stop texting me, it helps", NoKeyword},
		{"please don't stop texting me", NoKeyword},
		{"The bus didn't stop so I was late", NoKeyword},
		{"I want it to end", NoKeyword},
		{"cancel Tuesday please", NoKeyword},
		{"help me", NoKeyword},
		{"I need help", NoKeyword},
		{"start again tomorrow?", NoKeyword},
		{"", NoKeyword},
		{"7", NoKeyword},
	}
	for _, c := range cases {
		if got := KeywordOf(c.text); got != c.want {
			t.Errorf("KeywordOf(%q) = %q, want %q", c.text, got, c.want)
		}
	}
}
