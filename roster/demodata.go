package roster

import (
	"context"
	"errors"
	"fmt"
	"math/rand/v2"
	"time"

	"parabot/storage"
)

// DemoSchool is the name of the demo school that Demo imports.
const DemoSchool = "Maple Grove Elementary"

// DemoDataSeed fixes the generated demo data: the same days give the same
// records on every run.
const DemoDataSeed = 2026

// DemoData logs generated records for the demo school on every school day
// of the weeks before now (now's day excluded): goal trials that improve
// over time with fading prompts, a few incidents, bus transitions with
// their handoffs, and an occasional note, so that summaries and charts
// have something to show. It is made by code with a fixed seed per day
// and student, and every record carries a one-time key, so running it
// again logs only the days not yet logged. It returns how many entries it
// logged. Import the demo roster (Demo) first.
func DemoData(ctx context.Context, store storage.Store, now time.Time, weeks int) (int, error) {
	school, err := store.SchoolByName(ctx, DemoSchool)
	if err != nil {
		return 0, fmt.Errorf("finding the demo school: %w", err)
	}
	loc := school.Location()
	today := now.In(loc)
	today = time.Date(today.Year(), today.Month(), today.Day(), 0, 0, 0, 0, loc)
	first := today.AddDate(0, 0, -7*weeks)
	closed := map[string]bool{}
	days, err := store.CalendarDays(ctx, school.ID, first.Format(time.DateOnly), today.Format(time.DateOnly))
	if err != nil {
		return 0, fmt.Errorf("loading the demo calendar: %w", err)
	}
	for _, d := range days {
		if d.Kind == storage.DayHoliday || d.Kind == storage.DayClosure {
			closed[d.Date] = true
		}
	}
	students, err := store.Students(ctx, school.ID)
	if err != nil {
		return 0, fmt.Errorf("listing the demo students: %w", err)
	}
	logged := 0
	for _, st := range students {
		goals, err := store.Goals(ctx, st.ID)
		if err != nil {
			return logged, fmt.Errorf("listing goals of student %d: %w", st.ID, err)
		}
		para, teacher, err := demoTeam(ctx, store, st.ID)
		if err != nil {
			return logged, err
		}
		if para == 0 {
			continue // nobody logs for a student without a team
		}
		total := 0
		for d := first; d.Before(today); d = d.AddDate(0, 0, 1) {
			if wd := d.Weekday(); wd == time.Saturday || wd == time.Sunday || closed[d.Format(time.DateOnly)] {
				continue
			}
			total++
		}
		n := 0
		for d := first; d.Before(today); d = d.AddDate(0, 0, 1) {
			date := d.Format(time.DateOnly)
			if wd := d.Weekday(); wd == time.Saturday || wd == time.Sunday || closed[date] {
				continue
			}
			n++
			rng := rand.New(rand.NewPCG(DemoDataSeed, uint64(st.ID)<<32|uint64(d.Unix()/86400)))
			progress := float64(n) / float64(max(total, 1)) // 0 at the start, 1 yesterday
			day := demoDay{store: store, st: st, para: para, teacher: teacher, date: date, rng: rng, day: d}
			c, err := day.log(ctx, goals, progress)
			logged += c
			if err != nil {
				return logged, err
			}
		}
	}
	return logged, nil
}

// demoTeam finds who logs for a student (a para, else the teacher) and
// the teacher who gets notes.
func demoTeam(ctx context.Context, store storage.Store, studentID int64) (para, teacher int64, err error) {
	team, err := store.StudentTeam(ctx, studentID)
	if err != nil {
		return 0, 0, fmt.Errorf("loading the team of student %d: %w", studentID, err)
	}
	for _, m := range team {
		switch {
		case m.Kind == storage.AssignPara && para == 0:
			para = m.Staff.ID
		case m.Kind == storage.AssignTeacher && teacher == 0:
			teacher = m.Staff.ID
		}
	}
	if para == 0 {
		para = teacher
	}
	return para, teacher, nil
}

// demoDay logs one student's school day.
type demoDay struct {
	store         storage.Store
	st            storage.Student
	para, teacher int64
	date          string
	day           time.Time
	rng           *rand.Rand
}

var (
	demoSettings    = []string{"classroom", "hallway", "cafeteria", "playground", "library"}
	demoAntecedents = []string{"asked to stop a preferred activity", "a transition", "a loud room", "a new task", "waiting for a turn"}
	demoBehaviors   = []string{"left the area", "threw materials", "cried and dropped to the floor", "pushed a classmate"}
	demoStrategies  = []string{"break", "first-then board", "calm corner", "choices", "visual timer"}
	demoNotes       = []string{"Good morning, settled in quickly.", "Tired after lunch.", "Used the visual schedule without reminders.", "Asked for a break twice, both times with words."}
)

// at is a time on the day, school time.
func (d demoDay) at(hour, minute int) time.Time {
	return time.Date(d.day.Year(), d.day.Month(), d.day.Day(), hour, minute, 0, 0, d.day.Location())
}

