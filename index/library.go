package index

import (
	"cmp"
	"context"
	_ "embed"
	"errors"
	"fmt"
	"runtime"
	"slices"
	"sort"
	"strings"
	"sync/atomic"
	"unicode/utf8"

	"planbot/index/segment"
)

// A Library is several plans side by side: the district's, the city's and
// the nation's, 十四五 and 十五五. Each is its own *Index with a short name;
// a question is searched in the plans it names (国家规划里…, 十五五…, 南京…),
// else in the plans the caller chose, else in all, and every result says
// which plan it comes from. Each plan decides with its own model whether it
// answers; the library answers when one of them does.

//go:embed data/levels.txt
var levelsData string

// Library searches several plans. It is safe for concurrent use.
type Library struct {
	plans  []*Index
	byName map[string]*Index
	def    *Index
	seg    *segment.Segmenter
	levels map[string][]string // level → the words that name it
	naming map[*Index]naming   // what names each plan, read once from its title
}

// naming is what names a plan in a question (see Library.Named): its
// period, its level, its places and its short name, lowered.
type naming struct {
	period, level string
	places        []string
	name          string
}

// NewLibrary makes a library of plans, each named by its Index's Name, the
// names unique. def names the default plan (see Default); "" takes the
// first.
func NewLibrary(plans []*Index, def string) (*Library, error) {
	if len(plans) == 0 {
		return nil, errors.New("index: a library needs a plan")
	}
	levels, err := parseLevels(levelsData)
	if err != nil {
		return nil, err
	}
	seg, err := segment.Default()
	if err != nil {
		return nil, fmt.Errorf("index: %w", err)
	}
	l := &Library{plans: slices.Clone(plans), byName: map[string]*Index{}, def: plans[0], seg: seg.Cached(), levels: levels, naming: map[*Index]naming{}}
	for _, idx := range plans {
		if idx.Name() == "" {
			return nil, errors.New("index: a plan has no name")
		}
		if _, dup := l.byName[idx.Name()]; dup {
			return nil, fmt.Errorf("index: two plans are named %s", idx.Name())
		}
		l.byName[idx.Name()] = idx
		l.naming[idx] = naming{period: idx.plan.Period(), level: idx.plan.Level(), places: idx.places, name: strings.ToLower(idx.Name())}
	}
	if len(plans) > 1 {
		shareWords(plans)
	}
	if def != "" {
		idx, ok := l.byName[def]
		if !ok {
			return nil, fmt.Errorf("index: no plan named %s", def)
		}
		l.def = idx
	}
	return l, nil
}

// parseLevels reads levels.txt: level = words.
func parseLevels(src string) (map[string][]string, error) {
	out := map[string][]string{}
	for n, line := range strings.Split(src, "\n") {
		line = strings.TrimSpace(line)
		if line == "" || strings.HasPrefix(line, "#") {
			continue
		}
		level, words, ok := strings.Cut(line, "=")
		level = strings.TrimSpace(level)
		if !ok || level == "" || len(strings.Fields(words)) == 0 {
			return nil, fmt.Errorf("index: levels.txt:%d: want level = words", n+1)
		}
		out[level] = append(out[level], strings.Fields(words)...)
	}
	return out, nil
}

// Plans are the library's plans, in the order given.
func (l *Library) Plans() []*Index { return slices.Clone(l.plans) }

// Plan is the plan of that name.
func (l *Library) Plan(name string) (*Index, bool) {
	idx, ok := l.byName[name]
	return idx, ok
}

// Default is the default plan: the one a chat browses (its contents, its
// indicators) when it has chosen none.
func (l *Library) Default() *Index { return l.def }

// Close releases every plan.
func (l *Library) Close() error {
	var errs []error
	for _, idx := range l.plans {
		errs = append(errs, idx.Close())
	}
	return errors.Join(errs...)
}

// Named lists the names of the plans a question names, in the library's
// order: by a period (十四五, 十五五), a level (国家, 市里, 区里: see
// levels.txt) or a place its title gives (南京, 东河区). Within one of the
// three the plans named add up (我们区和市里的规划); across them they narrow
// (南京“十五五”), unless nothing is left, when they add up too (南京和国家的规划).
// A word naming no loaded plan is ignored: none when the question names
// none.
func (l *Library) Named(question string) []string {
	plans, _ := l.named(question)
	out := make([]string, len(plans))
	for i, idx := range plans {
		out[i] = idx.Name()
	}
	return out
}

