package export

import (
	"context"
	"fmt"
	"time"

	"parabot/bot"
	"parabot/storage"
)

// dateLayout is how days are written: the school's calendar date.
const dateLayout = "2006-01-02"

// Report is one student's data for an IEP meeting, every time in the
// school's zone. It is also the JSON document: its field names are the
// stable snake_case names readers of the JSON rely on.
type Report struct {
	School      string    `json:"school"`
	TimeZone    string    `json:"time_zone"`
	From        string    `json:"from"` // first day, YYYY-MM-DD
	To          string    `json:"to"`   // last day (inclusive), YYYY-MM-DD
	GeneratedAt time.Time `json:"generated_at"`
	ExportedBy  string    `json:"exported_by"` // staff handle
	Reason      string    `json:"reason"`

	Student Student `json:"student"`
	Goals   []Goal  `json:"goals"`
	Trials  []Trial `json:"trials"`
	// GoalData is every goal session of any type, oldest first, as
	// logged: its values in words and the comment typed with it.
	GoalData    []GoalData   `json:"goal_data"`
	Incidents   []Incident   `json:"incidents"`
	Transitions []Transition `json:"transitions"`
	Notes       []Note       `json:"notes"`
	Escalations []Escalation `json:"escalations"`
}

// Student is who the report is about. The name is there because the
// report is for the IEP team; channels never see it.
type Student struct {
	Code      string `json:"code"`
	Initials  string `json:"initials"`
	FirstName string `json:"first_name"`
	LastName  string `json:"last_name"`
	Grade     string `json:"grade"`
}

// Goal is one active IEP goal with its trials summed up by session day
// (a goal of another type has its sessions in Report.GoalData).
type Goal struct {
	Code        string    `json:"code"`
	Type        string    `json:"type"` // trials, frequency, duration, latency, task_analysis, rating
	Title       string    `json:"title"`
	Steps       []string  `json:"steps,omitempty"` // task analysis
	Scale       []string  `json:"scale,omitempty"` // rating: the labels of 1..N
	Text        string    `json:"text"`
	Domain      string    `json:"domain"`
	Measurement string    `json:"measurement"`
	Baseline    string    `json:"baseline"`
	StartDate   string    `json:"start_date"`
	EndDate     string    `json:"end_date"`
	Criterion   Criterion `json:"mastery_criterion"`
	Tally
	Sessions []Session `json:"sessions"`
	Mastery  Mastery   `json:"mastery"`
}

// Criterion is a goal's mastery criterion: Percent correct over Sessions
// consecutive session days with at least MinTrials trials each.
type Criterion struct {
	Percent   int `json:"percent"`
	Sessions  int `json:"sessions"`
	MinTrials int `json:"min_trials"`
}

// Tally sums up some trials. A prompted correct is correct but not
// independent; the percents are rounded and null when there are no trials.
type Tally struct {
	TrialCount         int  `json:"trial_count"`
	Correct            int  `json:"correct"`
	Independent        int  `json:"independent"` // correct with no prompt
	PercentCorrect     *int `json:"percent_correct"`
	PercentIndependent *int `json:"percent_independent"`
	// Prompts counts correct trials by the prompt they took, least support
	// first, then incorrect and no response: a wrong answer is never
	// counted as independent.
	Prompts []PromptCount `json:"prompts"`
}

// PromptCount is how many trials were run at one prompt level.
type PromptCount struct {
	Level string `json:"level"`
	Count int    `json:"count"`
}

// Session is the trials of one goal on one school day.
type Session struct {
	Date string `json:"date"`
	Tally
}

// Mastery says whether the criterion was met in the report's range: a run
// of Needed consecutive session days, each with enough trials and a high
// enough percent correct. A session day with too few trials or too low a
// percent breaks the run.
type Mastery struct {
	Met     bool   `json:"met"`
	MetOn   string `json:"met_on,omitempty"` // the day the first full run ended
	BestRun int    `json:"best_run"`         // longest run of qualifying session days
	Needed  int    `json:"needed"`
}

