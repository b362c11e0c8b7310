package main

import (
	"bufio"
	"bytes"
	"encoding/json"
	"errors"
	"io/fs"
	"os"
	"strings"
	"testing"
	"unicode/utf8"

	"planbot/corpus"
)

// The labelled question sets under index/testdata/calib are written by hand
// against the plans' text, so their labels can drift from it. These tests
// hold every set to the eval's format and every expected string to the text
// it was copied from, folded as the eval folds it.

const calibDir = "../../index/testdata/calib/"

// calibKinds are the kinds a question may have.
var calibKinds = map[string]bool{"passage": true, "indicator": true, "term": true, "project": true, "none": true}

// readCalibSet reads a set strictly: every non-blank line one JSON object
// with exactly the four fields.
func readCalibSet(t *testing.T, path string) []evalQuestion {
	t.Helper()
	data, err := os.ReadFile(path)
	if err != nil {
		t.Fatal(err)
	}
	var qs []evalQuestion
	ids := map[string]int{}
	sc := bufio.NewScanner(bytes.NewReader(data))
	sc.Buffer(nil, 1<<20)
	for line := 1; sc.Scan(); line++ {
		if strings.TrimSpace(sc.Text()) == "" {
			continue
		}
		var fields map[string]json.RawMessage
		if err := json.Unmarshal(sc.Bytes(), &fields); err != nil {
			t.Errorf("%s:%d: not a JSON object: %v", path, line, err)
			continue
		}
		for _, f := range []string{"id", "q", "kind", "any"} {
			if _, ok := fields[f]; !ok {
				t.Errorf("%s:%d: no field %q", path, line, f)
			}
		}
		if len(fields) != 4 {
			t.Errorf("%s:%d: %d fields, want id, q, kind, any", path, line, len(fields))
		}
		dec := json.NewDecoder(bytes.NewReader(sc.Bytes()))
		dec.DisallowUnknownFields()
		var q evalQuestion
		if err := dec.Decode(&q); err != nil {
			t.Errorf("%s:%d: %v", path, line, err)
			continue
		}
		if q.ID == "" || strings.TrimSpace(q.Q) == "" {
			t.Errorf("%s:%d: empty id or question", path, line)
		}
		if prev, ok := ids[q.ID]; ok {
			t.Errorf("%s:%d: id %q already on line %d", path, line, q.ID, prev)
		}
		ids[q.ID] = line
		if !calibKinds[q.Kind] {
			t.Errorf("%s:%d: kind %q", path, line, q.Kind)
		}
		switch {
		case q.Kind == "none" && len(q.Any) != 0:
			t.Errorf("%s:%d: a none question with expected strings", path, line)
		case q.Kind != "none" && len(q.Any) == 0:
			t.Errorf("%s:%d: a %s question without expected strings", path, line, q.Kind)
		}
		if q.Kind == "passage" && len(q.Any) > 3 {
			t.Errorf("%s:%d: %d expected strings, want 1–3 for a passage", path, line, len(q.Any))
		}
		for _, a := range q.Any {
			if n := utf8.RuneCountInString(a); q.Kind == "passage" && (n < 8 || n > 25) {
				t.Errorf("%s:%d: %q is %d characters, want 8–25 for a passage", path, line, a, n)
			}
		}
		qs = append(qs, q)
	}
	if err := sc.Err(); err != nil {
		t.Fatal(err)
	}
	if len(qs) == 0 {
		t.Fatalf("%s: no questions", path)
	}
	return qs
}

