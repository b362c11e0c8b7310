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
	d := Decision{Answer: m, Scope: m, Offer: m, AnswerCut: cut, ScopeCut: cut / 3, OfferCut: cut / 2}
	var sb strings.Builder
	if _, err := d.WriteTo(&sb); err != nil {
		t.Fatal(err)
	}
	back, err := ParseDecision(sb.String())
	if err != nil {
		t.Fatal(err)
	}
	for _, x := range xs {
		if math.Abs(back.Answer.Prob(x)-m.Prob(x)) > 1e-4 || math.Abs(back.Scope.Prob(x)-m.Prob(x)) > 1e-4 {
			t.Fatalf("read back: %.5f %.5f, want %.5f", back.Answer.Prob(x), back.Scope.Prob(x), m.Prob(x))
		}
	}
	if math.Abs(back.ScopeCut-d.ScopeCut) > 1e-4 {
		t.Errorf("read back: scope cut %.5f, want %.5f", back.ScopeCut, d.ScopeCut)
	}
	for _, bad := range []string{"", "answer nosuch 1 0 1\ncut answer 0.5\ncut offer 0.5", "cut answer x\ncut offer 1", "answer rel 1 0 0\ncut answer 0.5\ncut offer 0.5"} {
		if _, err := ParseDecision(bad); err == nil {
			t.Errorf("ParseDecision(%q) read it", bad)
		}
	}
}

