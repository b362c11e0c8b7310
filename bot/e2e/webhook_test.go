package e2e

import (
	"net/http"
	"strings"
	"syscall"
	"testing"
	"time"
)

// TestWebhookMode runs a planbot serve in webhook mode: it sets its webhook
// with the emulator, which posts the users' messages to it with the secret
// (testdata/webhook_secret.js), and answers them; a request without the
// secret is refused; the admin endpoints tell; SIGTERM stops it cleanly.
func TestWebhookMode(t *testing.T) {
	s := need(t)
	const (
		tok    = "123456784:AAE-webhook_token"
		secret = "e2e_hook-SECRET-value"
	)
	hook, admin := freeAddr(t), freeAddr(t)
	url := "http://" + hook + "/telegram"
	in := s.launch(t, tok, `  mode: webhook
  webhook: {listen: "`+hook+`", url: "`+url+`"}
admin: {listen: "`+admin+`"}
log: {level: debug, format: json}
`, "PLANBOT_WEBHOOK_SECRET="+secret)
	in.waitLog(t, "telegram: webhook set")
	if page := scrape(t, "http://"+admin+"/healthz"); page != "ok\n" {
		t.Errorf("/healthz = %q", page)
	}

	c := privateChat(4001)
	for i, tt := range []struct{ q, want string }{
		{"/start", "问答助手"},
		{"森林覆盖率的目标是多少？", "19.5"},
		{"/indicator 18", "指标18 · 森林覆盖率"},
	} {
		// One at a time: the emulator numbers updates wrongly when
		// webhook posts overlap.
		if err := s.sayAs(tok, c, tt.q, nil); err != nil {
			t.Fatal(err)
		}
		deadline := time.Now().Add(30 * time.Second)
		var bots []entry
		for len(bots) <= i {
			if time.Now().After(deadline) {
				t.Fatalf("%s: no answer within 30s", tt.q)
			}
			time.Sleep(20 * time.Millisecond)
			_, bots = s.history(t, tok)
		}
		if got := bots[i].Message.Text; !strings.Contains(got, tt.want) {
			t.Errorf("%s: answer lacks %q:\n%s", tt.q, tt.want, got)
		}
	}

	for _, h := range []string{"", "e2e_hook-SECRET-valuf"} {
		req, _ := http.NewRequest(http.MethodPost, url, strings.NewReader(`{"update_id":99,"message":{"message_id":99,"date":1,"chat":{"id":4001,"type":"private"},"text":"/start"}}`))
		if h != "" {
			req.Header.Set("X-Telegram-Bot-Api-Secret-Token", h)
		}
		resp, err := http.DefaultClient.Do(req)
		if err != nil {
			t.Fatal(err)
		}
		resp.Body.Close()
		if resp.StatusCode != http.StatusForbidden {
			t.Errorf("secret %q: %s, want 403", h, resp.Status)
		}
	}
	metrics := scrape(t, "http://"+admin+"/metrics")
	if n := metric(metrics, `planbot_updates_total{kind="message"}`); n != 3 {
		t.Errorf("/metrics counts %d message updates, want 3", n)
	}
	if n := metric(metrics, `planbot_answers_total{kind="indicator"}`); n < 1 {
		t.Errorf("/metrics counts %d indicator answers", n)
	}

	if err := in.stop(t, syscall.SIGTERM); err != nil {
		t.Fatalf("planbot serve did not exit cleanly on SIGTERM: %v", err)
	}
	logs := in.logs.String()
	for _, leak := range []string{secret, tok, "SECRET", "webhook_token"} {
		if strings.Contains(logs, leak) {
			t.Errorf("the logs show %q", leak)
		}
	}
	if !strings.Contains(logs, `"msg":"telegram: webhook request refused: wrong or missing secret"`) {
		t.Errorf("the logs (JSON) lack the refusals:\n%s", logs)
	}
}
