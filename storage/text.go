package storage

import (
	"strings"
	"unicode"
	"unicode/utf8"
)

// CleanText returns s as every engine stores it alike: invalid UTF-8
// becomes U+FFFD, and NUL and other control characters except newline
// and tab are removed (Postgres refuses NUL in text; SQLite would keep
// it). changed reports whether anything was removed or replaced, so the
// user can be told.
func CleanText(s string) (clean string, changed bool) {
	if isClean(s) {
		return s, false
	}
	var b strings.Builder
	b.Grow(len(s))
	for i := 0; i < len(s); {
		r, size := utf8.DecodeRuneInString(s[i:])
		i += size
		switch {
		case r == utf8.RuneError && size <= 1:
			b.WriteRune(utf8.RuneError)
		case keptControl(r):
			b.WriteRune(r)
		case unicode.IsControl(r):
			// dropped
		default:
			b.WriteRune(r)
		}
	}
	return b.String(), true
}

// isClean reports whether CleanText would leave s as it is.
func isClean(s string) bool {
	if !utf8.ValidString(s) {
		return false
	}
	for _, r := range s {
		if unicode.IsControl(r) && !keptControl(r) {
			return false
		}
	}
	return true
}

// keptControl reports whether r is a control character text may hold.
func keptControl(r rune) bool { return r == '\n' || r == '\t' }
