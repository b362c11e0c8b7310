package main

import (
	"context"
	"log/slog"
	"os"
	"sync"

	"planbot/bot"
	"planbot/bot/telegram"
	"planbot/index"
)

// A serving bot reloads its plans on SIGHUP: the configuration's plans are
// read again (from the cache when unchanged), a new bot is made of them and
// takes the next update, while the updates in hand finish on the old one,
// whose plans are released after. Receiving never stops, so no update is
// lost or repeated; a reload that fails leaves the plans as they were.

// generation is one set of plans and the bot over them.
type generation struct {
	bot      *bot.Bot
	lib      *index.Library
	inFlight sync.WaitGroup
}

// reloadable is a telegram.Handler whose bot can be replaced while it
// serves.
type reloadable struct {
	mu  sync.RWMutex
	cur *generation
}

var _ telegram.Handler = (*reloadable)(nil)

// acquire is the current generation, held until its release.
func (r *reloadable) acquire() *generation {
	r.mu.RLock()
	defer r.mu.RUnlock()
	g := r.cur
	g.inFlight.Add(1)
	return g
}

// swap makes g current, and releases the plans of the one before once the
// updates in its hands are done.
func (r *reloadable) swap(g *generation) {
	r.mu.Lock()
	old := r.cur
	r.cur = g
	r.mu.Unlock()
	if old != nil {
		go func() {
			old.inFlight.Wait()
			old.lib.Close()
		}()
	}
}

// close releases the current plans; call it when serving is over.
func (r *reloadable) close() {
	r.mu.Lock()
	g := r.cur
	r.mu.Unlock()
	g.inFlight.Wait()
	g.lib.Close()
}

func (r *reloadable) HandleMessage(m bot.Message) []bot.Reply {
	g := r.acquire()
	defer g.inFlight.Done()
	return g.bot.HandleMessage(m)
}

func (r *reloadable) HandleCallback(c bot.Callback) bot.CallbackAnswer {
	g := r.acquire()
	defer g.inFlight.Done()
	return g.bot.HandleCallback(c)
}

func (r *reloadable) HandleInline(q bot.InlineQuery) bot.InlineAnswer {
	g := r.acquire()
	defer g.inFlight.Done()
	return g.bot.HandleInline(q)
}

// reloadOn reloads the plans at every signal on sig until ctx is done:
// load reads them again.
func (r *reloadable) reloadOn(ctx context.Context, sig <-chan os.Signal, load func(context.Context) (*generation, error), log *slog.Logger) {
	for {
		select {
		case <-ctx.Done():
			return
		case <-sig:
			g, err := load(ctx)
			if err != nil {
				log.Error("planbot: plans not reloaded, serving those loaded before", "err", err)
				continue
			}
			if ctx.Err() != nil {
				g.lib.Close()
				return
			}
			r.swap(g)
			log.Info("planbot: plans reloaded", "plans", len(g.lib.Plans()))
		}
	}
}
