package plan

import (
	"path/filepath"
	"strconv"
	"strings"

	"github.com/sobang/sobang/sources"
	"github.com/sobang/sobang/sources/sanitize"
)

// View is the plan as the dashboard and the report set it beside the
// results (sources.PlanView): the elements that write labels, the tree
// folded to what matters, and the findings.
func (p *Plan) View(findings []Finding) *sources.PlanView {
	all := p.Samplers() // once for both: it is most of the cost
	v := &sources.PlanView{Name: sanitize.Value(filepath.Base(p.Path)), Lines: p.tree(all), Samplers: p.labelled(all)}
	for _, f := range findings {
		v.Findings = append(v.Findings, sources.PlanFinding{ID: f.ID, Severity: f.Severity.String(), Path: f.Path, Message: f.Message, Fix: f.Fix})
	}
	return v
}

// Labelled returns what writes a label into the results, in file order:
// the samplers that run and the transaction controllers.
func (p *Plan) Labelled() []sources.PlanSampler { return p.labelled(p.Samplers()) }

func (p *Plan) labelled(samplers []Sampler) []sources.PlanSampler {
	byElem := make(map[*Element]*Sampler, len(samplers))
	for i := range samplers {
		byElem[samplers[i].Element] = &samplers[i]
	}
	var out []sources.PlanSampler
	p.Root.Walk(func(e *Element) bool {
		if !e.Enabled || e.Kind == KindWorkBench {
			return false
		}
		if s := byElem[e]; s != nil {
			ps := sources.PlanSampler{Label: s.Name, Kind: shortClass(e.Class), Path: e.Path()}
			if s.HTTP {
				ps.Kind, ps.Method, ps.URL = "HTTP", s.Method, s.URL()
				if ps.Method == "" {
					ps.Method = "GET"
				}
				ps.ConnectTimeout, ps.ResponseTimeout = s.ConnectTimeout, s.ResponseTimeout
			}
			for _, a := range s.Assertions {
				ps.Assertions = append(ps.Assertions, elemName(p, a))
			}
			out = append(out, ps)
		} else if e.Class == "TransactionController" && inThreadGroup(e) {
			out = append(out, sources.PlanSampler{Label: p.Resolve(e.Name).Text, Kind: "transaction", Path: e.Path()})
		}
		return true
	})
	return out
}

// elemName is an element's resolved name, its class when it has none.
func elemName(p *Plan, e *Element) string {
	if n := p.Resolve(e.Name).Text; strings.TrimSpace(n) != "" {
		return n
	}
	return shortClass(e.Class)
}

// listenerNames are the display names of the listeners' GUI classes.
var listenerNames = map[string]string{
	"ViewResultsFullVisualizer": "View Results Tree", "StatVisualizer": "Aggregate Report",
	"SummaryReport": "Summary Report", "TableVisualizer": "View Results in Table",
	"SimpleDataWriter": "Simple Data Writer", "GraphVisualizer": "Graph Results",
	"StatGraphVisualizer": "Aggregate Graph", "RespTimeGraphVisualizer": "Response Time Graph",
	"BackendListenerGui": "Backend Listener", "AssertionVisualizer": "Assertion Results",
}

// Tree is the plan's tree folded to what matters for a load test: thread
// groups with their figures, controllers, samplers with method and URL,
// timers, config elements (CSV data sets with their files), listeners and
// unknown elements, values resolved; assertions, extractors and
// processors are counted on their sampler's line. A disabled element is
// one line marked as such, with nothing under it.
func (p *Plan) Tree() []sources.PlanLine { return p.tree(p.Samplers()) }

func (p *Plan) tree(all []Sampler) []sources.PlanLine {
	groups := map[*Element]*ThreadGroup{}
	for _, tg := range p.ThreadGroups {
		groups[tg.Element] = tg
	}
	samplers := map[*Element]*Sampler{}
	for i := range all {
		samplers[all[i].Element] = &all[i]
	}
	var out []sources.PlanLine
	var walk func(e *Element, depth int)
	walk = func(e *Element, depth int) {
		for _, c := range e.Children {
			if c.Kind == KindWorkBench {
				continue
			}
			text, show := p.lineOf(c, groups[c], samplers[c])
			if !c.Enabled {
				if show {
					out = append(out, sources.PlanLine{Depth: depth, Text: text + " (disabled)", Disabled: true})
				}
				continue
			}
			if show {
				out = append(out, sources.PlanLine{Depth: depth, Text: text})
				walk(c, depth+1)
			} else {
				walk(c, depth)
			}
		}
	}
	walk(p.Root, 0)
	return out
}

