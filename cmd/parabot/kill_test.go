package main

import (
	"fmt"
	"net"
	"net/http"
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"syscall"
	"testing"
	"time"
)

// TestKillDuringDeliveries kills parabot serve (the built binary, with
// SIGKILL) while direct messages are in the middle of chat.postMessage,
// starts it again, and checks every acknowledged note arrives within a
// minute of the restart, once.
func TestKillDuringDeliveries(t *testing.T) {
	if testing.Short() {
		t.Skip("builds the binary and waits for a job rescue (about a minute)")
	}
	bin := filepath.Join(t.TempDir(), "parabot")
	if out, err := exec.Command("go", "build", "-o", bin, ".").CombinedOutput(); err != nil {
		t.Fatalf("building parabot: %v\n%s", err, out)
	}
	api := newSlackAPI(t)
	api.delay.Store(int64(3 * time.Second))
	addr := freeAddr(t)
	vars := slackEnv(api, tempDB(t), "PARABOT_HTTP_ADDR", addr, "PARABOT_LOG_LEVEL", "info")
	seedSlack(t, vars)
	base := "http://" + addr

	first := startBinary(t, bin, vars, base)
	var acked []string
	for i := range 4 {
		token := fmt.Sprintf("note-kill-%d", i)
		if body := do(t, noteRequest(t, base, token)); !strings.Contains(body, "sent to") {
			t.Fatalf("note %s answered %s", token, body)
		}
		acked = append(acked, token)
	}
	deadline := time.Now().Add(10 * time.Second)
	for api.inflight.Load() == 0 && time.Now().Before(deadline) {
		time.Sleep(10 * time.Millisecond)
	}
	if api.inflight.Load() == 0 {
		t.Fatal("no delivery was in flight")
	}
	first.kill()
	if n := len(api.counts()); n != 0 {
		t.Fatalf("%d notes were delivered before the kill; the test wants them all in flight or queued", n)
	}

	api.delay.Store(0)
	restarted := time.Now()
	second := startBinary(t, bin, vars, base)
	defer second.stop(t)
	if !api.waitDelivered(acked, 70*time.Second) {
		t.Fatalf("not every note arrived after the restart: %v\nlog of the restarted process:\n%s", api.counts(), second.log())
	}
	for _, tok := range acked {
		if d := api.firstPosted(tok).Sub(restarted); d > time.Minute {
			t.Errorf("%s arrived %s after the restart, want within a minute", tok, d.Round(time.Second))
		}
	}
	time.Sleep(2 * time.Second) // a second delivery would come now
	for tok, n := range api.counts() {
		if n != 1 {
			t.Errorf("%s posted %d times", tok, n)
		}
	}
}

// freeAddr is a local address nothing listens on.
func freeAddr(t *testing.T) string {
	t.Helper()
	ln, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	addr := ln.Addr().String()
	ln.Close()
	return addr
}

// process is a running parabot serve; its output is its logBuffer.
type process struct {
	cmd *exec.Cmd
	logBuffer
	done chan error
}

func (p *process) log() string { return p.String() }

// startBinary runs bin serve with vars and waits until base/readyz says ready.
func startBinary(t *testing.T, bin string, vars map[string]string, base string) *process {
	t.Helper()
	p := &process{cmd: exec.Command(bin, "serve"), done: make(chan error, 1)}
	p.cmd.Env = os.Environ()
	for k, v := range vars {
		p.cmd.Env = append(p.cmd.Env, k+"="+v)
	}
	p.cmd.Stdout, p.cmd.Stderr = p, p
	if err := p.cmd.Start(); err != nil {
		t.Fatal(err)
	}
	go func() { p.done <- p.cmd.Wait() }()
	client := &http.Client{Timeout: time.Second}
	deadline := time.Now().Add(30 * time.Second)
	for time.Now().Before(deadline) {
		resp, err := client.Get(base + "/readyz")
		if err == nil {
			resp.Body.Close()
			if resp.StatusCode == 200 {
				return p
			}
		}
		select {
		case err := <-p.done:
			t.Fatalf("parabot serve exited: %v\n%s", err, p.log())
		case <-time.After(50 * time.Millisecond):
		}
	}
	p.kill()
	t.Fatalf("parabot serve did not get ready\n%s", p.log())
	return nil
}

// kill ends the process with SIGKILL, as a crash or an OOM kill would.
func (p *process) kill() {
	p.cmd.Process.Kill()
	<-p.done
}

// stop ends the process with SIGTERM and checks it stopped cleanly.
func (p *process) stop(t *testing.T) {
	t.Helper()
	p.cmd.Process.Signal(syscall.SIGTERM)
	select {
	case err := <-p.done:
		if err != nil {
			t.Errorf("parabot serve after SIGTERM: %v\n%s", err, p.log())
		}
	case <-time.After(30 * time.Second):
		p.kill()
		t.Errorf("parabot serve did not stop after SIGTERM")
	}
}
