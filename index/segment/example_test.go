package segment_test

import (
	"fmt"

	"planbot/index/segment"
)

func Example() {
	seg, err := segment.Default()
	if err != nil {
		fmt.Println(err)
		return
	}
	text := "地区生产总值年均增长4.9%"
	for _, tok := range seg.Cut(text) {
		fmt.Printf("%s %d:%d\n", tok.Text, tok.Start, tok.End)
	}
	fmt.Println(seg.Contains("生产总值"), seg.Contains("生产总"))
	for _, tok := range seg.CutSearch("生产总值") {
		fmt.Print(tok.Text, " ")
	}
	fmt.Println()
	// Output:
	// 地区 0:6
	// 生产总值 6:18
	// 年均 18:24
	// 增长 24:30
	// 4.9 30:33
	// true false
	// 生产总值 生产 总值
}
