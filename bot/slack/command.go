package slack

import (
	"context"
	"encoding/json"
	"errors"
	"maps"
	"net/http"
	"net/url"
	"strings"
	"unicode"

	slackapi "github.com/slack-go/slack"

	"parabot/bot"
	"parabot/storage"
)

// Umbrella is the one slash command that reaches every command, for
// workspaces that limit command names: "/para trial S101 G2 + +",
// "/para help". Alone it shows the help.
const Umbrella = "para"

// serveCommands answers POST /slack/commands.
func (a *Adapter) serveCommands(w http.ResponseWriter, r *http.Request) {
	body, ok := a.readBody(w, r)
	if !ok {
		return
	}
	form, err := url.ParseQuery(string(body))
	if err != nil {
		http.Error(w, "bad form", http.StatusBadRequest)
		return
	}
	if form.Get("ssl_check") == "1" {
		// Slack checking the certificate: it sends this unsigned, and
		// only wants a 200. Nothing is read from it or stored.
		w.WriteHeader(http.StatusOK)
		return
	}
	if !a.verifiedBody(w, r, body) {
		return
	}
	sc := slashFromForm(form)
	// The request's key goes with it to the store: a replay logs nothing.
	writeJSON(w, a.slash(storage.WithOnce(r.Context(), slashKey(r, sc)), sc))
}

// AlreadyHandled is the answer to a replayed or redelivered command.
const AlreadyHandled = bot.AlreadyHandled

// requestKey is the one-time key of a signed HTTP request: its timestamp
// and signature. Slack never retries a slash command or a form
// submission, so the same pair again is a replay within the signature's
// 5 minutes; the store claims it with the entry it logs.
func requestKey(r *http.Request) string {
	return "slack:req:" + r.Header.Get("X-Slack-Request-Timestamp") + ":" + r.Header.Get("X-Slack-Signature")
}

// slashKey is the one-time key of a slash command: its trigger_id, which
// Slack makes new for every command a user sends, so the same command
// signed again later is still the same command. Without a trigger_id it
// is the request's key.
func slashKey(r *http.Request, sc slackapi.SlashCommand) string {
	if sc.TriggerID != "" {
		return "slack:trigger:" + sc.TriggerID
	}
	return requestKey(r)
}

// submissionKey is the one-time key of a form submission: the view's id
// and hash, which change whenever the form does, so the same submission
// signed again later is still the same submission.
func submissionKey(r *http.Request, ic slackapi.InteractionCallback) string {
	if ic.View.ID != "" && ic.View.Hash != "" {
		return "slack:view:" + ic.View.ID + ":" + ic.View.Hash
	}
	return requestKey(r)
}

func slashFromForm(f url.Values) slackapi.SlashCommand {
	return slackapi.SlashCommand{
		TeamID:      f.Get("team_id"),
		ChannelID:   f.Get("channel_id"),
		UserID:      f.Get("user_id"),
		Command:     f.Get("command"),
		Text:        f.Get("text"),
		ResponseURL: f.Get("response_url"),
		TriggerID:   f.Get("trigger_id"),
		APIAppID:    f.Get("api_app_id"),
	}
}

// slashUnescaper undoes the escaping Slack applies to a slash command's
// text (&, < and > arrive as entities).
var slashUnescaper = strings.NewReplacer("&lt;", "<", "&gt;", ">", "&amp;", "&")

// commandOf splits a slash command into the bot command and its text; the
// umbrella command's first word names the command.
func commandOf(slash, text string) (name, rest string) {
	name = strings.ToLower(strings.TrimPrefix(strings.TrimSpace(slash), "/"))
	rest = strings.TrimSpace(slashUnescaper.Replace(text))
	if name == Umbrella {
		name = rest
		if i := strings.IndexFunc(rest, unicode.IsSpace); i >= 0 {
			name, rest = rest[:i], strings.TrimSpace(rest[i:])
		} else {
			rest = ""
		}
		name = strings.ToLower(strings.TrimPrefix(name, "/"))
		if name == "" {
			name = "help"
		}
	}
	return name, rest
}

// slash handles one slash command and returns the body to answer with
// (nil for an empty acknowledgement). With text, the command runs now and
// its reply is the answer; without text, a command with required
// parameters opens its form. A reply not ready within the ack budget is
// sent through the response_url when it is.
func (a *Adapter) slash(ctx context.Context, sc slackapi.SlashCommand) any {
	name, text := commandOf(sc.Command, sc.Text)
	req := bot.Request{Platform: storage.PlatformSlack, UserID: sc.UserID, ChannelID: sc.ChannelID, Command: name, Text: text}
	work := func(ctx context.Context) bot.Reply { return a.withFiles(ctx, sc.UserID, a.router.Handle(ctx, req)) }
	if cmd, ok := a.router.Command(name); ok && text == "" && needsForm(cmd) {
		work = func(ctx context.Context) bot.Reply {
			r, _ := a.openForm(ctx, cmd, req, nil, sc.TriggerID, sc.ResponseURL)
			return r // zero when the form is opening
		}
	}
	reply, ok := a.inTime(ctx, work, func(ctx context.Context, r bot.Reply) {
		if !isZero(r) {
			a.respond(ctx, sc.ResponseURL, ephemeral(r))
		}
	})
	if !ok || isZero(reply) {
		return nil
	}
	return ephemeral(reply)
}

// isZero reports whether r says nothing at all.
func isZero(r bot.Reply) bool {
	return r.Text == "" && len(r.Fields) == 0 && r.Context == "" && len(r.Buttons) == 0
}

