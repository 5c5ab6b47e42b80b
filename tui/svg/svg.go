// Package svg draws a terminal frame (lines of text with SGR colour
// sequences, as the dashboard renders them) as a self-contained SVG image
// for a ticket or a wiki. Braille dots, box-drawing lines and block
// elements are drawn as shapes rather than as glyphs, so the image looks
// the same in any browser whether or not a font has those characters;
// other text is drawn in a monospace font, one cell per character.
package svg

import (
	"fmt"
	"image/color"
	"strconv"
	"strings"

	"github.com/charmbracelet/x/ansi"
)

// Cell size in pixels: a terminal cell is about twice as tall as wide.
const (
	cellW = 8
	cellH = 16
)

// Options say the colours of the cells that set none.
type Options struct {
	Foreground, Background color.Color
}

// style is the SGR state of a cell.
type style struct {
	fg, bg        string // "#rrggbb", "" for the default
	bold, reverse bool
	faint         bool
}

// cell is one terminal cell: its text (a rune or a grapheme) and style;
// wide is set on the first of a wide character's two cells.
type cell struct {
	text string
	st   style
	wide bool
}

// Render draws frame, which is w cells wide and h lines tall, as SVG.
func Render(frame string, w, h int, opt Options) []byte {
	fg, bg := hex(opt.Foreground, "#c0caf5"), hex(opt.Background, "#1a1b26")
	var b strings.Builder
	fmt.Fprintf(&b, `<svg xmlns="http://www.w3.org/2000/svg" width="%d" height="%d" viewBox="0 0 %d %d">`+"\n",
		w*cellW, h*cellH, w*cellW, h*cellH)
	fmt.Fprintf(&b, `<rect width="100%%" height="100%%" fill="%s"/>`+"\n", bg)
	b.WriteString(`<g font-family="DejaVu Sans Mono, Menlo, Consolas, monospace" font-size="13">` + "\n")
	lines := strings.Split(strings.TrimSuffix(frame, "\n"), "\n")
	for y, line := range lines {
		if y >= h {
			break
		}
		cells := parse(line, w)
		for x := 0; x < len(cells); x++ {
			c := cells[x]
			f, k := c.st.fg, c.st.bg
			if f == "" {
				f = fg
			}
			if c.st.reverse {
				f, k = k, f
				if f == "" {
					f = bg
				}
			}
			width := 1
			if c.wide {
				width = 2
			}
			if k != "" {
				fmt.Fprintf(&b, `<rect x="%d" y="%d" width="%d" height="%d" fill="%s"/>`+"\n", x*cellW, y*cellH, width*cellW, cellH, k)
			}
			drawCell(&b, c, x*cellW, y*cellH, f)
			if c.wide {
				x++
			}
		}
	}
	b.WriteString("</g>\n</svg>\n")
	return []byte(b.String())
}

// parse cuts a line into w cells, following its SGR sequences.
func parse(line string, w int) []cell {
	cells := make([]cell, 0, w)
	var st style
	state := byte(0)
	for len(line) > 0 && len(cells) < w {
		seq, width, n, newState := ansi.DecodeSequence(line, state, nil)
		state = newState
		line = line[n:]
		if strings.HasPrefix(seq, "\x1b[") && strings.HasSuffix(seq, "m") {
			st = apply(st, seq[2:len(seq)-1])
			continue
		}
		if width == 0 || seq == "" || seq[0] == 0x1b {
			continue
		}
		cells = append(cells, cell{text: seq, st: st, wide: width == 2})
		if width == 2 {
			cells = append(cells, cell{text: "", st: st})
		}
	}
	for len(cells) < w {
		cells = append(cells, cell{text: " ", st: st})
	}
	return cells
}

// apply applies the parameters of one SGR sequence to st.
func apply(st style, params string) style {
	if params == "" {
		return style{}
	}
	ps := strings.Split(params, ";")
	for i := 0; i < len(ps); i++ {
		n, _ := strconv.Atoi(ps[i])
		switch {
		case n == 0:
			st = style{}
		case n == 1:
			st.bold = true
		case n == 2:
			st.faint = true
		case n == 22:
			st.bold, st.faint = false, false
		case n == 7:
			st.reverse = true
		case n == 27:
			st.reverse = false
		case n == 39:
			st.fg = ""
		case n == 49:
			st.bg = ""
		case n >= 30 && n <= 37:
			st.fg = ansi16[n-30]
		case n >= 90 && n <= 97:
			st.fg = ansi16[n-90+8]
		case n >= 40 && n <= 47:
			st.bg = ansi16[n-40]
		case n >= 100 && n <= 107:
			st.bg = ansi16[n-100+8]
		case (n == 38 || n == 48) && i+1 < len(ps):
			var c string
			switch ps[i+1] {
			case "2":
				if i+4 < len(ps) {
					r, _ := strconv.Atoi(ps[i+2])
					g, _ := strconv.Atoi(ps[i+3])
					bl, _ := strconv.Atoi(ps[i+4])
					c = fmt.Sprintf("#%02x%02x%02x", r&255, g&255, bl&255)
					i += 4
				}
			case "5":
				if i+2 < len(ps) {
					k, _ := strconv.Atoi(ps[i+2])
					c = ansi256(k)
					i += 2
				}
			}
			if n == 38 {
				st.fg = c
			} else {
				st.bg = c
			}
		}
	}
	return st
}

// ansi16 are xterm's 16 colours.
var ansi16 = [16]string{
	"#000000", "#cd0000", "#00cd00", "#cdcd00", "#0000ee", "#cd00cd", "#00cdcd", "#e5e5e5",
	"#7f7f7f", "#ff0000", "#00ff00", "#ffff00", "#5c5cff", "#ff00ff", "#00ffff", "#ffffff",
}