// log logs the day's records; each record's one-time key makes a rerun
// skip it.
func (d demoDay) log(ctx context.Context, goals []storage.Goal, progress float64) (int, error) {
	logged := 0
	once := func(what string) context.Context {
		return storage.WithOnce(ctx, "demo:"+d.st.Code+":"+what+":"+d.date)
	}
	count := func(err error) error {
		if errors.Is(err, storage.ErrDuplicate) {
			return nil
		}
		if err == nil {
			logged++
		}
		return err
	}
	for i, g := range goals {
		if g.StartDate != "" && g.StartDate > d.date {
			continue
		}
		if d.rng.Float64() < 0.12 { // a missed session now and then
			continue
		}
		// Goals end the weeks at different levels, so that the demo shows
		// every kind of progress.
		end := 0.55 + 0.12*float64((int(d.st.ID)+i)%4)
		level := 0.3 + (end-0.3)*progress + 0.1*(d.rng.Float64()-0.5)
		v := d.values(g, level, 0.1+0.7*progress)
		se := storage.SessionLog{GoalID: g.ID, StudentID: d.st.ID, StaffID: d.para, At: d.at(9+i, 15*(i%4)), Values: v,
			Summary: fmt.Sprintf("Data of %s for %s.", g.Code, d.st.Code)}
		if _, err := d.store.LogSession(once("session:"+g.Code), se, nil); count(err) != nil {
			return logged, fmt.Errorf("logging demo data of student %d: %w", d.st.ID, err)
		}
	}
	if d.rng.Float64() < 0.25-0.15*progress {
		in := storage.Incident{StudentID: d.st.ID, StaffID: d.para, At: d.at(10+d.rng.IntN(5), d.rng.IntN(60)),
			Duration: time.Duration(1+d.rng.IntN(10)) * time.Minute, Setting: pick(d.rng, demoSettings),
			Antecedent: pick(d.rng, demoAntecedents), Behavior: pick(d.rng, demoBehaviors), Consequence: "redirected",
			Severity: 1 + d.rng.IntN(3), Strategies: []string{pick(d.rng, demoStrategies)}, Summary: "Incident for " + d.st.Code + "."}
		if _, err := d.store.LogIncident(once("incident"), in, nil); count(err) != nil {
			return logged, fmt.Errorf("logging a demo incident of student %d: %w", d.st.ID, err)
		}
	}
	tr := storage.Transition{StudentID: d.st.ID, StaffID: d.para, At: d.at(15, 10), From: "classroom", To: "bus",
		Prompt: storage.Prompt(d.rng.IntN(3)), Latency: time.Duration(20+d.rng.IntN(100)) * time.Second, HandoffTo: "bus driver",
		Summary: "Transition for " + d.st.Code + "."}
	if _, err := d.store.LogTransition(once("transition"), tr, nil); count(err) != nil {
		return logged, fmt.Errorf("logging a demo transition of student %d: %w", d.st.ID, err)
	}
	if d.teacher != 0 && d.rng.Float64() < 0.3 {
		note := storage.Note{StudentID: d.st.ID, StaffID: d.para, ToStaffID: d.teacher, At: d.at(14, 45),
			Text: pick(d.rng, demoNotes), Summary: "Note about " + d.st.Code + "."}
		if _, err := d.store.LogNote(once("note"), note, nil); count(err) != nil {
			return logged, fmt.Errorf("logging a demo note of student %d: %w", d.st.ID, err)
		}
	}
	return logged, nil
}

// values makes one session of goal g the way the goal is measured, at
// level (0..1, higher is better) with independent the share of correct
// answers or steps done without a prompt.
func (d demoDay) values(g storage.Goal, level, independent float64) storage.SessionValues {
	v := storage.SessionValues{Type: g.Measure()}
	answers := func(n int) []storage.TrialResult {
		rs := make([]storage.TrialResult, n)
		for j := range rs {
			r := storage.TrialResult{Outcome: storage.Incorrect, Prompt: storage.Prompt(1 + d.rng.IntN(3))}
			if d.rng.Float64() < level {
				r.Outcome = storage.Correct
				if d.rng.Float64() < independent {
					r.Prompt = storage.Independent
				}
			} else if d.rng.Float64() < 0.1 {
				r.Outcome = storage.NoResponse
			}
			rs[j] = r
		}
		return rs
	}
	switch v.Type {
	case storage.MeasureFrequency:
		// A behaviour to reduce: fewer as the weeks go by.
		v.Count = max(0, int((1-level)*8+d.rng.Float64()*2))
	case storage.MeasureDuration:
		v.Duration = time.Duration((1+level*10)*60) * time.Second
	case storage.MeasureLatency:
		for range max(g.MasteryMinTrials, 1) {
			v.Latencies = append(v.Latencies, time.Duration(20+(1-level)*150+d.rng.Float64()*20)*time.Second)
		}
	case storage.MeasureTaskAnalysis:
		v.Results = answers(max(len(g.Steps), 1))
	case storage.MeasureRating:
		v.Of = max(len(g.Scale), 2)
		v.Rating = min(v.Of, 1+int(level*float64(v.Of)))
	default:
		v.Type = storage.MeasureTrials
		v.Results = answers(max(g.MasteryMinTrials, 5))
	}
	return v
}

func pick(rng *rand.Rand, from []string) string { return from[rng.IntN(len(from))] }
