package index

import (
	"math"
	"strings"
	"testing"
)

// TestFit checks that the fit finds a separating feature, and that a
// decision survives its data file.
func TestFit(t *testing.T) {
	var xs [][]float64
	var ys []bool
	for i := range 200 {
		x := make([]float64, len(FeatureNames))
		x[0] = float64(i%20) / 20 // rel: decides
		x[4] = float64(i%7) / 7   // topic: noise
		x[9] = float64(i%3) / 3   // bm25: noise
		xs = append(xs, x)
		ys = append(ys, x[0] >= 0.5)
	}
	m := Fit(xs, ys, 0.1)
	right := 0
	probs := make([]float64, len(xs))
	for i, x := range xs {
		probs[i] = m.Prob(x)
		if (probs[i] >= 0.5) == ys[i] {
			right++
		}
	}
	if right < 190 {
		t.Errorf("fit: %d of 200 right", right)
	}
	if math.Abs(m.Weights[0]) <= math.Abs(m.Weights[4]) {
		t.Errorf("weights: rel %.3f, noise %.3f", m.Weights[0], m.Weights[4])
	}
	costs := make([]float64, len(ys))
	for i := range costs {
		costs[i] = 1
	}
	cut := BestCut(probs, ys, costs)
	d := Decision{Answer: m, Offer: m, AnswerCut: cut, OfferCut: cut / 2}
	var sb strings.Builder
	if _, err := d.WriteTo(&sb); err != nil {
		t.Fatal(err)
	}
	back, err := ParseDecision(sb.String())
	if err != nil {
		t.Fatal(err)
	}
	for _, x := range xs {
		if math.Abs(back.Answer.Prob(x)-m.Prob(x)) > 1e-4 {
			t.Fatalf("read back: %.5f, want %.5f", back.Answer.Prob(x), m.Prob(x))
		}
	}
	for _, bad := range []string{"", "answer nosuch 1 0 1\ncut answer 0.5\ncut offer 0.5", "cut answer x\ncut offer 1", "answer rel 1 0 0\ncut answer 0.5\ncut offer 0.5"} {
		if _, err := ParseDecision(bad); err == nil {
			t.Errorf("ParseDecision(%q) read it", bad)
		}
	}
}

// TestEmbeddedDecision checks that the decision the index embeds knows
// every feature it names.
func TestEmbeddedDecision(t *testing.T) {
	d, err := ParseDecision(decisionData)
	if err != nil {
		t.Fatal(err)
	}
	if d.Answer.Weights == nil || d.AnswerCut <= 0 || d.AnswerCut >= 1 || d.OfferCut <= 0 || d.OfferCut >= 1 {
		t.Errorf("embedded decision: cuts %.3f %.3f", d.AnswerCut, d.OfferCut)
	}
}

func TestHeldFeature(t *testing.T) {
	if FeatureNames[namedFeature] != "namedanswers" {
		t.Errorf("FeatureNames[%d] = %q, want namedanswers", namedFeature, FeatureNames[namedFeature])
	}
	if FeatureNames[heldFeature] != "held" {
		t.Errorf("FeatureNames[%d] = %q, want held", heldFeature, FeatureNames[heldFeature])
	}
}
