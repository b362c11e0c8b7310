package main

import (
	"bytes"
	"errors"
	"fmt"
	"net"
	"net/url"
	"os"
	"regexp"
	"strconv"
	"strings"
	"time"

	"gopkg.in/yaml.v3"

	"planbot/bot/telegram"
)

// serveConfig is the configuration of planbot serve, read from YAML (see
// config.example.yaml, which documents every key).
type serveConfig struct {
	Telegram struct {
		Token       string  `yaml:"token"`
		APIEndpoint string  `yaml:"api_endpoint"`
		Admins      []int64 `yaml:"admins"`
		// Mode is how updates arrive: polling or webhook.
		Mode            string       `yaml:"mode"`
		PollTimeout     yamlDuration `yaml:"poll_timeout"`
		RequestTimeout  yamlDuration `yaml:"request_timeout"`
		ShutdownTimeout yamlDuration `yaml:"shutdown_timeout"`
		Webhook         struct {
			Listen         string `yaml:"listen"`
			URL            string `yaml:"url"`
			SecretToken    string `yaml:"secret_token"`
			MaxConnections int    `yaml:"max_connections"`
		} `yaml:"webhook"`
	} `yaml:"telegram"`
	Limits struct {
		PerChat           yamlDuration `yaml:"per_chat"`
		PerGroupPerMinute int          `yaml:"per_group_per_minute"`
		PerSecond         int          `yaml:"per_second"`
	} `yaml:"limits"`
	Admin struct {
		Listen string `yaml:"listen"`
	} `yaml:"admin"`
	Plan struct {
		// File is a plan document to answer from instead of the one
		// embedded in the binary (a plan of the same family); Plans
		// supersedes it.
		File string `yaml:"file"`
	} `yaml:"plan"`
	// Plans are the plans the bot answers from, side by side; none: the
	// plan built into the binary alone (or plan.file).
	Plans []planEntry `yaml:"plans"`
	Data  struct {
		// Dir holds what the bot keeps across restarts: the statistics
		// of what is asked (stats.db). Empty: nothing is recorded.
		Dir string `yaml:"dir"`
		// Retention is how long records are kept (400 days); older ones
		// are pruned daily.
		Retention yamlDuration `yaml:"retention"`
		// MaxSize caps the space the records take (256MB); past it new
		// records are dropped, and logged and counted.
		MaxSize byteSize `yaml:"max_size"`
		// Postgres, a postgres:// address, keeps them in PostgreSQL
		// instead, shared by several replicas.
		Postgres string `yaml:"postgres"`
	} `yaml:"data"`
	Log struct {
		Level  string `yaml:"level"`
		Format string `yaml:"format"`
	} `yaml:"log"`
	Web webConfig `yaml:"web"`
}

// The environment variables that can hold the secrets, so that they need
// not be written in the file; each wins over the file.
const (
	tokenEnv    = "PLANBOT_TELEGRAM_TOKEN"
	secretEnv   = "PLANBOT_WEBHOOK_SECRET"
	postgresEnv = "PLANBOT_POSTGRES_URL"
)

// Defaults of the data section.
const (
	defaultRetention = 400 * 24 * time.Hour
	defaultMaxSize   = 256 << 20
)

// yamlDuration is a time.Duration written as in Go (30s, 1m, 500ms), or in
// days (400d).
type yamlDuration time.Duration

func (d *yamlDuration) UnmarshalYAML(n *yaml.Node) error {
	v, err := time.ParseDuration(n.Value)
	if days, ok := strings.CutSuffix(n.Value, "d"); ok {
		var k int
		k, err = strconv.Atoi(days)
		v = time.Duration(k) * 24 * time.Hour
		if err == nil && (k < 0 || k > 100*366) {
			err = errors.New("out of range")
		}
	}
	if n.Kind != yaml.ScalarNode || err != nil {
		return &yaml.TypeError{Errors: []string{fmt.Sprintf("line %d: cannot unmarshal !!str `%s` into duration", n.Line, n.Value)}}
	}
	*d = yamlDuration(v)
	return nil
}

