package bot

import "strings"

// ReplyKinds are the kinds a Reply can be of: the kind of the first result
// of a question ("search" when it is of none named here), what a command
// shows, "not_found" when the plan does not speak of a question, and
// "other" for help, usage hints and refusals.
var ReplyKinds = []string{"indicator", "term", "passage", "project", "target", "search", "toc", "chapter", "not_found", "other"}

// replyKind tells what kind of answer a message is. Each kind of answer
// starts with its own emoji (📊 an indicator, 📖 a term or a chapter, 📄 a
// passage, 🏗 a project, 🎯 a target, 📚 the contents, 🤔 nothing found),
// and a search with 🔎 and a heading before its results, so the start of
// the text says it.
func replyKind(html string) string {
	s := html
	search := strings.HasPrefix(s, "🔎")
	if search {
		// The heading, then the first result, perhaps numbered.
		if _, first, ok := strings.Cut(s, "\n\n"); ok {
			s = first
			if strings.HasPrefix(s, "<b>") {
				if _, rest, ok := strings.Cut(s, "</b> "); ok {
					s = rest
				}
			}
		}
	}
	for _, k := range kindPrefixes {
		if strings.HasPrefix(s, k.prefix) {
			return k.kind
		}
	}
	if search {
		return "search"
	}
	return "other"
}

// kindPrefixes are the starts of the kinds of answer, the longer first.
var kindPrefixes = []struct{ prefix, kind string }{
	{"📊", "indicator"},
	{"📖 <b>第", "chapter"},
	{"📖", "term"},
	{"📄", "passage"},
	{"🏗", "project"},
	{"🎯", "target"},
	{"📚", "toc"},
	{"🤔", "not_found"},
}
