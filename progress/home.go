package progress

import (
	"context"
	"fmt"
	"strings"
	"time"

	"parabot/bot"
	"parabot/storage"
	"parabot/summary"
)

// HomeStudents bounds how many students' progress one Home tab reads:
// each is a read of the student's records (and a row of the access log).
const HomeStudents = 12

// HomeLines is the progress of the staff member's students over the last
// 7 days, one line each for their own Home tab (names are shown: only they
// see it): each goal's code and IEP progress wording, and the flags.
// Students beyond HomeStudents are counted in a last line. Every student
// read is recorded in the access log.
func (s Service) HomeLines(ctx context.Context, by storage.Staff, school storage.School, students []storage.Student, now time.Time) ([]string, error) {
	period, err := ParseRange("week", "week", now, school)
	if err != nil {
		return nil, err
	}
	var lines []string
	for i, st := range students {
		if i == HomeStudents {
			lines = append(lines, fmt.Sprintf("%d more students: /progress and a code shows one.", len(students)-HomeStudents))
			break
		}
		in, err := s.Reader.Read(ctx, Request{By: by, Student: st, Period: period, Action: ActionRead, Reason: "home tab", Now: now})
		if _, ok := bot.AsUserError(err); ok {
			continue // no longer on the caseload
		}
		if err != nil {
			return nil, err
		}
		sum, err := summary.Summarize(in)
		if err != nil {
			return nil, fmt.Errorf("summarizing student %d: %w", st.ID, err)
		}
		lines = append(lines, HomeLine(st, sum))
	}
	return lines, nil
}

// HomeLine is one student's line: "Ava B. (S101): G1 on track, G2
// mastered; 1 flag".
func HomeLine(st storage.Student, sum summary.Student) string {
	var goals []string
	for _, g := range sum.Goals {
		goals = append(goals, g.Goal.Code+" "+string(g.Progress))
	}
	line := bot.Named(st) + ": "
	if len(goals) == 0 {
		line += "no active goals"
	} else {
		line += strings.Join(goals, ", ")
	}
	switch n := len(sum.Flags); n {
	case 0:
	case 1:
		line += "; 1 flag"
	default:
		line += fmt.Sprintf("; %d flags", n)
	}
	return line
}
