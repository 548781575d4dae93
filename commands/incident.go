package commands

import (
	"context"
	"errors"
	"fmt"
	"strings"

	"parabot/bot"
	"parabot/scheduler"
	"parabot/storage"
)

// Incident logs a behavior incident in ABC form.
func Incident(d Deps) *bot.Command {
	return &bot.Command{
		Name:    "incident",
		Summary: "Log a behavior incident (ABC: antecedent, behavior, consequence).",
		Roles:   loggers,
		Params: []bot.Param{
			studentParam(),
			{Name: "behavior", Kind: bot.KindText, Required: true, Positional: true, Aliases: []string{"b"}, MaxLen: 1000,
				Help: "what the student did, observable (e.g. threw a pencil at a peer)"},
			{Name: "antecedent", Kind: bot.KindText, Required: true, Aliases: []string{"a", "before"}, MaxLen: 1000,
				Help: "what happened just before"},
			{Name: "consequence", Kind: bot.KindText, Required: true, Aliases: []string{"c", "after"}, MaxLen: 1000,
				Help: "what followed (your response, what the student got or avoided)"},
			{Name: "severity", Kind: bot.KindInt, Required: true, Min: 1, Max: storage.MaxSeverity, Aliases: []string{"sev"},
				Help: "1 (mild) to 5 (severe: teacher and admin are told at once)"},
			atParam(),
			forceParam(),
			{Name: "duration", Kind: bot.KindDuration, Aliases: []string{"dur", "for"},
				Help: "how long it lasted: 90s, 5m, 1h"},
			{Name: "setting", Kind: bot.KindText, MaxLen: 100, Aliases: []string{"where"},
				Help:    "where it happened",
				Choices: []bot.Choice{{Value: "classroom"}, {Value: "hallway"}, {Value: "cafeteria"}, {Value: "playground"}, {Value: "bus"}, {Value: "gym"}, {Value: "specials"}, {Value: "bathroom"}}},
			{Name: "strategies", Kind: bot.KindList, MaxLen: 100, Aliases: []string{"tried"},
				Help: "what you used, comma-separated: break, first-then, replacement behavior"},
			{Name: "injury", Kind: bot.KindBool, Default: "no", Help: "was anyone injured (yes/no)"},
			{Name: "restraint", Kind: bot.KindBool, Default: "no", Help: "was the student physically restrained (yes/no)"},
			{Name: "seclusion", Kind: bot.KindBool, Default: "no", Help: "was the student secluded (yes/no)"},
			{Name: "others", Kind: bot.KindList, MaxLen: 20, Aliases: []string{"with"},
				Help: "other students involved, by code only, comma-separated"},
			{Name: "notes", Kind: bot.KindText, MaxLen: 2000, Aliases: []string{"note", "comment"},
				Help: "anything else: notes=was tired, or end the line with -- was tired"},
		},
		Examples: []string{
			"/incident S101 threw a pencil at a peer antecedent=asked to start math consequence=break in calm corner severity=2",
			"/incident Ava hit staff a=transition to lunch c=walked with staff sev=4 duration=5m where=hallway injury=yes at=-15m",
		},
		Run: func(ctx context.Context, c *bot.Call) (bot.Reply, error) {
			if err := checkSchoolDay(ctx, d.Store, c, c.Values.Time("at")); err != nil {
				return bot.Reply{}, err
			}
			v := c.Values
			st := v.Student("student")
			others, err := otherStudents(ctx, d.Store, c.Staff.SchoolID, st, v.List("others"))
			if err != nil {
				return bot.Reply{}, err
			}
			in := storage.Incident{
				StudentID: st.ID, StaffID: c.Staff.ID, At: v.Time("at"), Duration: v.Duration("duration"),
				Setting: v.Text("setting"), Antecedent: v.Text("antecedent"), Behavior: v.Text("behavior"),
				Consequence: v.Text("consequence"), Severity: v.Int("severity"), Strategies: v.List("strategies"),
				Injury: v.Bool("injury"), Restraint: v.Bool("restraint"), Seclusion: v.Bool("seclusion"),
				Others: others, Notes: v.Text("notes"),
				LoggedAt: c.Now,
			}
			facts := fmt.Sprintf("%s: %s.", when(in.At, c.Now), incidentFacts(in))
			in.Summary = "Logged incident for " + st.Label() + facts
			var jobs []storage.Job
			if in.Severe() {
				jobs, err = severeAlerts(ctx, d.Store, c, st, in)
				if err != nil {
					return bot.Reply{}, err
				}
			}
			e, err := d.Store.LogIncident(ctx, in, jobs)
			if err != nil {
				return bot.Reply{}, fmt.Errorf("logging incident: %w", err)
			}
			r := logged(e, "Logged incident for "+bot.Named(st)+facts)
			if line := escalateIncident(ctx, d, c, st, in, e); line != "" {
				r.Text += "\n" + line
			}
			if in.Severe() {
				r.Context = fmt.Sprintf("Severe incident: %s being sent to the teacher and admin now.", plural(len(jobs), "direct message is", "direct messages are"))
				if len(jobs) == 0 {
					r.Context = "Severe incident: no teacher or admin is on the roster to tell. Call the office now."
				}
			}
			return r, nil
		},
	}
}