// named is Named with the plans, and the words that named them (a level,
// a place), which the search leaves out of a plan that does not use them.
func (l *Library) named(question string) ([]*Index, []string) {
	q := strings.ToLower(question)
	starts := map[int]bool{}
	for _, t := range l.seg.Cut(q) {
		starts[t.Start] = true
	}
	// at reports whether w stands in q where a word starts and not before
	// 级.
	at := func(w string) bool {
		for off := 0; ; {
			i := strings.Index(q[off:], w)
			if i < 0 {
				return false
			}
			i += off
			if starts[i] && !strings.HasPrefix(q[i+len(w):], "级") {
				return true
			}
			off = i + len(w)
		}
	}
	var dims [][]*Index
	var levelWords []string
	add := func(match func(*Index) bool) {
		var set []*Index
		for _, idx := range l.plans {
			if match(idx) {
				set = append(set, idx)
			}
		}
		if len(set) > 0 {
			dims = append(dims, set)
		}
	}
	// Periods.
	var periodsNamed []string
	for _, p := range periods {
		if strings.Contains(q, p) {
			periodsNamed = append(periodsNamed, p)
		}
	}
	add(func(idx *Index) bool { return slices.Contains(periodsNamed, l.naming[idx].period) })
	// Levels.
	levelsNamed := map[string]bool{}
	for level, words := range l.levels {
		for _, w := range words {
			if at(w) {
				levelsNamed[level] = true
				levelWords = append(levelWords, w)
			}
		}
	}
	add(func(idx *Index) bool { return levelsNamed[l.naming[idx].level] })
	// Places, and the plans' own short names.
	add(func(idx *Index) bool {
		if strings.Contains(q, l.naming[idx].name) {
			return true
		}
		found := false
		for _, p := range l.naming[idx].places {
			if at(p) {
				found = true
				levelWords = append(levelWords, p)
			}
		}
		return found
	})
	if len(dims) == 0 {
		return nil, nil
	}
	var out []*Index
	for _, idx := range l.plans {
		in := true
		for _, d := range dims {
			in = in && slices.Contains(d, idx)
		}
		if in {
			out = append(out, idx)
		}
	}
	if len(out) == 0 {
		for _, idx := range l.plans {
			for _, d := range dims {
				if slices.Contains(d, idx) {
					out = append(out, idx)
					break
				}
			}
		}
	}
	// Longest first: 南京市 before 南京.
	sort.Slice(levelWords, func(i, j int) bool { return len(levelWords[i]) > len(levelWords[j]) })
	return out, levelWords
}

// Scope lists the plans a question is searched in: those it names, else
// those of chosen (the names of a chat's choice; unknown names are
// skipped), else all.
func (l *Library) Scope(question string, chosen []string) []*Index {
	scope, _ := l.scope(question, chosen)
	return scope
}

// scope is Scope with the words that named plans (see named).
func (l *Library) scope(question string, chosen []string) ([]*Index, []string) {
	named, naming := l.named(question)
	if len(named) > 0 {
		return named, naming
	}
	var out []*Index
	for _, name := range chosen {
		if idx, ok := l.byName[name]; ok {
			out = append(out, idx)
		}
	}
	if len(out) > 0 {
		return out, naming
	}
	return l.Plans(), naming
}

// Search answers a question from the plans of its Scope, with at most limit
// results, best first, each labelled with its plan. Every plan decides with
// its own model; the answer is answered when one plan answers it, and then
// holds the results of the plans that answer; otherwise it offers the
// closest things of the plans that offer, or declines. Missing are the
// words no plan searched uses.
func (l *Library) Search(ctx context.Context, question string, chosen []string, limit int) (Answer, error) {
	if limit <= 0 {
		limit = 5
	}
	scope, naming := l.scope(question, chosen)
	// The helpers that search the plans beside the caller start while it
	// reads the question.
	c := hire(min(len(scope), runtime.GOMAXPROCS(0)) - 1)
	defer c.release() // for a search that fails before it runs
	// The words that name a plan are not always the plan's words: 市里
	// would count against every answer as a word the plan never uses.
	asked := func(idx *Index) string {
		s := strings.ToLower(question)
		for _, w := range naming {
			if idx.freq(strings.ToLower(w)) == 0 {
				s = strings.ReplaceAll(s, strings.ToLower(w), " ")
			}
		}
		if utf8.RuneCountInString(strings.TrimSpace(s)) < 2 {
			return question
		}
		return s
	}
	// What reading a question owes nothing to a plan is done once for
	// each text searched (most often one for all plans): the plans share
	// the tables it reads.
	reads := make([]query, len(scope))
	byText := map[string]query{}
	for i, idx := range scope {
		s := asked(idx)
		r, ok := byText[s]
		if !ok {
			r = idx.qu.read(s)
			byText[s] = r
		}
		reads[i] = r
		reads[i].Naming = naming
	}
	answers := make([]Answer, len(scope))
	found := make([]searched, len(scope))
	errs := make([]error, len(scope))
	// The largest plans go first, the small ones fill in after: the
	// workers end about together, not one of them waiting on a large
	// plan taken last.
	order := make([]int, len(scope))
	for i := range order {
		order[i] = i
	}
	slices.SortStableFunc(order, func(a, b int) int { return cmp.Compare(scope[b].n, scope[a].n) })
	c.run(len(order), func(k int) {
		i := order[k]
		answers[i], _, found[i], errs[i] = scope[i].searchRead(ctx, reads[i], limit)
	})
	if err := errors.Join(errs...); err != nil {
		return Answer{Query: question, Missing: []string{}, Results: []Result{}}, err
	}
	ans := merge(answers, limit)
	ans.Query = question
	// Only the results shown get their excerpt, side by side.
	each(len(ans.Results), func(i int) {
		for k := range found {
			if found[k].idx != nil && found[k].idx.name == ans.Results[i].Plan {
				found[k].excerptOf(&ans.Results[i])
				break
			}
		}
	})
	return ans, nil
}

