package main

import (
	"bufio"
	"context"
	"encoding/json"
	"flag"
	"fmt"
	"io"
	"os"
	"sort"
	"strings"
	"unicode"

	"github.com/liuzl/gocc"

	"planbot/index"
)

// evalQuestion is one line of a question set.
type evalQuestion struct {
	ID   string   `json:"id"`
	Q    string   `json:"q"`
	Kind string   `json:"kind"` // passage, indicator, term, project or none
	Any  []string `json:"any"`
}

// evalDepth is how many results the eval reads for MRR.
const evalDepth = 10

// runEval scores a question set: recall@1, recall@3 and MRR per kind, and
// the share of out-of-scope questions declined.
func runEval(ctx context.Context, args []string, stdin io.Reader, stdout, stderr io.Writer) error {
	fs := flag.NewFlagSet("eval", flag.ContinueOnError)
	fs.SetOutput(stderr)
	verbose := fs.Bool("v", false, "list the questions missed, with what came first")
	var src planSource
	src.flags(fs)
	all := fs.Bool("all", false, "answer every question that finds anything: score the ranking alone")
	if err := fs.Parse(args); err != nil || fs.NArg() != 1 {
		fmt.Fprintln(stderr, "usage: planbot eval [-v] FILE")
		return errUsage
	}
	qs, err := readQuestions(fs.Arg(0))
	if err != nil {
		return err
	}
	lib, err := src.open(ctx)
	if err != nil {
		return err
	}
	defer lib.Close()
	if *all {
		for _, idx := range lib.Plans() {
			idx.SetDecision(index.Decision{})
		}
	}
	m, err := newMatcher()
	if err != nil {
		return err
	}
	var sc scoreCard
	for _, q := range qs {
		ans, err := lib.Search(ctx, q.Q, nil, evalDepth)
		if err != nil {
			return err
		}
		rank := sc.add(m, q, ans)
		if !*verbose {
			continue
		}
		switch {
		case q.Kind == "none" && ans.Answered:
			fmt.Fprintf(stdout, "MISS %s none %q → %s\n", q.ID, q.Q, describe(ans, 1))
		case q.Kind != "none" && (rank != 1 || !ans.Answered):
			fmt.Fprintf(stdout, "MISS %s %s rank=%d %s %q → %s\n", q.ID, q.Kind, rank, ans.Outcome(), q.Q, describe(ans, 3))
		}
	}
	sc.print(stdout)
	return nil
}

// tally counts the questions of one kind: at1 answered with a right first
// result, at3 a right result among the first three, answered or offered;
// offered and declined the answerable questions not answered.
type tally struct {
	n, at1, at3, offered, declined int
	rr                             float64
}

// scoreCard scores answers as the eval does: recall@1 counts answered
// questions whose first result is right, recall@3 a right result among the
// first three whether answered or offered, MRR the same over evalDepth
// results; "declined" counts out-of-scope questions not answered.
type scoreCard struct {
	byKind         map[string]*tally
	all            tally
	none, declined int
}

// add scores one answer and returns the rank of its first right result.
func (sc *scoreCard) add(m *matcher, q evalQuestion, ans index.Answer) int {
	if q.Kind == "none" {
		sc.none++
		if !ans.Answered {
			sc.declined++
		}
		return 0
	}
	if sc.byKind == nil {
		sc.byKind = map[string]*tally{}
	}
	rank := m.rank(q, ans)
	t := sc.byKind[q.Kind]
	if t == nil {
		t = &tally{}
		sc.byKind[q.Kind] = t
	}
	for _, t := range []*tally{t, &sc.all} {
		t.n++
		if rank == 1 && ans.Answered {
			t.at1++
		}
		if rank >= 1 && rank <= 3 {
			t.at3++
		}
		if rank > 0 {
			t.rr += 1 / float64(rank)
		}
		switch ans.Outcome() {
		case index.Offered:
			t.offered++
		case index.Declined:
			t.declined++
		}
	}
	return rank
}

func (sc *scoreCard) print(w io.Writer) {
	kinds := make([]string, 0, len(sc.byKind))
	for k := range sc.byKind {
		kinds = append(kinds, k)
	}
	sort.Strings(kinds)
	fmt.Fprintf(w, "%-10s %4s %9s %9s %6s %8s %9s\n", "kind", "n", "recall@1", "recall@3", "MRR", "offered", "declined")
	row := func(name string, t tally) {
		fmt.Fprintf(w, "%-10s %4d %9.3f %9.3f %6.3f %8d %9d\n", name, t.n, ratio(t.at1, t.n), ratio(t.at3, t.n), t.rr/float64(max(t.n, 1)), t.offered, t.declined)
	}
	for _, k := range kinds {
		row(k, *sc.byKind[k])
	}
	row("all", sc.all)
	fmt.Fprintf(w, "none       %4d  declined %.3f\n", sc.none, ratio(sc.declined, sc.none))
}

func ratio(a, b int) float64 {
	if b == 0 {
		return 0
	}
	return float64(a) / float64(b)
}

func describe(ans index.Answer, n int) string {
	if len(ans.Results) == 0 {
		return "(nothing)"
	}
	var parts []string
	for i, r := range ans.Results {
		if i == n {
			break
		}
		text := []rune(r.Title + "｜" + r.Text)
		if len(text) > 40 {
			text = text[:40]
		}
		parts = append(parts, fmt.Sprintf("%s:%s %s", r.Kind, r.ID, string(text)))
	}
	return strings.Join(parts, " ‖ ")
}

func readQuestions(path string) ([]evalQuestion, error) {
	f, err := os.Open(path)
	if err != nil {
		return nil, err
	}
	defer f.Close()
	var qs []evalQuestion
	sc := bufio.NewScanner(f)
	sc.Buffer(make([]byte, 64*1024), 1<<20)
	for line := 1; sc.Scan(); line++ {
		if strings.TrimSpace(sc.Text()) == "" {
			continue
		}
		var q evalQuestion
		if err := json.Unmarshal(sc.Bytes(), &q); err != nil {
			return nil, fmt.Errorf("%s:%d: %w", path, line, err)
		}
		qs = append(qs, q)
	}
	return qs, sc.Err()
}

// matcher applies the eval's rule: a result answers a question when it
// has the question's kind (any kind for passage questions) and its title
// plus text contains one of the expected strings, ignoring spaces,
// punctuation, markup and script.
type matcher struct{ t2s *gocc.OpenCC }

func newMatcher() (*matcher, error) {
	t2s, err := gocc.New("t2s")
	if err != nil {
		return nil, err
	}
	return &matcher{t2s}, nil
}

func (m *matcher) fold(s string) string {
	for _, tag := range []string{"<b>", "</b>", "<i>", "</i>", "**"} {
		s = strings.ReplaceAll(s, tag, "")
	}
	if t, err := m.t2s.Convert(s); err == nil {
		s = t
	}
	return strings.Map(func(r rune) rune {
		if unicode.IsSpace(r) || unicode.IsPunct(r) || unicode.IsSymbol(r) {
			return -1
		}
		return unicode.ToLower(r)
	}, s)
}

// rank returns the 1-based rank of the first result that answers q, 0 if
// none does.
func (m *matcher) rank(q evalQuestion, ans index.Answer) int {
	for i, r := range ans.Results {
		if q.Kind != "passage" && string(r.Kind) != q.Kind {
			continue
		}
		hay := m.fold(r.Title + r.Text)
		for _, a := range q.Any {
			if strings.Contains(hay, m.fold(a)) {
				return i + 1
			}
		}
	}
	return 0
}