// TestBestCuts checks that a second probability that alone tells the
// questions the plan does not answer gets the cut that declines them,
// where the first cannot.
func TestBestCuts(t *testing.T) {
	var p1, p2, costs []float64
	var ys []bool
	for i := range 100 {
		switch i % 10 {
		case 0, 1, 2, 3: // right: found surely, in scope
			p1, p2, ys, costs = append(p1, 0.8), append(p2, 0.9), append(ys, true), append(costs, 0.3)
		case 4, 5, 6: // outside the plan: found as surely
			p1, p2, ys, costs = append(p1, 0.8), append(p2, 0.1), append(ys, false), append(costs, 1.5)
		default: // in scope, wrong: found weakly
			p1, p2, ys, costs = append(p1, 0.2), append(p2, 0.9), append(ys, false), append(costs, 0.3)
		}
	}
	if c := BestCut(p1, ys, costs); c < 0.8 {
		t.Fatalf("BestCut = %.2f: answering the first alone should not pay", c)
	}
	c1, c2 := BestCuts(p1, p2, ys, costs)
	for i := range p1 {
		if answered := p1[i] >= c1 && p2[i] >= c2; answered != ys[i] {
			t.Fatalf("BestCuts = %.2f, %.2f: question %d answered %v, want %v", c1, c2, i, answered, ys[i])
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

// TestLacksAsked checks the answer-type agreement: a question that asks
// for a count, a place, a person or which one of a kind is told from one
// its first answer holds that in.
func TestLacksAsked(t *testing.T) {
	idx := testIndex(t)
	tests := []struct {
		q     string
		lacks bool
	}{
		{"東河區有幾所高中", true},              // 高中 stands in the plan, no count of them
		{"中心医院那几个院士工作站，具体是哪几位院士", true}, // no one named
		{"蒙古族手工艺博物馆建在哪儿", true},         // no place given
		{"铝业园区管委会主任是谁", true},           // no one named
		{"农村牧区给排水改造一共涉及多少个村", false},    // 对32个自然村
		{"沙尔沁莲花山景区规划了几个景点", false},      // 主要景点35个
		{"要新建几所公办幼儿园", false},           // 5所公办幼儿园
		{"厕所革命最早是谁提出来的", false},         // 由联合国儿童基金会提出
		{"沙尔沁莲花山景区建设项目", false},         // asks nothing of the kind
		{"新冠疫苗在东河哪个社区医院能打", true},       // names no hospital
		{"哪个医院有医疗院士工作站", false},         // 中心医院3个医疗院士工作站
	}
	for _, tt := range tests {
		q := idx.qu.understand(tt.q)
		hits, err := idx.retrieve(t.Context(), q)
		if err != nil || len(hits) == 0 {
			t.Fatalf("%q: no hits (%v)", tt.q, err)
		}
		if got := idx.lacksAsked(q, hits[0]); got != tt.lacks {
			t.Errorf("%q: lacksAsked = %v, want %v (first %s %q)", tt.q, got, tt.lacks, hits[0].d.id, hits[0].d.title)
		}
	}
}

func TestHoldsCount(t *testing.T) {
	tests := []struct {
		text  string
		c     counted
		holds bool
	}{
		{"新建西脑包幼儿园、复生园幼儿园等5所公办幼儿园", counted{"所", []string{"幼儿园"}}, true},
		{"实施小学扩优、初中提档、高中提质战略", counted{"所", []string{"高中"}}, false},
		{"按国家5A级旅游景区为建设标杆，主要景点35个。", counted{"个", []string{"景点"}}, true},
		{"按国家5A级旅游景区为建设标杆，主要景点35个。", counted{"个", []string{"村"}}, false},
		{"完成老旧小区改造112个", counted{"个", nil}, true},
	}
	for _, tt := range tests {
		if got := holdsCount(tt.text, tt.c); got != tt.holds {
			t.Errorf("holdsCount(%q, %v) = %v, want %v", tt.text, tt.c, got, tt.holds)
		}
	}
}

// TestOutsideRank checks the rank cues: a question of a rank (排第几) is of
// what plans do not say, unless the answer states a rank as plans do
// (居全市第一, 进入全市前列).
func TestOutsideRank(t *testing.T) {
	idx := testIndex(t)
	tests := []struct {
		q       string
		outside int
	}{
		{"国家级龙头企业有几家，排名怎么样", 0}, // 国家级龙头企业2家，居全市第一
		{"初中学校教学质量在全市排第几", 0},   // 更多初中学校教学质量进入全市前列
		{"东河的空气质量在全国排第几", 1},    // no rank stated
		{"东河区的公园门票多少钱", 2},      // not a rank: 门票 and 多少钱 stay
	}
	for _, tt := range tests {
		q := idx.qu.understand(tt.q)
		hits, err := idx.retrieve(t.Context(), q)
		if err != nil || len(hits) == 0 {
			t.Fatalf("%q: no hits (%v)", tt.q, err)
		}
		if got := outsideOf(q, hits[0].d); got != tt.outside {
			t.Errorf("%q: outsideOf = %d, want %d (first %s %q)", tt.q, got, tt.outside, hits[0].d.id, hits[0].d.text)
		}
	}
}

// TestSteadyCuts checks that the averaged cuts keep what every part
// agrees on and move less than BestCuts where one question decides.
func TestSteadyCuts(t *testing.T) {
	// Right answers score high, wrong ones low, every part agrees: the
	// same questions answered as by BestCuts.
	p := []float64{0.95, 0.9, 0.85, 0.8, 0.75, 0.3, 0.25, 0.2, 0.15, 0.1}
	ones := []float64{1, 1, 1, 1, 1, 1, 1, 1, 1, 1}
	ys := []bool{true, true, true, true, true, false, false, false, false, false}
	costs := []float64{0.3, 0.3, 0.3, 0.3, 0.3, 1.5, 1.5, 1.5, 1.5, 1.5}
	c1, _ := SteadyCuts(p, ones, ys, costs, 5)
	for i := range p {
		if answered := p[i] >= c1; answered != ys[i] {
			t.Errorf("cut %.3f: question %d answered %v, want %v", c1, i, answered, ys[i])
		}
	}
	// One right answer far below the rest (0.2) pulls BestCuts' cut down
	// past a wrong one when it counts more: the averaged cut, found without
	// it in one part of five, moves by less.
	p = []float64{0.95, 0.9, 0.85, 0.8, 0.7, 0.6, 0.5, 0.2}
	ones = ones[:len(p)]
	ys = []bool{true, true, true, true, false, false, false, true}
	costs = []float64{0.3, 0.3, 0.3, 0.3, 0.3, 0.3, 0.3, 0.3}
	best, _ := BestCuts(p, ones, ys, costs)
	steady, _ := SteadyCuts(p, ones, ys, costs, 5)
	if best >= 0.5 {
		t.Fatalf("BestCuts = %.3f: the case does not pull the cut down", best)
	}
	if steady <= best {
		t.Errorf("SteadyCuts = %.3f, BestCuts = %.3f: want the averaged cut above", steady, best)
	}
}
