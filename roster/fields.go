package roster

import (
	"fmt"
	"net/mail"
	"strconv"
	"strings"
	"time"
	"unicode"
)

const dateLayout = "2006-01-02"

// date reads a YYYY-MM-DD column. ok is false when it is empty or bad (a
// bad one is reported).
func (r row) date(col string) (time.Time, bool) {
	v := r.get(col)
	if v == "" {
		return time.Time{}, false
	}
	t, err := time.Parse(dateLayout, v)
	if err != nil {
		r.problem(col, "%q is not a date; write dates as YYYY-MM-DD, for example 2026-09-08", v)
		return time.Time{}, false
	}
	return t, true
}

// clock reads an HH:MM column (24-hour; "8:30" is taken as "08:30") and
// returns it as HH:MM and as minutes after midnight.
func (r row) clock(col string) (hhmm string, minutes int, ok bool) {
	v := r.get(col)
	if v == "" {
		return "", 0, false
	}
	h, m, found := strings.Cut(v, ":")
	hour, err1 := strconv.Atoi(h)
	minute, err2 := strconv.Atoi(m)
	if !found || err1 != nil || err2 != nil || len(h) < 1 || len(h) > 2 || len(m) != 2 ||
		!isDigits(h) || !isDigits(m) || hour > 23 || minute > 59 {
		r.problem(col, "%q is not a time; write times as 24-hour HH:MM, for example 15:10", v)
		return "", 0, false
	}
	return fmt.Sprintf("%02d:%02d", hour, minute), hour*60 + minute, true
}

// number reads a whole number in [lo, hi]. A trailing "%" is allowed, so
// a spreadsheet's "80%" reads as 80.
func (r row) number(col string, lo, hi int) (int, bool) {
	v := r.get(col)
	if v == "" {
		return 0, false
	}
	n, err := strconv.Atoi(strings.TrimSuffix(v, "%"))
	if err != nil {
		r.problem(col, "%q is not a whole number; write a number from %d to %d", v, lo, hi)
		return 0, false
	}
	if n < lo || n > hi {
		r.problem(col, "%d is out of range; write a number from %d to %d", n, lo, hi)
		return 0, false
	}
	return n, true
}

// active reads the optional active column: yes when empty.
func (r row) active() bool {
	v := strings.ToLower(r.get("active"))
	switch v {
	case "", "yes", "y", "true", "1":
		return true
	case "no", "n", "false", "0":
		return false
	}
	r.problem("active", "%q is not yes or no; leave it empty for yes", r.get("active"))
	return true
}

// email reads an optional email address.
func (r row) email(col string) string {
	v := r.get(col)
	if v == "" {
		return ""
	}
	a, err := mail.ParseAddress(v)
	if err != nil || a.Name != "" || a.Address != v || !strings.Contains(v[strings.LastIndex(v, "@"):], ".") {
		r.problem(col, "%q is not an email address; write it like jamie.lee@school.example.org", v)
		return ""
	}
	return v
}

// weekdays reads a day of the week ("mon", "Monday") or a range of days
// ("mon-fri").
func (r row) weekdays(col string) []time.Weekday {
	v := r.get(col)
	if v == "" {
		return nil
	}
	bad := func() []time.Weekday {
		r.problem(col, "%q is not a weekday; write mon, tue, wed, thu, fri, sat, sun (or the full name), or a range such as mon-fri", v)
		return nil
	}
	from, to, isRange := strings.Cut(v, "-")
	first, ok := weekday(from)
	if !ok {
		return bad()
	}
	if !isRange {
		return []time.Weekday{first}
	}
	last, ok := weekday(to)
	if !ok {
		return bad()
	}
	if last < first {
		r.problem(col, "%q runs backwards; the week runs sun, mon, ... sat, so write for example mon-fri", v)
		return nil
	}
	var days []time.Weekday
	for d := first; d <= last; d++ {
		days = append(days, d)
	}
	return days
}

// weekday reads one day of the week: its first three letters, its full
// name, or the common "tues", "thur" and "thurs".
func weekday(s string) (time.Weekday, bool) {
	switch strings.ToLower(strings.TrimSpace(s)) {
	case "sun", "sunday":
		return time.Sunday, true
	case "mon", "monday":
		return time.Monday, true
	case "tue", "tues", "tuesday":
		return time.Tuesday, true
	case "wed", "wednesday":
		return time.Wednesday, true
	case "thu", "thur", "thurs", "thursday":
		return time.Thursday, true
	case "fri", "friday":
		return time.Friday, true
	case "sat", "saturday":
		return time.Saturday, true
	}
	return 0, false
}

// name checks a name-like value (a person's or a place's name): it must
// have a letter. Length and encoding were checked when the file was read.
func (r row) name(col string) string {
	v := r.get(col)
	if v != "" && strings.IndexFunc(v, unicode.IsLetter) < 0 {
		r.problem(col, "%q has no letters; write a name", v)
		r.badKey(v)
		return ""
	}
	return v
}

// matches reports whether a value is made only of ASCII letters, digits and the
// given punctuation, and starts with a letter or digit.
func matches(v, punct string) bool {
	for i, c := range v {
		ok := c < unicode.MaxASCII && (unicode.IsLetter(c) || unicode.IsDigit(c))
		if !ok && (i == 0 || !strings.ContainsRune(punct, c)) {
			return false
		}
	}
	return v != ""
}

func isDigits(s string) bool {
	for _, c := range s {
		if c < '0' || c > '9' {
			return false
		}
	}
	return s != ""
}

// fold is how names are compared: case does not matter.
func fold(s string) string { return strings.ToLower(s) }

// key joins the parts of a composite key.
func key(parts ...string) string { return strings.Join(parts, "\x00") }
