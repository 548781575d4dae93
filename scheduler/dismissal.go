package scheduler

import (
	"context"
	"fmt"
	"strings"

	"parabot/storage"
	"parabot/today"
)

// RollEntry is one student on a dismissal roll.
type RollEntry struct {
	Student   storage.Student
	Dismissal string // bus 12, pickup
	Absent    bool
	// Released is the day's transition to the bus or pickup, when logged.
	Released *storage.Transition
	// Last is the day's last transition, when any.
	Last *storage.Transition
}

// Unaccounted reports whether the student is neither released nor absent.
func (e RollEntry) Unaccounted() bool { return !e.Absent && e.Released == nil }

// GoesByBusOrPickup reports whether a way home puts a student on the
// dismissal roll.
func GoesByBusOrPickup(dismissal string) bool {
	d := strings.ToLower(strings.TrimSpace(dismissal))
	return strings.HasPrefix(d, "bus") || strings.HasPrefix(d, "pickup")
}

// IsRelease reports whether a transition released a student to the bus
// or a pickup.
func IsRelease(t storage.Transition) bool {
	to := strings.ToLower(t.To)
	return strings.Contains(to, "bus") || strings.Contains(to, "pickup")
}

// Roll is the dismissal roll of students on the day: those who go by bus
// or pickup, in the order given, with what was logged for them today.
func Roll(ctx context.Context, store storage.Store, f today.Facts, students []storage.Student) ([]RollEntry, error) {
	ways, err := store.Dismissals(ctx, f.School.ID)
	if err != nil {
		return nil, fmt.Errorf("loading ways home: %w", err)
	}
	dayStart := f.At("00:00")
	var out []RollEntry
	for _, s := range students {
		way := ways[s.ID]
		if !GoesByBusOrPickup(way) {
			continue
		}
		e := RollEntry{Student: s, Dismissal: way, Absent: f.StudentAbsent(s.ID)}
		ts, err := store.Transitions(ctx, storage.Filter{StudentID: s.ID, From: dayStart, To: f.EndOfDay()})
		if err != nil {
			return nil, fmt.Errorf("loading transitions of student %d: %w", s.ID, err)
		}
		for i := range ts {
			e.Last = &ts[i]
			if IsRelease(ts[i]) {
				e.Released = &ts[i]
			}
		}
		out = append(out, e)
	}
	return out, nil
}
