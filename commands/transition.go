package commands

import (
	"context"
	"fmt"
	"slices"
	"strings"
	"time"
	"unicode"

	"parabot/bot"
	"parabot/storage"
)

// releasePlaces are destinations where a student leaves staff care: a
// handoff (to whom) is required.
var releasePlaces = []string{"bus", "pickup", "car", "parent", "van", "walker", "home"}

// Transition logs a student moving between activities or places, with the
// handoff for bus and pickup.
func Transition(d Deps) *bot.Command {
	return &bot.Command{
		Name:    "transition",
		Summary: "Log a transition: from, to, prompt level, latency, and for bus or pickup who took the student.",
		Roles:   []storage.Role{storage.RolePara, storage.RoleTeacher, storage.RoleAdmin},
		Params: []bot.Param{
			studentParam(),
			{Name: "from", Kind: bot.KindText, Required: true, Positional: true, MaxLen: 60, Leads: []string{"from"},
				Help: "where or what the student left (class, lunch, bus)"},
			{Name: "to", Kind: bot.KindText, Required: true, Positional: true, MaxLen: 60, Leads: []string{"to"},
				Help: "where the student went (lunch, gym, bus, pickup)"},
			{Name: "prompt", Kind: bot.KindPrompt, Aliases: []string{"p"},
				Help:  "the support given: i, gp, vp, m, pp, fp (help trial explains); none given: not recorded",
				Brief: "support: " + bot.PromptBrief},
			{Name: "latency", Kind: bot.KindDuration, Aliases: []string{"lat"},
				Help: "time from the direction to starting: 30s, 2m"},
			{Name: "handoff", Kind: bot.KindText, MaxLen: 120, Aliases: []string{"to_whom", "released"},
				Help: "for bus or pickup: who took the student (driver Mr. Lee, mother)"},
			atParam(),
			commentParam(),
			forceParam(),
			againParam(),
		},
		Examples: []string{
			"/transition S101 class to lunch prompt=v latency=45s",
			"/transition Ava class bus handoff=driver Mr. Diaz, bus 12",
		},
		Run: func(ctx context.Context, c *bot.Call) (bot.Reply, error) {
			if err := checkSchoolDay(ctx, d.Store, c, c.Values.Time("at")); err != nil {
				return bot.Reply{}, err
			}
			v := c.Values
			st := v.Student("student")
			t := storage.Transition{
				StudentID: st.ID, StaffID: c.Staff.ID, At: v.Time("at"),
				From: v.Text("from"), To: v.Text("to"), Prompt: storage.PromptNotRecorded,
				Latency: v.Duration("latency"), HandoffTo: v.Text("handoff"),
				LoggedAt: c.Now,
			}
			if err := refuseAbsent(ctx, d.Store, c.School, st, t.At); err != nil {
				return bot.Reply{}, err
			}
			if err := checkNames(ctx, d.Store, c, st, "note"); err != nil {
				return bot.Reply{}, err
			}
			if v.Has("prompt") {
				t.Prompt = v.Prompt("prompt")
			}
			if isRelease(t.To) && t.HandoffTo == "" {
				return bot.Reply{}, bot.Errorf("handoff", "A %s transition needs the handoff: who took %s, e.g. handoff=driver Mr. Diaz, bus 12.", t.To, bot.Named(st))
			}
			facts := transitionFacts(t, c.Now)
			t.Summary, t.Note = "Logged transition for "+st.Label()+facts, v.Text("note")
			e, err := d.Store.LogTransition(ctx, t, nil)
			if err != nil {
				return bot.Reply{}, fmt.Errorf("logging transition: %w", err)
			}
			return logged(e, withComment("Logged transition for "+bot.Named(st)+facts, t.Note)), nil
		},
	}
}

// transitionFacts is what a confirmation says of a transition after the
// student: ": class → bus, prompt not recorded, released to bus 12.", with
// " at 14:50" first when it was logged for an earlier time.
func transitionFacts(t storage.Transition, now time.Time) string {
	prompt := t.Prompt.String()
	if t.Prompt == storage.PromptNotRecorded {
		prompt = "prompt not recorded"
	}
	facts := fmt.Sprintf("%s: %s → %s, %s", when(t.At, now), t.From, t.To, prompt)
	if t.Latency > 0 {
		facts += ", latency " + bot.FormatDuration(t.Latency)
	}
	if t.HandoffTo != "" {
		facts += ", released to " + t.HandoffTo
	}
	return facts + "."
}

// isRelease reports whether a destination releases the student: one of
// its words is a release place ("bus", "car pickup"), not merely contains
// one ("carpet", "homeroom").
func isRelease(to string) bool {
	for _, w := range strings.FieldsFunc(strings.ToLower(to), func(r rune) bool { return !unicode.IsLetter(r) }) {
		if slices.Contains(releasePlaces, w) || slices.Contains(releasePlaces, strings.TrimSuffix(w, "s")) {
			return true
		}
	}
	return false
}
