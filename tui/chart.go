package tui

import (
	"fmt"
	"math"
	"strings"

	"ledgerlens/exporter"
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

// braille plots a curve (x and y in data units) in a w×h cell grid, 2×4 dots
// per cell, with y axis labels on the left and the x range below.
func braille(xs, ys []float64, w, h int, yfmt func(float64) string, xlabel string) string {
	if len(xs) == 0 || w < 10 || h < 3 {
		return ""
	}
	ymin, ymax := math.Inf(1), math.Inf(-1)
	for _, y := range ys {
		ymin, ymax = math.Min(ymin, y), math.Max(ymax, y)
	}
	ymin = math.Min(ymin, 0)
	if ymax == ymin {
		ymax = ymin + 1
	}
	labelW := max(len(yfmt(ymax)), len(yfmt(ymin))) + 1
	pw := w - labelW - 1
	if pw < 4 {
		return ""
	}
	dots := make([][]bool, h*4)
	for i := range dots {
		dots[i] = make([]bool, pw*2)
	}
	xmax := xs[len(xs)-1]
	if xmax == 0 {
		xmax = 1
	}
	px := func(x float64) int { return min(pw*2-1, max(0, int(x/xmax*float64(pw*2-1)+0.5))) }
	py := func(y float64) int {
		return min(h*4-1, max(0, int((ymax-y)/(ymax-ymin)*float64(h*4-1)+0.5)))
	}
	prevX, prevY := -1, -1
	for i := range xs {
		x, y := px(xs[i]), py(ys[i])
		if prevX >= 0 { // join the points so the curve has no gaps
			steps := max(abs(x-prevX), abs(y-prevY))
			for s := 1; s <= steps; s++ {
				dots[prevY+(y-prevY)*s/steps][prevX+(x-prevX)*s/steps] = true
			}
		}
		dots[y][x] = true
		prevX, prevY = x, y
	}
	bits := [4][2]rune{{0x01, 0x08}, {0x02, 0x10}, {0x04, 0x20}, {0x40, 0x80}}
	var b strings.Builder
	zeroRow := py(0) / 4
	for row := 0; row < h; row++ {
		label := ""
		switch row {
		case 0:
			label = yfmt(ymax)
		case h - 1:
			label = yfmt(ymin)
		case zeroRow:
			label = yfmt(0)
		}
		b.WriteString(fmt.Sprintf("%*s┤", labelW, label))
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
		b.WriteByte('\n')
	}
	b.WriteString(strings.Repeat(" ", labelW) + "└" + strings.Repeat("─", pw) + "\n")
	b.WriteString(fmt.Sprintf("%*s0%s%s", labelW+1, "", strings.Repeat(" ", max(1, pw-len(xlabel)-1)), xlabel))
	return b.String()
}

func abs(x int) int {
	if x < 0 {
		return -x
	}
	return x
}

func pct(v float64) string { return exporter.Pct(v) }
