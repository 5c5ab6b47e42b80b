package plan

import "strings"

// Sampler is what a sampler will send, with HTTP Request Defaults in its
// scope applied and values resolved: what a label of the results (its
// Name) stands for.
type Sampler struct {
	Element *Element
	// Name is the sampler's label in the results (resolved).
	Name string
	// HTTP reports an HTTP sampler; the fields below are for those only.
	HTTP                     bool
	Method, Protocol, Domain string
	Port, Path               string
	// ConnectTimeout and ResponseTimeout are in milliseconds as written
	// (resolved); "" when none applies.
	ConnectTimeout, ResponseTimeout string
	FollowRedirects, AutoRedirects  bool
	EmbeddedResources               bool
	// Assertions, Extractors and Timers are the elements that apply to
	// this sampler: its children and those at its level and above.
	Assertions, Extractors, Timers []*Element
}

// URL is the sampler's URL as far as the plan says it.
func (s *Sampler) URL() string {
	if !s.HTTP {
		return ""
	}
	proto := s.Protocol
	if proto == "" {
		proto = "http"
	}
	host := s.Domain
	if s.Port != "" {
		host += ":" + s.Port
	}
	if host == "" || strings.HasPrefix(s.Path, "http://") || strings.HasPrefix(s.Path, "https://") {
		return s.Path
	}
	return proto + "://" + host + s.Path
}

// Samplers returns the samplers that run (enabled, in a thread group), in
// file order.
func (p *Plan) Samplers() []Sampler {
	// What each parent holds in scope for the samplers under it: its
	// enabled HTTP Request Defaults, and its enabled assertions,
	// extractors and timers. Found once per parent, not once per sampler:
	// a thread group of a thousand samplers would otherwise be walked a
	// thousand times for each.
	defaults := map[*Element][]*Element{}
	scoped := map[*Element][]*Element{}
	scope := func(x *Element) []*Element {
		if s, ok := scoped[x]; ok {
			return s
		}
		var s []*Element
		for _, c := range x.Children {
			switch {
			case !c.Enabled:
			case isHTTPDefaults(c):
				defaults[x] = append(defaults[x], c)
			case c.Kind == KindAssertion || c.Kind == KindExtractor || c.Kind == KindTimer:
				s = append(s, c)
			}
		}
		scoped[x] = s
		return s
	}
	effective := func(s *Element, name string) string {
		if v, _ := s.Str(name); strings.TrimSpace(v) != "" {
			return v
		}
		for x := s.Parent; x != nil; x = x.Parent {
			scope(x)
			for _, c := range defaults[x] {
				if v, _ := c.Str(name); strings.TrimSpace(v) != "" {
					return v
				}
			}
		}
		return ""
	}
	var out []Sampler
	p.Root.Walk(func(e *Element) bool {
		if !e.Enabled || e.Kind == KindWorkBench {
			return false
		}
		if e.Kind != KindSampler || !inThreadGroup(e) {
			return true
		}
		s := Sampler{Element: e, Name: p.Resolve(e.Name).Text, HTTP: isHTTPSampler(e)}
		if s.HTTP {
			get := func(name string) string { return strings.TrimSpace(p.Resolve(effective(e, name)).Text) }
			s.Method, s.Protocol, s.Domain = get("HTTPSampler.method"), get("HTTPSampler.protocol"), get("HTTPSampler.domain")
			s.Port, s.Path = get("HTTPSampler.port"), get("HTTPSampler.path")
			s.ConnectTimeout, s.ResponseTimeout = get("HTTPSampler.connect_timeout"), get("HTTPSampler.response_timeout")
			s.FollowRedirects = e.Bool("HTTPSampler.follow_redirects", false)
			s.AutoRedirects = e.Bool("HTTPSampler.auto_redirects", false)
			s.EmbeddedResources = strings.EqualFold(effective(e, "HTTPSampler.image_parser"), "true")
		}
		for x := e; x != nil; x = x.Parent {
			for _, c := range scope(x) {
				switch c.Kind {
				case KindAssertion:
					s.Assertions = append(s.Assertions, c)
				case KindExtractor:
					s.Extractors = append(s.Extractors, c)
				case KindTimer:
					s.Timers = append(s.Timers, c)
				}
			}
		}
		out = append(out, s)
		return true
	})
	return out
}

// CSVDataSet is a CSV Data Set Config.
type CSVDataSet struct {
	Element *Element
	// File is the file name, resolved as far as it can be.
	File Value
	// ShareMode is as saved ("shareMode.all", "shareMode.group",
	// "shareMode.thread" or a sharing key); "" when not saved, which
	// JMeter reads as all threads.
	ShareMode            string
	Recycle, StopThread  bool
	Variables, Delimiter string
}

// CSVDataSets returns the plan's CSV Data Set Configs, disabled ones
// included (Element.Active says which run), in file order.
func (p *Plan) CSVDataSets() []CSVDataSet {
	var out []CSVDataSet
	p.Root.Walk(func(e *Element) bool {
		if e.Class == "CSVDataSet" {
			raw, _ := e.Str("filename")
			share, _ := e.Str("shareMode")
			vars, _ := e.Str("variableNames")
			delim, _ := e.Str("delimiter")
			out = append(out, CSVDataSet{Element: e, File: p.Resolve(raw), ShareMode: strings.TrimSpace(share),
				Recycle: e.Bool("recycle", true), StopThread: e.Bool("stopThread", false), Variables: vars, Delimiter: delim})
		}
		return true
	})
	return out
}
