// Command gensounds writes the table of the sounds of Chinese characters
// that package index reads for homophone typos (data/sounds.txt): for
// every character of Unicode's Han script go-pinyin knows, its first
// reading without tones. A line is a sound and the characters that have
// it, in code point order; lines are in the order of sounds.
//
// The table stands in for go-pinyin itself, which builds a map of every
// character it knows when the program starts (2 MB, a few milliseconds)
// for what a plan of a few thousand characters asks of it once.
//
// Run it through go generate in index:
//
//	go generate ./index
package main

import (
	"flag"
	"fmt"
	"maps"
	"os"
	"slices"
	"strings"
	"unicode"

	"github.com/mozillazg/go-pinyin"
)

func main() {
	out := flag.String("o", "data/sounds.txt", "write the table here")
	flag.Parse()
	if err := os.WriteFile(*out, []byte(Table()), 0o644); err != nil {
		fmt.Fprintln(os.Stderr, "gensounds:", err)
		os.Exit(1)
	}
}

// Table is the text of the table.
func Table() string {
	args := pinyin.NewArgs() // toneless, first reading
	chars := map[string][]rune{}
	for _, rng := range unicode.Han.R16 {
		for r := rune(rng.Lo); r <= rune(rng.Hi); r += rune(rng.Stride) {
			add(chars, r, args)
		}
	}
	for _, rng := range unicode.Han.R32 {
		for r := rune(rng.Lo); r <= rune(rng.Hi); r += rune(rng.Stride) {
			add(chars, r, args)
		}
	}
	var b strings.Builder
	b.WriteString("# The first reading, without tones, of each Chinese character go-pinyin\n")
	b.WriteString("# knows: a sound, then its characters. Written by internal/gensounds.\n")
	for _, sound := range slices.Sorted(maps.Keys(chars)) {
		fmt.Fprintf(&b, "%s %s\n", sound, string(chars[sound]))
	}
	return b.String()
}

func add(chars map[string][]rune, r rune, args pinyin.Args) {
	if p := pinyin.SinglePinyin(r, args); len(p) > 0 && p[0] != "" {
		chars[p[0]] = append(chars[p[0]], r)
	}
}
