package triage

import (
	"cmp"
	"fmt"
	"slices"
	"strings"
	"sync"
)

// ReasonModel begins the Reason of a result made urgent by the model rather
// than by a rule: "model", then, after a colon, the words that weighed most
// towards risk ("model: tablets, last, goodbye"; see Result.Words).
const ReasonModel = "model"

// maxReasonWords is how many words a model reason names at most.
const maxReasonWords = 3

// Result is what triage says about one message.
type Result struct {
	Label           Label      `json:"label"`
	Urgent          bool       `json:"urgent"`
	Confidence      float64    `json:"confidence"` // how sure: 1 for a rule match, else the model's probability of Label
	Reason          string     `json:"reason"`     // the matched rule phrase, "model: " and the words that weighed most, or "" when not urgent
	RiskProbability float64    `json:"risk_probability"`
	Rule            *RuleMatch `json:"-"` // the rule that matched, if one did
	// Words are, for a result made urgent by the model, the (normalised)
	// words that pushed its risk probability up most, heaviest first; at
	// most three, only words that pushed towards risk. Empty otherwise.
	Words []string `json:"words,omitempty"`
}

// Classifier labels messages with the safety rules and the trained model.
// It is safe for concurrent use.
type Classifier struct {
	rules *ruleSet
	// models are the members of the model: networks of one configuration
	// trained with different seeds, whose probabilities are averaged (an
	// ensemble; one member is a single model).
	models    []*weights
	threshold float64
	scratch   sync.Pool // *scratch
}

type scratch struct {
	base    []int // the message's feature ids, before each member keeps its known ones
	ids     []int
	all     []int // every feature occurrence, for explain
	x, h, u []float32
	win     []float32 // word windows, for the word-order branch
	arg     []int32   // each filter's winning window
	owners  []featureOwner
	weight  map[int]float32 // feature id → its weight towards risk
	score   []float32       // per word
}

// newClassifier joins the lexicon and the trained weights of one or more
// members, all of one shape.
func newClassifier(models []*weights, threshold float64) (*Classifier, error) {
	rs, err := newRuleSet(Lexicon)
	if err != nil {
		return nil, err
	}
	if threshold <= 0 || threshold >= 1 {
		return nil, fmt.Errorf("risk threshold %v outside (0, 1)", threshold)
	}
	if len(models) == 0 {
		return nil, fmt.Errorf("no model")
	}
	w := models[0]
	for _, m := range models {
		if m.features != w.features || m.dim != w.dim || m.hidden != w.hidden || m.conv != w.conv || m.riskHead != w.riskHead {
			return nil, fmt.Errorf("the members of the model differ in shape")
		}
		if m.known == nil {
			m.markKnown()
		}
	}
	c := &Classifier{rules: rs, models: models, threshold: threshold}
	c.scratch.New = func() any {
		return &scratch{ids: make([]int, 0, 256), x: make([]float32, w.inputs()), h: make([]float32, w.hidden), u: make([]float32, w.inputs()), arg: make([]int32, w.conv)}
	}
	return c, nil
}

// Classify labels one message. A message is urgent when a lexicon rule
// matches or the model's risk probability reaches the threshold; an urgent
// message is always labelled risk, and a message labelled risk is always
// urgent. Otherwise the label is the most probable one that is not risk
// (even when risk is the model's top label but below the threshold).
func (c *Classifier) Classify(text string) Result {
	words := normaliseTokens(text)
	s := c.scratch.Get().(*scratch)
	defer c.scratch.Put(s)
	probs := c.run(words, s)
	pRisk := probs[Risk]
	if m, ok := c.rules.match(words); ok {
		return Result{Label: Risk, Urgent: true, Confidence: 1, Reason: m.Phrase, RiskProbability: pRisk, Rule: &m}
	}
	if pRisk >= c.threshold {
		why := c.explain(words, probs, s)
		reason := ReasonModel
		if len(why) > 0 {
			reason += ": " + strings.Join(why, ", ")
		}
		return Result{Label: Risk, Urgent: true, Confidence: pRisk, Reason: reason, RiskProbability: pRisk, Words: why}
	}
	best := decide(probs, false, c.threshold)
	return Result{Label: best, Confidence: probs[best], RiskProbability: pRisk}
}

// probabilities runs the model on normalised words.
func (c *Classifier) probabilities(words []string) [numLabels]float64 {
	s := c.scratch.Get().(*scratch)
	defer c.scratch.Put(s)
	return c.run(words, s)
}

// run runs the model on normalised words with scratch space s: the mean
// of its members' probabilities.
func (c *Classifier) run(words []string, s *scratch) [numLabels]float64 {
	s.base = c.models[0].features.featureIDs(words, s.base)
	if len(c.models) == 1 {
		return c.runMember(c.models[0], words, s)
	}
	var mean [numLabels]float64
	for _, w := range c.models {
		p := c.runMember(w, words, s)
		for k := range mean {
			mean[k] += p[k] / float64(len(c.models))
		}
	}
	return mean
}

