package schoolday

import (
	"errors"
	"fmt"
	"strings"
	"time"

	"github.com/robfig/cron/v3"
)

// Spec is a cron spec ("45 14 * * MON-FRI": minute, hour, day of month,
// month, day of week) read in a school's time zone. robfig/cron parses
// it; parabot computes the times itself, with At's daylight-saving rule,
// and only on school days (the caller checks the calendar).
type Spec struct {
	text  string
	sched *cron.SpecSchedule
}

// starBit is robfig/cron's mark of a field written as "*" or "?".
const starBit = 1 << 63

// ParseSpec reads a five-field cron spec. Time zone prefixes and @every
// are refused: a school's schedules run in the school's zone.
func ParseSpec(text string) (Spec, error) {
	text = strings.TrimSpace(text)
	if text == "" {
		return Spec{}, errors.New("the spec is empty; write five fields, e.g. 45 14 * * MON-FRI")
	}
	if strings.HasPrefix(text, "TZ=") || strings.HasPrefix(text, "CRON_TZ=") {
		return Spec{}, errors.New("a time zone prefix is not allowed; specs run in the school's time zone")
	}
	s, err := cron.ParseStandard(text)
	if err != nil {
		return Spec{}, fmt.Errorf("%s; write five fields (minute hour day-of-month month day-of-week), e.g. 45 14 * * MON-FRI", err)
	}
	ss, ok := s.(*cron.SpecSchedule)
	if !ok {
		return Spec{}, errors.New("@every is not allowed; write five fields, e.g. 45 14 * * MON-FRI")
	}
	return Spec{text: text, sched: ss}, nil
}

// String is the spec as written.
func (s Spec) String() string { return s.text }

// Zero reports whether s was never parsed.
func (s Spec) Zero() bool { return s.sched == nil }

// Times lists the wall times (HH:MM, ascending) the spec names on date.
func (s Spec) Times(date string) []string {
	if s.sched == nil {
		return nil
	}
	t, err := time.Parse(DateLayout, date)
	if err != nil {
		return nil
	}
	if 1<<uint(t.Month())&s.sched.Month == 0 || !s.dayMatches(t) {
		return nil
	}
	var out []string
	for h := 0; h < 24; h++ {
		if 1<<uint(h)&s.sched.Hour == 0 {
			continue
		}
		for m := 0; m < 60; m++ {
			if 1<<uint(m)&s.sched.Minute != 0 {
				out = append(out, Clock(h*60+m))
			}
		}
	}
	return out
}

// dayMatches is cron's rule: when day of month or day of week is "*",
// both must match; otherwise either may.
func (s Spec) dayMatches(t time.Time) bool {
	dom := 1<<uint(t.Day())&s.sched.Dom > 0
	dow := 1<<uint(t.Weekday())&s.sched.Dow > 0
	if s.sched.Dom&starBit > 0 || s.sched.Dow&starBit > 0 {
		return dom && dow
	}
	return dom || dow
}
