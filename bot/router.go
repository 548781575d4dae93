package bot

import (
	"context"
	"errors"
	"log/slog"
	"net/url"
	"slices"
	"strings"
	"sync"
	"time"

	"parabot/storage"
)

// cacheTTL bounds how stale a cached identity, caseload or goal list may
// be: a roster change (an import, usually by another process) reaches a
// running bot within this time.
const cacheTTL = time.Minute

// Router identifies the caller, checks their role, parses the command and
// runs it. Adapters call Handle, HandlePress and Complete.
type Router struct {
	store  storage.Store
	log    *slog.Logger
	now    func() time.Time
	cmds   []*Command
	byName map[string]*Command

	mu       sync.Mutex
	staff    map[identityKey]cached[storage.Staff]
	caseload map[int64]cached[[]storage.Student]
	goals    map[int64]cached[[]storage.Goal]
	schools  map[int64]cached[schoolClock]

	emailLookup map[storage.Platform]func(ctx context.Context, userID string) (string, error)
	spelling    map[storage.Platform]func(name string) string
	observe     func(Outcome)
	codes       Codes
	// workspaceSchool names the school whose admins a user not on the
	// roster is told to ask (PARABOT_WORKSPACE_SCHOOL).
	workspaceSchool string
	covering        func(ctx context.Context, st storage.Staff, now time.Time) ([]storage.Student, error)
	access          func(events ...storage.AuditEvent) // SetAccessLog
}

// SetCodes sets the data-sheet codes trials are typed with (the
// PARABOT_TRIAL_CODES setting); nil keeps DefaultCodes.
func (r *Router) SetCodes(c Codes) {
	if c == nil {
		c = DefaultCodes()
	}
	r.codes = c
}

// Codes returns the data-sheet codes in use.
func (r *Router) Codes() Codes { return r.codes }

// Outcome describes one handled command or button press, for metrics.
type Outcome struct {
	Platform storage.Platform
	Kind     string // "command" or "press"
	Name     string // command or action name
	Result   string // "ok", "refused" (a user error) or "error"
	Duration time.Duration
}

// SetCovering adds to a caller's caseload the students fn returns: those
// of an absent para the caller covers today.
func (r *Router) SetCovering(fn func(ctx context.Context, st storage.Staff, now time.Time) ([]storage.Student, error)) {
	r.covering = fn
}

// SetObserver has fn called after every command and button press.
func (r *Router) SetObserver(fn func(Outcome)) { r.observe = fn }

type cached[T any] struct {
	v       T
	expires time.Time
}

// identityKey is a platform user, the key of the staff cache.
type identityKey struct {
	platform storage.Platform
	userID   string
}

// schoolClock is a school with its zone and the first day of its year,
// worked out once per cache fill rather than on every command.
type schoolClock struct {
	school    storage.School
	loc       *time.Location
	yearStart time.Time // zero when the school has none
}

// school returns a school with its clock, cached.
func (r *Router) school(ctx context.Context, schoolID int64) (schoolClock, error) {
	return getCached(r, r.schools, schoolID, func() (schoolClock, error) {
		school, err := r.store.School(ctx, schoolID)
		if err != nil {
			return schoolClock{}, err
		}
		sc := schoolClock{school: school, loc: school.Location()}
		if ys, err := time.ParseInLocation("2006-01-02", school.YearStart, sc.loc); err == nil {
			sc.yearStart = ys
		}
		return sc, nil
	})
}

// NewRouter builds a router over cmds. now is the clock every command reads.
func NewRouter(store storage.Store, log *slog.Logger, now func() time.Time, cmds []*Command) *Router {
	r := &Router{store: store, log: log, now: now, cmds: cmds, byName: map[string]*Command{},
		emailLookup: map[storage.Platform]func(context.Context, string) (string, error){},
		spelling:    map[storage.Platform]func(string) string{},
		staff:       map[identityKey]cached[storage.Staff]{},
		caseload:    map[int64]cached[[]storage.Student]{},
		goals:       map[int64]cached[[]storage.Goal]{},
		schools:     map[int64]cached[schoolClock]{},
		codes:       DefaultCodes(),
	}
	for _, c := range cmds {
		r.byName[c.Name] = c
	}
	return r
}

// SetSpelling sets how users of platform type a command, for help and
// errors: Slack reaches some commands only through its umbrella command
// ("/para help"). Set it before serving; the default is "/<name>".
func (r *Router) SetSpelling(p storage.Platform, fn func(name string) string) {
	r.spelling[p] = fn
}

