package bot

import "parabot/storage"

// TextCleaned tells the user that what they typed was changed before it
// was used.
const TextCleaned = "Note: what you typed held characters that cannot be stored (control characters or invalid bytes); they were removed or replaced."

// cleanRequest cleans every string of req with storage.CleanText, so no
// engine ever sees NUL, control characters or invalid UTF-8. changed
// reports whether the text or arguments the user typed were changed.
func cleanRequest(req Request) (Request, bool) {
	req.UserID = clean(req.UserID)
	req.Email = clean(req.Email)
	req.ChannelID = clean(req.ChannelID)
	req.Command = clean(req.Command)
	var changed bool
	req.Text, changed = storage.CleanText(req.Text)
	if req.Args != nil {
		args := make(map[string]string, len(req.Args))
		for k, v := range req.Args {
			cv, c := storage.CleanText(v)
			args[clean(k)] = cv
			changed = changed || c
		}
		req.Args = args
	}
	return req, changed
}

// cleanPress cleans every string of a button press.
func cleanPress(p Press) Press {
	p.UserID = clean(p.UserID)
	p.Email = clean(p.Email)
	p.Action = clean(p.Action)
	p.Value = clean(p.Value)
	return p
}

func clean(s string) string {
	c, _ := storage.CleanText(s)
	return c
}
