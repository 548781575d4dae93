package slack

import (
	"encoding/json"
	"fmt"
	"io"
	"net/http"
	"strconv"
)

// upload is a file posted to an upload URL of the fake, and where
// files.completeUploadExternal shared it.
type upload struct {
	Name    string
	Length  int // as announced to files.getUploadURLExternal
	Data    []byte
	Channel string // set when completed
}

// files answers the two Web API methods of Slack's upload flow as Slack
// does: an upload URL and file id for an announced name and length, then
// completing files that were uploaded, shared in channel_id.
func (f *fakeSlack) files(w http.ResponseWriter, c apiCall) {
	f.mu.Lock()
	defer f.mu.Unlock()
	switch c.Method {
	case "files.getUploadURLExternal":
		n, err := strconv.Atoi(c.Form.Get("length"))
		if c.Form.Get("filename") == "" || err != nil || n <= 0 {
			writeAPI(w, map[string]any{"ok": false, "error": "invalid_arguments"})
			return
		}
		id := fmt.Sprintf("F%04d", len(f.uploads)+1)
		f.uploads[id] = upload{Name: c.Form.Get("filename"), Length: n}
		writeAPI(w, map[string]any{"ok": true, "upload_url": f.srv.URL + "/upload/" + id, "file_id": id})
	case "files.completeUploadExternal":
		var files []struct {
			ID    string `json:"id"`
			Title string `json:"title"`
		}
		if err := json.Unmarshal([]byte(c.Form.Get("files")), &files); err != nil || len(files) == 0 {
			writeAPI(w, map[string]any{"ok": false, "error": "invalid_arguments"})
			return
		}
		var out []map[string]any
		for _, file := range files {
			u, ok := f.uploads[file.ID]
			if !ok || len(u.Data) != u.Length {
				writeAPI(w, map[string]any{"ok": false, "error": "file_not_found"})
				return
			}
			u.Channel = c.Form.Get("channel_id")
			f.uploads[file.ID] = u
			out = append(out, map[string]any{"id": file.ID, "title": file.Title})
		}
		writeAPI(w, map[string]any{"ok": true, "files": out})
	}
}

// serveUpload takes a file's bytes, posted as multipart form field "file".
func (f *fakeSlack) serveUpload(w http.ResponseWriter, r *http.Request) {
	file, _, err := r.FormFile("file")
	if err != nil {
		f.t.Errorf("fake slack: upload without a file field: %v", err)
		http.Error(w, "no file", http.StatusBadRequest)
		return
	}
	data, _ := io.ReadAll(file)
	f.mu.Lock()
	defer f.mu.Unlock()
	u, ok := f.uploads[r.PathValue("id")]
	if !ok {
		http.Error(w, "unknown upload", http.StatusNotFound)
		return
	}
	u.Data = data
	f.uploads[r.PathValue("id")] = u
	w.Write([]byte("OK - " + strconv.Itoa(len(data))))
}

// shared lists the completed uploads by file id.
func (f *fakeSlack) shared() map[string]upload {
	f.mu.Lock()
	defer f.mu.Unlock()
	out := map[string]upload{}
	for id, u := range f.uploads {
		if u.Channel != "" {
			out[id] = u
		}
	}
	return out
}
