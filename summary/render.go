package summary

import (
	"fmt"
	"strings"
	"time"

	"parabot/bot"
)

// Heading names a summary's period: "Daily summary for Monday, Nov 9" for
// one day, "Weekly summary, Nov 9 to Nov 13" for longer.
func Heading(from, to time.Time) string {
	if from.Equal(to) {
		return "Daily summary for " + from.Format("Monday, Jan 2")
	}
	return "Weekly summary, " + from.Format("Jan 2") + " to " + to.Format("Jan 2")
}

// ChannelReply renders summaries for a teacher's channel. Students are
// named by initials and code only, goals by code and type, and nothing
// typed as free text (notes, incident settings, antecedents, behaviors,
// strategies, goal texts, staff names) is included: everyone in the
// channel may read it. The narrative never goes to a channel.
func ChannelReply(students []Student) bot.Reply {
	r := bot.Reply{Text: headline(students)}
	for _, s := range students {
		var lines []string
		for _, g := range s.Goals {
			lines = append(lines, goalLine(g, false))
		}
		lines = append(lines, incidentLines(s.Incidents, false)...)
		lines = append(lines, transitionLine(s.Transitions))
		for _, f := range s.Flags {
			lines = append(lines, "⚑ "+f.Text)
		}
		r.Fields = append(r.Fields, bot.Field{Label: s.Student.Label(), Value: strings.Join(nonEmpty(lines), "\n")})
	}
	r.Context = "Students by initials and code only. Names, notes and incident details are in the teacher's private summary."
	return r
}

// PrivateReply renders summaries for someone entitled to the names: the
// teacher by direct message. It adds names, goal titles, incident
// patterns and details, notes, who recorded the data and, when one was
// written, the narrative (narratives by student id; a missing one is
// said so with its reason).
func PrivateReply(students []Student, narratives map[int64]Narrative) bot.Reply {
	r := bot.Reply{Text: headline(students), Private: true}
	for _, s := range students {
		var lines []string
		if n, ok := narratives[s.Student.ID]; ok {
			if n.Text != "" {
				lines = append(lines, n.Text)
			} else if n.Reason != "" {
				lines = append(lines, "(No narrative: "+n.Reason+")")
			}
		}
		for _, g := range s.Goals {
			lines = append(lines, goalLine(g, true))
		}
		lines = append(lines, incidentLines(s.Incidents, true)...)
		lines = append(lines, transitionLine(s.Transitions))
		for _, f := range s.Flags {
			lines = append(lines, "⚑ "+f.Text)
		}
		for _, n := range s.Notes {
			lines = append(lines, fmt.Sprintf("Note %s: %s", n.At.Format("Mon 15:04"), n.Text))
		}
		if len(s.Recorders) > 0 {
			var names []string
			for _, rec := range s.Recorders {
				names = append(names, fmt.Sprintf("%s (%d)", staffName(rec), rec.Sessions))
			}
			lines = append(lines, "Data recorded by "+strings.Join(names, ", ")+".")
		}
		label := strings.TrimSpace(s.Student.FirstName + " " + s.Student.LastName + " (" + s.Student.Code + ")")
		r.Fields = append(r.Fields, bot.Field{Label: label, Value: strings.Join(nonEmpty(lines), "\n")})
	}
	return r
}

func headline(students []Student) string {
	if len(students) == 0 {
		return "Summary: no students."
	}
	goals, incidents, flags := 0, 0, 0
	for _, s := range students {
		goals += len(s.Goals)
		incidents += s.Incidents.Count
		flags += len(s.Flags)
	}
	return fmt.Sprintf("%s\n%s · %s · %s · %s", Heading(students[0].From, students[0].To),
		plural(len(students), "student"), plural(goals, "goal"), plural(incidents, "incident"), plural(flags, "flag"))
}

// goalLine is one goal's numbers and progress; the private form adds the
// goal's title.
func goalLine(g GoalStats, private bool) string {
	name := g.Goal.Code + " " + typeName(g.Goal.Type)
	if private && g.Goal.Title != "" {
		name = g.Goal.Code + " " + g.Goal.Title
	}
	if !g.Started {
		return name + ": starts after this period."
	}
	var parts []string
	switch g.Goal.Type {
	case TypeTaskAnalysis:
		if g.Trials > 0 {
			parts = append(parts, fmt.Sprintf("%s, %.0f%% independent", plural(g.Trials, "step"), g.PercentIndependent))
		}
	case TypeFrequency:
		if len(g.Points) > 0 {
			p := fmt.Sprintf("%d counted, %.1f a session day", g.Count, g.Mean)
			if g.Span > 0 {
				p += fmt.Sprintf(", %.1f an hour", g.RatePerHour)
			}
			parts = append(parts, p)
		}
	case TypeDuration:
		if len(g.Points) > 0 {
			parts = append(parts, fmt.Sprintf("mean %.1f minutes", g.Mean))
		}
	case TypeLatency:
		if len(g.Points) > 0 {
			parts = append(parts, fmt.Sprintf("mean %.0f seconds", g.Mean))
		}
	case TypeRating:
		if len(g.Points) > 0 {
			p := fmt.Sprintf("mean rating %.1f", g.Mean)
			if g.Goal.ScaleMax > 0 {
				p += fmt.Sprintf(" of %d", g.Goal.ScaleMax)
			}
			parts = append(parts, p)
		}
	default:
		if g.Trials > 0 {
			parts = append(parts, fmt.Sprintf("%s, %.0f%% correct, %.0f%% independent", plural(g.Trials, "trial"), g.PercentCorrect, g.PercentIndependent))
		}
	}
	if f := fading(g); f != "" {
		parts = append(parts, f)
	}
	unit := "days"
	if g.Goal.Schedule.Weekly {
		unit = "weeks"
	}
	parts = append(parts, fmt.Sprintf("data on %d of %d %s due", g.DaysWithData, g.DaysDue, unit))
	if g.HasTrend {
		parts = append(parts, fmt.Sprintf("trend %+.1f a week", g.TrendPerWeek))
	}
	verdict := string(g.Progress)
	if g.Why == WhyNoAim {
		verdict += " (no aim line: the goal needs a criterion and start and end dates)"
	}
	return name + ": " + strings.Join(parts, "; ") + " — " + verdict + "."
}

