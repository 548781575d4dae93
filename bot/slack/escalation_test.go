package slack

import (
	"context"
	"encoding/json"
	"net/http"
	"strings"
	"testing"
	"time"

	"parabot/scheduler"
	"parabot/storage"
	"parabot/storage/postgres"
	"parabot/storage/sqlite"
)

// TestEscalationReplyOpensForm presses the Reply button of an
// escalation's message as the teacher it reached: the /reply form opens
// (views.open, the escalation filled in, a plain_text_input for the
// answer), and submitting it records the reply on the timeline and
// queues it to the para by direct message.
func TestEscalationReplyOpensForm(t *testing.T) {
	t.Parallel()
	engines(t, func(t *testing.T, store storage.Store) {
		h := newHarness(t, store)
		ctx := context.Background()
		para, teacher := h.staff("jrivera"), h.staff("tlopez")
		st := h.student("S101")
		e := h.openConcern(st, false)
		if err := store.AdvanceEscalation(ctx, e.ID, 1, 0, 1, h.now,
			[]storage.EscalationStep{{At: h.now, Action: storage.StepNotified, Level: 1, Notified: []int64{teacher}}}, nil); err != nil {
			t.Fatal(err)
		}
		alert := blocks(scheduler.Alert(e, st, storage.Staff{Name: "Jo Rivera"}, 1, 1800e9, nil))
		if status, ans := h.interact(h.pressPayload(userTeacher, buttonOf(t, alert, "Reply"), "1700000000.000011", "p11")); status != http.StatusOK || ans != nil {
			t.Fatalf("status %d, answer %v; want an empty acknowledgement", status, ans)
		}
		opens := h.slack.callsTo("views.open")
		if len(opens) != 1 {
			t.Fatalf("views.open called %d times, want 1", len(opens))
		}
		view := opens[0].JSON["view"].(map[string]any)
		in := inputsByID(t, view)
		if v := in["id"]["element"].(map[string]any)["initial_value"]; v != "1" {
			t.Errorf("escalation filled in %v, want 1", v)
		}
		if el, ok := in["text"]["element"].(map[string]any); !ok || el["type"] != "plain_text_input" {
			t.Errorf("answer field %v, want a plain_text_input", in["text"])
		}
		if got := h.slack.responsesTo("p11"); len(got) != 0 {
			t.Errorf("the press was also answered: %v", got)
		}

		state := map[string]any{"id": typed("id", "1"), "text": typed("text", "I'll come by at 11")}
		_, ans := h.interact(formPayload("view_submission", userTeacher, view, state, nil))
		if ans["response_action"] != "update" || !strings.Contains(blockText(ans["view"].(map[string]any)["blocks"]), "Reply sent on escalation #1.") {
			t.Fatalf("answer = %v", ans)
		}
		steps, err := store.EscalationSteps(ctx, e.ID)
		if err != nil {
			t.Fatal(err)
		}
		last := steps[len(steps)-1]
		if last.Action != storage.StepReplied || last.StaffID != teacher || last.Note != "I'll come by at 11" ||
			len(last.Notified) != 1 || last.Notified[0] != para {
			t.Errorf("timeline ends with %+v, want the teacher's reply to the para", last)
		}
		var sent []string
		for _, j := range queuedDMs(t, store) {
			if j.StaffID == para {
				sent = append(sent, j.Reply.Text)
			}
		}
		want := "Reply from Tina Lopez on escalation #1 about Ava B. (S101):\nI'll come by at 11"
		if len(sent) != 1 || sent[0] != want {
			t.Errorf("direct messages to the para %q, want %q", sent, want)
		}
	})
}

// student is a student of the sample school, by code.
func (h *harness) student(code string) storage.Student {
	h.t.Helper()
	me, err := h.store.StaffMember(context.Background(), h.staff("jrivera"))
	if err != nil {
		h.t.Fatal(err)
	}
	st, err := h.store.StudentByCode(context.Background(), me.SchoolID, code)
	if err != nil {
		h.t.Fatal(err)
	}
	return st
}

