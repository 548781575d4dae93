// Package shell is the terminal adapter: it reads commands from a
// terminal (or a pipe), runs them through the core as a rostered user,
// and prints what Slack or Discord would show, including the direct
// messages and channel posts the delivery jobs send.
package shell

import (
	"bufio"
	"context"
	"errors"
	"fmt"
	"io"
	"log/slog"
	"strconv"
	"strings"
	"sync"
	"time"

	"parabot/bot"
	"parabot/storage"
)

// Config configures a Shell.
type Config struct {
	Router *bot.Router
	Store  storage.Store
	Clock  *Clock
	In     io.Reader
	Out    io.Writer
	// User is the handle to act as first.
	User string
	// Echo prints each command after the prompt (for piped input, so a
	// transcript reads like a session).
	Echo bool
	// Idle waits until due jobs have run, so deliveries print before the
	// next prompt. May be nil.
	Idle func(ctx context.Context) error
	// Next waits until the jobs due now have run (as Idle), then tells
	// when the earliest scheduled job is due, so /wait stops the clock at
	// each and reminders arrive at their own times. May be nil.
	Next func(ctx context.Context) (time.Time, bool, error)
	Log  *slog.Logger
	// FileDir is where attached files (charts, reports) are written, each
	// path printed under its message; "" means a "parabot" folder in the
	// system's temporary directory.
	FileDir string
}

// Shell is the terminal adapter. It is also the delivery target
// (scheduler.Sender) for the "shell" platform.
type Shell struct {
	cfg     Config
	mu      sync.Mutex // guards out, inbox and buttons
	user    string
	buttons []bot.Button
	inbox   map[string][]string // handle -> messages received
	// asking is a command waiting for a missing field: the next line that
	// is not a command is that field's answer.
	asking *asking
	// form is the command form being filled in, question by question,
	// when a reply asked for one (a data reminder's student button).
	form *shellForm
	// waiting holds the buttons of each handle's last direct message that
	// had some: acting as that person, a number presses them.
	waiting map[string][]bot.Button
}

// asking is a command that lacked a required field, to run again with
// the answer.
type asking struct {
	command, text, param string
}

// shellForm is a command's form asked in the terminal: the values given
// so far and the required parameters still to ask, in order.
type shellForm struct {
	cmd    *bot.Command
	values map[string]string
	ask    []bot.Param
}

// waitBound bounds how long /wait waits for the jobs due at one instant.
const waitBound = 2 * time.Minute

// New returns a Shell.
func New(cfg Config) *Shell {
	return &Shell{cfg: cfg, user: cfg.User, inbox: map[string][]string{}, waiting: map[string][]bot.Button{}}
}

// SetIdle sets the function that waits for due jobs (the job runner is
// started after the shell, since the shell is one of its senders).
func (s *Shell) SetIdle(idle func(ctx context.Context) error) { s.cfg.Idle = idle }

// SetNext sets the function that tells when the next scheduled job is due.
func (s *Shell) SetNext(next func(ctx context.Context) (time.Time, bool, error)) { s.cfg.Next = next }

// Run reads and runs commands until the input ends, /quit, or ctx ends.
func (s *Shell) Run(ctx context.Context) error {
	s.printf("parabot terminal. You are %s. Type /help for commands, /who for the roster, /as <handle> to switch user, /wait 2h to move the clock, /quit to leave.\n", s.describe(ctx, s.user))
	in := bufio.NewReader(s.cfg.In)
	for {
		s.prompt(ctx)
		line, tooLong, err := readLine(in)
		if err != nil {
			s.printf("\n")
			if errors.Is(err, io.EOF) {
				return nil
			}
			return err
		}
		if tooLong {
			s.printf("That line is too long; the limit is %d characters.\n", bot.MaxInputLen)
			continue
		}
		line = strings.TrimSpace(line)
		if s.cfg.Echo {
			s.printf("%s\n", line)
		}
		if line == "" {
			continue
		}
		if done := s.line(ctx, line); done {
			return nil
		}
		if s.cfg.Idle != nil {
			ictx, cancel := context.WithTimeout(ctx, 5*time.Second)
			if err := s.cfg.Idle(ictx); err != nil && !errors.Is(err, context.DeadlineExceeded) {
				s.cfg.Log.Warn("waiting for jobs", "error", err)
			}
			cancel()
		}
		if ctx.Err() != nil {
			return ctx.Err()
		}
	}
}

// maxLine bounds what the shell reads of one line; the rest is dropped.
const maxLine = 64 * 1024

