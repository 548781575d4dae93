package discord

import (
	"context"
	"log/slog"
	"strconv"
	"strings"
	"sync/atomic"
	"testing"
	"time"

	"parabot/bot"
	"parabot/commands"
	"parabot/storage"
)

// flow drives a guided form through the HTTP endpoint as Discord would:
// each step a new interaction on the form's ephemeral message.
type flow struct {
	s    *school
	user string
	n    atomic.Int64
	// form is the form's message as last shown.
	form map[string]any
}

func (f *flow) id() string {
	return "30000000000000" + strconv.FormatInt(10000+f.n.Add(1), 10)
}

// onForm is an interaction on the form's message: a button press or a
// select (values), or a modal's submission (fields).
func (f *flow) onForm(typ int, customID string, payload map[string]any) map[string]any {
	in := componentInteraction(f.id(), f.user, customID, true)
	in["type"] = typ
	payload["custom_id"] = customID
	in["data"] = payload
	_, resp := f.s.post(in)
	if resp["type"] == float64(7) {
		f.form = data(f.s.t, resp)
	}
	return resp
}

func (f *flow) choose(param, value string) map[string]any {
	f.s.t.Helper()
	id := f.find(func(c map[string]any) bool { return strings.HasSuffix(c["custom_id"].(string), ":q:"+param) })
	return f.onForm(3, id, map[string]any{"component_type": 3, "values": []any{value}})
}

func (f *flow) press(label string) map[string]any {
	f.s.t.Helper()
	id := f.find(func(c map[string]any) bool { l, _ := c["label"].(string); return strings.Contains(l, label) })
	return f.onForm(3, id, map[string]any{"component_type": 2})
}

// submit opens the modal behind the button labelled label and submits it
// with fields (inputs left out are sent empty, as Discord sends them).
func (f *flow) submit(label string, fields map[string]string) map[string]any {
	f.s.t.Helper()
	resp := f.press(label)
	if resp["type"] != float64(9) {
		f.s.t.Fatalf("%s answered %v, want a modal (9)", label, resp)
	}
	modal := data(f.s.t, resp)
	var rows []any
	for _, r := range modal["components"].([]any) {
		in := r.(map[string]any)["components"].([]any)[0].(map[string]any)
		rows = append(rows, map[string]any{"type": 1, "components": []any{
			map[string]any{"type": 4, "custom_id": in["custom_id"], "value": fields[in["custom_id"].(string)]}}})
	}
	return f.onForm(5, modal["custom_id"].(string), map[string]any{"components": rows})
}

// find returns the custom_id of the form's first component that match accepts.
func (f *flow) find(match func(map[string]any) bool) string {
	f.s.t.Helper()
	for _, row := range f.form["components"].([]any) {
		for _, c := range row.(map[string]any)["components"].([]any) {
			if c := c.(map[string]any); match(c) {
				return c["custom_id"].(string)
			}
		}
	}
	f.s.t.Fatalf("the form has no such component: %v", f.form["components"])
	return ""
}

// saveDisabled reports whether the form's Save button is disabled.
func (f *flow) saveDisabled() bool {
	for _, row := range f.form["components"].([]any) {
		for _, c := range row.(map[string]any)["components"].([]any) {
			if c := c.(map[string]any); c["label"] == "Save" {
				d, _ := c["disabled"].(bool)
				return d
			}
		}
	}
	f.s.t.Fatalf("the form has no Save button")
	return false
}

// describe is the form's embed text: title, description and fields.
func describe(m map[string]any) string {
	var b strings.Builder
	for _, e := range m["embeds"].([]any) {
		e := e.(map[string]any)
		b.WriteString(e["title"].(string) + "\n")
		if d, ok := e["description"].(string); ok {
			b.WriteString(d + "\n")
		}
		fs, _ := e["fields"].([]any)
		for _, fl := range fs {
			fl := fl.(map[string]any)
			b.WriteString(fl["name"].(string) + ": " + fl["value"].(string) + "\n")
		}
	}
	return b.String()
}

