package discord

import (
	"context"
	"crypto/ed25519"
	"encoding/hex"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"net/http"
	"net/url"
	"strconv"
	"strings"
	"time"

	"github.com/bwmarrin/discordgo"

	"parabot/bot"
	"parabot/storage"
)

// completeTimeout bounds an autocomplete answer, counted from the
// interaction's arrival: Discord shows nothing after 3 seconds,
// autocomplete cannot be deferred, and on the gateway the answer still
// has to travel back as a callback.
const completeTimeout = 2 * time.Second

// codeUnknownWebhook is Discord's error code for an interaction token it
// does not know (yet): an edit that overtook the deferred answer.
const codeUnknownWebhook = 10015

// errReplayed says an interaction id was seen before; it is not acted on.
var errReplayed = errors.New("interaction already handled")

// alreadyHandled is the answer to a replayed interaction on the HTTP
// endpoint (Discord itself never sends one twice).
const alreadyHandled = "That was already handled."

// response is an interaction response (callback).
type response struct {
	Type discordgo.InteractionResponseType `json:"type"`
	Data any                               `json:"data,omitempty"`
}

// ackFunc sends the one response an interaction gets: as the HTTP answer
// on the endpoint, or as a callback request for gateway interactions.
type ackFunc func(ctx context.Context, r response) error

// serveInteraction is POST /discord/interactions. Nothing is read, parsed
// or stored before the signature and timestamp check out.
func (a *Adapter) serveInteraction(w http.ResponseWriter, r *http.Request) {
	arrived := time.Now() // the 3 seconds start now, not after the checks
	body, err := io.ReadAll(io.LimitReader(r.Body, maxBody+1))
	if err == nil && len(body) > maxBody {
		a.log.Warn("discord interaction refused", "reason", "body too large")
		http.Error(w, "request body too large", http.StatusRequestEntityTooLarge)
		return
	}
	if err == nil {
		err = a.verify(r.Header, body)
	}
	if err != nil {
		a.log.Warn("discord interaction refused", "reason", err.Error())
		http.Error(w, "invalid request signature", http.StatusUnauthorized)
		return
	}
	in, err := decodeInteraction(body)
	if err != nil {
		a.log.Warn("discord interaction unreadable", "error", err)
		http.Error(w, "bad interaction", http.StatusBadRequest)
		return
	}
	answered := false
	ack := func(_ context.Context, resp response) error {
		if answered {
			return errors.New("interaction answered twice")
		}
		answered = true
		w.Header().Set("Content-Type", "application/json")
		if err := json.NewEncoder(w).Encode(resp); err != nil {
			return err
		}
		// Send the answer now, not when the handler returns: the edit of
		// a deferred reply must not set out before the answer it edits.
		if err := http.NewResponseController(w).Flush(); err != nil && !errors.Is(err, http.ErrNotSupported) {
			return fmt.Errorf("sending the answer: %w", err)
		}
		return nil
	}
	if err := a.serve(r.Context(), in, arrived, ack); errors.Is(err, errReplayed) {
		_ = ack(r.Context(), response{Type: discordgo.InteractionResponseChannelMessageWithSource,
			Data: render(bot.Reply{Text: alreadyHandled, Private: true, IsError: true})})
	}
}

// verify checks Discord's Ed25519 signature over timestamp and body, and
// that the timestamp is recent: a captured request cannot be replayed
// later (discordgo.VerifyInteraction checks only the signature).
func (a *Adapter) verify(h http.Header, body []byte) error {
	if a.key == nil {
		return errors.New("no public key configured (DISCORD_PUBLIC_KEY)")
	}
	sig, err := hex.DecodeString(h.Get("X-Signature-Ed25519"))
	if err != nil || len(sig) != ed25519.SignatureSize {
		return errors.New("missing or malformed signature")
	}
	ts := h.Get("X-Signature-Timestamp")
	secs, err := strconv.ParseInt(ts, 10, 64)
	if err != nil {
		return errors.New("missing or malformed timestamp")
	}
	msg := make([]byte, 0, len(ts)+len(body))
	msg = append(append(msg, ts...), body...)
	if !ed25519.Verify(a.key, msg, sig) {
		return errors.New("bad signature")
	}
	if age := a.now().Sub(time.Unix(secs, 0)); age > maxSkew || age < -maxSkew {
		return fmt.Errorf("timestamp %s off our clock", age.Round(time.Second))
	}
	return nil
}

