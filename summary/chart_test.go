package summary

import (
	"bytes"
	"image"
	"image/png"
	"os"
	"strings"
	"testing"
)

// chartStats is a goal with a trend, an aim line and a phase change.
func chartStats(t testing.TB) GoalStats {
	var ss []Session
	for i, v := range []string{"+v +v -v +v -v", "+v +v +v -v +i", "+i +i -v +i +i", "+i +i +i -i +i", "+i +i +i +i +i"} {
		ss = append(ss, trialSession(t, at(t, "2026-11-09 10:00").AddDate(0, 0, i).Format("2006-01-02 15:04"), v))
	}
	s := summarize(t, Input{Goals: []Goal{trialGoal(5)}, Sessions: ss})
	return s.Goals[0]
}

func TestChart(t *testing.T) {
	gs := chartStats(t)
	if !gs.HasTrend || !gs.HasAim || len(gs.Phases) == 0 {
		t.Fatalf("test goal lacks trend %v, aim %v or phases %v", gs.HasTrend, gs.HasAim, gs.Phases)
	}
	b, err := Chart(gs, ChartOptions{})
	if err != nil {
		t.Fatal(err)
	}
	img, err := png.Decode(bytes.NewReader(b))
	if err != nil {
		t.Fatalf("not a PNG: %v", err)
	}
	if got := img.Bounds().Size(); got != (image.Point{X: 576, Y: 288}) {
		t.Errorf("size %v, want 576x288 (6x3 in at 96 dpi)", got)
	}
	// The data, trend and aim colours are all drawn.
	for name, c := range map[string][3]uint8{"data": {31, 119, 180}, "trend": {255, 127, 14}, "aim": {44, 160, 44}} {
		if !hasColor(img, c) {
			t.Errorf("no %s colour in the chart", name)
		}
	}
	if dir := os.Getenv("PARABOT_CHART_DIR"); dir != "" { // to look at it
		_ = os.WriteFile(dir+"/chart.png", b, 0o644)
	}
}

func TestChartEveryType(t *testing.T) {
	for _, typ := range []Type{TypeFrequency, TypeDuration, TypeLatency, TypeTaskAnalysis, TypeRating} {
		g := trialGoal(0)
		g.Type, g.Target, g.ScaleMax = typ, 5, 4
		s := summarize(t, Input{Goals: []Goal{g}})
		if _, err := Chart(s.Goals[0], ChartOptions{}); err != nil {
			t.Errorf("%s with no data: %v", typ, err)
		}
	}
}

func hasColor(img image.Image, want [3]uint8) bool {
	b := img.Bounds()
	for y := b.Min.Y; y < b.Max.Y; y++ {
		for x := b.Min.X; x < b.Max.X; x++ {
			r, g, bl, _ := img.At(x, y).RGBA()
			if uint8(r>>8) == want[0] && uint8(g>>8) == want[1] && uint8(bl>>8) == want[2] {
				return true
			}
		}
	}
	return false
}

func BenchmarkChart(b *testing.B) {
	gs := chartStats(b)
	for b.Loop() {
		if _, err := Chart(gs, ChartOptions{}); err != nil {
			b.Fatal(err)
		}
	}
}

func TestChartRanges(t *testing.T) {
	one := summarize(t, Input{Goals: []Goal{trialGoal(5)}, Sessions: []Session{trialSession(t, "2026-11-11 09:00", "+i -v")}})
	if _, err := Chart(one.Goals[0], ChartOptions{}); err != nil {
		t.Errorf("one session day: %v", err)
	}
	if _, err := Chart(chartStats(t), ChartOptions{From: at(t, "2026-11-12 00:00")}); err != nil {
		t.Errorf("from a later day: %v", err)
	}
	ticks := dayTicks{loc: testLoc}.Ticks(unix(at(t, "2026-11-08 12:00")), unix(at(t, "2026-11-13 12:00")))
	var labels []string
	for _, tk := range ticks {
		labels = append(labels, tk.Label)
	}
	if got := strings.Join(labels, ","); got != "Nov 9,Nov 10,Nov 11,Nov 12,Nov 13" {
		t.Errorf("day ticks %s", got)
	}
}

func TestCharts(t *testing.T) {
	s := demoSummaries(t)[0]
	s.Goals = append(s.Goals, GoalStats{Goal: Goal{Goal: s.Goals[0].Goal.Goal}}) // a goal with no data: no chart
	s.Goals[len(s.Goals)-1].Goal.Code = "G9"
	files, err := Charts(s, ChartOptions{})
	if err != nil {
		t.Fatal(err)
	}
	var names []string
	for _, f := range files {
		names = append(names, f.Name)
		if _, err := png.Decode(bytes.NewReader(f.PNG)); err != nil {
			t.Errorf("%s is not a PNG: %v", f.Name, err)
		}
	}
	if got := strings.Join(names, ","); got != "S101-G1.png,S101-G2.png,S101-G3.png,S101-G4.png" {
		t.Errorf("chart files %s", got)
	}
	if fileSafe("../S1 01") != "S101" {
		t.Errorf("fileSafe kept path characters: %q", fileSafe("../S1 01"))
	}
}