func (s *school) incidents(code string) []storage.Incident {
	s.t.Helper()
	in, err := s.store.Incidents(context.Background(), storage.Filter{StudentID: s.student(code).ID})
	if err != nil {
		s.t.Fatal(err)
	}
	return in
}

func TestGuidedIncident(t *testing.T) {
	for _, eng := range engines() {
		t.Run(eng.name, func(t *testing.T) { guidedIncident(t, newSchool(t, eng)) })
	}
}

func guidedIncident(t *testing.T, s *school) {
	f := &flow{s: s, user: riveraDiscord}
	// /incident with the student only: a guided form, private, naming
	// the student, asking in order; nothing saved.
	_, resp := s.post(commandInteraction(f.id(), riveraDiscord, "incident", opt("student", 3, "ava")))
	if resp["type"] != float64(4) || flags(data(t, resp)) != 64 {
		t.Fatalf("/incident with a student only answered %v, want an ephemeral form", resp)
	}
	f.form = data(t, resp)
	text := describe(f.form)
	if !strings.Contains(text, "/incident for Ava B. (S101)") || !strings.Contains(text, "Next: press ✎ Behavior, antecedent, consequence") {
		t.Errorf("the form says:\n%s", text)
	}
	var selects []string
	for _, id := range customIDs(f.form) {
		if len(id) > maxCustomID {
			t.Errorf("custom_id %q is longer than %d", id, maxCustomID)
		}
		if _, q, ok := strings.Cut(id, ":q:"); ok {
			selects = append(selects, q)
		}
	}
	if strings.Join(selects, ",") != "severity,injury,nurse" || !f.saveDisabled() {
		t.Errorf("questions %v (Save disabled %v), want the first three in order and Save disabled", selects, f.saveDisabled())
	}

	// A bad value in a modal: the form says what to fix, keeps the rest.
	f.submit("Behavior", map[string]string{"behavior": "ran into the street", "antecedent": "dismissal", "consequence": "escorted back", "duration": "five"})
	if text := describe(f.form); !strings.Contains(text, "⚠") || !strings.Contains(text, `"five"`) || !strings.Contains(text, "Press ✎ Behavior") {
		t.Errorf("a bad duration: the form says\n%s", text)
	}
	f.submit("Behavior", map[string]string{"behavior": "ran into the street", "antecedent": "dismissal", "consequence": "escorted back", "duration": "3m", "setting": "hallway"})
	if text := describe(f.form); strings.Contains(text, "⚠") || !strings.Contains(text, "Behavior: ran into the street") || !strings.Contains(text, "Next: severity") {
		t.Errorf("after the fix the form says\n%s", text)
	}
	f.submit("Strategies", map[string]string{"staff": "Jo Rivera, Sam Lee", "witnesses": "Tina Lopez, S102", "injured": ""})

	f.choose("severity", "5")
	f.choose("injury", "no")
	f.choose("nurse", notRecorded)
	f.choose("restraint", "yes")
	// The yes opens the restraint record, which is now needed.
	if text := describe(f.form); !strings.Contains(text, "Next: press ✎ Record of restraint or seclusion") {
		t.Errorf("after restraint=yes the form says\n%s", text)
	}
	f.choose("seclusion", "no")
	if !f.saveDisabled() {
		t.Errorf("Save is enabled without the restraint record")
	}
	f.submit("Record of restraint", map[string]string{"hold": "prone", "start": "9:40", "end": "9:35", "applied_by": "Jo Rivera", "observation": "breathing normal"})
	if n := len(s.incidents("S101")); n != 0 {
		t.Fatalf("%d incidents stored before Save", n)
	}
	if f.saveDisabled() {
		t.Fatalf("Save disabled with every answer given:\n%s", describe(f.form))
	}
	// Save: the command's own rules refuse an end before the start; the
	// form says so, and nothing is stored.
	f.press("Save")
	if text := describe(f.form); !strings.Contains(text, "must be after the start") || !strings.Contains(text, "Press ✎ Record of restraint") {
		t.Errorf("an end before the start: the form says\n%s", text)
	}
	if n := len(s.incidents("S101")); n != 0 {
		t.Fatalf("%d incidents stored by a refused Save", n)
	}
	f.submit("Record of restraint", map[string]string{"hold": "prone", "start": "9:40", "end": "9:45", "applied_by": "Jo Rivera", "observation": "breathing normal"})
	save := f.find(func(c map[string]any) bool { return c["label"] == "Save" })
	resp = f.press("Save")
	if got := describe(f.form); resp["type"] != float64(7) || !strings.Contains(got, "Logged incident for Ava B. (S101)") {
		t.Fatalf("Save answered %v:\n%s", resp["type"], got)
	}
	ins := s.incidents("S101")
	if len(ins) != 1 {
		t.Fatalf("%d incidents stored, want 1", len(ins))
	}
	in := ins[0]
	if in.Behavior != "ran into the street" || in.Antecedent != "dismissal" || in.Consequence != "escorted back" || in.Severity != 5 ||
		in.Duration.Minutes() != 3 || in.Setting != "hallway" || !in.Restraint || in.Seclusion || in.Injury ||
		in.YesNo("injury") != "no" || in.Details.HoldType != "prone" || strings.Join(in.Details.AppliedBy, ",") != "Jo Rivera" ||
		in.Details.Observation != "breathing normal" || in.Details.HoldEnd.Sub(in.Details.HoldStart).Minutes() != 5 ||
		strings.Join(in.Details.StaffInvolved, ",") != "Jo Rivera,Sam Lee" || strings.Join(in.Details.Witnesses, ",") != "Tina Lopez,S102" ||
		in.Details.NurseSaw != "" {
		t.Errorf("stored incident %+v", in)
	}
	// The form is spent: Save again saves nothing more.
	resp = f.onForm(3, save, map[string]any{"component_type": 2})
	if !strings.Contains(data(t, resp)["content"].(string), "expired or was already saved") || len(s.incidents("S101")) != 1 {
		t.Errorf("Save on a saved form answered %v", resp)
	}

	// Cancel leaves a form with nothing saved.
	g := &flow{s: s, user: riveraDiscord}
	g.n.Store(500)
	_, resp = s.post(commandInteraction(g.id(), riveraDiscord, "incident", opt("student", 3, "S102"), opt("behavior", 3, "hid under a desk")))
	g.form = data(t, resp)
	g.press("Cancel")
	if g.form["content"] != "The /incident form was left; nothing was saved." || len(s.incidents("S102")) != 0 {
		t.Errorf("Cancel answered %v", g.form)
	}
	// Someone else cannot take a step of Rivera's form.
	h := &flow{s: s, user: riveraDiscord}
	h.n.Store(600)
	_, resp = s.post(commandInteraction(h.id(), riveraDiscord, "incident", opt("student", 3, "S102")))
	h.form = data(t, resp)
	h.user = chenDiscord
	resp = h.choose("severity", "2")
	if !strings.Contains(data(t, resp)["content"].(string), "someone else's") {
		t.Errorf("another user's choice answered %v", resp)
	}
}

