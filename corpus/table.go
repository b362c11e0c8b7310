package corpus

import (
	"regexp"
	"strconv"
	"strings"
	"unicode/utf8"
)

// A table inside a box (专栏N) or under a caption (表 N) is read in two
// steps: its lines become rows of cells as printed (tabs, runs of spaces or,
// for a table flattened to single spaces, the shape of a row), then the
// table becomes either the indicator table or the items of its box.

var (
	// cellSepRe separates the cells of a row: a tab, or a run of two or
	// more spaces.
	cellSepRe  = regexp.MustCompile("\t| {2,}|\u3000{2,}")
	spaceRunRe = regexp.MustCompile(` {2,}`)
	yearRe     = regexp.MustCompile(`(20\d\d|19\d\d)\s*年?`)
	// unitRe is the unit in brackets at the end of an indicator's name:
	// 森林覆盖率（%）.
	unitRe      = regexp.MustCompile(`^(.+?)\s*[（(]([^（）()]{1,12})[)）]$`)
	rowNumRe    = regexp.MustCompile(`^(\d{1,3})\s*[.．、]?\s*(.*)$`)
	catCountRe  = regexp.MustCompile(`\s*[（(]\s*\d+\s*项\s*[)）]$`)
	attributeRe = regexp.MustCompile(`^(预期性|约束性)$`)
	// numStartRe tells a value that begins with a figure, a sign or a
	// bracket (5, ＞40, ≥7.64, 〔20〕): one cell, even where single spaces
	// also stand inside cells (5 左右).
	numStartRe = regexp.MustCompile(`^[\d.＞＜>≥≤<\-—〔【\[±+]`)
)

// maxRow bounds the length of a row that wrapped lines are joined into.
const maxRow = 2000

// row is one row of a table: its cells as printed.
type row struct {
	line  int
	cells []string
	// lead is the number of empty cells the row opens with (it was
	// indented): a sub-row under a merged cell.
	lead int
	// raw is the text of a row flattened to single spaces that could not
	// (yet) be cut into cells; cells is nil then.
	raw string
}

// table collects the rows of a box or a captioned table.
type table struct {
	header []string
	rows   []row
	// single tells a table flattened to single spaces between cells
	// (PDF extraction): rows are cut by their shape, not their spaces.
	single bool
	// tabbed tells a tab-separated table, whose rows keep their empty
	// cells, so that a short row is a cut one.
	tabbed bool
	// numbered tells that the rows begin with their number, so that a line
	// that does not is the wrapped rest of the row above.
	numbered bool
	// sep is the width of the space run between cells.
	sep  int
	line int
	// starts are the printed positions of the header's columns in a table
	// aligned by columns (runs of spaces of varying width); nil otherwise.
	starts []int
}

// splitCells cuts a line into cells at tabs or runs of spaces. An indented
// line opens with empty cells, one per separator width.
func splitCells(line string, sep int) (cells []string, lead int) {
	if sep <= 0 {
		sep = 4
	}
	trimmed := strings.TrimLeft(line, " \u3000")
	if ind := len(line) - len(trimmed); ind > 0 && !strings.HasPrefix(line, "\t") {
		lead = max(1, (ind+sep/2)/sep)
	}
	for strings.HasPrefix(trimmed, "\t") {
		lead++
		trimmed = trimmed[1:]
	}
	for range lead {
		cells = append(cells, "")
	}
	if strings.Contains(trimmed, "\t") {
		for _, c := range strings.Split(trimmed, "\t") {
			cells = append(cells, strings.TrimSpace(c))
		}
		return cells, lead
	}
	prev := 0
	for _, m := range cellSepRe.FindAllStringIndex(trimmed, -1) {
		cells = append(cells, strings.TrimSpace(trimmed[prev:m[0]]))
		// A run two separators wide stands for an empty cell.
		for extra := (m[1]-m[0])/sep - 1; extra > 0; extra-- {
			cells = append(cells, "")
		}
		prev = m[1]
	}
	cells = append(cells, strings.TrimSpace(trimmed[prev:]))
	return cells, lead
}