// ansi256 is xterm's colour k of 256.
func ansi256(k int) string {
	switch {
	case k < 16:
		return ansi16[max(k, 0)]
	case k < 232:
		k -= 16
		level := func(v int) int {
			if v == 0 {
				return 0
			}
			return 55 + 40*v
		}
		return fmt.Sprintf("#%02x%02x%02x", level(k/36), level(k/6%6), level(k%6))
	case k < 256:
		v := 8 + 10*(k-232)
		return fmt.Sprintf("#%02x%02x%02x", v, v, v)
	}
	return ""
}

func hex(c color.Color, def string) string {
	if c == nil {
		return def
	}
	r, g, b, _ := c.RGBA()
	return fmt.Sprintf("#%02x%02x%02x", r>>8, g>>8, b>>8)
}

// drawCell draws the text of one cell at (x, y) in colour f.
func drawCell(b *strings.Builder, c cell, x, y int, f string) {
	if c.text == "" || c.text == " " {
		return
	}
	r := []rune(c.text)[0]
	opacity := ""
	if c.st.faint {
		opacity = ` opacity="0.6"`
	}
	switch {
	case r >= 0x2801 && r <= 0x28ff:
		drawBraille(b, r, x, y, f, opacity)
	case r == 0x2800:
	case boxLines(r) != nil:
		drawBox(b, r, x, y, f, opacity)
	case r >= 0x2581 && r <= 0x2588:
		// Lower eighth blocks: ▁ to █.
		hgt := cellH * int(r-0x2580) / 8
		fmt.Fprintf(b, `<rect x="%d" y="%d" width="%d" height="%d" fill="%s"%s/>`+"\n", x, y+cellH-hgt, cellW, hgt, f, opacity)
	default:
		weight := ""
		if c.st.bold {
			weight = ` font-weight="bold"`
		}
		fmt.Fprintf(b, `<text x="%d" y="%d" fill="%s"%s%s>%s</text>`+"\n", x, y+cellH-4, f, weight, opacity, escape(c.text))
	}
}

// brailleDots are the dot bits of a braille cell, by column and row.
var brailleDots = [2][4]rune{{0x01, 0x02, 0x04, 0x40}, {0x08, 0x10, 0x20, 0x80}}

// drawBraille draws the raised dots of braille cell r as circles: two
// columns of four.
func drawBraille(b *strings.Builder, r rune, x, y int, f, opacity string) {
	bits := r - 0x2800
	for col := 0; col < 2; col++ {
		for row := 0; row < 4; row++ {
			if bits&brailleDots[col][row] == 0 {
				continue
			}
			cx := float64(x) + float64(cellW)*(0.25+0.5*float64(col))
			cy := float64(y) + float64(cellH)*(0.125+0.25*float64(row))
			fmt.Fprintf(b, `<circle cx="%.1f" cy="%.1f" r="1.3" fill="%s"%s/>`+"\n", cx, cy, f, opacity)
		}
	}
}

// Dots counts the raised braille dots of text, for tests that compare an
// image with its text.
func Dots(text string) int {
	n := 0
	for _, r := range text {
		if r >= 0x2800 && r <= 0x28ff {
			for bits := r - 0x2800; bits != 0; bits &= bits - 1 {
				n++
			}
		}
	}
	return n
}

// boxLines returns, for a box-drawing character, its arms: up, right,
// down, left (1 light, 2 heavy); nil for others.
func boxLines(r rune) []int {
	switch r {
	case '─':
		return []int{0, 1, 0, 1}
	case '━':
		return []int{0, 2, 0, 2}
	case '│':
		return []int{1, 0, 1, 0}
	case '┃':
		return []int{2, 0, 2, 0}
	case '╭', '┌':
		return []int{0, 1, 1, 0}
	case '╮', '┐':
		return []int{0, 0, 1, 1}
	case '╰', '└':
		return []int{1, 1, 0, 0}
	case '╯', '┘':
		return []int{1, 0, 0, 1}
	case '┏':
		return []int{0, 2, 2, 0}
	case '┓':
		return []int{0, 0, 2, 2}
	case '┗':
		return []int{2, 2, 0, 0}
	case '┛':
		return []int{2, 0, 0, 2}
	}
	return nil
}

// drawBox draws a box-drawing character's arms from the cell's centre.
func drawBox(b *strings.Builder, r rune, x, y int, f, opacity string) {
	arms := boxLines(r)
	cx, cy := x+cellW/2, y+cellH/2
	ends := [4][2]int{{cx, y}, {x + cellW, cy}, {cx, y + cellH}, {x, cy}}
	for i, a := range arms {
		if a == 0 {
			continue
		}
		fmt.Fprintf(b, `<line x1="%d" y1="%d" x2="%d" y2="%d" stroke="%s" stroke-width="%d"%s/>`+"\n",
			cx, cy, ends[i][0], ends[i][1], f, a, opacity)
	}
}

// escape makes text safe inside an XML element.
func escape(s string) string {
	var b strings.Builder
	for _, r := range s {
		switch r {
		case '<':
			b.WriteString("&lt;")
		case '>':
			b.WriteString("&gt;")
		case '&':
			b.WriteString("&amp;")
		default:
			if r < 0x20 || r == 0x7f || (r >= 0x80 && r < 0xa0) || r == 0xfffe || r == 0xffff {
				b.WriteRune(0xfffd)
				continue
			}
			b.WriteRune(r)
		}
	}
	return b.String()
}
