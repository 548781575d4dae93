package slack

import (
	"context"
	"encoding/json"
	"maps"
	"net/http"
	"net/url"
	"strings"

	slackapi "github.com/slack-go/slack"

	"parabot/bot"
	"parabot/storage"
)

// openPrefix starts the action_id of a button that opens a command's
// form, "open:<command>" (on the Home tab).
const openPrefix = "open:"

// serveInteractions answers POST /slack/interactions: buttons, form
// submissions and option searches.
func (a *Adapter) serveInteractions(w http.ResponseWriter, r *http.Request) {
	body, ok := a.verified(w, r)
	if !ok {
		return
	}
	form, err := url.ParseQuery(string(body))
	if err != nil {
		http.Error(w, "bad form", http.StatusBadRequest)
		return
	}
	var ic slackapi.InteractionCallback
	if err := json.Unmarshal([]byte(form.Get("payload")), &ic); err != nil {
		http.Error(w, "bad payload", http.StatusBadRequest)
		return
	}
	if ic.Type != slackapi.InteractionTypeViewSubmission {
		writeJSON(w, a.interaction(r.Context(), ic)) // buttons are claimed per press
		return
	}
	writeJSON(w, a.interaction(storage.WithOnce(r.Context(), submissionKey(r, ic)), ic))
}

// interaction handles one interaction payload and returns the body to
// answer with (nil for an empty acknowledgement).
func (a *Adapter) interaction(ctx context.Context, ic slackapi.InteractionCallback) any {
	switch ic.Type {
	case slackapi.InteractionTypeBlockActions:
		for _, act := range ic.ActionCallback.BlockActions {
			a.blockAction(ctx, ic, act)
		}
		return nil
	case slackapi.InteractionTypeViewSubmission:
		return a.submit(ctx, ic)
	case slackapi.InteractionTypeBlockSuggestion:
		return a.suggest(ctx, ic)
	}
	return nil
}

func (a *Adapter) blockAction(ctx context.Context, ic slackapi.InteractionCallback, act *slackapi.BlockAction) {
	if action, ok := pressAction(act.ActionID); ok {
		a.press(ctx, ic, action, act)
		return
	}
	if name, ok := strings.CutPrefix(act.ActionID, openPrefix); ok {
		cmd, ok := a.router.Command(name)
		if !ok {
			return
		}
		req := bot.Request{Platform: storage.PlatformSlack, UserID: ic.User.ID, Command: cmd.Name}
		a.background(ctx, func(ctx context.Context) {
			if r, answered := a.openForm(ctx, cmd, req, nil, ic.TriggerID, ""); answered {
				// A Home tab button has no reply of its own: say why by direct message.
				a.log.Info("slack form not opened", "command", cmd.Name, "user_id", ic.User.ID, "is_error", r.IsError)
				if err := a.SendDM(ctx, ic.User.ID, r); err != nil {
					a.log.Error("sending why a slack form was not opened", "command", cmd.Name, "user_id", ic.User.ID, "error", err)
				}
			}
		})
		return
	}
	if ic.View.CallbackID == formCallback {
		a.redrawForm(ctx, ic, act)
	}
}

// press runs the core's action behind a button, once per button, message
// and user: a double click is acted on once. The reply replaces the
// message (or the view) the button was on; an error is shown beside it.
func (a *Adapter) press(ctx context.Context, ic slackapi.InteractionCallback, action string, act *slackapi.BlockAction) {
	where := ic.Container.MessageTs
	if where == "" {
		where = ic.Container.ViewID
	}
	if where == "" {
		where = ic.View.ID
	}
	if where == "" {
		where = ic.TriggerID
	}
	key := "slack:action:" + where + ":" + ic.User.ID + ":" + act.ActionID + ":" + act.Value
	first, err := a.store.Claim(ctx, key, a.now())
	if err != nil {
		a.log.Error("claiming slack action", "action", action, "error", err)
		a.background(ctx, func(ctx context.Context) {
			a.deliverPress(ctx, ic, bot.Reply{Text: bot.SomethingWentWrong, IsError: true})
		})
		return
	}
	if !first {
		a.log.Info("slack action already handled", "action", action, "user_id", ic.User.ID)
		return
	}
	p := bot.Press{Platform: storage.PlatformSlack, UserID: ic.User.ID, Action: action, Value: act.Value}
	run := func(ctx context.Context) bot.Reply {
		r := a.withFiles(ctx, ic.User.ID, a.router.HandlePress(ctx, p))
		if r.IsError {
			// Nothing was done: let the button be pressed again.
			if err := a.store.Release(ctx, key); err != nil {
				a.log.Error("releasing slack action", "action", action, "error", err)
			}
		}
		return r
	}
	deliver := func(ctx context.Context, r bot.Reply) { a.deliverPress(ctx, ic, r) }
	if r, ok := a.inTime(ctx, run, deliver); ok {
		a.background(ctx, func(ctx context.Context) { deliver(ctx, r) })
	}
}

