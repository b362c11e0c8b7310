package main

import (
	"bufio"
	"context"
	"encoding/json"
	"flag"
	"fmt"
	"io"
	"strings"

	"planbot/index"
)

// askLimit is how many results ask shows.
const askLimit = 5

// runAsk answers questions from the command line or stdin.
func runAsk(ctx context.Context, args []string, stdin io.Reader, stdout, stderr io.Writer) error {
	fs := flag.NewFlagSet("ask", flag.ContinueOnError)
	fs.SetOutput(stderr)
	asJSON := fs.Bool("json", false, "print JSON: {query, answered, missing, results:[{plan,kind,title,text,location,score}]}")
	limit := fs.Int("n", askLimit, "at most this many results")
	var src planSource
	src.flags(fs)
	if err := fs.Parse(args); err != nil {
		return errUsage
	}
	lib, err := src.open(ctx)
	if err != nil {
		return err
	}
	defer lib.Close()
	answer := func(q string) error {
		ans, err := lib.Search(ctx, q, nil, *limit)
		if err != nil {
			return err
		}
		if *asJSON {
			enc := json.NewEncoder(stdout)
			enc.SetEscapeHTML(false)
			return enc.Encode(ans) // {query, results:[{kind,title,text,location,score,…}]}
		}
		_, err = io.WriteString(stdout, formatAnswer(ans))
		return err
	}
	if fs.NArg() > 0 {
		return answer(strings.Join(fs.Args(), " "))
	}
	// One answer for every line of input, blank or hostile ones included;
	// a line longer than maxLine is answered by its start.
	r := bufio.NewReader(stdin)
	for {
		line, err := readLine(r, maxLine)
		if err == io.EOF {
			return nil
		}
		if err != nil {
			return err
		}
		if err := ctx.Err(); err != nil {
			return err
		}
		if err := answer(line); err != nil {
			return err
		}
	}
}

// maxLine is how much of a line of input ask reads; the index reads less.
const maxLine = 64 << 10

// readLine reads one line without its end, keeping at most max bytes of it
// and skipping the rest. It returns io.EOF only when no line is left.
func readLine(r *bufio.Reader, max int) (string, error) {
	var b []byte
	read := false
	for {
		part, more, err := r.ReadLine()
		if err != nil {
			if err == io.EOF && read {
				return string(b), nil
			}
			return "", err
		}
		read = true
		if room := max - len(b); room > 0 {
			b = append(b, part[:min(len(part), room)]...)
		}
		if !more {
			return string(b), nil
		}
	}
}

// formatAnswer writes an answer as a person reads it in a terminal, the
// matched words in 【】: the results of an answer; of an offer, the words
// the plan does not use and then the closest results; a decline in a line.
func formatAnswer(ans index.Answer) string {
	var b strings.Builder
	switch ans.Outcome() {
	case index.Declined:
		b.WriteString("规划中没有找到与此相关的内容")
		if len(ans.Missing) > 0 {
			fmt.Fprintf(&b, "（规划里没有提到%s）", quoteWords(ans.Missing))
		}
		b.WriteString("。\n")
		return b.String()
	case index.Offered:
		if len(ans.Missing) > 0 {
			fmt.Fprintf(&b, "规划里没有提到%s。", quoteWords(ans.Missing))
		} else {
			b.WriteString("规划里没有直接的答案。")
		}
		b.WriteString("最接近的内容：\n")
	}
	for i, r := range ans.Results {
		fmt.Fprintf(&b, "%d. [%s] %s\n", i+1, kindName[r.Kind], r.Title)
		if len(r.Items) > 0 {
			fmt.Fprintf(&b, "   %s\n", r.Text)
		} else {
			fmt.Fprintf(&b, "   %s\n", markExcerpt(r))
		}
		fmt.Fprintf(&b, "   —— %s · %s\n", r.Plan, r.Location)
	}
	return b.String()
}

// quoteWords quotes words as a sentence lists them: “摩天轮”、“缆车”.
func quoteWords(ws []string) string {
	q := make([]string, len(ws))
	for i, w := range ws {
		q[i] = "“" + w + "”"
	}
	return strings.Join(q, "、")
}

var kindName = map[index.Kind]string{
	index.KindPassage:   "原文",
	index.KindIndicator: "指标",
	index.KindTerm:      "名词解释",
	index.KindProject:   "重点项目",
	index.KindTarget:    "目标",
}

func markExcerpt(r index.Result) string {
	var b strings.Builder
	prev := 0
	for _, h := range r.Highlights {
		b.WriteString(r.Excerpt[prev:h.Start])
		b.WriteString("【" + r.Excerpt[h.Start:h.End] + "】")
		prev = h.End
	}
	b.WriteString(r.Excerpt[prev:])
	return b.String()
}
