package commands

import (
	"context"
	"errors"
	"fmt"
	"slices"
	"strconv"
	"strings"
	"time"

	"parabot/bot"
	"parabot/roster"
	"parabot/scheduler"
	"parabot/storage"
)

// The actions of /escalation.
const (
	escShow        = "show"
	escAcknowledge = "ack"
	escResolve     = "resolve"
	escReopen      = "reopen"
	escReply       = "reply"
)

// Escalation shows an escalation's timeline, and acknowledges, resolves,
// reopens or answers it.
func Escalation(d Deps) *bot.Command {
	return &bot.Command{
		Name:    "escalation",
		Summary: "Show an escalation's timeline, or acknowledge, resolve, reopen or answer it.",
		Params: []bot.Param{
			escalationIDParam(),
			{Name: "action", Kind: bot.KindChoice, Positional: true, Default: escShow,
				Help: "show (the timeline), ack, resolve, reopen or reply",
				Choices: []bot.Choice{{Value: escShow}, {Value: escAcknowledge, Label: "acknowledge"},
					{Value: escResolve}, {Value: escReopen}, {Value: escReply}}},
			{Name: "text", Kind: bot.KindText, Positional: true, MaxLen: 2000,
				Help: "a resolution note, or the reply"},
		},
		Examples: []string{"/escalation 12", "/escalation 12 ack", "/escalation 12 resolve called home, all fine", "/escalation 12 reply I'll come by at 11"},
		Run: func(ctx context.Context, c *bot.Call) (bot.Reply, error) {
			id := int64(c.Values.Int("id"))
			a := actor{Staff: c.Staff, School: c.School, Now: c.Now, Platform: c.Req.Platform}
			text := c.Values.Text("text")
			switch c.Values.Text("action") {
			case escAcknowledge:
				return acknowledge(ctx, d, a, id, text)
			case escResolve:
				return resolve(ctx, d, a, id, text)
			case escReopen:
				return reopen(ctx, d, a, id, text)
			case escReply:
				return reply(ctx, d, a, id, text)
			}
			return showEscalation(ctx, d, a, c.Caseload, id)
		},
	}
}

// escalationIDParam is the escalation a command acts on.
func escalationIDParam() bot.Param {
	return bot.Param{Name: "id", Kind: bot.KindInt, Required: true, Positional: true, Min: 1, Max: 1 << 62,
		Help: "the escalation's number, as in Concern #12"}
}

// actor is who acts on an escalation, from a command or a button.
type actor struct {
	Staff    storage.Staff
	School   storage.School
	Now      time.Time
	Platform storage.Platform
}

func parseID(v string) (int64, bool) {
	id, err := strconv.ParseInt(v, 10, 64)
	return id, err == nil && id > 0
}

// escalationFacts is an escalation with its timeline and student.
type escalationFacts struct {
	e       storage.Escalation
	steps   []storage.EscalationStep
	student storage.Student
}

// onLadder reports whether a staff member was told of it (any level, any round).
func (f escalationFacts) onLadder(staffID int64) bool {
	for _, s := range f.steps {
		if slices.Contains(s.Notified, staffID) {
			return true
		}
	}
	return false
}

// told lists everyone the escalation reached, in the order told.
func (f escalationFacts) told() []int64 {
	var out []int64
	for _, s := range f.steps {
		for _, id := range s.Notified {
			if !slices.Contains(out, id) {
				out = append(out, id)
			}
		}
	}
	return out
}

func loadEscalation(ctx context.Context, d Deps, a actor, id int64) (escalationFacts, error) {
	var f escalationFacts
	var err error
	f.e, err = d.Store.Escalation(ctx, id)
	if errors.Is(err, storage.ErrNotFound) || err == nil && f.e.SchoolID != a.Staff.SchoolID {
		return f, bot.Errorf("id", "There is no escalation #%d at your school; the number is in the message that raised it (Concern #12).", id)
	}
	if err != nil {
		return f, fmt.Errorf("loading escalation %d: %w", id, err)
	}
	if f.steps, err = d.Store.EscalationSteps(ctx, id); err != nil {
		return f, err
	}
	if f.student, err = d.Store.Student(ctx, f.e.StudentID); err != nil {
		return f, fmt.Errorf("loading student %d: %w", f.e.StudentID, err)
	}
	return f, nil
}

// tell makes the job that DMs a staff member.
func tell(a actor, staffID int64, text string) storage.Job {
	return scheduler.DeliverAt(bot.Message{StaffID: staffID, Reply: bot.Reply{Text: text}}, a.Platform, a.Now)
}

