package scheduler

import (
	"context"
	"fmt"
	"maps"
	"time"

	"parabot/bot"
	"parabot/progress"
	"parabot/storage"
	"parabot/summary"
	"parabot/today"
)

// Reasons of the scheduled summaries' reads, in the access log.
const (
	reasonDailySummary  = "daily summary"
	reasonWeeklySummary = "weekly summary"
)

// chartType is the MIME type of the charts on the weekly post.
const chartType = "image/png"

// narrativeBudget bounds the time a summary waits for its narratives,
// all of them: a slow language model costs the private copy its
// narratives, never the summary. Narratives also keeps within half of
// what the job's own timeout leaves.
const narrativeBudget = 30 * time.Second

// composeSummary writes a teacher's daily or weekly summary: the channel
// version (initials, codes and numbers only) to the teacher's channel, or
// to the teacher by direct message when the roster gives none, and the
// private version (names, notes, incident details) to the teacher by
// direct message. The weekly channel post carries a chart per goal with
// data. With a narrator, the private version carries each student's
// narrative (de-identified on the way out; see summary.Narrator), or says
// why it has none; the channel version never does. A teacher without
// students gets nothing.
//
// The channel post carries the teacher's id too: when the channel cannot
// be posted to, the delivery sends it to the teacher instead (see
// DeliverWorker).
func composeSummary(ctx context.Context, store storage.Store, narrate progress.Service, f today.Facts, o Occurrence) ([]bot.Message, error) {
	teacher, ok := f.Staff[o.StaffID]
	if !ok {
		return nil, nil
	}
	caseload, err := store.Caseload(ctx, teacher.ID)
	if err != nil {
		return nil, fmt.Errorf("loading caseload of staff %d: %w", teacher.ID, err)
	}
	if len(caseload) == 0 {
		return nil, nil
	}
	day, err := time.ParseInLocation(time.DateOnly, f.Day.Date, f.Loc)
	if err != nil {
		return nil, fmt.Errorf("summary day %q: %w", f.Day.Date, err)
	}
	period, reason := summary.DayPeriod(day, f.Loc), reasonDailySummary
	weekly := o.Kind == KindWeeklySummary
	if weekly {
		period, reason = summary.WeekPeriod(day, f.Loc), reasonWeeklySummary
		period.To = day // the week so far: its last school day is today
	}
	sums, staff, err := teacherSummaries(ctx, store, teacher, caseload, period, reason, o.At)
	if err != nil {
		return nil, err
	}
	public := summary.ChannelReply(sums)
	if weekly {
		size, left := 0, 0
		for _, s := range sums {
			charts, err := summary.Charts(s, summary.ChartOptions{})
			if err != nil {
				return nil, fmt.Errorf("drawing charts of student %d: %w", s.Student.ID, err)
			}
			for _, c := range charts {
				// A delivery job carries at most MaxFileBytes: the charts
				// beyond it are left for /progress, and the post says so.
				if size+len(c.PNG) > MaxFileBytes {
					left++
					continue
				}
				size += len(c.PNG)
				public.Files = append(public.Files, bot.File{Name: c.Name, Type: chartType, Data: c.PNG})
			}
		}
		if left > 0 {
			public.Context = joinContext(public.Context, fmt.Sprintf("%d more charts did not fit in this post; /progress <student> <goal> shows any of them.", left))
		}
	}
	narratives := narrate.Narratives(ctx, f.School, sums, staff, narrativeBudget)
	private := summary.PrivateReply(sums, narratives)
	private.Context = "Your private copy, with names and details; your channel got the version with initials and codes only."
	channel := bot.Message{StaffID: teacher.ID, Channel: teacher.Channel, Reply: public}
	if teacher.Channel == "" {
		channel.Reply.Context = "You have no class channel on the roster, so the channel version comes to you."
	}
	return []bot.Message{channel, {StaffID: teacher.ID, Reply: private}}, nil
}

// teacherSummaries reads (each read in the access log, for reason) and
// summarizes the teacher's students over period; it returns the school's
// staff by id too, whom the summaries name.
func teacherSummaries(ctx context.Context, store storage.Store, teacher storage.Staff, caseload []storage.Student,
	period summary.Period, reason string, now time.Time) ([]summary.Student, map[int64]summary.StaffMember, error) {
	ins, err := progress.Reader{Store: store}.ReadAll(ctx, progress.Request{By: teacher, Period: period,
		Action: progress.ActionRead, Reason: reason, Now: now}, caseload)
	if err != nil {
		return nil, nil, fmt.Errorf("reading the students of staff %d for the %s: %w", teacher.ID, reason, err)
	}
	sums := make([]summary.Student, 0, len(ins))
	staff := map[int64]summary.StaffMember{}
	for _, in := range ins {
		sum, err := summary.Summarize(in)
		if err != nil {
			return nil, nil, fmt.Errorf("summarizing student %d: %w", in.Student.ID, err)
		}
		sums = append(sums, sum)
		maps.Copy(staff, in.Staff)
	}
	return sums, staff, nil
}
