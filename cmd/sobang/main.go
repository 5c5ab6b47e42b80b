// Command sobang is a terminal dashboard that links load-test results,
// Prometheus metrics and logs on one time axis.
package main

func main() {}
