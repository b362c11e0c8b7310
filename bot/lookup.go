package bot

import (
	"slices"
	"strings"
	"unicode/utf8"

	"planbot/corpus"
)

// The lookups of the commands, as values, for channels that show them in
// their own way (the web API): the same terms /define finds and the same
// targets /targets lists.

// Plan returns the plan b answers from.
func (b *Bot) Plan() *corpus.Plan { return b.plan }

// Title names the plan briefly, as the bot's replies do.
func (b *Bot) Title() string { return b.shortTitle() }

// Terms returns the glossary entries that /define finds for query, the
// best first; none for an empty or overlong query.
func (b *Bot) Terms(query string) []corpus.Term {
	q := cleanQuery(query)
	if q == "" || utf8.RuneCountInString(q) > maxQuestion {
		return nil
	}
	return b.findTerms(q)
}

// Targets returns the quantitative targets /targets lists for topic, in
// the order of the plan: all of them when topic is empty, none when it is
// overlong.
func (b *Bot) Targets(topic string) []corpus.Target {
	t := cleanTopic(topic)
	switch {
	case t == "":
		return slices.Clone(b.targets)
	case utf8.RuneCountInString(t) > maxQuestion:
		return nil
	}
	return b.topicTargets(strings.TrimSpace(t))
}
