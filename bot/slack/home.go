package slack

import (
	"context"
	"fmt"
	"strings"

	slackapi "github.com/slack-go/slack"

	"parabot/bot"
	"parabot/storage"
)

// publishHome draws a staff member's Home tab (views.publish): their
// students, today's duties, and buttons that open the logging forms.
// Only the staff member sees their Home tab; students still appear by
// label only.
func (a *Adapter) publishHome(ctx context.Context, userID string) error {
	bs, err := a.homeBlocks(ctx, userID)
	if err != nil {
		return err
	}
	ctx, cancel := context.WithTimeout(ctx, callTimeout)
	defer cancel()
	_, err = a.api.PublishViewContext(ctx, slackapi.PublishViewContextRequest{
		UserID: userID,
		View:   slackapi.HomeTabViewRequest{Type: slackapi.VTHomeTab, Blocks: slackapi.Blocks{BlockSet: bs}},
	})
	if err != nil {
		return fmt.Errorf("slack views.publish: %w", err)
	}
	return nil
}

func (a *Adapter) homeBlocks(ctx context.Context, userID string) ([]slackapi.Block, error) {
	header := slackapi.NewHeaderBlock(plain("parabot"))
	st, err := a.router.Identify(ctx, storage.PlatformSlack, userID, "")
	if err != nil {
		if _, ok := bot.AsUserError(err); !ok {
			return nil, err
		}
		return append([]slackapi.Block{header}, blocks(a.failed("identifying slack user", err))...), nil
	}
	sc, school, err := a.router.Scope(ctx, st)
	if err != nil {
		return nil, fmt.Errorf("loading scope of staff %d: %w", st.ID, err)
	}
	today := sc.Now
	date := today.Format("2006-01-02")
	duties, err := a.store.Duties(ctx, st.SchoolID)
	if err != nil {
		return nil, fmt.Errorf("loading duties of school %d: %w", st.SchoolID, err)
	}
	days, err := a.store.CalendarDays(ctx, st.SchoolID, date, date)
	if err != nil {
		return nil, fmt.Errorf("loading calendar of school %d: %w", st.SchoolID, err)
	}

	out := []slackapi.Block{header,
		slackapi.NewContextBlock("", mrkdwn(escape(fmt.Sprintf("%s · %s · %s", st.Name, school.Name, today.Format("Monday, January 2"))))),
	}

	var students []string
	for _, s := range sc.Caseload {
		line := "• " + s.Label()
		if s.Grade != "" {
			line += ", grade " + s.Grade
		}
		students = append(students, escape(line))
	}
	studentText := "*Your students*\nNo students are assigned to you yet; ask your teacher or admin."
	if len(students) > 0 {
		studentText = "*Your students*\n" + strings.Join(students, "\n")
	}
	out = append(out, slackapi.NewSectionBlock(mrkdwn(clip(studentText, maxSectionText)), nil, nil))

	dutyText := "*Today's duties*\n"
	closed := false
	for _, d := range days {
		switch d.Kind {
		case storage.DayHoliday, storage.DayClosure:
			closed = true
			dutyText += escape("No school today (" + strings.ReplaceAll(string(d.Kind), "_", " ") + nonEmpty(": ", d.Note) + ").\n")
		case storage.DayEarlyRelease:
			dutyText += escape("Early release today: dismissal at " + d.Dismissal + nonEmpty(" — ", d.Note) + ".\n")
		}
	}
	var mine []string
	for _, d := range duties {
		if d.StaffID == st.ID && d.Weekday == today.Weekday() {
			mine = append(mine, escape(fmt.Sprintf("• %s %s–%s%s", label(string(d.Kind)), d.Start, d.End, nonEmpty(", ", d.Place))))
		}
	}
	switch {
	case closed:
	case len(mine) == 0:
		dutyText += "No duties today."
	default:
		dutyText += strings.Join(mine, "\n")
	}
	out = append(out, slackapi.NewDividerBlock(), slackapi.NewSectionBlock(mrkdwn(clip(dutyText, maxSectionText)), nil, nil))

	var buttons []slackapi.BlockElement
	for _, cmd := range a.router.Commands() {
		if needsForm(cmd) && cmd.Allowed(st.Role) && len(buttons) < maxButtons {
			buttons = append(buttons, slackapi.NewButtonBlockElement(openPrefix+cmd.Name, "", plain(clip(label(cmd.Name), maxButtonText))))
		}
	}
	if len(buttons) > 0 {
		out = append(out, slackapi.NewDividerBlock(), slackapi.NewActionBlock("open", buttons...))
	}
	out = append(out, slackapi.NewContextBlock("", mrkdwn(escape("Type /"+Umbrella+" help for every command."))))
	return out, nil
}

func nonEmpty(prefix, s string) string {
	if s == "" {
		return ""
	}
	return prefix + s
}
