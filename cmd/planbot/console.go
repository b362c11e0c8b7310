package main

import (
	"context"
	"flag"
	"io"
	"os"

	"planbot/bot"
)

// runConsole chats with the bot in the terminal, as in a private chat on
// Telegram: no token, no network. It reads stdin to its end or to /quit, so
// it answers piped questions too (echo 森林覆盖率 | planbot console).
func runConsole(ctx context.Context, args []string, stdin io.Reader, stdout, stderr io.Writer) error {
	fs := flag.NewFlagSet("console", flag.ContinueOnError)
	fs.SetOutput(stderr)
	var src planSource
	src.flags(fs)
	if err := fs.Parse(args); err != nil || fs.NArg() > 0 {
		return errUsage
	}
	lib, err := src.open(ctx)
	if err != nil {
		return err
	}
	defer lib.Close()
	b := bot.New(botPlans(lib), lib, bot.Options{})
	return bot.Console(ctx, b, &lineCap{r: stdin, max: maxLine}, stdout, isTerminal(stdin))
}

// lineCap passes its reader's bytes on, but at most max of a line: the
// rest of a longer line is skipped up to its end, so that a line of any
// length costs the console no more than max bytes (as ask reads lines).
type lineCap struct {
	r    io.Reader
	max  int
	line int // bytes of the current line passed on
}

func (c *lineCap) Read(p []byte) (int, error) {
	for {
		n, err := c.r.Read(p)
		out := p[:0]
		for _, b := range p[:n] {
			if b == '\n' {
				c.line = 0
				out = append(out, b)
				continue
			}
			if c.line < c.max {
				c.line++
				out = append(out, b)
			}
		}
		if len(out) > 0 || err != nil {
			return len(out), err
		}
	}
}

// isTerminal reports whether r is a terminal, where the console greets the
// user and prompts.
func isTerminal(r io.Reader) bool {
	f, ok := r.(*os.File)
	if !ok {
		return false
	}
	st, err := f.Stat()
	return err == nil && st.Mode()&os.ModeCharDevice != 0
}
