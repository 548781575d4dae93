package discord

import (
	"encoding/json"
	"fmt"
	"io"
	"mime"
	"mime/multipart"
	"strings"
	"testing"
)

// sentFile is a file part of a multipart request.
type sentFile struct {
	Field, Name, Type string
	Data              []byte
}

// multipartOf splits a multipart request into its payload_json and its
// files; ok is false when the request is not multipart.
func multipartOf(r request) (payload map[string]any, files []sentFile, ok bool, err error) {
	mt, params, _ := mime.ParseMediaType(r.Type)
	if mt != "multipart/form-data" {
		return nil, nil, false, nil
	}
	mr := multipart.NewReader(strings.NewReader(string(r.Body)), params["boundary"])
	for {
		p, err := mr.NextPart()
		if err == io.EOF {
			break
		}
		if err != nil {
			return nil, nil, true, err
		}
		data, _ := io.ReadAll(p)
		if p.FormName() == "payload_json" {
			if err := json.Unmarshal(data, &payload); err != nil {
				return nil, nil, true, fmt.Errorf("payload_json: %w", err)
			}
			continue
		}
		files = append(files, sentFile{Field: p.FormName(), Name: p.FileName(), Type: p.Header.Get("Content-Type"), Data: data})
	}
	return payload, files, true, nil
}

// badMultipart says what Discord would refuse in a multipart request
// ("" for a good one, or one that is not multipart): a missing
// payload_json, or a file part "files[n]" with no attachment of id n and
// the same file name.
func badMultipart(r request) string {
	payload, files, ok, err := multipartOf(r)
	if !ok {
		return ""
	}
	if err != nil {
		return "Invalid Form Body: " + err.Error()
	}
	if payload == nil {
		return "Invalid Form Body: no payload_json"
	}
	atts, _ := payload["attachments"].([]any)
	if len(atts) != len(files) {
		return fmt.Sprintf("Invalid Form Body: %d attachments for %d files", len(atts), len(files))
	}
	for _, f := range files {
		found := false
		for _, a := range atts {
			m, _ := a.(map[string]any)
			if id, _ := m["id"].(float64); fmt.Sprintf("files[%d]", int(id)) == f.Field && m["filename"] == f.Name {
				found = true
			}
		}
		if !found || len(f.Data) == 0 {
			return "Invalid Form Body: no attachment for " + f.Field
		}
	}
	return ""
}

// filesOf returns the files of a request the fake answered, failing the
// test when it is not multipart.
func filesOf(t *testing.T, r request) (map[string]any, []sentFile) {
	t.Helper()
	payload, files, ok, err := multipartOf(r)
	if !ok || err != nil {
		t.Fatalf("%s %s: not a multipart request with files (%s): %v", r.Method, r.Path, r.Type, err)
	}
	return payload, files
}
