package main

import (
	"encoding/json"
	"fmt"
	"io"
	"os"
	"slices"
	"strconv"
	"strings"

	"github.com/spf13/cobra"
	"github.com/spf13/pflag"

	"github.com/sobang/sobang/cmd/sobang/internal/config"
	"github.com/sobang/sobang/sources"
	"github.com/sobang/sobang/sources/loadtest/jtl"
	"github.com/sobang/sobang/sources/plan"
	"github.com/sobang/sobang/sources/sanitize"
)

const planLintExamples = `  # What the plan will do and what is wrong with it
  sobang plan lint plan.jmx

  # As JMeter will run it: the properties of the run, a rule switched off
  sobang plan lint plan.jmx -Jusers=200 -Jrampup=120 --jmeter-props user.properties --ignore no-timer

  # CI: fail the job on an error-level finding, keep the JSON
  sobang plan lint plan.jmx --format json > plan-lint.json`

func newPlanCmd() *cobra.Command {
	cmd := &cobra.Command{
		Use:   "plan",
		Short: "Read and check JMeter test plans (.jmx)",
		Long: `plan reads a JMeter test plan (.jmx, JMeter 2.x to 6.x, plain or gzip)
without JMeter: its thread groups with their figures, and the mistakes a
load-test architect would point at (see 'sobang plan rules').`,
		SilenceUsage:  true,
		SilenceErrors: true,
	}
	cmd.AddCommand(newPlanLintCmd(), newPlanRulesCmd())
	return cmd
}

// planFlags are the flags that say how a plan's values resolve.
type planFlags struct {
	defines    []string // -J name=value
	propFiles  []string // --jmeter-props
	ignore     []string
	configPath string
}

func newPlanLintCmd() *cobra.Command {
	var pf planFlags
	var format string
	cmd := &cobra.Command{
		Use:   "lint PLAN.jmx [--format text|json|markdown] [-Jname=value...] [--jmeter-props FILE...] [--ignore ID...]",
		Short: "Check a JMeter test plan, for CI",
		Long: `lint reads a test plan and prints its thread groups (threads, ramp-up, loops
or duration, with properties and variables resolved), the properties it
reads, and its findings: each with a rule id, a severity (error, warning,
info), the element's path in the tree, why it matters and how to fix it.

Properties resolve as JMeter would resolve them for the run: -Jname=value
first, then the --jmeter-props files (later files win), then the plan's
own defaults (${__P(name,default)}); what stays unresolved is shown as such.
CSV files are looked for beside the plan, then in the working directory.

It exits 0 when no error-level finding remains (after --ignore and the
configuration file's [plan] ignore), 1 when one does, and 2 on bad usage or
a file that cannot be read as a plan.`,
		Example:       planLintExamples,
		Args:          cobra.ExactArgs(1),
		SilenceUsage:  true,
		SilenceErrors: true,
		RunE: func(cmd *cobra.Command, args []string) error {
			if format != "text" && format != "json" && format != "markdown" {
				return usageErr("%s", sources.Expected("--format", "text, json or markdown", format))
			}
			return runPlanLint(os.Stdout, args[0], format, &pf)
		},
	}
	fs := cmd.Flags()
	fs.StringVar(&format, "format", "text", "output format: text, json or markdown")
	registerDefines(fs, &pf.defines)
	fs.StringArrayVar(&pf.propFiles, "jmeter-props", nil, "a jmeter.properties or user.properties file the run uses (repeatable; later files win)")
	fs.StringArrayVar(&pf.ignore, "ignore", nil, "drop the findings of the rule with this id (repeatable; see 'sobang plan rules')")
	defPath := config.DefaultPath()
	if defPath == "" {
		defPath = "none on this system"
	}
	fs.StringVar(&pf.configPath, "config", "", "the configuration file (default "+defPath+", read when it exists)")
	return cmd
}

