package corpus

import (
	"strings"
	"unicode/utf8"
)

// A plan names itself in its title: the places it is for (包头市东河区), its
// level (国家, 省, 市, 区) and its period (第十四个五年). People name it the
// same way (东河区“十四五”, 国家“十五五”, 南京的规划), so a short name and the
// words that find a plan are read from the title, never listed by hand.

// Levels of government a plan can be of, as Level names them.
const (
	LevelNation   = "国家"
	LevelProvince = "省"
	LevelCity     = "市"
	LevelDistrict = "区"
)

// placeSuffixes end the name of a place, longest first; each says the
// level of a plan for that place.
var placeSuffixes = []struct{ suffix, level string }{
	{"自治区", LevelProvince},
	{"自治州", LevelCity},
	{"自治县", LevelDistrict},
	{"特别行政区", LevelProvince},
	{"省", LevelProvince},
	{"市", LevelCity},
	{"区", LevelDistrict},
	{"县", LevelDistrict},
	{"旗", LevelDistrict},
}

// nationNames open the title of a national plan.
var nationNames = []string{"中华人民共和国", "全国"}

// titleStem is the part of the title before what every plan of the family
// says of itself: 国民经济和社会发展…, 第十X个五年….
func (pl *Plan) titleStem() string {
	t := strings.TrimSpace(pl.Title)
	for _, mark := range []string{"国民经济", "第十", "“十", "十四五", "十五五", "五年规划"} {
		if i := strings.Index(t, mark); i >= 0 {
			t = t[:i]
		}
	}
	return strings.TrimSpace(t)
}

// Places are the places the plan is for, largest first, as its title
// writes them: [包头市 东河区], [南京市]; none for a national plan.
func (pl *Plan) Places() []string {
	stem := pl.titleStem()
	for _, n := range nationNames {
		if strings.HasPrefix(stem, n) {
			return nil
		}
	}
	var out []string
	for stem != "" {
		cut := -1
		for i := range stem {
			for _, s := range placeSuffixes {
				if strings.HasPrefix(stem[i:], s.suffix) && i > 0 {
					if end := i + len(s.suffix); cut < 0 || end < cut {
						cut = end
					}
				}
			}
			if cut >= 0 {
				break
			}
		}
		if cut < 0 {
			break
		}
		out = append(out, stem[:cut])
		stem = stem[cut:]
	}
	return out
}

// Level is the level of government of the plan: LevelNation,
// LevelProvince, LevelCity or LevelDistrict, read from the last place its
// title names; "" when the title names none.
func (pl *Plan) Level() string {
	stem := pl.titleStem()
	for _, n := range nationNames {
		if strings.HasPrefix(stem, n) {
			return LevelNation
		}
	}
	places := pl.Places()
	if len(places) == 0 {
		return ""
	}
	last := places[len(places)-1]
	for _, s := range placeSuffixes {
		if strings.HasSuffix(last, s.suffix) {
			return s.level
		}
	}
	return ""
}

// PlaceNames are the words that name the plan's places: each place as
// written and without its suffix when two characters or more are left
// (南京市, 南京; 东河区, 东河).
func (pl *Plan) PlaceNames() []string {
	var out []string
	for _, p := range pl.Places() {
		out = append(out, p)
		for _, s := range placeSuffixes {
			if short, ok := strings.CutSuffix(p, s.suffix); ok {
				if utf8.RuneCountInString(short) >= 2 {
					out = append(out, short)
				}
				break
			}
		}
	}
	return out
}

// ShortName names the plan briefly, as people do: the place it is for (the
// last its title names, 国家 for a national plan) and its period, 东河区“十四五”,
// 国家“十五五”, 南京市“十五五”.
func (pl *Plan) ShortName() string {
	who := "规划"
	switch places := pl.Places(); {
	case pl.Level() == LevelNation:
		who = "国家"
	case len(places) > 0:
		who = places[len(places)-1]
	}
	return who + "“" + pl.Period() + "”"
}
