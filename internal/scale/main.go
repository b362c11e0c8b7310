// Command scale measures how planbot grows with the number of plans it
// loads, and draws the chart of the README from what it measured.
//
//	go run ./internal/scale -o docs/scale.json      # measure (minutes)
//	go run ./internal/scale -chart docs/scale.json  # draw docs/scale.png from the numbers
//
// For 1, 5 and 30 plans (the built-in plan and the outlines in -plans,
// loaded again under other names to make up the count) it runs the real
// binary, planbot ask -config, cold (no data directory, PLANBOT_CACHE=off:
// every plan parsed and indexed) and with the cache (the data directory of a run
// before), and takes the median wall time and peak RSS of -runs runs. The
// search times are those of one process that has the plans loaded,
// searching every plan with the questions of the outlines' question sets,
// p50 and p99.
package main

import (
	"bufio"
	"context"
	"encoding/json"
	"errors"
	"flag"
	"fmt"
	"image"
	"image/color"
	"image/draw"
	"image/png"
	"io"
	"os"
	"os/exec"
	"path/filepath"
	"runtime"
	"slices"
	"strings"
	"syscall"
	"time"

	"golang.org/x/image/font"
	"golang.org/x/image/font/basicfont"
	"golang.org/x/image/math/fixed"

	"planbot/corpus"
	"planbot/index"
)

// Row is what was measured for one number of plans.
type Row struct {
	Plans          int     `json:"plans"`
	ColdStartS     float64 `json:"cold_start_s"`
	CachedStartS   float64 `json:"cached_start_s"`
	ColdCPUS       float64 `json:"cold_cpu_s"`
	CachedCPUS     float64 `json:"cached_cpu_s"`
	ColdRSSMB      float64 `json:"cold_rss_mb"`
	CachedRSSMB    float64 `json:"cached_rss_mb"`
	SearchP50Ms    float64 `json:"search_p50_ms"`
	SearchP99Ms    float64 `json:"search_p99_ms"`
	TargetStartS   float64 `json:"target_start_s"`
	TargetRSSMB    float64 `json:"target_rss_mb"`
	TargetSearchMs float64 `json:"target_search_p99_ms,omitempty"`
}

// Report is what scale writes: the rows and how they were measured.
type Report struct {
	Machine   string `json:"machine"`
	Measured  string `json:"measured"`
	Runs      int    `json:"runs"`
	Questions int    `json:"questions"`
	Rows      []Row  `json:"rows"`
}

func main() {
	if err := run(); err != nil {
		fmt.Fprintln(os.Stderr, "scale:", err)
		os.Exit(1)
	}
}

