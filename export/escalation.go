package export

import (
	"fmt"
	"strings"
	"time"

	"parabot/storage"
)

// Escalation is a concern, incident or unaccounted student raised up the
// school's ladder, with its timeline.
type Escalation struct {
	ID       int64            `json:"id"`
	Kind     string           `json:"kind"`
	Body     string           `json:"body"`
	Urgent   bool             `json:"urgent"`
	State    string           `json:"state"`
	OpenedAt time.Time        `json:"opened_at"`
	OpenedBy string           `json:"opened_by"`
	Timeline []EscalationStep `json:"timeline"`
	Incident int64            `json:"incident_id,omitempty"`
	Severity int              `json:"severity,omitempty"`
}

// EscalationStep is one step of an escalation's timeline.
type EscalationStep struct {
	At       time.Time `json:"at"`
	Action   string    `json:"action"`
	By       string    `json:"by,omitempty"` // staff handle; empty for the bot
	Level    int       `json:"level"`
	Notified []string  `json:"notified"` // staff handles
	Note     string    `json:"note,omitempty"`
}

// escalations lists the student's escalations opened in [f.From, f.To),
// with their timelines.
func (b *builder) escalations(f storage.Filter) ([]Escalation, error) {
	es, err := b.store.StudentEscalations(b.ctx, f.StudentID)
	if err != nil {
		return nil, fmt.Errorf("listing escalations of student %d: %w", f.StudentID, err)
	}
	out := []Escalation{}
	for _, e := range es {
		if e.CreatedAt.Before(f.From) || !e.CreatedAt.Before(f.To) {
			continue
		}
		by, err := b.handle(e.OpenedBy)
		if err != nil {
			return nil, err
		}
		x := Escalation{ID: e.ID, Kind: string(e.Kind), Body: e.Body, Urgent: e.Urgent, State: string(e.State), OpenedAt: b.time(e.CreatedAt),
			OpenedBy: by, Incident: e.IncidentID, Severity: e.Severity, Timeline: []EscalationStep{}}
		steps, err := b.store.EscalationSteps(b.ctx, e.ID)
		if err != nil {
			return nil, fmt.Errorf("listing steps of escalation %d: %w", e.ID, err)
		}
		for _, s := range steps {
			st := EscalationStep{At: b.time(s.At), Action: s.Action, Level: s.Level, Note: s.Note, Notified: []string{}}
			if s.StaffID != 0 {
				if st.By, err = b.handle(s.StaffID); err != nil {
					return nil, err
				}
			}
			for _, id := range s.Notified {
				h, err := b.handle(id)
				if err != nil {
					return nil, err
				}
				st.Notified = append(st.Notified, h)
			}
			x.Timeline = append(x.Timeline, st)
		}
		out = append(out, x)
	}
	return out, nil
}

// stepLine is one timeline step in the text report.
func stepLine(s EscalationStep) string {
	parts := []string{s.At.Format(timeLayout), s.Action}
	if s.Level > 0 {
		parts = append(parts, fmt.Sprintf("level %d", s.Level))
	}
	if s.By != "" {
		parts = append(parts, "by "+s.By)
	}
	if len(s.Notified) > 0 {
		parts = append(parts, "to "+strings.Join(s.Notified, ", "))
	}
	line := strings.Join(parts, " · ")
	if s.Note != "" {
		line += ": " + s.Note
	}
	return line
}
