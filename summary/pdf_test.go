package summary

import (
	"bytes"
	"os"
	"regexp"
	"strings"
	"testing"
)

// pdfText is the text a PDF shows, read from its uncompressed content
// streams: the strings of every Tj operator, joined by spaces.
func pdfText(t *testing.T, pdf []byte) string {
	t.Helper()
	var parts []string
	for _, m := range regexp.MustCompile(`\(((?:\\.|[^\\)])*)\)\s*Tj`).FindAllSubmatch(pdf, -1) {
		s := string(m[1])
		s = strings.NewReplacer(`\(`, "(", `\)`, ")", `\\`, `\`).Replace(s)
		parts = append(parts, s)
	}
	if len(parts) == 0 {
		t.Fatal("no text found: the PDF is compressed or empty")
	}
	return strings.Join(strings.Fields(strings.Join(parts, " ")), " ")
}

func TestReport(t *testing.T) {
	students := demoSummaries(t)
	s := students[0]
	var buf bytes.Buffer
	err := Report(&buf, s, ReportOptions{School: "Maple Grove Elementary", PreparedBy: "Maria Rivera",
		GeneratedAt: at(t, "2026-11-16 08:00"), Narrative: Narrative{Text: "Ava had a steady week."}, Uncompressed: true})
	if err != nil {
		t.Fatal(err)
	}
	pdf := buf.Bytes()
	if !bytes.HasPrefix(pdf, []byte("%PDF-")) {
		t.Fatalf("not a PDF: %q", pdf[:min(20, len(pdf))])
	}
	if dir := os.Getenv("PARABOT_CHART_DIR"); dir != "" {
		_ = os.WriteFile(dir+"/report.pdf", pdf, 0o644)
	}
	text := pdfText(t, pdf)
	want := []string{"IEP progress report", "Ava Brooks (S101), grade K", "Maple Grove Elementary",
		"Period: November 9, 2026 to November 13, 2026. Prepared November 16, 2026 by Maria Rivera.",
		"Ava had a steady week.", "Data recorded by", "Incidents", "Transitions"}
	for _, g := range s.Goals {
		want = append(want, g.Goal.Text, string(g.Progress)+". "+g.Why, Criterion(g.Goal))
		if g.Goal.Baseline != "" {
			want = append(want, g.Goal.Baseline)
		}
	}
	for _, rec := range s.Recorders {
		want = append(want, rec.Name)
	}
	for _, x := range s.Incidents.Incidents {
		want = append(want, x.Behavior, x.Setting)
	}
	for _, w := range want {
		if w != "" && !strings.Contains(text, strings.Join(strings.Fields(w), " ")) {
			t.Errorf("the report lacks %q", w)
		}
	}
	if n := bytes.Count(pdf, []byte("/Subtype /Image")); n != len(s.Goals) {
		t.Errorf("%d images, want one chart per goal (%d)", n, len(s.Goals))
	}
	if dir := os.Getenv("PARABOT_CHART_DIR"); dir != "" {
		_ = os.WriteFile(dir+"/report.pdf", pdf, 0o644)
	}
}

func TestCriterion(t *testing.T) {
	g := trialGoal(5)
	if c := Criterion(g); c != "80% correct over 3 consecutive session days with at least 5 trials each" {
		t.Errorf("trials criterion %q", c)
	}
	g.Type, g.Target, g.MasterySessions = TypeLatency, 10, 1
	if c := Criterion(g); c != "at most 10 seconds over 1 consecutive session day" {
		t.Errorf("latency criterion %q", c)
	}
}

func BenchmarkReport(b *testing.B) {
	s := demoSummaries(b)[0]
	for b.Loop() {
		if _, err := ReportBytes(s, ReportOptions{GeneratedAt: s.To}); err != nil {
			b.Fatal(err)
		}
	}
}

func TestReportWithoutData(t *testing.T) {
	s := summarize(t, Input{})
	var buf bytes.Buffer
	if err := Report(&buf, s, ReportOptions{GeneratedAt: at(t, "2026-11-16 08:00"), Uncompressed: true}); err != nil {
		t.Fatal(err)
	}
	text := pdfText(t, buf.Bytes())
	for _, want := range []string{"Ava Brooks (S101)", "No transitions were recorded in this period.", "No goal data was recorded in this period.", "Incidents: none."} {
		if !strings.Contains(text, want) {
			t.Errorf("empty report lacks %q", want)
		}
	}
}