// Spell returns command name as users of platform p type it.
func (r *Router) Spell(p storage.Platform, name string) string {
	if fn := r.spelling[p]; fn != nil {
		return fn(name)
	}
	return "/" + name
}

// SetWorkspaceSchool names the school the workspace belongs to: a user not
// on the roster is told to ask its admins. Without it, only a database of
// one school names its admins; with several, no one is named, so no staff
// of another school is shown to a stranger. Set it before serving.
func (r *Router) SetWorkspaceSchool(name string) { r.workspaceSchool = name }

// Commands lists the commands in declaration order.
func (r *Router) Commands() []*Command { return r.cmds }

// Command returns the command named name.
func (r *Router) Command(name string) (*Command, bool) {
	if c, ok := r.byName[name]; ok {
		return c, true // typed as declared: nothing to fold
	}
	c, ok := r.byName[strings.ToLower(strings.TrimPrefix(name, "/"))]
	return c, ok
}

// Now is the router's clock.
func (r *Router) Now() time.Time { return r.now() }

// Forget clears the caches (after a roster change in this process). The
// maps are cleared in place, under the lock every reader takes.
func (r *Router) Forget() {
	r.mu.Lock()
	defer r.mu.Unlock()
	clear(r.staff)
	clear(r.caseload)
	clear(r.goals)
	clear(r.schools)
}

func getCached[K comparable, T any](r *Router, m map[K]cached[T], k K, load func() (T, error)) (T, error) {
	now := time.Now()
	r.mu.Lock()
	c, ok := m[k]
	r.mu.Unlock()
	if ok && now.Before(c.expires) {
		return c.v, nil
	}
	v, err := load()
	if err != nil {
		return v, err
	}
	r.mu.Lock()
	m[k] = cached[T]{v: v, expires: now.Add(cacheTTL)}
	r.mu.Unlock()
	return v, nil
}

// SetEmailLookup lets Identify ask a platform for a user's email, once,
// when the user is not linked yet (Slack's users.info).
func (r *Router) SetEmailLookup(p storage.Platform, fn func(ctx context.Context, userID string) (string, error)) {
	r.emailLookup[p] = fn
}

// Identify finds the staff member behind a platform user. A user not yet
// linked is linked by email when the platform gave one that is on the
// roster. Anyone else gets a UserError saying who can add them.
func (r *Router) Identify(ctx context.Context, platform storage.Platform, userID, email string) (storage.Staff, error) {
	userID, email = clean(userID), clean(email)
	st, err := getCached(r, r.staff, identityKey{platform, userID}, func() (storage.Staff, error) {
		st, err := r.store.StaffByIdentity(ctx, platform, userID)
		if lookup := r.emailLookup[platform]; errors.Is(err, storage.ErrNotFound) && email == "" && lookup != nil {
			if e, lerr := lookup(ctx, userID); lerr != nil {
				r.log.Warn("looking up email", "platform", platform, "error", lerr)
			} else {
				email = e
			}
		}
		if errors.Is(err, storage.ErrNotFound) && email != "" {
			st, err = r.store.StaffByEmail(ctx, email)
			if err == nil {
				if err := r.store.LinkIdentity(ctx, storage.Identity{StaffID: st.ID, Platform: platform, UserID: userID, LinkedAt: r.now()}); err != nil {
					return st, err
				}
				r.log.Info("identity linked by email", "platform", platform, "staff_id", st.ID)
			}
		}
		return st, err
	})
	if errors.Is(err, storage.ErrNotFound) {
		return st, Errorf("", "You are not on parabot's roster yet, so I can't log anything for you. %s", r.whoCanAdd(ctx))
	}
	return st, err
}

func (r *Router) whoCanAdd(ctx context.Context) string {
	const nobody = "Ask your school's administrator to add you."
	schools, err := r.store.Schools(ctx)
	if err != nil {
		r.log.Warn("listing schools", "error", err)
		return nobody
	}
	var school *storage.School
	for i, sc := range schools {
		if r.workspaceSchool != "" && strings.EqualFold(sc.Name, r.workspaceSchool) {
			school = &schools[i]
		}
	}
	if r.workspaceSchool == "" && len(schools) == 1 {
		school = &schools[0]
	}
	if school == nil {
		return nobody
	}
	staff, err := r.store.ListStaff(ctx, school.ID)
	if err != nil {
		r.log.Warn("listing staff", "school_id", school.ID, "error", err)
		return nobody
	}
	var admins []string
	for _, st := range staff {
		if st.Role == storage.RoleAdmin {
			admins = append(admins, st.Name)
		}
	}
	if len(admins) == 0 {
		return nobody
	}
	return "Ask an administrator (" + strings.Join(admins, ", ") + ") to add you."
}