func acknowledge(ctx context.Context, d Deps, a actor, id int64, _ string) (bot.Reply, error) {
	f, err := loadEscalation(ctx, d, a, id)
	if err != nil {
		return bot.Reply{}, err
	}
	if !f.onLadder(a.Staff.ID) {
		return bot.Reply{}, errNotOnLadder(id)
	}
	kind := strings.ToLower(scheduler.KindWord(f.e.Kind))
	jobs := []storage.Job{tell(a, f.e.OpenedBy, fmt.Sprintf("%s acknowledged your %s #%d about %s and is taking it.", a.Staff.Name, kind, id, bot.Named(f.student)))}
	if err := d.Store.AcknowledgeEscalation(ctx, id, a.Staff.ID, a.Now, jobs); isConflict(err) {
		return bot.Reply{}, stateError(ctx, d, id, "acknowledged")
	} else if err != nil {
		return bot.Reply{}, err
	}
	return bot.Reply{Text: fmt.Sprintf("You acknowledged %s #%d about %s; the clock is stopped and the sender was told. Type /escalation %d resolve <note> when it is done.",
		kind, id, bot.Named(f.student), id)}, nil
}

func resolve(ctx context.Context, d Deps, a actor, id int64, note string) (bot.Reply, error) {
	f, err := loadEscalation(ctx, d, a, id)
	if err != nil {
		return bot.Reply{}, err
	}
	if !f.onLadder(a.Staff.ID) && a.Staff.ID != f.e.OpenedBy {
		return bot.Reply{}, errNotOnLadder(id)
	}
	kind := strings.ToLower(scheduler.KindWord(f.e.Kind))
	withNote := func(msg string) string {
		if note != "" {
			msg += "\nNote: " + note
		}
		return msg
	}
	// Whoever raised it, and everyone it reached, hears it is resolved:
	// nobody keeps thinking they are asked to act.
	var jobs []storage.Job
	if a.Staff.ID != f.e.OpenedBy {
		jobs = append(jobs, tell(a, f.e.OpenedBy, withNote(fmt.Sprintf("%s resolved your %s #%d about %s.", a.Staff.Name, kind, id, bot.Named(f.student)))))
	}
	for _, to := range f.told() {
		if to != a.Staff.ID && to != f.e.OpenedBy {
			jobs = append(jobs, tell(a, to, withNote(fmt.Sprintf("%s resolved %s #%d about %s; nothing more is asked of you.", a.Staff.Name, kind, id, bot.Named(f.student)))))
		}
	}
	if err := d.Store.ResolveEscalation(ctx, id, a.Staff.ID, note, a.Now, jobs); isConflict(err) {
		return bot.Reply{}, stateError(ctx, d, id, "resolved")
	} else if err != nil {
		return bot.Reply{}, err
	}
	return bot.Reply{Text: fmt.Sprintf("Resolved %s #%d about %s. Type /escalation %d reopen if it comes back.", kind, id, bot.Named(f.student), id)}, nil
}

func reopen(ctx context.Context, d Deps, a actor, id int64, _ string) (bot.Reply, error) {
	f, err := loadEscalation(ctx, d, a, id)
	if err != nil {
		return bot.Reply{}, err
	}
	if !f.onLadder(a.Staff.ID) && a.Staff.ID != f.e.OpenedBy {
		return bot.Reply{}, errNotOnLadder(id)
	}
	if f.e.State != storage.EscalationResolved {
		return bot.Reply{}, bot.Errorf("", "Escalation #%d is %s, not resolved, so there is nothing to reopen; nothing changed.", id, f.e.State)
	}
	if err := withdrawnError(ctx, d, id, f.steps, "reopened"); err != nil {
		return bot.Reply{}, err
	}
	l, err := scheduler.LoadLadder(ctx, d.Store, f.e.SchoolID, a.Now)
	if err != nil {
		return bot.Reply{}, err
	}
	at, waited := scheduler.StepTime(l.School, l.Special, f.e.Urgent, a.Now)
	_, err = d.Store.ReopenEscalation(ctx, id, a.Staff.ID, a.Now, func(e storage.Escalation) storage.Job { return scheduler.EscalateStep(e, 1, at, waited) })
	if isConflict(err) {
		return bot.Reply{}, stateError(ctx, d, id, "reopened")
	} else if err != nil {
		return bot.Reply{}, err
	}
	when := "now"
	if waited {
		when = "at " + at.In(l.School.Location()).Format("15:04 Mon Jan 2")
	}
	return bot.Reply{Text: fmt.Sprintf("Reopened escalation #%d about %s: it starts again at level 1 %s.", id, bot.Named(f.student), when)}, nil
}

