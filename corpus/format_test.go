package corpus

import (
	"archive/zip"
	"bytes"
	"encoding/json"
	"encoding/xml"
	"errors"
	"html"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"golang.org/x/text/encoding/simplifiedchinese"
)

// The same small plan as text, GB18030 text, a web page and a Word
// document parses to the same model.

func smallText(t testing.TB) []byte {
	t.Helper()
	src, err := os.ReadFile(filepath.Join("testdata", "small.txt"))
	if err != nil {
		t.Fatal(err)
	}
	return src
}

// modelJSON is the plan without its source line numbers, which differ
// between formats.
func modelJSON(t *testing.T, pl *Plan) string {
	t.Helper()
	b, err := json.Marshal(pl)
	if err != nil {
		t.Fatal(err)
	}
	var v any
	if err := json.Unmarshal(b, &v); err != nil {
		t.Fatal(err)
	}
	var drop func(any)
	drop = func(v any) {
		switch x := v.(type) {
		case map[string]any:
			delete(x, "line")
			for _, y := range x {
				drop(y)
			}
		case []any:
			for _, y := range x {
				drop(y)
			}
		}
	}
	drop(v)
	out, _ := json.MarshalIndent(v, "", " ")
	return string(out)
}

// blocks groups the lines of a text into paragraphs and tables (runs of
// tab-separated lines).
func blocks(text string) (out [][]string) {
	for _, l := range strings.Split(strings.TrimRight(text, "\n"), "\n") {
		tab := strings.Contains(l, "\t")
		if n := len(out); n > 0 && tab && strings.Contains(out[n-1][0], "\t") {
			out[n-1] = append(out[n-1], l)
			continue
		}
		out = append(out, []string{l})
	}
	return out
}

func toHTML(text string) []byte {
	var sb strings.Builder
	sb.WriteString("<!DOCTYPE html><html><head><meta charset=\"utf-8\"><title>规划</title><script>var x = 1;</script></head><body>\n")
	// A site's navigation and footer around the text, as government
	// sites print them.
	sb.WriteString("<div class=\"nav\"><a href=\"/\">首页</a> &gt; <a>政务公开</a> &gt; <a>规划计划</a></div>\n<div id=\"zoom\">")
	for _, b := range blocks(text) {
		if !strings.Contains(b[0], "\t") {
			if b[0] != "" {
				sb.WriteString("<p>" + html.EscapeString(b[0]) + "</p>\n")
			}
			continue
		}
		sb.WriteString("<table>")
		for i, row := range b {
			sb.WriteString("<tr>")
			cells := strings.Split(row, "\t")
			for j := 0; j < len(cells); j++ {
				// A category printed once over the rows below it is a
				// merged cell (rowspan); the page has no cell for it there.
				if cells[j] == "" && j == 0 && i > 1 {
					continue
				}
				span := ""
				if j == 0 && i > 0 && i+1 < len(b) && strings.HasPrefix(b[i+1], "\t") {
					span = ` rowspan="2"`
				}
				sb.WriteString("<td" + span + "><span>" + html.EscapeString(cells[j]) + "</span></td>")
			}
			sb.WriteString("</tr>\n")
		}
		sb.WriteString("</table>\n")
	}
	sb.WriteString("</div>\n<div class=\"footer\">主办：示例区人民政府办公室　网站标识码：0000000000</div></body></html>\n")
	return []byte(sb.String())
}

func toDocx(t *testing.T, text string) []byte {
	t.Helper()
	esc := func(s string) string {
		var b bytes.Buffer
		_ = xmlEscape(&b, s)
		return b.String()
	}
	var body strings.Builder
	for _, b := range blocks(text) {
		if !strings.Contains(b[0], "\t") {
			body.WriteString(`<w:p><w:r><w:t xml:space="preserve">` + esc(b[0]) + `</w:t></w:r></w:p>`)
			continue
		}
		body.WriteString("<w:tbl>")
		for i, row := range b {
			body.WriteString("<w:tr>")
			for j, c := range strings.Split(row, "\t") {
				pr := ""
				if j == 0 && c == "" && i > 1 {
					pr = `<w:tcPr><w:vMerge/></w:tcPr>`
					c = "经济发展" // a continued merge repeats nothing
				}
				body.WriteString(`<w:tc>` + pr + `<w:p><w:r><w:t>` + esc(c) + `</w:t></w:r></w:p></w:tc>`)
			}
			body.WriteString("</w:tr>")
		}
		body.WriteString("</w:tbl>")
	}
	doc := `<?xml version="1.0" encoding="UTF-8" standalone="yes"?>` +
		`<w:document xmlns:w="http://schemas.openxmlformats.org/wordprocessingml/2006/main"><w:body>` +
		body.String() + `</w:body></w:document>`
	var buf bytes.Buffer
	zw := zip.NewWriter(&buf)
	for name, content := range map[string]string{
		"[Content_Types].xml": `<?xml version="1.0" encoding="UTF-8"?><Types xmlns="http://schemas.openxmlformats.org/package/2006/content-types"/>`,
		"word/document.xml":   doc,
	} {
		w, err := zw.Create(name)
		if err != nil {
			t.Fatal(err)
		}
		w.Write([]byte(content))
	}
	if err := zw.Close(); err != nil {
		t.Fatal(err)
	}
	return buf.Bytes()
}

