package segment

import (
	"slices"
	"testing"

	"planbot/corpus"
)

// TestPrunedDict checks that the embedded dictionary cuts every text of the
// plan exactly as gse's full dictionary does. When it fails after the plan
// or its parsing changed, regenerate the dictionary: go generate ./index/segment
func TestPrunedDict(t *testing.T) {
	if testing.Short() {
		t.Skip("loads gse's full dictionary (seconds)")
	}
	plan, err := corpus.Default()
	if err != nil {
		t.Fatal(err)
	}
	pruned := defaultSegmenter(t)
	full := new(Segmenter)
	full.gse.NotLoadHMM = true
	full.gse.SkipLog = true
	// The query vocabulary's entries go first, as in the pruned one.
	if err := full.gse.LoadDictStr(vocabDict); err != nil {
		t.Fatal(err)
	}
	if err := full.gse.LoadDictEmbed("zh"); err != nil {
		t.Fatal(err)
	}
	if err := full.gse.LoadDictStr(wordEntries(planWords)); err != nil {
		t.Fatal(err)
	}
	if p, f := pruned.gse.Dict.TotalFreq(), full.gse.Dict.TotalFreq(); p != f {
		t.Errorf("total frequency: pruned %v, full %v", p, f)
	}
	texts := plan.Texts()
	diffs := 0
	for _, text := range texts {
		for _, mode := range []struct {
			name string
			cut  func(*Segmenter, string) []Token
		}{{"Cut", (*Segmenter).Cut}, {"CutSearch", (*Segmenter).CutSearch}} {
			got, want := mode.cut(pruned, text), mode.cut(full, text)
			if !slices.Equal(got, want) {
				diffs++
				if diffs <= 5 {
					t.Errorf("%s(%.40q…):\npruned %v\nfull   %v", mode.name, text, words(got), words(want))
				}
			}
		}
	}
	if diffs > 0 {
		t.Errorf("%d of %d texts cut differently; run go generate ./index/segment", diffs, len(texts))
	}
}