// alignedCells cuts a line of a table aligned by columns (its runs of
// spaces of any width) and puts each cell under the header column it
// starts in: starts holds the columns' printed positions.
func alignedCells(line string, starts []int) []string {
	cells := make([]string, len(starts))
	pos, i := 0, 0
	for i < len(line) {
		// Skip the spaces before the next cell.
		for i < len(line) && (line[i] == ' ' || line[i] == '\t') {
			pos++
			i++
		}
		if i >= len(line) {
			break
		}
		start := pos
		var sb strings.Builder
		for i < len(line) {
			if line[i] == ' ' && (i+1 >= len(line) || line[i+1] == ' ') {
				break
			}
			r, size := utf8.DecodeRuneInString(line[i:])
			sb.WriteRune(r)
			pos += width(string(r))
			i += size
		}
		col := 0
		for k, st := range starts {
			if st <= start+2 {
				col = k
			}
		}
		if cells[col] != "" {
			cells[col] += " "
		}
		cells[col] += sb.String()
	}
	return cells
}

// cellStarts gives the printed position where each cell of a line starts:
// after a run of two or more spaces, or at the line's first character.
func cellStarts(line string) []int {
	var starts []int
	pos, spaces := 0, 2
	for _, r := range line {
		if r == ' ' || r == '\t' {
			spaces++
			pos++
			continue
		}
		if spaces >= 2 {
			starts = append(starts, pos)
		}
		spaces = 0
		pos += width(string(r))
	}
	return starts
}

// uniform reports whether every run of spaces between a line's cells is
// one separator wide, as in a table whose empty cells are separators
// doubled; otherwise the table is aligned by columns.
func uniform(line string, sep int) bool {
	for _, m := range spaceRunRe.FindAllStringIndex(strings.TrimSpace(line), -1) {
		if m[1]-m[0] != sep {
			return false
		}
	}
	return true
}

// sepWidth is the most common run of spaces between cells of a line.
func sepWidth(line string) int {
	best := 0
	for _, m := range spaceRunRe.FindAllStringIndex(strings.TrimSpace(line), -1) {
		if w := m[1] - m[0]; best == 0 || w < best {
			best = w
		}
	}
	return best
}

// isTableLine reports whether a line is laid out in cells: a tab, or a run
// of spaces inside or before its text.
func isTableLine(line string) bool {
	t := strings.TrimSpace(line)
	if t == "" {
		return false
	}
	return strings.Contains(line, "\t") || strings.Contains(t, "  ") || strings.Contains(t, "\u3000\u3000") ||
		strings.HasPrefix(line, "  ")
}

// headerRole says what a column holds, from its header.
func headerRole(h string) string {
	h = strings.Join(strings.Fields(h), "")
	switch {
	case h == "":
		return ""
	case strings.Contains(h, "序号") || h == "编号":
		return "number"
	case strings.Contains(h, "属性") || h == "性质":
		return "attr"
	case strings.Contains(h, "单位"):
		return "unit"
	case yearRe.MatchString(h) || strings.Contains(h, "基期") || strings.Contains(h, "目标"):
		return "value"
	case strings.Contains(h, "年均") || strings.Contains(h, "累计"):
		return "five"
	case strings.Contains(h, "指标"):
		return "name"
	case strings.Contains(h, "分类") || strings.Contains(h, "类别") || strings.Contains(h, "领域") || h == "类型":
		return "category"
	}
	return "other"
}

// indicatorHeader reports whether a header row is that of an indicator
// table: an indicator column and a value or an attribute column.
func indicatorHeader(header []string) bool {
	var name, value bool
	for _, h := range header {
		switch headerRole(h) {
		case "name":
			name = true
		case "value", "attr", "five":
			value = true
		}
	}
	return name && value
}