// byteSize is a size in bytes, written with a unit: 256MB, 1GB, 512KB
// (powers of 1024), or a plain number of bytes.
type byteSize int64

var byteSizeRe = regexp.MustCompile(`^(\d+)\s*([KMGT])?I?B?$`)

func (b *byteSize) UnmarshalYAML(n *yaml.Node) error {
	m := byteSizeRe.FindStringSubmatch(strings.ToUpper(strings.TrimSpace(n.Value)))
	var v int64
	var err error
	if m != nil {
		v, err = strconv.ParseInt(m[1], 10, 64)
		if m[2] != "" {
			shift := 10 * (strings.IndexByte("KMGT", m[2][0]) + 1)
			if v > 1<<(62-shift) {
				err = errors.New("too big")
			}
			v <<= shift
		}
	}
	if n.Kind != yaml.ScalarNode || m == nil || err != nil {
		return &yaml.TypeError{Errors: []string{fmt.Sprintf("line %d: cannot unmarshal !!str `%s` into size", n.Line, n.Value)}}
	}
	*b = byteSize(v)
	return nil
}

// shown quotes a value of the configuration for an error, unless it looks
// like a secret (a bot token, a long run of random characters): a token
// pasted into the wrong setting must not land in a log.
func shown(v string) string {
	if looksSecret(v) {
		return "the value given (not shown: it looks like a token or secret)"
	}
	return fmt.Sprintf("%q", v)
}

// secretLikeRe is a run of characters a token or secret is made of, long
// enough to be one.
var secretLikeRe = regexp.MustCompile(`[0-9]+:[A-Za-z0-9_-]{8,}|[A-Za-z0-9_+/=-]{20,}`)

func looksSecret(v string) bool {
	return secretLikeRe.MatchString(v) || len(v) > 64
}

// tokenRe is the shape of a bot token from @BotFather: the bot's ID, a
// colon, a secret. secretRe is what Telegram allows as a webhook's
// secret_token.
var (
	tokenRe  = regexp.MustCompile(`^[0-9]+:[A-Za-z0-9_-]+$`)
	secretRe = regexp.MustCompile(`^[A-Za-z0-9_-]{1,256}$`)
)

// loadServeConfig reads and checks the configuration file at path. getenv
// looks up the environment (os.Getenv): PLANBOT_TELEGRAM_TOKEN and
// PLANBOT_WEBHOOK_SECRET, when set, win over the file. Every error is one
// line naming the file and the setting, and never repeats a secret.
func loadServeConfig(path string, getenv func(string) string) (*serveConfig, error) {
	src, err := os.ReadFile(path)
	if err != nil {
		var pe *os.PathError
		if errors.As(err, &pe) {
			err = pe.Err
		}
		return nil, fmt.Errorf("config %s: %w", path, err)
	}
	cfg, err := parseServeConfig(src, getenv)
	if err != nil {
		return nil, fmt.Errorf("config %s: %w", path, err)
	}
	cfg.resolvePlans(path)
	return cfg, nil
}

// loadDataConfig reads the configuration at path as planbot stats does,
// for what it says of the store (data): the settings of Telegram are not
// needed, nor checked.
func loadDataConfig(path string, getenv func(string) string) (*serveConfig, error) {
	src, err := os.ReadFile(path)
	if err != nil {
		var pe *os.PathError
		if errors.As(err, &pe) {
			err = pe.Err
		}
		return nil, fmt.Errorf("config %s: %w", path, err)
	}
	cfg, err := parseConfig(src, getenv, false)
	if err != nil {
		return nil, fmt.Errorf("config %s: %w", path, err)
	}
	return cfg, nil
}

// parseServeConfig reads and checks a configuration; see loadServeConfig.
func parseServeConfig(src []byte, getenv func(string) string) (*serveConfig, error) {
	return parseConfig(src, getenv, true)
}