func reply(ctx context.Context, d Deps, a actor, id int64, text string) (bot.Reply, error) {
	text = strings.TrimSpace(text)
	if text == "" {
		return bot.Reply{}, bot.Errorf("text", "Write the reply after the word reply: /escalation %d reply I'll come by at 11.", id)
	}
	f, err := loadEscalation(ctx, d, a, id)
	if err != nil {
		return bot.Reply{}, err
	}
	if !f.onLadder(a.Staff.ID) && a.Staff.ID != f.e.OpenedBy {
		return bot.Reply{}, errNotOnLadder(id)
	}
	to := []int64{f.e.OpenedBy}
	if a.Staff.ID == f.e.OpenedBy {
		to = f.told()
	}
	if len(to) == 0 {
		return bot.Reply{}, bot.Errorf("", "Nobody has been told of escalation #%d yet, so there is nobody to reply to; nothing was sent.", id)
	}
	msg := fmt.Sprintf("Reply from %s on escalation #%d about %s:\n%s", a.Staff.Name, id, bot.Named(f.student), text)
	var jobs []storage.Job
	for _, s := range to {
		jobs = append(jobs, tell(a, s, msg))
	}
	if err := d.Store.AddEscalationStep(ctx, storage.EscalationStep{EscalationID: id, At: a.Now, Action: storage.StepReplied,
		StaffID: a.Staff.ID, Level: f.e.Level, Notified: to, Note: text}, jobs); err != nil {
		return bot.Reply{}, err
	}
	return bot.Reply{Text: fmt.Sprintf("Reply sent on escalation #%d.", id)}, nil
}

// showEscalation shows the timeline to those entitled: the student's
// team (caseload), and everyone the escalation reached.
func showEscalation(ctx context.Context, d Deps, a actor, caseload []storage.Student, id int64) (bot.Reply, error) {
	f, err := loadEscalation(ctx, d, a, id)
	if err != nil {
		return bot.Reply{}, err
	}
	mine := slices.ContainsFunc(caseload, func(s storage.Student) bool { return s.ID == f.e.StudentID })
	if !mine && !f.onLadder(a.Staff.ID) && a.Staff.ID != f.e.OpenedBy {
		return bot.Reply{}, bot.Errorf("id", "Escalation #%d is about a student outside your caseload; ask the student's teacher.", id)
	}
	if err := d.Store.RecordAudit(ctx, storage.AuditEvent{At: a.Now, StaffID: a.Staff.ID, StudentID: f.e.StudentID, Action: "read",
		Entity: "escalation", EntityID: id}); err != nil {
		return bot.Reply{}, err
	}
	names, err := staffNames(ctx, d.Store, a.Staff.SchoolID)
	if err != nil {
		return bot.Reply{}, err
	}
	head := fmt.Sprintf("%s #%d about %s (%s", scheduler.KindWord(f.e.Kind), id, bot.Named(f.student), f.e.State)
	if f.e.Urgent {
		head += ", urgent"
	}
	r := bot.Reply{Text: head + "): " + f.e.Body, Private: true}
	r.Text += "\n" + strings.Join(TimelineLines(f.steps, names, a.School.Location()), "\n")
	return r, nil
}

// staffNames maps a school's staff ids to names.
func staffNames(ctx context.Context, s storage.Store, schoolID int64) (map[int64]string, error) {
	staff, err := s.ListStaff(ctx, schoolID)
	if err != nil {
		return nil, fmt.Errorf("listing staff: %w", err)
	}
	out := make(map[int64]string, len(staff))
	for _, st := range staff {
		out[st.ID] = st.Name
	}
	return out, nil
}

// TimelineLines writes a timeline, one step a line, in the school's zone:
// "Mon Nov 2 14:05  level 1: told Ms. Rivera".
func TimelineLines(steps []storage.EscalationStep, names map[int64]string, loc *time.Location) []string {
	name := func(id int64) string {
		if n, ok := names[id]; ok {
			return n
		}
		return fmt.Sprintf("staff %d", id)
	}
	list := func(ids []int64) string {
		var n []string
		for _, id := range ids {
			n = append(n, name(id))
		}
		return strings.Join(n, ", ")
	}
	out := make([]string, 0, len(steps))
	for _, s := range steps {
		var line string
		switch s.Action {
		case storage.StepOpened:
			line = "opened by " + name(s.StaffID)
		case storage.StepNotified:
			line = fmt.Sprintf("level %d: told %s", s.Level, list(s.Notified))
		case storage.StepEscalated:
			line = fmt.Sprintf("moved up to level %d: told %s", s.Level, list(s.Notified))
		case storage.StepSkipped:
			line = fmt.Sprintf("level %d skipped", s.Level)
		case storage.StepExhausted:
			line = "nobody could be told"
		case storage.StepAcknowledged:
			line = "acknowledged by " + name(s.StaffID)
		case storage.StepResolved:
			line = "resolved by " + name(s.StaffID)
		case storage.StepReopened:
			line = "reopened by " + name(s.StaffID)
		case storage.StepReplied:
			line = fmt.Sprintf("reply from %s to %s", name(s.StaffID), list(s.Notified))
		case storage.StepDebriefed:
			line = "debrief held, marked by " + name(s.StaffID)
		case storage.StepWithdrawn:
			line = "withdrawn: the incident was taken back by " + name(s.StaffID)
		default:
			line = s.Action
		}
		if s.Note != "" {
			line += " (" + s.Note + ")"
		}
		out = append(out, s.At.In(loc).Format("Mon Jan 2 15:04")+"  "+line)
	}
	return out
}