// singleHeader cuts a header flattened to single spaces (序号 指 标 2030 年目标
// 属性) into its columns: letter-spaced words and a year with its words
// stay together.
func singleHeader(line string) []string {
	var out []string
	for _, f := range strings.Fields(line) {
		if n := len(out); n > 0 {
			last := out[n-1]
			lr, _ := utf8.DecodeLastRuneInString(last)
			fr, _ := utf8.DecodeRuneInString(f)
			joinSpaced := utf8.RuneCountInString(last) == 1 && utf8.RuneCountInString(f) == 1
			joinYear := lr >= '0' && lr <= '9' && fr == '年'
			if joinSpaced || joinYear || strings.HasSuffix(last, "指") {
				out[n-1] = last + " " + f
				continue
			}
		}
		out = append(out, f)
	}
	return out
}

// singleRow cuts a row flattened to single spaces by its shape: the number
// first, the attribute last, the name up to its unit in brackets, the
// values between. It reports whether the row is complete; a row cut by a
// line break is not.
func singleRow(line string, header []string) ([]string, bool) {
	fields := strings.Fields(line)
	if len(fields) == 0 {
		return nil, false
	}
	var roles []string
	for _, h := range header {
		roles = append(roles, headerRole(h))
	}
	var cells []string
	if len(roles) > 0 && roles[0] == "number" {
		if m := rowNumRe.FindStringSubmatch(fields[0]); m == nil || m[2] != "" {
			return nil, false
		}
		cells = append(cells, fields[0])
		fields = fields[1:]
		roles = roles[1:]
	}
	var attr string
	if n := len(roles); n > 0 && roles[n-1] == "attr" {
		if len(fields) == 0 || !attributeRe.MatchString(fields[len(fields)-1]) {
			return nil, false
		}
		attr = fields[len(fields)-1]
		fields = fields[:len(fields)-1]
		roles = roles[:n-1]
	}
	if len(fields) == 0 || len(roles) == 0 {
		return nil, false
	}
	// The name runs to the last field that closes a bracket before the
	// values, or is the first field.
	nameEnd := 1
	if roles[0] == "name" {
		for i := len(fields) - 1; i >= 0; i-- {
			if strings.HasSuffix(fields[i], "）") || strings.HasSuffix(fields[i], ")") {
				nameEnd = i + 1
				break
			}
		}
	}
	if nameEnd > len(fields) {
		return nil, false
	}
	cells = append(cells, strings.Join(fields[:nameEnd], " "))
	values := fields[nameEnd:]
	want := len(roles) - 1
	// Join the words of one value (5 左右, 提高 1 个百分点以上): a new
	// value begins with a figure while there are value columns left.
	var vals []string
	for _, v := range values {
		if n := len(vals); n > 0 && (!numStartRe.MatchString(v) || n >= want) {
			vals[n-1] += " " + v
			continue
		}
		vals = append(vals, v)
	}
	if len(vals) != want {
		return nil, false
	}
	cells = append(cells, vals...)
	if attr != "" {
		cells = append(cells, attr)
	}
	return cells, true
}

