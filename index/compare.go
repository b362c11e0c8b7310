package index

import (
	"context"
	_ "embed"
	"strings"
	"unicode/utf8"

	"planbot/corpus"
)

// A comparison sets one measure side by side across plans: the rows of
// each plan's indicator table that name it (地区生产总值增长率 in one, GDP
// written 地区生产总值 in another), with their years and values as printed,
// and apart from them the figures the prose of each plan gives for it,
// never merged with the table's.

// Comparison is one measure across plans.
type Comparison struct {
	// Name is the measure as asked.
	Name string `json:"name"`
	// Rows are the indicator rows that name it, plan by plan in the
	// library's order: in each plan the row that names it best (with its
	// sub-rows: 执业医师, 注册护士).
	Rows []Row `json:"rows"`
	// Figures are the figures the plans' prose states for it, plan by plan.
	Figures []Figure `json:"figures"`
}

// Row is an indicator of one plan's table.
type Row struct {
	Plan      string           `json:"plan"`
	Indicator corpus.Indicator `json:"indicator"`
	// Location says where the row stands: the table and its number.
	Location string `json:"location"`
}

// Figure is a target or result the prose of one plan states.
type Figure struct {
	Plan   string        `json:"plan"`
	Target corpus.Target `json:"target"`
}

//go:embed data/compare.txt
var compareData string

// compareWords are the words that ask to compare, from compare.txt.
var compareWords = strings.Fields(strings.Join(dataLines(compareData), " "))

// Comparing reads a question that compares plans (十五五森林覆盖率目标比十四五高多少):
// it asks to compare, names two plans or more, and what they answer first
// is an indicator or a figure: its name is the measure. ok is false for
// any other question.
func (l *Library) Comparing(ctx context.Context, question string) (measure string, plans []string, ok bool) {
	q := strings.ToLower(question)
	asks := false
	for _, w := range compareWords {
		asks = asks || strings.Contains(q, w)
	}
	named, _ := l.named(question)
	if !asks || len(named) < 2 {
		return "", nil, false
	}
	for _, idx := range named {
		plans = append(plans, idx.Name())
	}
	ans, err := l.Search(ctx, question, plans, 5)
	if err != nil || len(ans.Results) == 0 {
		return "", nil, false
	}
	for _, r := range ans.Results {
		if (r.Kind == KindIndicator || r.Kind == KindTarget) && len(r.Items) == 0 {
			name, _, _ := strings.Cut(r.Title, " ") // without a sub-row's name
			return name, plans, true
		}
	}
	return "", nil, false
}

// maxFigures is how many of its prose's figures a plan shows in a
// comparison.
const maxFigures = 3

// Compare sets the measure name across the plans named (all when none).
// A row or a figure counts when its name holds the whole measure as the
// index reads it, synonyms included; the best row of each plan is the one
// whose name holds least else.
func (l *Library) Compare(ctx context.Context, name string, plans []string) Comparison {
	c := Comparison{Name: name, Rows: []Row{}, Figures: []Figure{}}
	scope := l.plans
	if len(plans) > 0 {
		scope = nil
		for _, n := range plans {
			if idx, ok := l.byName[n]; ok {
				scope = append(scope, idx)
			}
		}
	}
	for _, idx := range scope {
		if ctx.Err() != nil {
			break
		}
		rows, figures := idx.compare(name)
		c.Rows = append(c.Rows, rows...)
		c.Figures = append(c.Figures, figures...)
	}
	return c
}

// compare finds the measure name in the plan's table and prose.
func (idx *Index) compare(name string) ([]Row, []Figure) {
	q := idx.qu.understand(name)
	if len(q.Terms) == 0 {
		return nil, nil
	}
	weight := func(t term) float64 { return idx.idf(t.Text) * t.Weight * charFactor(t) }
	sc := newScorer(q.Terms, weight)
	total := sc.cover(func(string) bool { return true })
	if total == 0 {
		return nil, nil
	}
	asked := map[string]bool{}
	for _, t := range q.Terms {
		asked[t.Text] = true
	}
	// match scores a name: 0 unless it holds the whole measure, then more
	// the less else it holds.
	match := func(s string) float64 {
		toks := idx.seg.CutSearch(s)
		words := map[string]bool{}
		for _, t := range toks {
			words[strings.ToLower(t.Text)] = true
		}
		if sc.cover(func(w string) bool { return words[w] })/total < 0.999 {
			return 0
		}
		// The share of the name's characters that the asked words make:
		// by characters, not words, since a name may be one word of the
		// dictionary (地区生产总值增长率) or several.
		lower, in := strings.ToLower(s), 0
		for w := range asked {
			if strings.Contains(lower, w) {
				in = max(in, utf8.RuneCountInString(w))
			}
		}
		return 0.5 + 0.5*float64(in)/float64(max(utf8.RuneCountInString(s), 1))
	}
	var rows []Row
	best := 0.0
	for _, ind := range idx.plan.Indicators {
		s := match(ind.Name)
		switch {
		case s == 0 || s < best:
			continue
		case s > best:
			best, rows = s, nil
		}
		rows = append(rows, Row{Plan: idx.name, Indicator: ind, Location: indicatorLocation(idx.plan, ind)})
	}
	var figures []Figure
	seen := map[string]bool{}
	for _, t := range idx.targets {
		if t.Source != corpus.SourcePassage || seen[t.Text+t.Value] || match(t.Metric) < 0.7 {
			continue
		}
		seen[t.Text+t.Value] = true
		figures = append(figures, Figure{Plan: idx.name, Target: t})
		if len(figures) == maxFigures {
			break
		}
	}
	return rows, figures
}
