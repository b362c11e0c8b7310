package index

import (
	"bufio"
	_ "embed"
	"fmt"
	"io"
	"math"
	"slices"
	"sort"
	"strconv"
	"strings"
)

//go:generate go run ../cmd/planbot calibrate -o data/decision.txt ../../shared/eval/dev.jsonl ../../shared/eval/dev2.jsonl testdata/calib/donghe-everyday.jsonl ../../shared/plans/national-15th.txt:../../shared/plans/national-15th.jsonl ../../shared/plans/nanjing-15th.txt:../../shared/plans/nanjing-15th.jsonl ../../shared/plans/suzhou-15th.txt:../../shared/plans/suzhou-15th.jsonl ../../shared/plans/national-15th.txt:testdata/calib/national-everyday.jsonl

// The decision to answer is learned from labelled questions (planbot
// calibrate) and kept as plain data: two logistic models over the
// features of the best candidate answer, and their cut points.
//
//go:embed data/decision.txt
var decisionData string

// FeatureNames name the features of a candidate answer, in the order of
// the vectors that Features returns. Each is a share, a flag or a small
// count, so that a model fitted on one plan reads another.
var FeatureNames = []string{
	"rel",          // share of the question the answer and its best sentence hold, net of absent words
	"sent",         // share of the question the best sentence holds
	"cov",          // share of the question the whole answer holds
	"title",        // share of the question the answer's title holds
	"topic",        // share of the question's topic nouns the answer holds
	"absent",       // share of the question's weight in words the plan never uses
	"missing",      // how many nouns of the question the plan never uses
	"unknown",      // share of the question's weight in words no dictionary knows
	"margin",       // how far the first answer leads the second
	"bm25",         // the first answer's BM25 score against the best BM25 score
	"intent",       // the question asks for the first answer's kind
	"otherintent",  // the question asks for another kind than the first answer's
	"outside",      // how many things the question asks that plans do not say (prices, people, hours) and the answer does not, at most 3
	"exact",        // the answer's title stands whole in the question
	"terms",        // log of the number of words of the question
	"indicator",    // the first answer is an indicator
	"term",         // … a glossary term
	"project",      // … a project
	"target",       // … a target of the prose
	"quantity",     // the question asks how many or how much
	"quantityhit",  // … and the best sentence holds a figure in the unit asked
	"corrected",    // a typo of the question was corrected
	"sentrel2",     // the second answer's relevance against the first's
	"namedanswers", // the question names a box or an indicator number
	"held",         // log of the number of the question's words, not numbers, the first answer holds
	"nofigure",     // the question asks how many or how much, and the first answer holds no figure
	"nowhen",       // the question asks when, and the first answer names no year
	"typemiss",     // the question asks for a count, a place or a person the first answer does not hold
	"whether",      // the question asks whether or how the plan takes something up (管不管, 有没有, …吗)
}

// The indexes of "held" and "namedanswers" in FeatureNames.
const (
	topicFeature = 4
	heldFeature  = 24
	namedFeature = 23
)

// FeatureSigns are the signs a feature's weight may take in the decision
// to answer: +1 where more of it can only speak for the answer (the share
// of the question it holds), -1 where it can only speak against (words the
// plan never uses, a question of a kind plans do not answer), 0 where the
// data decide. A fit that finds the other sign has learned a quirk of its
// few hundred questions, not how questions work.
var FeatureSigns = map[string]int{
	"rel": 1, "sent": 1, "cov": 1, "title": 1, "topic": 1, "margin": 1, "bm25": 1,
	"intent": 1, "exact": 1, "quantityhit": 1, "namedanswers": 1, "held": 1, "whether": 1,
	"absent": -1, "missing": -1, "unknown": -1, "otherintent": -1, "outside": -1,
	"nofigure": -1, "nowhen": -1, "sentrel2": -1, "typemiss": -1,
}

// FitSigned fits as Fit does, keeping each weight to its sign in signs
// (by FeatureNames): a feature whose weight comes out against its sign is
// left out, the worst first, and the rest fitted again.
func FitSigned(xs [][]float64, ys []bool, lambda float64, signs map[string]int) Model {
	off := map[int]bool{}
	for {
		masked := make([][]float64, len(xs))
		for k, x := range xs {
			masked[k] = append([]float64(nil), x...)
			for i := range off {
				masked[k][i] = 0
			}
		}
		m := Fit(masked, ys, lambda)
		worst, worstW := -1, 0.0
		for i, w := range m.Weights {
			if i >= len(FeatureNames) || off[i] {
				continue
			}
			if sg := signs[FeatureNames[i]]; sg != 0 && w*float64(sg) < 0 && math.Abs(w) > worstW {
				worst, worstW = i, math.Abs(w)
			}
		}
		if worst < 0 {
			for i := range off {
				m.Weights[i], m.Mean[i], m.Scale[i] = 0, 0, 1
			}
			return m
		}
		off[worst] = true
	}
}