// parseConfig reads and checks a configuration; the settings of Telegram
// only when telegram is set (planbot web ignores them).
func parseConfig(src []byte, getenv func(string) string, telegram bool) (*serveConfig, error) {
	cfg, err := decodeConfig(src)
	if err != nil {
		return nil, err
	}
	check := cfg.checkCommon
	if telegram {
		check = func() error { return cfg.check(getenv) }
	}
	if err := check(); err != nil {
		return nil, err
	}
	if err := cfg.checkData(getenv); err != nil {
		return nil, err
	}
	return cfg, nil
}

// decodeConfig reads a configuration without checking it.
func decodeConfig(src []byte) (*serveConfig, error) {
	cfg := &serveConfig{}
	var root yaml.Node
	if err := yaml.Unmarshal(src, &root); err != nil {
		return nil, yamlError(err, nil)
	}
	if len(root.Content) > 0 {
		dec := yaml.NewDecoder(bytes.NewReader(src))
		dec.KnownFields(true)
		if err := dec.Decode(cfg); err != nil {
			return nil, yamlError(err, &root)
		}
	}
	return cfg, nil
}

// telegramOn reports whether serve runs the Telegram bot: when it has a
// token. Without one it serves the web alone, if web.listen is set.
func (c *serveConfig) telegramOn() bool { return c.Telegram.Token != "" }

// checkData checks the data section; PLANBOT_POSTGRES_URL, when set, wins
// over data.postgres.
func (c *serveConfig) checkData(getenv func(string) string) error {
	d := &c.Data
	if v := getenv(postgresEnv); v != "" {
		d.Postgres = v
	}
	d.Postgres = strings.TrimSpace(d.Postgres)
	if d.Postgres == "" {
		return nil
	}
	// Never repeat the address: it holds the password.
	u, err := url.Parse(d.Postgres)
	if err != nil || (u.Scheme != "postgres" && u.Scheme != "postgresql") || u.Host == "" {
		return fmt.Errorf("data.postgres (or %s) must be an address such as postgres://planbot:PASSWORD@db.example.org:5432/planbot", postgresEnv)
	}
	return nil
}

// check fills in defaults and rejects settings that cannot work.
func (c *serveConfig) check(getenv func(string) string) error {
	t := &c.Telegram
	if v := getenv(tokenEnv); v != "" {
		t.Token = v
	}
	if v := getenv(secretEnv); v != "" {
		t.Webhook.SecretToken = v
	}
	t.Token = strings.TrimSpace(t.Token)
	if t.Token == "" && c.Web.Listen != "" {
		return c.checkCommon()
	}
	if err := c.checkTelegram(); err != nil {
		return err
	}
	return c.checkCommon()
}

// checkTelegram checks the settings of the Telegram bot.
func (c *serveConfig) checkTelegram() error {
	t := &c.Telegram
	switch {
	case t.Token == "":
		return fmt.Errorf("telegram.token is empty: write the token from @BotFather there or set %s (or set web.listen to serve the web alone)", tokenEnv)
	case !tokenRe.MatchString(t.Token):
		// Never repeat the token, even a wrong one.
		return errors.New("telegram.token does not look like a bot token (digits, a colon, then letters, digits, - or _)")
	}
	if t.APIEndpoint == "" {
		t.APIEndpoint = telegram.DefaultEndpoint
	}
	u, err := url.Parse(strings.ReplaceAll(t.APIEndpoint, "%s", "x"))
	if strings.Count(t.APIEndpoint, "%s") != 2 || strings.Count(t.APIEndpoint, "%") != 2 ||
		err != nil || (u.Scheme != "http" && u.Scheme != "https") || u.Host == "" {
		return fmt.Errorf("telegram.api_endpoint must look like %s (an http(s) address with %%s for the token, then %%s for the method)", telegram.DefaultEndpoint)
	}
	for _, id := range t.Admins {
		if id <= 0 {
			return fmt.Errorf("telegram.admins: %d is not a Telegram user ID", id)
		}
	}
	switch t.Mode {
	case "", "polling":
		t.Mode = "polling"
	case "webhook":
		if err := checkWebhook(t.Webhook.URL, t.Webhook.Listen, t.Webhook.SecretToken, t.Webhook.MaxConnections); err != nil {
			return err
		}
	default:
		return fmt.Errorf("telegram.mode must be polling or webhook, not %s", shown(t.Mode))
	}
	if p := time.Duration(t.PollTimeout); p < 0 || p > 50*time.Second {
		return fmt.Errorf("telegram.poll_timeout must be between 0s and 50s, not %s", p)
	}
	if t.RequestTimeout < 0 {
		return errors.New("telegram.request_timeout must not be negative")
	}
	if p := time.Duration(t.ShutdownTimeout); p < 0 || p > 5*time.Minute {
		return fmt.Errorf("telegram.shutdown_timeout must be between 0s and 5m, not %s", p)
	}
	if c.Limits.PerChat < 0 || c.Limits.PerGroupPerMinute < 0 || c.Limits.PerSecond < 0 {
		return errors.New("limits: a limit must not be negative (0 takes Telegram's)")
	}
	return nil
}

