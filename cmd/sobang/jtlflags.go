package main

import (
	"strings"

	"github.com/spf13/pflag"

	"github.com/sobang/sobang/sources"
	"github.com/sobang/sobang/sources/loadtest/jtl"
	"github.com/sobang/sobang/sources/loadtest/labels"
	"github.com/sobang/sobang/sources/tail"
)

// jtlFlags say how JMeter result files are read: the columns, delimiter and
// timestamps of CSV JTLs that do not say so themselves, and label renaming.
type jtlFlags struct {
	columns    string
	props      []string
	delimiter  string
	timeFormat string
	labelMap   []string
	endTimes   bool

	parsed bool // options ran: opt and err hold its result
	opt    jtl.Options
	err    error
}

func (j *jtlFlags) register(fs *pflag.FlagSet) {
	fs.StringVar(&j.columns, "jtl-columns", "",
		"columns of a headerless CSV JTL in order, by JMeter header name: timeStamp,elapsed,label,... (\"var\" for a sample variable)")
	fs.StringArrayVar(&j.props, "jmeter-props", nil,
		"a jmeter.properties or user.properties the JTL was written with: its jmeter.save.saveservice.* settings give a headerless file's columns, delimiter and timestamp format (repeatable; later files win)")
	fs.StringVar(&j.delimiter, "jtl-delimiter", "", "field delimiter of CSV JTLs: , ; | tab or another character (default: detected)")
	fs.StringVar(&j.timeFormat, "jtl-time-format", "",
		"timeStamp layout of CSV JTLs as JMeter's SimpleDateFormat pattern, e.g. 'dd/MM/yyyy HH:mm:ss.SSS', or ms (default: detected)")
	fs.BoolVar(&j.endTimes, "jtl-end-times", false,
		"JTL timestamps are each sample's end, as JMeter writes them with sampleresult.timestamp.start=false (default: starts, as its shipped jmeter.properties says)")
	fs.StringArrayVar(&j.labelMap, "label-map", nil,
		"rename load-test labels matching REGEX to NAME, ${1} for its groups, e.g. '^GET /users/[0-9]+$=GET /users/{id}' (repeatable; the first match wins)")
}

// options returns the jtl.Options the flags describe, without Follow. It
// reads the properties files once; a bad flag is a usage error.
func (j *jtlFlags) options() (jtl.Options, error) {
	if !j.parsed {
		j.parsed = true
		j.opt, j.err = j.parse()
	}
	return j.opt, j.err
}

func (j *jtlFlags) parse() (jtl.Options, error) {
	var opt jtl.Options
	if len(j.props) > 0 {
		props, err := jtl.ReadProperties(j.props...)
		if err != nil {
			return opt, usageErr("--jmeter-props: %v", err)
		}
		sc, err := props.SaveConfig()
		if err != nil {
			return opt, usageErr("--jmeter-props: %v", err)
		}
		opt.Columns, opt.Delimiter, opt.TimeFormat, opt.EndTimes = sc.Columns, sc.Delimiter, sc.TimeFormat, sc.EndTimes
		opt.ColumnsFrom = "--jmeter-props " + strings.Join(j.props, " ")
		for _, w := range sc.Warnings {
			opt.Warnings = append(opt.Warnings, "--jmeter-props: "+w)
		}
		if sc.OutputFormat == "xml" {
			opt.Warnings = append(opt.Warnings, "--jmeter-props: the properties say output_format=xml; a CSV JTL is read with their CSV settings all the same")
		}
	}
	if j.columns != "" {
		cols, err := parseColumns(j.columns)
		if err != nil {
			return opt, err
		}
		opt.Columns, opt.ColumnsFrom = cols, "--jtl-columns"
	}
	if j.delimiter != "" {
		d, err := jtl.ParseDelimiter(j.delimiter)
		if err != nil {
			return opt, usageErr("--jtl-delimiter: %v", err)
		}
		opt.Delimiter = d
	}
	if j.timeFormat != "" {
		if err := jtl.ValidateTimeFormat(j.timeFormat); err != nil {
			return opt, usageErr("--jtl-time-format: %v", err)
		}
		opt.TimeFormat = j.timeFormat
	}
	if j.endTimes {
		opt.EndTimes = true
	}
	if len(j.labelMap) > 0 {
		rules, err := labels.ParseRules(j.labelMap)
		if err != nil {
			return opt, usageErr("--label-map: %v", err)
		}
		opt.LabelMap = rules
	}
	return opt, nil
}

// parseColumns reads --jtl-columns: JMeter header names, any case, and
// sample variables in double quotes; a name sobang does not know is refused
// (a typo would silently drop the column), as is a repeated one.
func parseColumns(s string) ([]string, error) {
	cols := strings.Split(s, ",")
	seen := map[string]bool{}
	for i, c := range cols {
		c = strings.TrimSpace(c)
		cols[i] = c
		switch {
		case c == "" || c == `""`:
			return nil, usageErr("--jtl-columns: column %d is empty", i+1)
		case len(c) > 2 && strings.HasPrefix(c, `"`) && strings.HasSuffix(c, `"`):
			continue
		case !jtl.KnownColumn(c):
			return nil, usageErr("--jtl-columns: %s is not a JTL column; they are %s; write other columns in double quotes, e.g. '\"myVar\"'",
				sources.Quote(c), strings.Join(jtl.ColumnNames(), ","))
		case seen[strings.ToLower(c)]:
			return nil, usageErr("--jtl-columns: %s is named twice", sources.Quote(c))
		}
		seen[strings.ToLower(c)] = true
	}
	return cols, nil
}

// sniff reports whether path, which content detection did not take for a
// JTL, is one when read with the JTL flags: a headerless file with the
// columns of --jtl-columns or --jmeter-props, a header written with the
// delimiter of --jtl-delimiter, or a headerless row whose timestamp has the
// layout of --jtl-time-format.
func (j *jtlFlags) sniff(path string) bool {
	opt, err := j.options()
	if err != nil || (opt.Columns == nil && opt.Delimiter == 0 && (opt.TimeFormat == "" || opt.TimeFormat == "ms")) {
		return false
	}
	head, err := tail.Head(path, sources.SniffBytes)
	if err != nil {
		return false
	}
	_, ok := jtl.SniffOptions(head, opt, clock.Now())
	return ok
}

// jtlOptions returns the options of one JTL source.
func (j *jtlFlags) jtlOptions(follow bool) (jtl.Options, error) {
	opt, err := j.options()
	if err != nil {
		return opt, err
	}
	opt.Follow = follow
	return opt, nil
}
