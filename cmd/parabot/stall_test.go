package main

import (
	"io"
	"net"
	"net/url"
	"sync"
	"sync/atomic"
	"testing"
	"time"

	"parabot/storage/storagetest"
)

// stallRelay is a TCP relay to a database server that can be made to
// stop answering: after stall, what either side sends is dropped, and new
// connections are accepted and never answered (a server that hangs, or a
// network path that silently loses packets).
type stallRelay struct {
	ln      net.Listener
	target  string
	stalled atomic.Bool

	mu     sync.Mutex
	conns  []net.Conn
	closed bool
}

// newStallRelay relays a local port to target (host:port) until the
// test ends.
func newStallRelay(t *testing.T, target string) *stallRelay {
	t.Helper()
	ln, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	r := &stallRelay{ln: ln, target: target}
	go r.accept()
	t.Cleanup(r.close)
	return r
}

func (r *stallRelay) accept() {
	for {
		c, err := r.ln.Accept()
		if err != nil {
			return
		}
		if !r.track(c) || r.stalled.Load() {
			continue // held open, never answered
		}
		up, err := net.Dial("tcp", r.target)
		if err != nil || !r.track(up) {
			c.Close()
			continue
		}
		go r.pipe(c, up)
		go r.pipe(up, c)
	}
}

// pipe copies from src to dst until either closes, dropping what comes
// once the relay is stalled.
func (r *stallRelay) pipe(src, dst net.Conn) {
	buf := make([]byte, 32<<10)
	for {
		n, err := src.Read(buf)
		if n > 0 && !r.stalled.Load() {
			if _, werr := dst.Write(buf[:n]); werr != nil {
				return
			}
		}
		if err != nil {
			if err != io.EOF {
				dst.Close()
			}
			return
		}
	}
}

// track keeps c to be closed with the relay; false when it is closed.
func (r *stallRelay) track(c net.Conn) bool {
	r.mu.Lock()
	defer r.mu.Unlock()
	if r.closed {
		c.Close()
		return false
	}
	r.conns = append(r.conns, c)
	return true
}

// stall makes the database stop answering.
func (r *stallRelay) stall() { r.stalled.Store(true) }

// close ends the relay and every connection through it.
func (r *stallRelay) close() {
	r.ln.Close()
	r.mu.Lock()
	defer r.mu.Unlock()
	r.closed = true
	for _, c := range r.conns {
		c.Close()
	}
}

// url is dbURL with its host and port replaced by the relay's.
func (r *stallRelay) url(t *testing.T, dbURL string) string {
	t.Helper()
	u, err := url.Parse(dbURL)
	if err != nil {
		t.Fatal(err)
	}
	u.Host = r.ln.Addr().String()
	return u.String()
}

// TestShutdownWhilePostgresStalls: SIGTERM while Postgres has stopped
// answering (connections accepted, nothing said back). parabot serve
// returns, so the process exits, within PARABOT_SHUTDOWN_TIMEOUT and the
// shutdown margin, whatever is still waiting on the database: running
// jobs, the replica's beat and leaving, the access log, the pool.
func TestShutdownWhilePostgresStalls(t *testing.T) {
	if testing.Short() {
		t.Skip("waits through a shutdown timeout")
	}
	dbURL := storagetest.NewPostgresURL(t)
	u, err := url.Parse(dbURL)
	if err != nil {
		t.Fatal(err)
	}
	relay := newStallRelay(t, u.Host)
	const timeout = 2 * time.Second
	vars := map[string]string{"PARABOT_DATABASE_URL": relay.url(t, dbURL), "PARABOT_SHUTDOWN_TIMEOUT": timeout.String()}
	r := serveInProcess(t, vars, 0)
	seed(t, r.srv.store)
	// Let the workers and the beat use their connections, then stall them
	// in the middle of it.
	time.Sleep(1500 * time.Millisecond)
	relay.stall()
	time.Sleep(1500 * time.Millisecond)
	began := time.Now()
	r.stop()
	select {
	case <-r.done:
	case <-time.After(60 * time.Second):
		t.Fatal("serve did not return within a minute of SIGTERM")
	}
	t.Logf("took %s", time.Since(began))
	if took, most := time.Since(began), timeout+shutdownMargin+time.Second; took > most {
		t.Errorf("serve returned %s after SIGTERM with the database stalled, want at most %s (timeout %s and margin %s)",
			took.Round(100*time.Millisecond), most, timeout, shutdownMargin)
	}
}
