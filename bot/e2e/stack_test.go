package e2e

import (
	"bufio"
	"bytes"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"net"
	"net/http"
	"os"
	"os/exec"
	"path/filepath"
	"strconv"
	"strings"
	"sync"
	"syscall"
	"testing"
	"time"
)

// The bot's token in the tests, and the emulator's own name for the bot
// (its getMe answers @TestNameBot, id 666).
const (
	token   = "123456789:AAE-e2e_secret-abcdefghijklmnop"
	botName = "TestNameBot"
	botID   = 666
)

// stack is the emulator and planbot serve, shared by all the tests.
type stack struct {
	api      string // the emulator's address, http://127.0.0.1:PORT
	bin      string // the planbot binary
	work     string // a scratch directory
	emulator *exec.Cmd
	stdin    io.WriteCloser // closing it stops the emulator
	serve    *exec.Cmd
	logs     *syncBuffer
	served   chan error
}

var (
	shared   *stack
	setupErr error
)

func TestMain(m *testing.M) {
	work, err := os.MkdirTemp("", "planbot-e2e-")
	if err != nil {
		fmt.Fprintln(os.Stderr, err)
		os.Exit(1)
	}
	shared, setupErr = start(work)
	code := m.Run()
	if shared != nil {
		if err := shared.stop(); err != nil {
			fmt.Fprintln(os.Stderr, "e2e:", err)
			code = 1
		}
		if strings.Contains(shared.logs.String(), token) || strings.Contains(shared.logs.String(), "e2e_secret") {
			fmt.Fprintln(os.Stderr, "e2e: the token appears in the logs of planbot serve")
			code = 1
		}
		if testing.Verbose() {
			fmt.Fprintf(os.Stderr, "--- logs of planbot serve ---\n%s", shared.logs.String())
		}
	}
	os.RemoveAll(work)
	os.Exit(code)
}

// need returns the running stack, or skips the test (fails it under CI)
// when it could not start.
func need(t *testing.T) *stack {
	t.Helper()
	if setupErr != nil {
		if os.Getenv("CI") != "" {
			t.Fatalf("the Bot API emulator is required under CI: %v", setupErr)
		}
		t.Skipf("no Bot API emulator (run bot/e2e/install.sh): %v", setupErr)
	}
	return shared
}

// start builds planbot, starts the emulator and planbot serve against it.
func start(work string) (*stack, error) {
	node, err := exec.LookPath("node")
	if err != nil {
		return nil, errors.New("node is not installed")
	}
	modules := os.Getenv("PLANBOT_E2E_NODE_MODULES")
	if modules == "" {
		modules = filepath.Join("testdata", "node_modules")
	}
	modules, _ = filepath.Abs(modules)
	installed := func() bool {
		_, err := os.Stat(filepath.Join(modules, "telegram-test-api", "package.json"))
		return err == nil
	}
	if !installed() && os.Getenv("PLANBOT_E2E_NODE_MODULES") == "" {
		// go test ./... is the whole test command: it installs the
		// emulator itself, from the committed lock file, the first time.
		if out, err := exec.Command("bash", "install.sh").CombinedOutput(); err != nil {
			return nil, fmt.Errorf("installing the emulator: %v\n%s", err, out)
		}
	}
	if !installed() {
		return nil, fmt.Errorf("telegram-test-api is not installed in %s", modules)
	}

	bin := filepath.Join(work, "planbot")
	build := exec.Command(goTool(), "build", "-o", bin, "planbot/cmd/planbot")
	if out, err := build.CombinedOutput(); err != nil {
		return nil, fmt.Errorf("go build: %v\n%s", err, out)
	}

	s := &stack{bin: bin, work: work, logs: &syncBuffer{}, served: make(chan error, 1)}
	if err := s.startEmulator(node, modules); err != nil {
		return nil, err
	}
	config := filepath.Join(work, "config.yaml")
	src := fmt.Sprintf(`telegram:
  token: %q
  api_endpoint: "%s/bot%%s/%%s"
  admins: [7001]
  poll_timeout: 1s
limits:
  per_chat: 50ms
data:
  dir: %q
log:
  level: debug
`, token, s.api, filepath.Join(work, "data"))
	if err := os.WriteFile(config, []byte(src), 0o600); err != nil {
		s.stopEmulator()
		return nil, err
	}
	s.serve = exec.Command(bin, "serve", "-config", config)
	s.serve.Env = append(os.Environ(), "PLANBOT_TELEGRAM_TOKEN=")
	s.serve.Stdout = s.logs
	s.serve.Stderr = s.logs
	if err := s.serve.Start(); err != nil {
		s.stopEmulator()
		return nil, err
	}
	go func() { s.served <- s.serve.Wait() }()
	return s, nil
}

