// Package analysis is the room for what sobang concludes from the store
// rather than reads from outside: each analysis is a subpackage that takes
// store queries and returns findings. Today: compare (a run against its
// baseline) and slo (service-level objectives as a gate); incident
// detection and "what changed" belong here too.
//
// Analyses import the store and the record types, never an adapter and
// never the UI.
package analysis
