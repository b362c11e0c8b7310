package bot

import (
	"regexp"
	"strings"
	"unicode"
	"unicode/utf16"
)

// commandRe matches a command at the start of a message: /name or
// /name@bot, followed by white space or the end. Telegram's own rules for
// command and bot names (Latin letters, digits, underscores).
var commandRe = regexp.MustCompile(`^/([A-Za-z0-9_]{1,32})(?:@([A-Za-z0-9_]{1,64}))?(?:\s+|$)`)

// parseCommand splits "/Name@bot args" into the lower-cased name, the bot it
// is addressed to (empty when none) and the arguments. It reads the text
// itself rather than the bot_command entity so that the @bot suffix, which
// the v5.5.1 library's Message.Command() strips, is kept; the two agree
// because Telegram marks a command at offset 0 exactly when the text starts
// like this.
func parseCommand(text string) (name, target, args string, ok bool) {
	m := commandRe.FindStringSubmatch(text)
	if m == nil {
		return "", "", "", false
	}
	return strings.ToLower(m[1]), m[2], strings.TrimSpace(text[len(m[0]):]), true
}

// forMe reports whether a command addressed to target is for this bot.
func (b *Bot) forMe(target string) bool {
	return target == "" || b.username == "" || strings.EqualFold(target, b.username)
}

// stripMentions removes the mentions of this bot from the text and reports
// whether there was one. Entity offsets count UTF-16 code units.
func (b *Bot) stripMentions(m Message) (string, bool) {
	if b.username == "" {
		return m.Text, false
	}
	text := m.Text
	var cut [][2]int
	for _, e := range m.Entities {
		if e.Type != "mention" {
			continue
		}
		start, end, ok := utf16Span(text, e.Offset, e.Length)
		if !ok {
			continue
		}
		if strings.EqualFold(text[start:end], "@"+b.username) {
			cut = append(cut, [2]int{start, end})
		}
	}
	if len(cut) == 0 {
		return text, false
	}
	var sb strings.Builder
	prev := 0
	for _, c := range cut {
		if c[0] < prev {
			continue // overlapping entities: keep the first
		}
		sb.WriteString(text[prev:c[0]])
		sb.WriteByte(' ')
		prev = c[1]
	}
	sb.WriteString(text[prev:])
	return sb.String(), true
}

// utf16Span converts an entity's offset and length in UTF-16 code units into
// byte offsets of s. ok is false when the span does not fall on character
// boundaries inside s.
func utf16Span(s string, offset, length int) (start, end int, ok bool) {
	if offset < 0 || length <= 0 {
		return 0, 0, false
	}
	units := 0
	start, end = -1, -1
	for i, r := range s {
		if units == offset {
			start = i
		}
		if units == offset+length {
			end = i
			break
		}
		units += utf16.RuneLen(r)
	}
	if end < 0 && units == offset+length {
		end = len(s)
	}
	if start < 0 || end < 0 || end <= start {
		return 0, 0, false
	}
	return start, end, true
}

// queryOf recovers the query a question message asked: the arguments of
// /search, or the text without the mention. ok is false when the message
// was a command other than a search.
func (b *Bot) queryOf(m Message) (string, bool) {
	if name, _, args, isCmd := parseCommand(m.Text); isCmd {
		if name == "search" || name == "s" {
			return args, true
		}
		return "", false
	}
	text, _ := b.stripMentions(m)
	return text, true
}

// cleanQuery makes user text fit to search and to echo: control characters
// and line breaks become spaces, runs of space collapse, the ends are
// trimmed, and format characters (bidi overrides and isolates such as
// U+202E, zero-width joiners, soft hyphens) go, so that an echo of the
// text cannot reverse or hide the rest of a reply.
func cleanQuery(s string) string {
	s = strings.ToValidUTF8(s, "")
	var sb strings.Builder
	space := false
	for _, r := range s {
		if unicode.IsSpace(r) || unicode.IsControl(r) || r == '\u200b' || r == '\ufeff' {
			space = true
			continue
		}
		if unicode.Is(unicode.Cf, r) {
			continue
		}
		if space && sb.Len() > 0 {
			sb.WriteByte(' ')
		}
		space = false
		sb.WriteRune(r)
	}
	return sb.String()
}