// Scope builds the parsing scope of a staff member: school clock and zone,
// caseload and goals.
func (r *Router) Scope(ctx context.Context, st storage.Staff) (*Scope, storage.School, error) {
	clock, err := r.school(ctx, st.SchoolID)
	if err != nil {
		return nil, storage.School{}, err
	}
	school := clock.school
	caseload, err := getCached(r, r.caseload, st.ID, func() ([]storage.Student, error) {
		own, err := r.store.Caseload(ctx, st.ID)
		if err != nil || r.covering == nil {
			return own, err
		}
		extra, err := r.covering(ctx, st, r.now())
		if err != nil {
			return nil, err
		}
		for _, s := range extra {
			if !slices.ContainsFunc(own, func(o storage.Student) bool { return o.ID == s.ID }) {
				own = append(own, s)
			}
		}
		slices.SortFunc(own, func(a, b storage.Student) int { return strings.Compare(a.Code, b.Code) })
		return own, nil
	})
	if err != nil {
		return nil, school, err
	}
	sc := &Scope{
		Now:       r.now().In(clock.loc),
		Loc:       clock.loc,
		YearStart: clock.yearStart,
		Caseload:  caseload,
		Codes:     r.codes,
		School: func() []storage.Student {
			all, err := r.store.Students(ctx, st.SchoolID)
			if err != nil {
				r.log.Warn("listing school students", "school_id", st.SchoolID, "error", err)
			}
			return all
		},
		Goals: func(studentID int64) ([]storage.Goal, error) {
			return getCached(r, r.goals, studentID, func() ([]storage.Goal, error) {
				return r.store.Goals(ctx, studentID)
			})
		},
	}
	return sc, school, nil
}

// Handle runs one command and returns the reply for the person who typed
// it. It never returns an error: every failure becomes a reply.
func (r *Router) Handle(ctx context.Context, req Request) Reply {
	start := time.Now()
	req, changed := cleanRequest(req)
	reply, err := r.handle(ctx, req)
	reply = r.finish(req.Platform, "command", req.Command, reply, err, start)
	if changed {
		reply.Text += "\n" + TextCleaned
	}
	return reply
}

func (r *Router) handle(ctx context.Context, req Request) (Reply, error) {
	cmd, ok := r.Command(req.Command)
	if !ok {
		names := make([]string, len(r.cmds))
		for i, c := range r.cmds {
			names[i] = r.Spell(req.Platform, c.Name)
		}
		return Reply{}, Errorf("", "There is no %s. Commands: %s. %s explains each.", r.Spell(req.Platform, req.Command), strings.Join(names, ", "), r.Spell(req.Platform, "help"))
	}
	st, err := r.Identify(ctx, req.Platform, req.UserID, req.Email)
	if err != nil {
		return Reply{}, err
	}
	if !cmd.Allowed(st.Role) {
		r.recordRefusal(st, req.Platform, cmd.Name, 0, "role")
		return Reply{}, Errorf("", "%s is for %s; you are on the roster as %s.", r.Spell(req.Platform, cmd.Name), roleList(cmd.Roles), article(string(st.Role)))
	}
	sc, school, err := r.Scope(ctx, st)
	if err != nil {
		return Reply{}, err
	}
	sc.OutsideCaseload = func(studentID int64) {
		r.recordRefusal(st, req.Platform, cmd.Name, studentID, "outside_caseload")
	}
	raw := req.Args
	if raw == nil {
		if raw, err = Raw(cmd, req.Text); err != nil {
			return Reply{}, err
		}
	}
	vals, err := Parse(cmd, raw, sc)
	if ue, ok := AsUserError(err); ok && len(ue.Choices) > 0 {
		return Reply{Buttons: retryButtons(cmd, raw, ue, sc)}, err
	}
	if err != nil {
		return Reply{}, err
	}
	spell := func(name string) string { return r.Spell(req.Platform, name) }
	ctx = storage.WithSchoolDay(ctx, sc.Now.Format(time.DateOnly))
	read := func(what string, studentIDs ...int64) {
		r.RecordReads(st, req.Platform, "command", what, studentIDs...)
	}
	reply, err := cmd.Run(ctx, &Call{Req: req, Staff: st, School: school, Caseload: sc.Caseload, Now: sc.Now, Values: vals, Codes: r.codes, Spell: spell, Read: read})
	if ue, ok := AsUserError(err); ok && len(ue.Choices) > 0 {
		// A command may offer choices too (log a likely duplicate anyway).
		return Reply{Buttons: retryButtons(cmd, raw, ue, sc)}, err
	}
	if errors.Is(err, storage.ErrNoAccess) {
		var studentID int64
		if stu, ok := vals["student"].(storage.Student); ok {
			studentID = stu.ID
		}
		r.recordRefusal(st, req.Platform, cmd.Name, studentID, "no_access_at_write")
	}
	return reply, err
}

