package commands_test

import (
	"context"
	"fmt"
	"slices"
	"strings"
	"sync"
	"testing"

	"parabot/bot"
	"parabot/storage"
)

// recorder collects what the router sends to the access log.
type recorder struct {
	mu     sync.Mutex
	events []storage.AuditEvent
}

func (r *recorder) record(events ...storage.AuditEvent) {
	r.mu.Lock()
	defer r.mu.Unlock()
	r.events = append(r.events, events...)
}

// take returns the rows recorded since the last take, as
// "action entity student detail".
func (r *recorder) take(s *school) []string {
	r.mu.Lock()
	defer r.mu.Unlock()
	var out []string
	for _, e := range r.events {
		code := "-"
		if e.StudentID != 0 {
			st, err := s.db.Student(context.Background(), e.StudentID)
			if err != nil {
				s.t.Fatalf("student %d: %v", e.StudentID, err)
			}
			code = st.Code
		}
		if e.StaffID == 0 || !e.At.Equal(s.now) {
			s.t.Errorf("row %+v: want the caller's staff id and the router's clock", e)
		}
		out = append(out, fmt.Sprintf("%s %s %s %s", e.Action, e.Entity, code, e.Detail))
	}
	r.events = nil
	return out
}

// Every read of a student's records and every refused attempt reaches the
// access log, with the surface it came through.
func TestAccessLogRecordsReadsAndRefusals(t *testing.T) {
	s := newSchool(t)
	rec := &recorder{}
	s.router.SetAccessLog(rec.record)
	check := func(what string, want ...string) {
		t.Helper()
		if got := rec.take(s); !slices.Equal(got, want) {
			t.Errorf("%s: access log\n%q\nwant\n%q", what, got, want)
		}
	}
	if r := s.do("lee", "/today"); r.IsError {
		t.Fatalf("/today: %s", r.Text)
	}
	check("/today", "read today S101 surface=shell/command", "read today S102 surface=shell/command", "read today S103 surface=shell/command")
	s.do("lee", "/goals S102")
	check("/goals", "read goals S102 surface=shell/command")

	ctx := context.Background()
	req := bot.Request{Platform: storage.PlatformDiscord, UserID: "lee", Command: "trial"}
	if _, err := s.router.Complete(ctx, bot.Request{Platform: storage.PlatformShell, UserID: "lee", Command: "trial"}, "student", "a"); err != nil {
		t.Fatalf("Complete: %v", err)
	}
	check("student options", "read student_list S101 surface=shell/options", "read student_list S103 surface=shell/options")
	req.Platform = storage.PlatformShell
	req.Args = map[string]string{"student": "S101"}
	if _, err := s.router.Complete(ctx, req, "goal", ""); err != nil {
		t.Fatalf("Complete: %v", err)
	}
	check("goal picker", "read goals S101 surface=shell/options")

	if r := s.do("lee", "/goals S104"); !r.IsError {
		t.Fatalf("/goals S104 outside the caseload: %s", r.Text)
	}
	check("outside the caseload", "refused goals S104 surface=shell/command reason=outside_caseload")
	if r := s.do("rivera", "/note S101 hello"); !r.IsError {
		t.Fatalf("/note by a teacher: %s", r.Text)
	}
	check("wrong role", "refused note - surface=shell/command reason=role")
}

// /audit shows an admin a student's trail, privately, records the look
// first, and is refused to everyone else.
func TestAuditInChat(t *testing.T) {
	s := newSchool(t)
	if r := s.do("lee", "/trial S101 G1 + +"); r.IsError {
		t.Fatalf("trial: %s", r.Text)
	}
	r := s.do("patel", "/audit S101")
	if r.IsError || !r.Private || !strings.Contains(r.Text, "Access log of Ava B. (S101)") || !strings.Contains(r.Text, "lee          S101   create    trials #") {
		t.Errorf("/audit S101 by the admin: %+v", r)
	}
	rows, err := s.db.Audit(context.Background(), s.staffStudent("S101"))
	if err != nil || len(rows) != 2 || rows[1].Action != "read" || rows[1].Entity != "audit_log" || rows[1].StaffID != s.staff("patel").ID {
		t.Errorf("audit rows after /audit: %+v (err %v), want the trial and the look", rows, err)
	}
	if r := s.do("lee", "/audit S101"); !r.IsError || !strings.Contains(r.Text, "is for admins") {
		t.Errorf("/audit by a para: %+v", r)
	}
}

// staffStudent is the id of the student with code at the demo school.
func (s *school) staffStudent(code string) int64 {
	s.t.Helper()
	st, err := s.db.StudentByCode(context.Background(), s.staff("patel").SchoolID, code)
	if err != nil {
		s.t.Fatalf("student %s: %v", code, err)
	}
	return st.ID
}