// readLine reads one line, dropping the rest of one longer than maxLine.
func readLine(r *bufio.Reader) (line string, tooLong bool, err error) {
	var b strings.Builder
	for {
		chunk, isPrefix, err := r.ReadLine()
		if err != nil {
			if b.Len() > 0 && errors.Is(err, io.EOF) {
				return b.String(), tooLong, nil
			}
			return "", false, err
		}
		if b.Len()+len(chunk) > maxLine {
			tooLong = true
		} else {
			b.Write(chunk)
		}
		if !isPrefix {
			return b.String(), tooLong, nil
		}
	}
}

func (s *Shell) prompt(ctx context.Context) {
	now := s.cfg.Clock.Now()
	s.printf("%s %s> ", s.user, now.In(s.location(ctx)).Format("Mon 15:04"))
}

func (s *Shell) location(ctx context.Context) *time.Location { return s.locationOf(ctx, s.user) }

// locationOf is the time zone of a staff member's school.
func (s *Shell) locationOf(ctx context.Context, handle string) *time.Location {
	st, err := s.cfg.Store.StaffByIdentity(ctx, storage.PlatformShell, handle)
	if err != nil {
		return time.Local
	}
	school, err := s.cfg.Store.School(ctx, st.SchoolID)
	if err != nil {
		return time.Local
	}
	return school.Location()
}

// line runs one input line; it reports whether the shell should end.
func (s *Shell) line(ctx context.Context, line string) bool {
	s.mu.Lock()
	form := s.form
	s.mu.Unlock()
	if form != nil {
		if !strings.HasPrefix(line, "/") {
			s.fill(ctx, form, line)
			return false
		}
		s.mu.Lock()
		s.form = nil
		s.mu.Unlock()
		s.printf("The /%s form was left; nothing was saved.\n", form.cmd.Name)
		if strings.EqualFold(line, "/cancel") {
			return false
		}
	}
	if a := s.asking; a != nil {
		s.asking = nil
		if !strings.HasPrefix(line, "/") {
			// The answer to a missing field: run the command again with it.
			text := strings.TrimSpace(a.text + " " + a.param + "=" + line)
			r := s.cfg.Router.Handle(ctx, bot.Request{Platform: storage.PlatformShell, UserID: s.user, Command: a.command, Text: text})
			s.answer(a.command, text, r)
			return false
		}
	}
	if n, err := strconv.Atoi(line); err == nil {
		s.press(ctx, n)
		return false
	}
	if !strings.HasPrefix(line, "/") {
		s.printf("Commands start with /, e.g. /help. A number presses a button.\n")
		return false
	}
	name, rest, _ := strings.Cut(line[1:], " ")
	rest = strings.TrimSpace(rest)
	switch strings.ToLower(name) {
	case "quit", "exit":
		return true
	case "as":
		s.switchUser(ctx, rest)
	case "who":
		s.who(ctx)
	case "wait", "clock":
		s.wait(ctx, rest)
	case "inbox":
		s.showInbox()
	default:
		r := s.cfg.Router.Handle(ctx, bot.Request{Platform: storage.PlatformShell, UserID: s.user, Command: name, Text: rest})
		s.answer(name, rest, r)
	}
	return false
}

// Handle is a handle as typed ("@Lee", " lee") as the roster stores it:
// lower case, without the @.
func Handle(s string) string { return strings.ToLower(strings.TrimPrefix(strings.TrimSpace(s), "@")) }

func (s *Shell) switchUser(ctx context.Context, handle string) {
	handle = Handle(handle)
	if handle == "" {
		s.printf("Usage: /as <handle>. /who lists the handles.\n")
		return
	}
	if _, err := s.cfg.Store.StaffByIdentity(ctx, storage.PlatformShell, handle); err != nil {
		s.printf("No one on the roster has the handle %q. /who lists the handles.\n", handle)
		return
	}
	s.mu.Lock()
	s.user, s.buttons, s.form, s.asking = handle, s.waiting[handle], nil, nil
	s.mu.Unlock()
	s.printf("You are now %s.\n", s.describe(ctx, handle))
	s.mu.Lock()
	msgs, buttons := s.inbox[handle], s.buttons
	s.mu.Unlock()
	if len(msgs) > 0 {
		s.printf("You have %s; /inbox shows them.\n", countWord(len(msgs), "direct message"))
	}
	if len(buttons) > 0 {
		s.printf("The buttons of your last one are live: %s.\n", numbered(buttons))
	}
}

// numbered lists buttons as a number presses them: "1 Acknowledge, 2 Resolve".
func numbered(buttons []bot.Button) string {
	parts := make([]string, len(buttons))
	for i, b := range buttons {
		parts[i] = fmt.Sprintf("%d %s", i+1, b.Label)
	}
	return strings.Join(parts, ", ")
}

