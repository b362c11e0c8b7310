package index

import "testing"

// FuzzSearchQuery asks the index anything: query understanding (typo
// correction, synonyms, intents, indicator numbers) must not panic on any
// text, and every answer has a non-nil Results, within the limit.
func FuzzSearchQuery(f *testing.F) {
	for _, q := range []string{
		"森林覆盖率的目标是多少？",
		"第18项指标",
		"碳中和是什么意思",
		"沙尔亲",
		"/indicator 99999999999999999999",
		"GDP 2025年 %",
		"<script>&amp;",
		"\xff\xfe 養老",
		"",
	} {
		f.Add(q, 5)
	}
	idx := testIndex(f)
	f.Fuzz(func(t *testing.T, q string, limit int) {
		limit = limit%64 - 8 // some not positive: the default
		ans := idx.Search(q, limit)
		if ans.Results == nil {
			t.Fatalf("%q: nil Results", q)
		}
		most := limit
		if limit <= 0 {
			most = 5
		}
		if len(ans.Results) > most {
			t.Fatalf("%q: %d results for limit %d", q, len(ans.Results), limit)
		}
	})
}