// HandlePress runs the command action behind a button.
func (r *Router) HandlePress(ctx context.Context, p Press) Reply {
	start := time.Now()
	p = cleanPress(p)
	reply, err := r.handlePress(ctx, p)
	return r.finish(p.Platform, "press", p.Action, reply, err, start)
}

// ActionRetry is the button that runs a command again with one value
// changed: a student chosen among the closest to a misspelt name. Its
// value is the command name, "?", and the values as a URL query.
const ActionRetry = "retry"

// maxRetryValue bounds a retry button's value: a whole command, its
// longest texts included. Platforms hold less in a button (Slack's value
// 2,000 characters, Discord's custom_id 100): Discord's adapter keeps a
// longer one in the store behind a short key, Slack's leaves the button
// out, and the message still says what to type.
const maxRetryValue = 16000

// retryButtons offer each choice of ue as a button that runs cmd again
// with raw's ue.Param set to the choice. Times are fixed as they were
// meant when typed: "now" or "20m ago" must not move to when the button
// is pressed.
func retryButtons(cmd *Command, raw map[string]string, ue *UserError, sc *Scope) []Button {
	fixed := map[string]string{}
	for k, v := range raw {
		fixed[k] = v
	}
	for _, p := range cmd.Params {
		if p.Kind != KindTime {
			continue
		}
		typed := strings.TrimSpace(raw[p.Name])
		if typed == "" {
			typed = p.Default
		}
		if typed == "" {
			continue
		}
		if t, err := ParseTime(typed, sc); err == nil {
			fixed[p.Name] = t.Format("2006-01-02 15:04")
		}
	}
	out := make([]Button, 0, len(ue.Choices))
	for _, c := range ue.Choices {
		q := url.Values{}
		for k, v := range fixed {
			q.Set(k, v)
		}
		param := ue.Param
		if c.Param != "" {
			param = c.Param
		}
		q.Set(param, c.Value)
		v := cmd.Name + "?" + q.Encode()
		if len(v) > maxRetryValue {
			return nil // too long for a button; the message names the choices
		}
		out = append(out, Button{Label: c.Label, Action: ActionRetry, Value: v})
	}
	return out
}

func (r *Router) handlePress(ctx context.Context, p Press) (Reply, error) {
	if p.Action == ActionRetry {
		name, query, _ := strings.Cut(p.Value, "?")
		q, err := url.ParseQuery(query)
		if _, ok := r.Command(name); !ok || err != nil {
			return Reply{}, Errorf("", "That button is broken; type the command again.")
		}
		args := map[string]string{}
		for k := range q {
			args[k] = q.Get(k)
		}
		return r.handle(ctx, Request{Platform: p.Platform, UserID: p.UserID, Email: p.Email, Command: name, Args: args})
	}
	action := r.buttonAction(p.Action)
	if action == nil {
		return Reply{}, Errorf("", "That button no longer does anything.")
	}
	st, err := r.Identify(ctx, p.Platform, p.UserID, p.Email)
	if err != nil {
		return Reply{}, err
	}
	clock, err := r.school(ctx, st.SchoolID)
	if err != nil {
		return Reply{}, err
	}
	now := r.now().In(clock.loc)
	ctx = storage.WithSchoolDay(ctx, now.Format(time.DateOnly))
	return action.Run(ctx, &PressCall{Press: p, Staff: st, School: clock.school, Now: now})
}

func (r *Router) finish(platform storage.Platform, what, name string, reply Reply, err error, start time.Time) Reply {
	reply.Private = true
	outcome := "ok"
	if errors.Is(err, storage.ErrDuplicate) {
		err = Errorf("", AlreadyHandled)
	}
	if errors.Is(err, storage.ErrNoAccess) {
		err = Errorf("", NoLongerAllowed)
	}
	if err != nil {
		if ue, ok := AsUserError(err); ok {
			reply = Reply{Text: ue.Msg, Private: true, IsError: true, Param: ue.Param, Missing: ue.Missing, Buttons: reply.Buttons}
			outcome = "refused"
		} else if storage.IsUnavailable(err) {
			r.log.Warn(what+" failed: database unavailable", "platform", platform, "command", name, "error", err)
			reply = Reply{Text: TryAgain, Private: true, IsError: true}
			outcome = "unavailable"
		} else {
			r.log.Error(what+" failed", "platform", platform, "command", name, "error", err) // name is known here: only known commands run
			reply = Reply{Text: SomethingWentWrong, Private: true, IsError: true}
			outcome = "error"
		}
	}
	d := time.Since(start)
	if !r.known(what, name) {
		name = "unknown" // what users typed never reaches a log line or a metric label
	}
	r.log.Info(what, "platform", platform, "command", name, "outcome", outcome, "duration_ms", d.Milliseconds())
	if r.observe != nil {
		r.observe(Outcome{Platform: platform, Kind: what, Name: name, Result: outcome, Duration: d})
	}
	return reply
}

