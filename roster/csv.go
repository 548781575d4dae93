package roster

import (
	"bytes"
	"encoding/csv"
	"errors"
	"fmt"
	"io"
	"io/fs"
	"strings"
	"unicode"
	"unicode/utf8"
)

// Limits that keep a mistaken upload (a spreadsheet of the whole district,
// a binary file) from being read into memory.
const (
	maxFileSize = 10 << 20
	maxRows     = 50000
)

// column describes one column of a roster file.
type column struct {
	name     string
	required bool // the header must have it and every row must fill it
	max      int  // the longest value allowed, in characters
}

// fileSpec is one roster file: its name and its columns.
type fileSpec struct {
	name    string
	columns []column
}

func (s fileSpec) column(name string) (column, bool) {
	for _, c := range s.columns {
		if c.name == name {
			return c, true
		}
	}
	return column{}, false
}

func (s fileSpec) names(requiredOnly bool) string {
	var out []string
	for _, c := range s.columns {
		if c.required || !requiredOnly {
			out = append(out, c.name)
		}
	}
	return strings.Join(out, ", ")
}

// row is one data row of a roster file. Values are trimmed; a value that
// was already reported as bad (too long, not UTF-8) reads as empty, so the
// checks that follow skip it instead of reporting it twice.
type row struct {
	p    *parser
	file string
	line int
	vals map[string]string
}

// get returns the value of a column, "" when the header lacks it.
func (r row) get(col string) string { return r.vals[col] }

// problem reports a problem with this row, in column col ("" for the row).
func (r row) problem(col, format string, args ...any) {
	r.p.add(r.file, r.line, col, fmt.Sprintf(format, args...))
}

// readFile reads one roster file into rows, reporting problems with the
// header and with each value's shape (encoding, length, required). present
// is false when the import has no such file. The error is for failures to
// read, not for problems in the content.
func (p *parser) readFile(spec fileSpec) (rows []row, present bool, err error) {
	data, err := readLimited(p.fsys, spec.name)
	if errors.Is(err, fs.ErrNotExist) {
		return nil, false, nil
	}
	if errors.Is(err, errTooBig) {
		p.add(spec.name, 0, "", fmt.Sprintf("is larger than %d MiB; split it or remove what is not roster data", maxFileSize>>20))
		p.broken[spec.name] = true
		return nil, true, nil
	}
	if err != nil {
		return nil, true, fmt.Errorf("read %s: %w", spec.name, err)
	}
	data = bytes.TrimPrefix(data, []byte("\xef\xbb\xbf")) // spreadsheet programs write a byte-order mark

	r := csv.NewReader(bytes.NewReader(data))
	r.FieldsPerRecord = -1 // a row of the wrong width is reported, not fatal
	header, err := r.Read()
	if errors.Is(err, io.EOF) {
		p.add(spec.name, 1, "", fmt.Sprintf("is empty; the first line must be a header naming the columns, for example: %s", spec.names(true)))
		p.broken[spec.name] = true
		return nil, true, nil
	}
	if err != nil {
		p.csvError(spec.name, err)
		return nil, true, nil
	}
	cols, ok := p.header(spec, header)
	if !ok {
		p.broken[spec.name] = true
	}

	for {
		rec, err := r.Read()
		if errors.Is(err, io.EOF) {
			break
		}
		if err != nil {
			p.csvError(spec.name, err)
			break
		}
		line, _ := r.FieldPos(0)
		if len(rows) == maxRows {
			p.add(spec.name, line, "", fmt.Sprintf("is past the limit of %d rows; split the file", maxRows))
			p.broken[spec.name] = true
			break
		}
		if len(rec) != len(header) {
			p.add(spec.name, line, "", fmt.Sprintf("has %d values; the header has %d columns", len(rec), len(header)))
			continue
		}
		rw := row{p: p, file: spec.name, line: line, vals: make(map[string]string, len(cols))}
		for i, c := range cols {
			if c.name == "" {
				continue // a header problem, already reported
			}
			v, ok := rw.clean(c, rec[i])
			if ok && v == "" && c.required {
				rw.problem(c.name, "is required, but empty")
			}
			rw.vals[c.name] = v
		}
		rows = append(rows, rw)
	}
	return rows, true, nil
}

// clean trims a value and checks its encoding and length. ok is false
// when it reported a problem.
func (r row) clean(c column, v string) (_ string, ok bool) {
	v = strings.TrimSpace(v)
	switch {
	case !utf8.ValidString(v):
		r.problem(c.name, "is not valid UTF-8 text; save the file as \"CSV UTF-8\"")
	case strings.IndexFunc(v, unicode.IsControl) >= 0:
		r.problem(c.name, "contains a line break or another control character; keep each value on one line")
	case utf8.RuneCountInString(v) > c.max:
		r.problem(c.name, "is %d characters long; the limit is %d", utf8.RuneCountInString(v), c.max)
	default:
		return v, true
	}
	r.badKey(v)
	return "", false
}

// header maps the header's names to the spec's columns. An unnamed,
// unknown or repeated column maps to the zero column. ok is false when a
// required column is missing, so that other files' references into this
// one are not checked against rows that cannot name anything.
func (p *parser) header(spec fileSpec, header []string) (cols []column, ok bool) {
	ok = true
	cols = make([]column, len(header))
	seen := make(map[string]bool, len(header))
	for i, h := range header {
		name := headerName(h)
		c, known := spec.column(name)
		switch {
		case name == "":
			p.add(spec.name, 1, "", fmt.Sprintf("column %d of the header has no name; name it or delete the column", i+1))
		case !utf8.ValidString(h) || strings.IndexFunc(h, unicode.IsControl) >= 0:
			p.add(spec.name, 1, "", fmt.Sprintf("column %d of the header is not plain text; save the file as \"CSV UTF-8\"", i+1))
		case !known:
			p.add(spec.name, 1, name, fmt.Sprintf("is not a column of %s; its columns are %s", spec.name, spec.names(false)))
		case seen[name]:
			p.add(spec.name, 1, name, "appears twice in the header")
		default:
			seen[name] = true
			cols[i] = c
		}
	}
	for _, c := range spec.columns {
		if c.required && !seen[c.name] {
			p.add(spec.name, 1, c.name, fmt.Sprintf("is missing from the header; %s needs the columns %s", spec.name, spec.names(true)))
			ok = false
		}
	}
	return cols, ok
}

// headerName reads a header cell leniently: "First Name" is first_name.
func headerName(h string) string {
	h = strings.ToLower(strings.TrimSpace(h))
	return strings.Map(func(r rune) rune {
		if r == ' ' || r == '-' {
			return '_'
		}
		return r
	}, h)
}

// csvError reports a syntax error; the rest of the file cannot be read.
func (p *parser) csvError(file string, err error) {
	p.broken[file] = true
	var pe *csv.ParseError
	if errors.As(err, &pe) {
		p.add(file, pe.Line, "", fmt.Sprintf("is not valid CSV (%v at character %d); the rest of the file was not read", pe.Err, pe.Column))
		return
	}
	p.add(file, 0, "", fmt.Sprintf("is not valid CSV (%v)", err))
}

var errTooBig = errors.New("file too big")

// readLimited reads a file of fsys, refusing one larger than maxFileSize.
func readLimited(fsys fs.FS, name string) ([]byte, error) {
	f, err := fsys.Open(name)
	if err != nil {
		return nil, err
	}
	defer f.Close()
	data, err := io.ReadAll(io.LimitReader(f, maxFileSize+1))
	if err != nil {
		return nil, err
	}
	if len(data) > maxFileSize {
		return nil, errTooBig
	}
	return data, nil
}