// deliverPress shows the reply to a press where the button was: in the
// modal (views.update); replacing an ephemeral message (response_url);
// beside a message others see too, as an ephemeral message, since
// replies are private; by direct message from the Home tab.
func (a *Adapter) deliverPress(ctx context.Context, ic slackapi.InteractionCallback, r bot.Reply) {
	if r.Form != nil && !r.IsError && ic.TriggerID != "" && a.pressForm(ctx, ic, *r.Form) {
		return
	}
	switch {
	case ic.View.Type == slackapi.VTHomeTab:
		if err := a.SendDM(ctx, ic.User.ID, r); err != nil {
			a.log.Error("sending reply to a home tab button", "user_id", ic.User.ID, "error", err)
		}
	case ic.Container.Type == "view" || (ic.View.ID != "" && ic.ResponseURL == ""):
		meta, _ := parseMeta(ic.View.PrivateMetadata)
		name := meta.Command
		if name == "" {
			name = "parabot"
		}
		ctx, cancel := context.WithTimeout(ctx, callTimeout)
		defer cancel()
		if _, err := a.api.UpdateViewContext(ctx, resultView(name, meta, r), "", "", ic.View.ID); err != nil {
			a.log.Error("updating slack view", "error", err)
		}
	default:
		m := ephemeral(r)
		m.ReplaceOriginal = ic.Container.IsEphemeral && !r.IsError
		a.respond(ctx, ic.ResponseURL, m)
	}
}

// redrawForm redraws a form when a field it depends on changed: choosing
// a student fills the goal field with that student's goals, and choosing
// a goal shapes the values field by the goal's type, and answering yes
// to restraint or seclusion opens the fields of its record.
func (a *Adapter) redrawForm(ctx context.Context, ic slackapi.InteractionCallback, act *slackapi.BlockAction) {
	meta, ok := parseMeta(ic.View.PrivateMetadata)
	if !ok {
		return
	}
	cmd, ok := a.router.Command(meta.Command)
	if !ok {
		return
	}
	if p, ok := cmd.Param(act.ActionID); !ok || (p.Kind != bot.KindStudent && (p.Kind != bot.KindGoal || !hasValues(cmd)) &&
		!cmd.OpensSection(p.Name)) {
		return
	}
	values := formValues(cmd, ic.View.State)
	req := bot.Request{Platform: storage.PlatformSlack, UserID: ic.User.ID, ChannelID: meta.Channel, Command: cmd.Name}
	viewID, hash := ic.View.ID, ic.View.Hash
	a.background(ctx, func(ctx context.Context) {
		view, err := a.form(ctx, cmd, req, meta, values, "")
		if err != nil {
			a.log.Error("redrawing slack form", "command", cmd.Name, "error", err)
			return
		}
		ctx, cancel := context.WithTimeout(ctx, callTimeout)
		defer cancel()
		if _, err := a.api.UpdateViewContext(ctx, view, "", hash, viewID); err != nil {
			a.log.Warn("redrawing slack form", "command", cmd.Name, "error", err)
		}
	})
}

