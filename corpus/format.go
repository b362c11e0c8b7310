package corpus

import (
	"archive/zip"
	"bytes"
	"context"
	"encoding/xml"
	"errors"
	"fmt"
	"io"
	"os"
	"os/exec"
	"strconv"
	"strings"
	"time"
	"unicode/utf8"

	"golang.org/x/net/html"
	"golang.org/x/net/html/atom"
	"golang.org/x/net/html/charset"
	"golang.org/x/text/encoding/simplifiedchinese"
)

// A plan comes as text (UTF-8 or GB18030/GBK, plain or Markdown, or
// extracted from a PDF), as a web page, as a Word document or as a PDF. The
// format is read from the content, not the name: each is turned into lines
// of text, a table's cells separated by tabs, and parsed alike.

// ErrNoPdftotext reports a PDF given where pdftotext (poppler-utils) is not
// installed.
var ErrNoPdftotext = errors.New("a PDF needs pdftotext (Debian package poppler-utils), which is not installed")

// maxDocx bounds what a Word document may unpack to.
const maxDocx = 64 << 20

// decode turns a document's bytes into text, by what they hold.
func decode(name string, src []byte) (string, error) {
	switch {
	case bytes.HasPrefix(src, []byte("%PDF-")):
		return pdfText(name, src)
	case bytes.HasPrefix(src, []byte("PK\x03\x04")):
		return docxText(name, src)
	case isHTML(src):
		return htmlText(name, src)
	}
	if utf8.Valid(src) {
		return string(src), nil
	}
	text, err := simplifiedchinese.GB18030.NewDecoder().Bytes(src)
	if err != nil || bytes.ContainsRune(text, utf8.RuneError) {
		return "", fmt.Errorf("corpus: %s: not UTF-8 or GB18030 text", name)
	}
	return string(text), nil
}

// isHTML tells a web page: it opens with a doctype, <html>, <head> or
// <body>, after any blank or byte-order mark.
func isHTML(src []byte) bool {
	head := bytes.TrimLeft(src[:min(len(src), 512)], "\ufeff \t\r\n")
	head = bytes.ToLower(head)
	for _, p := range []string{"<!doctype html", "<html", "<head", "<body", "<meta"} {
		if bytes.HasPrefix(head, []byte(p)) {
			return true
		}
	}
	// XHTML: an XML declaration, then the page.
	return bytes.HasPrefix(head, []byte("<?xml")) && bytes.Contains(head, []byte("<html"))
}

// htmlText reads a web page: every block (paragraph, heading, list item,
// div) on a line of its own, a table's rows as lines of tab-separated
// cells with merged cells (colspan, rowspan) written as empty ones.
func htmlText(name string, src []byte) (string, error) {
	enc, _, _ := charset.DetermineEncoding(src, "text/html")
	r := enc.NewDecoder().Reader(bytes.NewReader(src))
	doc, err := html.Parse(r)
	if err != nil {
		return "", fmt.Errorf("corpus: %s: %w", name, err)
	}
	var w htmlWriter
	if title := pageTitle(doc); title != "" {
		w.line.WriteString(title)
		w.breakLine()
	}
	w.node(content(doc))
	w.breakLine()
	return w.sb.String(), nil
}

// content finds the part of a page that holds the text: going down from
// the body, into the element that holds most of its Chinese, so that the
// site's navigation, header and footer are left out.
func content(doc *html.Node) *html.Node {
	han := map[*html.Node]int{}
	var count func(n *html.Node) int
	count = func(n *html.Node) int {
		c := 0
		if n.Type == html.TextNode {
			for _, r := range n.Data {
				if r >= 0x3400 && r <= 0x9FFF {
					c++
				}
			}
		}
		if n.Type == html.ElementNode && (n.DataAtom == atom.Script || n.DataAtom == atom.Style || n.DataAtom == atom.Head) {
			return 0
		}
		for k := n.FirstChild; k != nil; k = k.NextSibling {
			c += count(k)
		}
		han[n] = c
		return c
	}
	total := count(doc)
	n := doc
	for {
		var best *html.Node
		for k := n.FirstChild; k != nil; k = k.NextSibling {
			if k.Type == html.ElementNode && k.DataAtom != atom.Table && (best == nil || han[k] > han[best]) {
				best = k
			}
		}
		if best == nil || han[best]*10 < total*8 {
			return n
		}
		n = best
	}
}