// serve handles one interaction from either path, which arrived at
// arrived (wall clock), and calls ack exactly once, except for a replayed
// interaction: it returns errReplayed and acts on nothing (when the claim
// that finds the replay was slow, the replay has been deferred by then,
// and is left at that).
func (a *Adapter) serve(ctx context.Context, in *discordgo.Interaction, arrived time.Time, ack ackFunc) error {
	uid := userID(in)
	a.log.Debug("discord interaction", "interaction_id", in.ID, "type", in.Type.String(), "user_id", uid)
	switch in.Type {
	case discordgo.InteractionPing:
		return a.ackLogged(ctx, in, ack, response{Type: discordgo.InteractionResponsePong})
	case discordgo.InteractionApplicationCommandAutocomplete:
		return a.ackLogged(ctx, in, ack, a.autocomplete(ctx, in, uid, arrived))
	case discordgo.InteractionApplicationCommand, discordgo.InteractionMessageComponent, discordgo.InteractionModalSubmit:
	default:
		return a.ackLogged(ctx, in, ack, immediate(bot.Reply{Text: "That is not something parabot handles.", IsError: true}, modeCommand))
	}
	if uid == "" {
		return a.ackLogged(ctx, in, ack, immediate(bot.Reply{Text: bot.SomethingWentWrong, IsError: true}, modeCommand))
	}
	var m mode
	var work func(context.Context) result
	switch in.Type {
	case discordgo.InteractionApplicationCommand:
		req := a.request(in, uid)
		m, work = modeCommand, func(ctx context.Context) result { return a.command(ctx, req) }
	case discordgo.InteractionModalSubmit:
		if id := in.ModalSubmitData().CustomID; strings.HasPrefix(id, guidePrefix) {
			m, work = modeUpdate, func(ctx context.Context) result { return a.guide(ctx, in, uid, id) }
			break
		}
		req, ok := a.submitted(in, uid)
		if !ok {
			return a.ackLogged(ctx, in, ack, immediate(bot.Reply{Text: "That form is not one parabot knows; type the command instead.", IsError: true}, modeCommand))
		}
		m, work = modeCommand, func(ctx context.Context) result { return a.command(ctx, req) }
	default:
		id := in.MessageComponentData().CustomID
		m = modeNew
		if in.Message != nil && in.Message.Flags&discordgo.MessageFlagsEphemeral != 0 {
			m = modeUpdate
		}
		if strings.HasPrefix(id, guidePrefix) {
			work = func(ctx context.Context) result { return a.guide(ctx, in, uid, id) }
			break
		}
		work = func(ctx context.Context) result { return a.press(ctx, uid, id) }
	}
	// The claim is part of the work, under the deferral deadline: a slow
	// database defers the answer instead of delaying it past 3 seconds.
	return a.answer(ctx, in, arrived, m, ack, func(ctx context.Context) (result, error) {
		first, err := a.store.Claim(ctx, "discord:interaction:"+in.ID, a.now())
		if err != nil && storage.IsUnavailable(err) {
			a.log.Warn("claiming discord interaction: database unavailable", "interaction_id", in.ID, "error", err)
			return result{reply: bot.Reply{Text: bot.TryAgain, IsError: true}}, nil
		}
		if err != nil {
			a.log.Error("claiming discord interaction", "interaction_id", in.ID, "error", err)
			return result{reply: bot.Reply{Text: bot.SomethingWentWrong, IsError: true}}, nil
		}
		if !first {
			a.log.Info("discord interaction replayed; ignored", "interaction_id", in.ID)
			return result{}, errReplayed
		}
		res := work(ctx)
		res.reply = a.fitButtons(ctx, res.reply)
		return res, nil
	})
}

