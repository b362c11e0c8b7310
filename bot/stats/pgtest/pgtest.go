// Package pgtest starts a real PostgreSQL server for tests: Debian's
// postgresql package (binaries under /usr/lib/postgresql/*/bin), a cluster
// made by initdb in a temporary directory, listening on a free loopback
// port and on a unix socket in that directory. Run as root, as the tests
// are in CI, the server runs as the system user postgres (or nobody), since
// PostgreSQL refuses to run as root.
//
// A test package starts one Server for all its tests (in TestMain) and
// gives each test a database of its own with NewDB.
package pgtest

import (
	"context"
	"errors"
	"fmt"
	"net"
	"os"
	"os/exec"
	"os/user"
	"path/filepath"
	"sort"
	"strconv"
	"strings"
	"sync"
	"syscall"
	"testing"
	"time"

	"github.com/jackc/pgx/v5"
)

// User and Password are the server's superuser: connections on loopback
// must give the password (scram-sha-256), as in production.
const (
	User     = "planbot"
	Password = "pgtest-Secret-pw"
)

// Server is a running PostgreSQL server of a test.
type Server struct {
	Port int
	dir  string // holds data/, the socket and the log
	bin  string
	cred *syscall.Credential

	mu   sync.Mutex
	cmd  *exec.Cmd
	done chan error
	dbs  int
}

// Start makes a cluster in a temporary directory and starts a server on a
// free loopback port. Close removes everything.
func Start() (*Server, error) {
	bin, err := binDir()
	if err != nil {
		return nil, err
	}
	dir, err := os.MkdirTemp("", "planbot-pg-")
	if err != nil {
		return nil, err
	}
	s := &Server{dir: dir, bin: bin}
	if err := s.setup(); err != nil {
		os.RemoveAll(dir)
		return nil, err
	}
	if err := s.Restart(); err != nil {
		os.RemoveAll(dir)
		return nil, err
	}
	return s, nil
}

// binDir finds the newest PostgreSQL under /usr/lib/postgresql, or
// initdb on the PATH.
func binDir() (string, error) {
	dirs, _ := filepath.Glob("/usr/lib/postgresql/*/bin")
	sort.Slice(dirs, func(i, j int) bool { return version(dirs[i]) > version(dirs[j]) })
	for _, d := range dirs {
		if _, err := os.Stat(filepath.Join(d, "initdb")); err == nil {
			return d, nil
		}
	}
	if p, err := exec.LookPath("initdb"); err == nil {
		return filepath.Dir(p), nil
	}
	return "", errors.New("pgtest: PostgreSQL is not installed (apt-get install postgresql)")
}

func version(binDir string) int {
	n, _ := strconv.Atoi(filepath.Base(filepath.Dir(binDir)))
	return n
}

// setup runs initdb, as an unprivileged user when we are root.
func (s *Server) setup() error {
	if os.Geteuid() == 0 {
		var u *user.User
		var err error
		for _, name := range []string{"postgres", "nobody"} {
			if u, err = user.Lookup(name); err == nil {
				break
			}
		}
		if err != nil {
			return fmt.Errorf("pgtest: running as root and no user postgres or nobody to run PostgreSQL as: %w", err)
		}
		uid, _ := strconv.Atoi(u.Uid)
		gid, _ := strconv.Atoi(u.Gid)
		s.cred = &syscall.Credential{Uid: uint32(uid), Gid: uint32(gid)}
		if err := os.Chmod(s.dir, 0o755); err != nil {
			return err
		}
		if err := os.Chown(s.dir, uid, gid); err != nil {
			return err
		}
	}
	pw := filepath.Join(s.dir, "pw")
	if err := os.WriteFile(pw, []byte(Password+"\n"), 0o644); err != nil {
		return err
	}
	defer os.Remove(pw)
	cmd := s.command("initdb", "-D", filepath.Join(s.dir, "data"), "-U", User, "--pwfile", pw,
		"-A", "scram-sha-256", "--auth-local=trust", "-E", "UTF8", "--locale=C.UTF-8", "--no-sync")
	if out, err := cmd.CombinedOutput(); err != nil {
		return fmt.Errorf("pgtest: initdb: %v\n%s", err, out)
	}
	return nil
}

func (s *Server) command(name string, args ...string) *exec.Cmd {
	cmd := exec.Command(filepath.Join(s.bin, name), args...)
	cmd.Dir = s.dir
	cmd.Env = append(os.Environ(), "LC_ALL=C.UTF-8")
	if s.cred != nil {
		cmd.SysProcAttr = &syscall.SysProcAttr{Credential: s.cred}
	}
	return cmd
}