// DefaultEscalateSeverity is the lowest severity that opens an escalation
// when the school sets none.
const DefaultEscalateSeverity = 4

// incidentPlan is what a logged incident opens in the write that logs
// it: an escalation when it is at or above the school's threshold
// (urgent when severe: restraint, seclusion, injury or top severity),
// and the parent-notice task of a restraint, seclusion or injury.
type incidentPlan struct {
	open    storage.IncidentOpens
	esc     scheduler.Opened
	first   firstLevel
	fyi     int    // how many a severe incident's FYI tells (severeFYI)
	owner   string // the parent notice's owner
	noOwner string // what to say when nobody can own it
	debrief string // the debrief's owner; without a debrief, what to tell the para
}

// planIncident works out what in opens.
func planIncident(ctx context.Context, d Deps, c *bot.Call, st storage.Student, in storage.Incident) (incidentPlan, error) {
	var p incidentPlan
	kv, err := d.Store.SchoolSettings(ctx, c.Staff.SchoolID)
	if err != nil {
		return p, fmt.Errorf("loading settings of school %d: %w", c.Staff.SchoolID, err)
	}
	threshold := DefaultEscalateSeverity
	if n, err := strconv.Atoi(kv[roster.SettingEscalateSeverity]); err == nil && n >= 1 && n <= storage.MaxSeverity {
		threshold = n
	}
	if in.Severity < threshold && !in.Severe() {
		return p, nil
	}
	p.esc, err = scheduler.Prepare(ctx, d.Store, storage.Escalation{SchoolID: c.Staff.SchoolID, StudentID: st.ID, OpenedBy: c.Staff.ID,
		Kind: storage.EscalationIncident, Body: scheduler.IncidentFacts(in) + ". " + in.Behavior, Urgent: in.Severe(),
		Severity: in.Severity, CreatedAt: c.Now})
	if err != nil {
		return p, err
	}
	if p.first, err = firstTold(ctx, d, p.esc); err != nil {
		return p, err
	}
	fyi := func(storage.Escalation) []storage.Job { return nil }
	if in.Severe() {
		if fyi, p.fyi, err = severeFYI(ctx, d, c, st, in, p); err != nil {
			return p, err
		}
	}
	p.open.Escalation = &p.esc.Escalation
	first := p.esc.First
	p.open.EscalationJobs = func(e storage.Escalation) []storage.Job { return append([]storage.Job{first(e)}, fyi(e)...) }
	if in.Restraint || in.Seclusion || in.Injury {
		if p.open.Notice, p.owner, err = planNotice(ctx, d, c, st, in); err != nil {
			return p, err
		}
		if p.open.Notice == nil {
			p.noOwner, p.owner = p.owner, ""
		} else {
			loc := c.School.Location()
			p.open.NoticeJobs = func(n storage.ParentNotice) []storage.Job { return scheduler.NoticeJobs(n, loc, c.Now) }
		}
	}
	if p.open.Debrief, p.debrief, err = planDebrief(ctx, d, c, st, in, kv); err != nil {
		return p, err
	}
	if p.open.Debrief != nil {
		loc := c.School.Location()
		p.open.DebriefJobs = func(db storage.Debrief) []storage.Job { return scheduler.DebriefJobs(db, loc, c.Now) }
	}
	return p, nil
}

// lines say, for the confirmation, what the incident opened; "" when
// nothing.
func (p incidentPlan) lines(out storage.IncidentOpened, loc *time.Location) string {
	if p.open.Escalation == nil {
		return ""
	}
	o := p.esc
	o.Escalation = out.Escalation
	s := fmt.Sprintf("Escalation #%d: %s", out.Escalation.ID, p.first.line(o))
	switch {
	case p.open.Notice != nil:
		s += "\n" + noticeLine(out.Notice, p.owner, loc)
	case p.noOwner != "":
		s += "\n" + p.noOwner
	}
	switch {
	case p.open.Debrief != nil:
		s += "\n" + fmt.Sprintf("Debrief (incident %d) is %s's task: by %s.", out.Debrief.IncidentID, p.debrief, out.Debrief.Due.In(loc).Format("Mon Jan 2 15:04"))
	case p.debrief != "":
		s += "\n" + p.debrief
	}
	return s
}