// fading says how the prompt levels moved against the previous period.
func fading(g GoalStats) string {
	if total(g.Prompts) == 0 {
		return ""
	}
	s := fmt.Sprintf("prompt level %.1f", g.MeanPrompt)
	if !g.HasPrevPrompts {
		return s
	}
	switch d := g.MeanPrompt - g.PrevMeanPrompt; {
	case d < -0.05:
		return s + fmt.Sprintf(", down from %.1f (fading)", g.PrevMeanPrompt)
	case d > 0.05:
		return s + fmt.Sprintf(", up from %.1f (more support)", g.PrevMeanPrompt)
	}
	return s + ", as before"
}

// incidentLines sums up incidents; the private form adds where and after
// what they cluster, and the strategies used.
func incidentLines(in IncidentStats, private bool) []string {
	if in.Count == 0 {
		return []string{"Incidents: none."}
	}
	line := fmt.Sprintf("Incidents: %d (the period before: %d), highest severity %d", in.Count, in.PrevCount, in.MaxSeverity)
	var serious []string
	if in.Restraint > 0 {
		serious = append(serious, plural(in.Restraint, "restraint"))
	}
	if in.Seclusion > 0 {
		serious = append(serious, plural(in.Seclusion, "seclusion"))
	}
	if in.Injury > 0 {
		serious = append(serious, plural(in.Injury, "injury"))
	}
	if len(serious) > 0 {
		line += " (" + strings.Join(serious, ", ") + ")"
	}
	if b := Busiest(in.ByTimeOfDay); b != "" {
		line += "; most " + b
	}
	var days []string
	for _, d := range in.ByDay {
		days = append(days, fmt.Sprintf("%s %d", d.Day.Format("Mon"), d.Count))
	}
	out := []string{line + "; by day: " + strings.Join(days, ", ") + "."}
	if private {
		if v := top(in.BySetting); v != "" {
			out = append(out, "Where: "+v+".")
		}
		if v := top(in.ByAntecedent); v != "" {
			out = append(out, "After: "+v+".")
		}
		if v := top(in.Strategies); v != "" {
			out = append(out, "Strategies: "+v+".")
		}
	}
	return out
}

// top lists up to three values with their counts.
func top(cs []Count) string {
	var out []string
	for i, c := range cs {
		if i == 3 {
			break
		}
		out = append(out, fmt.Sprintf("%s (%d)", c.Value, c.N))
	}
	return strings.Join(out, ", ")
}

func transitionLine(t TransitionStats) string {
	if t.Count == 0 {
		return ""
	}
	line := "Transitions: " + fmt.Sprint(t.Count)
	if t.Recorded > 0 {
		line += fmt.Sprintf(", %.0f%% independent", t.PercentIndependent)
	}
	if t.Timed > 0 {
		line += fmt.Sprintf(", median latency %s", t.MedianLatency.Round(time.Second))
	}
	if t.Handoffs > 0 {
		line += fmt.Sprintf("; bus and pickup handoffs recorded %d of %d", t.HandoffsComplete, t.Handoffs)
	}
	return line + "."
}

func staffName(r Recorder) string {
	if r.Name != "" {
		return r.Name
	}
	if r.Role != "" {
		return string(r.Role)
	}
	return fmt.Sprintf("staff %d", r.StaffID)
}

func plural(n int, word string) string {
	if n == 1 {
		return "1 " + word
	}
	if strings.HasSuffix(word, "y") && !strings.ContainsAny(word[len(word)-2:len(word)-1], "aeiou") {
		return fmt.Sprintf("%d %sies", n, strings.TrimSuffix(word, "y"))
	}
	return fmt.Sprintf("%d %ss", n, word)
}

func nonEmpty(lines []string) []string {
	out := lines[:0]
	for _, l := range lines {
		if l != "" {
			out = append(out, l)
		}
	}
	return out
}
