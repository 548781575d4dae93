package slack

import (
	"context"
	"time"

	"parabot/storage"
)

// HomeProgress gives the Home tab its progress lines: one per student of
// the staff member, computed by the core (progress.Service).
type HomeProgress interface {
	HomeLines(ctx context.Context, by storage.Staff, school storage.School, students []storage.Student, now time.Time) ([]string, error)
}

// homeProgressText is the Home tab's progress section, or "" when no
// progress is configured or the staff member has no students. A failure
// is logged and the section says so: the rest of the tab still shows.
func (a *Adapter) homeProgressText(ctx context.Context, st storage.Staff, school storage.School, students []storage.Student, now time.Time) string {
	if a.cfg.Progress == nil || len(students) == 0 {
		return ""
	}
	lines, err := a.cfg.Progress.HomeLines(ctx, st, school, students, now)
	if err != nil {
		a.log.Error("home tab progress", "staff_id", st.ID, "error", err)
		return "*Progress, last 7 days*\n" + escape("Progress could not be loaded just now.")
	}
	return listSection("Progress, last 7 days", lines, len(lines), "/progress and a code shows one student with charts.")
}