// GoalData is one session of a goal, of any type.
type GoalData struct {
	At       time.Time `json:"at"`
	Goal     string    `json:"goal"`
	Type     string    `json:"type"`
	Values   string    `json:"values"` // in words: "count 3 in 30m (6.0 an hour)", "duration 8m30s"
	Data     string    `json:"data"`   // the values as stored (JSON in the type's shape)
	Note     string    `json:"note"`
	LoggedBy string    `json:"logged_by"`
}

// Trial is one goal trial.
type Trial struct {
	At       time.Time `json:"at"`
	Goal     string    `json:"goal"`
	Outcome  string    `json:"outcome"`
	Prompt   string    `json:"prompt"`
	LoggedBy string    `json:"logged_by"`
}

// Incident is one behavior incident in ABC form.
type Incident struct {
	At              time.Time `json:"at"`
	DurationSeconds int64     `json:"duration_seconds"`
	Setting         string    `json:"setting"`
	Antecedent      string    `json:"antecedent"`
	Behavior        string    `json:"behavior"`
	Consequence     string    `json:"consequence"`
	Severity        int       `json:"severity"`
	Strategies      []string  `json:"strategies"`
	Injury          bool      `json:"injury"`
	Restraint       bool      `json:"restraint"`
	Seclusion       bool      `json:"seclusion"`
	Others          []string  `json:"others"` // other students, by code only
	// NotRecorded lists the yes/no questions nobody answered (injury,
	// restraint, seclusion): their false is "not recorded", not "no".
	NotRecorded []string `json:"not_recorded"`
	// Voided is set when the incident was undone or voided: it stays in
	// the record, with who and why.
	Voided *Void `json:"voided,omitempty"`
	// Record is the rest of the incident form: staff involved,
	// witnesses, injuries, and a restraint or seclusion's record.
	Record   storage.IncidentDetails `json:"record"`
	Notes    string                  `json:"notes"`
	LoggedBy string                  `json:"logged_by"`
}

// Void is who took back an incident, when and why.
type Void struct {
	At     time.Time `json:"at"`
	By     string    `json:"by"`
	Reason string    `json:"reason"`
}

// Transition is one transition with its support, latency and handoff.
type Transition struct {
	At             time.Time `json:"at"`
	From           string    `json:"from"`
	To             string    `json:"to"`
	Prompt         string    `json:"prompt"`
	LatencySeconds int64     `json:"latency_seconds"`
	HandoffTo      string    `json:"handoff_to"`
	LoggedBy       string    `json:"logged_by"`
}

// Note is one note from a para to the teacher.
type Note struct {
	At       time.Time `json:"at"`
	Text     string    `json:"text"`
	LoggedBy string    `json:"logged_by"`
	ToStaff  string    `json:"to_staff"` // the teacher's handle; empty when none
}

