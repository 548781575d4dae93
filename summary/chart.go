package summary

import (
	"bytes"
	"fmt"
	"image/color"
	"math"
	"time"

	"gonum.org/v1/plot"
	"gonum.org/v1/plot/plotter"
	"gonum.org/v1/plot/vg"
	"gonum.org/v1/plot/vg/draw"
	"gonum.org/v1/plot/vg/vgimg"
)

// ChartOptions sizes a chart and picks its range; zero values take the
// defaults (6 x 3 inches, from the goal's first session day to the
// period's end).
type ChartOptions struct {
	Width, Height vg.Length
	From          time.Time // first day shown; zero: the goal's first data
}

// Chart colours: data in blue, trend in orange, aim in green, phases grey.
var (
	dataColor   = color.RGBA{R: 31, G: 119, B: 180, A: 255}
	trendColor  = color.RGBA{R: 255, G: 127, B: 14, A: 255}
	aimColor    = color.RGBA{R: 44, G: 160, B: 44, A: 255}
	phaseColor  = color.RGBA{R: 128, G: 128, B: 128, A: 255}
	targetColor = color.RGBA{R: 214, G: 39, B: 40, A: 255}
)

// Chart draws a goal's progress graph as a PNG: each session day's value,
// the period's trend line, the aim line from baseline to criterion, the
// criterion itself, and a line where the goal's phase (prompt level or
// criterion) changed. The title carries the goal code and type only, so
// the picture may be posted in a channel.
func Chart(gs GoalStats, opt ChartOptions) ([]byte, error) {
	if opt.Width == 0 {
		opt.Width = 6 * vg.Inch
	}
	if opt.Height == 0 {
		opt.Height = 3 * vg.Inch
	}
	loc := gs.loc
	pts := gs.History
	if !opt.From.IsZero() {
		from := dayOf(opt.From, loc)
		pts = nil
		for _, p := range gs.History {
			if p.day >= from {
				pts = append(pts, p)
			}
		}
	}

	p := plot.New()
	p.Title.Text = fmt.Sprintf("%s (%s)", gs.Goal.Code, typeName(gs.Goal.Type))
	p.X.Label.Text = "session date"
	p.Y.Label.Text = gs.Unit
	p.X.Tick.Marker = dayTicks{loc: loc}
	legend := plot.NewLegend()
	legend.Top = true
	p.Add(plotter.NewGrid())

	xmin, xmax := xRange(gs, pts, opt, loc)
	p.X.Min, p.X.Max = xmin, xmax
	ymin, ymax := yRange(gs, pts)
	p.Y.Min, p.Y.Max = ymin, ymax

	if gs.HasAim {
		from := max(xmin, unix(gs.AimStart))
		to := min(xmax, unix(gs.AimEnd))
		if to > from {
			aim, err := plotter.NewLine(plotter.XYs{
				{X: from, Y: gs.AimAt(time.Unix(int64(from), 0).In(loc))},
				{X: to, Y: gs.AimAt(time.Unix(int64(to), 0).In(loc))},
			})
			if err != nil {
				return nil, fmt.Errorf("drawing the aim line of %s: %w", gs.Goal.Code, err)
			}
			aim.Color, aim.Width, aim.Dashes = aimColor, vg.Points(1.5), []vg.Length{vg.Points(6), vg.Points(3)}
			p.Add(aim)
			legend.Add("aim", aim)
		}
	}
	if hasCriterion(gs.Goal) {
		target, err := plotter.NewLine(plotter.XYs{{X: xmin, Y: gs.Goal.target()}, {X: xmax, Y: gs.Goal.target()}})
		if err != nil {
			return nil, fmt.Errorf("drawing the criterion of %s: %w", gs.Goal.Code, err)
		}
		target.Color, target.Width, target.Dashes = targetColor, vg.Points(1), []vg.Length{vg.Points(2), vg.Points(2)}
		p.Add(target)
		legend.Add("criterion", target)
	}
	lastLabel := math.Inf(-1)
	for _, ph := range gs.Phases {
		x := unix(ph.Start) - 43200 // between the day before and the day itself
		if x <= xmin || x >= xmax {
			continue
		}
		line, err := plotter.NewLine(plotter.XYs{{X: x, Y: ymin}, {X: x, Y: ymax}})
		if err != nil {
			return nil, fmt.Errorf("drawing a phase line of %s: %w", gs.Goal.Code, err)
		}
		line.Color, line.Width = phaseColor, vg.Points(1)
		p.Add(line)
		if x-lastLabel < (xmax-xmin)/8 { // too close to the last label to read
			continue
		}
		lastLabel = x
		lab, err := plotter.NewLabels(plotter.XYLabels{XYs: plotter.XYs{{X: x, Y: ymax}}, Labels: []string{" " + ph.Label}})
		if err != nil {
			return nil, fmt.Errorf("labelling a phase of %s: %w", gs.Goal.Code, err)
		}
		for i := range lab.TextStyle {
			lab.TextStyle[i].Color = phaseColor
			lab.TextStyle[i].YAlign = -1 // below the top
		}
		p.Add(lab)
	}
	if gs.HasTrend && len(gs.Points) >= 2 {
		first, last := gs.Points[0].Day, gs.Points[len(gs.Points)-1].Day
		trend, err := plotter.NewLine(plotter.XYs{{X: unix(first), Y: gs.TrendAt(first)}, {X: unix(last), Y: gs.TrendAt(last)}})
		if err != nil {
			return nil, fmt.Errorf("drawing the trend of %s: %w", gs.Goal.Code, err)
		}
		trend.Color, trend.Width = trendColor, vg.Points(2)
		p.Add(trend)
		legend.Add("trend", trend)
	}
	if len(pts) > 0 {
		xys := make(plotter.XYs, len(pts))
		for i, pt := range pts {
			xys[i] = plotter.XY{X: unix(pt.Day), Y: pt.Value}
		}
		line, dots, err := plotter.NewLinePoints(xys)
		if err != nil {
			return nil, fmt.Errorf("drawing the data of %s: %w", gs.Goal.Code, err)
		}
		line.Color, dots.Color = dataColor, dataColor
		dots.Radius = vg.Points(3)
		p.Add(line, dots)
		legend.Add("data", line, dots)
	}

	// The legend gets a column of its own, right of the plot, so it
	// never hides data.
	img := vgimg.New(opt.Width, opt.Height)
	dc := draw.New(img)
	legendWidth := vg.Inch
	p.Draw(draw.Crop(dc, 0, -legendWidth, 0, 0))
	legend.Draw(draw.Crop(dc, opt.Width-legendWidth, 0, 0, -vg.Points(18)))
	var buf bytes.Buffer
	if _, err := (vgimg.PngCanvas{Canvas: img}).WriteTo(&buf); err != nil {
		return nil, fmt.Errorf("encoding the chart of %s: %w", gs.Goal.Code, err)
	}
	return buf.Bytes(), nil
}