// result is what the work of an interaction came to: a reply to render,
// or a guided form's own message, or a modal to open (only as the
// immediate answer; when the answer was deferred, the reply is shown).
type result struct {
	reply bot.Reply
	msg   *message
	modal *response
}

// command runs a command; one that lacks a required value starts a
// guided form instead of being refused.
func (a *Adapter) command(ctx context.Context, req bot.Request) result {
	r := a.router.Handle(ctx, req)
	if m, ok := a.startGuide(ctx, req, r); ok {
		return result{msg: m}
	}
	return result{reply: r}
}

// press runs the button behind a custom_id, looking up a stored one.
func (a *Adapter) press(ctx context.Context, uid, customID string) result {
	action, value := parseCustomID(customID)
	if action == keyAction {
		var err error
		action, value, err = a.storedPress(ctx, value)
		if errors.Is(err, storage.ErrNotFound) {
			return result{reply: bot.Reply{Text: "That button has expired; type the command again.", IsError: true}}
		}
		if err != nil {
			a.log.Warn("reading a stored button", "error", err)
			return result{reply: bot.Reply{Text: bot.TryAgain, IsError: true}}
		}
	}
	press := bot.Press{Platform: storage.PlatformDiscord, UserID: uid, Action: action, Value: value}
	return result{reply: a.router.HandlePress(ctx, press)}
}

func (a *Adapter) ackLogged(ctx context.Context, in *discordgo.Interaction, ack ackFunc, r response) error {
	if err := ack(ctx, r); err != nil {
		a.log.Warn("answering discord interaction", "interaction_id", in.ID, "error", err)
	}
	return nil
}

// mode is how the reply to an interaction is shown.
type mode int

const (
	// modeCommand: a new ephemeral message under the command.
	modeCommand mode = iota
	// modeUpdate: a button on our own ephemeral message (an Undo under a
	// confirmation) replaces that message; errors come as a new one.
	modeUpdate
	// modeNew: a button on a message others can read (a channel post, a
	// DM) gets a new ephemeral message, so a private reply stays private
	// and the original stays as it was.
	modeNew
)

// immediate is the response that carries the reply at once.
func immediate(r bot.Reply, m mode) response {
	r.Private = true
	if m == modeUpdate && !r.IsError {
		msg := render(r)
		msg.Flags = 0 // an update keeps the message's own flags
		return response{Type: discordgo.InteractionResponseUpdateMessage, Data: msg}
	}
	return response{Type: discordgo.InteractionResponseChannelMessageWithSource, Data: render(r)}
}

// ownMessage is the response that shows a message of the adapter's own
// making (a guided form): it replaces our ephemeral message, or is a new
// ephemeral one.
func ownMessage(msg message, m mode) response {
	if m == modeUpdate {
		msg.Flags = 0
		return response{Type: discordgo.InteractionResponseUpdateMessage, Data: msg}
	}
	msg.Flags = discordgo.MessageFlagsEphemeral
	return response{Type: discordgo.InteractionResponseChannelMessageWithSource, Data: msg}
}

// deferred is the response that promises the reply.
func deferred(m mode) response {
	if m == modeUpdate {
		return response{Type: discordgo.InteractionResponseDeferredMessageUpdate}
	}
	return response{Type: discordgo.InteractionResponseDeferredChannelMessageWithSource,
		Data: map[string]any{"flags": discordgo.MessageFlagsEphemeral}}
}

// outcome is what the work of an interaction came to: a reply, or
// errReplayed.
type outcome struct {
	result
	err error
}

