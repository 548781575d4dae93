package commands

import (
	"context"
	"errors"
	"fmt"
	"slices"
	"strings"

	"parabot/bot"
	"parabot/scheduler"
	"parabot/storage"
)

// Concern raises a concern about a student with the school's escalation
// ladder: the student's teachers first, then the next level when nobody
// acknowledges in time.
func Concern(d Deps) *bot.Command {
	return &bot.Command{
		Name:    "concern",
		Summary: "Raise a concern about a student: the teacher first, then an admin if nobody acknowledges in time.",
		Roles:   []storage.Role{storage.RolePara, storage.RoleTherapist, storage.RoleTeacher},
		Params: []bot.Param{
			studentParam(),
			{Name: "text", Kind: bot.KindText, Required: true, Positional: true, MaxLen: 2000,
				Help: "what worries you; end with the word urgent to skip waiting for school hours"},
			{Name: "urgent", Kind: bot.KindBool, Default: "no",
				Help: "urgent concerns go up the ladder faster and do not wait for school hours (yes/no)"},
		},
		Examples: []string{
			"/concern S101 refused lunch again and said his stomach hurts",
			"/concern Ava has a bruise on her arm she won't explain urgent",
		},
		Run: func(ctx context.Context, c *bot.Call) (bot.Reply, error) {
			st := c.Values.Student("student")
			text, urgent := strings.TrimSpace(c.Values.Text("text")), c.Values.Bool("urgent")
			if rest, ok := cutSuffixFold(text, "urgent"); ok && !saysNot(rest) {
				text, urgent = strings.TrimSpace(strings.TrimRight(rest, " ,.;:-")), true
			}
			if text == "" {
				return bot.Reply{}, bot.Errorf("text", "Say what the concern is, e.g. /concern %s refused lunch again; nothing was sent.", st.Code)
			}
			e, ladder, err := openEscalation(ctx, d, storage.Escalation{SchoolID: c.Staff.SchoolID, StudentID: st.ID, OpenedBy: c.Staff.ID,
				Kind: storage.EscalationConcern, Body: text, Urgent: urgent, CreatedAt: c.Now})
			if err != nil {
				return bot.Reply{}, err
			}
			return bot.Reply{Text: fmt.Sprintf("Concern #%d about %s raised. %s", e.ID, bot.Named(st), ladder),
				Context: fmt.Sprintf("Type %s %d to see its timeline.", c.Command("escalation"), e.ID)}, nil
		},
		Buttons: escalationButtons(d),
	}
}

// saysNot reports whether s ends with the word "not" ("... but not" before
// a last "urgent"): that concern says it is not urgent.
func saysNot(s string) bool {
	words := strings.Fields(s)
	return len(words) > 0 && strings.EqualFold(strings.Trim(words[len(words)-1], ",.;:-"), "not")
}

// cutSuffixFold cuts a last word (whatever its case) off s.
func cutSuffixFold(s, word string) (string, bool) {
	if len(s) < len(word) || !strings.EqualFold(s[len(s)-len(word):], word) {
		return s, false
	}
	rest := s[:len(s)-len(word)]
	if rest != "" && !strings.HasSuffix(rest, " ") && !strings.HasSuffix(rest, ",") && !strings.HasSuffix(rest, ".") {
		return s, false
	}
	return rest, true
}

// openEscalation opens an escalation with its first step (now, or the
// next school morning when it is not urgent) and says who it goes to.
func openEscalation(ctx context.Context, d Deps, e storage.Escalation) (storage.Escalation, string, error) {
	o, err := scheduler.Open(ctx, d.Store, e)
	if err != nil {
		return e, "", err
	}
	f, err := firstTold(ctx, d, o)
	if err != nil {
		return o.Escalation, "", err
	}
	return o.Escalation, f.line(o), nil
}

// firstLevel is who an escalation goes to first: the first level with
// someone present when its first step fires (0 when no level has), and
// those absent on the levels up to it.
type firstLevel struct {
	n       int
	present []storage.Staff
	away    []storage.Staff
}

// firstTold works out o's first level.
func firstTold(ctx context.Context, d Deps, o scheduler.Opened) (firstLevel, error) {
	var f firstLevel
	for n := 1; n <= len(o.Ladder.Policy); n++ {
		present, absent, err := o.Ladder.Members(ctx, d.Store, o.Escalation, n)
		if err != nil {
			return f, err
		}
		f.away = append(f.away, absent...)
		if len(present) > 0 {
			f.n, f.present = n, present
			return f, nil
		}
	}
	return f, nil
}

