package scheduler

import (
	"fmt"
	"strings"
	"time"

	"parabot/bot"
	"parabot/storage"
)

// IncidentFacts is the one-line, name-free description of an incident.
func IncidentFacts(in storage.Incident) string {
	facts := []string{fmt.Sprintf("severity %d", in.Severity)}
	if in.Duration > 0 {
		facts = append(facts, bot.FormatDuration(in.Duration))
	}
	if in.Setting != "" {
		facts = append(facts, in.Setting)
	}
	for _, q := range YesNoQuestions {
		if in.YesNo(q) == "yes" {
			facts = append(facts, q)
		}
	}
	return strings.Join(facts, ", ")
}

// VoidLine tells an admin alerted of a restraint, seclusion or injury
// how to take it back if it was logged in error: by the incident's own
// number, the one /void takes (not the escalation's #number).
func VoidLine(incidentID int64) string {
	return fmt.Sprintf("Logged in error? Only an admin can take it back: /void incident %d <reason> (it asks to confirm).", incidentID)
}

// YesNoQuestions are an incident's yes/no questions, in form order.
var YesNoQuestions = []string{"injury", "restraint", "seclusion"}

// yesNoLine states every yes/no question, the unanswered ones as not
// recorded: "injury: no, restraint: not recorded, seclusion: no".
func yesNoLine(in storage.Incident) string {
	parts := make([]string, len(YesNoQuestions))
	for i, q := range YesNoQuestions {
		parts[i] = q + ": " + in.YesNo(q)
	}
	return strings.Join(parts, ", ")
}

// IncidentRecord is an incident's whole record, for the direct messages
// of those entitled to it (never a channel): when, the facts, every
// yes/no question (unanswered ones "not recorded"), ABC, and the rest
// (recordDetails).
func IncidentRecord(in storage.Incident, loc *time.Location) []bot.Field {
	out := []bot.Field{
		{Label: "When", Value: in.At.In(loc).Format("Mon Jan 2 15:04")},
		{Label: "Facts", Value: IncidentFacts(in)},
		{Label: "Injury, restraint, seclusion", Value: yesNoLine(in)},
		{Label: "Antecedent", Value: in.Antecedent},
		{Label: "Behavior", Value: in.Behavior},
		{Label: "Consequence", Value: in.Consequence},
	}
	return append(out, recordDetails(in, loc)...)
}

// recordDetails are the rest of an incident's record (its duration and
// setting are in its facts): strategies, other students, staff,
// witnesses, injuries and the restraint or seclusion record; empty parts
// are left out.
func recordDetails(in storage.Incident, loc *time.Location) []bot.Field {
	d := in.Details
	var out []bot.Field
	add := func(label, value string) {
		if value != "" {
			out = append(out, bot.Field{Label: label, Value: value})
		}
	}
	add("Strategies", strings.Join(in.Strategies, ", "))
	add("Other students", strings.Join(in.Others, ", "))
	add("Staff involved", strings.Join(d.StaffInvolved, ", "))
	add("Witnesses", strings.Join(d.Witnesses, ", "))
	add("Injured", strings.Join(d.Injured, ", "))
	if d.NurseSaw != "" || len(d.Injured) > 0 || in.Injury {
		nurse := d.NurseSaw
		if nurse == "" {
			nurse = "not recorded"
		}
		add("Seen by the nurse", nurse)
	}
	if d.HoldType != "" {
		add("Restraint or seclusion", fmt.Sprintf("%s, %s to %s (%s)", d.HoldType, d.HoldStart.In(loc).Format("15:04"),
			d.HoldEnd.In(loc).Format("15:04"), bot.FormatDuration(d.HoldEnd.Sub(d.HoldStart))))
		add("Applied by", strings.Join(d.AppliedBy, ", "))
		add("Observation", d.Observation)
	}
	add("Notes", in.Notes)
	return out
}