// openForm opens the form of cmd for the user behind req (views.open,
// after the acknowledgement: a trigger lives 3 seconds), values filled in
// (nil for none). When the user may not run the command it returns the
// core's refusal to answer with.
func (a *Adapter) openForm(ctx context.Context, cmd *bot.Command, req bot.Request, values map[string]string, triggerID, responseURL string) (bot.Reply, bool) {
	st, err := a.router.Identify(ctx, req.Platform, req.UserID, req.Email)
	if err != nil {
		return a.failed("identifying slack user", err), true
	}
	if !cmd.Allowed(st.Role) {
		return a.router.Handle(ctx, req), true // the core's refusal, nothing is parsed
	}
	meta := formMeta{Command: cmd.Name, Channel: req.ChannelID}
	values = maps.Clone(values)
	if values == nil {
		values = map[string]string{}
	}
	view, err := a.form(ctx, cmd, req, meta, values, "")
	if err != nil {
		return a.failed("building slack form", err), true
	}
	a.background(ctx, func(ctx context.Context) {
		ctx, cancel := context.WithTimeout(ctx, callTimeout)
		defer cancel()
		if _, err := a.api.OpenViewContext(ctx, triggerID, view); err != nil {
			a.log.Error("opening slack form", "command", cmd.Name, "user_id", req.UserID, "error", err)
			if responseURL != "" {
				a.respond(ctx, responseURL, ephemeral(bot.Reply{Text: bot.SomethingWentWrong, IsError: true}))
			}
		}
	})
	return bot.Reply{}, false
}

// form builds the form of cmd with the choices the core offers this user:
// their caseload, the chosen student's goals, prompt levels. When the
// caseload has exactly one student, that student is chosen already; when
// it is empty and a student is required, it returns a UserError saying so
// instead of a form nobody could submit.
func (a *Adapter) form(ctx context.Context, cmd *bot.Command, req bot.Request, meta formMeta, values map[string]string, banner string) (slackapi.ModalViewRequest, error) {
	choices := map[string][]bot.Choice{}
	req.Command, req.Text = cmd.Name, ""
	for _, p := range cmd.Params {
		if p.Kind != bot.KindStudent && p.Kind != bot.KindPrompt {
			continue
		}
		cs, err := a.router.Complete(ctx, req, p.Name, "")
		if err != nil {
			return slackapi.ModalViewRequest{}, err
		}
		choices[p.Name] = cs
		if p.Kind == bot.KindStudent && p.Required && len(cs) == 0 {
			// A form that cannot be submitted is not opened.
			return slackapi.ModalViewRequest{}, bot.Errorf(p.Name, "%s", NoStudents)
		}
		if p.Kind == bot.KindStudent && len(cs) == 1 && values[p.Name] == "" {
			values[p.Name] = cs[0].Value
		}
	}
	if student := values["student"]; student != "" {
		for _, p := range cmd.Params {
			if p.Kind != bot.KindGoal {
				continue
			}
			req.Args = map[string]string{"student": student}
			cs, err := a.router.Complete(ctx, req, p.Name, "")
			if err != nil {
				return slackapi.ModalViewRequest{}, err
			}
			choices[p.Name] = cs
		}
	}
	if values["student"] != "" && values["goal"] != "" {
		for _, p := range cmd.Params {
			if p.Kind != bot.KindValues {
				continue
			}
			// The values field follows the chosen goal's type.
			req.Args = map[string]string{"student": values["student"], "goal": values["goal"]}
			cs, err := a.router.Complete(ctx, req, p.Name, "")
			if err != nil {
				return slackapi.ModalViewRequest{}, err
			}
			choices[p.Name] = cs
		}
	}
	return buildForm(cmd, meta, values, choices, banner), nil
}

// respond posts a message through a response_url, after the
// acknowledgement. Only Slack's own URLs (or the configured API server's)
// are called.
func (a *Adapter) respond(ctx context.Context, responseURL string, m message) {
	if !a.trustedURL(responseURL) {
		a.log.Warn("not answering through an untrusted response_url")
		return
	}
	body, err := json.Marshal(m)
	if err != nil {
		a.log.Error("encoding slack response", "error", err)
		return
	}
	ctx, cancel := context.WithTimeout(ctx, callTimeout)
	defer cancel()
	req, err := http.NewRequestWithContext(ctx, http.MethodPost, responseURL, strings.NewReader(string(body)))
	if err != nil {
		a.log.Error("building slack response", "error", err)
		return
	}
	req.Header.Set("Content-Type", "application/json")
	resp, err := a.http.Do(req)
	if err != nil {
		// The URL itself is a credential for the reply: keep it out of the log.
		var ue *url.Error
		if errors.As(err, &ue) {
			err = ue.Err
		}
		a.log.Error("answering through response_url", "error", err)
		return
	}
	resp.Body.Close()
	if resp.StatusCode != http.StatusOK {
		a.log.Error("answering through response_url", "status", resp.StatusCode)
	}
}

// trustedURL reports whether u is an https URL of Slack's, or on the host
// of the configured API URL (a proxy, or a test server).
func (a *Adapter) trustedURL(raw string) bool {
	u, err := url.Parse(raw)
	if err != nil || u.Host == "" {
		return false
	}
	if u.Scheme == a.apiURL.Scheme && u.Host == a.apiURL.Host {
		return true
	}
	host := u.Hostname()
	return u.Scheme == "https" && (host == "slack.com" || strings.HasSuffix(host, ".slack.com"))
}

// writeJSON answers with v as JSON, or with an empty 200 when v is nil.
func writeJSON(w http.ResponseWriter, v any) {
	if v == nil {
		w.WriteHeader(http.StatusOK)
		return
	}
	w.Header().Set("Content-Type", "application/json")
	_ = json.NewEncoder(w).Encode(v)
}