// addLine adds one printed line to the table: a header, a new row, or the
// wrapped rest of the row above. It reports false for a line that does not
// belong to the table: the text after it, or its notes (注：).
func (t *table) addLine(n int, line string) bool {
	text := strings.TrimSpace(line)
	if strings.HasPrefix(text, "注") && !isTableLine(line) {
		return false
	}
	if t.single {
		if strings.Join(strings.Fields(text), "") == strings.Join(strings.Fields(strings.Join(t.header, "")), "") {
			return true // the header, repeated on a new page
		}
		if k := len(t.rows); k > 0 && t.rows[k-1].cells == nil && len(t.rows[k-1].raw) < maxRow {
			// The rest of a row the line break cut: join without a space.
			prev := &t.rows[k-1]
			joined := prev.raw + text
			if cells, ok := singleRow(joined, t.header); ok {
				prev.cells, prev.raw = cells, ""
			} else {
				prev.raw = joined
			}
			return true
		}
		if subRe.MatchString(text) && utf8.RuneCountInString(text) <= 20 {
			t.rows = append(t.rows, row{line: n, cells: []string{text}})
			return true
		}
		if cells, ok := singleRow(text, t.header); ok {
			t.rows = append(t.rows, row{line: n, cells: cells})
			return true
		}
		if m := rowNumRe.FindStringSubmatch(text); m != nil && m[2] != "" && !endsSentence(text) {
			t.rows = append(t.rows, row{line: n, raw: text})
			return true
		}
		return false
	}
	if t.header == nil {
		t.sep = sepWidth(line)
		t.tabbed = strings.Contains(line, "\t")
		t.header, _ = splitCells(line, t.sep)
		t.line = n
		if !t.tabbed && !uniform(line, t.sep) {
			// Aligned by columns: runs of spaces of any width separate
			// cells, and a row's cells go under the columns they start in.
			header, _ := splitCells(strings.TrimSpace(line), 1<<20)
			if st := cellStarts(strings.TrimSpace(line)); len(st) == len(header) {
				t.header, t.starts = header, st
			}
		}
		return true
	}
	if !isTableLine(line) && endsSentence(text) && utf8.RuneCountInString(text) > 40 || t.tabbed && !strings.Contains(line, "\t") {
		return false // running text after the table
	}
	cells, lead := splitCells(line, t.sep)
	if t.starts != nil {
		cells, lead = alignedCells(line, t.starts), 0
		if cells[0] == "" {
			lead = 1
		}
	}
	if lead > 0 && t.starts == nil {
		// An indented row opens with as many empty cells as the row is
		// short of a full one (the header's, or the row above's when it
		// has a sub-indicator cell), whatever width the indent has.
		full := len(t.header)
		if k := len(t.rows); k > 0 {
			full = max(full, len(t.rows[k-1].cells))
		}
		if room := full - (len(cells) - lead); room >= 1 && room < lead {
			cells, lead = cells[lead-room:], room
		}
	}
	if len(t.rows) == 0 && !t.tabbed && lead == 0 && len(cells) == 1 && !rowNumRe.MatchString(cells[0]) && len(t.header[len(t.header)-1]) < maxRow {
		// A header cell wrapped onto the next line.
		t.header[len(t.header)-1] += cells[0]
		return true
	}
	if len(t.rows) == 0 && headerRole(t.header[0]) == "number" && !isNumberCell(firstCell(cells)) && !subRe.MatchString(firstCell(cells)) {
		// A header over several lines, before the first numbered row.
		return true
	}
	if len(t.rows) == 0 {
		t.numbered = lead == 0 && rowNumRe.MatchString(cells[0]) && headerRole(t.header[0]) == "number"
		if !t.numbered && lead == 0 {
			if m := rowNumRe.FindStringSubmatch(cells[0]); m != nil && m[2] != "" && headerRole(t.header[0]) != "number" {
				t.numbered = true // 1．人工智能 in the first column
			}
		}
	}
	if k := len(t.rows); k > 0 && lead == 0 && !t.tabbed {
		prev := &t.rows[k-1]
		startsRow := rowNumRe.MatchString(cells[0]) && isNumberCell(cells[0])
		cont := len(cells) == 1 && !startsRow ||
			len(prev.cells) < len(t.header) && !startsRow ||
			t.numbered && !startsRow && !strings.HasPrefix(cells[0], "注")
		if cont {
			if len(prev.cells[len(prev.cells)-1]) < maxRow && len(prev.cells) < 64 {
				prev.cells[len(prev.cells)-1] += cells[0]
				prev.cells = append(prev.cells, cells[1:]...)
				return true
			}
		}
	}
	t.rows = append(t.rows, row{line: n, cells: cells, lead: lead})
	return true
}

// firstCell is the first cell that is not empty.
func firstCell(cells []string) string {
	for _, c := range cells {
		if c != "" {
			return c
		}
	}
	return ""
}

