package main

import (
	"context"
	"fmt"
	"io"
	"net/http"
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

	"parabot/bot"
	"parabot/storage"
)

// privatePostgres is a Postgres server of the test's own, in a temporary
// directory on a free port, that the test may stop and start.
type privatePostgres struct {
	bin, data, port string
	cred            *syscall.Credential // the postgres user, when the test runs as root
}

// startPrivatePostgres runs initdb and starts the server. Without the
// binaries it skips loudly, except under CI=true, where it fails.
func startPrivatePostgres(t *testing.T) *privatePostgres {
	t.Helper()
	found, _ := filepath.Glob("/usr/lib/postgresql/*/bin/pg_ctl")
	if len(found) == 0 {
		if os.Getenv("CI") == "true" {
			t.Fatal("no Postgres binaries in /usr/lib/postgresql/*/bin; CI must have them")
		}
		t.Skip("SKIPPED LOUDLY: no Postgres binaries in /usr/lib/postgresql/*/bin (apt-get install postgresql) to run a private server")
	}
	sort.Strings(found)
	p := &privatePostgres{bin: filepath.Dir(found[len(found)-1])}
	dir, err := os.MkdirTemp("", "parabot-pg-")
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { os.RemoveAll(dir) })
	p.data = filepath.Join(dir, "data")
	if os.Geteuid() == 0 { // initdb refuses to run as root
		u, err := user.Lookup("postgres")
		if err != nil {
			t.Skip("SKIPPED LOUDLY: running as root and there is no postgres user to run a private server as")
		}
		uid, _ := strconv.Atoi(u.Uid)
		gid, _ := strconv.Atoi(u.Gid)
		p.cred = &syscall.Credential{Uid: uint32(uid), Gid: uint32(gid)}
		if err := os.Chown(dir, uid, gid); err != nil {
			t.Fatal(err)
		}
	}
	p.port = strings.TrimPrefix(freeAddr(t), "127.0.0.1:")
	p.run(t, "initdb", "-D", p.data, "-A", "trust", "-U", "parabot", "--no-sync", "-E", "UTF8")
	p.start(t)
	t.Cleanup(func() { p.pgctl(nil, "stop", "-m", "immediate") })
	return p
}

// url is the server's address for PARABOT_DATABASE_URL.
func (p *privatePostgres) url() string {
	return "postgres://parabot@127.0.0.1:" + p.port + "/postgres?sslmode=disable"
}

func (p *privatePostgres) start(t *testing.T) {
	t.Helper()
	p.pgctl(t, "start", "-w", "-l", filepath.Join(filepath.Dir(p.data), "log"),
		"-o", "-p "+p.port+" -k "+filepath.Dir(p.data)+" -c listen_addresses=127.0.0.1 -c fsync=off")
}

// stop shuts the server down as an administrator or a failover would.
func (p *privatePostgres) stop(t *testing.T) { p.pgctl(t, "stop", "-w", "-m", "fast") }

func (p *privatePostgres) pgctl(t *testing.T, args ...string) {
	if t != nil {
		t.Helper()
	}
	p.run(t, "pg_ctl", append([]string{"-D", p.data}, args...)...)
}

func (p *privatePostgres) run(t *testing.T, name string, args ...string) {
	if t != nil {
		t.Helper()
	}
	cmd := exec.Command(filepath.Join(p.bin, name), args...)
	if p.cred != nil {
		cmd.SysProcAttr = &syscall.SysProcAttr{Credential: p.cred}
	}
	cmd.Dir = os.TempDir()
	if out, err := cmd.CombinedOutput(); err != nil && t != nil {
		t.Fatalf("%s %s: %v\n%s", name, strings.Join(args, " "), err, out)
	}
}

// send sends req and returns the answer's body, for a goroutine other
// than the test's (which may not call t.Fatal).
func send(client *http.Client, req *http.Request) (string, error) {
	resp, err := client.Do(req)
	if err != nil {
		return "", err
	}
	defer resp.Body.Close()
	b, err := io.ReadAll(resp.Body)
	if resp.StatusCode != http.StatusOK {
		return "", fmt.Errorf("%s: status %d %s", req.URL.Path, resp.StatusCode, b)
	}
	return string(b), err
}