// incidentFacts is the one-line, name-free description of an incident.
func incidentFacts(in storage.Incident) string {
	facts := []string{fmt.Sprintf("severity %d", in.Severity)}
	if in.Duration > 0 {
		facts = append(facts, bot.FormatDuration(in.Duration))
	}
	if in.Setting != "" {
		facts = append(facts, in.Setting)
	}
	for _, f := range []struct {
		on   bool
		name string
	}{{in.Injury, "injury"}, {in.Restraint, "restraint"}, {in.Seclusion, "seclusion"}} {
		if f.on {
			facts = append(facts, f.name)
		}
	}
	return strings.Join(facts, ", ")
}

// otherStudents checks the codes of other students involved: codes of
// this school, never names, never the student themself.
func otherStudents(ctx context.Context, s storage.Store, schoolID int64, self storage.Student, codes []string) ([]string, error) {
	if len(codes) == 0 {
		return nil, nil
	}
	out := make([]string, 0, len(codes))
	for _, code := range codes {
		st, err := s.StudentByCode(ctx, schoolID, code)
		if err != nil && !errors.Is(err, storage.ErrNotFound) {
			return nil, fmt.Errorf("finding student by code: %w", err)
		}
		switch {
		case err != nil || !st.Active:
			return nil, bot.Errorf("others", "%q is not a student code of this school; name other students by code only (like S102).", code)
		case st.ID == self.ID:
			return nil, bot.Errorf("others", "%s is the student the incident is about; list only the other students.", st.Code)
		}
		out = append(out, st.Code)
	}
	return out, nil
}

// severeAlerts are the direct messages a severe incident sends at once:
// to the student's teachers and the school's admins, with full details
// (they are entitled to them; channels never get them).
func severeAlerts(ctx context.Context, s storage.Store, c *bot.Call, st storage.Student, in storage.Incident) ([]storage.Job, error) {
	to, err := severeRecipients(ctx, s, c.Staff, st)
	if err != nil {
		return nil, err
	}
	msg := bot.Reply{
		Text: fmt.Sprintf("Severe incident: %s, logged by %s.", bot.Named(st), c.Staff.Name),
		Fields: []bot.Field{
			{Label: "When", Value: in.At.In(c.School.Location()).Format("Mon Jan 2 15:04")},
			{Label: "Facts", Value: incidentFacts(in)},
			{Label: "Antecedent", Value: in.Antecedent},
			{Label: "Behavior", Value: in.Behavior},
			{Label: "Consequence", Value: in.Consequence},
		},
	}
	jobs := make([]storage.Job, 0, len(to))
	for _, id := range to {
		jobs = append(jobs, scheduler.Deliver(bot.Message{StaffID: id, Reply: msg}, c.Req.Platform))
	}
	return jobs, nil
}

// severeRecipients are who hears of a severe incident at once: the
// student's teachers and the school's admins, except the author. Staff
// order keeps the jobs' order stable.
func severeRecipients(ctx context.Context, s storage.Store, author storage.Staff, st storage.Student) ([]int64, error) {
	ts, err := teachers(ctx, s, st.ID)
	if err != nil {
		return nil, err
	}
	staff, err := s.ListStaff(ctx, author.SchoolID)
	if err != nil {
		return nil, fmt.Errorf("listing staff: %w", err)
	}
	want := map[int64]bool{}
	for _, t := range ts {
		want[t.ID] = true
	}
	for _, m := range staff {
		if m.Role == storage.RoleAdmin {
			want[m.ID] = true
		}
	}
	delete(want, author.ID)
	var out []int64
	for _, m := range staff {
		if want[m.ID] {
			out = append(out, m.ID)
		}
	}
	return out, nil
}
