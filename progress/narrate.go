package progress

import (
	"context"
	"sync"
	"time"

	"parabot/storage"
	"parabot/summary"
)

// narrativesAtOnce is how many narratives Narratives asks for at a time.
const narrativesAtOnce = 4

// Narratives writes the narrative of each summary of a school's students,
// for a private copy (never a channel post), by student id: a few
// requests at a time, all of them within budget, and within half the
// time ctx has left (a job's deadline), so the summary still goes out
// after the slowest model. A narrative not written in time, or refused,
// has no Text and says why; the summaries are complete without them.
// Without a narrator it returns nil, and a reply rendered with it has no
// narrative line.
func (s Service) Narratives(ctx context.Context, school storage.School, sums []summary.Student,
	staff map[int64]summary.StaffMember, budget time.Duration) map[int64]summary.Narrative {
	if s.Narrator == nil || len(sums) == 0 {
		return nil
	}
	if deadline, ok := ctx.Deadline(); ok {
		budget = min(budget, time.Until(deadline)/2)
	}
	people := s.people(ctx, school)
	ctx, cancel := context.WithTimeout(ctx, budget)
	defer cancel()
	out := make(map[int64]summary.Narrative, len(sums))
	var mu sync.Mutex
	var wg sync.WaitGroup
	slots := make(chan struct{}, narrativesAtOnce)
	for _, sum := range sums {
		wg.Add(1)
		go func() {
			defer wg.Done()
			slots <- struct{}{}
			defer func() { <-slots }()
			n := s.Narrator.Narrate(ctx, sum, people, staff)
			mu.Lock()
			out[sum.Student.ID] = n
			mu.Unlock()
		}()
	}
	wg.Wait()
	return out
}
