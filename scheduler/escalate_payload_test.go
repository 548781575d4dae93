package scheduler_test

import (
	"encoding/json"
	"testing"
	"time"

	"parabot/scheduler"
	"parabot/storage"
)

// The escalation and parent-notice payloads as this release writes them
// (version 1): a later release must still read them.
const (
	escalatePayloadV1 = `{"v":1,"escalation_id":12,"round":2,"level":3,"waited":true}`
	noticePayloadV1   = `{"v":1,"incident_id":18,"step":"remind","date":"2026-11-04"}`
)

func TestEscalationPayloadsDecode(t *testing.T) {
	var e scheduler.EscalateArgs
	if err := json.Unmarshal([]byte(escalatePayloadV1), &e); err != nil {
		t.Fatal(err)
	}
	if e != (scheduler.EscalateArgs{V: 1, EscalationID: 12, Round: 2, Level: 3, Waited: true}) {
		t.Errorf("escalate payload = %+v", e)
	}
	var n scheduler.NoticeArgs
	if err := json.Unmarshal([]byte(noticePayloadV1), &n); err != nil {
		t.Fatal(err)
	}
	if n != (scheduler.NoticeArgs{V: 1, IncidentID: 18, Step: scheduler.NoticeRemind, Date: "2026-11-04"}) {
		t.Errorf("notice payload = %+v", n)
	}
	// What this release writes is what the constants hold.
	job := scheduler.EscalateStep(storage.Escalation{ID: 12, Round: 2}, 3, time.Now(), true)
	if b, _ := json.Marshal(job.Args); string(b) != escalatePayloadV1 || job.UniqueKey != "12/2/3" {
		t.Errorf("EscalateStep writes %s, key %q", b, job.UniqueKey)
	}
	nj := scheduler.NoticeStep(18, scheduler.NoticeRemind, "2026-11-04", time.Now())
	if b, _ := json.Marshal(nj.Args); string(b) != noticePayloadV1 || nj.UniqueKey != "18/remind/2026-11-04" {
		t.Errorf("NoticeStep writes %s, key %q", b, nj.UniqueKey)
	}
}