// props gathers the properties the plan is resolved against: the files
// first, -J over them, as JMeter applies them.
func (pf *planFlags) props() (map[string]string, error) {
	props := map[string]string{}
	if len(pf.propFiles) > 0 {
		p, err := jtl.ReadProperties(pf.propFiles...)
		if err != nil {
			return nil, usageErr("--jmeter-props: %v", err)
		}
		for _, k := range p.Keys() {
			props[k], _ = p.Get(k)
		}
	}
	for _, d := range pf.defines {
		name, value, ok := strings.Cut(d, "=")
		if !ok || name == "" {
			return nil, usageErr("%s", sources.Expected("-J", "name=value", d))
		}
		props[name] = value
	}
	return props, nil
}

// registerDefines registers -J, the plan's properties.
func registerDefines(fs *pflag.FlagSet, defines *[]string) {
	fs.StringArrayVarP(defines, "jmeterproperty", "J", nil, "a JMeter property as -J gives it to JMeter: -Jname=value (repeatable; wins over --jmeter-props)")
}

// lint reads the plan at path with the properties pf gives and lints it,
// leaving out the findings of the rules the configuration file and
// --ignore drop.
func (pf *planFlags) lint(path string) (*plan.Plan, []plan.Finding, error) {
	ignore, err := pf.ignored()
	if err != nil {
		return nil, nil, err
	}
	values, err := pf.props()
	if err != nil {
		return nil, nil, err
	}
	p, err := plan.ReadFile(path, plan.Options{Props: values})
	if err != nil {
		return nil, nil, &exitError{exitUsage, err}
	}
	return p, plan.Lint(p, plan.LintOptions{Ignore: ignore}), nil
}

// ignored returns the rule ids to drop: the configuration file's, then
// the flags'; an unknown id is a usage error, since a typo would silently
// keep the finding.
func (pf *planFlags) ignored() ([]string, error) {
	cfg, err := config.Load(pf.configPath)
	if err != nil {
		return nil, &exitError{exitUsage, err}
	}
	ids := slices.Clone(cfg.Plan.Ignore)
	for _, id := range pf.ignore {
		if _, ok := plan.RuleByID(id); !ok {
			return nil, usageErr("%s", sources.Expected("--ignore", "a rule id of 'sobang plan rules'", id))
		}
		ids = append(ids, id)
	}
	return ids, nil
}

func runPlanLint(w io.Writer, path, format string, pf *planFlags) error {
	p, findings, err := pf.lint(path)
	if err != nil {
		return err
	}
	switch format {
	case "json":
		enc := json.NewEncoder(w)
		enc.SetIndent("", "  ")
		if err := enc.Encode(plan.NewDoc(p, findings)); err != nil {
			return err
		}
	case "markdown":
		writePlanMarkdown(w, p, findings)
	default:
		writePlanText(w, p, findings)
	}
	if n := countSeverity(findings, plan.Error); n > 0 {
		return &exitError{exitFailure, fmt.Errorf("%s: %s", path, plural(n, "error-level finding"))}
	}
	return nil
}

func countSeverity(findings []plan.Finding, s plan.Severity) int {
	n := 0
	for _, f := range findings {
		if f.Severity == s {
			n++
		}
	}
	return n
}

func plural(n int, what string) string {
	if n == 1 {
		return "1 " + what
	}
	return strconv.Itoa(n) + " " + what + "s"
}

// figure renders a thread group's figure (plan.FormatFigure).
func figure(f plan.Figure, unit string) string { return plan.FormatFigure(f, unit) }

// groupLine describes a thread group in one line.
func groupLine(tg *plan.ThreadGroup) string { return tg.Describe() }

func propLine(u plan.PropUse) string {
	switch {
	case u.Given:
		return u.Name + " = " + strconv.Quote(u.Value) + " (given)"
	case u.HasDefault:
		return u.Name + " = " + strconv.Quote(u.Default) + " (the plan's default)"
	}
	return u.Name + ": not given and no default (unresolved)"
}

func findingCounts(findings []plan.Finding) string {
	return fmt.Sprintf("%s, %s, %s", plural(countSeverity(findings, plan.Error), "error"),
		plural(countSeverity(findings, plan.Warning), "warning"), strconv.Itoa(countSeverity(findings, plan.Info))+" info")
}

