package main

import (
	"os"
	"path/filepath"
	"strings"
	"testing"
	"time"
)

const goodToken = "123456789:AAE-test_token-abcdefghijklmnopqrstu"

// env is an environment holding the variables given as name, value, …
func env(kv ...string) func(string) string {
	return func(name string) string {
		for i := 0; i+1 < len(kv); i += 2 {
			if kv[i] == name {
				return kv[i+1]
			}
		}
		return ""
	}
}

// withToken is an environment with the token in PLANBOT_TELEGRAM_TOKEN, or
// none when token is empty.
func withToken(token string) func(string) string { return env(tokenEnv, token) }

func TestExampleConfig(t *testing.T) {
	src, err := os.ReadFile("../../config.example.yaml")
	if err != nil {
		t.Fatal(err)
	}
	cfg, err := parseServeConfig(src, withToken(goodToken))
	if err != nil {
		t.Fatalf("config.example.yaml: %v", err)
	}
	tg := cfg.Telegram
	if tg.Token != goodToken || tg.APIEndpoint != "https://api.telegram.org/bot%s/%s" ||
		len(tg.Admins) != 1 || tg.Admins[0] != 123456789 || tg.Mode != "polling" ||
		time.Duration(tg.PollTimeout) != 30*time.Second || cfg.Admin.Listen != "127.0.0.1:9090" ||
		cfg.Limits.PerGroupPerMinute != 20 || time.Duration(cfg.Limits.PerChat) != time.Second ||
		cfg.Log.Format != "text" || tg.Webhook.Listen != ":8443" ||
		time.Duration(tg.ShutdownTimeout) != 10*time.Second ||
		time.Duration(cfg.Data.Retention) != 400*24*time.Hour || cfg.Data.MaxSize != 256<<20 {
		t.Errorf("config.example.yaml read as %+v", cfg)
	}
	// Without the environment, its empty token is the one thing missing.
	if _, err := parseServeConfig(src, withToken("")); err == nil || !strings.Contains(err.Error(), "telegram.token is empty") {
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
		{"webhook over http", "telegram: {mode: webhook, webhook: {url: \"http://bot.example.org/tg\", listen: \":8443\", secret_token: abc}}", goodToken, "telegram.webhook.url must be an https:// address"},
		{"webhook over http on loopback", "telegram: {mode: webhook, webhook: {url: \"http://127.0.0.1:8443/tg\", listen: \":8443\", secret_token: abc}}", goodToken, ""},
		{"webhook url with a query", "telegram: {mode: webhook, webhook: {url: \"https://x.org/tg?a=1\", listen: \":8443\", secret_token: abc}}", goodToken, "telegram.webhook.url must be an https:// address such as"},
		{"webhook listen", "telegram: {mode: webhook, webhook: {url: \"https://x.org/tg\", listen: \"8443\", secret_token: abc}}", goodToken, "telegram.webhook.listen must be host:port"},
		{"webhook without secret", "telegram: {mode: webhook, webhook: {url: \"https://x.org/tg\", listen: \":8443\"}}", goodToken, "telegram.webhook.secret_token is empty: set it, or PLANBOT_WEBHOOK_SECRET"},
		{"webhook secret", "telegram: {mode: webhook, webhook: {url: \"https://x.org/tg\", listen: \":8443\", secret_token: \"my secret\"}}", goodToken, "telegram.webhook.secret_token must be 1 to 256"},
		{"webhook connections", "telegram: {mode: webhook, webhook: {url: \"https://x.org/tg\", listen: \":8443\", secret_token: abc, max_connections: 101}}", goodToken, "telegram.webhook.max_connections must be between 1 and 100"},
		{"webhook", "telegram: {mode: webhook, webhook: {url: \"https://x.org/tg\", listen: \":8443\", secret_token: abc, max_connections: 40}}", goodToken, ""},
		{"shutdown timeout", "telegram: {shutdown_timeout: 1h}", goodToken, "telegram.shutdown_timeout must be between 0s and 5m"},
		{"duration", "telegram:\n  poll_timeout: forever\n", goodToken, `line 2: telegram.poll_timeout must be a duration such as 30s, not "forever"`},
		{"long poll too long", "telegram: {poll_timeout: 90s}", goodToken, "telegram.poll_timeout must be between 0s and 50s"},
		{"negative limit", "limits: {per_second: -1}", goodToken, "limits: a limit must not be negative"},
		{"log level", "log: {level: loud}", goodToken, `log.level must be debug, info, warn or error, not "loud"`},
		{"log format", "log: {format: xml}", goodToken, `log.format must be text or json, not "xml"`},
		{"admin listen", "admin: {listen: nohost}", goodToken, "admin.listen must be host:port"},
		{"postgres", "data: {postgres: \"postgres://planbot:s3cret@db.example.org/planbot?sslmode=require\"}", goodToken, ""},
		{"postgres not a URL", "data: {postgres: \"host=db password=my secret\"}", goodToken, "data.postgres (or PLANBOT_POSTGRES_URL) must be an address such as postgres://"},
		{"postgres other scheme", "data: {postgres: \"mysql://root:my secret@db/x\"}", goodToken, "data.postgres (or PLANBOT_POSTGRES_URL) must be"},
		{"not YAML", "telegram: [\n", goodToken, "line 1: not valid YAML"},
		{"tabs", "telegram:\n\ttoken: x\n", goodToken, "line 2: not valid YAML"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			_, err := parseServeConfig([]byte(tt.yaml), withToken(tt.env))
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
				t.Errorf("error repeats the token or the secret: %q", msg)
			}
		})
	}
}

