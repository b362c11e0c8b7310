package index_test

import (
	"fmt"

	"planbot/corpus"
	"planbot/index"
)

// Search answers with the best results first, and with none when the plan
// does not speak of the question.
func ExampleIndex_Search() {
	plan, err := corpus.Default()
	if err != nil {
		panic(err)
	}
	idx, err := index.New(plan)
	if err != nil {
		panic(err)
	}
	defer idx.Close()

	ans := idx.Search("森林覆盖率到2025年要到多少", 3)
	first := ans.Results[0]
	fmt.Println(first.Kind, first.Title)
	fmt.Println(first.Location)

	fmt.Println(len(idx.Search("东河区有地铁吗", 3).Results))
	// Output:
	// indicator 森林覆盖率
	// 第一章 第三节 · 专栏1 “十四五”时期经济社会主要指标 · 第18项
	// 0
}