// topicOffer is the share of the question's topic that the first result
// must hold for the plan to be said to speak of it.
const topicOffer = 0.6

// Decision holds the fitted models: Answer reads whether the first result
// is right, Scope whether the plan answers the question at all, Offer
// whether a right result is among the first three. A question is answered
// when the first model's probability reaches AnswerCut and the second's
// ScopeCut, offered when the third's reaches OfferCut, else declined. The
// two of answering differ: a question about a detail the plan leaves out
// (几所高中) may find its topic as surely as one the plan answers, and a
// question the plan answers in other words than the question's may find
// the right answer as weakly as a wrong one.
type Decision struct {
	Answer, Scope, Offer          Model
	AnswerCut, ScopeCut, OfferCut float64
}

// Model is a logistic model over standardized features.
type Model struct {
	Bias    float64
	Weights []float64 // by FeatureNames
	Mean    []float64 // of each feature in the data it was fitted on
	Scale   []float64 // standard deviation, 1 where there was none
}

// Prob is the model's probability for a feature vector.
func (m Model) Prob(x []float64) float64 {
	z := m.Bias
	for i, w := range m.Weights {
		if i < len(x) {
			z += w * (x[i] - m.Mean[i]) / m.Scale[i]
		}
	}
	return 1 / (1 + math.Exp(-z))
}

// Fit fits a logistic model with L2 regularization lambda by Newton's
// method: deterministic, and quick for a few thousand samples. The
// features are those of xs, FeatureNames when there are none.
func Fit(xs [][]float64, ys []bool, lambda float64) Model {
	d := len(FeatureNames)
	if len(xs) > 0 {
		d = len(xs[0])
	}
	m := Model{Weights: make([]float64, d), Mean: make([]float64, d), Scale: make([]float64, d)}
	n := float64(len(xs))
	if n == 0 {
		for i := range m.Scale {
			m.Scale[i] = 1
		}
		return m
	}
	for _, x := range xs {
		for i := range d {
			m.Mean[i] += x[i] / n
		}
	}
	for _, x := range xs {
		for i := range d {
			m.Scale[i] += (x[i] - m.Mean[i]) * (x[i] - m.Mean[i]) / n
		}
	}
	for i := range m.Scale {
		m.Scale[i] = math.Sqrt(m.Scale[i])
		if m.Scale[i] < 1e-9 {
			m.Scale[i] = 1
		}
	}
	// w[0] is the bias, w[1:] the weights of standardized features.
	w := make([]float64, d+1)
	z := make([][]float64, len(xs))
	for k, x := range xs {
		z[k] = make([]float64, d+1)
		z[k][0] = 1
		for i := range d {
			z[k][i+1] = (x[i] - m.Mean[i]) / m.Scale[i]
		}
	}
	for range 50 {
		grad := make([]float64, d+1)
		hess := make([][]float64, d+1)
		for i := range hess {
			hess[i] = make([]float64, d+1)
		}
		for k, zk := range z {
			s := 0.0
			for i, v := range zk {
				s += w[i] * v
			}
			p := 1 / (1 + math.Exp(-s))
			y := 0.0
			if ys[k] {
				y = 1
			}
			for i, vi := range zk {
				grad[i] += (p - y) * vi
				for j, vj := range zk {
					hess[i][j] += p * (1 - p) * vi * vj
				}
			}
		}
		for i := 1; i <= d; i++ {
			grad[i] += lambda * w[i]
			hess[i][i] += lambda
		}
		hess[0][0] += 1e-6
		step := solve(hess, grad)
		change := 0.0
		for i := range w {
			w[i] -= step[i]
			change = math.Max(change, math.Abs(step[i]))
		}
		if change < 1e-8 {
			break
		}
	}
	m.Bias = w[0]
	copy(m.Weights, w[1:])
	return m
}

// solve solves a x = b by Gaussian elimination with partial pivoting; a
// is symmetric positive definite here, so no pivot vanishes.
func solve(a [][]float64, b []float64) []float64 {
	n := len(b)
	m := make([][]float64, n)
	for i := range a {
		m[i] = append(append([]float64{}, a[i]...), b[i])
	}
	for c := range n {
		p := c
		for r := c + 1; r < n; r++ {
			if math.Abs(m[r][c]) > math.Abs(m[p][c]) {
				p = r
			}
		}
		m[c], m[p] = m[p], m[c]
		if math.Abs(m[c][c]) < 1e-12 {
			continue
		}
		for r := c + 1; r < n; r++ {
			f := m[r][c] / m[c][c]
			for k := c; k <= n; k++ {
				m[r][k] -= f * m[c][k]
			}
		}
	}
	x := make([]float64, n)
	for i := n - 1; i >= 0; i-- {
		if math.Abs(m[i][i]) < 1e-12 {
			continue
		}
		s := m[i][n]
		for k := i + 1; k < n; k++ {
			s -= m[i][k] * x[k]
		}
		x[i] = s / m[i][i]
	}
	return x
}

