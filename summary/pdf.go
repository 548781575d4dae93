package summary

import (
	"bytes"
	"fmt"
	"io"
	"strings"
	"time"

	"github.com/go-pdf/fpdf"
)

// ReportOptions are the facts of a report that the records do not hold.
type ReportOptions struct {
	School      string
	PreparedBy  string    // who asked for the report (a staff name)
	GeneratedAt time.Time // the injected clock's now
	Narrative   Narrative // optional
	// Uncompressed writes the page content as plain text, so tests can
	// read it back. Reports for people are compressed.
	Uncompressed bool
}

// Report writes one student's IEP progress report as a PDF: each goal's
// text, baseline, criterion, statistics, chart and progress wording; the
// incidents and transitions; and who recorded the data. It holds names
// and details: it is for the IEP team, never a channel.
func Report(w io.Writer, s Student, opt ReportOptions) error {
	pdf := fpdf.New("P", "mm", "Letter", "")
	pdf.SetCompression(!opt.Uncompressed)
	pdf.SetCreationDate(opt.GeneratedAt)
	pdf.SetModificationDate(opt.GeneratedAt)
	pdf.SetTitle("IEP progress report "+s.Student.Code, true)
	pdf.SetCreator("parabot", true)
	pdf.SetAutoPageBreak(true, 15)
	tr := pdf.UnicodeTranslatorFromDescriptor("") // UTF-8 to the core fonts' cp1252
	r := &reportWriter{pdf: pdf, tr: tr}
	pdf.SetFooterFunc(func() {
		pdf.SetY(-12)
		pdf.SetFont("Helvetica", "I", 8)
		pdf.CellFormat(0, 5, tr(fmt.Sprintf("%s (%s) - confidential student record - page %d", fullName(s), s.Student.Code, pdf.PageNo())), "", 0, "C", false, 0, "")
	})
	pdf.AddPage()

	r.heading(16, "IEP progress report")
	r.text(fmt.Sprintf("%s (%s), grade %s", fullName(s), s.Student.Code, s.Student.Grade))
	if opt.School != "" {
		r.text(opt.School)
	}
	r.text(fmt.Sprintf("Period: %s to %s. Prepared %s%s.", s.From.Format("January 2, 2006"), s.To.Format("January 2, 2006"),
		opt.GeneratedAt.Format("January 2, 2006"), prefixed(" by ", opt.PreparedBy)))
	if opt.Narrative.Text != "" {
		r.heading(12, "Summary")
		r.text(opt.Narrative.Text)
	}

	for _, g := range s.Goals {
		if err := r.goal(g); err != nil {
			return err
		}
	}
	r.incidents(s.Incidents)
	r.transitions(s.Transitions)

	r.heading(12, "Data recorded by")
	if len(s.Recorders) == 0 {
		r.text("No goal data was recorded in this period.")
	}
	for _, rec := range s.Recorders {
		r.text(fmt.Sprintf("%s, %s: %s", staffName(rec), rec.Role, plural(rec.Sessions, "session")))
	}
	if len(s.Flags) > 0 {
		r.heading(12, "To look at")
		for _, f := range s.Flags {
			r.text("- " + f.Text)
		}
	}
	if err := pdf.Output(w); err != nil {
		return fmt.Errorf("writing the report of student %d: %w", s.Student.ID, err)
	}
	return nil
}

// ReportBytes is Report into memory, for attaching to a message.
func ReportBytes(s Student, opt ReportOptions) ([]byte, error) {
	var buf bytes.Buffer
	if err := Report(&buf, s, opt); err != nil {
		return nil, err
	}
	return buf.Bytes(), nil
}

type reportWriter struct {
	pdf *fpdf.Fpdf
	tr  func(string) string
}

func (r *reportWriter) heading(size float64, s string) {
	r.pdf.Ln(3)
	r.pdf.SetFont("Helvetica", "B", size)
	r.pdf.MultiCell(0, size*0.5, r.tr(s), "", "L", false)
	r.pdf.Ln(1)
}

func (r *reportWriter) text(s string) {
	r.pdf.SetFont("Helvetica", "", 10)
	r.pdf.MultiCell(0, 5, r.tr(s), "", "L", false)
}

// field writes "Label: value" with the label in bold.
func (r *reportWriter) field(label, value string) {
	if value == "" {
		return
	}
	r.pdf.SetFont("Helvetica", "B", 10)
	r.pdf.CellFormat(30, 5, r.tr(label), "", 0, "L", false, 0, "")
	r.pdf.SetFont("Helvetica", "", 10)
	r.pdf.MultiCell(0, 5, r.tr(value), "", "L", false)
}