// known reports whether name is a declared command or button action.
func (r *Router) known(kind, name string) bool {
	if kind == "command" {
		_, ok := r.Command(name)
		return ok
	}
	return name == ActionRetry || r.buttonAction(name) != nil
}

// buttonAction finds the declared handler of a button action.
func (r *Router) buttonAction(name string) *ButtonAction {
	for _, c := range r.cmds {
		for i := range c.Buttons {
			if c.Buttons[i].Action == name {
				return &c.Buttons[i]
			}
		}
	}
	return nil
}

// Complete lists the choices for a parameter as the user types partial:
// students of their caseload, goals of the chosen student, or the
// declared choices. At most 25 choices (Discord's limit).
func (r *Router) Complete(ctx context.Context, req Request, param, partial string) ([]Choice, error) {
	cmd, ok := r.Command(req.Command)
	if !ok {
		return nil, nil
	}
	p, ok := cmd.Param(param)
	if !ok {
		return nil, nil
	}
	st, err := r.Identify(ctx, req.Platform, req.UserID, req.Email)
	if err != nil {
		return nil, nil // not on the roster: nothing to offer
	}
	sc, _, err := r.Scope(ctx, st)
	if err != nil {
		return nil, err
	}
	f := fold(partial)
	var out []Choice
	add := func(c Choice) {
		if len(out) < 25 && (f == "" || p.Kind == KindStudent || strings.Contains(fold(c.Label), f) || strings.Contains(fold(c.Value), f)) {
			out = append(out, c)
		}
	}
	switch p.Kind {
	case KindStudent:
		// Matched by everything the parser accepts (code, initials, first
		// name, full name); the choices are shown to the caller alone, so they
		// carry the name.
		var shown []int64
		for _, s := range sc.Caseload {
			if (f == "" || completesStudent(f, s)) && len(out) < 25 {
				add(Choice{Value: s.Code, Label: Named(s)})
				shown = append(shown, s.ID)
			}
		}
		r.RecordReads(st, req.Platform, "options", "student_list", shown...)
	case KindGoal:
		stu, err := ResolveStudent(req.Args["student"], sc)
		if err != nil {
			return nil, nil
		}
		goals, err := sc.Goals(stu.ID)
		if err != nil {
			return nil, err
		}
		r.RecordReads(st, req.Platform, "options", "goals", stu.ID)
		for _, g := range goals {
			label := GoalLine(g)
			if GoalTitle(g) != g.Text {
				label += " — " + g.Text
			}
			add(Choice{Value: g.Code, Label: truncate(label, 80)})
		}
	case KindPrompt:
		for _, p := range PromptChoices() {
			add(p)
		}
	case KindValues:
		stu, err := ResolveStudent(req.Args["student"], sc)
		if err != nil {
			return nil, nil
		}
		g, err := ResolveGoal(req.Args["goal"], stu, sc)
		if err != nil {
			return nil, nil
		}
		return ValueChoices(g, partial), nil
	default:
		for _, c := range p.Choices {
			add(c)
		}
	}
	return out, nil
}

// PromptChoices lists the prompt levels as choices, least support first.
func PromptChoices() []Choice {
	out := make([]Choice, 0, 6)
	for p := storage.Independent; p <= storage.FullPhysical; p++ {
		out = append(out, Choice{Value: p.String(), Label: p.String()})
	}
	return out
}

func truncate(s string, n int) string {
	r := []rune(s)
	if len(r) <= n {
		return s
	}
	return string(r[:n-1]) + "…"
}

func roleList(roles []storage.Role) string {
	names := make([]string, len(roles))
	for i, r := range roles {
		names[i] = string(r) + "s"
	}
	if len(names) > 1 {
		return strings.Join(names[:len(names)-1], ", ") + " and " + names[len(names)-1]
	}
	return strings.Join(names, "")
}

func article(w string) string {
	if w != "" && slices.Contains([]byte("aeiou"), w[0]) {
		return "an " + w
	}
	return "a " + w
}
