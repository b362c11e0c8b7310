package bot

import (
	"context"
	"fmt"
	"regexp"
	"strings"
	"sync"
	"testing"
	"unicode/utf8"

	"planbot/corpus"
	"planbot/index"
)

const botName = "DongheBot"

// realBot answers from the embedded plan through the real index, built
// once for all the tests.
var realBot = sync.OnceValues(func() (*Bot, error) {
	plan, err := corpus.Default()
	if err != nil {
		return nil, err
	}
	idx, err := index.New(plan)
	if err != nil {
		return nil, err
	}
	lib, err := index.NewLibrary([]*index.Index{idx}, "")
	if err != nil {
		return nil, err
	}
	return New(one(plan), lib, Options{Username: botName}), nil
})

// one is a single plan as New takes it.
func one(plan *corpus.Plan) []Plan { return []Plan{{Plan: plan}} }

func newBot(t testing.TB) *Bot {
	t.Helper()
	b, err := realBot()
	if err != nil {
		t.Fatal(err)
	}
	return b
}

// fakeSearcher returns n numbered passages of the real plan for any query
// and records the queries.
type fakeSearcher struct {
	plan    *corpus.Plan
	n       int
	mu      sync.Mutex
	queries []string
}

func (f *fakeSearcher) Search(_ context.Context, q string, _ []string, limit int) (index.Answer, error) {
	f.mu.Lock()
	f.queries = append(f.queries, q)
	f.mu.Unlock()
	ans := index.Answer{Query: q, Results: []index.Result{}}
	for i := 0; i < f.n && i < limit; i++ {
		p := f.plan.Passages[i]
		ans.Results = append(ans.Results, index.Result{
			Kind: index.KindPassage, ID: p.ID, Text: p.Text, Location: p.Location,
			Excerpt: clip(p.Text, 20), Highlights: []index.Span{{Start: 0, End: 3}},
		})
	}
	ans.Answered = len(ans.Results) > 0
	return ans, nil
}

func (f *fakeSearcher) last() string {
	f.mu.Lock()
	defer f.mu.Unlock()
	if len(f.queries) == 0 {
		return ""
	}
	return f.queries[len(f.queries)-1]
}

func newFakeBot(t testing.TB, n int) (*Bot, *fakeSearcher) {
	t.Helper()
	plan, err := corpus.Default()
	if err != nil {
		t.Fatal(err)
	}
	f := &fakeSearcher{plan: plan, n: n}
	return New(one(plan), f, Options{Username: botName}), f
}

var (
	tagRe    = regexp.MustCompile(`^<(/?)([a-z]+)(?:\s[^>]*)?>`)
	entityRe = regexp.MustCompile(`^&(?:lt|gt|amp|quot|#[0-9]+|#x[0-9a-fA-F]+);`)
)

// checkHTML fails unless s is HTML Telegram accepts: only its tags,
// balanced; & and < only in entities and tags; within MaxMessage.
func checkHTML(t testing.TB, s string) {
	t.Helper()
	if err := validHTML(s); err != nil {
		t.Errorf("%v in %q", err, s)
	}
}

func validHTML(s string) error {
	if !utf8.ValidString(s) {
		return fmt.Errorf("invalid UTF-8")
	}
	if n := utf16Len(s); n > MaxMessage {
		return fmt.Errorf("%d UTF-16 units, over %d", n, MaxMessage)
	}
	allowed := map[string]bool{"b": true, "i": true, "u": true, "s": true, "code": true, "pre": true, "a": true, "tg-spoiler": true, "blockquote": true}
	var stack []string
	for i := 0; i < len(s); {
		switch s[i] {
		case '<':
			m := tagRe.FindStringSubmatch(s[i:])
			if m == nil || !allowed[m[2]] {
				return fmt.Errorf("bad tag at %d", i)
			}
			if m[1] == "/" {
				if len(stack) == 0 || stack[len(stack)-1] != m[2] {
					return fmt.Errorf("unbalanced </%s> at %d", m[2], i)
				}
				stack = stack[:len(stack)-1]
			} else {
				stack = append(stack, m[2])
			}
			i += len(m[0])
		case '&':
			m := entityRe.FindString(s[i:])
			if m == "" {
				return fmt.Errorf("bare & at %d", i)
			}
			i += len(m)
		case '>':
			return fmt.Errorf("bare > at %d", i)
		default:
			i++
		}
	}
	if len(stack) > 0 {
		return fmt.Errorf("unclosed %v", stack)
	}
	return nil
}

// all joins the replies' HTML and checks each.
func all(t testing.TB, rs []Reply) string {
	t.Helper()
	var parts []string
	for _, r := range rs {
		checkHTML(t, r.HTML)
		for _, row := range r.Buttons {
			for _, b := range row {
				if len(b.Data) > maxCallbackData || b.Data == "" || b.Text == "" {
					t.Errorf("bad button %+v", b)
				}
			}
		}
		parts = append(parts, r.HTML)
	}
	return strings.Join(parts, "\n")
}

// buttons lists the callback data of the replies' buttons.
func buttons(rs []Reply) []string {
	var out []string
	for _, r := range rs {
		for _, row := range r.Buttons {
			for _, b := range row {
				out = append(out, b.Data)
			}
		}
	}
	return out
}

func private(id int, text string) Message {
	return Message{ID: id, ChatType: Private, Text: text}
}

func contains(t testing.TB, got string, want ...string) {
	t.Helper()
	for _, w := range want {
		if !strings.Contains(got, w) {
			t.Errorf("reply lacks %q:\n%s", w, got)
		}
	}
}

func lacks(t testing.TB, got string, bad ...string) {
	t.Helper()
	for _, w := range bad {
		if strings.Contains(got, w) {
			t.Errorf("reply has %q:\n%s", w, got)
		}
	}
}
