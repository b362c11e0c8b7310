package main

import (
	"bytes"
	"context"
	"encoding/json"
	"io"
	"net/http"
	"net/http/httptest"
	"os"
	"path/filepath"
	"regexp"
	"strings"
	"testing"
	"time"
)

// webAddrRe finds the web's address in a log line, text or JSON.
var webAddrRe = regexp.MustCompile(`web serving.*?addr"?[=:]"?(http://127\.0\.0\.1:\d+)/`)

// startCommand runs planbot with args until the test ends, and returns the
// web's address from its log.
func startCommand(t *testing.T, args ...string) (base string, log *syncBuffer) {
	t.Helper()
	ctx, cancel := context.WithCancel(context.Background())
	log = &syncBuffer{}
	done := make(chan error, 1)
	go func() { done <- run(ctx, args, strings.NewReader(""), &bytes.Buffer{}, log) }()
	t.Cleanup(func() {
		cancel()
		if err := <-done; err != nil {
			t.Errorf("%s = %v\n%s", args[0], err, log.String())
		}
	})
	for range 3000 {
		if m := webAddrRe.FindStringSubmatch(log.String()); m != nil {
			return m[1], log
		}
		select {
		case err := <-done:
			done <- err
			t.Fatalf("%s ended: %v\n%s", args[0], err, log.String())
		case <-time.After(20 * time.Millisecond):
		}
	}
	t.Fatalf("%s never said where the web is:\n%s", args[0], log.String())
	return "", nil
}

func askWeb(t *testing.T, base, q string) map[string]any {
	t.Helper()
	body, _ := json.Marshal(map[string]string{"q": q})
	resp, err := http.Post(base+"/api/ask", "application/json", bytes.NewReader(body))
	if err != nil {
		t.Fatal(err)
	}
	defer resp.Body.Close()
	var a map[string]any
	if err := json.NewDecoder(resp.Body).Decode(&a); err != nil || resp.StatusCode != 200 {
		t.Fatalf("POST /api/ask %q: %d %v", q, resp.StatusCode, err)
	}
	return a
}

func TestWebCommand(t *testing.T) {
	base, log := startCommand(t, "web", "-listen", "127.0.0.1:0")
	a := askWeb(t, base, "森林覆盖率的目标")
	rs, _ := a["results"].([]any)
	if a["outcome"] != "answer" || len(rs) == 0 {
		t.Fatalf("answer %v", a)
	}
	if first, _ := rs[0].(map[string]any); first["link"] != "/indicators/18" {
		t.Errorf("first result %v", first)
	}
	resp, err := http.Get(base + "/indicators/18")
	if err != nil {
		t.Fatal(err)
	}
	resp.Body.Close()
	if resp.StatusCode != 200 {
		t.Errorf("GET /indicators/18: %d", resp.StatusCode)
	}
	// The default log keeps no question.
	time.Sleep(10 * time.Millisecond)
	if l := log.String(); !strings.Contains(l, "path=/api/ask") || strings.Contains(l, "森林覆盖率") {
		t.Errorf("log:\n%s", l)
	}
}

func TestWebCommandConfig(t *testing.T) {
	// A configuration with no token at all: the web needs none.
	path := filepath.Join(t.TempDir(), "config.yaml")
	src := "admin: {listen: \"127.0.0.1:0\"}\nweb:\n  listen: \"127.0.0.1:0\"\n  log_questions: true\n  cors_origins: [\"https://www.example.gov.cn\"]\n  rate: {per_minute: 600, burst: 50}\nlog: {format: json}\n"
	if err := os.WriteFile(path, []byte(src), 0o600); err != nil {
		t.Fatal(err)
	}
	base, log := startCommand(t, "web", "-config", path)
	askWeb(t, base, "养老服务")
	req, _ := http.NewRequest("OPTIONS", base+"/api/ask", nil)
	req.Header.Set("Origin", "https://www.example.gov.cn")
	req.Header.Set("Access-Control-Request-Method", "POST")
	resp, err := http.DefaultClient.Do(req)
	if err != nil {
		t.Fatal(err)
	}
	resp.Body.Close()
	if resp.Header.Get("Access-Control-Allow-Origin") != "https://www.example.gov.cn" {
		t.Errorf("CORS from the configuration: %v", resp.Header)
	}
	time.Sleep(10 * time.Millisecond)
	if m := regexp.MustCompile(`admin endpoints","addr":"(127\.0\.0\.1:\d+)"`).FindStringSubmatch(log.String()); m == nil {
		t.Errorf("no admin endpoints:\n%s", log.String())
	} else if resp, err := http.Get("http://" + m[1] + "/healthz"); err != nil || resp.StatusCode != 200 {
		t.Errorf("/healthz: %v %v", resp, err)
	} else {
		resp.Body.Close()
		resp, err := http.Get("http://" + m[1] + "/metrics")
		if err != nil {
			t.Fatal(err)
		}
		page, _ := io.ReadAll(resp.Body)
		resp.Body.Close()
		for _, want := range []string{`planbot_web_requests_total{code="200",route="POST /api/ask"} 1`, `planbot_web_answers_total{kind="passage"} 1`} {
			if !strings.Contains(string(page), want) {
				t.Errorf("/metrics lacks %s", want)
			}
		}
	}
	if l := log.String(); !strings.Contains(l, `"q":"养老服务"`) {
		t.Errorf("log_questions: true, but the log:\n%s", l)
	}
}