// TestPostgresRestartWhileCommandsArrive restarts Postgres under parabot
// serve while a para sends notes: during the outage the answer says to
// try again, parabot recovers by itself, and every acknowledged note is
// stored and delivered, once.
func TestPostgresRestartWhileCommandsArrive(t *testing.T) {
	if testing.Short() {
		t.Skip("starts and restarts a Postgres server")
	}
	pg := startPrivatePostgres(t)
	api := newSlackAPI(t)
	vars := slackEnv(api, pg.url())
	seedSlack(t, vars)
	r := serveInProcess(t, vars, 0)
	base := r.base

	var (
		mu        sync.Mutex
		acked     []string
		tryAgain  int
		unclear   []string
		afterBack int
	)
	phase := make(chan string, 1)
	var sender sync.WaitGroup
	quit := make(chan struct{})
	client := &http.Client{Timeout: 10 * time.Second}
	sender.Go(func() {
		back := false
		for i := 0; ; i++ {
			select {
			case <-quit:
				return
			case p := <-phase:
				back = p == "back"
			default:
			}
			token := fmt.Sprintf("note-pg-%d", i)
			body, err := send(client, noteRequest(t, base, token))
			mu.Lock()
			switch {
			case err != nil:
				unclear = append(unclear, err.Error())
			case strings.Contains(body, "sent to"):
				acked = append(acked, token)
				if back {
					afterBack++
				}
			case strings.Contains(body, bot.TryAgain):
				tryAgain++
			default:
				unclear = append(unclear, body)
			}
			mu.Unlock()
			// Slack takes about one DM a second: keep the backlog short.
			time.Sleep(150 * time.Millisecond)
		}
	})
	time.Sleep(time.Second)
	pg.stop(t)
	time.Sleep(2 * time.Second)
	pg.start(t)
	phase <- "back"
	time.Sleep(3 * time.Second)
	close(quit)
	sender.Wait()

	if tryAgain == 0 {
		t.Error("no answer said to try again during the outage")
	}
	if len(unclear) > 0 {
		t.Errorf("%d answers were neither a confirmation nor try-again, e.g. %s", len(unclear), unclear[0])
	}
	if afterBack == 0 {
		t.Fatal("parabot did not recover after Postgres came back")
	}
	if !api.waitDelivered(acked, 30*time.Second+time.Duration(len(acked))*1100*time.Millisecond) {
		t.Fatalf("not every acknowledged note was delivered: %d acknowledged, %v", len(acked), api.counts())
	}
	if err := r.shutdown(t); err != nil {
		t.Errorf("shutdown: %v", err)
	}
	for tok, n := range api.counts() {
		if n != 1 {
			t.Errorf("%s posted %d times", tok, n)
		}
	}
	// Every acknowledged note is stored; nothing else is.
	store, err := openStore(context.Background(), r.cfg, newLogger(io.Discard, "error"))
	if err != nil {
		t.Fatal(err)
	}
	defer store.Close()
	lee, err := store.StaffByIdentity(context.Background(), storage.PlatformShell, "lee")
	if err != nil {
		t.Fatal(err)
	}
	caseload, err := store.Caseload(context.Background(), lee.ID)
	if err != nil {
		t.Fatal(err)
	}
	stored := map[string]bool{}
	for _, s := range caseload {
		notes, err := store.Notes(context.Background(), storage.Filter{StudentID: s.ID})
		if err != nil {
			t.Fatal(err)
		}
		for _, n := range notes {
			stored[n.Text] = true
		}
	}
	for _, tok := range acked {
		if !stored[tok] {
			t.Errorf("acknowledged note %s was not stored", tok)
		}
	}
	if len(stored) != len(acked) {
		t.Errorf("%d notes stored, %d acknowledged", len(stored), len(acked))
	}
	t.Logf("%d notes acknowledged (%d after the restart), %d told to try again", len(acked), afterBack, tryAgain)
}
