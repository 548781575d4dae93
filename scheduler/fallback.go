package scheduler

import (
	"context"
	"fmt"
	"strconv"

	"github.com/riverqueue/river"

	"parabot/bot"
	"parabot/storage"
)

// fallback handles a delivery that failed for good. A channel post made
// on a staff member's behalf (a teacher's summary: DeliverArgs with both
// Channel and StaffID) goes to that staff member by direct message
// instead, and the school's admins are told, once per channel, that
// parabot cannot post there. Anything else is cancelled.
func (w *DeliverWorker) fallback(ctx context.Context, job *river.Job[DeliverArgs], cause error) error {
	a := job.Args
	if a.Channel == "" || a.StaffID == 0 {
		return river.JobCancel(cause)
	}
	st, err := w.Store.StaffMember(ctx, a.StaffID)
	if err != nil {
		return fmt.Errorf("loading staff %d for a channel fallback: %w", a.StaffID, err)
	}
	now := w.Now()
	r := a.Reply
	r.Context = joinContext(fmt.Sprintf("parabot cannot post to the channel %s, so this comes to you; the admins have been told.", a.Channel), r.Context)
	dm := DeliverAt(bot.Message{StaffID: a.StaffID, Reply: r}, a.Prefer, now)
	// One direct message per failed post, however often this job runs.
	dm.UniqueKey = "fallback:" + JobKey(job.ID, job.CreatedAt)
	if err := w.Store.Enqueue(ctx, []storage.Job{dm}); err != nil {
		return fmt.Errorf("enqueueing the direct message instead of channel post %d: %w", job.ID, err)
	}
	staff, err := w.Store.ListStaff(ctx, st.SchoolID)
	if err != nil {
		return fmt.Errorf("listing staff of school %d: %w", st.SchoolID, err)
	}
	var notices []storage.Job
	text := fmt.Sprintf("parabot cannot post to the channel %s (the class channel of %s on the roster): %v. "+
		"Their summaries go to them by direct message until the app is invited to the channel or the roster's channel is corrected.",
		a.Channel, st.Name, cause)
	for _, m := range staff {
		if m.Role == storage.RoleAdmin && m.Active {
			notices = append(notices, DeliverAt(bot.Message{StaffID: m.ID, Reply: bot.Reply{Text: text}}, a.Prefer, now))
		}
	}
	first, err := w.Store.EnqueueOnce(ctx, "unpostable:"+strconv.FormatInt(st.SchoolID, 10)+":"+a.Channel, now, notices)
	if err != nil {
		return fmt.Errorf("telling the admins of channel post %d: %w", job.ID, err)
	}
	w.Log.Warn("channel post sent by direct message instead", "job_id", job.ID, "staff_id", a.StaffID, "admins_told", first)
	return river.JobCancel(cause)
}

func joinContext(a, b string) string {
	if b == "" {
		return a
	}
	return a + " " + b
}
