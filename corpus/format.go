package corpus

import (
	"fmt"
	"unicode/utf8"
)

// decode turns a document's bytes into text.
func decode(name string, src []byte) (string, error) {
	if !utf8.Valid(src) {
		return "", fmt.Errorf("corpus: %s: not UTF-8 text", name)
	}
	return string(src), nil
}