func TestConfigSecretFromEnvironment(t *testing.T) {
	src := []byte("telegram:\n  mode: webhook\n  webhook: {url: \"https://x.org/tg\", listen: \":8443\", secret_token: fromFile}\n")
	cfg, err := parseServeConfig(src, env(tokenEnv, goodToken, secretEnv, "fromEnv_1"))
	if err != nil {
		t.Fatal(err)
	}
	if cfg.Telegram.Webhook.SecretToken != "fromEnv_1" {
		t.Errorf("secret = %q, want the environment's", cfg.Telegram.Webhook.SecretToken)
	}
	src = []byte("telegram:\n  mode: webhook\n  webhook: {url: \"https://x.org/tg\", listen: \":8443\"}\n")
	if _, err := parseServeConfig(src, env(tokenEnv, goodToken, secretEnv, "fromEnv_1")); err != nil {
		t.Errorf("secret only in the environment: %v", err)
	}
	_, err = parseServeConfig(src, env(tokenEnv, goodToken, secretEnv, "not/a-secret"))
	if err == nil || strings.Contains(err.Error(), "not/a-secret") {
		t.Errorf("a bad secret from the environment: %v", err)
	}
}

func TestConfigPostgresFromEnvironment(t *testing.T) {
	src := []byte("data: {dir: /var/lib/planbot, postgres: \"postgres://a:b@file/x\"}\n")
	cfg, err := parseServeConfig(src, env(tokenEnv, goodToken, postgresEnv, "postgres://planbot:pw@env/planbot"))
	if err != nil {
		t.Fatal(err)
	}
	if cfg.Data.Postgres != "postgres://planbot:pw@env/planbot" {
		t.Errorf("data.postgres = %q, want the environment's", cfg.Data.Postgres)
	}
	if got := storeName(cfg); got != "postgres postgres://planbot@env/planbot" {
		t.Errorf("the store is named %q", got)
	}
	_, err = parseServeConfig(src, env(tokenEnv, goodToken, postgresEnv, "postgres//planbot:pw-Secret@env"))
	if err == nil || strings.Contains(err.Error(), "pw-Secret") {
		t.Errorf("a bad address from the environment: %v", err)
	}
}

func TestConfigFile(t *testing.T) {
	dir := t.TempDir()
	_, err := loadServeConfig(filepath.Join(dir, "nope.yaml"), withToken(goodToken))
	if err == nil || !strings.Contains(err.Error(), "nope.yaml: no such file") {
		t.Errorf("missing file: %v", err)
	}
	path := filepath.Join(dir, "c.yaml")
	if err := os.WriteFile(path, []byte("log: {level: loud}\n"), 0o600); err != nil {
		t.Fatal(err)
	}
	_, err = loadServeConfig(path, withToken(goodToken))
	if err == nil || !strings.HasPrefix(err.Error(), "config "+path+": log.level") {
		t.Errorf("bad file: %v", err)
	}
}
