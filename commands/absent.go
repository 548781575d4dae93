package commands

import (
	"cmp"
	"context"
	"errors"
	"fmt"
	"strings"
	"time"

	"parabot/bot"
	"parabot/scheduler"
	"parabot/schoolday"
	"parabot/storage"
)

// maxAbsence bounds one /absent range; longer leave is entered in parts.
const maxAbsence = 60

// Absent marks a staff member absent for a day or a range, with a cover,
// or a student absent for a day.
func Absent(d Deps) *bot.Command {
	cmd := &bot.Command{
		Name:    "absent",
		Summary: "Mark yourself (admins: anyone) absent with a cover, or a student for a day; cancel=yes undoes it.",
		Params: []bot.Param{
			{Name: "who", Kind: bot.KindText, Positional: true, MaxLen: 40,
				Help: "me (the default), a staff handle (admins), or a student code of your caseload"},
			{Name: "when", Kind: bot.KindText, Positional: true, MaxLen: 40,
				Help: "today (the default), tomorrow, 2026-11-24, or a range 2026-11-24..2026-11-26"},
			{Name: "cover", Kind: bot.KindText, MaxLen: 40,
				Help: "the handle of the staff member who takes the duties"},
			{Name: "cancel", Kind: bot.KindBool, Default: "no",
				Help: "yes to take back an absence from that day on (the student came in, you are back early)"},
		},
		Examples: []string{"/absent me tomorrow cover=nguyen", "/absent S101", "/absent lee 2026-11-24..2026-11-25 cover=nguyen", "/absent S101 cancel=yes"},
	}
	cmd.Run = func(ctx context.Context, c *bot.Call) (bot.Reply, error) {
		from, to, err := absenceDates(c.Values.Text("when"), c.School, c.Now)
		if err != nil {
			return bot.Reply{}, bot.UsageError(cmd, "when", "%s", err.Error())
		}
		if err := checkSchoolDays(ctx, d.Store, c.School, from, to); err != nil {
			return bot.Reply{}, bot.UsageError(cmd, "when", "%s", err.Error())
		}
		who := strings.TrimPrefix(strings.TrimSpace(c.Values.Text("who")), "@")
		cancel := c.Values.Bool("cancel")
		if cancel && strings.TrimSpace(c.Values.Text("cover")) != "" {
			return bot.Reply{}, bot.Errorf("cover", "A cover goes with marking an absence, not with taking one back; type /absent %s %s cancel=yes.", cmp.Or(who, "me"), from)
		}
		if st, ok := caseloadStudent(who, c.Caseload); ok {
			if cancel {
				return cancelAbsence(ctx, d, c, st.Label(), storage.Absence{StudentID: st.ID}, from)
			}
			return markStudent(ctx, d, cmd, c, st, from, to)
		}
		staff, err := d.Store.ListStaff(ctx, c.Staff.SchoolID)
		if err != nil {
			return bot.Reply{}, fmt.Errorf("listing staff: %w", err)
		}
		absent := c.Staff
		if who != "" && !strings.EqualFold(who, "me") && !strings.EqualFold(who, c.Staff.Handle) {
			found, ok := staffByHandle(staff, who)
			if !ok {
				return bot.Reply{}, bot.UsageError(cmd, "who", "%q is neither a staff handle at your school nor a student code of your caseload. Type me, a handle (an admin's /absent lee), or a student code (/absent S101).", who)
			}
			if c.Staff.Role != storage.RoleAdmin {
				if cancel {
					return bot.Reply{}, bot.Errorf("who", "Only an administrator can take back someone else's absence; %s can, with /absent me cancel=yes.", found.Name)
				}
				return bot.Reply{}, bot.Errorf("who", "Only an administrator can mark someone else absent. Mark yourself with /absent me %s, or ask an administrator.", from)
			}
			absent = found
		}
		if cancel {
			return cancelAbsence(ctx, d, c, absent.Name, storage.Absence{StaffID: absent.ID}, from)
		}
		a := storage.Absence{SchoolID: c.Staff.SchoolID, StaffID: absent.ID, From: from, To: to, ByStaffID: c.Staff.ID, CreatedAt: c.Now}
		var cover storage.Staff
		if h := strings.TrimPrefix(strings.TrimSpace(c.Values.Text("cover")), "@"); h != "" {
			var ok bool
			if cover, ok = staffByHandle(staff, h); !ok {
				if other, err := d.Store.StaffByIdentity(ctx, storage.PlatformShell, strings.ToLower(h)); err == nil && other.SchoolID != c.Staff.SchoolID {
					return bot.Reply{}, bot.Errorf("cover", "%s works at another school; the cover must be at your school.", h)
				}
				return bot.Reply{}, bot.UsageError(cmd, "cover", "No one at your school has the handle %q. Type a handle, e.g. cover=nguyen.", h)
			}
			if cover.ID == absent.ID {
				return bot.Reply{}, bot.Errorf("cover", "%s cannot cover for themselves; name someone else.", cover.Name)
			}
			others, err := d.Store.Absences(ctx, c.Staff.SchoolID, from, to)
			if err != nil {
				return bot.Reply{}, fmt.Errorf("loading absences: %w", err)
			}
			for _, o := range others {
				if o.StaffID == cover.ID {
					return bot.Reply{}, bot.Errorf("cover", "%s is absent on %s too; name another cover.", cover.Name, o.From)
				}
			}
			a.CoverID = cover.ID
		}
		if _, err := d.Store.AddAbsence(ctx, a); err != nil {
			if errors.Is(err, storage.ErrConflict) {
				return bot.Reply{}, bot.Errorf("when", "%s is already marked absent %s; nothing was changed. To change it, take it back first: /absent %s %s cancel=yes.",
					absent.Name, overlapText(from, to), absent.Handle, from)
			}
			return bot.Reply{}, fmt.Errorf("adding absence: %w", err)
		}
		replan(ctx, d, c.School, from, to, c.Now)
		text := fmt.Sprintf("Marked %s absent %s.", absent.Name, rangeText(from, to))
		if a.CoverID != 0 {
			text += fmt.Sprintf(" %s covers their duties (and gets their duty reminders).", cover.Name)
		} else {
			text += " No cover: an administrator hears of any uncovered duty in the morning."
		}
		return bot.Reply{Text: text}, nil
	}
	return cmd
}

