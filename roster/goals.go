package roster

import (
	"strconv"
	"strings"
	"time"

	"parabot/storage"
)

// goalsSpec describes goals.csv: one row an IEP goal of a student.
func goalsSpec() fileSpec {
	return fileSpec{name: GoalsFile, columns: []column{
		{name: "school", max: 100}, // needed only when two schools use the student's code
		{name: "student", required: true, max: 16},
		{name: "code", required: true, max: 40},
		{name: "domain", required: true, max: 40},
		{name: "text", required: true, max: 1000},
		{name: "measurement", max: 100},
		{name: "baseline", max: 200},
		{name: "mastery_percent", required: true, max: 40},
		{name: "mastery_sessions", required: true, max: 40},
		{name: "mastery_min_trials", required: true, max: 40},
		{name: "start_date", required: true, max: 40},
		{name: "end_date", required: true, max: 40},
		{name: "active", max: 40},
		{name: "schedule", max: 100}, // daily, weekly, mon,wed,fri
		{name: "type", max: 40},
		{name: "title", max: 80},
		{name: "steps", max: 1000},
		{name: "scale", max: 500},
	}}
}

// maxGoalSpan is the longest a goal may run; an IEP is reviewed every
// year, so anything longer is a mistyped date.
const maxGoalSpan = 2 * 366 * 24 * time.Hour

func (p *parser) parseGoals(rows []row) {
	seen := map[string]int{}
	for _, r := range rows {
		g := storage.RosterGoal{Goal: storage.Goal{
			Code:        r.goalCode("code"),
			Domain:      r.domain("domain"),
			Text:        r.get("text"),
			Measurement: r.get("measurement"),
			Baseline:    r.get("baseline"),
			StartDate:   r.get("start_date"),
			EndDate:     r.get("end_date"),
			Active:      r.active(),
			Type:        r.measure("type"),
			Title:       r.get("title"),
		}, Line: r.line}
		g.Goal.Steps, g.Goal.Scale = r.bars("steps"), r.bars("scale")
		switch {
		case g.Goal.Type == storage.MeasureTaskAnalysis && r.get("steps") == "":
			r.problem("steps", "a task_analysis goal needs its steps, separated by |, like unpack|hang coat|turn in folder")
		case g.Goal.Type != storage.MeasureTaskAnalysis && len(g.Goal.Steps) > 0:
			r.problem("steps", "steps are for a task_analysis goal; this goal's type is %s", g.Goal.Measure())
		}
		switch {
		case g.Goal.Type == storage.MeasureRating && r.get("scale") == "":
			r.problem("scale", "a rating goal needs its scale's labels, 1 first, separated by |, like not yet|emerging|mastered")
		case g.Goal.Type != storage.MeasureRating && len(g.Goal.Scale) > 0:
			r.problem("scale", "a scale is for a rating goal; this goal's type is %s", g.Goal.Measure())
		}
		g.Goal.MasteryPercent, _ = r.number("mastery_percent", 1, 100)
		g.Goal.MasterySessions, _ = r.number("mastery_sessions", 1, 20)
		g.Goal.MasteryMinTrials, _ = r.number("mastery_min_trials", 1, 100)
		start, okStart := r.date("start_date")
		end, okEnd := r.date("end_date")
		if okStart && okEnd {
			switch {
			case !end.After(start):
				r.problem("end_date", "%s is not after start_date %s", g.Goal.EndDate, g.Goal.StartDate)
			case end.Sub(start) > maxGoalSpan:
				r.problem("end_date", "%s is more than two years after start_date %s; check the year", g.Goal.EndDate, g.Goal.StartDate)
			}
		}
		if st := r.student("student", r.school("school")); st != nil {
			g.StudentCode = st.code
			if st.school != nil {
				g.School = st.school.name
			}
			if g.Goal.Code != "" {
				k := key(g.School, fold(st.code), g.Goal.Code)
				if prev, dup := seen[k]; dup {
					r.problem("code", "goal %s of student %s is already on line %d", g.Goal.Code, st.code, prev)
				} else {
					seen[k] = r.line
				}
			}
		}
		p.parseGoalSchedule(r, g)
		p.out.Goals = append(p.out.Goals, g)
	}
}

// goalCode reads a goal code: G1 to G99 ("g2" and "2" read as G2).
func (r row) goalCode(col string) string {
	v := r.get(col)
	if v == "" {
		return ""
	}
	digits := strings.TrimPrefix(strings.ToUpper(v), "G")
	n, err := strconv.Atoi(digits)
	if err != nil || !isDigits(digits) || n < 1 || n > 99 {
		r.problem(col, "%q is not a goal code; write G1, G2, ... up to G99", v)
		return ""
	}
	return "G" + strconv.Itoa(n)
}

// domain reads a goal domain; "daily_living" and "Daily-Living" read as
// "daily living".
func (r row) domain(col string) storage.Domain {
	v := r.get(col)
	if v == "" {
		return ""
	}
	d := storage.Domain(strings.NewReplacer("_", " ", "-", " ").Replace(strings.ToLower(v)))
	if !d.Valid() {
		r.problem(col, "%q is not a domain (academic, communication, behavior, social, daily living, motor)", v)
		return ""
	}
	return d
}

// maxSteps bounds a task analysis's steps and a rating's labels.
const maxSteps = 20

// measure reads a goal's type; empty stays empty (trials).
func (r row) measure(col string) storage.Measure {
	v := strings.ToLower(r.get(col))
	if v == "" {
		return ""
	}
	m := storage.Measure(strings.NewReplacer(" ", "_", "-", "_").Replace(v))
	if !m.Valid() {
		r.problem(col, "%q is not a goal type (trials, frequency, duration, latency, task_analysis, rating)", r.get(col))
		return ""
	}
	return m
}

// bars reads a '|'-separated list; empty items are a mistake.
func (r row) bars(col string) []string {
	v := r.get(col)
	if v == "" {
		return nil
	}
	var out []string
	for _, item := range strings.Split(v, "|") {
		item = strings.Join(strings.Fields(item), " ")
		if item == "" {
			r.problem(col, "%q has an empty item; separate items with one |", v)
			return nil
		}
		out = append(out, item)
	}
	if len(out) > maxSteps {
		r.problem(col, "%d items; the limit is %d", len(out), maxSteps)
		return nil
	}
	return out
}
