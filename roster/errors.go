package roster

import (
	"fmt"
	"strings"
)

// Problem is one thing wrong in a roster import: a file, a row, a column.
// Line is the line of the file the row starts on (the header is line 1);
// it is 0 for a problem with the file as a whole. Column is empty when the
// problem is with the row or the file rather than one value.
type Problem struct {
	File   string
	Line   int
	Column string
	Msg    string
}

// String formats the problem as "file:line: column name: message", leaving
// out the parts that are empty.
func (p Problem) String() string {
	var b strings.Builder
	if p.File != "" {
		b.WriteString(p.File)
		if p.Line > 0 {
			fmt.Fprintf(&b, ":%d", p.Line)
		}
		b.WriteString(": ")
	}
	if p.Column != "" {
		fmt.Fprintf(&b, "column %s: ", p.Column)
	}
	b.WriteString(p.Msg)
	return b.String()
}

// Errors is every problem found in a roster import. When Parse or Import
// return it, nothing was imported.
type Errors []Problem

// Error lists the problems, one a line.
func (e Errors) Error() string {
	lines := make([]string, len(e))
	for i, p := range e {
		lines[i] = p.String()
	}
	return strings.Join(lines, "\n")
}
