package bot

import (
	"slices"
	"strings"
	"testing"
)

func TestBrowse(t *testing.T) {
	b := newBot(t)
	toc := b.HandleMessage(private(1, "/toc"))
	contains(t, all(t, toc), "📚", "/targets", "/projects")
	if got := buttons(b.HandleCallback(Callback{Data: "c:0", MessageID: 2}).Replies); !slices.Equal(got, buttons(toc)) {
		t.Errorf("c:0 buttons = %v, want the contents' %v", got, buttons(toc))
	}

	ch5 := b.HandleMessage(private(1, "/chapter 5"))
	contains(t, all(t, ch5), "📖 <b>第五章 保持生态优先定力", "本章量化目标和数字 5 项", "专栏8 · 生态保护与建设重点工程和项目")
	for _, want := range []string{"s:5.1.0", "s:5.4.0", "t:5.0", "b:8", "c:4", "c:0", "c:6"} {
		if !slices.Contains(buttons(ch5), want) {
			t.Errorf("/chapter 5 lacks button %s: %v", want, buttons(ch5))
		}
	}
	if bs := buttons(b.HandleMessage(private(1, "/chapter 9"))); slices.Contains(bs, "c:10") || slices.ContainsFunc(bs, func(d string) bool { return strings.HasPrefix(d, "t:") }) {
		t.Errorf("/chapter 9 buttons = %v: no chapter 10, no targets", bs)
	}

	// Reading a long section page by page gives every paragraph once.
	ps := b.sectionPassages(1, 3)
	var text strings.Builder
	data, pages := "s:1.3.0", 0
	for data != "" {
		a := b.HandleCallback(Callback{Data: data, MessageID: 3})
		if a.Notice != "" || len(a.Replies) != 1 {
			t.Fatalf("%s: %+v", data, a)
		}
		pages++
		got := all(t, a.Replies)
		if pages == 1 {
			contains(t, got, "📄 <b>第一章 第三节 "+esc(ps[0].Location[strings.Index(ps[0].Location, "· ")+len("· "):])+"</b>")
		} else {
			contains(t, got, "（续）")
		}
		text.WriteString(PlainText(got))
		data = ""
		for _, d := range buttons(a.Replies) {
			if strings.HasPrefix(d, "s:1.3.") && d != "s:1.3.0" {
				data = d
			}
		}
	}
	if pages < 2 {
		t.Errorf("第一章 第三节 took %d message, want several", pages)
	}
	for _, p := range ps {
		if n := strings.Count(text.String(), p.Text[:min(len(p.Text), 60)]); n != 1 {
			t.Errorf("paragraph %s shown %d times", p.ID, n)
		}
	}

	// The last section leads on to the next chapter; the first back to
	// the chapter.
	last := buttons(b.HandleCallback(Callback{Data: "s:1.3.0"}).Replies)
	if !slices.Contains(last, "c:2") || !slices.Contains(last, "s:1.2.0") || !slices.Contains(last, "c:1") {
		t.Errorf("s:1.3.0 buttons = %v, want c:2, s:1.2.0 and c:1", last)
	}
	first := buttons(b.HandleCallback(Callback{Data: "s:8.1.0"}).Replies)
	if !slices.Equal(first, []string{"c:8", "s:8.2.0"}) {
		t.Errorf("s:8.1.0 buttons = %v", first)
	}
	contains(t, all(t, b.HandleCallback(Callback{Data: "s:8.6.0"}).Replies), "<b>着力构建养老服务体系</b>")

	for _, d := range []string{"s:1.99.0", "s:1.1.999", "s:99.1.0", "s:0.0.0", "s:1.1", "s:1.1.x", "s:", "c:-1"} {
		if a := b.HandleCallback(Callback{Data: d}); a.Notice == "" || len(a.Replies) > 0 {
			t.Errorf("callback %q: %+v, want a notice only", d, a)
		}
	}
}

// TestButtonsCrawl presses every button reachable from the commands,
// breadth first: each leads somewhere, every reply is HTML Telegram
// accepts, and every callback data fits Telegram's 64 bytes.
func TestButtonsCrawl(t *testing.T) {
	b := newBot(t)
	type press struct {
		data     string
		question Message
	}
	var queue []press
	seen := map[string]bool{}
	push := func(rs []Reply, q Message) {
		all(t, rs) // checks the HTML and the buttons
		for _, d := range buttons(rs) {
			if !seen[d] {
				seen[d] = true
				queue = append(queue, press{d, q})
			}
		}
	}
	for i, text := range []string{"/toc", "/targets", "/targets 铝", "/projects", "/projects 铝", "/chapter 1", "养老服务", "/indicators", "/i 率"} {
		q := private(100+i, text)
		push(b.HandleMessage(q), q)
	}
	for len(queue) > 0 && len(seen) < 2000 {
		p := queue[0]
		queue = queue[1:]
		a := b.HandleCallback(Callback{Data: p.data, MessageID: 1, Question: &p.question})
		if a.Notice != "" || len(a.Replies) == 0 {
			t.Errorf("button %q: notice %q, %d replies", p.data, a.Notice, len(a.Replies))
			continue
		}
		push(a.Replies, p.question)
	}
	for _, prefix := range []string{"c:", "s:", "t:", "b:", "p:", "i:", "m:"} {
		n := 0
		for d := range seen {
			if strings.HasPrefix(d, prefix) {
				n++
			}
		}
		if n == 0 {
			t.Errorf("no %s button reached", prefix)
		}
	}
	if len(seen) < 100 {
		t.Errorf("reached only %d buttons", len(seen))
	}
	t.Logf("%d buttons pressed", len(seen))
}

func FuzzHandleCallback(f *testing.F) {
	for _, d := range []string{"m:10", "p:c1s1p1", "i:18", "c:0", "c:5", "s:1.3.0", "s:1.3.7", "t:3.10", "b:0", "b:9", "f:+:i18", "f:-:gc3s1p3.4", "f:+:b2.5", "t:1.99"} {
		f.Add(d, "/targets 铝")
	}
	b := newBot(f)
	f.Fuzz(func(t *testing.T, data, question string) {
		q := Message{ID: 1, ChatType: Private, Text: question}
		a := b.HandleCallback(Callback{Data: data, MessageID: 2, Question: &q})
		if a.Notice == "" && len(a.Replies) == 0 {
			t.Fatalf("%q: neither a notice nor a reply", data)
		}
		for _, r := range a.Replies {
			if err := validHTML(r.HTML); err != nil {
				t.Fatalf("%v: %q", err, r.HTML)
			}
			for _, row := range r.Buttons {
				for _, btn := range row {
					if len(btn.Data) > maxCallbackData {
						t.Fatalf("button data %q over 64 bytes", btn.Data)
					}
				}
			}
		}
	})
}
