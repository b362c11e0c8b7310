package main

import (
	"context"
	"encoding/json"
	"errors"
	"flag"
	"fmt"
	"io"
	"os"
	"path/filepath"
	"runtime"
	"runtime/debug"
	runtimemetrics "runtime/metrics"
	"slices"
	"strings"
	"sync"
	"text/tabwriter"

	"planbot/bot"
	"planbot/corpus"
	"planbot/index"
	"planbot/index/segment"
)

// planEntry is one plan of the configuration's plans list.
type planEntry struct {
	// File is the plan document; empty for the plan built into the
	// binary. A relative path is read from the configuration file's
	// directory (plan.file's too).
	File string `yaml:"file"`
	// Name is the plan's short name (东河区“十四五”); empty: the one its
	// title gives.
	Name string `yaml:"name"`
	// Default marks the plan a chat browses when it has chosen none; at
	// most one. None marked: the first.
	Default bool `yaml:"default"`
}

// checkPlans checks the plans list, and makes plan.file the one plan when
// there is no list.
func (c *serveConfig) checkPlans() error {
	if len(c.Plans) == 0 {
		c.Plans = []planEntry{{File: c.Plan.File}}
		return nil
	}
	if c.Plan.File != "" {
		return errors.New("plan.file and plans: give the plans in plans alone")
	}
	defaults := 0
	names := map[string]bool{}
	for i, p := range c.Plans {
		if p.Default {
			defaults++
		}
		name := strings.TrimSpace(p.Name)
		if name != p.Name || strings.ContainsAny(name, "\n\r\t") {
			return fmt.Errorf("plans[%d].name must be a name without spaces around it or line breaks", i)
		}
		if name != "" && names[name] {
			return fmt.Errorf("plans[%d].name: two plans are named %s", i, name)
		}
		names[name] = true
	}
	if defaults > 1 {
		return errors.New("plans: at most one plan may be default: true")
	}
	return nil
}

// resolvePlans makes the relative plan files of a configuration read at
// path relative to its directory.
func (c *serveConfig) resolvePlans(path string) {
	for i, p := range c.Plans {
		if p.File != "" && !filepath.IsAbs(p.File) {
			c.Plans[i].File = filepath.Join(filepath.Dir(path), p.File)
		}
	}
}

// loadPlansConfig reads the configuration at path for its plans and
// data.dir, as ask, console, eval, targets and plans do: no token needed.
func loadPlansConfig(path string, getenv func(string) string) (*serveConfig, error) {
	src, err := os.ReadFile(path)
	if err != nil {
		var pe *os.PathError
		if errors.As(err, &pe) {
			err = pe.Err
		}
		return nil, fmt.Errorf("config %s: %w", path, err)
	}
	cfg, err := decodeConfig(src)
	if err == nil {
		err = cfg.checkPlans()
	}
	if err != nil {
		return nil, fmt.Errorf("config %s: %w", path, err)
	}
	cfg.resolvePlans(path)
	return cfg, nil
}

// planSource says where the plans come from: a configuration file, or one
// plan file (-plan), or neither (the built-in plan). The commands that
// answer take both flags.
type planSource struct {
	config, file string
}

// flags adds -config and -plan to fs.
func (s *planSource) flags(fs *flag.FlagSet) {
	fs.StringVar(&s.config, "config", "", "read the plans (plans, data.dir) from this configuration `file`")
	fs.StringVar(&s.file, "plan", "", "read this plan `file` instead of the built-in one")
}

// load reads the configuration, if any: the plans, and where what is
// built of them is kept: data.dir, else the user's cache.
func (s *planSource) load() ([]planEntry, planCache, error) {
	if s.config == "" {
		return []planEntry{{File: s.file}}, userPlanCache(os.Getenv), nil
	}
	if s.file != "" {
		return nil, planCache{}, errors.New("give -config or -plan, not both")
	}
	cfg, err := loadPlansConfig(s.config, os.Getenv)
	if err != nil {
		return nil, planCache{}, err
	}
	if cfg.Data.Dir != "" {
		return cfg.Plans, planCache{dir: cfg.Data.Dir}, nil
	}
	return cfg.Plans, userPlanCache(os.Getenv), nil
}

// plan parses one plan of the source: the one named, else the default.
func (s *planSource) plan(name string) (*corpus.Plan, error) {
	entries, _, err := s.load()
	if err != nil {
		return nil, err
	}
	var first *corpus.Plan
	for i, e := range entries {
		pl, err := loadPlan(e.File)
		if err != nil {
			return nil, err
		}
		short := e.Name
		if short == "" {
			short = pl.ShortName()
		}
		switch {
		case name != "" && short == name, name == "" && e.Default:
			return pl, nil
		case i == 0:
			first = pl
		}
	}
	if name != "" {
		return nil, fmt.Errorf("no plan named %s", name)
	}
	return first, nil
}

