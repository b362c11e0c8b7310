package main

import (
	"context"
	"flag"
	"fmt"
	"hash/fnv"
	"io"
	"os"
	"slices"
	"strings"

	"planbot/index"
)

// sample is one labelled question of a calibration set, with what the
// index makes of it when it answers everything.
type sample struct {
	set  string
	q    evalQuestion
	ans  index.Answer // every candidate, as found with the zero decision
	x    []float64    // the features; nil when nothing was found
	rank int          // of the first right result, 0 if none
	held bool         // kept out of fitting
}

// Calibration settings: the share of each set held out, the L2 weight of
// the fit, what answering wrongly costs against a right answer (standing
// by a wrong result of a question the plan answers; standing by anything
// for a question it does not, which misleads more), the share
// of the questions with a right result among the first three that must
// at least be offered, the folds of cross-validation and the parts the
// cuts are averaged over (index.SteadyCuts).
const (
	heldOutOf   = 5 // one question in five, by its ID's hash
	lambda      = 3.0
	wrongCost   = 0.3
	outsideCost = 1.5
	offerRecall = 0.995
	folds       = 5
	cutParts    = 5
	calibDepth  = evalDepth
	setSepPlans = ":"
)

// runCalibrate fits the decision to answer on labelled question sets and
// writes it as the data file the index embeds.
func runCalibrate(ctx context.Context, args []string, stdin io.Reader, stdout, stderr io.Writer) error {
	fs := flag.NewFlagSet("calibrate", flag.ContinueOnError)
	fs.SetOutput(stderr)
	out := fs.String("o", "", "write the decision to this file (index/data/decision.txt); without it, only report")
	dump := fs.String("dump", "", "write every question's features and labels to this file (TSV), to study them")
	if err := fs.Parse(args); err != nil || fs.NArg() == 0 {
		fmt.Fprintln(stderr, "usage: planbot calibrate [-o FILE] [PLAN"+setSepPlans+"]SET.jsonl ...")
		return errUsage
	}
	// A flag's file is written: never a question set (-dump takes the
	// next word, and a set named there would be lost).
	for _, path := range []string{*out, *dump} {
		if strings.HasSuffix(path, ".jsonl") {
			fmt.Fprintf(stderr, "calibrate: %s is a question set; -o and -dump name the files to write\n", path)
			return errUsage
		}
	}
	m, err := newMatcher()
	if err != nil {
		return err
	}
	var samples []sample
	for _, arg := range fs.Args() {
		planFile, setFile := "", arg
		if p, s, ok := strings.Cut(arg, setSepPlans); ok && !strings.HasSuffix(p, ".jsonl") {
			planFile, setFile = p, s
		}
		got, err := calibrationSamples(ctx, m, planFile, setFile)
		if err != nil {
			return err
		}
		samples = append(samples, got...)
	}
	if *dump != "" {
		if err := dumpSamples(*dump, samples); err != nil {
			return err
		}
	}
	var train []sample
	for _, s := range samples {
		if !s.held {
			train = append(train, s)
		}
	}
	// Cross-validation on the fitting part: each fold scored by a decision
	// fitted on the others.
	cv := map[string]*scoreCard{}
	for f := range folds {
		var fit, test []sample
		for i, s := range train {
			if i%folds == f {
				test = append(test, s)
			} else {
				fit = append(fit, s)
			}
		}
		d := fitDecision(fit)
		for _, s := range test {
			score(cv, m, s, d)
		}
	}
	d := fitDecision(train)
	held := map[string]*scoreCard{}
	for _, s := range samples {
		if s.held {
			score(held, m, s, d)
		}
	}
	fmt.Fprintf(stdout, "%d questions, %d fitted, %d held out\n", len(samples), len(train), len(samples)-len(train))
	report := func(title string, cards map[string]*scoreCard) {
		fmt.Fprintf(stdout, "\n%s\n%-28s %5s %9s %9s %9s\n", title, "set", "n", "recall@1", "recall@3", "declined")
		for _, arg := range fs.Args() {
			c := cards[arg]
			if c == nil {
				continue
			}
			fmt.Fprintf(stdout, "%-28s %5d %9.3f %9.3f %9s\n", setName(arg), c.all.n+c.none,
				ratio(c.all.at1, c.all.n), ratio(c.all.at3, c.all.n), declinedShare(c))
		}
	}
	report(fmt.Sprintf("cross-validated (%d folds of the fitted part)", folds), cv)
	report("held out (the decision written)", held)
	if *out == "" {
		return nil
	}
	f, err := os.Create(*out)
	if err != nil {
		return err
	}
	if _, err := d.WriteTo(f); err != nil {
		f.Close()
		return err
	}
	return f.Close()
}