func TestWebUsage(t *testing.T) {
	for _, args := range [][]string{{"web", "extra"}, {"web", "-nope"}, {"web", "-listen", "8080"}} {
		var stderr bytes.Buffer
		err := run(context.Background(), args, strings.NewReader(""), &bytes.Buffer{}, &stderr)
		if err == nil {
			t.Errorf("%q: no error", args)
		}
	}
}

// TestServeWebAndTelegram runs serve with both: the bot answers in the
// (fake) Telegram and on the web.
func TestServeWebAndTelegram(t *testing.T) {
	f := &fakeTelegram{got: make(chan string, 1)}
	srv := httptest.NewServer(f)
	defer srv.Close()
	t.Setenv(tokenEnv, "")
	path := writeConfig(t, srv.URL+"/bot%s/%s", goodToken)
	cfg, _ := os.ReadFile(path)
	if err := os.WriteFile(path, append(cfg, "web: {listen: \"127.0.0.1:0\"}\n"...), 0o600); err != nil {
		t.Fatal(err)
	}
	base, _ := startCommand(t, "serve", "-config", path)
	select {
	case text := <-f.got:
		if !strings.Contains(text, "问答助手") {
			t.Errorf("/start answered %q", text)
		}
	case <-time.After(20 * time.Second):
		t.Fatal("Telegram got no answer")
	}
	if a := askWeb(t, base, "森林覆盖率"); a["outcome"] != "answer" {
		t.Errorf("web: %v", a["outcome"])
	}
}

// TestServeWebAlone runs serve with web.listen and no token: the web
// alone, and no call to Telegram.
func TestServeWebAlone(t *testing.T) {
	f := &fakeTelegram{got: make(chan string, 1)}
	srv := httptest.NewServer(f)
	defer srv.Close()
	t.Setenv(tokenEnv, "")
	path := writeConfig(t, srv.URL+"/bot%s/%s", "")
	cfg, _ := os.ReadFile(path)
	if err := os.WriteFile(path, append(cfg, "web: {listen: \"127.0.0.1:0\"}\n"...), 0o600); err != nil {
		t.Fatal(err)
	}
	base, _ := startCommand(t, "serve", "-config", path)
	if a := askWeb(t, base, "碳达峰是什么"); a["kind"] != "term" {
		t.Errorf("web: %v", a["kind"])
	}
	f.mu.Lock()
	defer f.mu.Unlock()
	if len(f.calls) > 0 {
		t.Errorf("serve without a token called Telegram: %v", f.calls)
	}
}

func TestWebConfig(t *testing.T) {
	tests := []struct{ name, src, err string }{
		{"off", "web: {listen: \"\"}", ""},
		{"on", "web: {listen: \"127.0.0.1:8080\", cors_origins: [\"https://a.gov.cn\", \"*\"], trusted_proxies: [\"10.0.0.0/8\", \"::1\", \"192.0.2.7\"], rate: {per_minute: 30, burst: 5}, log_questions: true}", ""},
		{"listen", "web: {listen: \"8080\"}", "web.listen must be host:port"},
		{"origin with a path", "web: {cors_origins: [\"https://a.gov.cn/\"]}", "web.cors_origins: \"https://a.gov.cn/\" is not an origin"},
		{"origin without scheme", "web: {cors_origins: [\"a.gov.cn\"]}", "is not an origin"},
		{"proxy", "web: {trusted_proxies: [\"proxy.local\"]}", "web.trusted_proxies: \"proxy.local\" is not an address"},
		{"rate", "web: {rate: {per_minute: -1}}", "web.rate"},
		{"unknown", "web: {listn: \":80\"}", "unknown setting web.listn"},
		{"type", "web: {log_questions: [1]}", "web.log_questions"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			_, err := parseServeConfig([]byte("telegram: {token: \""+goodToken+"\"}\n"+tt.src+"\n"), withToken(""))
			switch {
			case tt.err == "" && err != nil:
				t.Errorf("error %v", err)
			case tt.err != "" && (err == nil || !strings.Contains(err.Error(), tt.err)):
				t.Errorf("error %v, want %q", err, tt.err)
			}
		})
	}
	// Without a token, web.listen alone is a configuration; neither is not.
	if _, err := parseServeConfig([]byte("web: {listen: \"127.0.0.1:8080\"}\n"), withToken("")); err != nil {
		t.Errorf("the web alone: %v", err)
	}
	if _, err := parseServeConfig([]byte("web: {listen: \"\"}\n"), withToken("")); err == nil || !strings.Contains(err.Error(), "telegram.token is empty") {
		t.Errorf("neither Telegram nor the web: %v", err)
	}
	// The example documents every key of web:.
	example, err := os.ReadFile("../../config.example.yaml")
	if err != nil {
		t.Fatal(err)
	}
	for _, key := range []string{"web:", "listen:", "cors_origins:", "trusted_proxies:", "rate:", "per_minute:", "burst:", "log_questions:"} {
		if !strings.Contains(string(example), key) {
			t.Errorf("config.example.yaml lacks %s", key)
		}
	}
}

func TestPlanID(t *testing.T) {
	for file, want := range map[string]string{
		"":                                "donghe-14th-five-year-plan",
		"../shared/plans/suzhou-15th.txt": "suzhou-15th",
		"/x/Nanjing 15th Plan.md":         "nanjing-15th-plan",
		"/x/东河.md":                        "plan",
	} {
		if got := planID(file); got != want {
			t.Errorf("planID(%q) = %q, want %q", file, got, want)
		}
	}
}
