package export

import (
	"bufio"
	"fmt"
	"io"
	"strings"
	"text/tabwriter"
	"time"
)

// timeLayout is how the text report writes a moment (school time).
const timeLayout = "2006-01-02 15:04"

// Text writes the report for people: the student, each goal with its
// session days and mastery, then incidents, transitions and notes in time
// order.
func Text(w io.Writer, r Report) error {
	bw := bufio.NewWriter(w)
	p := func(format string, args ...any) { fmt.Fprintf(bw, format, args...) }
	loc, err := time.LoadLocation(r.TimeZone)
	if err != nil {
		loc = time.UTC // a report built by Build always names a known zone
	}

	s := r.Student
	name := strings.TrimSpace(s.FirstName + " " + s.LastName)
	p("IEP data export: %s (%s, %s), grade %s\n", name, s.Code, s.Initials, s.Grade)
	p("School: %s (times are %s)\n", r.School, r.TimeZone)
	p("Range: %s to %s\n", r.From, r.To)
	if !r.GeneratedAt.IsZero() {
		p("Exported %s by %s. Reason: %s\n", r.GeneratedAt.Format(timeLayout), r.ExportedBy, r.Reason)
	}
	p("Undone entries are left out, except incidents: they stay, marked voided.\n")

	p("\n== Goals (%d) ==\n", len(r.Goals))
	if len(r.Goals) == 0 {
		p("\nNo active goals.\n")
	}
	for _, g := range r.Goals {
		textGoal(bw, g, r.GoalData)
	}

	p("\n== Incidents (%d) ==\n", len(r.Incidents))
	if len(r.Incidents) == 0 {
		p("\nNo incidents in this range.\n")
	}
	for _, in := range r.Incidents {
		facts := []string{in.At.Format(timeLayout), fmt.Sprintf("severity %d", in.Severity)}
		if in.DurationSeconds > 0 {
			facts = append(facts, duration(in.DurationSeconds))
		}
		if in.Setting != "" {
			facts = append(facts, in.Setting)
		}
		p("\n%s, logged by %s\n", strings.Join(facts, " · "), in.LoggedBy)
		if v := in.Voided; v != nil {
			p("  VOIDED %s by %s: %s\n", v.At.Format(timeLayout), v.By, v.Reason)
		}
		p("  Antecedent: %s\n", orDash(in.Antecedent))
		p("  Behavior: %s\n", orDash(in.Behavior))
		p("  Consequence: %s\n", orDash(in.Consequence))
		p("  Strategies: %s\n", orDash(strings.Join(in.Strategies, ", ")))
		p("  Injury: %s · Restraint: %s · Seclusion: %s\n", in.YesNo("injury"), in.YesNo("restraint"), in.YesNo("seclusion"))
		if len(in.Others) > 0 {
			p("  Other students involved: %s\n", strings.Join(in.Others, ", "))
		}
		d := in.Record
		if len(d.StaffInvolved) > 0 {
			p("  Staff involved: %s\n", strings.Join(d.StaffInvolved, ", "))
		}
		if len(d.Witnesses) > 0 {
			p("  Witnesses: %s\n", strings.Join(d.Witnesses, ", "))
		}
		if len(d.Injured) > 0 {
			p("  Injured: %s · seen by the nurse: %s\n", strings.Join(d.Injured, ", "), orNotRecorded(d.NurseSaw))
		}
		if d.HoldType != "" {
			p("  Restraint/seclusion: %s, %s to %s, applied by %s\n", d.HoldType, d.HoldStart.In(loc).Format("15:04"),
				d.HoldEnd.In(loc).Format("15:04"), strings.Join(d.AppliedBy, ", "))
			p("  Observation: %s\n", d.Observation)
		}
		if in.Notes != "" {
			p("  Notes: %s\n", in.Notes)
		}
	}

	p("\n== Transitions (%d) ==\n\n", len(r.Transitions))
	if len(r.Transitions) == 0 {
		p("No transitions in this range.\n")
	}
	for _, t := range r.Transitions {
		facts := []string{t.From + " → " + t.To, t.Prompt}
		if t.LatencySeconds > 0 {
			facts = append(facts, "latency "+duration(t.LatencySeconds))
		}
		if t.HandoffTo != "" {
			facts = append(facts, "released to "+t.HandoffTo)
		}
		p("%s  %s, logged by %s\n", t.At.Format(timeLayout), strings.Join(facts, " · "), t.LoggedBy)
	}

	p("\n== Notes (%d) ==\n", len(r.Notes))
	if len(r.Notes) == 0 {
		p("\nNo notes in this range.\n")
	}
	for _, n := range r.Notes {
		to := ""
		if n.ToStaff != "" {
			to = " to " + n.ToStaff
		}
		p("\n%s  from %s%s\n", n.At.Format(timeLayout), n.LoggedBy, to)
		p("  %s\n", strings.ReplaceAll(n.Text, "\n", "\n  "))
	}

	p("\n== Escalations (%d) ==\n", len(r.Escalations))
	if len(r.Escalations) == 0 {
		p("\nNo escalations in this range.\n")
	}
	for _, e := range r.Escalations {
		urgent := ""
		if e.Urgent {
			urgent = ", urgent"
		}
		p("\n#%d %s (%s%s), opened %s by %s\n", e.ID, e.Kind, e.State, urgent, e.OpenedAt.Format(timeLayout), e.OpenedBy)
		p("  %s\n", strings.ReplaceAll(e.Body, "\n", "\n  "))
		for _, st := range e.Timeline {
			p("  %s\n", stepLine(st))
		}
	}
	return bw.Flush()
}

