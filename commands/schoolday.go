package commands

import (
	"context"
	"fmt"
	"time"

	"parabot/bot"
	"parabot/schoolday"
	"parabot/storage"
)

// forceParam lets an entry on a day without school or outside school
// hours be logged anyway (a field trip on a Saturday, a make-up session).
func forceParam() bot.Param {
	return bot.Param{Name: "force", Kind: bot.KindBool, Default: "no",
		Help: "yes to log an entry on a day without school or outside school hours"}
}

// hoursMargin is how far before the first bell and after dismissal a
// logged time still counts as the school day: arrival, bus duty, and a
// few minutes to write things down. A time further out is most likely a
// typo (at=03:00 for 3:00, 12:00am).
const hoursMargin = time.Hour

// asItHappens is how close to now an entry's time counts as logged as it
// happens, and so is not checked against the school day.
const asItHappens = time.Hour

// logAnyway is the button under a refusal of checkSchoolDay.
var logAnyway = []bot.Choice{{Value: "yes", Label: "Log it anyway", Param: "force"}}

// checkSchoolDay refuses, unless force=yes, a time on a day without
// school (a weekend, a holiday or closure on the school's calendar, or
// outside the school year), with the calendar's reason, and a time more
// than hoursMargin before the first bell or after the day's dismissal.
// A time within asItHappens of now (now itself, "20m ago") is not
// checked: an entry logged as it happens, or just after, is on its own
// day and time whatever they are (a Saturday event, a late note, the
// terminal demo at night); a time given further back and far from the
// school day is most likely a typo.
func checkSchoolDay(ctx context.Context, store storage.Store, c *bot.Call, at time.Time) error {
	if c.Values.Bool("force") || c.Now.Sub(at) < asItHappens {
		return nil
	}
	loc := c.School.Location()
	at, now := at.In(loc), c.Now.In(loc)
	date := at.Format(schoolday.DateLayout)
	days, err := store.CalendarDays(ctx, c.School.ID, date, date)
	if err != nil {
		return fmt.Errorf("reading the calendar of school %d: %w", c.School.ID, err)
	}
	d, err := schoolday.Classify(c.School, date, days)
	if err != nil {
		return fmt.Errorf("classifying %s at school %d: %w", date, c.School.ID, err)
	}
	today := date == now.Format(schoolday.DateLayout)
	if !d.School {
		reason := d.Note
		switch {
		case d.Closed == "weekend":
			reason = "a " + d.Weekday.String()
		case d.Closed == "outside the school year":
			reason = d.Closed
		case reason == "":
			reason = "a " + d.Closed
		}
		msg := fmt.Sprintf("No school on %s, %s; log it anyway with force=yes.", date, reason)
		if today {
			msg = fmt.Sprintf("No school today (%s, %s); log it anyway with force=yes, or give when it happened, like at=yesterday 14:00.", date, reason)
		}
		return &bot.UserError{Param: "at", Msg: msg, Choices: logAnyway}
	}
	start, end, err := schoolday.Hours(c.School, d)
	if err != nil {
		return fmt.Errorf("school hours of school %d: %w", c.School.ID, err)
	}
	if !at.Before(start.Add(-hoursMargin)) && !at.After(end.Add(hoursMargin)) {
		return nil
	}
	hours := start.Format("15:04") + "–" + end.Format("15:04")
	var msg string
	switch {
	case today:
		msg = fmt.Sprintf("%s is outside the school day (%s); check the time (at 10:15, at 2:30pm), or log it anyway with force=yes.", at.Format("15:04"), hours)
	default:
		msg = fmt.Sprintf("%s is outside the school day (%s that day); check the time, or log it anyway with force=yes.", at.Format("Mon 2006-01-02 15:04"), hours)
	}
	return &bot.UserError{Param: "at", Msg: msg, Choices: logAnyway}
}