// submit handles a form's submission: the command runs on the form's
// values; an error on a field is shown on that field, another error above
// the form, and success replaces the form with the reply. Nothing is
// stored unless the whole form is valid.
func (a *Adapter) submit(ctx context.Context, ic slackapi.InteractionCallback) any {
	if ic.View.CallbackID != formCallback {
		return nil
	}
	meta, ok := parseMeta(ic.View.PrivateMetadata)
	if !ok {
		return nil
	}
	cmd, ok := a.router.Command(meta.Command)
	if !ok {
		return nil
	}
	values := formValues(cmd, ic.View.State)
	req := bot.Request{Platform: storage.PlatformSlack, UserID: ic.User.ID, ChannelID: meta.Channel, Command: cmd.Name, Args: values}
	reply, ok := a.inTime(ctx,
		func(ctx context.Context) bot.Reply { return a.withFiles(ctx, ic.User.ID, a.router.Handle(ctx, req)) },
		func(ctx context.Context, r bot.Reply) {
			// The form has closed by now: the answer goes by direct message.
			if err := a.SendDM(ctx, ic.User.ID, r); err != nil {
				a.log.Error("sending late form reply", "command", cmd.Name, "error", err)
			}
		})
	if !ok {
		return nil
	}
	if reply.IsError {
		if hasInput(ic.View, reply.Param) {
			return slackapi.NewErrorsViewSubmissionResponse(map[string]string{reply.Param: fieldError(reply.Text)})
		}
		view, err := a.form(ctx, cmd, req, meta, values, reply.Text)
		if err != nil {
			a.log.Error("redrawing slack form", "command", cmd.Name, "error", err)
			return slackapi.NewUpdateViewSubmissionResponse(ptr(resultView(cmd.Name, meta, reply)))
		}
		return slackapi.NewUpdateViewSubmissionResponse(&view)
	}
	return slackapi.NewUpdateViewSubmissionResponse(ptr(resultView(cmd.Name, meta, reply)))
}

// suggest answers an option search of an external select (a long
// caseload) from the core's completions.
func (a *Adapter) suggest(ctx context.Context, ic slackapi.InteractionCallback) any {
	type options struct {
		Options []*slackapi.OptionBlockObject `json:"options"`
	}
	out := options{Options: []*slackapi.OptionBlockObject{}}
	meta, ok := parseMeta(ic.View.PrivateMetadata)
	if !ok {
		return out
	}
	cmd, ok := a.router.Command(meta.Command)
	if !ok {
		return out
	}
	req := bot.Request{Platform: storage.PlatformSlack, UserID: ic.User.ID, Command: cmd.Name, Args: formValues(cmd, ic.View.State)}
	choices, err := a.router.Complete(ctx, req, ic.ActionID, ic.Value)
	if err != nil {
		a.log.Error("completing slack options", "command", cmd.Name, "error", err)
		return out
	}
	for _, c := range choices {
		out.Options = append(out.Options, option(c))
	}
	return out
}

func ptr[T any](v T) *T { return &v }

// hasValues reports whether cmd takes a goal's values (its form is
// redrawn when the goal changes).
func hasValues(cmd *bot.Command) bool {
	for _, p := range cmd.Params {
		if p.Kind == bot.KindValues {
			return true
		}
	}
	return false
}

// pressForm opens the form a press's reply asks for (a data reminder's
// student button opens the /trial form for that student) with the press's
// trigger. It reports whether the form opened; when it did not, the
// reply's text is shown instead.
func (a *Adapter) pressForm(ctx context.Context, ic slackapi.InteractionCallback, f bot.Form) bool {
	cmd, ok := a.router.Command(f.Command)
	if !ok {
		return false
	}
	req := bot.Request{Platform: storage.PlatformSlack, UserID: ic.User.ID, ChannelID: ic.Channel.ID, Command: cmd.Name}
	st, err := a.router.Identify(ctx, req.Platform, req.UserID, req.Email)
	if err != nil || !cmd.Allowed(st.Role) {
		return false
	}
	view, err := a.form(ctx, cmd, req, formMeta{Command: cmd.Name, Channel: req.ChannelID}, maps.Clone(f.Values), "")
	if err != nil {
		a.log.Warn("building slack form of a press", "command", cmd.Name, "user_id", ic.User.ID, "error", err)
		return false
	}
	ctx, cancel := context.WithTimeout(ctx, callTimeout)
	defer cancel()
	if _, err := a.api.OpenViewContext(ctx, ic.TriggerID, view); err != nil {
		a.log.Warn("opening slack form of a press", "command", cmd.Name, "user_id", ic.User.ID, "error", err)
		return false
	}
	return true
}