// checkCommon checks the settings of every part: the operator's
// endpoints, the logs and the web.
func (c *serveConfig) checkCommon() error {
	if c.Admin.Listen != "" {
		if !validListen(c.Admin.Listen) {
			return fmt.Errorf("admin.listen must be host:port, such as 127.0.0.1:9090, not %s", shown(c.Admin.Listen))
		}
	}
	switch strings.ToLower(c.Log.Level) {
	case "", "debug", "info", "warn", "error":
	default:
		return fmt.Errorf("log.level must be debug, info, warn or error, not %s", shown(c.Log.Level))
	}
	switch strings.ToLower(c.Log.Format) {
	case "", "text", "json":
	default:
		return fmt.Errorf("log.format must be text or json, not %s", shown(c.Log.Format))
	}
	d := &c.Data
	switch {
	case d.Retention == 0:
		d.Retention = yamlDuration(defaultRetention)
	case d.Retention < yamlDuration(24*time.Hour):
		return errors.New("data.retention must be at least a day, such as 400d")
	}
	switch {
	case d.MaxSize == 0:
		d.MaxSize = defaultMaxSize
	case d.MaxSize < 1<<20:
		return errors.New("data.max_size must be at least 1MB, such as 256MB")
	}
	if err := c.checkPlans(); err != nil {
		return err
	}
	return c.Web.check()
}

// checkWebhook checks the settings of mode: webhook.
func checkWebhook(addr, listen, secret string, maxConns int) error {
	u, err := url.Parse(addr)
	switch {
	case addr == "":
		return errors.New("telegram.webhook.url must be the https:// address Telegram posts updates to")
	case err != nil || u.Host == "" || u.User != nil || u.RawQuery != "" || u.Fragment != "":
		// The address is not repeated: some put the token in its path.
		return errors.New("telegram.webhook.url must be an https:// address such as https://bot.example.org/telegram, without user, query or fragment")
	case u.Scheme == "http" && isLoopback(u.Hostname()):
		// A Bot API emulator or a self-hosted Bot API server on this
		// machine; Telegram itself only posts to https.
	case u.Scheme != "https":
		return fmt.Errorf("telegram.webhook.url must be an https:// address (Telegram posts to no other), not %s://", u.Scheme)
	case strings.ContainsAny(u.Path, "{}"):
		return errors.New("telegram.webhook.url must not contain { or } in its path")
	}
	if !validListen(listen) {
		return fmt.Errorf("telegram.webhook.listen must be host:port or :port, such as :8443, not %s", shown(listen))
	}
	switch {
	case secret == "":
		return fmt.Errorf("telegram.webhook.secret_token is empty: set it, or %s, to a random string (e.g. openssl rand -hex 32)", secretEnv)
	case !secretRe.MatchString(secret):
		// Never repeat the secret, even a wrong one.
		return errors.New("telegram.webhook.secret_token must be 1 to 256 of the characters A-Z, a-z, 0-9, _ and -")
	}
	if maxConns < 0 || maxConns > 100 {
		return fmt.Errorf("telegram.webhook.max_connections must be between 1 and 100 (0 takes Telegram's 40), not %d", maxConns)
	}
	return nil
}