// TestLongButtonsFit checks the buttons that carry a whole command (log a
// likely duplicate again, use the code instead of a name) fit Discord's
// custom_id with a long note, and do what they say.
func TestLongButtonsFit(t *testing.T) {
	for _, eng := range engines() {
		t.Run(eng.name, func(t *testing.T) { longButtonsFit(t, newSchool(t, eng)) })
	}
}

func longButtonsFit(t *testing.T, s *school) {
	note := strings.Repeat("worked well after a movement break, ", 5) // 180 characters of the 200
	trial := func(id string) map[string]any {
		_, resp := s.post(commandInteraction(id, riveraDiscord, "trial",
			opt("student", 3, "S101"), opt("goal", 3, "G2"), opt("trials", 3, "+ + v - +"), opt("note", 3, note)))
		return data(t, resp)
	}
	trial("3100000000000000001")
	d := trial("3100000000000000002")
	if text := describe(d) + toString(d["content"]); !strings.Contains(text, "looks like a duplicate") {
		t.Fatalf("the same trials again answered %v", d)
	}
	again := buttonLabelled(t, d, "Log it again")
	if len(again) > maxCustomID || !strings.HasPrefix(again, keyAction+customIDSep) {
		t.Fatalf("Log it again has custom_id %q (%d characters), want a stored key", again, len(again))
	}
	if n := len(s.trials("S101")); n != 5 {
		t.Fatalf("%d trials before the button, want 5", n)
	}
	_, resp := s.post(componentInteraction("3100000000000000003", riveraDiscord, again, true))
	if text := toString(data(t, resp)["content"]) + describe(data(t, resp)); !strings.Contains(text, "Logged for Ava B. (S101)") {
		t.Fatalf("Log it again answered %v", resp)
	}
	if n := len(s.trials("S101")); n != 10 {
		t.Errorf("%d trials after Log it again, want 10", n)
	}

	// A name in free text: "Use S102 instead" stores the code.
	_, resp = s.post(commandInteraction("3100000000000000004", riveraDiscord, "incident",
		opt("student", 3, "S101"), opt("behavior", 3, "pushed Caleb at the door"), opt("antecedent", 3, "lining up"),
		opt("consequence", 3, "moved to the front"), opt("severity", 4, 2), opt("notes", 3, strings.Repeat(note, 10))))
	d = data(t, resp)
	use := buttonLabelled(t, d, "Use S102 instead")
	if len(use) > maxCustomID {
		t.Fatalf("Use S102 instead has custom_id of %d characters", len(use))
	}
	if n := len(s.incidents("S101")); n != 0 {
		t.Fatalf("%d incidents stored before the choice", n)
	}
	s.post(componentInteraction("3100000000000000005", riveraDiscord, use, true))
	ins := s.incidents("S101")
	if len(ins) != 1 || ins[0].Behavior != "pushed S102 at the door" || ins[0].Notes != strings.TrimSpace(strings.Repeat(note, 10)) {
		t.Errorf("after Use S102 instead: %+v", ins)
	}
	// A stored button that has expired says so.
	_, resp = s.post(componentInteraction("3100000000000000006", riveraDiscord, keyAction+customIDSep+"nosuchkey", true))
	if text := toString(data(t, resp)["content"]); !strings.Contains(text, "expired") {
		t.Errorf("an unknown stored button answered %q", text)
	}
}

