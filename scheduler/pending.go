package scheduler

import (
	"context"
	"fmt"
	"strings"
	"time"

	"parabot/bot"
	"parabot/schoolday"
	"parabot/storage"
)

// Pending is an unresolved escalation as listed for someone on it: its
// student and when its next step is due (zero when none is: it was
// acknowledged, or it is at its last level).
type Pending struct {
	Escalation storage.Escalation
	Student    storage.Student
	Next       time.Time
}

// PendingFor lists the unresolved escalations a staff member raised or
// was told of (on any level it reached), oldest first.
func PendingFor(ctx context.Context, store storage.Store, staff storage.Staff, now time.Time) ([]Pending, error) {
	all, err := store.UnresolvedEscalations(ctx, staff.SchoolID, staff.ID)
	if err != nil {
		return nil, err
	}
	if len(all) == 0 {
		return nil, nil
	}
	l, err := LoadLadder(ctx, store, staff.SchoolID, now)
	if err != nil {
		return nil, err
	}
	var out []Pending
	for _, e := range all {
		steps, err := store.EscalationSteps(ctx, e.ID)
		if err != nil {
			return nil, err
		}
		st, err := store.Student(ctx, e.StudentID)
		if err != nil {
			return nil, fmt.Errorf("loading student %d: %w", e.StudentID, err)
		}
		out = append(out, Pending{Escalation: e, Student: st, Next: l.next(e, steps)})
	}
	return out, nil
}

// next is when e's next step is due: its first step when no level was
// told yet, else the next level's once the current one's timeout ends;
// zero when e is acknowledged or at its last level.
func (l Ladder) next(e storage.Escalation, steps []storage.EscalationStep) time.Time {
	if e.State != storage.EscalationOpen || e.Level >= len(l.Policy) {
		return time.Time{}
	}
	if e.Level == 0 {
		// The opening (or reopening) is the last step that set level 0.
		from := e.CreatedAt
		for _, s := range steps {
			if s.Action == storage.StepReopened {
				from = s.At
			}
		}
		at, _ := StepTime(l.School, l.Special, e.Urgent, from)
		return at
	}
	var told time.Time
	for _, s := range steps {
		if (s.Action == storage.StepNotified || s.Action == storage.StepEscalated) && s.Level == e.Level {
			told = s.At
		}
	}
	at, _ := StepTime(l.School, l.Special, e.Urgent, told.Add(l.Timeout(e, e.Level)))
	return at
}

// Line is one line of a list of pending escalations, naming the student
// (for someone entitled to the name):
// "#12 Concern about Ava B. (S101): open, level 1, next step 10:30".
func (p Pending) Line(loc *time.Location, now time.Time) string {
	e := p.Escalation
	s := fmt.Sprintf("#%d %s about %s: %s", e.ID, KindWord(e.Kind), bot.Named(p.Student), e.State)
	if e.Urgent {
		s += ", urgent"
	}
	if e.Level == 0 {
		s += ", no level told yet"
	} else {
		s += fmt.Sprintf(", level %d", e.Level)
	}
	if !p.Next.IsZero() {
		f := "15:04"
		if schoolday.Today(p.Next, loc) != schoolday.Today(now, loc) {
			f = "Mon Jan 2 15:04"
		}
		s += ", next step " + p.Next.In(loc).Format(f)
	}
	return strings.TrimSpace(s)
}
