package scheduler_test

import (
	"context"
	"regexp"
	"slices"
	"strings"
	"testing"
	"time"

	"parabot/bot"
	"parabot/roster"
	"parabot/storage"
)

// TestWalkSummaryWeek walks the demo school through the week of
// 2026-12-14 with generated records and names typed into free text: a
// daily summary after each day's dismissal (15:40, and 13:00 on the
// early-release Friday), and the weekly one with its charts on Friday,
// the week's last school day. No channel post names a student or
// carries what was typed.
func TestWalkSummaryWeek(t *testing.T) {
	w := newWalker(t, time.Date(2026, 12, 14, 1, 0, 0, 0, time.UTC)) // Sunday 20:00 EST
	ctx := context.Background()
	if _, err := roster.DemoData(ctx, w.db, w.at("2026-12-19 00:00"), 1); err != nil {
		t.Fatal(err)
	}
	// Free text naming students, as paras type it.
	typed := []string{"Ava hit Liam at the sink", "Liam took Aiden's crayons", "Sofia Martinez and Noah cried", "told Mr. Diaz about Brooks"}
	ava, liam := w.student("S101"), w.student("S102")
	if _, err := w.db.LogNote(ctx, storage.Note{StudentID: ava.ID, StaffID: w.staff("lee").ID, ToStaffID: w.staff("rivera").ID,
		At: w.at("2026-12-15 10:00"), Text: typed[0], Summary: "Note about S101."}, nil); err != nil {
		t.Fatal(err)
	}
	if _, err := w.db.LogIncident(ctx, storage.Incident{StudentID: liam.ID, StaffID: w.staff("lee").ID, At: w.at("2026-12-16 11:00"),
		Setting: typed[3], Antecedent: typed[1], Behavior: typed[2], Consequence: "sent to Ava's desk", Severity: 2,
		Strategies: []string{"talked with Chen"}, Notes: "Baker watched", Summary: "Incident for S102."}, nil); err != nil {
		t.Fatal(err)
	}

	w.to("2026-12-18 23:00")
	var heads []string
	for _, p := range w.box.replies {
		if strings.Contains(p.key, "summary") {
			heads = append(heads, p.key)
		}
	}
	want := []string{}
	for _, d := range []string{"Mon Dec 14", "Tue Dec 15", "Wed Dec 16", "Thu Dec 17"} {
		want = append(want, summaryPosts(d, "EST", "15:40")...)
	}
	want = append(want, summaryPosts("Fri Dec 18", "EST", "13:00")...) // early release at 12:30
	slices.Sort(want)
	slices.Sort(heads)
	if !slices.Equal(heads, want) {
		t.Errorf("summary posts\n got:\n  %s\nwant:\n  %s", strings.Join(heads, "\n  "), strings.Join(want, "\n  "))
	}

	// What must never reach a channel: every student's first and last
	// name, and everything typed as free text (notes and incident fields).
	var secrets []string
	schools, _ := w.db.Schools(ctx)
	students, _ := w.db.Students(ctx, schools[0].ID)
	for _, s := range students {
		secrets = append(secrets, s.FirstName, s.LastName)
	}
	var notes []storage.Note
	var incidents []storage.Incident
	for _, st := range students {
		f := storage.Filter{StudentID: st.ID, From: w.at("2026-12-14 00:00"), To: w.at("2026-12-19 00:00")}
		ns, err := w.db.Notes(ctx, f)
		if err != nil {
			t.Fatal(err)
		}
		is, err := w.db.Incidents(ctx, f)
		if err != nil {
			t.Fatal(err)
		}
		notes, incidents = append(notes, ns...), append(incidents, is...)
	}
	if len(notes) < 2 || len(incidents) < 2 {
		t.Fatalf("the demo week has %d notes and %d incidents; want the typed ones and generated ones", len(notes), len(incidents))
	}
	for _, n := range notes {
		secrets = append(secrets, n.Text)
	}
	for _, in := range incidents {
		secrets = append(secrets, in.Setting, in.Antecedent, in.Behavior, in.Consequence, in.Notes)
		secrets = append(secrets, in.Strategies...)
	}
	channelPosts, weeklyCharts, privateNames := 0, 0, 0
	for _, p := range w.box.replies {
		text := replyText(p.reply)
		if p.channel == "" {
			if p.user == "rivera" && strings.Contains(text, "Ava Brooks") {
				privateNames++
			}
			continue
		}
		channelPosts++
		for _, s := range secrets {
			if s != "" && regexp.MustCompile(`(?i)\b`+regexp.QuoteMeta(s)+`\b`).MatchString(text) {
				t.Errorf("channel post %q carries %q:\n%s", p.key, s, text)
			}
		}
		if strings.Contains(p.reply.Text, "Weekly summary") {
			for _, f := range p.reply.Files {
				if f.Type == "image/png" && len(f.Data) > 0 && regexp.MustCompile(`^S10\d-G\d\.png$`).MatchString(f.Name) {
					weeklyCharts++
				}
			}
		} else if len(p.reply.Files) > 0 {
			t.Errorf("daily post %q carries %d files; only the weekly one has charts", p.key, len(p.reply.Files))
		}
	}
	if channelPosts != 6 {
		t.Errorf("%d channel posts, want 6 (five daily, one weekly)", channelPosts)
	}
	if weeklyCharts < 10 {
		t.Errorf("the weekly post carries %d charts; want one per goal with data (at least 10)", weeklyCharts)
	}
	// The scan above is worth something only if the names are there to
	// find: the teacher's private copies carry them.
	if privateNames != 6 {
		t.Errorf("%d private summaries name Ava Brooks, want 6", privateNames)
	}
	private := map[string]string{}
	for _, p := range w.box.replies {
		private[p.key] = replyText(p.reply)
	}
	if !strings.Contains(private["Tue Dec 15 15:40 EST rivera: Daily summary for Tuesday, Dec 15"], "Note Tue 10:00: "+typed[0]) {
		t.Errorf("the private summary of Tuesday lacks the note typed that day")
	}
	if !strings.Contains(private["Wed Dec 16 15:40 EST #rivera-class: Daily summary for Wednesday, Dec 16"], "Incidents: 1") {
		t.Errorf("the channel summary of Wednesday does not count L.C.'s incident:\n%s", private["Wed Dec 16 15:40 EST #rivera-class: Daily summary for Wednesday, Dec 16"])
	}
}