// startEmulator starts telegram-test-api on a free loopback port.
func (s *stack) startEmulator(node, modules string) error {
	var lastErr error
	for range 3 {
		port, err := freePort()
		if err != nil {
			return err
		}
		// The preload makes the emulator send a webhook's secret back, as
		// Telegram does.
		preload, err := filepath.Abs(filepath.Join("testdata", "webhook_secret.js"))
		if err != nil {
			return err
		}
		cmd := exec.Command(node, "--require", preload, filepath.Join("testdata", "emulator.js"), strconv.Itoa(port))
		cmd.Env = append(os.Environ(), "NODE_PATH="+modules)
		stdin, err := cmd.StdinPipe()
		if err != nil {
			return err
		}
		stdout, err := cmd.StdoutPipe()
		if err != nil {
			return err
		}
		var stderr syncBuffer
		cmd.Stderr = &stderr
		if err := cmd.Start(); err != nil {
			return fmt.Errorf("starting the emulator: %w", err)
		}
		ready := make(chan bool, 1)
		go func() {
			sc := bufio.NewScanner(stdout)
			ok := false
			for sc.Scan() {
				if strings.HasPrefix(sc.Text(), "LISTENING ") && !ok {
					ok = true
					ready <- true
				}
			}
			if !ok {
				ready <- false
			}
		}()
		select {
		case ok := <-ready:
			if ok {
				s.emulator, s.stdin = cmd, stdin
				s.api = "http://127.0.0.1:" + strconv.Itoa(port)
				return nil
			}
			lastErr = fmt.Errorf("the emulator did not start: %s", strings.TrimSpace(stderr.String()))
		case <-time.After(30 * time.Second):
			lastErr = errors.New("the emulator did not start within 30s")
		}
		stdin.Close()
		_ = cmd.Process.Kill()
		_ = cmd.Wait()
	}
	return lastErr
}

// stop ends planbot serve with SIGINT, as an operator would, and checks
// it exits cleanly; then stops the emulator.
func (s *stack) stop() error {
	defer s.stopEmulator()
	_ = s.serve.Process.Signal(syscall.SIGINT)
	select {
	case err := <-s.served:
		if err != nil {
			return fmt.Errorf("planbot serve did not exit cleanly on SIGINT: %v", err)
		}
		return nil
	case <-time.After(30 * time.Second):
		_ = s.serve.Process.Kill()
		<-s.served
		return errors.New("planbot serve did not stop within 30s of SIGINT")
	}
}

func (s *stack) stopEmulator() {
	if s.emulator == nil {
		return
	}
	s.stdin.Close()
	done := make(chan struct{})
	go func() { _ = s.emulator.Wait(); close(done) }()
	select {
	case <-done:
	case <-time.After(10 * time.Second):
		_ = s.emulator.Process.Kill()
		<-done
	}
}

// alive fails the test when planbot serve has exited.
func (s *stack) alive(t *testing.T) {
	t.Helper()
	select {
	case err := <-s.served:
		s.served <- err
		t.Fatalf("planbot serve exited: %v\n%s", err, s.logs.String())
	default:
	}
}

func goTool() string {
	if p, err := exec.LookPath("go"); err == nil {
		return p
	}
	return filepath.Join(os.Getenv("GOROOT"), "bin", "go")
}

func freePort() (int, error) {
	l, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		return 0, err
	}
	defer l.Close()
	return l.Addr().(*net.TCPAddr).Port, nil
}

// syncBuffer is a bytes.Buffer safe for a process's output and the tests.
type syncBuffer struct {
	mu sync.Mutex
	b  bytes.Buffer
}

