package dialogues

import (
	"encoding/json"
	"strconv"
)

// AnswerKind is the kind of answer an ask expects.
type AnswerKind string

// The kinds of answer.
const (
	AnswerScale  AnswerKind = "scale"  // a whole number between bounds, e.g. 0–10
	AnswerYesNo  AnswerKind = "yes_no" // yes or no
	AnswerChoice AnswerKind = "choice" // one of a few options with reply codes
	AnswerNumber AnswerKind = "number" // any number, optionally bounded
	AnswerText   AnswerKind = "text"   // free text, kept as written
)

// Expect is what an ask expects as an answer.
type Expect struct {
	Kind AnswerKind
	// Scale: whole numbers Min…Max, with anchor words for some points
	// (e.g. 0 "not at all", 10 "completely"); an anchor word is accepted
	// as an answer too.
	Min, Max int
	Anchors  map[int]string
	// Number: optional bounds.
	NumberMin, NumberMax *float64
	// Choice: the options.
	Options []Option
	Pos     Pos
}

// Option is one answer of a choice question.
type Option struct {
	Code  string   // the reply code, e.g. "C"
	Words []string // words that also select it, e.g. "confirm", "yes"
}

// Value is an understood answer. The zero Value (Kind "") means no answer
// was understood.
type Value struct {
	Kind   AnswerKind
	Number float64 // scale and number
	Yes    bool    // yes_no
	Choice string  // choice: the option code
	Text   string  // text: the words as written
}

// None reports whether v holds no answer.
func (v Value) None() bool { return v.Kind == "" }

// String renders the value as a person would read it.
func (v Value) String() string {
	switch v.Kind {
	case AnswerScale, AnswerNumber:
		return strconv.FormatFloat(v.Number, 'f', -1, 64)
	case AnswerYesNo:
		if v.Yes {
			return "yes"
		}
		return "no"
	case AnswerChoice:
		return v.Choice
	case AnswerText:
		return v.Text
	}
	return ""
}

// MarshalJSON writes a number for scale and number answers, true or false
// for yes/no, a string for choices and text, and null for no answer.
func (v Value) MarshalJSON() ([]byte, error) {
	switch v.Kind {
	case AnswerScale, AnswerNumber:
		return json.Marshal(v.Number)
	case AnswerYesNo:
		return json.Marshal(v.Yes)
	case AnswerChoice:
		return json.Marshal(v.Choice)
	case AnswerText:
		return json.Marshal(v.Text)
	}
	return []byte("null"), nil
}