// pageTitle is the page's main heading (its first h1), which a site often
// prints outside the element that holds the text.
func pageTitle(doc *html.Node) string {
	var find func(n *html.Node) *html.Node
	find = func(n *html.Node) *html.Node {
		if n.Type == html.ElementNode && n.DataAtom == atom.H1 {
			return n
		}
		for k := n.FirstChild; k != nil; k = k.NextSibling {
			if h := find(k); h != nil {
				return h
			}
		}
		return nil
	}
	h := find(doc)
	if h == nil {
		return ""
	}
	var w htmlWriter
	w.node(h)
	w.breakLine()
	return strings.Join(strings.Fields(w.sb.String()), "")
}

type htmlWriter struct {
	sb   strings.Builder
	line strings.Builder
}

func (w *htmlWriter) breakLine() {
	if s := strings.TrimSpace(w.line.String()); s != "" {
		w.sb.WriteString(s)
		w.sb.WriteString("\n")
	}
	w.line.Reset()
}

func (w *htmlWriter) node(n *html.Node) {
	switch n.Type {
	case html.TextNode:
		w.line.WriteString(collapse(n.Data))
		return
	case html.ElementNode:
		switch n.DataAtom {
		case atom.Script, atom.Style, atom.Head, atom.Noscript:
			return
		case atom.Br:
			w.breakLine()
			return
		case atom.Table:
			w.breakLine()
			w.table(n)
			return
		case atom.Sup:
			// A footnote marker (<sup>1</sup>) or an exponent (m<sup>2</sup>).
			w.line.WriteString("<sup>")
			for c := n.FirstChild; c != nil; c = c.NextSibling {
				w.node(c)
			}
			w.line.WriteString("</sup>")
			return
		}
	}
	block := n.Type == html.ElementNode && isBlock(n.DataAtom)
	if block {
		w.breakLine()
	}
	for c := n.FirstChild; c != nil; c = c.NextSibling {
		w.node(c)
	}
	if block {
		w.breakLine()
	}
}

// collapse turns each run of HTML white space (space, tab, line breaks)
// into one space, as a browser shows it; an ideographic space (U+3000) is
// text, and stays.
func collapse(s string) string {
	return strings.Join(strings.FieldsFunc(s, func(r rune) bool {
		return r == ' ' || r == '\t' || r == '\n' || r == '\r' || r == '\f'
	}), " ")
}

func isBlock(a atom.Atom) bool {
	switch a {
	case atom.P, atom.Div, atom.H1, atom.H2, atom.H3, atom.H4, atom.H5, atom.H6, atom.Li, atom.Ul, atom.Ol,
		atom.Section, atom.Article, atom.Blockquote, atom.Pre, atom.Tr, atom.Body, atom.Center, atom.Dd, atom.Dt:
		return true
	}
	return false
}

// table writes an HTML table as lines of tab-separated cells. A cell
// spanning columns is followed by empty cells; one spanning rows leaves an
// empty cell in the rows below, as a printed table leaves a merged cell.
func (w *htmlWriter) table(t *html.Node) {
	pending := map[int]int{} // column → rows it is still merged into
	var rows func(n *html.Node)
	rows = func(n *html.Node) {
		for c := n.FirstChild; c != nil; c = c.NextSibling {
			if c.Type != html.ElementNode {
				continue
			}
			if c.DataAtom != atom.Tr {
				if c.DataAtom != atom.Table { // a nested table stays in its cell
					rows(c)
				}
				continue
			}
			var cells []string
			col := 0
			skipMerged := func() {
				for pending[col] > 0 {
					pending[col]--
					cells = append(cells, "")
					col++
				}
			}
			for td := c.FirstChild; td != nil; td = td.NextSibling {
				if td.Type != html.ElementNode || td.DataAtom != atom.Td && td.DataAtom != atom.Th {
					continue
				}
				skipMerged()
				var cw htmlWriter
				for x := td.FirstChild; x != nil; x = x.NextSibling {
					cw.node(x)
				}
				cw.breakLine()
				cells = append(cells, strings.TrimSpace(collapse(strings.ReplaceAll(cw.sb.String(), "\n", ""))))
				span, rowspan := attrInt(td, "colspan"), attrInt(td, "rowspan")
				for k := 0; k < span; k++ {
					if k > 0 {
						cells = append(cells, "")
					}
					if rowspan > 1 {
						pending[col] = rowspan - 1
					}
					col++
				}
			}
			skipMerged()
			if strings.TrimSpace(strings.Join(cells, "")) != "" {
				w.sb.WriteString(strings.Join(cells, "\t"))
				w.sb.WriteString("\n")
			}
		}
	}
	rows(t)
}