// textGoal writes one goal: what it is, its criterion and whether it was
// met, the overall figures and a table of session days.
func textGoal(w *bufio.Writer, g Goal, data []GoalData) {
	fmt.Fprintf(w, "\n%s (%s): %s\n", g.Code, g.Domain, g.Text)
	fmt.Fprintf(w, "  Type: %s\n", strings.ReplaceAll(g.Type, "_", " "))
	if len(g.Steps) > 0 {
		fmt.Fprintf(w, "  Steps: %s\n", strings.Join(g.Steps, " | "))
	}
	if len(g.Scale) > 0 {
		fmt.Fprintf(w, "  Scale: %s\n", scaleText(g.Scale))
	}
	fmt.Fprintf(w, "  Measurement: %s\n", orDash(g.Measurement))
	fmt.Fprintf(w, "  Baseline: %s\n", orDash(g.Baseline))
	fmt.Fprintf(w, "  Goal dates: %s to %s\n", orDash(g.StartDate), orDash(g.EndDate))
	if g.Type != "trials" && g.Type != "" {
		var n int
		for _, d := range data {
			if d.Goal != g.Code {
				continue
			}
			if n == 0 {
				fmt.Fprintf(w, "  Data:\n")
			}
			n++
			note := ""
			if d.Note != "" {
				note = " — " + d.Note
			}
			fmt.Fprintf(w, "    %s  %s  (%s)%s\n", d.At.Format(timeLayout), d.Values, d.LoggedBy, note)
		}
		if n == 0 {
			fmt.Fprintf(w, "  No data in this range.\n")
		}
		return
	}
	c := g.Criterion
	fmt.Fprintf(w, "  Mastery criterion: %d%% correct over %d consecutive session days with at least %d trials each\n",
		c.Percent, c.Sessions, c.MinTrials)
	if g.Mastery.Met {
		fmt.Fprintf(w, "  Mastery: MET on %s\n", g.Mastery.MetOn)
	} else {
		fmt.Fprintf(w, "  Mastery: not met (longest run: %d of %d session days)\n", g.Mastery.BestRun, g.Mastery.Needed)
	}
	if g.TrialCount == 0 {
		fmt.Fprintf(w, "  No trials in this range.\n")
		return
	}
	fmt.Fprintf(w, "  Overall: %d trials, %d correct (%s), %d independent (%s); prompts: %s\n",
		g.TrialCount, g.Correct, pct(g.PercentCorrect), g.Independent, pct(g.PercentIndependent), prompts(g.Prompts))
	tw := tabwriter.NewWriter(w, 0, 0, 2, ' ', tabwriter.AlignRight)
	fmt.Fprint(tw, "  Session day\tTrials\tCorrect\tIndependent\t\n")
	for _, s := range g.Sessions {
		fmt.Fprintf(tw, "  %s\t%d\t%s\t%s\t  %s\n", s.Date, s.TrialCount, pct(s.PercentCorrect), pct(s.PercentIndependent), prompts(s.Prompts))
	}
	tw.Flush()
}

func prompts(ps []PromptCount) string {
	out := make([]string, 0, len(ps))
	for _, p := range ps {
		out = append(out, fmt.Sprintf("%s %d", p.Level, p.Count))
	}
	return strings.Join(out, ", ")
}

func pct(p *int) string {
	if p == nil {
		return "-"
	}
	return fmt.Sprintf("%d%%", *p)
}

// duration writes seconds the way people say them: 45s, 4m, 1h 5m.
func duration(sec int64) string {
	d := time.Duration(sec) * time.Second
	h, m, s := int(d.Hours()), int(d.Minutes())%60, int(d.Seconds())%60
	var parts []string
	if h > 0 {
		parts = append(parts, fmt.Sprintf("%dh", h))
	}
	if m > 0 {
		parts = append(parts, fmt.Sprintf("%dm", m))
	}
	if s > 0 || len(parts) == 0 {
		parts = append(parts, fmt.Sprintf("%ds", s))
	}
	return strings.Join(parts, " ")
}

func yesNo(b bool) string {
	if b {
		return "yes"
	}
	return "no"
}

func orDash(s string) string {
	if strings.TrimSpace(s) == "" {
		return "-"
	}
	return s
}

// scaleText lists a rating scale: "1 not yet, 2 emerging, 3 mastered".
func scaleText(scale []string) string {
	parts := make([]string, len(scale))
	for i, l := range scale {
		parts[i] = fmt.Sprintf("%d %s", i+1, l)
	}
	return strings.Join(parts, ", ")
}

func orNotRecorded(s string) string {
	if s == "" {
		return "not recorded"
	}
	return s
}
