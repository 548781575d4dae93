package storage

// parseTrials reads a trials session's values as TrialData writes them,
// [["correct",0],["incorrect",2]], in one pass without reflection: a
// teacher's weekly summary decodes a school year of sessions, and
// encoding/json spent most of its time here. ok is false for anything
// else (whitespace, escapes, other shapes), which the caller decodes with
// encoding/json.
func parseTrials(b []byte) (out []TrialResult, ok bool) {
	n := len(b)
	if n < 2 || b[0] != '[' || b[n-1] != ']' {
		return nil, false
	}
	i := 1
	if i == n-1 {
		return []TrialResult{}, true
	}
	out = make([]TrialResult, 0, n/16)
	for {
		// ["outcome",prompt]
		if i+2 >= n || b[i] != '[' || b[i+1] != '"' {
			return nil, false
		}
		i += 2
		start := i
		for i < n && b[i] != '"' {
			if b[i] == '\\' || b[i] < 0x20 {
				return nil, false
			}
			i++
		}
		if i+2 >= n || b[i+1] != ',' {
			return nil, false
		}
		outcome := Outcome(b[start:i])
		i += 2
		neg := false
		if b[i] == '-' {
			neg = true
			i++
		}
		digits, p := 0, 0
		for i < n && b[i] >= '0' && b[i] <= '9' {
			if digits == 9 {
				return nil, false
			}
			p = p*10 + int(b[i]-'0')
			digits++
			i++
		}
		if digits == 0 || i >= n || b[i] != ']' {
			return nil, false
		}
		if neg {
			p = -p
		}
		out = append(out, TrialResult{Outcome: outcome, Prompt: Prompt(p)})
		i++
		switch {
		case i == n-1:
			return out, true
		case i < n-1 && b[i] == ',':
			i++
		default:
			return nil, false
		}
	}
}