// buttonLabelled returns the custom_id of the message's button labelled label.
func buttonLabelled(t *testing.T, m map[string]any, label string) string {
	t.Helper()
	rows, _ := m["components"].([]any)
	for _, row := range rows {
		for _, c := range row.(map[string]any)["components"].([]any) {
			if c := c.(map[string]any); c["label"] == label {
				return c["custom_id"].(string)
			}
		}
	}
	t.Fatalf("no %q button in %v", label, m)
	return ""
}

// TestGuidedCommandRegistersStudentOnly checks /incident can be started
// with the student alone (the guided form asks the rest), while a command
// without a section keeps its required options.
func TestGuidedCommandRegistersStudentOnly(t *testing.T) {
	cmds, err := appCommands(commands.All(commands.Deps{Store: newStore(t)}))
	if err != nil {
		t.Fatal(err)
	}
	required := map[string][]string{}
	for _, c := range cmds {
		for _, o := range c.Options {
			if o.Required {
				required[c.Name] = append(required[c.Name], o.Name)
			}
		}
	}
	if got := strings.Join(required["incident"], ","); got != "student" {
		t.Errorf("/incident requires %q, want the student only", got)
	}
	if got := strings.Join(required["trial"], ","); got != "student,goal,trials" {
		t.Errorf("/trial requires %q, want student,goal,trials", got)
	}
}