func countWord(n int, w string) string {
	if n == 1 {
		return "1 " + w
	}
	return strconv.Itoa(n) + " " + w + "s"
}

func (s *Shell) describe(ctx context.Context, handle string) string {
	st, err := s.cfg.Store.StaffByIdentity(ctx, storage.PlatformShell, handle)
	if err != nil {
		return handle + " (not on the roster)"
	}
	return fmt.Sprintf("%s (%s, %s)", handle, st.Name, st.Role)
}

func (s *Shell) who(ctx context.Context) {
	schools, err := s.cfg.Store.Schools(ctx)
	if err != nil {
		s.printf("%s\n", bot.SomethingWentWrong)
		return
	}
	for _, sc := range schools {
		staff, err := s.cfg.Store.ListStaff(ctx, sc.ID)
		if err != nil {
			s.printf("%s\n", bot.SomethingWentWrong)
			return
		}
		s.printf("%s:\n", sc.Name)
		for _, st := range staff {
			ids, _ := s.cfg.Store.Identities(ctx, st.ID)
			for _, id := range ids {
				if id.Platform == storage.PlatformShell {
					s.printf("  %-10s %s, %s\n", id.UserID, st.Name, st.Role)
				}
			}
		}
	}
}

func (s *Shell) wait(ctx context.Context, arg string) {
	if arg == "" {
		s.printf("It is %s. Move the clock with /wait 30m or /wait 2h.\n", s.cfg.Clock.Now().In(s.location(ctx)).Format("Mon Jan 2 15:04 MST"))
		return
	}
	d, err := bot.ParseDuration(strings.TrimPrefix(arg, "+"))
	if err != nil || d <= 0 {
		s.printf("%q is not a duration; write /wait 30m or /wait 2h (up to 12h at a time).\n", arg)
		return
	}
	target := s.cfg.Clock.Now().Add(d)
	// Stop at every scheduled job on the way, so each reminder is sent at
	// its own time and in time order.
	for s.cfg.Next != nil {
		// Next waits for the jobs due now first (a job still running may
		// schedule one before the next stop): the clock does not move on
		// before they are done (a weekly summary draws a chart per goal);
		// the bound only guards against a job that never ends.
		nctx, cancel := context.WithTimeout(ctx, waitBound)
		next, ok, err := s.cfg.Next(nctx)
		cancel()
		if err != nil {
			s.cfg.Log.Warn("looking for scheduled jobs", "error", err)
			break
		}
		if !ok || next.After(target) {
			break
		}
		if next.After(s.cfg.Clock.Now()) {
			s.cfg.Clock.Set(next)
		}
	}
	s.cfg.Clock.Set(target)
	s.printf("The clock moved forward %s; it is %s.\n", bot.FormatDuration(d), target.In(s.location(ctx)).Format("Mon Jan 2 15:04"))
}

func (s *Shell) showInbox() {
	s.mu.Lock()
	msgs := s.inbox[s.user]
	s.mu.Unlock()
	if len(msgs) == 0 {
		s.printf("No direct messages for %s.\n", s.user)
		return
	}
	for _, m := range msgs {
		s.printf("%s", m)
	}
}

func (s *Shell) press(ctx context.Context, n int) {
	s.mu.Lock()
	buttons := s.buttons
	s.mu.Unlock()
	if n < 1 || n > len(buttons) {
		s.printf("There is no button %d.\n", n)
		return
	}
	b := buttons[n-1]
	r := s.cfg.Router.HandlePress(ctx, bot.Press{Platform: storage.PlatformShell, UserID: s.user, Action: b.Action, Value: b.Value})
	s.reply(r)
}

// answer shows a command's reply; when it lacks a required field, the
// terminal asks for that field, one at a time, and runs the command again
// with the answer (any command line instead drops it).
func (s *Shell) answer(command, text string, r bot.Reply) {
	s.reply(r)
	if r.IsError && r.Missing && r.Param != "" {
		s.asking = &asking{command: command, text: text, param: r.Param}
		s.printf("   %s? Type it on the next line (a command instead drops this one).\n", r.Param)
	}
}

func (s *Shell) reply(r bot.Reply) {
	mark := "ok"
	if r.IsError {
		mark = "!!"
	}
	s.mu.Lock()
	if r.Form == nil || len(r.Buttons) > 0 {
		s.buttons = r.Buttons // a form's question keeps the buttons it was opened from
	}
	s.mu.Unlock()
	s.printf("%s%s\n", Render(mark, r), s.saveFiles(r))
	if r.Form != nil && !r.IsError {
		s.openForm(*r.Form)
	}
}

