package corpus

import (
	"slices"
	"testing"
)

func TestNames(t *testing.T) {
	for _, tc := range []struct {
		title, short, level string
		places              []string
	}{
		{"包头市东河区国民经济和社会发展第十四个五年规划和二〇三五年远景目标纲要", "东河区“十四五”", LevelDistrict, []string{"包头市", "包头", "东河区", "东河"}},
		{"中华人民共和国国民经济和社会发展第十五个五年规划纲要", "国家“十五五”", LevelNation, nil},
		{"南京市国民经济和社会发展第十五个五年规划纲要", "南京市“十五五”", LevelCity, []string{"南京市", "南京"}},
		{"苏州市国民经济和社会发展第十五个五年规划纲要", "苏州市“十五五”", LevelCity, []string{"苏州市", "苏州"}},
		{"内蒙古自治区国民经济和社会发展第十五个五年规划纲要", "内蒙古自治区“十五五”", LevelProvince, []string{"内蒙古自治区", "内蒙古"}},
		{"广东省广州市国民经济和社会发展第十四个五年规划和2035年远景目标纲要", "广州市“十四五”", LevelCity, []string{"广东省", "广东", "广州市", "广州"}},
	} {
		pl := &Plan{Title: tc.title}
		if got := pl.ShortName(); got != tc.short {
			t.Errorf("%s: short name %q, want %q", tc.title, got, tc.short)
		}
		if got := pl.Level(); got != tc.level {
			t.Errorf("%s: level %q, want %q", tc.title, got, tc.level)
		}
		if got := pl.PlaceNames(); !slices.Equal(got, tc.places) {
			t.Errorf("%s: places %q, want %q", tc.title, got, tc.places)
		}
	}
}

// The plans the repository holds name themselves.
func TestNamesOfPlans(t *testing.T) {
	pl, err := Default()
	if err != nil {
		t.Fatal(err)
	}
	if got := pl.ShortName(); got != "东河区“十四五”" {
		t.Errorf("built-in plan: %q", got)
	}
}
