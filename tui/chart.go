package tui

import (
	"math"
	"strings"

	"github.com/mattn/go-runewidth"
)

// bar draws a horizontal bar of share (0–1) in width cells with eighth blocks.
func bar(share float64, width int) string {
	if math.IsNaN(share) || share <= 0 || width <= 0 {
		return ""
	}
	eighths := int(math.Round(math.Min(share, 1) * float64(width*8)))
	full, rest := eighths/8, eighths%8
	s := strings.Repeat("█", full)
	if rest > 0 {
		s += string([]rune("▏▎▍▌▋▊▉")[rest-1])
	}
	return s
}

// plot is a curve to draw in braille dots (2×4 per cell).
type plot struct {
	xs, ys []float64
	ticks  []float64 // y values labelled on the axis
	yfmt   func(float64) string
	xlabel string
	xstart string    // the label at the left end of the x axis; "0" when empty
	marks  []float64 // x values marked ┴ on the axis
}

// render draws the curve in w×h cells: labels on the left at every tick,
// the x axis with its label below (2 of the h lines).
func (p plot) render(w, h int) []string {
	h -= 2
	if len(p.xs) == 0 || w < 12 || h < 3 {
		return nil
	}
	ymin, ymax := math.Inf(1), math.Inf(-1)
	for _, y := range p.ys {
		ymin, ymax = math.Min(ymin, y), math.Max(ymax, y)
	}
	for _, t := range p.ticks {
		ymin, ymax = math.Min(ymin, t), math.Max(ymax, t)
	}
	ymin = math.Min(ymin, 0)
	if ymax == ymin {
		ymax = ymin + 1
	}
	labelW := 0
	for _, t := range p.ticks {
		labelW = max(labelW, runewidth.StringWidth(p.yfmt(t)))
	}
	labelW++
	pw := w - labelW - 1
	if pw < 4 {
		return nil
	}
	rowsDots := h * 4
	dots := make([][]bool, rowsDots)
	for i := range dots {
		dots[i] = make([]bool, pw*2)
	}
	xmax := p.xs[len(p.xs)-1]
	if xmax == 0 {
		xmax = 1
	}
	px := func(x float64) int { return min(pw*2-1, max(0, int(x/xmax*float64(pw*2-1)+0.5))) }
	py := func(y float64) int { return min(rowsDots-1, max(0, int((ymax-y)/(ymax-ymin)*float64(rowsDots-1)+0.5))) }
	prevX, prevY := -1, -1
	for i := range p.xs {
		x, y := px(p.xs[i]), py(p.ys[i])
		if prevX >= 0 { // join the points so the curve has no gaps
			steps := max(abs(x-prevX), abs(y-prevY))
			for s := 1; s <= steps; s++ {
				dots[prevY+(y-prevY)*s/steps][prevX+(x-prevX)*s/steps] = true
			}
		}
		dots[y][x] = true
		prevX, prevY = x, y
	}
	labels := map[int]string{}
	for _, t := range p.ticks {
		labels[py(t)/4] = p.yfmt(t)
	}
	zeroRow := py(0) / 4
	bits := [4][2]rune{{0x01, 0x08}, {0x02, 0x10}, {0x04, 0x20}, {0x40, 0x80}}
	var out []string
	for row := 0; row < h; row++ {
		var b strings.Builder
		b.WriteString(padTo(labels[row], labelW, true))
		b.WriteString("┤")
		for col := 0; col < pw; col++ {
			var r rune = 0x2800
			for dy := 0; dy < 4; dy++ {
				for dx := 0; dx < 2; dx++ {
					if dots[row*4+dy][col*2+dx] {
						r |= bits[dy][dx]
					}
				}
			}
			if r == 0x2800 && row == zeroRow {
				b.WriteRune('·')
				continue
			}
			b.WriteRune(r)
		}
		out = append(out, b.String())
	}
	axis := []rune(strings.Repeat("─", pw))
	for _, x := range p.marks {
		axis[px(x)/2] = '┴'
	}
	out = append(out, strings.Repeat(" ", labelW)+"└"+string(axis))
	start := p.xstart
	if start == "" {
		start = "0"
	}
	xl, sl := runewidth.StringWidth(p.xlabel), runewidth.StringWidth(start)
	out = append(out, strings.Repeat(" ", labelW+1)+start+strings.Repeat(" ", max(1, pw-xl-sl))+p.xlabel)
	return out
}

// shareTicks are the multiples of 20 % from the lowest to the highest value.
func shareTicks(ys []float64) []float64 {
	lo, hi := 0.0, 0.0
	for _, y := range ys {
		lo, hi = math.Min(lo, y), math.Max(hi, y)
	}
	var t []float64
	for v := math.Floor(lo/0.2) * 0.2; v <= math.Ceil(hi/0.2)*0.2+1e-9; v += 0.2 {
		t = append(t, math.Round(v*10)/10)
	}
	return t
}

// moneyTicks are five round values from the lowest to the highest.
func moneyTicks(ys []float64) []float64 {
	lo, hi := 0.0, 0.0
	for _, y := range ys {
		lo, hi = math.Min(lo, y), math.Max(hi, y)
	}
	span := hi - lo
	if span <= 0 {
		return []float64{0}
	}
	step := math.Pow(10, math.Floor(math.Log10(span/4)))
	for _, m := range []float64{1, 2, 5, 10} {
		if span/(step*m) <= 5 {
			step *= m
			break
		}
	}
	var t []float64
	for v := math.Floor(lo/step) * step; v <= hi+step/2; v += step {
		t = append(t, v)
	}
	return t
}

func abs(x int) int {
	if x < 0 {
		return -x
	}
	return x
}