// isNumberCell tells a cell that opens a numbered row: 1, 1．人工智能.
func isNumberCell(c string) bool {
	m := rowNumRe.FindStringSubmatch(c)
	if m == nil {
		return false
	}
	return m[2] == "" || strings.ContainsAny(c[:len(c)-len(m[2])], ".．、")
}

// isIndicatorTable reports whether the table's header is that of an
// indicator table.
func (t *table) isIndicatorTable() bool { return t != nil && indicatorHeader(t.header) }

// items turns a table of a box into its items: one per row, its cells
// joined by spaces.
func (t *table) items() []string {
	var out []string
	for _, r := range t.rows {
		var parts []string
		for _, c := range r.cells {
			if c != "" {
				parts = append(parts, c)
			}
		}
		if len(parts) == 0 && r.raw != "" {
			parts = []string{r.raw}
		}
		if len(parts) > 0 {
			out = append(out, strings.Join(parts, " "))
		}
	}
	return out
}

// indicators reads the table's rows as indicators. A row the parser
// cannot read is an error when the table keeps its empty cells (tabs), and
// a warning otherwise.
func (p *parser) indicators(t *table) error {
	roles := make([]string, len(t.header))
	nameCol := -1
	for i, h := range t.header {
		roles[i] = headerRole(h)
		if roles[i] == "name" && nameCol < 0 {
			nameCol = i
		}
	}
	if nameCol < 0 {
		nameCol = 0
	}
	values := p.valueColumns(t.header, roles)
	var prev *Indicator
	category := ""
	for _, r := range t.rows {
		if r.cells == nil {
			p.warn(r.line, "指标表的这一行读不出：%q", r.raw)
			continue
		}
		nonEmpty := 0
		for _, c := range r.cells {
			if c != "" {
				nonEmpty++
			}
		}
		first := r.cells[0]
		if nonEmpty == 1 && first != "" {
			if m := subRe.FindStringSubmatch(joinHan(p.clean(first))); m != nil {
				category = catCountRe.ReplaceAllString(strings.TrimSpace(m[2]), "")
				continue
			}
		}
		if nonEmpty == 0 {
			continue
		}
		if t.tabbed && len(r.cells) < len(t.header) {
			return p.errorf(r.line, "indicator row has %d cells, want %d", len(r.cells), len(t.header))
		}
		cells := r.cells
		sub := ""
		if extra := len(cells) - len(t.header); extra > 0 {
			// A sub-indicator cell after the indicator's name (每千人口拥有医护
			// 人员数 → 执业（助理）医师数): the cells after it go under the
			// headers after the name.
			sub = strings.Join(cells[nameCol+1:nameCol+1+extra], "")
			cells = append(append([]string{}, cells[:nameCol+1]...), cells[nameCol+1+extra:]...)
		}
		for len(cells) < len(t.header) {
			cells = append(cells, "")
		}
		clean := func(i int) string {
			if t.tabbed {
				return joinHan(p.clean(cells[i]))
			}
			return p.clean(cells[i])
		}
		ind := Indicator{Line: r.line}
		numText := ""
		for i, role := range roles {
			v := clean(i)
			ind.Columns = append(ind.Columns, Column{Header: t.header[i], Value: v})
			switch role {
			case "category":
				if v != "" {
					category = v
				}
			case "number":
				numText = v
			case "name":
				ind.Name = v
			case "unit":
				ind.Unit = v
			case "attr":
				ind.Attribute = v
			case "five":
				ind.FiveYear = v
			}
		}
		ind.Category = category
		if numText == "" {
			if m := rowNumRe.FindStringSubmatch(ind.Name); m != nil && m[2] != "" {
				numText, ind.Name = m[1], strings.TrimSpace(m[2])
			}
		}
		numText = strings.TrimRight(numText, ".．、")
		if sub != "" {
			sub = p.clean(sub)
			if m := unitRe.FindStringSubmatch(sub); m != nil && ind.Unit == "" {
				sub, ind.Unit = strings.TrimSpace(m[1]), m[2]
			}
			ind.Sub = sub
		}
		if m := unitRe.FindStringSubmatch(ind.Name); m != nil && ind.Unit == "" && unitLike(m[2]) {
			ind.Name, ind.Unit = strings.TrimSpace(m[1]), m[2]
		}
		switch {
		case numText != "":
			ind.Number, _ = strconv.Atoi(numText)
		case prev != nil && (ind.Name == "" || ind.Sub != ""):
			// A sub-row under merged cells: the number and name above.
			ind.Number = prev.Number
			if ind.Name == "" {
				ind.Name = prev.Name
			}
		default:
			if t.tabbed {
				return p.errorf(r.line, "indicator row does not start with its number: %q", first)
			}
			p.warn(r.line, "指标表的这一行没有序号：%q", strings.Join(r.cells, " "))
			continue
		}
		if ind.Name == "" {
			p.warn(r.line, "指标表的第%d行没有指标名称", ind.Number)
			continue
		}
		if ind.Attribute == "" && prev != nil && prev.Number == ind.Number {
			ind.Attribute = prev.Attribute // merged with the row above
		}
		if ind.Attribute != "" && ind.Attribute != "预期性" && ind.Attribute != "约束性" {
			if t.tabbed {
				return p.errorf(r.line, "indicator %d has attribute %q, want 预期性 or 约束性", ind.Number, ind.Attribute)
			}
			p.warn(r.line, "指标%d的属性是“%s”，不是预期性或约束性", ind.Number, ind.Attribute)
		}
		if prev != nil && ind.Number != prev.Number && ind.Number != prev.Number+1 {
			p.warn(r.line, "指标%d排在指标%d之后", ind.Number, prev.Number)
		}
		for _, v := range values {
			val := clean(v.col)
			if v.target {
				ind.TargetYear, ind.Target = v.year, val
			} else {
				ind.BaseYear, ind.Base = v.year, val
			}
		}
		ind.Cumulative = bracketed(ind.FiveYear)
		p.plan.Indicators = append(p.plan.Indicators, ind)
		prev = &p.plan.Indicators[len(p.plan.Indicators)-1]
	}
	if len(p.plan.Indicators) == 0 {
		p.warn(t.line, "像是指标表，但一行也读不出")
	}
	return nil
}

