package bot

import "testing"

func TestReplyKind(t *testing.T) {
	for html, kind := range map[string]string{
		"🔎 “q”，规划里这样写：\n\n📊 <b>指标18 · 森林覆盖率</b>":        "indicator",
		"🔎 “q”，规划里这样写：\n\n<b>1.</b> 📖 <b>碳中和</b>\n…":    "term",
		"🔎 “q”的更多结果（第 4–6 条）：\n\n<b>4.</b> 📄 <b>加强</b>": "passage",
		"🔎 “q”，规划里这样写：\n\n<b>1.</b> 🏗 航空航天铝材":           "project",
		"🔎 “q”，规划里这样写：\n\n<b>盐碱地改良示范推广</b>\n开展盐碱地改良治理":  "search",
		"📖 <b>第五章 保持生态优先定力</b>":                         "chapter",
		"🤔 规划里没有找到":         "not_found",
		"发送 /help 看看我能做什么。": "other",
	} {
		if got := replyKind(html); got != kind {
			t.Errorf("%q: kind %q, want %q", html, got, kind)
		}
	}
}