func markStudent(ctx context.Context, d Deps, cmd *bot.Command, c *bot.Call, st storage.Student, from, to string) (bot.Reply, error) {
	if from != to {
		return bot.Reply{}, bot.UsageError(cmd, "when", "A student is marked absent one day at a time; type /absent %s %s.", st.Code, from)
	}
	if strings.TrimSpace(c.Values.Text("cover")) != "" {
		return bot.Reply{}, bot.UsageError(cmd, "cover", "A cover is for staff; a student's absence takes none.")
	}
	a := storage.Absence{SchoolID: st.SchoolID, StudentID: st.ID, From: from, To: to, ByStaffID: c.Staff.ID, CreatedAt: c.Now}
	if _, err := d.Store.AddAbsence(ctx, a); err != nil {
		if errors.Is(err, storage.ErrConflict) {
			return bot.Reply{}, bot.Errorf("when", "%s is already marked absent %s; nothing was changed.", st.Label(), rangeText(from, to))
		}
		return bot.Reply{}, fmt.Errorf("adding absence: %w", err)
	}
	return bot.Reply{Text: fmt.Sprintf("Marked %s absent %s: no data is due for them, and logging for them that day is refused.", st.Label(), rangeText(from, to))}, nil
}

// cancelAbsence takes back, from day on, the absence of the person who
// names (who.StaffID or who.StudentID) that includes day, and plans the
// days again so reminders go to them, not their cover.
func cancelAbsence(ctx context.Context, d Deps, c *bot.Call, name string, who storage.Absence, day string) (bot.Reply, error) {
	abs, err := d.Store.Absences(ctx, c.Staff.SchoolID, day, day)
	if err != nil {
		return bot.Reply{}, fmt.Errorf("loading absences: %w", err)
	}
	for _, a := range abs {
		if who.StaffID != 0 && a.StaffID != who.StaffID || who.StudentID != 0 && a.StudentID != who.StudentID {
			continue
		}
		left, err := d.Store.CancelAbsence(ctx, a.ID, day, c.Staff.ID, c.Now)
		if errors.Is(err, storage.ErrNotFound) {
			break // taken back by someone else just now
		}
		if err != nil {
			return bot.Reply{}, err
		}
		replan(ctx, d, c.School, day, a.To, c.Now)
		text := fmt.Sprintf("Took back the absence of %s %s.", name, rangeText(day, a.To))
		if left.ID != 0 {
			text += fmt.Sprintf(" It now ends on %s.", dayName(left.To))
		}
		if who.StudentID != 0 {
			text += " Data is due for them again, and you can log for them."
		} else if a.CoverID != 0 {
			text += " Their duties and reminders are theirs again, no longer the cover's."
		}
		return bot.Reply{Text: text}, nil
	}
	return bot.Reply{}, bot.Errorf("when", "%s is not marked absent on %s, so there is nothing to take back.", name, dayName(day))
}

