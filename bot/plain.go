package bot

import (
	"html"
	"strings"
)

// PlainText turns a reply's HTML into readable plain text: tags dropped,
// entities unescaped. The console prints replies this way.
func PlainText(s string) string {
	var sb strings.Builder
	for len(s) > 0 {
		i := strings.IndexByte(s, '<')
		if i < 0 {
			sb.WriteString(s)
			break
		}
		sb.WriteString(s[:i])
		j := strings.IndexByte(s[i:], '>')
		if j < 0 {
			sb.WriteString(s[i:])
			break
		}
		s = s[i+j+1:]
	}
	return html.UnescapeString(sb.String())
}