// Build gathers a student's active goals and active records from the first
// to the last day given (YYYY-MM-DD in the school's zone, both included).
// Undone entries are left out. It checks nobody's rights and records no
// audit row: Prepare does both.
func Build(ctx context.Context, store storage.Store, studentID int64, from, to string) (Report, error) {
	st, err := store.Student(ctx, studentID)
	if err != nil {
		return Report{}, fmt.Errorf("loading student %d: %w", studentID, err)
	}
	school, err := store.School(ctx, st.SchoolID)
	if err != nil {
		return Report{}, fmt.Errorf("loading school %d: %w", st.SchoolID, err)
	}
	loc := school.Location()
	start, err := parseDay(loc, from, "from")
	if err != nil {
		return Report{}, err
	}
	last, err := parseDay(loc, to, "to")
	if err != nil {
		return Report{}, err
	}
	if start.After(last) {
		return Report{}, bot.Errorf("from", "The from date %s is after the to date %s; give a from date on or before the to date.", from, to)
	}
	end := time.Date(last.Year(), last.Month(), last.Day()+1, 0, 0, 0, 0, loc)

	b := &builder{ctx: ctx, store: store, loc: loc, handles: map[int64]string{}}
	r := Report{
		School: school.Name, TimeZone: loc.String(), From: start.Format(dateLayout), To: last.Format(dateLayout),
		Student: Student{Code: st.Code, Initials: st.Initials, FirstName: st.FirstName, LastName: st.LastName, Grade: st.Grade},
	}
	f := storage.Filter{StudentID: studentID, From: start, To: end}
	if r.Goals, r.Trials, err = b.goals(f); err != nil {
		return Report{}, err
	}
	if r.GoalData, err = b.goalData(f); err != nil {
		return Report{}, err
	}
	if r.Incidents, err = b.incidents(f); err != nil {
		return Report{}, err
	}
	if r.Transitions, err = b.transitions(f); err != nil {
		return Report{}, err
	}
	if r.Notes, err = b.notes(f); err != nil {
		return Report{}, err
	}
	if r.Escalations, err = b.escalations(f); err != nil {
		return Report{}, err
	}
	return r, nil
}

// parseDay reads a YYYY-MM-DD day as its midnight in loc.
func parseDay(loc *time.Location, s, param string) (time.Time, error) {
	d, err := time.ParseInLocation(dateLayout, s, loc)
	if err != nil {
		return time.Time{}, bot.Errorf(param, "The %s date %q is not a date; write it as YYYY-MM-DD, e.g. 2026-09-01.", param, s)
	}
	return d, nil
}

// builder turns stored records into report rows, remembering staff
// handles it has looked up.
type builder struct {
	ctx     context.Context
	store   storage.Store
	loc     *time.Location
	handles map[int64]string
}

// time is a moment in the school's zone, to the second.
func (b *builder) time(t time.Time) time.Time { return t.In(b.loc).Truncate(time.Second) }

// handle names a staff member by handle (staff who have left included).
func (b *builder) handle(id int64) (string, error) {
	if id == 0 {
		return "", nil
	}
	if h, ok := b.handles[id]; ok {
		return h, nil
	}
	st, err := b.store.StaffMember(b.ctx, id)
	if err != nil {
		return "", fmt.Errorf("loading staff member %d: %w", id, err)
	}
	b.handles[id] = st.Handle
	return st.Handle, nil
}

func (b *builder) goals(f storage.Filter) ([]Goal, []Trial, error) {
	goals, err := b.store.Goals(b.ctx, f.StudentID)
	if err != nil {
		return nil, nil, fmt.Errorf("listing goals of student %d: %w", f.StudentID, err)
	}
	trials, err := b.store.Trials(b.ctx, f)
	if err != nil {
		return nil, nil, fmt.Errorf("listing trials of student %d: %w", f.StudentID, err)
	}
	byGoal := map[int64][]storage.Trial{}
	for _, t := range trials {
		byGoal[t.GoalID] = append(byGoal[t.GoalID], t)
	}
	active := map[int64]string{}
	out := make([]Goal, 0, len(goals))
	for _, g := range goals {
		active[g.ID] = g.Code
		out = append(out, b.goal(g, byGoal[g.ID]))
	}
	// Trials of goals that are no longer active stay out, like their goals.
	rows := make([]Trial, 0, len(trials))
	for _, t := range trials {
		code, ok := active[t.GoalID]
		if !ok {
			continue
		}
		by, err := b.handle(t.StaffID)
		if err != nil {
			return nil, nil, err
		}
		rows = append(rows, Trial{At: b.time(t.At), Goal: code, Outcome: string(t.Outcome), Prompt: t.Prompt.String(), LoggedBy: by})
	}
	return out, rows, nil
}