// BestCut is the probability cut that maximizes the gain of a decision:
// each positive at or above the cut gains 1, each negative there costs
// its cost. Probabilities are tried at the midpoints between observed ones.
func BestCut(probs []float64, ys []bool, costs []float64) float64 {
	cut, _ := bestCut(probs, ys, costs)
	return cut
}

// BestCuts are the cuts of two probabilities, answering where both reach
// theirs, that maximize the gain of the decision as BestCut reckons it.
// The second's cut is tried at the midpoints between its observed values.
func BestCuts(p1, p2 []float64, ys []bool, costs []float64) (cut1, cut2 float64) {
	cands := append([]float64(nil), p2...)
	sort.Float64s(cands)
	cands = slices.Compact(cands)
	cut1, best := bestCut(p1, ys, costs)
	cut2 = 0
	for i := range cands {
		c := cands[i] / 2
		if i > 0 {
			c = (cands[i-1] + cands[i]) / 2
		}
		var q1 []float64
		var qy []bool
		var qc []float64
		for k := range p1 {
			if p2[k] >= c {
				q1, qy, qc = append(q1, p1[k]), append(qy, ys[k]), append(qc, costs[k])
			}
		}
		if cut, gain := bestCut(q1, qy, qc); gain > best {
			cut1, cut2, best = cut, c, gain
		}
	}
	return cut1, cut2
}

// SteadyCuts is BestCuts averaged over the parts of the questions that
// leave one of n parts out (the i-th question is in part i mod n): a cut
// that one question more or less would move by the whole gap to the next
// question moves by a share of it, so that a small change of the features
// or of the sets does not flip the questions near it.
func SteadyCuts(p1, p2 []float64, ys []bool, costs []float64, n int) (cut1, cut2 float64) {
	for k := range n {
		var q1, q2, qc []float64
		var qy []bool
		for i := range p1 {
			if i%n != k {
				q1, q2, qy, qc = append(q1, p1[i]), append(q2, p2[i]), append(qy, ys[i]), append(qc, costs[i])
			}
		}
		c1, c2 := BestCuts(q1, q2, qy, qc)
		cut1 += c1 / float64(n)
		cut2 += c2 / float64(n)
	}
	return cut1, cut2
}

// bestCut is BestCut with the gain at its cut.
func bestCut(probs []float64, ys []bool, costs []float64) (float64, float64) {
	type pt struct {
		p, cost float64
		y       bool
	}
	pts := make([]pt, len(probs))
	for i := range probs {
		pts[i] = pt{probs[i], costs[i], ys[i]}
	}
	sort.Slice(pts, func(i, j int) bool { return pts[i].p > pts[j].p })
	best, bestGain, gain := 1.0, 0.0, 0.0
	for i, p := range pts {
		if p.y {
			gain++
		} else {
			gain -= p.cost
		}
		if i+1 < len(pts) && pts[i+1].p == p.p {
			continue
		}
		if gain > bestGain {
			bestGain = gain
			if i+1 < len(pts) {
				best = (p.p + pts[i+1].p) / 2
			} else {
				best = p.p / 2
			}
		}
	}
	return best, bestGain
}

// RecallCut is the highest probability cut that keeps at least share of
// the positives at or above it.
func RecallCut(probs []float64, ys []bool, share float64) float64 {
	var pos []float64
	for i, p := range probs {
		if ys[i] {
			pos = append(pos, p)
		}
	}
	if len(pos) == 0 {
		return 0.5
	}
	sort.Sort(sort.Reverse(sort.Float64Slice(pos)))
	k := int(math.Ceil(share*float64(len(pos)))) - 1
	k = max(0, min(k, len(pos)-1))
	return pos[k] * 0.999
}

// Apply decides an answer whose results were all found, from the features
// of its first result: answered, it keeps them; offered, the first
// maxOffered; declined, none. The zero Decision answers whatever found
// something.
func (d Decision) Apply(ans Answer, x []float64) Answer {
	ans.Answered = false
	switch {
	case len(ans.Results) == 0 || x == nil:
		ans.Results = []Result{}
	case d.Answer.Weights == nil || x[namedFeature] > 0 || d.Answer.Prob(x) >= d.AnswerCut && (d.Scope.Weights == nil || d.Scope.Prob(x) >= d.ScopeCut):
		// What the question names (an indicator by its number, a list)
		// the plan's structure answers: no guess to weigh.
		ans.Answered = true
	case x[heldFeature] > 0 && (d.Offer.Prob(x) >= d.OfferCut || x[topicFeature] >= topicOffer):
		// An offer holds at least a word of the question, not only a
		// number; with none, the plan has nothing to offer. Where the
		// first result holds most of the question's topic, the plan
		// speaks of it: a decline would say it does not.
		ans.Results = ans.Results[:min(len(ans.Results), maxOffered)]
	default:
		ans.Results = []Result{}
	}
	return ans
}

