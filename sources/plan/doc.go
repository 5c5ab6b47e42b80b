package plan

import "math"

// Doc is a plan with its findings as sobang's outputs write it: the
// top-level object of `sobang plan lint --format json`, and the "plan"
// object a report adds.
type Doc struct {
	Path         string       `json:"path"`
	JMeter       string       `json:"jmeter"`
	ThreadGroups []GroupDoc   `json:"thread_groups"`
	Findings     []FindingDoc `json:"findings"`
}

// GroupDoc is one thread group of a Doc. A figure the plan leaves to an
// unresolved property or variable is null, and the reference is listed in
// Unresolved.
type GroupDoc struct {
	Name    string   `json:"name"`
	Type    string   `json:"type"`
	Enabled bool     `json:"enabled"`
	Threads *int64   `json:"threads"`
	RampUpS *float64 `json:"ramp_up_s"`
	// DurationS is how long the group runs: the scheduler's duration of
	// a core group (null when the scheduler is off), the schedule's
	// length of a plugin group.
	DurationS *float64 `json:"duration_s"`
	// Loops is a core group's loop count, -1 for forever; null for plugin
	// groups.
	Loops      *int64   `json:"loops"`
	Unresolved []string `json:"unresolved,omitempty"`
}

// FindingDoc is one finding of a Doc.
type FindingDoc struct {
	ID       string `json:"id"`
	Severity string `json:"severity"`
	Path     string `json:"path"`
	Line     int    `json:"line,omitempty"`
	Message  string `json:"message"`
	Why      string `json:"why"`
	Fix      string `json:"fix"`
}

// NewDoc describes p and its findings.
func NewDoc(p *Plan, findings []Finding) Doc {
	d := Doc{Path: p.Path, JMeter: p.JMeter, ThreadGroups: []GroupDoc{}, Findings: []FindingDoc{}}
	for _, tg := range p.ThreadGroups {
		g := GroupDoc{Name: tg.Element.Name, Type: tg.Type, Enabled: tg.Element.Active()}
		g.Threads = intOf(tg.Threads)
		g.RampUpS = floatOf(tg.RampUp)
		g.DurationS = floatOf(tg.Duration)
		if tg.Core() {
			g.Loops = intOf(tg.Loops)
		}
		for _, f := range []Figure{tg.Threads, tg.RampUp, tg.Duration, tg.Loops} {
			g.Unresolved = append(g.Unresolved, f.Unresolved...)
		}
		d.ThreadGroups = append(d.ThreadGroups, g)
	}
	for _, f := range findings {
		d.Findings = append(d.Findings, FindingDoc{ID: f.ID, Severity: f.Severity.String(), Path: f.Path,
			Line: f.Line, Message: f.Message, Why: f.Why, Fix: f.Fix})
	}
	return d
}

func intOf(f Figure) *int64 {
	if !f.Known || math.IsNaN(f.N) || math.IsInf(f.N, 0) {
		return nil
	}
	n := int64(f.N)
	return &n
}

func floatOf(f Figure) *float64 {
	if !f.Known || math.IsNaN(f.N) || math.IsInf(f.N, 0) {
		return nil
	}
	n := f.N
	return &n
}