// lineOf is an element's line of the folded tree, and whether it has one.
func (p *Plan) lineOf(e *Element, tg *ThreadGroup, s *Sampler) (string, bool) {
	name := elemName(p, e)
	short := shortClass(e.Class)
	str := func(prop string) string {
		raw, _ := e.Str(prop)
		return strings.TrimSpace(p.Resolve(raw).Text)
	}
	switch e.Kind {
	case KindTestPlan, KindFragment:
		return name, true
	case KindThreadGroup:
		if tg == nil {
			return name + " (thread group)", true
		}
		return tg.Describe(), true
	case KindController:
		switch short {
		case "TransactionController":
			if e.Bool("TransactionController.parent", false) {
				return name + " [transaction, parent sample]", true
			}
			return name + " [transaction]", true
		case "LoopController":
			if e.Bool("LoopController.continue_forever", false) && str("LoopController.loops") == "-1" {
				return name + " [loop forever]", true
			}
			return name + " [loop ×" + str("LoopController.loops") + "]", true
		case "IfController":
			return name + " [if " + or(str("IfController.condition"), "(no condition)") + "]", true
		case "WhileController":
			return name + " [while " + or(str("WhileController.condition"), "(no condition: while the last sample succeeds)") + "]", true
		case "ModuleController":
			return name + " [module]", true
		case "IncludeController":
			return name + " [include " + or(str("IncludeController.includepath"), "(no file)") + "]", true
		}
		return name + " [" + short + "]", true
	case KindSampler:
		if s == nil && isHTTPSampler(e) {
			return name + " (HTTP request)", true
		}
		if s == nil || !s.HTTP {
			return name + " (" + short + ")" + countsOf(s), true
		}
		method := s.Method
		if method == "" {
			method = "GET"
		}
		url := s.URL()
		if url == "" {
			url = "(no URL)"
		}
		line := name + ": " + method + " " + url
		switch {
		case s.ConnectTimeout != "" && s.ResponseTimeout != "":
			line += " · timeouts " + s.ConnectTimeout + "/" + s.ResponseTimeout + " ms"
		case s.ConnectTimeout != "":
			line += " · connect timeout " + s.ConnectTimeout + " ms, no response timeout"
		case s.ResponseTimeout != "":
			line += " · response timeout " + s.ResponseTimeout + " ms, no connect timeout"
		default:
			line += " · no timeouts"
		}
		if s.EmbeddedResources {
			line += " · embedded resources"
		}
		return line + countsOf(s), true
	case KindTimer:
		return name + ": " + p.timerText(e), true
	case KindConfig:
		switch {
		case short == "CSVDataSet":
			raw, _ := e.Str("filename")
			share, _ := e.Str("shareMode")
			if share = strings.TrimPrefix(strings.TrimSpace(share), "shareMode."); share == "" {
				share = "all"
			}
			recycle := "recycle"
			if !e.Bool("recycle", true) {
				recycle = "no recycle"
			}
			if e.Bool("stopThread", false) {
				recycle += ", stop thread at EOF"
			}
			return name + ": CSV " + strconv.Quote(p.Resolve(raw).Text) + " (sharing " + share + ", " + recycle + ")", true
		case isHTTPDefaults(e):
			line := name + ": HTTP defaults"
			if d := str("HTTPSampler.domain"); d != "" {
				line += " " + d
			}
			if c, r := str("HTTPSampler.connect_timeout"), str("HTTPSampler.response_timeout"); c != "" || r != "" {
				line += " · timeouts " + or(c, "–") + "/" + or(r, "–") + " ms"
			}
			return line, true
		}
		return name + " (" + short + ")", true
	case KindListener:
		gui := shortClass(e.GUI)
		if n, ok := listenerNames[gui]; ok {
			gui = n
		} else if gui == "TestBeanGUI" || gui == "" {
			gui = short // a bean's GUI is generic: its class says more
		}
		return name + " [listener: " + gui + "]", true
	case KindOther:
		return name + " (" + e.Class + ")", true
	}
	return "", false
}

func or(s, def string) string {
	if s == "" {
		return def
	}
	return s
}

// countsOf says how many assertions and extractors apply to a sampler.
func countsOf(s *Sampler) string {
	if s == nil {
		return ""
	}
	var parts []string
	if n := len(s.Assertions); n > 0 {
		parts = append(parts, plural(n, "assertion"))
	}
	if n := len(s.Extractors); n > 0 {
		parts = append(parts, plural(n, "extractor"))
	}
	if len(parts) == 0 {
		return ""
	}
	return " · " + strings.Join(parts, ", ")
}

func plural(n int, what string) string {
	if n == 1 {
		return "1 " + what
	}
	return strconv.Itoa(n) + " " + what + "s"
}

// timerText says what a timer waits for, resolved.
func (p *Plan) timerText(e *Element) string {
	str := func(prop string) string {
		raw, _ := e.Str(prop)
		return strings.TrimSpace(p.Resolve(raw).Text)
	}
	switch shortClass(e.Class) {
	case "ConstantTimer":
		return "constant " + str("ConstantTimer.delay") + " ms"
	case "UniformRandomTimer":
		return "uniform " + str("ConstantTimer.delay") + " ms + up to " + str("RandomTimer.range") + " ms"
	case "GaussianRandomTimer":
		return "gaussian " + str("ConstantTimer.delay") + " ms ± " + str("RandomTimer.range") + " ms"
	case "PoissonRandomTimer":
		return "poisson " + str("ConstantTimer.delay") + " ms + λ " + str("RandomTimer.range") + " ms"
	case "ConstantThroughputTimer", "PreciseThroughputTimer", "VariableThroughputTimer":
		if t, ok := p.throughputTimer(e); ok {
			return t.describe()
		}
		return "throughput " + str("throughput") + " (unresolved)"
	}
	return shortClass(e.Class)
}
