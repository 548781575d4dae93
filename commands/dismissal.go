package commands

import (
	"context"
	"errors"
	"fmt"
	"slices"
	"strconv"
	"strings"

	"parabot/bot"
	"parabot/scheduler"
	"parabot/storage"
	"parabot/today"
)

// Dismissal shows the dismissal roll: the caller's students who go by bus
// or pickup (and, on bus duty, the roll of that duty), who was released,
// who is absent and who is still unaccounted for.
func Dismissal(d Deps) *bot.Command {
	return &bot.Command{
		Name:    "dismissal",
		Summary: "The dismissal roll: who goes by bus or pickup, who was handed off, who is still unaccounted for.",
		Roles:   []storage.Role{storage.RolePara, storage.RoleTeacher, storage.RoleAdmin},
		Params: []bot.Param{
			{Name: "page", Kind: bot.KindInt, Min: 1, Max: 1000,
				Help: fmt.Sprintf("which page of hand-off buttons (%d a page)", rollPage)},
		},
		Examples: []string{"/dismissal", "/dismissal page=2"},
		Run: func(ctx context.Context, c *bot.Call) (bot.Reply, error) {
			f, err := today.LoadFacts(ctx, d.Store, c.School, c.Now.In(c.School.Location()).Format("2006-01-02"))
			if err != nil {
				return bot.Reply{}, err
			}
			if !f.Day.School {
				return bot.Reply{Text: fmt.Sprintf("No school today (%s): no dismissal.", f.Day.Closed)}, nil
			}
			students, err := rollStudents(ctx, d.Store, f, c.Staff, c.Caseload)
			if err != nil {
				return bot.Reply{}, err
			}
			roll, err := scheduler.Roll(ctx, d.Store, f, students)
			if err != nil {
				return bot.Reply{}, err
			}
			if len(roll) == 0 {
				return bot.Reply{Text: "None of your students goes home by bus or pickup today."}, nil
			}
			r := bot.Reply{Text: fmt.Sprintf("Dismissal roll, %s (dismissal at %s):", dayName(f.Day.Date), f.Day.Dismissal)}
			open := 0
			var handoffs []bot.Button
			for _, e := range roll {
				line := fmt.Sprintf("%s, %s: ", e.Student.Label(), e.Dismissal)
				switch {
				case e.Absent:
					line += "absent"
				case e.Released != nil:
					line += fmt.Sprintf("released at %s to %s", e.Released.At.In(f.Loc).Format("15:04"), e.Released.HandoffTo)
				default:
					open++
					line += "unaccounted"
					handoffs = append(handoffs, bot.Button{Label: "Hand off " + e.Student.Label(), Action: scheduler.ActionHandoff, Value: scheduler.DayValue(e.Student.ID, f.Day.Date)})
				}
				r.Text += "\n" + line
			}
			if open == 0 {
				r.Text += "\nEveryone is accounted for."
			} else {
				r.Text += fmt.Sprintf("\n%s not yet released or marked absent.", plural(open, "student", "students"))
			}
			r.Buttons, r.Context = pageHandoffs(handoffs, max(1, c.Values.Int("page")))
			return r, nil
		},
		Buttons: []bot.ButtonAction{{Action: scheduler.ActionHandoff, Run: func(ctx context.Context, c *bot.PressCall) (bot.Reply, error) {
			return handoff(ctx, d, c)
		}}},
	}
}

// rollPage is how many hand-off buttons a /dismissal page holds: one
// button is kept for the next page.
const rollPage = bot.MaxButtons - 1

// pageHandoffs are the hand-off buttons of page (from 1), a button to
// the next page when there is one, and small print saying which are shown
// when they do not all fit.
func pageHandoffs(handoffs []bot.Button, page int) ([]bot.Button, string) {
	if len(handoffs) <= bot.MaxButtons && page == 1 {
		return handoffs, ""
	}
	from := min(len(handoffs), (page-1)*rollPage)
	to := min(len(handoffs), from+rollPage)
	out := slices.Clone(handoffs[from:to])
	if to < len(handoffs) {
		out = append(out, bot.Button{Label: fmt.Sprintf("Next %d", min(rollPage, len(handoffs)-to)), Action: bot.ActionRetry, Value: "dismissal?page=" + strconv.Itoa(page+1)})
	}
	if from == to {
		return out, fmt.Sprintf("No hand-off buttons on page %d: there are %d, %d a page.", page, len(handoffs), rollPage)
	}
	return out, fmt.Sprintf("Hand-off buttons for unaccounted students %d–%d of %d.", from+1, to, len(handoffs))
}

