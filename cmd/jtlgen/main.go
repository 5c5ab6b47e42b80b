// Command jtlgen writes a large JMeter JTL for sobang's benchmarks and
// performance targets: a headerless JMeter 2.13 CSV of the 12 default
// columns (timeStamp,elapsed,label,responseCode,responseMessage,threadName,
// dataType,success,bytes,grpThreads,allThreads,Latency), about 98 bytes a
// row, three labels of which one is a transaction controller whose message
// ("Number of samples in transaction : 2, number of failing samples : 0")
// is quoted as JMeter quotes it, made by repeating a base run with shifted
// times so that the file spans 3.3 hours per GiB. The base run is a
// built-in one, or the rows of a real 12-column JTL given with -from. The
// same flags always give the same bytes.
//
//	jtlgen -size 1GB -o big.jtl
//	jtlgen -size 1GB -gzip -o big.jtl.gz
package main

import (
	"compress/gzip"
	"flag"
	"fmt"
	"io"
	"os"

	"github.com/sobang/sobang/sources/loadtest/jtl/jtlgen"
)

func main() {
	if err := run(os.Args[1:], os.Stdout, os.Stderr); err != nil {
		fmt.Fprintln(os.Stderr, "jtlgen:", err)
		os.Exit(2)
	}
}

func run(args []string, stdout, stderr io.Writer) error {
	fs := flag.NewFlagSet("jtlgen", flag.ContinueOnError)
	fs.SetOutput(stderr)
	size := fs.String("size", "1GB", "uncompressed size to write (KB, MB, GB are powers of 1024)")
	out := fs.String("o", "-", "output file (- for stdout)")
	gz := fs.Bool("gzip", false, "gzip the output")
	from := fs.String("from", "", "a 12-column JMeter 2.13 CSV JTL to repeat instead of the built-in run")
	if err := fs.Parse(args); err != nil {
		return err
	}
	if fs.NArg() > 0 {
		return fmt.Errorf("unexpected argument %q", fs.Arg(0))
	}
	n, err := jtlgen.ParseSize(*size)
	if err != nil {
		return err
	}
	opt := jtlgen.Options{Size: n}
	if *from != "" {
		f, err := os.Open(*from)
		if err != nil {
			return err
		}
		opt.Base, err = jtlgen.ReadBase(f)
		f.Close()
		if err != nil {
			return fmt.Errorf("%s: %w", *from, err)
		}
	}
	var w io.Writer = stdout
	var file *os.File
	if *out != "-" {
		if file, err = os.Create(*out); err != nil {
			return err
		}
		defer file.Close()
		w = file
	}
	var zw *gzip.Writer
	if *gz {
		zw = gzip.NewWriter(w) // no name or time in the header: same bytes every run
		w = zw
	}
	if _, err := jtlgen.Write(w, opt); err != nil {
		return err
	}
	if zw != nil {
		if err := zw.Close(); err != nil {
			return err
		}
	}
	if file != nil {
		return file.Close()
	}
	return nil
}
