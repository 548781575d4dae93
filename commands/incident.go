package commands

import (
	"cmp"
	"context"
	"errors"
	"fmt"
	"slices"
	"strings"
	"time"
	"unicode"

	"parabot/bot"
	"parabot/scheduler"
	"parabot/schoolday"
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
			{Name: "others", Kind: bot.KindList, MaxLen: 20, Aliases: []string{"with"},
				Help: "other students involved, by code only, comma-separated"},
			{Name: "staff", Kind: bot.KindList, MaxLen: 100, Aliases: []string{"staff_involved"},
				Help: "staff involved, by name, comma-separated"},
			{Name: "witnesses", Kind: bot.KindList, MaxLen: 100, Aliases: []string{"witness"},
				Help: "witnesses: staff by name, students by code, comma-separated"},
			{Name: "injury", Kind: bot.KindBool, Help: "was anyone injured (yes/no; unanswered is not recorded)"},
			{Name: "injured", Kind: bot.KindList, MaxLen: 20,
				Help: "who was injured, comma-separated: student, peer, staff"},
			{Name: "nurse", Kind: bot.KindBool, Help: "did the nurse see who was injured (yes/no)"},
			{Name: "restraint", Kind: bot.KindBool, Help: "was the student physically restrained (yes/no; unanswered is not recorded)"},
			{Name: "seclusion", Kind: bot.KindBool, Help: "was the student secluded (yes/no; unanswered is not recorded)"},
			// The restraint or seclusion record: forms open it on a yes.
			{Name: "hold", OpensWith: held, Kind: bot.KindChoice, Aliases: []string{"restraint_type", "hold_type"}, Choices: holdTypes,
				Help: "restraint or seclusion: its type (physical escort, prone, supine, seated, standing, seclusion room)"},
			{Name: "start", OpensWith: held, Kind: bot.KindTime, Aliases: []string{"hold_start"},
				Help: "restraint or seclusion: when it started (10:15)"},
			{Name: "end", OpensWith: held, Kind: bot.KindTime, Aliases: []string{"hold_end"},
				Help: "restraint or seclusion: when it ended (10:18)"},
			{Name: "applied_by", OpensWith: held, Kind: bot.KindList, MaxLen: 100, Aliases: []string{"by"},
				Help: "restraint or seclusion: who applied it, by name, comma-separated"},
			{Name: "observation", OpensWith: held, Kind: bot.KindText, MaxLen: 1000, Aliases: []string{"observed"},
				Help: "restraint or seclusion: what was observed during it (breathing, color, words)"},
			{Name: "notes", Kind: bot.KindText, MaxLen: 2000, Aliases: []string{"note", "comment"},
				Help: "anything else: notes=was tired, or end the line with -- was tired"},
			againParam(),
		},
		Examples: []string{
			"/incident S101 threw a pencil at a peer antecedent=asked to start math consequence=break in calm corner severity=2",
			"/incident Ava hit staff a=transition to lunch c=walked with staff sev=4 duration=5m where=hallway injury=yes at=-15m",
			"/incident S101 ran into the street a=dismissal c=escorted back sev=5 injury=no restraint=yes seclusion=no hold=physical escort start=15:05 end=15:08 applied_by=Jamie Lee observation=calm, breathing normal",
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
			if err := checkNames(ctx, d.Store, c, st, "behavior", "antecedent", "consequence", "notes", "observation", "witnesses"); err != nil {
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
			for _, q := range scheduler.YesNoQuestions {
				if !v.Has(q) {
					in.NotRecorded = append(in.NotRecorded, q)
				}
			}
			if in.Details, err = incidentDetails(v, in); err != nil {
				return bot.Reply{}, err
			}
			facts := fmt.Sprintf("%s: %s.", when(in.At, c.Now), scheduler.IncidentFacts(in))
			in.Summary = "Logged incident for " + st.Label() + facts
			plan, err := planIncident(ctx, d, c, st, in)
			if err != nil {
				return bot.Reply{}, err
			}
			out, err := d.Store.LogIncidentOpening(ctx, in, nil, plan.open)
			if err != nil {
				return bot.Reply{}, fmt.Errorf("logging incident: %w", err)
			}
			r := logged(out.Entry, "Logged incident for "+bot.Named(st)+facts)
			if line := plan.lines(out, c.School.Location()); line != "" {
				r.Text += "\n" + line
			}
			if in.Severe() {
				n := len(plan.first.present) + plan.fyi
				r.Context = fmt.Sprintf("Severe incident: %s being sent to the teacher and admin now.", plural(n, "direct message is", "direct messages are"))
				if n == 0 {
					r.Context = "Severe incident: no teacher or admin is on the roster to tell. Call the office now."
				}
			}
			return r, nil
		},
	}
}