// unitLike tells the bracket at the end of a name that holds a unit (%,
// 万吨, 微克/立方米) from one that is part of the name (GDP, 含第三代半导体).
func unitLike(s string) bool {
	return utf8.RuneCountInString(s) <= 6 && !strings.ContainsAny(s, "ABCDEFGHIJKLMNOPQRSTUVWXYZ含及和、，")
}

// bracketed tells a five-year total: [0.87], 【2】, 〔20〕.
func bracketed(s string) bool {
	for _, b := range [][2]string{{"[", "]"}, {"【", "】"}, {"〔", "〕"}, {"［", "］"}} {
		if strings.HasPrefix(s, b[0]) && strings.HasSuffix(s, b[1]) {
			return true
		}
	}
	return false
}

// valueColumn is a column of the table that holds a year's figure.
type valueColumn struct {
	col    int
	year   int
	target bool
}

// valueColumns picks the base and target columns: with two or more year
// columns the latest is the target and the latest before it the base; a
// single one is the target unless it reports a result (完成, 现状, 基期).
func (p *parser) valueColumns(header, roles []string) []valueColumn {
	var cols []valueColumn
	for i, role := range roles {
		if role != "value" {
			continue
		}
		h := strings.Join(strings.Fields(header[i]), "")
		y := 0
		if m := yearRe.FindStringSubmatch(h); m != nil {
			y, _ = strconv.Atoi(m[1])
		}
		cols = append(cols, valueColumn{col: i, year: y})
	}
	switch len(cols) {
	case 0:
		return nil
	case 1:
		h := header[cols[0].col]
		cols[0].target = !strings.Contains(h, "完成") && !strings.Contains(h, "现状") && !strings.Contains(h, "基期") && !strings.Contains(h, "实际")
		return cols
	}
	// The target is the latest year; the base the latest before it (2025
	// in a table of 2020, 2025 and 2030).
	target := cols[0]
	for _, c := range cols[1:] {
		if c.year >= target.year {
			target = c
		}
	}
	var base *valueColumn
	for i, c := range cols {
		if c.col != target.col && (base == nil || c.year > base.year && c.year < target.year) {
			base = &cols[i]
		}
	}
	target.target = true
	return []valueColumn{*base, target}
}