// answer runs work and answers with its reply; when the work is not done
// deferAfter after the interaction arrived, it acknowledges with a
// deferred response and, once the work is done, edits the original
// response (or, for an error after a button press on our message, adds an
// ephemeral follow-up). It returns errReplayed when work found the
// interaction replayed before anything was sent.
func (a *Adapter) answer(ctx context.Context, in *discordgo.Interaction, arrived time.Time, m mode, ack ackFunc, work func(context.Context) (result, error)) error {
	done := make(chan outcome, 1)
	wctx, cancel := context.WithTimeout(context.WithoutCancel(ctx), workTimeout)
	go func() {
		defer cancel()
		defer func() {
			// A panicking command must not take the server down with it.
			if p := recover(); p != nil {
				a.log.Error("discord interaction panicked", "interaction_id", in.ID, "panic", fmt.Sprint(p))
				done <- outcome{result: result{reply: bot.Reply{Text: bot.SomethingWentWrong, IsError: true}}}
			}
		}()
		r, err := work(wctx)
		done <- outcome{result: r, err: err}
	}()
	timer := time.NewTimer(a.deferAfter - time.Since(arrived))
	defer timer.Stop()
	select {
	case o := <-done:
		if o.err != nil {
			return o.err
		}
		if o.modal != nil {
			return a.ackLogged(ctx, in, ack, *o.modal)
		}
		if o.msg != nil {
			return a.ackLogged(ctx, in, ack, ownMessage(*o.msg, m))
		}
		if f := o.reply.Form; f != nil && !o.reply.IsError && in.Type == discordgo.InteractionMessageComponent {
			// A form opens only as the immediate answer; a deferred one
			// shows the reply's text, which says what to type.
			if r, ok := a.modal(*f); ok {
				return a.ackLogged(ctx, in, ack, r)
			}
		}
		if err := a.ackLogged(ctx, in, ack, immediate(o.reply, m)); err != nil {
			return err
		}
		a.followUpFiles(ctx, in, o.reply.Files)
		return nil
	case <-timer.C:
	}
	if err := ack(ctx, deferred(m)); err != nil {
		a.log.Warn("deferring discord interaction", "interaction_id", in.ID, "error", err)
	}
	a.inflight.Add(1)
	go func() {
		defer a.inflight.Done()
		o := <-done
		if o.err != nil {
			return // a replay, deferred while its claim was slow: the first delivery has the reply
		}
		r := o.reply
		r.Private = true
		fctx, cancel := context.WithTimeout(context.WithoutCancel(ctx), followUpTimeout)
		defer cancel()
		var msg message
		if o.msg != nil {
			msg = *o.msg
		} else {
			msg = render(r)
		}
		msg.Flags = 0
		k := call{method: http.MethodPatch, route: "/webhooks/{app}/{token}/messages/@original",
			path: "/webhooks/" + a.appID + "/" + url.PathEscape(in.Token) + "/messages/@original", body: msg}
		if m == modeUpdate && r.IsError {
			msg.Flags = discordgo.MessageFlagsEphemeral
			k = call{method: http.MethodPost, route: "/webhooks/{app}/{token}", path: "/webhooks/" + a.appID + "/" + url.PathEscape(in.Token), body: msg}
		}
		if err := a.completeDeferred(fctx, k); err != nil {
			a.log.Error("completing deferred discord interaction", "interaction_id", in.ID, "error", err)
			return
		}
		a.log.Debug("deferred discord interaction completed", "interaction_id", in.ID)
		a.followUpFiles(ctx, in, r.Files)
	}()
	return nil
}

// completeDeferred sends the reply of a deferred interaction, trying
// again after each pause of a.backoff while the error is worth it: the
// edit overtook the deferred answer (Unknown Webhook), Discord asked us
// to wait, or, for an edit (which is idempotent), a server or network
// error. A follow-up is not sent again after those: it may have been
// posted.
func (a *Adapter) completeDeferred(ctx context.Context, k call) error {
	for i := 0; ; i++ {
		err := a.rest.do(ctx, k)
		if err == nil || i == len(a.backoff) || ctx.Err() != nil || !retryable(err, k.method == http.MethodPatch) {
			return err
		}
		pause := a.backoff[i]
		var rl *RateLimitError
		if errors.As(err, &rl) {
			pause = max(pause, rl.Wait)
		}
		a.log.Debug("retrying deferred discord reply", "route", k.method+" "+k.route, "attempt", i+1, "error", err)
		if !sleep(ctx, pause) {
			return err
		}
	}
}