// WriteTo writes the decision as the plain data file it is read from.
func (d Decision) WriteTo(w io.Writer) (int64, error) {
	var sb strings.Builder
	sb.WriteString("# The decision to answer, fitted by `planbot calibrate`: do not edit by hand.\n")
	sb.WriteString("# A line: model feature bias/weight mean scale; then the cut points.\n")
	for _, mm := range []struct {
		name string
		m    Model
	}{{"answer", d.Answer}, {"scope", d.Scope}, {"offer", d.Offer}} {
		if mm.m.Weights == nil {
			continue
		}
		fmt.Fprintf(&sb, "%s bias %s\n", mm.name, num(mm.m.Bias))
		for i, f := range FeatureNames {
			fmt.Fprintf(&sb, "%s %s %s %s %s\n", mm.name, f, num(mm.m.Weights[i]), num(mm.m.Mean[i]), num(mm.m.Scale[i]))
		}
	}
	fmt.Fprintf(&sb, "cut answer %s\n", num(d.AnswerCut))
	if d.Scope.Weights != nil {
		fmt.Fprintf(&sb, "cut scope %s\n", num(d.ScopeCut))
	}
	fmt.Fprintf(&sb, "cut offer %s\n", num(d.OfferCut))
	n, err := io.WriteString(w, sb.String())
	return int64(n), err
}

func num(f float64) string { return strconv.FormatFloat(f, 'g', 6, 64) }

// ParseDecision reads a decision file. Features it does not name keep a
// zero weight; a feature it names that the program does not know is an
// error, as is a file without the answer and offer models and cuts. The
// scope model is optional: without it, answering reads the answer model
// alone.
func ParseDecision(data string) (Decision, error) {
	var d Decision
	col := map[string]int{}
	for i, f := range FeatureNames {
		col[f] = i
	}
	var scope Model
	hasScope := false
	models := map[string]*Model{"answer": &d.Answer, "scope": &scope, "offer": &d.Offer}
	for _, m := range models {
		m.Weights = make([]float64, len(FeatureNames))
		m.Mean = make([]float64, len(FeatureNames))
		m.Scale = make([]float64, len(FeatureNames))
		for i := range m.Scale {
			m.Scale[i] = 1
		}
	}
	cuts := 0
	sc := bufio.NewScanner(strings.NewReader(data))
	for line := 1; sc.Scan(); line++ {
		f := strings.Fields(sc.Text())
		if len(f) == 0 || strings.HasPrefix(f[0], "#") {
			continue
		}
		vals := make([]float64, 0, 3)
		for _, s := range f[2:] {
			v, err := strconv.ParseFloat(s, 64)
			if err != nil {
				return Decision{}, fmt.Errorf("index: decision line %d: %q is not a number", line, s)
			}
			vals = append(vals, v)
		}
		switch {
		case f[0] == "cut" && len(vals) == 1 && f[1] == "scope":
			d.ScopeCut = vals[0]
		case f[0] == "cut" && len(vals) == 1 && (f[1] == "answer" || f[1] == "offer"):
			if f[1] == "answer" {
				d.AnswerCut = vals[0]
			} else {
				d.OfferCut = vals[0]
			}
			cuts++
		case models[f[0]] != nil && f[1] == "bias" && len(vals) == 1:
			models[f[0]].Bias = vals[0]
			hasScope = hasScope || f[0] == "scope"
		case models[f[0]] != nil && len(vals) == 3:
			i, ok := col[f[1]]
			if !ok {
				return Decision{}, fmt.Errorf("index: decision line %d: unknown feature %q", line, f[1])
			}
			if vals[2] <= 0 {
				return Decision{}, fmt.Errorf("index: decision line %d: scale must be positive", line)
			}
			m := models[f[0]]
			m.Weights[i], m.Mean[i], m.Scale[i] = vals[0], vals[1], vals[2]
		default:
			return Decision{}, fmt.Errorf("index: decision line %d: cannot read %q", line, sc.Text())
		}
	}
	if cuts != 2 {
		return Decision{}, fmt.Errorf("index: decision: want the cuts of both models")
	}
	if hasScope {
		d.Scope = scope
	}
	return d, nil
}
