package index

import (
	"bytes"
	"encoding/json"
	"testing"
)

// TestSnapshot checks that an index read back from its snapshot answers
// exactly as the one built from the plan, and that a damaged snapshot is
// an error rather than a wrong index.
func TestSnapshot(t *testing.T) {
	built := testIndex(t)
	var buf bytes.Buffer
	if err := built.WriteSnapshot(&buf); err != nil {
		t.Fatal(err)
	}
	data := buf.Bytes()
	var bl Builder
	read, err := bl.ReadSnapshot(bytes.NewReader(data))
	if err != nil {
		t.Fatal(err)
	}
	defer read.Close()
	for _, q := range []string{"森林覆盖率", "北梁以后建成啥样", "碳中和是什么意思", "专栏9有哪些项目", "原铝产能2025年多少",
		"地铁票价多少钱", "沙尔亲镇种中药材", "预期性指标有几项", "GDP增速目标"} {
		// As JSON: gob reads an empty list back as none.
		want, _ := json.Marshal(built.Search(q, 10))
		got, _ := json.Marshal(read.Search(q, 10))
		if !bytes.Equal(got, want) {
			t.Errorf("%s: from the snapshot\n%s\nbuilt\n%s", q, got, want)
		}
	}
	// The figures /compare lists come from the snapshot too.
	for _, name := range []string{"森林覆盖率", "原铝产能", "地区生产总值"} {
		rowsB, figsB := built.compare(name)
		rowsR, figsR := read.compare(name)
		want, _ := json.Marshal([]any{rowsB, figsB})
		got, _ := json.Marshal([]any{rowsR, figsR})
		if len(figsB) == 0 && len(rowsB) == 0 {
			t.Errorf("%s: nothing to compare in the built index", name)
		}
		if !bytes.Equal(got, want) {
			t.Errorf("compare %s: from the snapshot\n%s\nbuilt\n%s", name, got, want)
		}
	}
	for _, bad := range [][]byte{nil, data[:len(data)/2], append([]byte("x"), data...)} {
		if idx, err := bl.ReadSnapshot(bytes.NewReader(bad)); err == nil {
			idx.Close()
			t.Errorf("a damaged snapshot of %d bytes was read", len(bad))
		}
	}
}

// BenchmarkReadSnapshot reads the built-in plan back from its snapshot:
// what a cached start does for each plan.
func BenchmarkReadSnapshot(b *testing.B) {
	var snap bytes.Buffer
	if err := testIndex(b).WriteSnapshot(&snap); err != nil {
		b.Fatal(err)
	}
	var bl Builder
	for b.Loop() {
		idx, err := bl.ReadSnapshot(bytes.NewReader(snap.Bytes()))
		if err != nil {
			b.Fatal(err)
		}
		idx.Close()
	}
}