func TestFormats(t *testing.T) {
	src := smallText(t)
	want, err := Parse("small.txt", src)
	if err != nil {
		t.Fatal(err)
	}
	if len(want.Indicators) != 3 || len(want.Parts) != 2 || len(want.Boxes) != 1 || len(want.Terms) != 1 {
		t.Fatalf("the text fixture itself: %+v", want.Check().Counts)
	}
	gbk, err := simplifiedchinese.GB18030.NewEncoder().Bytes(src)
	if err != nil {
		t.Fatal(err)
	}
	page := strings.Replace(string(toHTML(string(src))), `charset="utf-8"`, `charset="gb2312"`, 1)
	gbkPage, err := simplifiedchinese.GB18030.NewEncoder().Bytes([]byte(page))
	if err != nil {
		t.Fatal(err)
	}
	for _, tt := range []struct {
		name string
		src  []byte
	}{
		{"small.gbk.txt", gbk},
		{"small.gbk.html", gbkPage},
		{"small.html", toHTML(string(src))},
		{"small.docx", toDocx(t, string(src))},
	} {
		t.Run(tt.name, func(t *testing.T) {
			got, err := Parse(tt.name, tt.src)
			if err != nil {
				t.Fatal(err)
			}
			if g, w := modelJSON(t, got), modelJSON(t, want); g != w {
				t.Errorf("%s parses differently from its text:\n%s\nwant\n%s", tt.name, g, w)
			}
		})
	}
}

func TestPDFWithoutPdftotext(t *testing.T) {
	t.Setenv("PATH", t.TempDir())
	_, err := Parse("plan.pdf", []byte("%PDF-1.4\n%…"))
	if !errors.Is(err, ErrNoPdftotext) {
		t.Errorf("err = %v, want ErrNoPdftotext", err)
	}
}

func TestNotText(t *testing.T) {
	for _, src := range [][]byte{[]byte("\xff\xfe\x00\x00"), []byte("PK\x03\x04garbage")} {
		if _, err := Parse("x", src); err == nil {
			t.Errorf("no error for %q", src)
		}
	}
}

func xmlEscape(b *bytes.Buffer, s string) error {
	return xml.EscapeText(b, []byte(s))
}

// FuzzFormats parses fuzzed text as each format the parser reads: no
// panic, and no error that is not the parser's own.
func FuzzFormats(f *testing.F) {
	f.Add(smallText(f), uint8(0))
	f.Add(smallText(f), uint8(1))
	f.Add(smallText(f), uint8(2))
	f.Add([]byte("<html><body><table><tr><td rowspan=\"99\" colspan=\"99\">x</td></tr></table>"), uint8(3))
	f.Add([]byte("PK\x03\x04"), uint8(3))
	f.Fuzz(func(t *testing.T, b []byte, kind uint8) {
		var src []byte
		switch kind % 4 {
		case 0:
			src, _ = simplifiedchinese.GB18030.NewEncoder().Bytes(b)
			if src == nil {
				src = b
			}
		case 1:
			src = toHTML(string(b))
		case 2:
			src = toDocx(t, string(b))
		default:
			src = b // raw bytes: HTML, a zip or anything
		}
		pl, err := Parse("fuzz", src)
		if err != nil {
			if !strings.HasPrefix(err.Error(), "corpus: ") {
				t.Errorf("error without the package's prefix: %v", err)
			}
			return
		}
		if len(pl.Chapters) == 0 {
			t.Error("a plan without chapters")
		}
	})
}

// TestOutlineFormats parses the national outline as a web page and as a
// Word document, to the same model as its text.
func TestOutlineFormats(t *testing.T) {
	src, err := os.ReadFile(filepath.Join(outlineDir, "national-15th.txt"))
	if os.IsNotExist(err) {
		t.Skip("national-15th.txt not here")
	}
	if err != nil {
		t.Fatal(err)
	}
	want, err := Parse("national-15th.txt", src)
	if err != nil {
		t.Fatal(err)
	}
	for name, b := range map[string][]byte{
		"national-15th.html": toHTML(string(src)),
		"national-15th.docx": toDocx(t, string(src)),
	} {
		got, err := Parse(name, b)
		if err != nil {
			t.Fatal(err)
		}
		if g, w := modelJSON(t, got), modelJSON(t, want); g != w {
			t.Errorf("%s parses differently from its text (%d and %d passages)", name, len(got.Passages), len(want.Passages))
		}
	}
}