func (b *syncBuffer) Write(p []byte) (int, error) {
	b.mu.Lock()
	defer b.mu.Unlock()
	return b.b.Write(p)
}

func (b *syncBuffer) String() string {
	b.mu.Lock()
	defer b.mu.Unlock()
	return b.b.String()
}

// post sends JSON to one of the emulator's client endpoints.
func (s *stack) post(t *testing.T, path string, body any, out any) {
	t.Helper()
	if err := s.postErr(path, body, out); err != nil {
		t.Fatal(err)
	}
}

// postErr is post for any goroutine: it returns the error.
func (s *stack) postErr(path string, body any, out any) error {
	data, err := json.Marshal(body)
	if err != nil {
		return err
	}
	resp, err := http.Post(s.api+path, "application/json", bytes.NewReader(data))
	if err != nil {
		return fmt.Errorf("emulator %s: %v", path, err)
	}
	defer resp.Body.Close()
	raw, _ := io.ReadAll(resp.Body)
	if resp.StatusCode != http.StatusOK {
		return fmt.Errorf("emulator %s: %s: %s", path, resp.Status, raw)
	}
	if out != nil {
		if err := json.Unmarshal(raw, out); err != nil {
			return fmt.Errorf("emulator %s: %v: %s", path, err, raw)
		}
	}
	return nil
}

// instance is a planbot serve of its own against the shared emulator, for
// a test that needs other settings; a token of its own keeps its chats and
// updates apart from the shared bot's.
type instance struct {
	cmd    *exec.Cmd
	logs   *syncBuffer
	exited chan error
}

// launch starts planbot serve with the configuration text config (the
// emulator's address and the token are put before it, in the telegram
// section) and extra environment variables. The instance is killed when
// the test ends, if still running.
func (s *stack) launch(t *testing.T, token, config string, env ...string) *instance {
	t.Helper()
	path := filepath.Join(t.TempDir(), "config.yaml")
	src := fmt.Sprintf("telegram:\n  token: %q\n  api_endpoint: \"%s/bot%%s/%%s\"\n%s", token, s.api, config)
	if err := os.WriteFile(path, []byte(src), 0o600); err != nil {
		t.Fatal(err)
	}
	in := &instance{logs: &syncBuffer{}, exited: make(chan error, 1)}
	in.cmd = exec.Command(s.bin, "serve", "-config", path)
	in.cmd.Env = append(append(os.Environ(), "PLANBOT_TELEGRAM_TOKEN=", "PLANBOT_WEBHOOK_SECRET="), env...)
	in.cmd.Stdout, in.cmd.Stderr = in.logs, in.logs
	if err := in.cmd.Start(); err != nil {
		t.Fatal(err)
	}
	go func() { in.exited <- in.cmd.Wait() }()
	t.Cleanup(func() {
		select {
		case err := <-in.exited:
			in.exited <- err
		default:
			_ = in.cmd.Process.Kill()
			<-in.exited
		}
		if t.Failed() {
			t.Logf("logs of this planbot serve:\n%s", in.logs.String())
		}
	})
	return in
}

// waitLog waits until the instance has logged text, failing the test
// after 30 seconds or when it exits.
func (in *instance) waitLog(t *testing.T, text string) {
	t.Helper()
	deadline := time.Now().Add(30 * time.Second)
	for !strings.Contains(in.logs.String(), text) {
		select {
		case err := <-in.exited:
			in.exited <- err
			t.Fatalf("planbot serve exited (%v) before logging %q:\n%s", err, text, in.logs.String())
		default:
		}
		if time.Now().After(deadline) {
			t.Fatalf("planbot serve did not log %q within 30s", text)
		}
		time.Sleep(20 * time.Millisecond)
	}
}

// stop signals the instance and returns how it exited: nil for status 0.
func (in *instance) stop(t *testing.T, sig os.Signal) error {
	t.Helper()
	if err := in.cmd.Process.Signal(sig); err != nil {
		t.Fatal(err)
	}
	select {
	case err := <-in.exited:
		in.exited <- err
		return err
	case <-time.After(30 * time.Second):
		t.Fatalf("planbot serve did not stop within 30s of %v", sig)
		return nil
	}
}
