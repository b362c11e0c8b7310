package bot

import (
	"fmt"
	"regexp"
	"strconv"
	"testing"
	"unicode/utf8"

	"planbot/index"
)

// Hostile input, tried systematically: whatever a user sends or presses,
// and whatever the index returns, every reply must be HTML that Telegram
// parses. FuzzHandleMessage (handle_test.go) covers messages,
// FuzzHandleCallback (browse_test.go) buttons, FuzzSplit (split_test.go) the
// splitting of long answers, and FuzzHandleUpdate (bot/telegram) whole
// updates as Telegram sends them.

// telegramTagRe finds tags; telegramTags are those the bot may write.
var (
	telegramTagRe = regexp.MustCompile(`</?([a-z-]+)`)
	telegramTags  = map[string]bool{"b": true, "i": true, "u": true, "s": true, "code": true, "pre": true, "a": true}
)

// telegramHTML reports why s would not parse as a message in Telegram's
// HTML: tags other than b, i, u, s, code, pre, a, unbalanced or unclosed;
// a bare <, > or &; invalid UTF-8; or over 4096 characters once parsed.
func telegramHTML(s string) error {
	if err := validHTML(s); err != nil {
		return err
	}
	for _, m := range telegramTagRe.FindAllStringSubmatch(s, -1) {
		if !telegramTags[m[1]] {
			return fmt.Errorf("tag <%s>", m[1])
		}
	}
	if n := utf16Len(PlainText(s)); n > 4096 {
		return fmt.Errorf("%d characters once parsed", n)
	}
	return nil
}

// checkReplies fails t unless every reply is Telegram HTML with buttons
// Telegram accepts.
func checkReplies(t *testing.T, rs []Reply) {
	t.Helper()
	for _, r := range rs {
		if err := telegramHTML(r.HTML); err != nil {
			t.Fatalf("%v: %q", err, r.HTML)
		}
		for _, row := range r.Buttons {
			for _, b := range row {
				if b.Data == "" || len(b.Data) > maxCallbackData || b.Text == "" || !utf8.ValidString(b.Data) {
					t.Fatalf("bad button %+v", b)
				}
			}
		}
	}
}

// FuzzHandleInline asks inline with any query and offset: every article is
// Telegram HTML, with an ID unique and at most 64 bytes.
func FuzzHandleInline(f *testing.F) {
	f.Add("森林覆盖率", "")
	f.Add("", "10")
	f.Add("养老", "3")
	f.Add("<script>&amp;", "-1")
	f.Add("碳达峰", "99999999999999999999")
	b := newBot(f)
	f.Fuzz(func(t *testing.T, query, offset string) {
		a := b.HandleInline(InlineQuery{Query: query, Offset: offset})
		seen := map[string]bool{}
		for _, r := range a.Results {
			if r.ID == "" || len(r.ID) > 64 || seen[r.ID] {
				t.Fatalf("bad or repeated ID %q", r.ID)
			}
			seen[r.ID] = true
			if !utf8.ValidString(r.Title) || !utf8.ValidString(r.Description) {
				t.Fatalf("invalid UTF-8 in %q / %q", r.Title, r.Description)
			}
			// The adapter sends the first part of a long article.
			if err := telegramHTML(Split(r.HTML, MaxMessage)[0]); err != nil {
				t.Fatalf("%v: %q", err, r.HTML)
			}
		}
		if a.NextOffset != "" {
			if n, err := strconv.Atoi(a.NextOffset); err != nil || n <= 0 || n > maxResults {
				t.Fatalf("next offset %q", a.NextOffset)
			}
		}
	})
}

// FuzzRenderResult renders search results with any text and any
// highlights, as a broken or future index might return them: the HTML
// renderer escapes all text, writes only balanced tags of its own, and
// stays under Telegram's length once split.
func FuzzRenderResult(f *testing.F) {
	f.Add("passage", "c5s2p4", "加强生态保护", "森林覆盖率达到19.5%", "第五章", "森林覆盖率", 0, 6, 9, 12)
	f.Add("indicator", "i18", "", "", "", "", 0, 0, 0, 0)
	f.Add("term", "t3", "<b>", "</b>", "&", "&amp;", 1, 3, 2, 4)
	f.Add("project", "b2.2", "x", "y", "z", "航空航天", 0, 99, -1, 3)
	f.Add("target", "gc5s2p4.1", "盐碱地", "3万亩", "第五章", "盐碱地改良", 0, 9, 3, 6)
	f.Add("other", "", "<i>title", "a < b > c & d", "<a href=\"x\">", "\xff\xfe森林", 2, 5, 0, 1)
	b := newBot(f)
	f.Fuzz(func(t *testing.T, kind, id, title, text, location, excerpt string, s1, e1, s2, e2 int) {
		r := index.Result{
			Kind: index.Kind(kind), ID: id, Title: title, Text: text, Location: location,
			Excerpt: excerpt, Highlights: []index.Span{{Start: s1, End: e1}, {Start: s2, End: e2}},
		}
		if err := validHTML(highlight(excerpt, r.Highlights)); err != nil && utf16Len(excerpt) < MaxMessage/5 {
			t.Fatalf("highlight: %v", err)
		}
		res := b.resultValue(r)
		html := ResultHTML(res)
		a := Answer{Query: title, Outcome: OutcomeAnswer, Results: []Result{res}}
		for _, act := range a.Actions {
			if d := act.Button().Data; len(d) > maxCallbackData {
				t.Fatalf("button data %q too long", d)
			}
		}
		_ = b.resultTitle(r) // plain text, for the inline list: only must not panic
		// As an answer sends it: split to Telegram's length.
		checkReplies(t, b.reply(1, html))
	})
}