func setName(arg string) string {
	if i := strings.LastIndex(arg, "/"); i >= 0 {
		return arg[i+1:]
	}
	return arg
}

func declinedShare(c *scoreCard) string {
	if c.none == 0 {
		return "—"
	}
	return fmt.Sprintf("%.3f", ratio(c.declined, c.none))
}

// calibrationSamples runs one set through an index that answers
// everything, and labels what it found.
func calibrationSamples(ctx context.Context, m *matcher, planFile, setFile string) ([]sample, error) {
	qs, err := readQuestions(setFile)
	if err != nil {
		return nil, err
	}
	// Not kept: go generate runs calibrate from a new build every time,
	// whose entries no later run would read.
	lib, err := openLibrary(ctx, []planEntry{{File: planFile}}, planCache{})
	if err != nil {
		return nil, err
	}
	defer lib.Close()
	idx := lib.Default()
	idx.SetDecision(index.Decision{})
	name := planFile + setSepPlans + setFile
	if planFile == "" {
		name = setFile
	}
	var out []sample
	for _, q := range qs {
		ans, x, err := idx.Features(ctx, q.Q, calibDepth)
		if err != nil {
			return nil, err
		}
		s := sample{set: name, q: q, ans: ans, x: x, held: heldOut(setName(setFile), q.ID)}
		if q.Kind != "none" {
			s.rank = m.rank(q, ans)
		}
		out = append(out, s)
	}
	return out, nil
}

// heldOut keeps one question in heldOutOf out of fitting, by a hash of its
// set and ID, so the part held out stays the same from run to run.
func heldOut(set, id string) bool {
	h := fnv.New32a()
	io.WriteString(h, set+"\x00"+id)
	return h.Sum32()%heldOutOf == 0
}

// fitDecision fits both models and their cuts on samples.
func fitDecision(samples []sample) index.Decision {
	var xs [][]float64
	var at1, at3, inScope []bool
	var costs []float64
	for _, s := range samples {
		if s.x == nil {
			continue
		}
		xs = append(xs, s.x)
		at1 = append(at1, s.rank == 1)
		at3 = append(at3, s.rank >= 1 && s.rank <= 3)
		inScope = append(inScope, s.q.Kind != "none")
		if s.q.Kind == "none" {
			costs = append(costs, outsideCost)
		} else {
			costs = append(costs, wrongCost)
		}
	}
	d := index.Decision{
		Answer: index.FitSigned(xs, at1, lambda, index.FeatureSigns),
		Scope:  index.FitSigned(xs, inScope, lambda, index.FeatureSigns),
		Offer:  index.FitSigned(without(xs, "whether"), at3, lambda, index.FeatureSigns),
	}
	pa, ps, po := make([]float64, len(xs)), make([]float64, len(xs)), make([]float64, len(xs))
	for i, x := range xs {
		pa[i], ps[i], po[i] = d.Answer.Prob(x), d.Scope.Prob(x), d.Offer.Prob(x)
	}
	d.AnswerCut, d.ScopeCut = index.SteadyCuts(pa, ps, at1, costs, cutParts)
	d.OfferCut = index.RecallCut(po, at3, offerRecall)
	return d
}

// without is xs with the named feature zero: a model fitted on it does not
// read the feature. Whether a question asks whether the plan takes
// something up speaks of its scope, not of the closest things the plan has
// to offer: 东河要建摩天轮 and 东河要建摩天轮吗 are offered alike.
func without(xs [][]float64, feature string) [][]float64 {
	i := slices.Index(index.FeatureNames, feature)
	out := make([][]float64, len(xs))
	for k, x := range xs {
		out[k] = slices.Clone(x)
		out[k][i] = 0
	}
	return out
}

// score adds one sample, decided by d, to the card of its set.
func score(cards map[string]*scoreCard, m *matcher, s sample, d index.Decision) {
	key := s.set
	c := cards[key]
	if c == nil {
		c = &scoreCard{}
		cards[key] = c
	}
	c.add(m, s.q, d.Apply(s.ans, s.x))
}

// dumpSamples writes the samples as a table: set, ID, the labels, the
// features.
func dumpSamples(path string, samples []sample) error {
	var sb strings.Builder
	sb.WriteString("set\tid\tkind\trank\tq\t" + strings.Join(index.FeatureNames, "\t") + "\n")
	for _, s := range samples {
		fmt.Fprintf(&sb, "%s\t%s\t%s\t%d\t%s", setName(s.set), s.q.ID, s.q.Kind, s.rank, s.q.Q)
		for i := range index.FeatureNames {
			v := 0.0
			if s.x != nil {
				v = s.x[i]
			}
			fmt.Fprintf(&sb, "\t%.3f", v)
		}
		sb.WriteString("\n")
	}
	return os.WriteFile(path, []byte(sb.String()), 0o644)
}