// runMember runs one member on words whose feature ids are in s.base,
// leaving its known ids in s.ids and its hidden activations in s.h.
func (c *Classifier) runMember(w *weights, words []string, s *scratch) [numLabels]float64 {
	s.ids = w.knownIDs(append(s.ids[:0], s.base...))
	s.win = w.convInput(words, s.x, s.arg, s.win)
	return w.probabilities(s.ids, s.x, s.h)
}

// explain returns the words that weighed most towards risk in the last run
// on s (heaviest first, at most maxReasonWords, only words whose weight is
// positive). A feature's weight is its first-order share of the risk
// log-odds — the gradient at the message's pooled input times the
// feature's pooled vector — and a feature of a word pair is shared
// equally between the two words. With several members, a word's weight is
// the sum of its weights in each (each member run again on the message).
// Cost: one pass over the layers and one dot product per feature per
// member, and only for messages the model makes urgent.
func (c *Classifier) explain(words []string, probs [numLabels]float64, s *scratch) []string {
	s.score = append(s.score[:0], make([]float32, len(words))...)
	if len(c.models) == 1 {
		c.weigh(c.models[0], words, probs, s)
	} else {
		for _, w := range c.models {
			c.weigh(w, words, c.runMember(w, words, s), s)
		}
	}
	return c.heaviest(words, s)
}

// weigh adds to s.score each word's weight towards risk in member w, whose
// last run on s gave probs.
func (c *Classifier) weigh(w *weights, words []string, probs [numLabels]float64, s *scratch) {
	w.riskDirection(s.h, probs, s.u)
	// The pooling scale of each bag: known distinct ids per bag.
	var perBag [2]int
	for _, id := range s.ids {
		perBag[min(w.features.bagOf(id), 1)]++
	}
	if s.weight == nil {
		s.weight = make(map[int]float32, 128)
	}
	clear(s.weight)
	for _, id := range s.ids {
		b := w.features.bagOf(id)
		ub := s.u[b*w.dim : (b+1)*w.dim]
		var d float32
		for i, v := range w.emb[id*w.dim : (id+1)*w.dim] {
			d += ub[i] * v
		}
		s.weight[id] = d * w.features.Pool.scale(perBag[min(b, 1)])
	}
	// Share each feature's weight among its occurrences, then among words.
	s.all, s.owners = w.features.appendFeatures(words, s.all[:0], s.owners[:0], true)
	all := s.all
	seen := make(map[int]float32, len(all)) // occurrences of each id
	for _, id := range all {
		seen[id]++
	}
	for k, id := range all {
		wt, ok := s.weight[id]
		if !ok {
			continue // not known: carries nothing
		}
		share := wt / seen[id]
		o := s.owners[k]
		if o.Second >= 0 {
			s.score[o.First] += share / 2
			s.score[o.Second] += share / 2
		} else {
			s.score[o.First] += share
		}
	}
	// The word-order branch: filter c's output is its winning window's
	// value; each word of that window gets its own part of it (its vector
	// times its slot of the filter), times the gradient on the filter.
	if w.conv > 0 {
		base := w.inputs() - w.conv
		d := w.vec.dims
		width := convWidth * d
		for c, t := range s.arg {
			if t < 0 {
				continue
			}
			g := s.u[base+c]
			for k := range convWidth {
				at := int(t) + k - convWidth/2
				if at < 0 || at >= len(words) {
					continue
				}
				row := w.wc[c*width+k*d : c*width+(k+1)*d]
				var part float32
				for i, v := range s.win[int(t)*width+k*d : int(t)*width+(k+1)*d] {
					part += row[i] * v
				}
				s.score[at] += g * part
			}
		}
	}
}

// heaviest returns the words of s.score that weighed most towards risk:
// a word's weight summed over its repeats, content words first.
func (c *Classifier) heaviest(words []string, s *scratch) []string {
	total := map[string]float32{}
	var order []string
	for i, word := range words {
		if _, ok := total[word]; !ok {
			order = append(order, word)
		}
		total[word] += s.score[i]
	}
	slices.SortStableFunc(order, func(a, b string) int { return cmp.Compare(total[b], total[a]) })
	var out []string
	for _, plain := range []bool{false, true} { // content words first
		for _, word := range order {
			if len(out) == maxReasonWords || total[word] <= 0 {
				break
			}
			if glueWords[word] == plain {
				out = append(out, word)
			}
		}
		if len(out) > 0 {
			break
		}
	}
	return out
}

// glueWords are named in a model reason only when no other word pushed
// towards risk: "the" and "at" may weigh, but they tell the link worker
// nothing.
var glueWords = map[string]bool{}

func init() {
	for _, w := range strings.Fields("the a an of in on at to for by and or but so is am are was were be been it its that this with from as i") {
		glueWords[w] = true
	}
}
