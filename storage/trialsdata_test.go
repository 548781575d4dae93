package storage

import (
	"encoding/json"
	"reflect"
	"testing"
)

// The one-pass reader gives what encoding/json gives for what the store
// writes, and hands anything else back to it.
func TestParseTrials(t *testing.T) {
	written := TrialData([]TrialResult{{Correct, Independent}, {Incorrect, 2}, {NoResponse, 5}, {Correct, 1}})
	for _, tc := range []struct {
		data string
		ok   bool
	}{
		{string(written), true},
		{`[]`, true},
		{`[["correct",0]]`, true},
		{`[["correct",-1]]`, true},
		{`[ ["correct", 0] ]`, false},
		{`[["cor\"rect",0]]`, false},
		{`[["correct",0],]`, false},
		{`[["correct"]]`, false},
		{`[["correct",1.5]]`, false},
		{`[["correct",0]`, false},
		{`[["correct",0]]x`, false},
		{`{}`, false},
		{``, false},
		{`[["correct",1234567890]]`, false},
	} {
		got, ok := parseTrials([]byte(tc.data))
		if ok != tc.ok {
			t.Errorf("parseTrials(%s) ok = %v, want %v", tc.data, ok, tc.ok)
			continue
		}
		if !ok {
			continue
		}
		var raw [][2]json.RawMessage
		if err := json.Unmarshal([]byte(tc.data), &raw); err != nil {
			t.Fatalf("%s: %v", tc.data, err)
		}
		want := make([]TrialResult, len(raw))
		for i, p := range raw {
			json.Unmarshal(p[0], &want[i].Outcome)
			json.Unmarshal(p[1], &want[i].Prompt)
		}
		if !reflect.DeepEqual(got, want) {
			t.Errorf("parseTrials(%s) = %v, want %v", tc.data, got, want)
		}
	}
	// A session whose data the fast reader declines is still read.
	s := Session{Type: MeasureTrials, Data: []byte(`[ ["correct", 0] ]`)}
	if got, err := s.Results(); err != nil || len(got) != 1 || got[0].Outcome != Correct {
		t.Errorf("Results of spaced data = %v, %v", got, err)
	}
}