// open loads the plans and makes their library.
func (s *planSource) open(ctx context.Context) (*index.Library, error) {
	entries, cache, err := s.load()
	if err != nil {
		return nil, err
	}
	return openLibrary(ctx, entries, cache)
}

// openLibrary parses and indexes the plans of entries and makes their
// library, in the order of entries. The cache keeps what was built of
// each plan for the next start. The plans are read side by side, on every
// core, and beside the dictionary's load.
func openLibrary(ctx context.Context, entries []planEntry, cache planCache) (*index.Library, error) {
	// The dictionary loads while the plans are read; they wait for it
	// only when they need it.
	go segment.Default()
	lift := limitStart(len(entries), os.Getenv)
	defer lift()
	var bl index.Builder
	plans := make([]*index.Index, len(entries))
	srcs := make([][]byte, len(entries)) // of the plans built anew
	errs := make([]error, len(entries))
	onEveryCore(len(entries), func(i int) {
		plans[i], srcs[i], errs[i] = openPlan(ctx, &bl, cache, entries[i], lift)
	})
	fail := func(err error) (*index.Library, error) {
		for _, idx := range plans {
			if idx != nil {
				idx.Close()
			}
		}
		return nil, err
	}
	if err := errors.Join(errs...); err != nil {
		return fail(err)
	}
	def := ""
	for i, e := range entries {
		if e.Default {
			def = plans[i].Name()
		}
	}
	lib, err := index.NewLibrary(plans, def)
	if err != nil {
		if strings.Contains(err.Error(), "two plans") {
			err = fmt.Errorf("%w: give them names (plans: name)", err)
		}
		return fail(err)
	}
	if cache.dir != "" && slices.ContainsFunc(srcs, func(src []byte) bool { return src != nil }) {
		// What the builds allocated is garbage by now: collected before
		// the saves allocate, it leaves the peak of a first start near
		// that of a start without a cache.
		runtime.GC()
		onEveryCore(len(entries), func(i int) {
			if srcs[i] != nil {
				cache.keep(plans[i], srcs[i])
			}
		})
	}
	return lib, nil
}

// The memory opening plans from the cache may take: it runs under the Go
// runtime's soft memory limit (runtime/debug.SetMemoryLimit) of what the
// process holds already, openHeap and planHeap a plan, so that the
// collector works a little harder while the dictionary loads instead of
// letting its garbage grow the heap (a start with one plan: 47 → 44 MB
// peak RSS, about 0.01 s more; a start holds about 10 MB before it opens
// plans). With the binary's own pages, about 20 MB, a start keeps to the
// README's target of 40 MB and 5 MB a plan; a reload
// beside the plans it replaces is not squeezed below them. A plan built
// anew lifts the limit (building allocates several times what it keeps,
// and would spend its time collecting), as does GOMEMLIMIT, which is the
// user's to set.
const (
	openHeap = 12 << 20
	planHeap = 5 << 20
)

// limitStart sets the memory limit of opening n plans and returns what
// lifts it again, once, to what it was.
func limitStart(n int, getenv func(string) string) (lift func()) {
	if getenv("GOMEMLIMIT") != "" {
		return func() {}
	}
	prev := debug.SetMemoryLimit(goMemory() + openHeap + int64(n)*planHeap)
	var once sync.Once
	return func() { once.Do(func() { debug.SetMemoryLimit(prev) }) }
}

// goMemory is the memory the Go runtime holds, as its memory limit counts
// it: all it mapped but what it released.
func goMemory() int64 {
	m := []runtimemetrics.Sample{{Name: "/memory/classes/total:bytes"}, {Name: "/memory/classes/heap/released:bytes"}}
	runtimemetrics.Read(m)
	if m[0].Value.Kind() != runtimemetrics.KindUint64 || m[1].Value.Kind() != runtimemetrics.KindUint64 {
		return 0
	}
	return int64(m[0].Value.Uint64() - m[1].Value.Uint64())
}

// onEveryCore calls f(0) … f(n-1), as many at a time as there are cores.
func onEveryCore(n int, f func(i int)) {
	work := make(chan int)
	var wg sync.WaitGroup
	for range min(n, runtime.GOMAXPROCS(0)) {
		wg.Add(1)
		go func() {
			defer wg.Done()
			for i := range work {
				f(i)
			}
		}()
	}
	for i := range n {
		work <- i
	}
	close(work)
	wg.Wait()
}