func (r *reportWriter) goal(g GoalStats) error {
	title := g.Goal.Code
	if g.Goal.Title != "" {
		title += " - " + g.Goal.Title
	}
	r.heading(12, title)
	r.text(g.Goal.Text)
	r.field("Measured as", typeName(g.Goal.Type)+prefixed(": ", g.Goal.Measurement))
	r.field("Baseline", g.Goal.Baseline)
	r.field("Criterion", Criterion(g.Goal))
	r.field("Dates", strings.TrimSpace(g.Goal.StartDate+" to "+g.Goal.EndDate))
	r.field("This period", strings.TrimPrefix(goalLine(g, false), g.Goal.Code+" "+typeName(g.Goal.Type)+": "))
	r.field("Progress", string(g.Progress)+". "+g.Why)
	png, err := Chart(g, ChartOptions{})
	if err != nil {
		return err
	}
	name := "chart-" + g.Goal.Code
	r.pdf.RegisterImageOptionsReader(name, fpdf.ImageOptions{ImageType: "PNG"}, bytes.NewReader(png))
	const w, h = 150.0, 75.0
	_, pageH := r.pdf.GetPageSize()
	if r.pdf.GetY()+h > pageH-20 {
		r.pdf.AddPage()
	}
	r.pdf.ImageOptions(name, r.pdf.GetX(), r.pdf.GetY()+2, w, h, true, fpdf.ImageOptions{ImageType: "PNG"}, 0, "")
	if err := r.pdf.Error(); err != nil {
		return fmt.Errorf("placing the chart of %s: %w", g.Goal.Code, err)
	}
	return nil
}

func (r *reportWriter) incidents(in IncidentStats) {
	r.heading(12, "Incidents")
	for _, l := range incidentLines(in, true) {
		r.text(l)
	}
	for _, x := range in.Incidents {
		var flags []string
		if x.Restraint {
			flags = append(flags, "restraint")
		}
		if x.Seclusion {
			flags = append(flags, "seclusion")
		}
		if x.Injury {
			flags = append(flags, "injury")
		}
		r.pdf.Ln(1)
		r.field(x.At.Format("Mon Jan 2 15:04"), fmt.Sprintf("severity %d%s", x.Severity, prefixed("; ", strings.Join(flags, ", "))))
		r.field("Setting", x.Setting)
		r.field("Antecedent", x.Antecedent)
		r.field("Behavior", x.Behavior)
		r.field("Consequence", x.Consequence)
		r.field("Strategies", strings.Join(x.Strategies, ", "))
		r.field("Notes", x.Notes)
	}
}

func (r *reportWriter) transitions(t TransitionStats) {
	r.heading(12, "Transitions")
	if t.Count == 0 {
		r.text("No transitions were recorded in this period.")
		return
	}
	r.text(transitionLine(t))
	for _, x := range t.Transitions {
		line := fmt.Sprintf("%s: %s to %s, %s", x.At.Format("Mon Jan 2 15:04"), x.From, x.To, promptText(x.Prompt.String(), x.Prompt.Valid()))
		if x.Latency > 0 {
			line += ", latency " + x.Latency.Round(time.Second).String()
		}
		if IsHandoff(x) {
			handoff := x.HandoffTo
			if strings.TrimSpace(handoff) == "" {
				handoff = "not recorded"
			}
			line += ", released to " + handoff
		}
		r.text(line)
	}
}

// Criterion says a goal's mastery criterion in words.
func Criterion(g Goal) string {
	n := max(g.MasterySessions, 1)
	sessions := plural(n, "consecutive session day")
	switch g.Type {
	case TypeTrials, "":
		return fmt.Sprintf("%d%% correct over %s with at least %s each", g.MasteryPercent, sessions, plural(g.MasteryMinTrials, "trial"))
	case TypeTaskAnalysis:
		return fmt.Sprintf("%d%% of steps independent over %s", g.MasteryPercent, sessions)
	}
	if !hasCriterion(g) {
		return ""
	}
	cmp := "at least"
	if g.decreasing() {
		cmp = "at most"
	}
	return fmt.Sprintf("%s %g %s over %s", cmp, g.target(), Unit(g), sessions)
}

func promptText(s string, ok bool) string {
	if !ok {
		return "prompt not recorded"
	}
	return s
}

func fullName(s Student) string {
	return strings.TrimSpace(s.Student.FirstName + " " + s.Student.LastName)
}

func prefixed(prefix, s string) string {
	if s == "" {
		return ""
	}
	return prefix + s
}