// each calls f(0) to f(n-1) on as many processors as it may, the caller's
// among them: each call goes to the first free, in order. A call is a
// fraction of a millisecond; a hand-over through a channel would wake a
// goroutine up for each. each returns once every call has returned, not
// waiting for a helper that took none: a helper takes a while to start
// (on a virtual machine whose other processor sleeps, 0.1–0.2 ms), and
// the calls may all be made by then.
func each(n int, f func(int)) {
	hire(min(n, runtime.GOMAXPROCS(0))-1).run(n, f)
}

// A crew makes calls on as many processors as it may (see each), its
// helpers started before the caller knows the calls, so that they start
// while it gets them ready.
type crew struct {
	f          func(int)
	n          int32
	next, left atomic.Int32
	ready      atomic.Bool
}

// hire starts a crew of the caller and helpers more. Its run must follow,
// soon: the helpers wait for it, or for release.
func hire(helpers int) *crew {
	c := new(crew)
	for range helpers {
		go func() {
			for !c.ready.Load() {
				runtime.Gosched()
			}
			c.work()
		}()
	}
	return c
}

// run calls f(0) to f(n-1), each once, and returns once every call has
// returned. A crew runs once.
func (c *crew) run(n int, f func(int)) {
	c.f, c.n = f, int32(n)
	c.left.Store(int32(n))
	c.ready.Store(true)
	c.work()
	// The helpers' last calls: a fraction of a millisecond.
	for c.left.Load() > 0 {
		runtime.Gosched()
	}
}

// release lets the helpers of a crew that will not run go.
func (c *crew) release() { c.ready.Store(true) }

func (c *crew) work() {
	for k := c.next.Add(1) - 1; k < c.n; k = c.next.Add(1) - 1 {
		c.f(int(k))
		c.left.Add(-1)
	}
}

// merge makes one answer of the answers of several plans.
func merge(answers []Answer, limit int) Answer {
	out := Answer{Missing: []string{}, Results: []Result{}}
	if len(answers) == 1 {
		out = answers[0]
		return out
	}
	for _, a := range answers {
		out.Answered = out.Answered || a.Answered
	}
	// The results of the plans, best first, by their places: only those
	// shown are copied.
	type at struct{ answer, result int }
	var all []at
	for i, a := range answers {
		if a.Answered == out.Answered {
			for j := range a.Results {
				all = append(all, at{i, j})
			}
		}
	}
	score := func(r at) float64 { return answers[r.answer].Results[r.result].Score }
	slices.SortStableFunc(all, func(a, b at) int { return cmp.Compare(score(b), score(a)) })
	max := limit
	if !out.Answered {
		max = min(limit, maxOffered)
	}
	out.Results = make([]Result, 0, min(len(all), max))
	for _, r := range all[:min(len(all), max)] {
		out.Results = append(out.Results, answers[r.answer].Results[r.result])
		// The typos corrected are those of the plans whose results show.
		for wrong, right := range answers[r.answer].Corrected {
			if out.Corrected == nil {
				out.Corrected = map[string]string{}
			}
			out.Corrected[wrong] = right
		}
	}
	// A word is missing when no plan uses it.
	for _, w := range answers[0].Missing {
		all := true
		for _, a := range answers[1:] {
			all = all && slices.Contains(a.Missing, w)
		}
		if all {
			out.Missing = append(out.Missing, w)
		}
	}
	return out
}
