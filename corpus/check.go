package corpus

// Counts says how much of each kind of thing the parser understood.
type Counts struct {
	Parts      int `json:"parts"`
	Chapters   int `json:"chapters"`
	Sections   int `json:"sections"`
	Passages   int `json:"passages"`
	Indicators int `json:"indicators"`
	Boxes      int `json:"boxes"`
	BoxItems   int `json:"box_items"`
	Terms      int `json:"terms"`
}

// Check is what the parser understood of a plan and what it could not make
// sense of: an official loading an outline sees at once what the bot will
// and will not know.
type Check struct {
	Counts   Counts    `json:"counts"`
	Warnings []Warning `json:"warnings"`
}

// Check counts the plan's parts and reports its warnings.
func (pl *Plan) Check() Check {
	c := Counts{
		Parts:      len(pl.Parts),
		Chapters:   len(pl.Chapters),
		Passages:   len(pl.Passages),
		Indicators: len(pl.Indicators),
		Boxes:      len(pl.Boxes),
		Terms:      len(pl.Terms),
	}
	for _, ch := range pl.Chapters {
		c.Sections += len(ch.Sections)
	}
	for _, b := range pl.Boxes {
		c.BoxItems += len(b.Items)
	}
	w := pl.Warnings
	if w == nil {
		w = []Warning{}
	}
	return Check{Counts: c, Warnings: w}
}
