package main

import (
	"context"
	"encoding/json"
	"flag"
	"fmt"
	"io"
	"strings"

	"planbot/corpus"
)

// runTargets lists the quantitative targets and achievements of the plan,
// optionally only those on a topic.
func runTargets(ctx context.Context, args []string, stdin io.Reader, stdout, stderr io.Writer) error {
	fs := flag.NewFlagSet("targets", flag.ContinueOnError)
	fs.SetOutput(stderr)
	asJSON := fs.Bool("json", false, "print a JSON list of {metric, comparator, value, unit, year, text, location, …}")
	var src planSource
	src.flags(fs)
	name := fs.String("name", "", "with -config, the plan of this short `name` (default: the default plan)")
	fs.Usage = func() {
		fmt.Fprintln(stderr, "usage: planbot targets [-json] [-config FILE [-name NAME] | -plan FILE] [TOPIC ...]")
		fs.PrintDefaults()
	}
	if err := fs.Parse(args); err != nil {
		return errUsage
	}
	pl, err := src.plan(*name)
	if err != nil {
		return err
	}
	ts := filterTargets(pl.Targets(), fs.Args())
	if *asJSON {
		enc := json.NewEncoder(stdout)
		enc.SetIndent("", "  ")
		enc.SetEscapeHTML(false)
		if ts == nil {
			ts = []corpus.Target{} // [], not null
		}
		return enc.Encode(ts)
	}
	_, err = io.WriteString(stdout, formatTargets(pl, ts, strings.Join(fs.Args(), " ")))
	return err
}

// filterTargets keeps the targets whose metric or sentence contains every
// word of topic.
func filterTargets(ts []corpus.Target, topic []string) []corpus.Target {
	var out []corpus.Target
next:
	for _, t := range ts {
		for _, w := range topic {
			if !strings.Contains(t.Metric, w) && !strings.Contains(t.Text, w) {
				continue next
			}
		}
		out = append(out, t)
	}
	return out
}

// formatTargets renders targets for a terminal, grouped by chapter, each
// with where the plan states it.
func formatTargets(pl *corpus.Plan, ts []corpus.Target, topic string) string {
	var b strings.Builder
	if len(ts) == 0 {
		if topic == "" {
			return "规划中没有找到量化指标。\n"
		}
		return fmt.Sprintf("没有找到与“%s”有关的量化指标。\n", topic)
	}
	targets := 0
	for _, t := range ts {
		if t.Kind == corpus.KindTarget {
			targets++
		}
	}
	fmt.Fprintf(&b, "共 %d 项：目标 %d 项，成就 %d 项", len(ts), targets, len(ts)-targets)
	if topic != "" {
		fmt.Fprintf(&b, "（主题：%s）", topic)
	}
	b.WriteString("\n")
	chapter := -1
	for _, t := range ts {
		if t.Chapter != chapter {
			chapter = t.Chapter
			b.WriteString("\n" + chapterTitle(pl, chapter) + "\n")
		}
		fmt.Fprintf(&b, "  • %s：%s（%s，%s）\n", t.Metric, t.Figure(), t.Period(), kindLabel(t.Kind))
		fmt.Fprintf(&b, "    %s\n", t.Location)
	}
	return b.String()
}

// chapterTitle returns 第三章 建设现代产业体系… for chapter n.
func chapterTitle(pl *corpus.Plan, n int) string {
	c, ok := pl.Chapter(n)
	if !ok {
		return "序言"
	}
	return fmt.Sprintf("第%s章 %s", corpus.HanNumeral(n), c.Title)
}

func kindLabel(kind string) string {
	if kind == corpus.KindAchievement {
		return "成就"
	}
	return "目标"
}
