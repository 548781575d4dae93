package slack

import (
	"context"
	"fmt"
	"strings"
	"unicode/utf8"

	slackapi "github.com/slack-go/slack"

	"parabot/bot"
	"parabot/scheduler"
	"parabot/storage"
	"parabot/today"
)

// publishHome draws a staff member's Home tab (views.publish): their
// students, today's duties, and buttons that open the logging forms.
// Only the staff member sees their Home tab, so students appear by name
// (Aiden B. (S103)); long lists show a count and how to see the rest.
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
	day, err := today.Plan(ctx, a.store, st, sc.Caseload, school, sc.Now)
	if err != nil {
		return nil, fmt.Errorf("planning the day of staff %d: %w", st.ID, err)
	}
	ids := make([]int64, len(sc.Caseload))
	for i, s := range sc.Caseload {
		ids[i] = s.ID
	}
	a.router.RecordReads(st, storage.PlatformSlack, "home", "today", ids...)

	out := []slackapi.Block{header,
		slackapi.NewContextBlock("", mrkdwn(escape(fmt.Sprintf("%s · %s · %s", st.Name, school.Name, sc.Now.Format("Monday, January 2"))))),
	}

	var students []string
	for _, s := range sc.Caseload {
		line := "• " + bot.Named(s)
		if s.Grade != "" {
			line += ", grade " + s.Grade
		}
		students = append(students, line)
	}
	studentText := "*Your students*\nNo students are assigned to you yet; ask your teacher or admin."
	if len(students) > 0 {
		studentText = listSection(fmt.Sprintf("Your students (%d)", len(students)), students[:min(len(students), homeStudents)], len(students),
			"/"+Umbrella+" goals and a name or code shows a student's goals.")
	}
	out = append(out, slackapi.NewSectionBlock(mrkdwn(studentText), nil, nil))
	if text := a.homeProgressText(ctx, st, school, sc.Caseload, sc.Now); text != "" {
		out = append(out, slackapi.NewSectionBlock(mrkdwn(clip(text, maxSectionText)), nil, nil))
	}

	pending, err := scheduler.PendingFor(ctx, a.store, st, sc.Now)
	if err != nil {
		// The rest of the tab is worth showing without them.
		a.log.Error("home tab escalations", "staff_id", st.ID, "error", err)
		out = append(out, slackapi.NewSectionBlock(mrkdwn("*Open escalations*\n"+escape("Escalations could not be loaded just now; /escalation and a number shows one.")), nil, nil))
	} else if len(pending) > 0 {
		var lines []string
		var students []int64
		for _, p := range pending[:min(len(pending), homeEscalations)] {
			lines = append(lines, "• "+clip(p.Line(school.Location(), sc.Now), homeLineLen))
			students = append(students, p.Student.ID)
		}
		a.router.RecordReads(st, storage.PlatformSlack, "home", "escalation", students...)
		out = append(out, slackapi.NewSectionBlock(mrkdwn(listSection(fmt.Sprintf("Open escalations (%d)", len(pending)), lines, len(pending),
			"/escalation and a number shows one's timeline.")), nil, nil))
	}

	dutyText := "*Today's duties*\n"
	switch {
	case !day.School:
		dutyText += escape("No school today: " + day.Closed + nonEmpty(" — ", day.Note) + ".")
	default:
		if day.EarlyRelease != "" {
			dutyText += escape("Early release today: dismissal at " + day.EarlyRelease + nonEmpty(" — ", day.Note) + ".\n")
		}
		var mine []string
		for _, d := range day.Duties {
			mine = append(mine, escape(fmt.Sprintf("• %s %s–%s%s", label(string(d.Kind)), d.Start, d.End, nonEmpty(", ", d.Place))))
		}
		if len(mine) == 0 {
			dutyText += "No duties today."
		}
		dutyText += strings.Join(mine, "\n")
	}
	out = append(out, slackapi.NewDividerBlock(), slackapi.NewSectionBlock(mrkdwn(clip(dutyText, maxSectionText)), nil, nil))

	if day.School {
		dueText := "*Data still due today*\nNothing: every goal of your students has the trials it needs today."
		if len(day.Due) > 0 {
			var lines []string
			for _, due := range day.Due[:min(len(day.Due), homeDue)] {
				lines = append(lines, "• "+clip(today.DueLine(due, homeTitleLen), homeLineLen))
			}
			dueText = listSection(fmt.Sprintf("Data still due today (%d students)", len(day.Due)), lines, len(day.Due),
				"/"+Umbrella+" today page=2 shows more; /"+Umbrella+" today and a name or code shows one student.")
		}
		out = append(out, slackapi.NewSectionBlock(mrkdwn(dueText), nil, nil))
	}

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

// How much of a long list the Home tab shows: the rest is counted and
// reached through /today and /goals, never cut silently.
const (
	homeStudents = 30
	homeDue      = 10
	// homeEscalations is how many open escalations the Home tab lists.
	homeEscalations = 10
	homeTitleLen    = 40
	homeLineLen     = 250
)

// listSection is a section's mrkdwn: a bold title, the lines that fit in
// one section, and, when not every one of total is shown, how many are
// and how to see the rest. Lines are escaped here.
func listSection(title string, lines []string, total int, more string) string {
	head := "*" + escape(title) + "*"
	footer := func(shown int) string {
		if shown == total {
			return ""
		}
		return "\n" + escape(fmt.Sprintf("%d of %d shown. %s", shown, total, more))
	}
	body := head
	shown := 0
	for _, l := range lines {
		next := body + "\n" + escape(l)
		if utf8.RuneCountInString(next+footer(shown+1)) > maxSectionText {
			break
		}
		body, shown = next, shown+1
	}
	return body + footer(shown)
}

func nonEmpty(prefix, s string) string {
	if s == "" {
		return ""
	}
	return prefix + s
}
