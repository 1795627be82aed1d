// Package triage reads an inbound reply and says what it is about and
// whether it is urgent. It never hides a message: every reply still reaches
// the link worker's inbox; triage only raises priority and starts the
// urgent path.
//
// Two parts decide. First the safety rules: a curated lexicon of risk
// phrases (lexicon.go), matched after normalisation (normalise.go) folds
// case, apostrophes, punctuation, repeated letters, text-speak and common
// misspellings. A rule match is always urgent and its phrase is the
// reason. Then a small classifier trained with github.com/nlpodyssey/spago
// labels the message and gives the probability of risk.
//
// Default returns the classifier built from the embedded model
// (model/triage.bin.gz, written by "linkbot triage train"); Classify returns
// a Result with the label, the urgency, a confidence, the model's risk
// probability and the reason (the rule phrase, or "model: " and the words
// that weighed most towards risk). README.md holds
// the dev-set figures and how the risk threshold was chosen.
//
// The package holds no inbound pipeline, no storage and no escalation: it
// only labels text.
package triage