// line says who o's escalation goes to, and when it moves up.
func (f firstLevel) line(o scheduler.Opened) string {
	if f.n == 0 {
		return "Nobody on the school's escalation levels is present today; you will get a message. Call the office now."
	}
	l, e := o.Ladder, o.Escalation
	var b strings.Builder
	if o.Waited {
		fmt.Fprintf(&b, "It is outside school hours: it goes to %s at %s.", scheduler.Names(f.present), o.At.In(l.School.Location()).Format("15:04 Mon Jan 2"))
	} else {
		fmt.Fprintf(&b, "Sent to %s.", scheduler.Names(f.present))
	}
	if len(f.away) > 0 {
		fmt.Fprintf(&b, " (%s absent.)", scheduler.Names(f.away))
	}
	if f.n < len(l.Policy) {
		fmt.Fprintf(&b, " If nobody acknowledges within %s, it goes to level %d (%s).", bot.FormatDuration(l.Timeout(e, f.n)), f.n+1, l.Policy[f.n].Who())
	}
	return b.String()
}

// escalationButtons handle Acknowledge, Resolve and Reply on the messages
// a ladder sends.
func escalationButtons(d Deps) []bot.ButtonAction {
	press := func(act func(ctx context.Context, d Deps, c actor, id int64, text string) (bot.Reply, error)) func(context.Context, *bot.PressCall) (bot.Reply, error) {
		return func(ctx context.Context, c *bot.PressCall) (bot.Reply, error) {
			id, ok := parseID(c.Press.Value)
			if !ok {
				return bot.Reply{}, bot.Errorf("", "That button is broken; type /escalation <id> to see the escalation.")
			}
			return act(ctx, d, actor{Staff: c.Staff, School: c.School, Now: c.Now, Platform: c.Press.Platform}, id, "")
		}
	}
	return []bot.ButtonAction{
		{Action: scheduler.ActionEscAcknowledge, Run: press(acknowledge)},
		{Action: scheduler.ActionEscResolve, Run: press(resolve)},
		{Action: scheduler.ActionEscReply, Run: replyForm},
	}
}

// errNotOnLadder is the answer to someone the escalation never reached.
func errNotOnLadder(id int64) error {
	return bot.Errorf("", "Escalation #%d was not sent to you, so you cannot act on it; nothing changed.", id)
}

// stateError says why a state change was refused.
func stateError(ctx context.Context, d Deps, id int64, verb string) error {
	e, err := d.Store.Escalation(ctx, id)
	if err != nil {
		return fmt.Errorf("reloading escalation %d: %w", id, err)
	}
	switch e.State {
	case storage.EscalationResolved:
		steps, err := d.Store.EscalationSteps(ctx, id)
		if err != nil {
			return err
		}
		if err := withdrawnError(ctx, d, id, steps, verb); err != nil {
			return err
		}
		return bot.Errorf("", "Escalation #%d is already resolved, so it cannot be %s; nothing changed. Type /escalation %d reopen to open it again.", id, verb, id)
	case storage.EscalationAcknowledged:
		who, err := d.Store.StaffMember(ctx, e.AckBy)
		if err != nil {
			return fmt.Errorf("loading staff %d: %w", e.AckBy, err)
		}
		return bot.Errorf("", "Escalation #%d was already acknowledged by %s; nothing changed.", id, who.Name)
	}
	return bot.Errorf("", "Escalation #%d is %s and cannot be %s; nothing changed.", id, e.State, verb)
}

// withdrawnError refuses a change to an escalation whose incident was
// taken back (its timeline has a "withdrawn" step), saying by whom and
// why; nil when it was not withdrawn.
func withdrawnError(ctx context.Context, d Deps, id int64, steps []storage.EscalationStep, verb string) error {
	i := slices.IndexFunc(steps, func(s storage.EscalationStep) bool { return s.Action == storage.StepWithdrawn })
	if i < 0 {
		return nil
	}
	who, err := d.Store.StaffMember(ctx, steps[i].StaffID)
	if err != nil {
		return fmt.Errorf("loading staff %d: %w", steps[i].StaffID, err)
	}
	return bot.Errorf("", "Escalation #%d was withdrawn: %s took the incident back (%s), so it cannot be %s; nothing changed.",
		id, who.Name, steps[i].Note, verb)
}

// isConflict reports a refused state change.
func isConflict(err error) bool { return errors.Is(err, storage.ErrConflict) }