// goal sums up one goal's trials (oldest first) by session day.
func (b *builder) goal(g storage.Goal, trials []storage.Trial) Goal {
	out := Goal{
		Code: g.Code, Type: string(g.Measure()), Title: bot.GoalTitle(g), Steps: g.Steps, Scale: g.Scale, Text: g.Text, Domain: string(g.Domain), Measurement: g.Measurement, Baseline: g.Baseline,
		StartDate: g.StartDate, EndDate: g.EndDate,
		Criterion: Criterion{Percent: g.MasteryPercent, Sessions: g.MasterySessions, MinTrials: g.MasteryMinTrials},
		Tally:     tally(trials),
		Sessions:  []Session{},
	}
	for i := 0; i < len(trials); {
		day := trials[i].At.In(b.loc).Format(dateLayout)
		j := i
		for j < len(trials) && trials[j].At.In(b.loc).Format(dateLayout) == day {
			j++
		}
		out.Sessions = append(out.Sessions, Session{Date: day, Tally: tally(trials[i:j])})
		i = j
	}
	out.Mastery = mastery(out.Criterion, out.Sessions)
	return out
}

// tally counts trials the way teachers read them.
func tally(trials []storage.Trial) Tally {
	t := Tally{TrialCount: len(trials), Prompts: []PromptCount{}}
	var byPrompt [storage.FullPhysical + 1]int
	incorrect, noResponse := 0, 0
	for _, tr := range trials {
		switch tr.Outcome {
		case storage.Correct:
			t.Correct++
			if tr.Prompt == storage.Independent {
				t.Independent++
			}
			if tr.Prompt.Valid() {
				byPrompt[tr.Prompt]++
			}
		case storage.NoResponse:
			noResponse++
		default:
			incorrect++
		}
	}
	for p, n := range byPrompt {
		if n > 0 {
			t.Prompts = append(t.Prompts, PromptCount{Level: storage.Prompt(p).String(), Count: n})
		}
	}
	if incorrect > 0 {
		t.Prompts = append(t.Prompts, PromptCount{Level: "incorrect", Count: incorrect})
	}
	if noResponse > 0 {
		t.Prompts = append(t.Prompts, PromptCount{Level: "no response", Count: noResponse})
	}
	t.PercentCorrect = percent(t.Correct, t.TrialCount)
	t.PercentIndependent = percent(t.Independent, t.TrialCount)
	return t
}

// percent is n of total as a whole percent rounded half up, nil for no total.
func percent(n, total int) *int {
	if total == 0 {
		return nil
	}
	p := (200*n + total) / (2 * total)
	return &p
}

// mastery checks the criterion over session days in order. The percent
// is compared exactly (79.6% does not meet 80%), not the rounded figure.
func mastery(c Criterion, sessions []Session) Mastery {
	m := Mastery{Needed: c.Sessions}
	if c.Sessions < 1 {
		return m
	}
	run := 0
	for _, s := range sessions {
		if s.TrialCount > 0 && s.TrialCount >= c.MinTrials && 100*s.Correct >= c.Percent*s.TrialCount {
			run++
		} else {
			run = 0
		}
		m.BestRun = max(m.BestRun, run)
		if run >= c.Sessions && !m.Met {
			m.Met, m.MetOn = true, s.Date
		}
	}
	return m
}

func (b *builder) incidents(f storage.Filter) ([]Incident, error) {
	// Undone incidents stay in the record, marked voided with who and why.
	f.IncludeInactive = true
	ins, err := b.store.Incidents(b.ctx, f)
	if err != nil {
		return nil, fmt.Errorf("listing incidents of student %d: %w", f.StudentID, err)
	}
	out := make([]Incident, 0, len(ins))
	for _, in := range ins {
		by, err := b.handle(in.StaffID)
		if err != nil {
			return nil, err
		}
		var void *Void
		if !in.Active {
			e, err := b.store.Entry(b.ctx, in.EntryID)
			if err != nil {
				return nil, fmt.Errorf("loading entry %d: %w", in.EntryID, err)
			}
			vby, err := b.handle(e.DeactivatedBy)
			if err != nil {
				return nil, err
			}
			void = &Void{At: b.time(e.DeactivatedAt), By: vby, Reason: e.DeactivatedReason}
		}
		out = append(out, Incident{Voided: void,
			At: b.time(in.At), DurationSeconds: int64(in.Duration / time.Second), Setting: in.Setting,
			Antecedent: in.Antecedent, Behavior: in.Behavior, Consequence: in.Consequence, Severity: in.Severity,
			Strategies: nonNil(in.Strategies), Injury: in.Injury, Restraint: in.Restraint, Seclusion: in.Seclusion,
			NotRecorded: nonNil(in.NotRecorded), Record: in.Details,
			Others: nonNil(in.Others), Notes: in.Notes, LoggedBy: by,
		})
	}
	return out, nil
}

