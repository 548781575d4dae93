package roster_test

import (
	"errors"
	"io/fs"
	"strings"
	"testing"
	"testing/fstest"
	"time"

	"parabot/roster"
	"parabot/storage"
)

// FuzzParse puts arbitrary bytes in place of one demo file. Parse must
// not panic, must report problems only as Errors that name a file and a
// message, and whatever it accepts must be valid.
func FuzzParse(f *testing.F) {
	demo := roster.Demo()
	files := roster.Files()
	for i, name := range files {
		data, err := fs.ReadFile(demo, name)
		if err != nil {
			f.Fatal(err)
		}
		f.Add(uint8(i), data)
	}
	f.Add(uint8(1), []byte("school,handle,name,role\nMaple Grove Elementary,\"x\n\",y,para\n"))
	f.Add(uint8(5), []byte("staff,kind,weekday,start,end\nlee,bus,sun-sat,0:00,23:59\n"))
	f.Add(uint8(6), []byte("school,date,end_date,kind\nmaple grove elementary,2026-12-21,2027-01-01,closure\n"))
	f.Add(uint8(2), []byte("\xef\xbb\xbfcode\n\"\"\"\n"))

	f.Fuzz(func(t *testing.T, which uint8, data []byte) {
		fsys := fstest.MapFS{}
		for _, name := range files {
			content, err := fs.ReadFile(demo, name)
			if err != nil {
				t.Fatal(err)
			}
			fsys[name] = &fstest.MapFile{Data: content}
		}
		fsys[files[int(which)%len(files)]] = &fstest.MapFile{Data: data}

		r, err := roster.Parse(fsys)
		if err != nil {
			var problems roster.Errors
			if !errors.As(err, &problems) || len(problems) == 0 {
				t.Fatalf("Parse returned %T %v, want roster.Errors", err, err)
			}
			for _, p := range problems {
				if p.File == "" || p.Line < 0 || p.Msg == "" {
					t.Errorf("malformed problem %+v", p)
				}
			}
			return
		}
		checkRoster(t, r)
	})
}

// checkRoster checks what Parse accepted is what the store may rely on.
func checkRoster(t *testing.T, r storage.Roster) {
	t.Helper()
	isDate := func(s string) bool { _, err := time.Parse("2006-01-02", s); return err == nil }
	isClock := func(s string) bool { _, err := time.Parse("15:04", s); return err == nil && len(s) == 5 }
	schools := map[string]bool{}
	for _, s := range r.Schools {
		if _, err := time.LoadLocation(s.TimeZone); err != nil || s.Name == "" || !isDate(s.YearStart) || !isDate(s.YearEnd) ||
			!isClock(s.DayStart) || !isClock(s.Dismissal) || s.DayStart >= s.Dismissal || s.YearStart >= s.YearEnd {
			t.Errorf("accepted school %+v", s)
		}
		schools[s.Name] = true
	}
	handles := map[string]bool{}
	for _, s := range r.Staff {
		if !schools[s.School] || s.Handle == "" || s.Handle != strings.ToLower(s.Handle) || s.Name == "" || !s.Role.Valid() || handles[s.Handle] {
			t.Errorf("accepted staff %+v", s)
		}
		handles[s.Handle] = true
	}
	codes := map[string]bool{}
	for _, s := range r.Students {
		if !schools[s.School] || s.Code == "" || s.Initials == "" || s.FirstName == "" || s.LastName == "" || codes[strings.ToLower(s.Code)] {
			t.Errorf("accepted student %+v", s)
		}
		codes[strings.ToLower(s.Code)] = true
	}
	for _, g := range r.Goals {
		if !codes[strings.ToLower(g.StudentCode)] || !g.Goal.Domain.Valid() || g.Goal.Text == "" ||
			g.Goal.MasteryPercent < 1 || g.Goal.MasteryPercent > 100 || g.Goal.MasterySessions < 1 || g.Goal.MasteryMinTrials < 1 ||
			!isDate(g.Goal.StartDate) || !isDate(g.Goal.EndDate) || g.Goal.StartDate >= g.Goal.EndDate {
			t.Errorf("accepted goal %+v", g)
		}
	}
	for _, a := range r.Assignments {
		if !handles[a.StaffHandle] || !codes[strings.ToLower(a.StudentCode)] || a.Kind == "" {
			t.Errorf("accepted assignment %+v", a)
		}
	}
	for _, d := range r.Duties {
		if !handles[d.StaffHandle] || d.Duty.Kind == "" || !isClock(d.Duty.Start) || !isClock(d.Duty.End) || d.Duty.Start >= d.Duty.End {
			t.Errorf("accepted duty %+v", d)
		}
	}
	for _, d := range r.Calendar {
		early := d.Day.Kind == storage.DayEarlyRelease
		if !schools[d.School] || !isDate(d.Day.Date) || d.Day.Kind == "" || early != (d.Day.Dismissal != "") || (early && !isClock(d.Day.Dismissal)) {
			t.Errorf("accepted calendar day %+v", d)
		}
	}
}
