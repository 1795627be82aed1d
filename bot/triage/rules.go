package triage

import (
	"fmt"
	"slices"
	"strings"
)

// RuleMatch is a lexicon phrase found in a message.
type RuleMatch struct {
	Category Category
	Phrase   string // the words that matched, in normalised form
	Pattern  string // the lexicon pattern they matched
}

// rule is one expansion of a lexicon pattern: a fixed run of word
// skeletons, "$" standing for the end of the message.
type rule struct {
	entry int
	words []string
}

// ruleSet indexes every expansion of the lexicon by its first word, with
// the word runs that suppress a match (deniedOrOverBefore, harmlessIdioms).
type ruleSet struct {
	entries []Entry
	byFirst map[string][]rule
	before  [][]string // runs that, right before a match, suppress it
	idioms  [][]string // runs that suppress a match starting inside them
}

// maxExpansions bounds how many word runs one pattern may expand to, so a
// careless pattern fails loudly instead of slowing every message down.
const maxExpansions = 4096

// newRuleSet expands the patterns of entries and of the guards.
func newRuleSet(entries []Entry) (*ruleSet, error) {
	rs := &ruleSet{entries: entries, byFirst: map[string][]rule{}}
	var err error
	if rs.before, err = expandAll(deniedOrOverBefore); err != nil {
		return nil, err
	}
	if rs.idioms, err = expandAll(harmlessIdioms); err != nil {
		return nil, err
	}
	for i, e := range entries {
		runs, err := expandPattern(e.Pattern)
		if err != nil {
			return nil, fmt.Errorf("lexicon pattern %q: %w", e.Pattern, err)
		}
		for _, words := range runs {
			rs.byFirst[words[0]] = append(rs.byFirst[words[0]], rule{entry: i, words: words})
		}
	}
	return rs, nil
}

// expandAll expands every pattern of a guard list.
func expandAll(patterns []string) ([][]string, error) {
	var all [][]string
	for _, p := range patterns {
		runs, err := expandPattern(p)
		if err != nil {
			return nil, fmt.Errorf("guard %q: %w", p, err)
		}
		all = append(all, runs...)
	}
	return all, nil
}

// expandPattern turns "a|b [c] d" into every word run it stands for, each
// word as a skeleton; "_" joins words into one alternative ("a_load_of"),
// and "@name" stands for every alternative of a word class (wordClasses).
func expandPattern(pattern string) ([][]string, error) {
	runs := [][]string{nil}
	for _, tok := range strings.Fields(pattern) {
		optional := strings.HasPrefix(tok, "[") && strings.HasSuffix(tok, "]")
		tok = strings.TrimSuffix(strings.TrimPrefix(tok, "["), "]")
		var alts []string
		for _, a := range strings.Split(tok, "|") {
			if name, ok := strings.CutPrefix(a, "@"); ok {
				class, known := wordClasses[name]
				if !known {
					return nil, fmt.Errorf("unknown word class @%s", name)
				}
				alts = append(alts, strings.Fields(class)...)
				continue
			}
			alts = append(alts, a)
		}
		var next [][]string
		for _, run := range runs {
			if optional {
				next = append(next, run)
			}
			for _, a := range alts {
				if a == "" {
					return nil, fmt.Errorf("empty alternative")
				}
				grown := append([]string(nil), run...)
				for _, w := range strings.Split(a, "_") {
					grown = append(grown, skeleton(w))
				}
				next = append(next, grown)
			}
		}
		runs = next
		if len(runs) > maxExpansions {
			return nil, fmt.Errorf("more than %d expansions", maxExpansions)
		}
	}
	var out [][]string
	for _, run := range runs {
		if len(run) > 0 && run[0] == "^" {
			run = run[1:]
			if len(run) > 0 {
				run[0] = "^" + run[0]
			}
		}
		if len(run) == 0 || run[0] == "$" || slices.Contains(run[1:], "^") {
			return nil, fmt.Errorf("a run must start with a word, and ^ may only start it")
		}
		out = append(out, run)
	}
	return out, nil
}

// match returns the first lexicon phrase found in the normalised words of a
// message, reading left to right, and whether there was one. Matches in
// the past ("used to" within three words before, "had" right before),
// denied or over (deniedOrOverBefore, "years ago" after) or inside an
// everyday idiom are skipped.
func (rs *ruleSet) match(words []string) (RuleMatch, bool) {
	sk := make([]string, len(words))
	for i, w := range words {
		sk[i] = skeleton(w)
	}
	for i := range sk {
		candidates := rs.byFirst[sk[i]]
		if i == 0 {
			candidates = append(rs.byFirst["^"+sk[i]], candidates...)
		}
		for _, r := range candidates {
			n, ok := matchAt(sk, i, r.words)
			if !ok || inPast(sk, i) || rs.deniedOrOver(sk, i, n) || rs.inIdiom(sk, i) {
				continue
			}
			e := rs.entries[r.entry]
			return RuleMatch{Category: e.Category, Phrase: strings.Join(words[i:i+n], " "), Pattern: e.Pattern}, true
		}
	}
	return RuleMatch{}, false
}

// matchAt reports whether run matches sk from position i, and how many
// words of the message it covered.
func matchAt(sk []string, i int, run []string) (int, bool) {
	n := 0
	for j, w := range run {
		if j == 0 {
			w = strings.TrimPrefix(w, "^")
		}
		if w == "$" {
			if i+n != len(sk) {
				return 0, false
			}
			continue
		}
		if i+n >= len(sk) || sk[i+n] != w {
			return 0, false
		}
		n++
	}
	return n, true
}

// presentPerfect are the words that make a following "had" the present
// perfect, which is still now ("have" from "I've", "is" from "he's").
var presentPerfect = map[string]bool{"have": true, "has": true, "is": true}

// inPast reports whether the words before position i put a match in the
// past: "used to" within the three words before it, or "had" right before
// ("I had chest pain in May") unless it is the present perfect ("I've had
// chest pain for an hour", "he's had a fall").
func inPast(sk []string, i int) bool {
	if i > 0 && sk[i-1] == "had" && (i < 2 || !presentPerfect[sk[i-2]]) {
		return true
	}
	for j := max(0, i-4); j < i && j+1 < len(sk); j++ { // "to" may start the match
		if sk[j] == "used" && sk[j+1] == "to" {
			return true
		}
	}
	return false
}

// deniedOrOver reports whether the match of n words at i is denied or put
// behind the writer: a deniedOrOverBefore run ends right before it, or
// "years ago" comes within the four words after it.
func (rs *ruleSet) deniedOrOver(sk []string, i, n int) bool {
	for _, run := range rs.before {
		if j := i - len(run); j >= 0 && slices.Equal(sk[j:i], run) {
			return true
		}
	}
	for k := i + n; k+1 < len(sk) && k < i+n+4; k++ {
		if (sk[k] == "years" || sk[k] == "year" || sk[k] == "yrs") && sk[k+1] == "ago" {
			return true
		}
	}
	return false
}

// inIdiom reports whether a harmless idiom covers position i.
func (rs *ruleSet) inIdiom(sk []string, i int) bool {
	for _, run := range rs.idioms {
		for j := max(0, i-len(run)+1); j <= i; j++ {
			if n, ok := matchAt(sk, j, run); ok && j+n > i {
				return true
			}
		}
	}
	return false
}