func (b *builder) transitions(f storage.Filter) ([]Transition, error) {
	ts, err := b.store.Transitions(b.ctx, f)
	if err != nil {
		return nil, fmt.Errorf("listing transitions of student %d: %w", f.StudentID, err)
	}
	out := make([]Transition, 0, len(ts))
	for _, t := range ts {
		by, err := b.handle(t.StaffID)
		if err != nil {
			return nil, err
		}
		out = append(out, Transition{
			At: b.time(t.At), From: t.From, To: t.To, Prompt: t.Prompt.String(),
			LatencySeconds: int64(t.Latency / time.Second), HandoffTo: t.HandoffTo, LoggedBy: by,
		})
	}
	return out, nil
}

func (b *builder) notes(f storage.Filter) ([]Note, error) {
	ns, err := b.store.Notes(b.ctx, f)
	if err != nil {
		return nil, fmt.Errorf("listing notes of student %d: %w", f.StudentID, err)
	}
	out := make([]Note, 0, len(ns))
	for _, n := range ns {
		by, err := b.handle(n.StaffID)
		if err != nil {
			return nil, err
		}
		to, err := b.handle(n.ToStaffID)
		if err != nil {
			return nil, err
		}
		out = append(out, Note{At: b.time(n.At), Text: n.Text, LoggedBy: by, ToStaff: to})
	}
	return out, nil
}

// nonNil makes an empty list a JSON [] rather than null.
func nonNil(s []string) []string {
	if s == nil {
		return []string{}
	}
	return s
}

// goalData lists the sessions of the student's active goals, of every
// type, with their values in words.
func (b *builder) goalData(f storage.Filter) ([]GoalData, error) {
	goals, err := b.store.Goals(b.ctx, f.StudentID)
	if err != nil {
		return nil, fmt.Errorf("listing goals of student %d: %w", f.StudentID, err)
	}
	byID := map[int64]storage.Goal{}
	for _, g := range goals {
		byID[g.ID] = g
	}
	sessions, err := b.store.Sessions(b.ctx, f)
	if err != nil {
		return nil, fmt.Errorf("listing sessions of student %d: %w", f.StudentID, err)
	}
	out := make([]GoalData, 0, len(sessions))
	for _, se := range sessions {
		g, ok := byID[se.GoalID]
		if !ok {
			continue // a goal no longer active stays out, like its trials
		}
		v, err := se.Values()
		if err != nil {
			return nil, fmt.Errorf("reading session %d: %w", se.ID, err)
		}
		by, err := b.handle(se.StaffID)
		if err != nil {
			return nil, err
		}
		out = append(out, GoalData{At: b.time(se.At), Goal: g.Code, Type: string(se.Type), Values: bot.DescribeValues(g, v),
			Data: string(se.Data), Note: se.Note, LoggedBy: by})
	}
	return out, nil
}

// YesNo reads one of the incident's yes/no questions ("injury",
// "restraint", "seclusion") as "yes", "no" or "not recorded".
func (in Incident) YesNo(question string) string {
	return storage.Incident{Injury: in.Injury, Restraint: in.Restraint, Seclusion: in.Seclusion, NotRecorded: in.NotRecorded}.YesNo(question)
}
