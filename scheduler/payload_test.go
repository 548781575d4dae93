package scheduler_test

import (
	"encoding/json"
	"testing"
	"time"

	"parabot/scheduler"
)

// TestReminderPayloads decodes payloads as version 1 wrote them, and
// checks the names written today are still those, so jobs waiting in the
// queue across an upgrade still run.
func TestReminderPayloads(t *testing.T) {
	const remind = `{"v":1,"reminder":"duty","school_id":3,"date":"2026-11-24","staff_id":7,"duty_id":12,"at":"2026-11-24T16:20:00Z"}`
	var r scheduler.RemindArgs
	if err := json.Unmarshal([]byte(remind), &r); err != nil {
		t.Fatal(err)
	}
	want := scheduler.RemindArgs{V: 1, Reminder: scheduler.KindDuty, SchoolID: 3, Date: "2026-11-24", StaffID: 7, DutyID: 12,
		At: time.Date(2026, 11, 24, 16, 20, 0, 0, time.UTC)}
	if r != want {
		t.Errorf("decoded %+v, want %+v", r, want)
	}
	job := scheduler.Remind(scheduler.Occurrence{Kind: scheduler.KindDuty, SchoolID: 3, Date: "2026-11-24", StaffID: 7, DutyID: 12, At: want.At})
	got, err := json.Marshal(job.Args)
	if err != nil {
		t.Fatal(err)
	}
	if string(got) != remind {
		t.Errorf("Remind writes %s, want %s", got, remind)
	}
	if !job.InsertOpts.ScheduledAt.Equal(want.At) || !job.InsertOpts.UniqueOpts.ByArgs || job.InsertOpts.Queue != scheduler.QueueRemind {
		t.Errorf("Remind's options = %+v", job.InsertOpts)
	}

	const plan = `{"v":1,"school_id":3,"date":"2026-11-25"}`
	var p scheduler.PlanArgs
	if err := json.Unmarshal([]byte(plan), &p); err != nil {
		t.Fatal(err)
	}
	if p != (scheduler.PlanArgs{V: 1, SchoolID: 3, Date: "2026-11-25"}) {
		t.Errorf("decoded %+v", p)
	}
	pj := scheduler.PlanDayJob(3, "2026-11-25", want.At, 0)
	if got, _ := json.Marshal(pj.Args); string(got) != plan || !pj.InsertOpts.UniqueOpts.ByArgs {
		t.Errorf("PlanDayJob writes %s (unique %v), want %s, unique", got, pj.InsertOpts.UniqueOpts.ByArgs, plan)
	}
	if pj := scheduler.PlanDayJob(3, "2026-11-25", want.At, 42); pj.InsertOpts.UniqueOpts.ByArgs {
		t.Error("a plan with a nonce must always run")
	}
}