func run() error {
	out := flag.String("o", "docs/scale.json", "write the measured numbers here")
	chart := flag.String("chart", "", "draw the chart of these measured numbers (a file -o wrote) next to it, as .png, and measure nothing")
	plansDir := flag.String("plans", "../shared/plans", "the outlines (*.txt) and their question sets (*.jsonl)")
	runs := flag.Int("runs", 5, "runs of each start-up measurement; the median is kept")
	counts := flag.String("counts", "1,5,30", "numbers of plans")
	flag.Parse()
	if *chart != "" {
		return drawChart(*chart)
	}
	files, _ := filepath.Glob(filepath.Join(*plansDir, "*.txt"))
	if len(files) == 0 {
		return fmt.Errorf("no outlines in %s", *plansDir)
	}
	for i, f := range files {
		files[i], _ = filepath.Abs(f) // the configurations are elsewhere
	}
	files = append([]string{""}, files...) // the built-in plan first
	work, err := os.MkdirTemp("", "planbot-scale-")
	if err != nil {
		return err
	}
	defer os.RemoveAll(work)
	bin := filepath.Join(work, "planbot")
	if out, err := exec.Command("go", "build", "-o", bin+".built", "./cmd/planbot").CombinedOutput(); err != nil {
		return fmt.Errorf("go build: %v\n%s", err, out)
	}
	// The binary measured is a copy: the pages of a file the linker has
	// just written map in larger pieces than those of a file written, or
	// read back, the ordinary way, which counts 4–6 MB more in the RSS of
	// every run.
	if err := copyFile(bin+".built", bin); err != nil {
		return err
	}
	questions, err := readQuestions(*plansDir)
	if err != nil {
		return err
	}
	rep := Report{Machine: machine(), Measured: time.Now().UTC().Format("2006-01-02"), Runs: *runs, Questions: len(questions)}
	for _, f := range strings.Split(*counts, ",") {
		var n int
		if _, err := fmt.Sscan(f, &n); err != nil || n < 1 {
			return fmt.Errorf("bad count %q", f)
		}
		row, err := measure(bin, work, files, n, *runs)
		if err != nil {
			return err
		}
		rep.Rows = append(rep.Rows, row)
	}
	// The searches load the plans in this process, after every start-up
	// is measured: a child started by os/exec shares this process's memory
	// until it runs planbot (vfork), and the peak RSS it reports is at
	// least this process's.
	for i, row := range rep.Rows {
		p50, p99, err := searchTimes(files, row.Plans, questions)
		if err != nil {
			return err
		}
		rep.Rows[i].SearchP50Ms, rep.Rows[i].SearchP99Ms = round(p50, 3), round(p99, 3)
		fmt.Fprintf(os.Stderr, "%+v\n", rep.Rows[i])
	}
	data, _ := json.MarshalIndent(rep, "", "  ")
	if err := os.MkdirAll(filepath.Dir(*out), 0o755); err != nil {
		return err
	}
	if err := os.WriteFile(*out, append(data, '\n'), 0o644); err != nil {
		return err
	}
	return drawChart(*out)
}

// copyFile copies the executable src to dst.
func copyFile(src, dst string) error {
	in, err := os.Open(src)
	if err != nil {
		return err
	}
	defer in.Close()
	out, err := os.OpenFile(dst, os.O_WRONLY|os.O_CREATE|os.O_TRUNC, 0o755)
	if err != nil {
		return err
	}
	if _, err := io.Copy(out, in); err != nil {
		out.Close()
		return err
	}
	return out.Close()
}

// entries are n plans made of files in turn, each named apart.
func entries(files []string, n int) []string {
	var out []string
	for i := range n {
		f := files[i%len(files)]
		name := fmt.Sprintf("规划%02d", i+1)
		out = append(out, fmt.Sprintf("  - file: %q\n    name: %q\n", f, name))
	}
	return out
}

// measure takes the start-up figures of n plans.
func measure(bin, work string, files []string, n, runs int) (Row, error) {
	row := Row{Plans: n, TargetStartS: 0.15 + 0.01*float64(n), TargetRSSMB: 40 + 5*float64(n)}
	if n == 30 {
		row.TargetSearchMs = 2
	}
	dir := filepath.Join(work, fmt.Sprintf("n%d", n))
	if err := os.MkdirAll(dir, 0o755); err != nil {
		return row, err
	}
	plans := "plans:\n" + strings.Join(entries(files, n), "")
	cold := filepath.Join(dir, "cold.yaml")
	cached := filepath.Join(dir, "cached.yaml")
	os.WriteFile(cold, []byte(plans), 0o644)
	os.WriteFile(cached, []byte(plans+"data:\n  dir: "+filepath.Join(dir, "data")+"\n"), 0o644)
	// One run fills the cache.
	if _, _, _, err := runAsk(bin, cached); err != nil {
		return row, err
	}
	var coldT, coldC, coldM, cachedT, cachedC, cachedM []float64
	for range runs {
		t, c, m, err := runAsk(bin, cold)
		if err != nil {
			return row, err
		}
		coldT, coldC, coldM = append(coldT, t), append(coldC, c), append(coldM, m)
		t, c, m, err = runAsk(bin, cached)
		if err != nil {
			return row, err
		}
		cachedT, cachedC, cachedM = append(cachedT, t), append(cachedC, c), append(cachedM, m)
	}
	row.ColdStartS, row.ColdCPUS, row.ColdRSSMB = round(median(coldT), 3), round(median(coldC), 3), round(median(coldM), 1)
	row.CachedStartS, row.CachedCPUS, row.CachedRSSMB = round(median(cachedT), 3), round(median(cachedC), 3), round(median(cachedM), 1)
	return row, nil
}