// xRange spans the shown points and the period, with half a day of margin.
func xRange(gs GoalStats, pts []Point, opt ChartOptions, loc *time.Location) (float64, float64) {
	end := gs.periodEnd
	start := end
	if !opt.From.IsZero() {
		start = dayOf(opt.From, loc)
	} else if len(pts) > 0 {
		start = pts[0].day
	}
	if len(pts) > 0 && pts[0].day < start {
		start = pts[0].day
	}
	if end <= start {
		start = end - 1
	}
	return unix(start.time(loc)) - 43200, unix(end.time(loc)) + 43200
}

// yRange fits the values, the aim and the criterion; percents span 0-100.
func yRange(gs GoalStats, pts []Point) (float64, float64) {
	switch gs.Goal.Type {
	case TypeTrials, TypeTaskAnalysis:
		return 0, 100
	case TypeRating:
		if gs.Goal.ScaleMax > 0 {
			return 0, float64(gs.Goal.ScaleMax)
		}
	}
	top := 1.0
	for _, p := range pts {
		top = max(top, p.Value)
	}
	if hasCriterion(gs.Goal) {
		top = max(top, gs.Goal.target())
	}
	if gs.HasAim {
		top = max(top, gs.AimStartValue, gs.AimEndValue)
	}
	return 0, top * 1.1
}

func unix(t time.Time) float64 { return float64(t.Unix()) }

// typeName is how a type reads in titles and text.
func typeName(t Type) string {
	switch t {
	case TypeTaskAnalysis:
		return "task analysis"
	case "":
		return string(TypeTrials)
	}
	return string(t)
}

// dayTicks marks school-time midnights: a label every day for a week or
// so, on Mondays up to ten weeks, on the first of the month beyond.
type dayTicks struct{ loc *time.Location }

// Ticks implements plot.Ticker.
func (t dayTicks) Ticks(lo, hi float64) []plot.Tick {
	first := dayOf(time.Unix(int64(lo), 0), t.loc)
	last := dayOf(time.Unix(int64(hi), 0), t.loc)
	span := int(last - first)
	var out []plot.Tick
	for d := first; d <= last; d++ {
		at := unix(d.time(t.loc))
		if at < lo || at > hi {
			continue
		}
		date := d.time(t.loc)
		var major bool
		switch {
		case span <= 8:
			major = true
		case span <= 70:
			major = d.weekday() == time.Monday
		default:
			major = date.Day() == 1
		}
		label := ""
		if major {
			label = date.Format("Jan 2")
		} else if span > 70 && d.weekday() != time.Monday {
			continue // no minor tick for every day of a long range
		}
		out = append(out, plot.Tick{Value: at, Label: label})
	}
	return out
}

// ChartFile is one goal's chart, named for attaching: the student's code
// and the goal's code ("S101-G1.png"), never a name, so it may go to a
// channel.
type ChartFile struct {
	Name string
	PNG  []byte
}

// Charts draws every goal of a student's summary that has data.
func Charts(s Student, opt ChartOptions) ([]ChartFile, error) {
	var out []ChartFile
	for _, g := range s.Goals {
		if len(g.History) == 0 {
			continue
		}
		png, err := Chart(g, opt)
		if err != nil {
			return nil, err
		}
		out = append(out, ChartFile{Name: fileSafe(s.Student.Code) + "-" + fileSafe(g.Goal.Code) + ".png", PNG: png})
	}
	return out, nil
}

// fileSafe keeps letters, digits, dash and underscore.
func fileSafe(s string) string {
	var b []rune
	for _, r := range s {
		if r == '-' || r == '_' || r >= '0' && r <= '9' || r >= 'A' && r <= 'Z' || r >= 'a' && r <= 'z' {
			b = append(b, r)
		}
	}
	if len(b) == 0 {
		return "x"
	}
	return string(b)
}