// held are the questions that open a restraint or seclusion record.
var held = []string{"restraint", "seclusion"}

// holdTypes are the kinds of restraint and seclusion a record names.
var holdTypes = []bot.Choice{{Value: "physical escort"}, {Value: "prone"}, {Value: "supine"}, {Value: "seated"},
	{Value: "standing"}, {Value: "seclusion room"}}

// holdFields are what a restraint or seclusion record needs, in form order.
var holdFields = []string{"hold", "start", "end", "applied_by", "observation"}

// incidentDetails reads the record beyond ABC and checks it: who was
// injured must agree with injury, and a restraint or seclusion needs its
// whole record (type, start, end, who applied it, observation), which
// nothing else may carry.
func incidentDetails(v bot.Values, in storage.Incident) (storage.IncidentDetails, error) {
	d := storage.IncidentDetails{StaffInvolved: v.List("staff"), Witnesses: v.List("witnesses"),
		HoldType: v.Text("hold"), AppliedBy: v.List("applied_by"), Observation: v.Text("observation")}
	for i, w := range d.Witnesses {
		if isStudentCode(w) {
			d.Witnesses[i] = strings.ToUpper(w)
		}
	}
	for _, who := range v.List("injured") {
		who = strings.ToLower(who)
		if who != "student" && who != "peer" && who != "staff" {
			return d, bot.Errorf("injured", "%q is not one of student, peer, staff; write injured=student,staff.", who)
		}
		d.Injured = append(d.Injured, who)
	}
	if len(d.Injured) > 0 && in.YesNo("injury") == "no" {
		return d, bot.Errorf("injured", "injury=no, but injured names who was hurt; write injury=yes or leave injured out.")
	}
	if v.Has("nurse") {
		if v.Bool("nurse") {
			d.NurseSaw = "yes"
		} else {
			d.NurseSaw = "no"
		}
	}
	if v.Has("start") {
		d.HoldStart = v.Time("start").UTC()
	}
	if v.Has("end") {
		d.HoldEnd = v.Time("end").UTC()
	}
	held := in.Restraint || in.Seclusion
	if !held {
		for _, f := range holdFields {
			if v.Has(f) {
				return d, bot.Errorf(f, "%s= is part of a restraint or seclusion record; add restraint=yes or seclusion=yes, or leave it out.", f)
			}
		}
		return d, nil
	}
	for _, f := range holdFields {
		if !v.Has(f) {
			return d, bot.Missingf(f, "A restraint or seclusion needs its full record: hold (its type), start, end, applied_by and observation. Missing %s.\n"+
				"Example: hold=physical escort start=10:15 end=10:18 applied_by=Jo Rivera, Sam Lee observation=breathing normal, calm after", f)
		}
	}
	if !d.HoldEnd.After(d.HoldStart) {
		return d, bot.Errorf("end", "The end (%s) must be after the start (%s).", v.Time("end").Format("15:04"), v.Time("start").Format("15:04"))
	}
	return d, nil
}