// unflatten rewrites a table that an extraction printed one cell per line
// (序号 / 指标 / 2030年目标 / 属性 / 1 / 地区生产总值（%） / 5左右 / 预期性 …)
// into tab-separated rows, which the table reader then reads as any other:
// the header is the run of short lines under a caption (专栏N, 表N) that
// reads as an indicator header, a row begins at a line that is a number, a
// category line (一、经济强) stands alone, and a row with more lines than
// columns had its name wrapped.
func unflatten(lines []srcLine) []srcLine {
	out := make([]srcLine, 0, len(lines))
	for i := 0; i < len(lines); i++ {
		out = append(out, lines[i])
		t := strings.TrimSpace(lines[i].s)
		if m := boxRe.FindStringSubmatch(t); m == nil || m[3] == "" {
			continue
		}
		rows, next := flatTable(lines[i+1:])
		if rows == nil {
			continue
		}
		out = append(out, rows...)
		i += next
	}
	return out
}

// flatTable reads a table printed one cell per line at the start of lines.
// It returns its rows and how many lines they took, or nil.
func flatTable(lines []srcLine) ([]srcLine, int) {
	cell := func(k int) (string, bool) {
		if k >= len(lines) {
			return "", false
		}
		t := strings.TrimSpace(lines[k].s)
		return t, t != "" && utf8.RuneCountInString(t) <= 30 && !strings.ContainsAny(t, "。；") && !isTableLine(lines[k].s)
	}
	var header []string
	k := 0
	for ; ; k++ {
		t, ok := cell(k)
		if !ok || isNumberCell(t) && rowNumRe.FindStringSubmatch(t)[2] == "" || subRe.MatchString(t) {
			break
		}
		header = append(header, t)
	}
	if len(header) < 3 || !indicatorHeader(header) {
		return nil, 0
	}
	numCol := 0
	for i, h := range header {
		if headerRole(h) == "number" {
			numCol = i
		}
	}
	if numCol != 0 {
		return nil, 0 // rows must open with their number
	}
	n := len(header)
	rows := []srcLine{{n: lines[0].n, s: strings.Join(header, "\t")}}
	for k < len(lines) {
		t, ok := cell(k)
		if !ok {
			break
		}
		if subRe.MatchString(t) {
			rows = append(rows, srcLine{n: lines[k].n, s: t + strings.Repeat("\t", n-1)})
			k++
			continue
		}
		if !isNumberCell(t) || rowNumRe.FindStringSubmatch(t)[2] != "" {
			break
		}
		start := k
		cells := []string{t}
		k++
		for {
			c, ok := cell(k)
			if !ok || subRe.MatchString(c) || isNumberCell(c) && rowNumRe.FindStringSubmatch(c)[2] == "" && len(cells) >= n {
				break
			}
			cells = append(cells, c)
			k++
			if len(cells) > 2*n {
				return nil, 0
			}
		}
		if len(cells) < n {
			return nil, 0
		}
		// The lines beyond the columns are the name's wrapped rest.
		extra := len(cells) - n
		name := strings.Join(cells[1:2+extra], "")
		cells = append([]string{cells[0], name}, cells[2+extra:]...)
		rows = append(rows, srcLine{n: lines[start].n, s: strings.Join(cells, "\t")})
	}
	if len(rows) < 2 {
		return nil, 0
	}
	return rows, k
}
