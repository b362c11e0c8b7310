// Command planbot answers questions about a five-year plan: on Telegram
// (serve), in a terminal (console, ask), and measures itself (eval).
package main

import (
	"context"
	"errors"
	"fmt"
	"io"
	"os"
	"os/signal"
	"runtime/debug"
	"syscall"
)

const usage = `planbot answers questions about five-year plans: the 14th of 东河区, built
in, and the plans of its family the configuration names, side by side.

Usage:
  planbot console [-config FILE]
                               chat with the bot in this terminal (no token, no network)
  planbot ask [-json] [-config FILE] [QUESTION]
                               answer one question; with no QUESTION, one per line of stdin
  planbot plans [-json] [-config FILE]
                               the plans loaded, with what the parser read of each
  planbot eval [-v] FILE       score a question set (JSONL: id, q, kind, any)
  planbot calibrate [-o FILE] [PLAN:]SET.jsonl ...
                               fit the decision to answer on labelled question sets
  planbot corpus -json         print the parsed plan as JSON
  planbot targets [-json] [-config FILE [-name NAME]] [TOPIC]
                               the plan's quantitative targets and results, with their sources
  planbot serve -config FILE   run the Telegram bot, the web or both, as configured
                               (SIGHUP reloads the plans)
  planbot web [-listen ADDR] [-config FILE]
                               serve the web page and API alone (default 127.0.0.1:8080, no token)
  planbot stats -config FILE [-days N | -export FILE | -import FILE [-append]]
                               what the store holds; move it between bbolt and PostgreSQL

ask, console, eval, targets, plans and web read the plans (plans:) and data.dir
of the configuration given with -config, or one plan file with -plan FILE.
Without data.dir, ask, console, eval and plans keep what they build of the
plans in the user's cache ($XDG_CACHE_HOME/planbot or ~/.cache/planbot);
PLANBOT_CACHE names another directory, or is off for none.
`

func main() {
	// Start-up allocates several times what it keeps (the dictionary, the
	// index); a tighter GC keeps the process near what it uses.
	debug.SetGCPercent(50)
	ctx, stop := signal.NotifyContext(context.Background(), os.Interrupt, syscall.SIGTERM)
	err := run(ctx, os.Args[1:], os.Stdin, os.Stdout, os.Stderr)
	stop()
	if err != nil {
		if !errors.Is(err, errUsage) {
			fmt.Fprintln(os.Stderr, "planbot:", err)
		}
		os.Exit(1)
	}
}

// errUsage reports a command line that was wrong; usage has been printed.
var errUsage = errors.New("usage")

// run is the whole program; tests call it.
func run(ctx context.Context, args []string, stdin io.Reader, stdout, stderr io.Writer) error {
	if len(args) == 0 {
		fmt.Fprint(stderr, usage)
		return errUsage
	}
	cmds := map[string]func(context.Context, []string, io.Reader, io.Writer, io.Writer) error{
		"console":   runConsole,
		"ask":       runAsk,
		"eval":      runEval,
		"calibrate": runCalibrate,
		"corpus":    runCorpus,
		"serve":     runServe,
		"targets":   runTargets,
		"stats":     runStats,
		"plans":     runPlans,
		"web":       runWeb,
	}
	cmd, ok := cmds[args[0]]
	if !ok {
		if args[0] == "help" || args[0] == "-h" || args[0] == "--help" {
			fmt.Fprint(stdout, usage)
			return nil
		}
		fmt.Fprintf(stderr, "planbot: unknown command %q\n\n%s", args[0], usage)
		return errUsage
	}
	return cmd(ctx, args[1:], stdin, stdout, stderr)
}