// openForm starts asking, one line each, for the required values of a
// form (and those it asks for: Form.Asks) that the reply did not fill in
// (with none to ask it asks nothing: the reply's text says what to type).
func (s *Shell) openForm(f bot.Form) {
	cmd, ok := s.cfg.Router.Command(f.Command)
	if !ok {
		return
	}
	form := &shellForm{cmd: cmd, values: map[string]string{}}
	for k, v := range f.Values {
		form.values[k] = v
	}
	for _, p := range cmd.Params {
		if f.Asks(p) && form.values[p.Name] == "" {
			form.ask = append(form.ask, p)
		}
	}
	if len(form.ask) == 0 {
		return
	}
	s.mu.Lock()
	s.form = form
	s.mu.Unlock()
	s.question(form)
}

// question asks for the form's next value.
func (s *Shell) question(f *shellForm) {
	p := f.ask[0]
	s.printf("/%s %s: %s? (%s; /cancel leaves the form)\n", f.cmd.Name, formSoFar(f), p.Name, p.Help)
}

// formSoFar is the values given so far, as they would be typed.
func formSoFar(f *shellForm) string {
	var parts []string
	for _, p := range f.cmd.Params {
		if v := f.values[p.Name]; v != "" {
			parts = append(parts, v)
		}
	}
	return strings.Join(parts, " ")
}

// fill takes one answer of a form; after the last, the command runs
// with the form's values. A refusal names what was wrong, and the form
// is left (type the command, or press the button again).
func (s *Shell) fill(ctx context.Context, f *shellForm, line string) {
	f.values[f.ask[0].Name] = line
	f.ask = f.ask[1:]
	if len(f.ask) > 0 {
		s.question(f)
		return
	}
	s.mu.Lock()
	s.form = nil
	s.mu.Unlock()
	s.reply(s.cfg.Router.Handle(ctx, bot.Request{Platform: storage.PlatformShell, UserID: s.user, Command: f.cmd.Name, Args: f.values}))
}

// Render lays out a reply as terminal text, each line after the first
// indented, buttons as numbered choices.
func Render(mark string, r bot.Reply) string {
	var b strings.Builder
	lines := strings.Split(r.Text, "\n")
	b.WriteString(mark + " " + lines[0])
	for _, l := range lines[1:] {
		b.WriteString("\n   " + l)
	}
	for _, f := range r.Fields {
		// A multi-line value keeps its later lines under its first.
		head := "   " + f.Label + ": "
		value := strings.ReplaceAll(f.Value, "\n", "\n"+strings.Repeat(" ", len(head)))
		b.WriteString("\n" + head + value)
	}
	if r.Context != "" {
		b.WriteString("\n   (" + r.Context + ")")
	}
	for i, bt := range r.Buttons {
		fmt.Fprintf(&b, "\n   [%d] %s", i+1, bt.Label)
	}
	return b.String()
}

// SendDM prints a direct message as it would arrive, and keeps it in the
// recipient's inbox.
func (s *Shell) SendDM(ctx context.Context, handle string, r bot.Reply) error {
	who := handle
	if st, err := s.cfg.Store.StaffByIdentity(ctx, storage.PlatformShell, handle); err == nil {
		who = fmt.Sprintf("%s (%s)", handle, st.Name)
	}
	msg := fmt.Sprintf("\n>> direct message to %s, %s\n%s%s\n", who, s.cfg.Clock.Now().In(s.locationOf(ctx, handle)).Format("Mon Jan 2 15:04"), Render("  ", r), s.saveFiles(r))
	s.mu.Lock()
	s.inbox[handle] = append(s.inbox[handle], msg)
	if len(r.Buttons) > 0 {
		s.waiting[handle] = r.Buttons
	}
	if handle == s.user && len(r.Buttons) > 0 {
		s.buttons = r.Buttons // a direct message to you: its buttons are the ones a number presses
	}
	s.mu.Unlock()
	s.printf("%s", msg)
	return nil
}

// PostChannel prints a channel post as it would appear.
func (s *Shell) PostChannel(ctx context.Context, channel string, r bot.Reply) error {
	s.printf("\n>> post in #%s at %s\n%s%s\n", channel, s.cfg.Clock.Now().In(s.location(ctx)).Format("15:04"), Render("  ", r), s.saveFiles(r))
	return nil
}

func (s *Shell) printf(format string, args ...any) {
	s.mu.Lock()
	defer s.mu.Unlock()
	fmt.Fprintf(s.cfg.Out, format, args...)
}