// runAsk runs planbot ask once: its wall time and CPU time (user and
// system) in seconds, and its peak RSS in MB. On a machine shared with
// other work the CPU time says more than the wall time. The peak RSS is
// at least that of this process (see run), which must stay small.
func runAsk(bin, config string) (float64, float64, float64, error) {
	cmd := exec.Command(bin, "ask", "-config", config, "森林覆盖率")
	// Cold is cold: a configuration with no data.dir keeps nothing, not
	// even in the user's cache.
	cmd.Env = append(os.Environ(), "PLANBOT_CACHE=off")
	start := time.Now()
	out, err := cmd.CombinedOutput()
	took := time.Since(start).Seconds()
	if err != nil {
		return 0, 0, 0, fmt.Errorf("planbot ask: %v\n%s", err, out)
	}
	ru, ok := cmd.ProcessState.SysUsage().(*syscall.Rusage)
	if !ok {
		return 0, 0, 0, errors.New("no resource usage on this system")
	}
	cpu := time.Duration(ru.Utime.Nano() + ru.Stime.Nano()).Seconds()
	return took, cpu, float64(ru.Maxrss) / 1024, nil // Maxrss is in KB on Linux
}

// searchTimes loads n plans in this process and times a search of all of
// them for each question: p50 and p99 in milliseconds.
func searchTimes(files []string, n int, questions []string) (float64, float64, error) {
	var bl index.Builder
	var plans []*index.Index
	for i := range n {
		f := files[i%len(files)]
		var pl *corpus.Plan
		var err error
		if f == "" {
			pl, err = corpus.Default()
		} else {
			var src []byte
			if src, err = os.ReadFile(f); err == nil {
				pl, err = corpus.Parse(f, src)
			}
		}
		if err != nil {
			return 0, 0, err
		}
		idx, err := bl.New(pl)
		if err != nil {
			return 0, 0, err
		}
		idx.SetName(fmt.Sprintf("规划%02d", i+1))
		plans = append(plans, idx)
	}
	lib, err := index.NewLibrary(plans, "")
	if err != nil {
		return 0, 0, err
	}
	defer lib.Close()
	ctx := context.Background()
	for _, q := range questions[:min(20, len(questions))] { // warm up
		lib.Search(ctx, q, nil, 5)
	}
	// The searches are timed as a server with the plans loaded makes
	// them: the garbage of building the plans is collected first, as Go's
	// benchmarks collect before they start, not by the searches' account.
	runtime.GC()
	var took []float64
	for range 3 {
		for _, q := range questions {
			start := time.Now()
			if _, err := lib.Search(ctx, q, nil, 5); err != nil {
				return 0, 0, err
			}
			took = append(took, float64(time.Since(start).Microseconds())/1000)
		}
	}
	slices.Sort(took)
	return took[len(took)/2], took[len(took)*99/100], nil
}

// readQuestions reads the q of every question set (*.jsonl) in dir.
func readQuestions(dir string) ([]string, error) {
	files, _ := filepath.Glob(filepath.Join(dir, "*.jsonl"))
	var out []string
	for _, f := range files {
		fh, err := os.Open(f)
		if err != nil {
			return nil, err
		}
		sc := bufio.NewScanner(fh)
		for sc.Scan() {
			var q struct {
				Q string `json:"q"`
			}
			if json.Unmarshal(sc.Bytes(), &q) == nil && q.Q != "" {
				out = append(out, q.Q)
			}
		}
		fh.Close()
	}
	if len(out) == 0 {
		return nil, fmt.Errorf("no questions in %s/*.jsonl", dir)
	}
	return out, nil
}

func median(xs []float64) float64 {
	s := slices.Clone(xs)
	slices.Sort(s)
	return s[len(s)/2]
}

func round(x float64, digits int) float64 {
	p := 1.0
	for range digits {
		p *= 10
	}
	return float64(int64(x*p+0.5)) / p
}

