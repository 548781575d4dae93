package main

import (
	"context"
	"io"
	"net"
	"net/http"
	"path/filepath"
	"testing"
	"time"

	"parabot/config"
)

// BenchmarkServeReady measures parabot serve on SQLite from start to the
// first 200 from /readyz, on a database migrated before (a restart).
func BenchmarkServeReady(b *testing.B) {
	db := filepath.Join(b.TempDir(), "ready.db")
	cfg, err := config.Load(env(map[string]string{"PARABOT_DATABASE_URL": db}))
	if err != nil {
		b.Fatal(err)
	}
	log := newLogger(io.Discard, "error")
	client := &http.Client{Timeout: 2 * time.Second}
	start := func() (stop func()) {
		srv, err := newServer(context.Background(), cfg, log)
		if err != nil {
			b.Fatal(err)
		}
		ln, err := net.Listen("tcp", "127.0.0.1:0")
		if err != nil {
			b.Fatal(err)
		}
		ctx, cancel := context.WithCancel(context.Background())
		done := make(chan error, 1)
		go func() { done <- srv.Serve(ctx, ln) }()
		for {
			resp, err := client.Get("http://" + ln.Addr().String() + "/readyz")
			if err == nil {
				resp.Body.Close()
				if resp.StatusCode == 200 {
					break
				}
			}
			time.Sleep(time.Millisecond)
		}
		return func() {
			cancel()
			if err := <-done; err != nil {
				b.Fatal(err)
			}
		}
	}
	start()() // first start migrates
	b.ResetTimer()
	for b.Loop() {
		stop := start()
		b.StopTimer()
		stop()
		b.StartTimer()
	}
}