// validListen reports whether addr is host:port with a port number.
func validListen(addr string) bool {
	_, port, err := net.SplitHostPort(addr)
	if err != nil {
		return false
	}
	n, err := strconv.Atoi(port)
	return err == nil && n >= 0 && n <= 65535
}

// isLoopback reports whether host names this machine.
func isLoopback(host string) bool {
	if host == "localhost" {
		return true
	}
	ip := net.ParseIP(host)
	return ip != nil && ip.IsLoopback()
}

var (
	yamlLineRe    = regexp.MustCompile(`line (\d+): (.*)`)
	yamlUnknownRe = regexp.MustCompile(`field (\S+) not found in type`)
	yamlTypeRe    = regexp.MustCompile("cannot unmarshal !!(\\w+) `?(.*?)`? into (\\S+)")
)

// yamlError turns an error of the YAML decoder, which may span lines and
// names Go types, into one line that names the setting.
func yamlError(err error, root *yaml.Node) error {
	msg := err.Error()
	var te *yaml.TypeError
	if errors.As(err, &te) && len(te.Errors) > 0 {
		msg = te.Errors[0]
	}
	msg = strings.TrimPrefix(strings.TrimSpace(msg), "yaml: ")
	m := yamlLineRe.FindStringSubmatch(msg)
	if m == nil {
		return fmt.Errorf("not valid YAML: %s", firstLine(msg))
	}
	line, _ := strconv.Atoi(m[1])
	detail := m[2]
	path := settingAt(root, line)
	switch {
	case yamlUnknownRe.MatchString(detail):
		name := yamlUnknownRe.FindStringSubmatch(detail)[1]
		if path == "" {
			path = name
		}
		return fmt.Errorf("line %d: unknown setting %s", line, path)
	case yamlTypeRe.MatchString(detail):
		t := yamlTypeRe.FindStringSubmatch(detail)
		want := "another kind of value"
		switch {
		case strings.HasPrefix(t[3], "[]"):
			want = "a list"
		case strings.Contains(t[3], "int"):
			want = "a whole number"
		case t[3] == "duration":
			want = "a duration such as 30s"
		case t[3] == "size":
			want = "a size such as 256MB"
		case t[3] == "string":
			want = "text"
		case t[3] == "struct" || strings.HasPrefix(t[3], "main.") || strings.HasPrefix(t[3], "map["):
			want = "a section of settings"
		}
		if path == "" {
			return fmt.Errorf("line %d: want %s, not %s", line, want, shown(t[2]))
		}
		return fmt.Errorf("line %d: %s must be %s, not %s", line, path, want, shown(t[2]))
	}
	if root == nil {
		return fmt.Errorf("line %d: not valid YAML: %s", line, firstLine(detail))
	}
	if path != "" {
		return fmt.Errorf("line %d: %s: %s", line, path, firstLine(detail))
	}
	return fmt.Errorf("line %d: %s", line, firstLine(detail))
}

// settingAt names the setting written on a line, as a dotted path
// (telegram.admins); "" when there is none.
func settingAt(root *yaml.Node, line int) string {
	if root == nil {
		return ""
	}
	var walk func(n *yaml.Node, path string) string
	walk = func(n *yaml.Node, path string) string {
		switch n.Kind {
		case yaml.DocumentNode, yaml.SequenceNode:
			for _, c := range n.Content {
				if n.Kind == yaml.SequenceNode && c.Kind == yaml.ScalarNode && c.Line == line && path != "" {
					return path
				}
				if p := walk(c, path); p != "" {
					return p
				}
			}
		case yaml.MappingNode:
			for i := 0; i+1 < len(n.Content); i += 2 {
				k, v := n.Content[i], n.Content[i+1]
				p := k.Value
				if path != "" {
					p = path + "." + k.Value
				}
				if inner := walk(v, p); inner != "" {
					return inner
				}
				if k.Line == line || (v.Kind == yaml.ScalarNode && v.Line == line) {
					return p
				}
			}
		}
		return ""
	}
	return walk(root, "")
}

func firstLine(s string) string {
	s, _, _ = strings.Cut(s, "\n")
	return s
}