// overlapText is "on Mon Mar 15" for one day, "on a day from Mon Mar 15
// to Wed Mar 17" for a range.
func overlapText(from, to string) string {
	if from == to {
		return rangeText(from, to)
	}
	return "on a day " + rangeText(from, to)
}

// replan plans again the days of an absence that are already planned
// (today and tomorrow), so covers get their reminders.
func replan(ctx context.Context, d Deps, school storage.School, from, to string, now time.Time) {
	today := schoolday.Today(now, school.Location())
	var jobs []storage.Job
	for i, day := range []string{today, schoolday.AddDays(today, 1)} {
		if from <= day && day <= to {
			jobs = append(jobs, scheduler.PlanDayJob(school.ID, day, now, now.UnixNano()+int64(i)))
		}
	}
	if err := d.Store.Enqueue(ctx, jobs); err != nil {
		// The evening and hourly planning catch up; the absence is stored.
		d.Log.Warn("replanning after an absence", "school_id", school.ID, "error", err)
	}
}

// absenceDates reads "", today, tomorrow, a date, or from..to.
func absenceDates(v string, school storage.School, now time.Time) (string, string, error) {
	v = strings.ToLower(strings.TrimSpace(v))
	today := schoolday.Today(now, school.Location())
	one := func(s string) (string, error) {
		switch s {
		case "", "today":
			return today, nil
		case "tomorrow":
			return schoolday.AddDays(today, 1), nil
		}
		if _, err := time.Parse(schoolday.DateLayout, s); err != nil {
			return "", fmt.Errorf("%q is not a date; write today, tomorrow, 2026-11-24, or a range 2026-11-24..2026-11-26", s)
		}
		return s, nil
	}
	f, t, isRange := strings.Cut(v, "..")
	from, err := one(strings.TrimSpace(f))
	if err != nil {
		return "", "", err
	}
	to := from
	if isRange {
		if to, err = one(strings.TrimSpace(t)); err != nil {
			return "", "", err
		}
	}
	if from > to {
		return "", "", fmt.Errorf("the range starts on %s, after its end %s; write the earlier date first", from, to)
	}
	if from < today {
		return "", "", fmt.Errorf("%s is in the past; absences are marked for today or later", from)
	}
	d1, _ := time.Parse(schoolday.DateLayout, from)
	d2, _ := time.Parse(schoolday.DateLayout, to)
	if d2.Sub(d1) > maxAbsence*24*time.Hour {
		return "", "", fmt.Errorf("the range is longer than %d days; enter it in parts", maxAbsence)
	}
	return from, to, nil
}