// openPlan reads what the cache keeps of a plan, else parses and indexes
// it; then src is the plan's text, for the cache to keep what was built.
// A plan built anew calls building first: building allocates several
// times what it keeps.
func openPlan(ctx context.Context, bl *index.Builder, cache planCache, e planEntry, building func()) (idx *index.Index, src []byte, err error) {
	if err := ctx.Err(); err != nil {
		return nil, nil, err
	}
	text, err := planSourceBytes(e.File)
	if err != nil {
		return nil, nil, err
	}
	idx, ok := cache.open(bl, text)
	if !ok {
		building()
		pl, err := parsePlan(e.File, text)
		if err != nil {
			return nil, nil, err
		}
		if idx, err = bl.New(pl); err != nil {
			return nil, nil, err
		}
		src = text
	}
	if e.Name != "" {
		idx.SetName(e.Name)
	}
	return idx, src, nil
}

// planInfo is what planbot plans says of a plan.
type planInfo struct {
	Name       string           `json:"name"`
	Title      string           `json:"title"`
	File       string           `json:"file"`
	Default    bool             `json:"default"`
	Parts      int              `json:"parts"`
	Chapters   int              `json:"chapters"`
	Passages   int              `json:"passages"`
	Indicators int              `json:"indicators"`
	Boxes      int              `json:"boxes"`
	Terms      int              `json:"terms"`
	Warnings   []corpus.Warning `json:"warnings"`
}

// runPlans lists the plans loaded, with what the parser understood of each.
func runPlans(ctx context.Context, args []string, stdin io.Reader, stdout, stderr io.Writer) error {
	fs := flag.NewFlagSet("plans", flag.ContinueOnError)
	fs.SetOutput(stderr)
	asJSON := fs.Bool("json", false, `print JSON: [{"name","title","file","default","parts","chapters","passages","indicators","boxes","terms","warnings"}]`)
	var src planSource
	src.flags(fs)
	if err := fs.Parse(args); err != nil || fs.NArg() > 0 {
		fmt.Fprintln(stderr, "usage: planbot plans [-json] [-config FILE | -plan FILE]")
		return errUsage
	}
	entries, cache, err := src.load()
	if err != nil {
		return err
	}
	lib, err := openLibrary(ctx, entries, cache)
	if err != nil {
		return err
	}
	defer lib.Close()
	var infos []planInfo
	for i, idx := range lib.Plans() {
		pl := idx.Plan()
		c := pl.Check()
		file := entries[i].File
		infos = append(infos, planInfo{
			Name: idx.Name(), Title: pl.Title, File: file, Default: idx == lib.Default(),
			Parts: c.Counts.Parts, Chapters: c.Counts.Chapters, Passages: c.Counts.Passages,
			Indicators: c.Counts.Indicators, Boxes: c.Counts.Boxes, Terms: c.Counts.Terms,
			Warnings: c.Warnings,
		})
	}
	if *asJSON {
		enc := json.NewEncoder(stdout)
		enc.SetEscapeHTML(false)
		enc.SetIndent("", "  ")
		return enc.Encode(infos)
	}
	tw := tabwriter.NewWriter(stdout, 0, 0, 2, ' ', 0)
	fmt.Fprintln(tw, "名称\t篇\t章\t段\t指标\t专栏\t名词\t警告\t文件")
	for _, p := range infos {
		name := p.Name
		if p.Default {
			name += " *"
		}
		file := p.File
		if file == "" {
			file = "（内置）"
		}
		fmt.Fprintf(tw, "%s\t%d\t%d\t%d\t%d\t%d\t%d\t%d\t%s\n", name, p.Parts, p.Chapters, p.Passages, p.Indicators, p.Boxes, p.Terms, len(p.Warnings), file)
	}
	if err := tw.Flush(); err != nil {
		return err
	}
	fmt.Fprintf(stdout, "共 %d 份规划（* 为默认）\n", len(infos))
	for _, p := range infos {
		for _, w := range p.Warnings {
			fmt.Fprintf(stdout, "%s 第%d行：%s\n", p.Name, w.Line, w.Text)
		}
	}
	return nil
}

// botPlans are the library's plans as the bot takes them.
func botPlans(lib *index.Library) []bot.Plan {
	var out []bot.Plan
	for _, idx := range lib.Plans() {
		out = append(out, bot.Plan{Name: idx.Name(), Plan: idx.Plan(), Default: idx == lib.Default()})
	}
	return out
}