// isStudentCode reports whether w looks like a student code (S101).
func isStudentCode(w string) bool {
	if len(w) < 2 || len(w) > 16 || !unicode.IsLetter(rune(w[0])) {
		return false
	}
	return strings.IndexFunc(w[1:], unicode.IsDigit) >= 0 && !strings.Contains(w, " ")
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

// severeFYI are the direct messages a severe incident sends at once to
// the student's teachers and the school's admins who are not on the
// first level its escalation tells (those get the escalation's own
// message, so each person gets one message): the whole record, who was
// told, and when they will be asked to act. It returns them as the
// escalation's jobs (they name it) and how many people they tell.
func severeFYI(ctx context.Context, d Deps, c *bot.Call, st storage.Student, in storage.Incident, p incidentPlan) (func(storage.Escalation) []storage.Job, int, error) {
	all, err := severeRecipients(ctx, d.Store, c.Staff, st, p.esc.Ladder.Facts.Staff)
	if err != nil {
		return nil, 0, err
	}
	var to []int64
	for _, id := range all {
		if !slices.ContainsFunc(p.first.present, func(m storage.Staff) bool { return m.ID == id }) {
			to = append(to, id)
		}
	}
	l, loc := p.esc.Ladder, c.School.Location()
	next := map[int64]bool{}
	var by time.Time
	if p.first.n > 0 && p.first.n < len(l.Policy) {
		present, _, err := l.Members(ctx, d.Store, p.esc.Escalation, p.first.n+1)
		if err != nil {
			return nil, 0, err
		}
		for _, m := range present {
			next[m.ID] = true
		}
		by, _ = scheduler.StepTime(l.School, l.Special, p.esc.Escalation.Urgent, p.esc.At.Add(l.Timeout(p.esc.Escalation, p.first.n)))
	}
	byText := by.In(loc).Format("15:04")
	if schoolday.Today(by, loc) != schoolday.Today(c.Now, loc) {
		byText = by.In(loc).Format("15:04 Mon Jan 2")
	}
	record := scheduler.IncidentRecord(in, loc)
	return func(e storage.Escalation) []storage.Job {
		jobs := make([]storage.Job, 0, len(to))
		for _, id := range to {
			text := fmt.Sprintf("Severe incident: %s, logged by %s. Escalation #%d went to %s", bot.Named(st), c.Staff.Name, e.ID, scheduler.Names(p.first.present))
			switch {
			case p.first.n == 0:
				text = fmt.Sprintf("Severe incident: %s, logged by %s. Escalation #%d: nobody on the school's escalation levels is present today.", bot.Named(st), c.Staff.Name, e.ID)
			case next[id]:
				text += fmt.Sprintf("; you will be asked to act if nobody acknowledges it by %s.", byText)
			default:
				text += "; for your information."
			}
			if in.Protected() && p.esc.Ladder.Facts.Staff[id].Role == storage.RoleAdmin {
				text += "\n" + scheduler.VoidLine(e.IncidentID)
			}
			jobs = append(jobs, scheduler.Deliver(bot.Message{StaffID: id, Reply: bot.Reply{Text: text, Fields: record}}, c.Req.Platform))
		}
		return jobs
	}, len(to), nil
}

// severeRecipients are who hears of a severe incident at once: the
// student's teachers and the school's admins among staff (the school's
// active staff, as the escalation's ladder read them), except the
// author, in staff order (by name), so the jobs' order is stable.
func severeRecipients(ctx context.Context, s storage.Store, author storage.Staff, st storage.Student, staff map[int64]storage.Staff) ([]int64, error) {
	ts, err := teachers(ctx, s, st.ID)
	if err != nil {
		return nil, err
	}
	var out []storage.Staff
	for _, m := range staff {
		if m.ID != author.ID && (m.Role == storage.RoleAdmin || slices.ContainsFunc(ts, func(t storage.Staff) bool { return t.ID == m.ID })) {
			out = append(out, m)
		}
	}
	slices.SortFunc(out, func(a, b storage.Staff) int { return cmp.Or(strings.Compare(a.Name, b.Name), cmp.Compare(a.ID, b.ID)) })
	ids := make([]int64, len(out))
	for i, m := range out {
		ids[i] = m.ID
	}
	return ids, nil
}
