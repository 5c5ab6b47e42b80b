package plan

import "strings"

// coreClasses are the short names (saveservice aliases) JMeter writes for
// its own test elements, 2.x to 6.x. A class outside this set with no
// package, or with a package outside org.apache.jmeter, needs a plugin.
var coreClasses = setOf(
	// plan and thread groups
	"TestPlan", "ThreadGroup", "SetupThreadGroup", "PostThreadGroup", "OpenModelThreadGroup", "WorkBench",
	"TestFragmentController", "Arguments", "Argument", "HTTPArgument", "HTTPArguments",
	// controllers
	"GenericController", "LoopController", "IfController", "WhileController", "ForeachController",
	"SwitchController", "TransactionController", "ModuleController", "IncludeController",
	"InterleaveControl", "RandomController", "RandomOrderController", "OnceOnlyController",
	"ThroughputController", "RunTime", "RecordingController", "CriticalSectionController",
	// samplers
	"HTTPSamplerProxy", "HTTPSampler", "HTTPSampler2", "AjpSampler", "JavaSampler", "JSR223Sampler",
	"BeanShellSampler", "BSFSampler", "JDBCSampler", "DebugSampler", "TestAction", "FTPSampler",
	"LDAPSampler", "LDAPExtSampler", "TCPSampler", "SystemSampler", "SmtpSampler", "MailReaderSampler",
	"JMSSampler", "PublisherSampler", "SubscriberSampler", "JUnitSampler", "SoapSampler",
	"WebServiceSampler", "AccessLogSampler", "BoltSampler", "GraphQLHTTPSampler",
	// timers
	"ConstantTimer", "UniformRandomTimer", "GaussianRandomTimer", "PoissonRandomTimer",
	"ConstantThroughputTimer", "PreciseThroughputTimer", "SyncTimer", "JSR223Timer", "BeanShellTimer",
	"BSFTimer",
	// assertions
	"ResponseAssertion", "DurationAssertion", "SizeAssertion", "XPathAssertion", "XPath2Assertion",
	"XMLAssertion", "XMLSchemaAssertion", "HTMLAssertion", "MD5HexAssertion", "SMIMEAssertion",
	"CompareAssertion", "JSONPathAssertion", "JSR223Assertion", "BeanShellAssertion", "BSFAssertion",
	// pre- and post-processors
	"RegexExtractor", "XPathExtractor", "XPath2Extractor", "JSONPostProcessor", "BoundaryExtractor",
	"HtmlExtractor", "JSR223PostProcessor", "JSR223PreProcessor", "BeanShellPostProcessor",
	"BeanShellPreProcessor", "BSFPostProcessor", "BSFPreProcessor", "JDBCPostProcessor",
	"JDBCPreProcessor", "DebugPostProcessor", "ResultAction", "UserParameters", "URLRewritingModifier",
	"AnchorModifier", "RegExUserParameters", "SampleTimeout",
	// config elements
	"ConfigTestElement", "CSVDataSet", "HeaderManager", "CookieManager", "CacheManager", "AuthManager",
	"KeystoreConfig", "DNSCacheManager", "CounterConfig", "RandomVariableConfig", "JDBCDataSource",
	"JavaConfig", "LoginConfig", "SimpleConfig", "FTPConfig", "LDAPConfig", "LDAPExtConfig",
	"TCPConfig", "HTTPFileArg", "HTTPFileArgs", "Header", "Cookie", "Authorization",
	// listeners
	"ResultCollector", "BackendListener", "Summariser", "ResultSaver", "MailerResultCollector",
	"JSR223Listener", "BeanShellListener", "BSFListener",
	// non-test elements
	"ProxyControl", "HttpMirrorControl", "PropertyDisplay",
)

func setOf(names ...string) map[string]bool {
	m := make(map[string]bool, len(names))
	for _, n := range names {
		m[n] = true
	}
	return m
}

// IsCoreClass reports whether a class is part of JMeter itself.
func IsCoreClass(class string) bool {
	if strings.HasPrefix(class, "org.apache.jmeter.") {
		return true
	}
	return coreClasses[class]
}

// classify tells an element's kind from its class (and GUI class, where
// the class alone does not say).
func classify(class, gui string) Kind {
	short := class
	if i := strings.LastIndexByte(class, '.'); i >= 0 {
		short = class[i+1:]
	}
	switch short {
	case "TestPlan":
		return KindTestPlan
	case "WorkBench":
		return KindWorkBench
	case "TestFragmentController":
		return KindFragment
	case "ThreadGroup", "SetupThreadGroup", "PostThreadGroup", "OpenModelThreadGroup",
		"UltimateThreadGroup", "SteppingThreadGroup", "ConcurrencyThreadGroup",
		"ArrivalsThreadGroup", "FreeFormArrivalsThreadGroup":
		return KindThreadGroup
	case "ParallelSampler": // a controller saved under a sampler's name
		return KindController
	case "TestAction": // Flow Control Action: a sampler that samples nothing
		return KindSampler
	case "Arguments", "ConfigTestElement", "CSVDataSet", "VariablesFromCSV":
		return KindConfig
	case "ResultAction":
		return KindPostProcessor
	case "AnchorModifier", "URLRewritingModifier", "UserParameters", "RegExUserParameters":
		return KindPreProcessor
	case "JSONPostProcessor", "HtmlExtractor":
		return KindExtractor
	}
	switch {
	case strings.HasSuffix(short, "ThreadGroup"):
		return KindThreadGroup
	case strings.HasSuffix(short, "Controller") || strings.HasSuffix(short, "Control") || short == "RunTime":
		return KindController
	case strings.HasSuffix(short, "Timer"):
		return KindTimer
	case strings.Contains(short, "Assertion"):
		return KindAssertion
	case strings.HasSuffix(short, "Extractor"):
		return KindExtractor
	case strings.HasSuffix(short, "PreProcessor"):
		return KindPreProcessor
	case strings.HasSuffix(short, "PostProcessor") || strings.HasSuffix(short, "Formatter") ||
		strings.HasSuffix(short, "Converter"):
		return KindPostProcessor
	case strings.Contains(short, "Sampler") || strings.HasSuffix(short, "Sampler2"):
		return KindSampler
	case strings.Contains(short, "ResultCollector") || strings.Contains(short, "Listener") ||
		strings.HasSuffix(short, "Collector") || short == "Summariser" || short == "ResultSaver" ||
		strings.HasSuffix(short, "Writer") || strings.HasSuffix(short, "Uploader") ||
		strings.HasSuffix(short, "Logger") || short == "AutoStop":
		return KindListener
	case strings.HasSuffix(short, "Manager") || strings.HasSuffix(short, "Config") ||
		strings.HasSuffix(short, "DataSet") || strings.HasSuffix(short, "DataSource") ||
		strings.HasSuffix(short, "Connection") || strings.HasSuffix(short, "Params"):
		return KindConfig
	}
	if strings.HasSuffix(gui, "Visualizer") || strings.HasSuffix(gui, "Gui") && strings.Contains(gui, "vizualizers") {
		return KindListener
	}
	return KindOther
}