// rollStudents are the students whose roll the caller keeps: their
// caseload, and the caseload of the owner of any bus duty they are on
// today (as a cover, too).
func rollStudents(ctx context.Context, store storage.Store, f today.Facts, st storage.Staff, caseload []storage.Student) ([]storage.Student, error) {
	out := slices.Clone(caseload)
	for _, du := range f.Duties {
		if who, _ := f.OnDuty(du); du.Kind != storage.DutyBus || who != st.ID || du.StaffID == st.ID {
			continue
		}
		theirs, err := store.Caseload(ctx, du.StaffID)
		if err != nil {
			return nil, fmt.Errorf("loading caseload of staff %d: %w", du.StaffID, err)
		}
		for _, s := range theirs {
			if !slices.ContainsFunc(out, func(o storage.Student) bool { return o.ID == s.ID }) {
				out = append(out, s)
			}
		}
	}
	slices.SortFunc(out, func(a, b storage.Student) int { return strings.Compare(a.Code, b.Code) })
	return out, nil
}

// handoff logs the release of a student on the roll to the bus, with the
// way home as the handoff; for a pickup it asks who took the student.
func handoff(ctx context.Context, d Deps, c *bot.PressCall) (bot.Reply, error) {
	id, date, ok := scheduler.ParseDayValue(c.Press.Value)
	if !ok {
		return bot.Reply{}, bot.Errorf("", "That button is broken; type /transition <student> class bus handoff=<who> instead.")
	}
	if date != c.Now.In(c.School.Location()).Format("2006-01-02") {
		return bot.Reply{}, bot.Errorf("", "That roll is from %s; handoffs are logged on the day. Type /dismissal for today's roll.", dayName(date))
	}
	f, err := today.LoadFacts(ctx, d.Store, c.School, date)
	if err != nil {
		return bot.Reply{}, err
	}
	caseload, err := d.Store.Caseload(ctx, c.Staff.ID)
	if err != nil {
		return bot.Reply{}, fmt.Errorf("loading caseload: %w", err)
	}
	students, err := rollStudents(ctx, d.Store, f, c.Staff, caseload)
	if err != nil {
		return bot.Reply{}, err
	}
	roll, err := scheduler.Roll(ctx, d.Store, f, students)
	if err != nil {
		return bot.Reply{}, err
	}
	i := slices.IndexFunc(roll, func(e scheduler.RollEntry) bool { return e.Student.ID == id })
	if i < 0 {
		return bot.Reply{}, bot.Errorf("", "That student is not on your dismissal roll today; type /dismissal to see it.")
	}
	e := roll[i]
	switch {
	case e.Absent:
		return bot.Reply{}, bot.Errorf("", "%s is marked absent today; nothing was logged.", e.Student.Label())
	case e.Released != nil:
		return bot.Reply{}, bot.Errorf("", "%s was already released at %s to %s.", e.Student.Label(), e.Released.At.In(f.Loc).Format("15:04"), e.Released.HandoffTo)
	}
	if strings.HasPrefix(strings.ToLower(e.Dismissal), "pickup") {
		return pickupForm(e.Student), nil
	}
	// The way home names the bus the student was released to. The button
	// records no prompt level, like /transition without prompt=, so
	// summaries do not count the handoff as independent.
	t := storage.Transition{StudentID: e.Student.ID, StaffID: c.Staff.ID, At: c.Now, From: "class", To: "bus",
		Prompt: storage.PromptNotRecorded, HandoffTo: e.Dismissal, LoggedAt: c.Now}
	facts := transitionFacts(t, c.Now)
	t.Summary = "Logged transition for " + e.Student.Label() + facts
	ent, err := d.Store.LogTransition(ctx, t, nil)
	if errors.Is(err, storage.ErrDuplicate) {
		return bot.Reply{}, bot.Errorf("", "That handoff was logged already.")
	}
	if err != nil {
		return bot.Reply{}, fmt.Errorf("logging handoff: %w", err)
	}
	return logged(ent, "Logged transition for "+bot.Named(e.Student)+facts), nil
}

// pickupForm is the answer to a pickup's Hand off button: a pickup is
// logged with the adult who took the student, as /transition requires,
// so the button opens the /transition form asking for them (a Slack or
// Discord modal, the next line in the terminal) and logs nothing itself.
func pickupForm(st storage.Student) bot.Reply {
	return bot.Reply{Text: fmt.Sprintf("Who took %s? Type /transition %s class pickup handoff=<who>, e.g. handoff=mother.", st.Label(), st.Code),
		Private: true, Form: &bot.Form{Command: "transition", Values: map[string]string{"student": st.Code, "from": "class", "to": "pickup"}, Ask: []string{"handoff"}}}
}