// Restart starts the server, unless it runs, on the port it had if it ran
// before (a new free one the first time), and waits until it accepts
// connections.
func (s *Server) Restart() error {
	s.mu.Lock()
	defer s.mu.Unlock()
	if s.cmd != nil {
		return nil // running
	}
	var lastErr error
	for range 3 {
		if s.Port == 0 || lastErr != nil {
			port, err := freePort()
			if err != nil {
				return err
			}
			s.Port = port
		}
		log, err := os.OpenFile(filepath.Join(s.dir, "log"), os.O_CREATE|os.O_WRONLY|os.O_APPEND, 0o666)
		if err != nil {
			return err
		}
		cmd := s.command("postgres", "-D", filepath.Join(s.dir, "data"), "-p", strconv.Itoa(s.Port),
			"-k", s.dir, "-c", "listen_addresses=127.0.0.1", "-c", "fsync=off",
			"-c", "synchronous_commit=off", "-c", "full_page_writes=off", "-c", "max_connections=100")
		cmd.Stdout, cmd.Stderr = log, log
		if err := cmd.Start(); err != nil {
			log.Close()
			return fmt.Errorf("pgtest: postgres: %w", err)
		}
		log.Close()
		done := make(chan error, 1)
		go func() { done <- cmd.Wait() }()
		if err := s.waitReady(done); err != nil {
			_ = cmd.Process.Kill()
			<-done
			lastErr = err
			continue
		}
		s.cmd, s.done = cmd, done
		return nil
	}
	return lastErr
}

// waitReady waits until a connection succeeds, for 30 seconds at most.
func (s *Server) waitReady(done chan error) error {
	deadline := time.Now().Add(30 * time.Second)
	for {
		ctx, cancel := context.WithTimeout(context.Background(), 2*time.Second)
		conn, err := pgx.Connect(ctx, s.URL("postgres"))
		cancel()
		if err == nil {
			conn.Close(context.Background())
			return nil
		}
		select {
		case werr := <-done:
			done <- werr
			return fmt.Errorf("pgtest: postgres exited (%v):\n%s", werr, s.Log())
		default:
		}
		if time.Now().After(deadline) {
			return fmt.Errorf("pgtest: postgres did not accept connections within 30s: %v\n%s", err, s.Log())
		}
		time.Sleep(50 * time.Millisecond)
	}
}

// Stop stops the server (fast shutdown: connections are cut) and waits
// for it to exit. Restart starts it again with the same data.
func (s *Server) Stop() error {
	s.mu.Lock()
	defer s.mu.Unlock()
	if s.cmd == nil {
		return nil
	}
	_ = s.cmd.Process.Signal(syscall.SIGINT)
	var err error
	select {
	case err = <-s.done:
	case <-time.After(30 * time.Second):
		_ = s.cmd.Process.Kill()
		err = <-s.done
	}
	s.cmd = nil
	if err != nil {
		return fmt.Errorf("pgtest: postgres: %w", err)
	}
	return nil
}

// Close stops the server and removes its directory.
func (s *Server) Close() error {
	err := s.Stop()
	os.RemoveAll(s.dir)
	return err
}

// Log is what the server has logged.
func (s *Server) Log() string {
	b, _ := os.ReadFile(filepath.Join(s.dir, "log"))
	return string(b)
}

// URL is the address of database db on loopback, with the password.
func (s *Server) URL(db string) string {
	return fmt.Sprintf("postgres://%s:%s@127.0.0.1:%d/%s?sslmode=disable", User, Password, s.Port, db)
}

// NewDB creates an empty database of its own for a test and returns its
// URL.
func (s *Server) NewDB(tb testing.TB) string {
	tb.Helper()
	s.mu.Lock()
	s.dbs++
	name := fmt.Sprintf("t%d_%s", s.dbs, strings.ToLower(sanitize(tb.Name())))
	s.mu.Unlock()
	if len(name) > 60 {
		name = name[:60]
	}
	ctx, cancel := context.WithTimeout(context.Background(), 30*time.Second)
	defer cancel()
	conn, err := pgx.Connect(ctx, s.URL("postgres"))
	if err != nil {
		tb.Fatalf("pgtest: %v", err)
	}
	defer conn.Close(ctx)
	if _, err := conn.Exec(ctx, "CREATE DATABASE "+pgx.Identifier{name}.Sanitize()); err != nil {
		tb.Fatalf("pgtest: create database %s: %v", name, err)
	}
	return s.URL(name)
}

func sanitize(s string) string {
	return strings.Map(func(r rune) rune {
		if r >= 'a' && r <= 'z' || r >= 'A' && r <= 'Z' || r >= '0' && r <= '9' {
			return r
		}
		return '_'
	}, s)
}

// Need returns srv for a test, or, when the server could not start (err),
// fails the test under CI (the environment variable CI set) and skips it
// elsewhere, saying why.
func Need(tb testing.TB, srv *Server, err error) *Server {
	tb.Helper()
	if err != nil {
		if os.Getenv("CI") != "" {
			tb.Fatalf("PostgreSQL is required under CI (.ci/run installs the postgresql package): %v", err)
		}
		tb.Skipf("SKIP: no PostgreSQL server for this test (install Debian's postgresql package; under CI=true this fails): %v", err)
	}
	return srv
}

func freePort() (int, error) {
	l, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		return 0, err
	}
	defer l.Close()
	return l.Addr().(*net.TCPAddr).Port, nil
}