// openConcern opens a concern of jrivera's about st now, its first step
// a year away (it never fires here).
func (h *harness) openConcern(st storage.Student, urgent bool) storage.Escalation {
	h.t.Helper()
	later := h.now.Add(365 * 24 * time.Hour)
	e, err := h.store.OpenEscalation(context.Background(), storage.Escalation{SchoolID: st.SchoolID, StudentID: st.ID,
		OpenedBy: h.staff("jrivera"), Kind: storage.EscalationConcern, Body: "upset", Urgent: urgent, CreatedAt: h.now},
		func(e storage.Escalation) storage.Job { return scheduler.EscalateStep(e, 1, later, false) })
	if err != nil {
		h.t.Fatal(err)
	}
	return e
}

// queuedDMs are the direct messages waiting in River's queue, oldest
// first.
func queuedDMs(t *testing.T, store storage.Store) []scheduler.DeliverArgs {
	t.Helper()
	ctx := context.Background()
	var raws []string
	const q = `SELECT CAST(args AS TEXT) FROM river_job WHERE kind = 'deliver' ORDER BY id`
	switch db := store.(type) {
	case *sqlite.DB:
		rows, err := db.SQL().QueryContext(ctx, strings.Replace(q, "CAST(args AS TEXT)", "json(args)", 1))
		if err != nil {
			t.Fatal(err)
		}
		defer rows.Close()
		for rows.Next() {
			var s string
			if err := rows.Scan(&s); err != nil {
				t.Fatal(err)
			}
			raws = append(raws, s)
		}
	case *postgres.DB:
		rows, err := db.Pool().Query(ctx, q)
		if err != nil {
			t.Fatal(err)
		}
		defer rows.Close()
		for rows.Next() {
			var s string
			if err := rows.Scan(&s); err != nil {
				t.Fatal(err)
			}
			raws = append(raws, s)
		}
	default:
		t.Fatalf("no queue reader for %T", store)
	}
	out := make([]scheduler.DeliverArgs, len(raws))
	for i, raw := range raws {
		if err := json.Unmarshal([]byte(raw), &out[i]); err != nil {
			t.Fatal(err)
		}
	}
	return out
}

// TestHomeTabOpenEscalations: the Home tab lists the unresolved
// escalations the staff member raised or was told of, with the student
// by name, state, level and next step; past ten it counts the rest. The
// teacher sees only the one they were told of; a resolved one is gone.
func TestHomeTabOpenEscalations(t *testing.T) {
	t.Parallel()
	engines(t, func(t *testing.T, store storage.Store) {
		h := newHarness(t, store)
		ctx := context.Background()
		para, teacher := h.staff("jrivera"), h.staff("tlopez")
		st := h.student("S102")
		for i := 0; i < 12; i++ {
			h.openConcern(st, i == 11)
		}
		if err := store.AdvanceEscalation(ctx, 1, 1, 0, 1, h.now,
			[]storage.EscalationStep{{At: h.now, Action: storage.StepNotified, Level: 1, Notified: []int64{teacher}}}, nil); err != nil {
			t.Fatal(err)
		}
		if err := store.ResolveEscalation(ctx, 2, para, "", h.now, nil); err != nil {
			t.Fatal(err)
		}
		h.post("/slack/events", "application/json", homeOpened("Ev101", userPara))
		h.post("/slack/events", "application/json", homeOpened("Ev102", userTeacher))
		pubs := h.slack.callsTo("views.publish")
		if len(pubs) != 2 {
			t.Fatalf("views.publish called %d times", len(pubs))
		}
		para1 := "#1 Concern about Caleb D. (S102): open, level 1, next step 11:00"
		text := blockText(pubs[0].JSON["view"])
		for _, want := range []string{"Open escalations (11)", para1, "#3 Concern about Caleb D. (S102): open, no level told yet, next step 10:30",
			"10 of 11 shown. /escalation and a number shows one's timeline."} {
			if !strings.Contains(text, want) {
				t.Errorf("para's home tab lacks %q:\n%s", want, text)
			}
		}
		for _, no := range []string{"#2 ", "#12 "} {
			if strings.Contains(text, no) {
				t.Errorf("para's home tab shows %q (resolved, or past the first ten):\n%s", no, text)
			}
		}
		text = blockText(pubs[1].JSON["view"])
		if !strings.Contains(text, "Open escalations (1)") || !strings.Contains(text, para1) || strings.Contains(text, "#3 ") {
			t.Errorf("teacher's home tab: want only #1:\n%s", text)
		}
	})
}
