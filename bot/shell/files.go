package shell

import (
	"fmt"
	"os"
	"path/filepath"
	"strings"

	"parabot/bot"
)

// saveFiles writes a reply's attached files into the file folder, private
// to this user (they may hold a student's records), and returns the lines
// that print their paths, or a line saying why one could not be written.
func (s *Shell) saveFiles(r bot.Reply) string {
	if len(r.Files) == 0 {
		return ""
	}
	dir := s.cfg.FileDir
	if dir == "" {
		dir = filepath.Join(os.TempDir(), "parabot")
	}
	var b strings.Builder
	if err := os.MkdirAll(dir, 0o700); err != nil {
		fmt.Fprintf(&b, "\n   (attached files could not be written to %s: %v)", dir, err)
		return b.String()
	}
	for _, f := range r.Files {
		path := filepath.Join(dir, filepath.Base(f.Name))
		if err := os.WriteFile(path, f.Data, 0o600); err != nil {
			fmt.Fprintf(&b, "\n   (file %s could not be written: %v)", f.Name, err)
			continue
		}
		fmt.Fprintf(&b, "\n   file: %s", path)
	}
	return b.String()
}