func writePlanText(w io.Writer, p *plan.Plan, findings []plan.Finding) {
	version := p.JMeter
	if version == "" {
		version = "version not saved"
	}
	fmt.Fprintf(w, "%s (JMeter %s)\n", sanitize.Value(p.Path), version)
	fmt.Fprintln(w, "\nThread groups:")
	if len(p.ThreadGroups) == 0 {
		fmt.Fprintln(w, "  none")
	}
	for _, tg := range p.ThreadGroups {
		fmt.Fprintln(w, "  "+groupLine(tg))
	}
	if props := p.Properties(); len(props) > 0 {
		fmt.Fprintln(w, "\nProperties:")
		for _, u := range props {
			fmt.Fprintln(w, "  "+propLine(u))
		}
	}
	fmt.Fprintf(w, "\nFindings: %s\n", findingCounts(findings))
	for _, f := range findings {
		where := f.Path
		if f.Line > 0 {
			where += fmt.Sprintf(" (line %d)", f.Line)
		}
		fmt.Fprintf(w, "\n%-8s %s  %s\n", strings.ToUpper(f.Severity.String()), f.ID, where)
		fmt.Fprintf(w, "         %s\n         why: %s\n         fix: %s\n", f.Message, f.Why, f.Fix)
	}
}

// mdCell makes text safe inside a Markdown table cell.
func mdCell(s string) string {
	s = strings.ReplaceAll(s, "|", `\|`)
	return strings.ReplaceAll(s, "\n", " ")
}

func writePlanMarkdown(w io.Writer, p *plan.Plan, findings []plan.Finding) {
	fmt.Fprintf(w, "# Test plan %s\n\n", mdCell(sanitize.Value(p.Path)))
	if p.JMeter != "" {
		fmt.Fprintf(w, "Saved by JMeter %s.\n\n", mdCell(p.JMeter))
	}
	fmt.Fprintln(w, "## Thread groups")
	fmt.Fprintln(w)
	if len(p.ThreadGroups) == 0 {
		fmt.Fprintln(w, "None.")
	} else {
		fmt.Fprintln(w, "| Thread group | Type | Threads | Ramp-up | Loops | Duration |")
		fmt.Fprintln(w, "|---|---|---|---|---|---|")
		for _, tg := range p.ThreadGroups {
			name := tg.Element.Name
			if !tg.Element.Active() {
				name += " (disabled)"
			}
			loops := "—"
			if tg.Core() {
				loops = figure(tg.Loops, "")
				if tg.Loops.Known && tg.Loops.N < 0 {
					loops = "forever"
				}
			}
			dur := "—"
			if !tg.Core() || tg.Scheduler {
				dur = figure(tg.Duration, " s")
			}
			fmt.Fprintf(w, "| %s | %s | %s | %s | %s | %s |\n", mdCell(name), tg.Type, mdCell(figure(tg.Threads, "")),
				mdCell(figure(tg.RampUp, " s")), mdCell(loops), mdCell(dur))
		}
	}
	if props := p.Properties(); len(props) > 0 {
		fmt.Fprintln(w, "\n## Properties")
		fmt.Fprintln(w)
		for _, u := range props {
			fmt.Fprintf(w, "- %s\n", mdCell(propLine(u)))
		}
	}
	fmt.Fprintf(w, "\n## Findings\n\n%s.\n", findingCounts(findings))
	if len(findings) == 0 {
		return
	}
	fmt.Fprintln(w, "\n| Severity | Rule | Element | Finding | Fix |")
	fmt.Fprintln(w, "|---|---|---|---|---|")
	for _, f := range findings {
		fmt.Fprintf(w, "| %s | %s | %s | %s | %s |\n", f.Severity, f.ID, mdCell(f.Path), mdCell(f.Message), mdCell(f.Fix))
	}
}

func newPlanRulesCmd() *cobra.Command {
	return &cobra.Command{
		Use:           "rules",
		Short:         "List the rules of 'sobang plan lint'",
		Args:          cobra.NoArgs,
		SilenceUsage:  true,
		SilenceErrors: true,
		RunE: func(cmd *cobra.Command, args []string) error {
			for _, r := range plan.Rules {
				fmt.Fprintf(os.Stdout, "%-8s %s\n         why: %s\n         fix: %s\n\n", r.Severity, r.ID, r.Why, r.Fix)
			}
			return nil
		},
	}
}
