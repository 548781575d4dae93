package export

import (
	"bytes"
	"encoding/json"
	"fmt"
	"io"
)

// Render writes the report in a format.
func Render(r Report, f Format) ([]byte, error) {
	var buf bytes.Buffer
	var err error
	switch f {
	case FormatText, "":
		err = Text(&buf, r)
	case FormatJSON:
		err = JSON(&buf, r)
	case FormatCSV:
		err = CSV(&buf, r)
	default:
		return nil, fmt.Errorf("unknown export format %q", f)
	}
	if err != nil {
		return nil, fmt.Errorf("rendering the %s export: %w", f, err)
	}
	return buf.Bytes(), nil
}

// JSON writes the report as one indented JSON document whose field names
// are Report's json tags.
func JSON(w io.Writer, r Report) error {
	enc := json.NewEncoder(w)
	enc.SetIndent("", "  ")
	enc.SetEscapeHTML(false)
	if err := enc.Encode(r); err != nil {
		return fmt.Errorf("encoding JSON: %w", err)
	}
	return nil
}
