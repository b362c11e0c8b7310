package corpus

import (
	_ "embed"
	"regexp"
	"sync"
)

// defaultName is the file name of the embedded plan, used in messages.
const defaultName = "donghe-14th-five-year-plan.md"

//go:embed plans/donghe-14th-five-year-plan.md
var defaultSource []byte

// DefaultSource returns the embedded plan document as written.
func DefaultSource() []byte { return defaultSource }

// Default returns the embedded plan, parsed once.
var Default = sync.OnceValues(func() (*Plan, error) {
	return Parse(defaultName, defaultSource)
})

// Passage returns the passage with the given ID.
func (pl *Plan) Passage(id string) (Passage, bool) {
	for _, p := range pl.Passages {
		if p.ID == id {
			return p, true
		}
	}
	return Passage{}, false
}

// Indicator returns indicator number n of the table: the first of its
// rows when it has several (每千人口拥有医护人员数: 执业医师, 注册护士).
func (pl *Plan) Indicator(n int) (Indicator, bool) {
	for _, ind := range pl.Indicators {
		if ind.Number == n {
			return ind, true
		}
	}
	return Indicator{}, false
}

// Chapter returns chapter n.
func (pl *Plan) Chapter(n int) (Chapter, bool) {
	if n < 1 || n > len(pl.Chapters) {
		return Chapter{}, false
	}
	return pl.Chapters[n-1], true
}

// Box returns 专栏n.
func (pl *Plan) Box(n int) (Box, bool) {
	for _, b := range pl.Boxes {
		if b.Number == n {
			return b, true
		}
	}
	return Box{}, false
}

// Texts returns every text of the model: titles, passages, indicator names
// and notes, glossary entries and box items. Segmentation dictionaries are
// built from it.
func (pl *Plan) Texts() []string {
	out := []string{pl.Title, pl.Issuer}
	for _, c := range pl.Chapters {
		out = append(out, c.Title)
		for _, s := range c.Sections {
			out = append(out, s.Title)
			for _, sub := range s.Subsections {
				out = append(out, sub.Title)
			}
		}
	}
	for _, p := range pl.Passages {
		out = append(out, p.Text)
	}
	for _, i := range pl.Indicators {
		out = append(out, i.Category, i.Name, i.Unit)
	}
	out = append(out, pl.IndicatorNotes...)
	for _, t := range pl.Terms {
		out = append(out, t.Term, t.Definition)
		out = append(out, t.Aliases...)
	}
	for _, b := range pl.Boxes {
		out = append(out, b.Title)
		out = append(out, b.Items...)
	}
	return out
}

// periodRe finds the plan's period in its title: 第十五个五年规划.
var periodRe = regexp.MustCompile(`第([一二三四五六七八九十]+)个五年`)

// Period names the five-year period of the plan as people say it: 十四五,
// 十五五. A title that does not name one is taken for 十四五.
func (pl *Plan) Period() string {
	if m := periodRe.FindStringSubmatch(pl.Title); m != nil {
		return m[1] + "五"
	}
	return "十四五"
}
