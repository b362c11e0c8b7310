package main

import (
	"os"
	"path/filepath"
	"strings"
	"testing"
	"time"
)

const goodToken = "123456789:AAE-test_token-abcdefghijklmnopqrstu"

func TestExampleConfig(t *testing.T) {
	src, err := os.ReadFile("../../config.example.yaml")
	if err != nil {
		t.Fatal(err)
	}
	cfg, err := parseServeConfig(src, goodToken)
	if err != nil {
		t.Fatalf("config.example.yaml: %v", err)
	}
	tg := cfg.Telegram
	if tg.Token != goodToken || tg.APIEndpoint != "https://api.telegram.org/bot%s/%s" ||
		len(tg.Admins) != 1 || tg.Admins[0] != 123456789 || tg.Mode != "polling" ||
		time.Duration(tg.PollTimeout) != 30*time.Second || cfg.Admin.Listen != "127.0.0.1:9090" ||
		cfg.Limits.PerGroupPerMinute != 20 || time.Duration(cfg.Limits.PerChat) != time.Second ||
		cfg.Log.Format != "text" || tg.Webhook.Listen != ":8443" {
		t.Errorf("config.example.yaml read as %+v", cfg)
	}
	// Without the environment, its empty token is the one thing missing.
	if _, err := parseServeConfig(src, ""); err == nil || !strings.Contains(err.Error(), "telegram.token is empty") {
		t.Errorf("without a token: %v", err)
	}
}

func TestConfigErrors(t *testing.T) {
	tests := []struct {
		name, yaml, env, want string
	}{
		{"defaults", "", goodToken, ""},
		{"token in the file", "telegram: {token: \"" + goodToken + "\"}", "", ""},
		{"no token", "telegram: {admins: [1]}", "", "telegram.token is empty: write the token from @BotFather there or set PLANBOT_TELEGRAM_TOKEN"},
		{"malformed token", "telegram: {token: \"my secret\"}", "", "telegram.token does not look like a bot token"},
		{"endpoint", "telegram: {api_endpoint: \"https://example.org/bot%s\"}", goodToken, "telegram.api_endpoint must look like https://api.telegram.org/bot%s/%s"},
		{"endpoint scheme", "telegram: {api_endpoint: \"ftp://x/bot%s/%s\"}", goodToken, "telegram.api_endpoint must look like"},
		{"admin not a number", "telegram:\n  admins: [1, \"abc\"]\n", goodToken, `line 2: telegram.admins must be a whole number, not "abc"`},
		{"admin in a block list", "telegram:\n  admins:\n    - 12\n    - abc\n", goodToken, `line 4: telegram.admins must be a whole number, not "abc"`},
		{"admin zero", "telegram: {admins: [0]}", goodToken, "telegram.admins: 0 is not a Telegram user ID"},
		{"unknown key", "telegram:\n  tokn: x\n", goodToken, "line 2: unknown setting telegram.tokn"},
		{"unknown section", "foo: 1\n", goodToken, "line 1: unknown setting foo"},
		{"section as text", "telegram: yes\n", goodToken, "line 1: telegram must be a section of settings"},
		{"mode", "telegram: {mode: pigeon}", goodToken, `telegram.mode must be polling or webhook, not "pigeon"`},
		{"webhook without url", "telegram: {mode: webhook}", goodToken, "telegram.webhook.url must be"},
		{"duration", "telegram:\n  poll_timeout: forever\n", goodToken, `line 2: telegram.poll_timeout must be a duration such as 30s, not "forever"`},
		{"long poll too long", "telegram: {poll_timeout: 90s}", goodToken, "telegram.poll_timeout must be between 0s and 50s"},
		{"negative limit", "limits: {per_second: -1}", goodToken, "limits: a limit must not be negative"},
		{"log level", "log: {level: loud}", goodToken, `log.level must be debug, info, warn or error, not "loud"`},
		{"log format", "log: {format: xml}", goodToken, `log.format must be text or json, not "xml"`},
		{"admin listen", "admin: {listen: nohost}", goodToken, "admin.listen must be host:port"},
		{"not YAML", "telegram: [\n", goodToken, "line 1: not valid YAML"},
		{"tabs", "telegram:\n\ttoken: x\n", goodToken, "line 2: not valid YAML"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			_, err := parseServeConfig([]byte(tt.yaml), tt.env)
			switch {
			case tt.want == "" && err != nil:
				t.Fatalf("error %v", err)
			case tt.want == "":
				return
			case err == nil:
				t.Fatalf("no error, want %q", tt.want)
			}
			msg := err.Error()
			if !strings.Contains(msg, tt.want) {
				t.Errorf("error %q, want %q", msg, tt.want)
			}
			if strings.Contains(msg, "\n") || strings.Contains(msg, "main.") || strings.Contains(msg, "struct {") {
				t.Errorf("error is not one plain line: %q", msg)
			}
			if strings.Contains(msg, "my secret") || strings.Contains(msg, goodToken) {
				t.Errorf("error repeats the token: %q", msg)
			}
		})
	}
}

func TestConfigFile(t *testing.T) {
	dir := t.TempDir()
	_, err := loadServeConfig(filepath.Join(dir, "nope.yaml"), goodToken)
	if err == nil || !strings.Contains(err.Error(), "nope.yaml: no such file") {
		t.Errorf("missing file: %v", err)
	}
	path := filepath.Join(dir, "c.yaml")
	if err := os.WriteFile(path, []byte("log: {level: loud}\n"), 0o600); err != nil {
		t.Fatal(err)
	}
	_, err = loadServeConfig(path, goodToken)
	if err == nil || !strings.HasPrefix(err.Error(), "config "+path+": log.level") {
		t.Errorf("bad file: %v", err)
	}
}