// retryable says whether a failed webhook call may succeed when sent
// again; idempotent says whether sending it twice is harmless.
func retryable(err error, idempotent bool) bool {
	var rl *RateLimitError
	if errors.As(err, &rl) {
		return true
	}
	var api *APIError
	if errors.As(err, &api) {
		if api.Status == http.StatusNotFound && api.Code == codeUnknownWebhook {
			return true // Discord has not registered the deferred answer yet
		}
		return idempotent && api.Status >= 500
	}
	return idempotent // a network error: the request may have been carried out
}

// retryOnce makes a REST call, and once more after a 429: the limiter
// then waits out a short retry_after before the second try.
func (a *Adapter) retryOnce(ctx context.Context, k call) error {
	err := a.rest.do(ctx, k)
	var rl *RateLimitError
	if errors.As(err, &rl) {
		err = a.rest.do(ctx, k)
	}
	return err
}

// autocomplete answers with the router's choices for the focused option:
// students of the caller's caseload, goals of the chosen student, or the
// declared choices. Someone not on the roster gets none. The choices must
// be found within completeTimeout of the interaction's arrival.
func (a *Adapter) autocomplete(ctx context.Context, in *discordgo.Interaction, uid string, arrived time.Time) response {
	out := []appChoice{}
	data := in.ApplicationCommandData()
	var focused *discordgo.ApplicationCommandInteractionDataOption
	for _, o := range data.Options {
		if o.Focused {
			focused = o
		}
	}
	if focused != nil && uid != "" {
		req := a.request(in, uid)
		cmd, _ := a.router.Command(data.Name)
		param := paramName(cmd, focused.Name)
		delete(req.Args, param)
		ctx, cancel := context.WithDeadline(ctx, arrived.Add(completeTimeout))
		defer cancel()
		cs, err := a.router.Complete(ctx, req, param, optionValue(focused))
		if err != nil {
			a.log.Warn("discord autocomplete", "interaction_id", in.ID, "command", data.Name, "error", err)
		}
		for _, c := range cs {
			if c.Value == "" || len(c.Value) > maxChoiceValue || len(out) == maxChoices {
				continue
			}
			label := c.Label
			if label == "" {
				label = c.Value
			}
			out = append(out, appChoice{Name: clip(label, maxChoiceName), Value: c.Value})
		}
	}
	return response{Type: discordgo.InteractionApplicationCommandAutocompleteResult,
		Data: map[string]any{"choices": out}}
}

// request builds the bot.Request of a command: every option becomes a raw
// string in Args, parsed by the core like typed text.
func (a *Adapter) request(in *discordgo.Interaction, uid string) bot.Request {
	data := in.ApplicationCommandData()
	cmd, _ := a.router.Command(data.Name)
	args := map[string]string{}
	for _, o := range data.Options {
		if o.Type == discordgo.ApplicationCommandOptionSubCommand || o.Type == discordgo.ApplicationCommandOptionSubCommandGroup {
			continue // we register none
		}
		args[paramName(cmd, o.Name)] = optionValue(o)
	}
	return bot.Request{Platform: storage.PlatformDiscord, UserID: uid, ChannelID: in.ChannelID, Command: data.Name, Args: args}
}

// paramName maps an option name back to the declared parameter name
// (registration lower-cases names).
func paramName(cmd *bot.Command, name string) string {
	if cmd != nil {
		for _, p := range cmd.Params {
			if strings.EqualFold(p.Name, name) {
				return p.Name
			}
		}
	}
	return name
}

// optionValue writes an option's value as the text the core parses.
func optionValue(o *discordgo.ApplicationCommandInteractionDataOption) string {
	switch v := o.Value.(type) {
	case string:
		return v
	case float64:
		return strconv.FormatFloat(v, 'f', -1, 64)
	case bool:
		if v {
			return "yes"
		}
		return "no"
	case nil:
		return ""
	}
	return fmt.Sprint(o.Value)
}

// userID is the Discord user behind an interaction: the member in a
// guild, the user in a DM.
func userID(in *discordgo.Interaction) string {
	if in.Member != nil && in.Member.User != nil {
		return in.Member.User.ID
	}
	if in.User != nil {
		return in.User.ID
	}
	return ""
}
