package main

import (
	"bytes"
	"context"
	"crypto/ed25519"
	"encoding/hex"
	"io"
	"net/http"
	"net/http/httptest"
	"path/filepath"
	"strings"
	"sync"
	"testing"
)

// TestDiscordRegisterClear runs parabot discord register against a fake
// Discord: --guild ID --clear empties that server's command set.
func TestDiscordRegisterClear(t *testing.T) {
	var mu sync.Mutex
	var seen []string
	fake := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		body, _ := io.ReadAll(r.Body)
		mu.Lock()
		seen = append(seen, r.Method+" "+r.URL.Path+" "+strings.TrimSpace(string(body)))
		mu.Unlock()
		w.Header().Set("Content-Type", "application/json")
		w.Write([]byte("[]"))
	}))
	defer fake.Close()
	pub, _, err := ed25519.GenerateKey(nil)
	if err != nil {
		t.Fatal(err)
	}
	vars := map[string]string{
		"PARABOT_DATABASE_URL": filepath.Join(t.TempDir(), "p.db"),
		"DISCORD_BOT_TOKEN":    "bot-token", "DISCORD_APP_ID": "1100000000000000001",
		"DISCORD_PUBLIC_KEY": hex.EncodeToString(pub), "DISCORD_API_URL": fake.URL,
		"PARABOT_LOG_LEVEL": "error",
	}
	var out, errOut bytes.Buffer
	args := []string{"discord", "register", "--guild", "1200000000000000002", "--clear"}
	if err := Run(context.Background(), args, env(vars), strings.NewReader(""), &out, &errOut); err != nil {
		t.Fatalf("%v\n%s", err, errOut.String())
	}
	want := "PUT /applications/1100000000000000001/guilds/1200000000000000002/commands []"
	if len(seen) != 1 || !strings.HasSuffix(seen[0], want) {
		t.Errorf("requests %q, want %q", seen, want)
	}
	if !strings.Contains(out.String(), "Removed parabot's commands from server 1200000000000000002") {
		t.Errorf("output %q", out.String())
	}
	if err := Run(context.Background(), []string{"discord", "register", "--clear"}, env(vars), strings.NewReader(""), &out, &errOut); err == nil {
		t.Error("--clear without --guild was accepted")
	}
}
