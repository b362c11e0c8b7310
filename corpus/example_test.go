package corpus_test

import (
	"fmt"

	"planbot/corpus"
)

// The embedded plan, parsed: its indicator table keeps every value as
// printed, brackets included.
func ExampleDefault() {
	plan, err := corpus.Default()
	if err != nil {
		panic(err)
	}
	ind, _ := plan.Indicator(18)
	fmt.Println(len(plan.Chapters), "chapters,", len(plan.Indicators), "indicators")
	fmt.Println(ind.Name, ind.BaseYear, ind.Base, ind.TargetYear, ind.Target, ind.FiveYear, ind.Attribute)
	// Output:
	// 9 chapters, 20 indicators
	// 森林覆盖率 2020 19.3 2025 19.5 [0.2] 约束性
}