// checkSchoolDays refuses dates outside the school year and a start or
// end on a day without school.
func checkSchoolDays(ctx context.Context, store storage.Store, school storage.School, from, to string) error {
	special, err := store.CalendarDays(ctx, school.ID, from, to)
	if err != nil {
		return fmt.Errorf("loading calendar: %w", err)
	}
	for _, date := range []string{from, to} {
		day, err := schoolday.Classify(school, date, special)
		if err != nil {
			return err
		}
		if !day.School {
			return fmt.Errorf("%s has no school (%s); choose a school day", date, day.Closed)
		}
	}
	return nil
}

func rangeText(from, to string) string {
	f := dayName(from)
	if from == to {
		return "on " + f
	}
	return "from " + f + " to " + dayName(to)
}

func dayName(date string) string {
	t, err := time.Parse(schoolday.DateLayout, date)
	if err != nil {
		return date
	}
	return t.Format("Mon Jan 2")
}

func caseloadStudent(q string, caseload []storage.Student) (storage.Student, bool) {
	if q == "" {
		return storage.Student{}, false
	}
	for _, s := range caseload {
		if strings.EqualFold(s.Code, q) {
			return s, true
		}
	}
	return storage.Student{}, false
}

func staffByHandle(staff []storage.Staff, h string) (storage.Staff, bool) {
	for _, s := range staff {
		if strings.EqualFold(s.Handle, h) {
			return s, true
		}
	}
	return storage.Staff{}, false
}

// refuseAbsent refuses to log for a student marked absent on at's day.
func refuseAbsent(ctx context.Context, store storage.Store, school storage.School, st storage.Student, at time.Time) error {
	date := schoolday.Today(at, school.Location())
	abs, err := store.Absences(ctx, school.ID, date, date)
	if err != nil {
		return fmt.Errorf("loading absences: %w", err)
	}
	for _, a := range abs {
		if a.StudentID == st.ID {
			return absentError(st, date)
		}
	}
	return nil
}

// absentError tells that nothing was logged for a student marked absent
// on date, and what to do if they came in.
func absentError(st storage.Student, date string) error {
	return bot.Errorf("student", "%s is marked absent on %s, so nothing was logged. If they came in after all, take the absence back with /absent %s %s cancel=yes, then log again.", st.Label(), dayName(date), st.Code, date)
}

// Covering returns, for Router.SetCovering, the students a para may log
// for because they cover an absent para today: that para's caseload.
func Covering(store storage.Store) func(ctx context.Context, st storage.Staff, now time.Time) ([]storage.Student, error) {
	return func(ctx context.Context, st storage.Staff, now time.Time) ([]storage.Student, error) {
		if st.Role != storage.RolePara {
			return nil, nil
		}
		school, err := store.School(ctx, st.SchoolID)
		if err != nil {
			return nil, fmt.Errorf("loading school %d: %w", st.SchoolID, err)
		}
		date := schoolday.Today(now, school.Location())
		abs, err := store.Absences(ctx, school.ID, date, date)
		if err != nil {
			return nil, fmt.Errorf("loading absences: %w", err)
		}
		var out []storage.Student
		for _, a := range abs {
			if a.CoverID != st.ID || a.StaffID == 0 {
				continue
			}
			absent, err := store.StaffMember(ctx, a.StaffID)
			if err != nil {
				return nil, fmt.Errorf("loading staff %d: %w", a.StaffID, err)
			}
			if absent.Role != storage.RolePara {
				continue
			}
			theirs, err := store.Caseload(ctx, a.StaffID)
			if err != nil {
				return nil, fmt.Errorf("loading caseload of staff %d: %w", a.StaffID, err)
			}
			out = append(out, theirs...)
		}
		return out, nil
	}
}
