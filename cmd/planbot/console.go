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
	return bot.Console(ctx, b, stdin, stdout, isTerminal(stdin))
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