// TestWalkSummaryChannelGone walks two days whose teacher channel cannot
// be posted to: the teacher gets the channel version by direct message,
// and the admin is told once.
func TestWalkSummaryChannelGone(t *testing.T) {
	w := newWalker(t, time.Date(2026, 11, 16, 1, 0, 0, 0, time.UTC)) // Sunday 20:00 EST
	w.box.mu.Lock()
	w.box.unpostable = map[string]bool{"rivera-class": true}
	w.box.mu.Unlock()
	w.to("2026-11-17 23:00")
	var got []string
	for _, p := range w.box.replies {
		if strings.Contains(p.key, "summary") || strings.Contains(p.key, "cannot post") {
			got = append(got, p.key)
		}
	}
	slices.Sort(got)
	want := []string{
		"Mon Nov 16 15:40 EST patel: parabot cannot post to the channel rivera-class (the class channel of Maria Rivera on the roster): no channel named \"rivera-class\". Their summaries go to them by direct message until the app is invited to the channel or the roster's channel is corrected.",
		"Mon Nov 16 15:40 EST rivera: Daily summary for Monday, Nov 16",
		"Mon Nov 16 15:40 EST rivera: Daily summary for Monday, Nov 16",
		"Tue Nov 17 15:40 EST rivera: Daily summary for Tuesday, Nov 17",
		"Tue Nov 17 15:40 EST rivera: Daily summary for Tuesday, Nov 17",
	}
	if !slices.Equal(got, want) {
		t.Errorf("got:\n  %s\nwant:\n  %s", strings.Join(got, "\n  "), strings.Join(want, "\n  "))
	}
	fallbacks := 0
	for _, p := range w.box.replies {
		if p.user == "rivera" && strings.HasPrefix(p.reply.Context, "parabot cannot post to the channel rivera-class") {
			fallbacks++
			if p.reply.Private || strings.Contains(replyText(p.reply), "Ava") {
				t.Errorf("the fallback carries the private version: %q", replyText(p.reply))
			}
		}
	}
	if fallbacks != 2 {
		t.Errorf("%d channel versions came by direct message, want 2", fallbacks)
	}
}

// replyText is everything of a reply a reader sees.
func replyText(r bot.Reply) string {
	parts := []string{r.Text, r.Context}
	for _, f := range r.Fields {
		parts = append(parts, f.Label, f.Value)
	}
	for _, b := range r.Buttons {
		parts = append(parts, b.Label, b.Value)
	}
	for _, f := range r.Files {
		parts = append(parts, f.Name)
	}
	return strings.Join(parts, "\n")
}
