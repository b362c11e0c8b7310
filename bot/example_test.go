package bot_test

import (
	"context"
	"fmt"
	"os"
	"strings"

	"planbot/bot"
	"planbot/corpus"
	"planbot/index"
)

func ExamplePlainText() {
	fmt.Println(bot.PlainText("📊 <b>指标18 · 森林覆盖率</b>\n年均/累计：[0.2] &amp; &gt;7"))
	// Output:
	// 📊 指标18 · 森林覆盖率
	// 年均/累计：[0.2] & >7
}

func ExampleSplit() {
	parts := bot.Split("<b>加强生态保护与修复。推进绿色循环低碳发展。</b>", 20)
	for _, p := range parts {
		fmt.Println(p)
	}
	// Output:
	// <b>加强生态保护与修复。</b>
	// <b>推进绿色循环低碳发展。</b>
}

func ExampleConsole() {
	plan, err := corpus.Default()
	if err != nil {
		panic(err)
	}
	idx, err := index.New(plan)
	if err != nil {
		panic(err)
	}
	lib, err := index.NewLibrary([]*index.Index{idx}, "")
	if err != nil {
		panic(err)
	}
	b := bot.New([]bot.Plan{{Plan: plan}}, lib, bot.Options{})
	_ = bot.Console(context.Background(), b, strings.NewReader("/indicator 18\n"), os.Stdout, false)
	// Output:
	// 📊 指标18 · 森林覆盖率（绿色生态）
	// 单位：%
	// 2020年：19.3
	// 2025年目标：19.5
	// 年均/累计：[0.2]（方括号内为五年累计数）
	// 属性：约束性（必须完成的指标）
	// 📍 第一章 第三节 · 专栏1 “十四五”时期经济社会主要指标 · 第18项
}