// TestSectionClosedByNo checks a no closes the restraint record again:
// its values are dropped, and the incident saves without them.
func TestSectionClosedByNo(t *testing.T) {
	s := newSchool(t, engines()[0])
	f := &flow{s: s, user: riveraDiscord}
	f.n.Store(700)
	_, resp := s.post(commandInteraction(f.id(), riveraDiscord, "incident", opt("student", 3, "S101"), opt("behavior", 3, "threw a book"),
		opt("antecedent", 3, "math"), opt("consequence", 3, "break"), opt("severity", 4, 2), opt("restraint", 5, true)))
	f.form = data(t, resp)
	if text := describe(f.form); !strings.Contains(text, "Next: press ✎ Record of restraint or seclusion") {
		t.Fatalf("restraint=yes without its record: the form says\n%s", text)
	}
	f.submit("Record of restraint", map[string]string{"hold": "seated", "start": "9:40", "end": "9:42", "applied_by": "Jo Rivera", "observation": "calm"})
	f.onForm(3, f.find(func(c map[string]any) bool { return strings.HasSuffix(c["custom_id"].(string), ":change") }),
		map[string]any{"component_type": 3, "values": []any{"restraint"}})
	f.choose("restraint", "no")
	for _, q := range []string{"injury", "nurse", "seclusion"} {
		f.choose(q, notRecorded)
	}
	f.press("Save")
	ins := s.incidents("S101")
	if len(ins) != 1 || ins[0].Restraint || ins[0].Details.HoldType != "" || ins[0].YesNo("restraint") != "no" || ins[0].YesNo("injury") != "not recorded" {
		t.Errorf("stored %+v\nthe form says\n%s", ins, describe(f.form))
	}
}

// TestGuidedFormDeferred checks a guided form on a slow database: the form
// arrives as the edit of the deferred answer, a slow step edits the form,
// and a modal that could not open in time says to press again.
func TestGuidedFormDeferred(t *testing.T) {
	t.Parallel()
	store := &slowClaims{Store: newStore(t), release: make(chan struct{})}
	e := newEnvAt(t, store, testNow, func(log *slog.Logger) []*bot.Command {
		return commands.All(commands.Deps{Store: store, Log: log})
	})
	e.adapter.deferAfter = time.Millisecond // every claim waits for release

	_, resp := e.post(commandInteraction("3200000000000000001", paraDiscord, "incident", opt("student", 3, "S101")))
	if resp["type"] != float64(5) {
		t.Fatalf("response %v, want 5 (deferred)", resp)
	}
	store.release <- struct{}{}
	form := e.discord.Wait("PATCH /webhooks/" + testAppID + "/interaction-token-3200000000000000001/messages/@original").JSON(t)
	if text := describe(form); !strings.Contains(text, "/incident for") {
		t.Fatalf("the deferred form says\n%s", text)
	}
	var severity, page string
	for _, id := range customIDs(form) {
		switch {
		case strings.HasSuffix(id, ":q:severity"):
			severity = id
		case strings.HasSuffix(id, ":p:0"):
			page = id
		}
	}

	in := componentInteraction("3200000000000000002", paraDiscord, severity, true)
	in["data"] = map[string]any{"custom_id": severity, "component_type": 3, "values": []any{"3"}}
	if _, resp = e.post(in); resp["type"] != float64(6) {
		t.Fatalf("a slow choice answered %v, want 6 (deferred update)", resp)
	}
	store.release <- struct{}{}
	form = e.discord.Wait("PATCH /webhooks/" + testAppID + "/interaction-token-3200000000000000002/messages/@original").JSON(t)
	if text := describe(form); !strings.Contains(text, "Severity: 3") {
		t.Errorf("the edited form says\n%s", text)
	}

	if _, resp = e.post(componentInteraction("3200000000000000003", paraDiscord, page, true)); resp["type"] != float64(6) {
		t.Fatalf("a slow modal button answered %v, want 6", resp)
	}
	store.release <- struct{}{}
	f := e.discord.Wait("POST /webhooks/" + testAppID + "/interaction-token-3200000000000000003").JSON(t)
	if !strings.Contains(toString(f["content"]), "press the button again") || flags(f) != 64 {
		t.Errorf("the modal that could not open: %v", f)
	}
}