// checkFound reports each expected string of a question that no unit of its
// kind holds; units maps a kind to the folded texts of its units, and a
// passage question may be answered by a unit of any kind.
func checkFound(t *testing.T, m *matcher, set string, qs []evalQuestion, units map[string][]string) {
	t.Helper()
	for _, q := range qs {
		kinds := []string{q.Kind}
		if q.Kind == "passage" {
			kinds = []string{"passage", "indicator", "term", "project"}
		}
		for _, a := range q.Any {
			want := m.fold(a)
			found := false
			for _, k := range kinds {
				for _, u := range units[k] {
					if strings.Contains(u, want) {
						found = true
						break
					}
				}
			}
			if !found {
				t.Errorf("%s %s (%s): %q is in no %s of the plan", set, q.ID, q.Kind, a, strings.Join(kinds, "/"))
			}
		}
	}
}

// TestCalibSetDonghe checks the everyday set on the built-in plan: each
// expected string stands whole in one unit of the question's kind — a
// paragraph, an indicator's name, a glossary entry, a box's item.
func TestCalibSetDonghe(t *testing.T) {
	qs := readCalibSet(t, calibDir+"donghe-everyday.jsonl")
	pl, err := corpus.Default()
	if err != nil {
		t.Fatal(err)
	}
	m, err := newMatcher()
	if err != nil {
		t.Fatal(err)
	}
	checkFound(t, m, "donghe", qs, planUnits(m, pl))
}

// planUnits are the units of a plan an expected string may stand in, by
// kind: paragraphs, indicators' names, glossary entries, boxes' items.
func planUnits(m *matcher, pl *corpus.Plan) map[string][]string {
	units := map[string][]string{}
	for _, p := range pl.Passages {
		units["passage"] = append(units["passage"], m.fold(p.Heading+p.Text))
	}
	for _, in := range pl.Indicators {
		units["indicator"] = append(units["indicator"], m.fold(in.Name))
	}
	for _, tm := range pl.Terms {
		units["term"] = append(units["term"], m.fold(tm.Term+tm.Definition))
	}
	for _, b := range pl.Boxes {
		for _, it := range b.Items {
			units["project"] = append(units["project"], m.fold(it))
		}
	}
	return units
}

// TestCalibSetNational checks the everyday set on the national 十五五
// outline: each expected string stands whole in one line (a paragraph or a
// heading) of the text.
func TestCalibSetNational(t *testing.T) {
	qs := readCalibSet(t, calibDir+"national-everyday.jsonl")
	text, err := os.ReadFile("../../../shared/plans/national-15th.txt")
	if errors.Is(err, fs.ErrNotExist) {
		t.Skip("national-15th.txt is not here")
	}
	if err != nil {
		t.Fatal(err)
	}
	m, err := newMatcher()
	if err != nil {
		t.Fatal(err)
	}
	var lines []string
	for _, l := range strings.Split(string(text), "\n") {
		if f := m.fold(l); f != "" {
			lines = append(lines, f)
		}
	}
	units := map[string][]string{"passage": lines}
	for _, q := range qs {
		if q.Kind != "passage" && q.Kind != "none" {
			t.Errorf("national %s: kind %s; the national outline has passages only", q.ID, q.Kind)
		}
	}
	checkFound(t, m, "national", qs, units)
}

// TestCalibSetOutlines checks the everyday sets written on the shared
// outlines that have them (nanjing-everyday.jsonl on nanjing-15th.txt, …):
// each expected string stands whole in one unit of the parsed plan of the
// question's kind.
func TestCalibSetOutlines(t *testing.T) {
	for _, name := range []string{"nanjing", "suzhou"} {
		t.Run(name, func(t *testing.T) {
			qs := readCalibSet(t, calibDir+name+"-everyday.jsonl")
			file := "../../../shared/plans/" + name + "-15th.txt"
			src, err := os.ReadFile(file)
			if errors.Is(err, fs.ErrNotExist) {
				t.Skip(file + " is not here")
			}
			if err != nil {
				t.Fatal(err)
			}
			pl, err := corpus.Parse(file, src)
			if err != nil {
				t.Fatal(err)
			}
			m, err := newMatcher()
			if err != nil {
				t.Fatal(err)
			}
			checkFound(t, m, name, qs, planUnits(m, pl))
		})
	}
}