// machine describes where the numbers were taken.
func machine() string {
	load := ""
	if b, err := os.ReadFile("/proc/loadavg"); err == nil {
		load = ", load " + strings.Join(strings.Fields(string(b))[:3], " ")
	}
	return fmt.Sprintf("%s/%s, %d CPUs%s", runtime.GOOS, runtime.GOARCH, runtime.NumCPU(), load)
}

// drawChart draws the numbers of a report as a PNG beside it: start-up
// time and peak RSS by number of plans, cold and with the cache, each
// against its target.
func drawChart(path string) error {
	data, err := os.ReadFile(path)
	if err != nil {
		return err
	}
	var rep Report
	if err := json.Unmarshal(data, &rep); err != nil {
		return err
	}
	const w, h = 900, 380
	img := image.NewRGBA(image.Rect(0, 0, w, h))
	draw.Draw(img, img.Bounds(), image.NewUniform(color.White), image.Point{}, draw.Src)
	panel := func(x0 int, title, unit string, cold, cached, target func(Row) float64) {
		const top, bottom, pw = 50, 320, 400
		maxV := 0.0
		for _, r := range rep.Rows {
			maxV = max(maxV, cold(r), cached(r), target(r))
		}
		maxV *= 1.1
		y := func(v float64) int { return bottom - int(v/maxV*float64(bottom-top)) }
		text(img, x0, 25, title, color.Black)
		line(img, x0, bottom, x0+pw, bottom, color.Black)
		line(img, x0, top, x0, bottom, color.Black)
		group := pw / max(len(rep.Rows), 1)
		for i, r := range rep.Rows {
			gx := x0 + i*group + 15
			bar(img, gx, y(cold(r)), gx+30, bottom, color.RGBA{200, 80, 60, 255})
			bar(img, gx+35, y(cached(r)), gx+65, bottom, color.RGBA{60, 120, 200, 255})
			ty := y(target(r))
			line(img, gx-5, ty, gx+70, ty, color.RGBA{0, 150, 0, 255})
			text(img, gx-5, bottom+18, fmt.Sprintf("%d plan(s)", r.Plans), color.Black)
			text(img, gx-5, y(cold(r))-4, fmt.Sprintf("%.3g", cold(r)), color.RGBA{200, 80, 60, 255})
			text(img, gx+35, y(cached(r))-16, fmt.Sprintf("%.3g", cached(r)), color.RGBA{60, 120, 200, 255})
		}
		text(img, x0, bottom+40, unit, color.Black)
	}
	panel(30, "start-up (planbot ask), s", "red: cold  blue: cached  green: target",
		func(r Row) float64 { return r.ColdStartS }, func(r Row) float64 { return r.CachedStartS }, func(r Row) float64 { return r.TargetStartS })
	panel(480, "peak RSS, MB", "red: cold  blue: cached  green: target",
		func(r Row) float64 { return r.ColdRSSMB }, func(r Row) float64 { return r.CachedRSSMB }, func(r Row) float64 { return r.TargetRSSMB })
	text(img, 30, h-8, "measured "+rep.Measured+" on "+rep.Machine, color.Gray{100})
	f, err := os.Create(strings.TrimSuffix(path, filepath.Ext(path)) + ".png")
	if err != nil {
		return err
	}
	defer f.Close()
	return png.Encode(f, img)
}

func bar(img *image.RGBA, x0, y0, x1, y1 int, c color.Color) {
	draw.Draw(img, image.Rect(x0, y0, x1, y1), image.NewUniform(c), image.Point{}, draw.Src)
}

func line(img *image.RGBA, x0, y0, x1, y1 int, c color.Color) {
	if y0 == y1 {
		bar(img, x0, y0, x1, y0+2, c)
		return
	}
	bar(img, x0, y0, x0+2, y1, c)
}

func text(img *image.RGBA, x, y int, s string, c color.Color) {
	d := font.Drawer{Dst: img, Src: image.NewUniform(c), Face: basicfont.Face7x13, Dot: fixed.P(x, y)}
	d.DrawString(s)
}