func attrInt(n *html.Node, key string) int {
	for _, a := range n.Attr {
		if a.Key == key {
			if v, err := strconv.Atoi(strings.TrimSpace(a.Val)); err == nil && v > 0 && v < 100 {
				return v
			}
		}
	}
	return 1
}

// docxText reads a Word document: each paragraph on a line, a table's rows
// as lines of tab-separated cells, a merged cell (gridSpan, vMerge) written
// as empty ones.
func docxText(name string, src []byte) (string, error) {
	zr, err := zip.NewReader(bytes.NewReader(src), int64(len(src)))
	if err != nil {
		return "", fmt.Errorf("corpus: %s: not a Word document: %w", name, err)
	}
	var body io.ReadCloser
	for _, f := range zr.File {
		if f.Name == "word/document.xml" {
			if body, err = f.Open(); err != nil {
				return "", fmt.Errorf("corpus: %s: %w", name, err)
			}
			break
		}
	}
	if body == nil {
		return "", fmt.Errorf("corpus: %s: a zip file, but not a Word document (no word/document.xml)", name)
	}
	defer body.Close()
	dec := xml.NewDecoder(io.LimitReader(body, maxDocx))
	var sb, para strings.Builder
	var cells []string
	depth := 0 // of tables
	merged, span := false, 1
	for {
		tok, err := dec.Token()
		if err == io.EOF {
			break
		}
		if err != nil {
			return "", fmt.Errorf("corpus: %s: word/document.xml: %w", name, err)
		}
		switch t := tok.(type) {
		case xml.StartElement:
			switch t.Name.Local {
			case "tbl":
				depth++
			case "tr":
				cells = cells[:0]
			case "tc":
				para.Reset()
				merged, span = false, 1
			case "vMerge":
				// A continued vertical merge has no val (or val="continue").
				merged = attr(t, "val") != "restart"
			case "gridSpan":
				if n, err := strconv.Atoi(attr(t, "val")); err == nil && n > 1 && n < 100 {
					span = n
				}
			case "tab":
				para.WriteString("\t")
			case "br":
				para.WriteString("\n")
			case "t":
				var s string
				if err := dec.DecodeElement(&s, &t); err != nil {
					return "", fmt.Errorf("corpus: %s: word/document.xml: %w", name, err)
				}
				para.WriteString(s)
			}
		case xml.EndElement:
			switch t.Name.Local {
			case "p":
				if depth == 0 {
					sb.WriteString(para.String())
					sb.WriteString("\n")
					para.Reset()
				}
			case "tc":
				c := strings.Join(strings.Fields(para.String()), " ")
				if merged {
					c = ""
				}
				cells = append(cells, c)
				for range span - 1 {
					cells = append(cells, "")
				}
				para.Reset()
			case "tr":
				sb.WriteString(strings.Join(cells, "\t"))
				sb.WriteString("\n")
			case "tbl":
				depth--
			}
		}
	}
	return sb.String(), nil
}

func attr(e xml.StartElement, local string) string {
	for _, a := range e.Attr {
		if a.Name.Local == local {
			return a.Value
		}
	}
	return ""
}

// pdfText extracts the text of a PDF with pdftotext, in reading order.
func pdfText(name string, src []byte) (string, error) {
	bin, err := exec.LookPath("pdftotext")
	if err != nil {
		return "", fmt.Errorf("corpus: %s: %w", name, ErrNoPdftotext)
	}
	f, err := os.CreateTemp("", "planbot-*.pdf")
	if err != nil {
		return "", fmt.Errorf("corpus: %s: %w", name, err)
	}
	defer os.Remove(f.Name())
	if _, err := f.Write(src); err != nil {
		f.Close()
		return "", fmt.Errorf("corpus: %s: %w", name, err)
	}
	f.Close()
	ctx, cancel := context.WithTimeout(context.Background(), 2*time.Minute)
	defer cancel()
	var out, stderr bytes.Buffer
	cmd := exec.CommandContext(ctx, bin, "-enc", "UTF-8", "-nopgbrk", f.Name(), "-")
	cmd.Stdout, cmd.Stderr = &out, &stderr
	if err := cmd.Run(); err != nil {
		return "", fmt.Errorf("corpus: %s: pdftotext: %v: %s", name, err, clip(strings.TrimSpace(stderr.String()), 200))
	}
	return out.String(), nil
}
