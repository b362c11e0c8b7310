package main

import (
	"context"
	"encoding/json"
	"flag"
	"fmt"
	"io"
	"os"

	"planbot/corpus"
)

// runCorpus prints the parsed plan.
func runCorpus(ctx context.Context, args []string, stdin io.Reader, stdout, stderr io.Writer) error {
	fs := flag.NewFlagSet("corpus", flag.ContinueOnError)
	fs.SetOutput(stderr)
	asJSON := fs.Bool("json", false, "print the parsed model as JSON")
	file := fs.String("plan", "", "parse this plan file instead of the embedded one")
	if err := fs.Parse(args); err != nil {
		return errUsage
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
	fmt.Fprintf(stdout, "%d chapters, %d passages, %d indicators, %d glossary entries, %d boxes\n",
		len(pl.Chapters), len(pl.Passages), len(pl.Indicators), len(pl.Terms), len(pl.Boxes))
	for _, c := range pl.Chapters {
		fmt.Fprintf(stdout, "第%s章 %s\n", corpus.HanNumeral(c.Number), c.Title)
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
