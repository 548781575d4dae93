package shell

import (
	"bytes"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"parabot/bot"
)

func TestRepliesWriteTheirFiles(t *testing.T) {
	dir := filepath.Join(t.TempDir(), "files")
	var out bytes.Buffer
	s := New(Config{Out: &out, FileDir: dir})
	png := []byte("\x89PNG\r\n\x1a\nchart")
	s.reply(bot.Reply{Text: "Progress of Ava B. (S101)", Files: []bot.File{{Name: "S101-G1.png", Type: "image/png", Data: png}}})
	path := filepath.Join(dir, "S101-G1.png")
	if !strings.Contains(out.String(), "ok Progress of Ava B. (S101)\n   file: "+path+"\n") {
		t.Errorf("output:\n%s", out.String())
	}
	got, err := os.ReadFile(path)
	if err != nil || !bytes.Equal(got, png) {
		t.Fatalf("file: %q, %v", got, err)
	}
	if fi, _ := os.Stat(path); fi.Mode().Perm() != 0o600 {
		t.Errorf("file mode %v; a chart may hold a student's records, so only its owner may read it", fi.Mode())
	}
	// A name cannot climb out of the folder.
	out.Reset()
	s.reply(bot.Reply{Text: "x", Files: []bot.File{{Name: "../../escape.pdf", Data: []byte("%PDF")}}})
	if !strings.Contains(out.String(), "file: "+filepath.Join(dir, "escape.pdf")) {
		t.Errorf("output:\n%s", out.String())
	}
}
