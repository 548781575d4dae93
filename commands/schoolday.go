package commands

import (
	"context"
	"fmt"
	"time"

	"parabot/bot"
	"parabot/storage"
)

// forceParam lets a backdated entry on a day without school be logged
// anyway (a field trip on a Saturday, a make-up session).
func forceParam() bot.Param {
	return bot.Param{Name: "force", Kind: bot.KindBool, Default: "no",
		Help: "yes to log a backdated entry on a day without school"}
}

// checkSchoolDay refuses a backdated time on a day without school (a
// weekend, a holiday or a closure on the school's calendar), with the
// calendar's reason, unless force=yes. A time today is never refused: the
// para is there.
func checkSchoolDay(ctx context.Context, store storage.Store, c *bot.Call, at time.Time) error {
	if c.Values.Bool("force") {
		return nil
	}
	loc := c.School.Location()
	day := at.In(loc).Format("2006-01-02")
	if day == c.Now.In(loc).Format("2006-01-02") {
		return nil
	}
	days, err := store.CalendarDays(ctx, c.School.ID, day, day)
	if err != nil {
		return fmt.Errorf("reading the calendar of school %d: %w", c.School.ID, err)
	}
	reason := ""
	switch wd := at.In(loc).Weekday(); {
	case wd == time.Saturday || wd == time.Sunday:
		reason = "a " + wd.String()
	}
	for _, d := range days {
		switch d.Kind {
		case storage.DaySchool:
			reason = "" // a make-up day on a weekend
		case storage.DayHoliday, storage.DayClosure:
			reason = d.Note
			if reason == "" {
				reason = "a " + string(d.Kind)
			}
		}
	}
	if reason == "" {
		return nil
	}
	return bot.Errorf("at", "No school on %s, %s; log it anyway with force=yes.", day, reason)
}
