package triage

import "fmt"

// Label says what a reply is about.
type Label int

// The labels, in the order of the model's outputs.
const (
	Risk       Label = iota // suicide, self-harm, abuse, medical emergency, no food/heat/home, fear for someone
	Contact                 // wants to talk to the link worker
	Reschedule              // move or cancel a contact
	Stop                    // wants no more messages, said in words
	LowMood                 // low, lonely, anxious, no risk said
	Positive                // doing well, thanks
	Other                   // anything else
	numLabels
)

var labelNames = [numLabels]string{"risk", "contact", "reschedule", "stop", "low_mood", "positive", "other"}

// Labels lists every label in output order.
func Labels() []Label {
	out := make([]Label, numLabels)
	for i := range out {
		out[i] = Label(i)
	}
	return out
}

// String returns the label's name as written in data files and JSON.
func (l Label) String() string {
	if l < 0 || l >= numLabels {
		return fmt.Sprintf("Label(%d)", int(l))
	}
	return labelNames[l]
}

// MarshalText writes the label's name.
func (l Label) MarshalText() ([]byte, error) {
	if l < 0 || l >= numLabels {
		return nil, fmt.Errorf("unknown label %d", int(l))
	}
	return []byte(labelNames[l]), nil
}

// ParseLabel reads a label's name.
func ParseLabel(s string) (Label, error) {
	for i, n := range labelNames {
		if n == s {
			return Label(i), nil
		}
	}
	return 0, fmt.Errorf("unknown label %q", s)
}
