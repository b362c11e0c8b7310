package corpus

import (
	"bytes"
	"fmt"
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"testing"
)

// toPDF writes lines of text as a one-page PDF, one line of text each, in a
// font that carries no glyphs but maps every code to its character
// (ToUnicode), which is all a text extractor reads.
func toPDF(lines []string) []byte {
	ids := map[rune]int{}
	var runes []rune
	for _, l := range lines {
		for _, r := range l {
			if _, ok := ids[r]; !ok {
				ids[r] = len(runes) + 1
				runes = append(runes, r)
			}
		}
	}
	var content bytes.Buffer
	content.WriteString("BT /F1 10 Tf 12 TL 40 800 Td\n")
	for _, l := range lines {
		content.WriteString("<")
		for _, r := range l {
			fmt.Fprintf(&content, "%04X", ids[r])
		}
		content.WriteString("> Tj T*\n")
	}
	content.WriteString("ET\n")
	var cmap bytes.Buffer
	cmap.WriteString("/CIDInit /ProcSet findresource begin 12 dict begin begincmap " +
		"/CIDSystemInfo << /Registry (Adobe) /Ordering (UCS) /Supplement 0 >> def " +
		"/CMapName /Adobe-Identity-UCS def /CMapType 2 def 1 begincodespacerange <0000> <FFFF> endcodespacerange\n")
	for i := 0; i < len(runes); i += 100 {
		chunk := runes[i:min(i+100, len(runes))]
		fmt.Fprintf(&cmap, "%d beginbfchar\n", len(chunk))
		for j, r := range chunk {
			fmt.Fprintf(&cmap, "<%04X> <%04X>\n", i+j+1, r)
		}
		cmap.WriteString("endbfchar\n")
	}
	cmap.WriteString("endcmap CMapName currentdict /CMap defineresource pop end end\n")
	var widths strings.Builder
	for _, r := range runes {
		if r < 0x80 {
			widths.WriteString(" 500")
		} else {
			widths.WriteString(" 1000")
		}
	}
	objs := []string{
		"<< /Type /Catalog /Pages 2 0 R >>",
		"<< /Type /Pages /Kids [3 0 R] /Count 1 >>",
		"<< /Type /Page /Parent 2 0 R /MediaBox [0 0 595 842] /Contents 4 0 R /Resources << /Font << /F1 5 0 R >> >> >>",
		fmt.Sprintf("<< /Length %d >>\nstream\n%sendstream", content.Len(), content.String()),
		"<< /Type /Font /Subtype /Type0 /BaseFont /Plan /Encoding /Identity-H /DescendantFonts [6 0 R] /ToUnicode 7 0 R >>",
		"<< /Type /Font /Subtype /CIDFontType2 /BaseFont /Plan /CIDSystemInfo << /Registry (Adobe) /Ordering (Identity) /Supplement 0 >> " +
			"/FontDescriptor 8 0 R /W [1 [" + widths.String() + "]] /CIDToGIDMap /Identity >>",
		fmt.Sprintf("<< /Length %d >>\nstream\n%sendstream", cmap.Len(), cmap.String()),
		"<< /Type /FontDescriptor /FontName /Plan /Flags 4 /FontBBox [0 -200 1000 900] /ItalicAngle 0 /Ascent 900 /Descent -200 /CapHeight 700 /StemV 80 >>",
	}
	var out bytes.Buffer
	out.WriteString("%PDF-1.4\n")
	var offsets []int
	for i, o := range objs {
		offsets = append(offsets, out.Len())
		fmt.Fprintf(&out, "%d 0 obj\n%s\nendobj\n", i+1, o)
	}
	xref := out.Len()
	fmt.Fprintf(&out, "xref\n0 %d\n0000000000 65535 f \n", len(objs)+1)
	for _, o := range offsets {
		fmt.Fprintf(&out, "%010d 00000 n \n", o)
	}
	fmt.Fprintf(&out, "trailer\n<< /Size %d /Root 1 0 R >>\nstartxref\n%d\n%%%%EOF\n", len(objs)+1, xref)
	return out.Bytes()
}

// TestPDF parses a PDF made of a text fixture in the shape PDF extraction
// leaves (hard wraps, page marks, a table flattened to single spaces) to the
// same model as the text. It needs pdftotext (poppler-utils), which .ci/run
// installs; under CI a missing pdftotext fails the test.
func TestPDF(t *testing.T) {
	if _, err := exec.LookPath("pdftotext"); err != nil {
		if os.Getenv("CI") == "true" {
			t.Fatal("pdftotext (poppler-utils) is not installed")
		}
		t.Skip("pdftotext (poppler-utils) is not installed")
	}
	src, err := os.ReadFile(filepath.Join("testdata", "small-pdf.txt"))
	if err != nil {
		t.Fatal(err)
	}
	want, err := Parse("small-pdf.txt", src)
	if err != nil {
		t.Fatal(err)
	}
	if len(want.Indicators) != 3 || len(want.Parts) != 2 || len(want.Boxes) != 1 || want.Indicators[1].Target != "32.5" {
		t.Fatalf("the text fixture itself: %+v", want.Check())
	}
	got, err := Parse("small.pdf", toPDF(strings.Split(strings.TrimRight(string(src), "\n"), "\n")))
	if err != nil {
		t.Fatal(err)
	}
	if g, w := modelJSON(t, got), modelJSON(t, want); g != w {
		t.Errorf("the PDF parses differently from its text:\n%s\nwant\n%s", g, w)
	}
}
