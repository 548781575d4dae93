package scheduler_test

import (
	"encoding/json"
	"reflect"
	"testing"
	"time"

	"parabot/bot"
	"parabot/scheduler"
	"parabot/storage"
)

// Payloads as the previous release wrote them (version 0: bot.Reply with
// its Go field names; version 1, without files), and as this one writes
// them (version 2).
const (
	payloadV0        = `{"staff_id":7,"prefer":"slack","reply":{"Text":"Incident: A.B. (S101)\nseverity 5","Fields":[{"Label":"Severity","Value":"5"}],"Context":"undo with /undo","Buttons":[{"Label":"Seen","Action":"ack","Value":"12","Style":"primary"}],"Private":true,"IsError":false,"Param":"student"}}`
	payloadV0Channel = `{"channel":"room-12","reply":{"Text":"Daily summary","Fields":null,"Context":"","Buttons":null,"Private":false,"IsError":false,"Param":""}}`
	payloadV1        = `{"v":1,"staff_id":7,"prefer":"slack","reply":{"text":"Incident: A.B. (S101)\nseverity 5","fields":[{"label":"Severity","value":"5"}],"context":"undo with /undo","buttons":[{"label":"Seen","action":"ack","value":"12","style":"primary"}],"private":true,"param":"student"}}`
	payloadV2        = `{"v":2,"staff_id":7,"prefer":"slack","reply":{"text":"Incident: A.B. (S101)\nseverity 5","fields":[{"label":"Severity","value":"5"}],"context":"undo with /undo","buttons":[{"label":"Seen","action":"ack","value":"12","style":"primary"}],"private":true,"param":"student","files":[{"name":"S101-G1.png","type":"image/png","data":"iVBORw0K"}]}}`
)

var withFile = func() scheduler.DeliverArgs {
	a := alert
	a.Reply.Files = []bot.File{{Name: "S101-G1.png", Type: "image/png", Data: []byte{0x89, 'P', 'N', 'G', '\r', '\n'}}}
	return a
}()

var alert = scheduler.DeliverArgs{StaffID: 7, Prefer: storage.PlatformSlack, Reply: bot.Reply{
	Text: "Incident: A.B. (S101)\nseverity 5", Fields: []bot.Field{{Label: "Severity", Value: "5"}}, Context: "undo with /undo",
	Buttons: []bot.Button{{Label: "Seen", Action: "ack", Value: "12", Style: "primary"}}, Private: true, Param: "student"}}

func TestDeliverPayloadDecodesEveryVersion(t *testing.T) {
	tests := []struct {
		name, payload string
		want          scheduler.DeliverArgs
	}{
		{"version 0 to a person", payloadV0, alert},
		{"version 0 to a channel", payloadV0Channel, scheduler.DeliverArgs{Channel: "room-12", Reply: bot.Reply{Text: "Daily summary"}}},
		{"version 1", payloadV1, alert},
		{"version 2, with a file", payloadV2, withFile},
	}
	for _, tc := range tests {
		var got scheduler.DeliverArgs
		if err := json.Unmarshal([]byte(tc.payload), &got); err != nil {
			t.Errorf("%s: %v", tc.name, err)
			continue
		}
		if !reflect.DeepEqual(got, tc.want) {
			t.Errorf("%s: decoded\n%+v\nwant\n%+v", tc.name, got, tc.want)
		}
	}
}

// The format written is version 2, field for field: a change to it is a
// new version, not an edit.
func TestDeliverPayloadFormat(t *testing.T) {
	b, err := json.Marshal(withFile)
	if err != nil {
		t.Fatal(err)
	}
	if string(b) != payloadV2 {
		t.Errorf("payload =\n%s\nwant\n%s", b, payloadV2)
	}
	big := alert
	big.Reply.Files = []bot.File{{Name: "big.pdf", Type: "application/pdf", Data: make([]byte, scheduler.MaxFileBytes+1)}}
	if _, err := json.Marshal(big); err == nil {
		t.Error("a payload with files over MaxFileBytes encoded without error")
	}
	var got scheduler.DeliverArgs
	if err := json.Unmarshal([]byte(`{"v":3,"reply":{}}`), &got); err == nil {
		t.Error("a payload of a newer version decoded without error")
	}
}

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
	if !job.ScheduledAt.Equal(want.At) || job.UniqueKey != "occ:duty:3:2026-11-24:7:12:1795537200" || job.Queue != scheduler.QueueRemind {
		t.Errorf("Remind's job = %+v", job)
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
	if got, _ := json.Marshal(pj.Args); string(got) != plan || pj.UniqueKey != "3:2026-11-25" {
		t.Errorf("PlanDayJob writes %s (unique key %q), want %s, unique key 3:2026-11-25", got, pj.UniqueKey, plan)
	}
	if pj := scheduler.PlanDayJob(3, "2026-11-25", want.At, 42); pj.UniqueKey != "" {
		t.Error("a plan with a nonce must always run")
	}
}
