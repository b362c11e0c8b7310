package main

import (
	"context"
	"encoding/json"
	"flag"
	"fmt"
	"io"
	"os"
	"strings"

	"planbot/corpus"
)

// runCorpus prints the parsed plan.
func runCorpus(ctx context.Context, args []string, stdin io.Reader, stdout, stderr io.Writer) error {
	fs := flag.NewFlagSet("corpus", flag.ContinueOnError)
	fs.SetOutput(stderr)
	asJSON := fs.Bool("json", false, "print the parsed model as JSON")
	file := fs.String("plan", "", "parse this plan file instead of the embedded one")
	check := fs.String("check", "", "parse this plan file and print what was understood and every warning")
	if err := fs.Parse(args); err != nil {
		return errUsage
	}
	if *check != "" {
		pl, err := loadPlan(*check)
		if err != nil {
			return err
		}
		printCheck(stdout, *check, pl)
		return nil
	}
	pl, err := loadPlan(*file)
	if err != nil {
		return err
	}
	if *asJSON {
		enc := json.NewEncoder(stdout)
		enc.SetIndent("", "  ")
		enc.SetEscapeHTML(false)
		return enc.Encode(pl)
	}
	fmt.Fprintf(stdout, "%s\n%s %s\n", pl.Title, pl.Issuer, pl.Date)
	if len(pl.Parts) > 0 {
		fmt.Fprintf(stdout, "%d parts, ", len(pl.Parts))
	}
	fmt.Fprintf(stdout, "%d chapters, %d passages, %d indicators, %d glossary entries, %d boxes\n",
		len(pl.Chapters), len(pl.Passages), len(pl.Indicators), len(pl.Terms), len(pl.Boxes))
	part := 0
	for _, c := range pl.Chapters {
		if c.Part != part {
			part = c.Part
			for _, pt := range pl.Parts {
				if pt.Number == part {
					fmt.Fprintf(stdout, "第%s篇 %s\n", corpus.HanNumeral(pt.Number), pt.Title)
				}
			}
		}
		fmt.Fprintf(stdout, "第%s章 %s\n", corpus.HanNumeral(c.Printed), c.Title)
		for _, s := range c.Sections {
			fmt.Fprintf(stdout, "  第%s节 %s\n", corpus.HanNumeral(s.Number), s.Title)
		}
	}
	return nil
}

// loadPlan parses a plan file, or returns the embedded plan when file is "".
func loadPlan(file string) (*corpus.Plan, error) {
	if file == "" {
		return corpus.Default()
	}
	src, err := os.ReadFile(file)
	if err != nil {
		return nil, err
	}
	return corpus.Parse(file, src)
}

// printCheck prints what the parser understood of a plan: its structure,
// indicators with their columns, boxes and glossary, then every warning.
func printCheck(w io.Writer, file string, pl *corpus.Plan) {
	c := pl.Check()
	n := c.Counts
	fmt.Fprintf(w, "%s\n%s\n", file, pl.Title)
	if pl.Issuer != "" || pl.Date != "" {
		fmt.Fprintf(w, "%s %s\n", pl.Issuer, pl.Date)
	}
	fmt.Fprintf(w, "\n%d 篇, %d 章, %d 节, %d 段正文, %d 项指标, %d 个专栏（%d 条）, %d 条名词解释\n\n",
		n.Parts, n.Chapters, n.Sections, n.Passages, n.Indicators, n.Boxes, n.BoxItems, n.Terms)
	part := -1
	for _, ch := range pl.Chapters {
		if ch.Part != part && ch.Part > 0 {
			for _, pt := range pl.Parts {
				if pt.Number == ch.Part {
					fmt.Fprintf(w, "第%s篇 %s\n", corpus.HanNumeral(pt.Number), pt.Title)
				}
			}
		}
		part = ch.Part
		fmt.Fprintf(w, "  第%s章 %s（%d 节）\n", corpus.HanNumeral(ch.Printed), ch.Title, len(ch.Sections))
		for _, s := range ch.Sections {
			fmt.Fprintf(w, "    第%s节 %s\n", corpus.HanNumeral(s.Number), s.Title)
		}
	}
	if t := pl.IndicatorTable; t != nil {
		fmt.Fprintf(w, "\n指标表：%s %s（%s）\n  列：%s\n", t.Label, t.Title, t.Location, strings.Join(t.Header, " | "))
		for _, ind := range pl.Indicators {
			var cells []string
			for _, col := range ind.Columns {
				cells = append(cells, col.Header+"="+col.Value)
			}
			name := ind.Name
			if ind.Sub != "" {
				name += "·" + ind.Sub
			}
			fmt.Fprintf(w, "  %d %s：%s\n", ind.Number, name, strings.Join(cells, "；"))
		}
	} else {
		fmt.Fprintln(w, "\n指标表：没有")
	}
	fmt.Fprintln(w)
	for _, b := range pl.Boxes {
		fmt.Fprintf(w, "专栏%d %s：%d 条\n", b.Number, b.Title, len(b.Items))
	}
	if len(pl.Terms) > 0 {
		fmt.Fprintf(w, "名词解释：%d 条\n", len(pl.Terms))
	}
	fmt.Fprintf(w, "\n%d 条警告\n", len(c.Warnings))
	for _, x := range c.Warnings {
		fmt.Fprintf(w, "  第%d行：%s\n", x.Line, x.Text)
	}
}
