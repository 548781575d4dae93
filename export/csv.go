package export

import (
	"encoding/csv"
	"fmt"
	"io"
	"strconv"
	"strings"
	"time"

	"parabot/storage"
)

// CSVColumns lists the CSV export's columns. The record column says what
// a row is (trial, incident, transition or note); columns that do not
// apply to a record are empty. text is a note's text or an incident's
// notes.
func CSVColumns() []string {
	return []string{
		"record", "student", "at", "logged_by",
		"goal", "outcome", "prompt",
		"severity", "duration_seconds", "setting", "antecedent", "behavior", "consequence", "strategies",
		"injury", "restraint", "seclusion", "others",
		"from", "to", "latency_seconds", "handoff_to",
		"to_staff", "text", "type", "values", "voided",
	}
}

// CSV writes one row per record: trials, the sessions of goals of other
// types (record "goal_data": its type, its values in words, and its
// comment in text), then incidents, transitions and notes, each oldest
// first, then one row per step of each escalation; times in RFC 3339 with
// the school's offset.
// Lists (strategies, others) are joined with "; ".
func CSV(w io.Writer, r Report) error {
	cols := CSVColumns()
	cw := csv.NewWriter(w)
	if err := cw.Write(cols); err != nil {
		return fmt.Errorf("writing CSV header: %w", err)
	}
	write := func(fields map[string]string) error {
		row := make([]string, len(cols))
		for i, col := range cols {
			row[i] = cell(fields[col])
		}
		return cw.Write(row)
	}
	for _, t := range r.Trials {
		if err := write(map[string]string{
			"record": "trial", "student": r.Student.Code, "at": csvTime(t.At), "logged_by": t.LoggedBy,
			"goal": t.Goal, "outcome": t.Outcome, "prompt": t.Prompt,
		}); err != nil {
			return fmt.Errorf("writing a trial row: %w", err)
		}
	}
	for _, d := range r.GoalData {
		if d.Type == "trials" {
			continue // a row per trial above
		}
		if err := write(map[string]string{
			"record": "goal_data", "student": r.Student.Code, "at": csvTime(d.At), "logged_by": d.LoggedBy,
			"goal": d.Goal, "type": d.Type, "values": d.Values, "text": d.Note,
		}); err != nil {
			return fmt.Errorf("writing a goal data row: %w", err)
		}
	}
	for _, in := range r.Incidents {
		if err := write(map[string]string{
			"record": "incident", "student": r.Student.Code, "at": csvTime(in.At), "logged_by": in.LoggedBy,
			"severity": strconv.Itoa(in.Severity), "duration_seconds": strconv.FormatInt(in.DurationSeconds, 10),
			"setting": in.Setting, "antecedent": in.Antecedent, "behavior": in.Behavior, "consequence": in.Consequence,
			"strategies": strings.Join(in.Strategies, "; "),
			"injury":     answer(in, "injury"), "restraint": answer(in, "restraint"),
			"seclusion": answer(in, "seclusion"), "others": strings.Join(in.Others, "; "),
			"text": in.Notes, "voided": voided(in.Voided),
		}); err != nil {
			return fmt.Errorf("writing an incident row: %w", err)
		}
	}
	for _, t := range r.Transitions {
		if err := write(map[string]string{
			"record": "transition", "student": r.Student.Code, "at": csvTime(t.At), "logged_by": t.LoggedBy,
			"prompt": t.Prompt, "from": t.From, "to": t.To,
			"latency_seconds": strconv.FormatInt(t.LatencySeconds, 10), "handoff_to": t.HandoffTo,
		}); err != nil {
			return fmt.Errorf("writing a transition row: %w", err)
		}
	}
	for _, n := range r.Notes {
		if err := write(map[string]string{
			"record": "note", "student": r.Student.Code, "at": csvTime(n.At), "logged_by": n.LoggedBy,
			"to_staff": n.ToStaff, "text": n.Text,
		}); err != nil {
			return fmt.Errorf("writing a note row: %w", err)
		}
	}
	for _, e := range r.Escalations {
		for _, st := range e.Timeline {
			if err := write(map[string]string{
				"record": "escalation", "student": r.Student.Code, "at": csvTime(st.At), "logged_by": st.By,
				"to_staff": strings.Join(st.Notified, "; "), "severity": strconv.Itoa(e.Severity),
				"text": fmt.Sprintf("#%d %s %s: %s", e.ID, e.Kind, st.Action, stepText(e, st)),
			}); err != nil {
				return fmt.Errorf("writing an escalation row: %w", err)
			}
		}
	}
	cw.Flush()
	if err := cw.Error(); err != nil {
		return fmt.Errorf("writing CSV: %w", err)
	}
	return nil
}

// stepText is what a step's CSV row says: the escalation's text on the
// step that opened it, else the step's note.
func stepText(e Escalation, st EscalationStep) string {
	if st.Action == storage.StepOpened {
		return e.Body
	}
	return st.Note
}

func csvTime(t time.Time) string { return t.Format(time.RFC3339) }

// cell keeps spreadsheets from running free text as a formula: a cell
// starting with = + - @ or a tab gets a leading apostrophe.
func cell(s string) string {
	if s != "" && strings.ContainsRune("=+-@\t\r", rune(s[0])) {
		return "'" + s
	}
	return s
}

// answer is a yes/no question of an incident as the CSV has always
// written it (true, false), or "not recorded" when nobody answered it.
func answer(in Incident, question string) string {
	switch in.YesNo(question) {
	case "yes":
		return "true"
	case "no":
		return "false"
	}
	return "not recorded"
}

// voided says who voided an incident and why, or "" when it stands.
func voided(v *Void) string {
	if v == nil {
		return ""
	}
	return csvTime(v.At) + " by " + v.By + ": " + v.Reason
}
