package store_test

import (
	"context"
	"fmt"
	"os"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"github.com/sobang/sobang/sources"
	"github.com/sobang/sobang/sources/loadtest/gatling"
	"github.com/sobang/sobang/sources/loadtest/k6"
	"github.com/sobang/sobang/sources/store"
)

// readIntoStore runs src (reading info.Name) to its end into a new store.
func readIntoStore(t *testing.T, info sources.Info, src sources.Source) *store.Store {
	t.Helper()
	st := store.New([]sources.Info{info})
	ctx, cancel := context.WithTimeout(context.Background(), 60*time.Second)
	defer cancel()
	sink := sources.Func(func(_ context.Context, b sources.Batch) error {
		b.Source = 0
		st.Apply(b)
		return nil
	})
	if err := src.Run(ctx, sink); err != nil {
		t.Fatalf("%s: %v", info.Name, err)
	}
	return st
}

// writeTemp writes content to a file named name in a temporary directory.
func writeTemp(t *testing.T, name, content string) string {
	t.Helper()
	path := filepath.Join(t.TempDir(), name)
	if err := os.WriteFile(path, []byte(content), 0o644); err != nil {
		t.Fatal(err)
	}
	return path
}

// memberList renders TransactionMembers as "label×per/transactions" items.
func memberList(st *store.Store, label string) string {
	ms := st.Load.TransactionMembers(label)
	if ms == nil {
		return "<nil>"
	}
	var out []string
	for _, m := range ms {
		out = append(out, fmt.Sprintf("%s×%g/%d", m.Label, m.PerTransaction, m.Transactions))
	}
	return strings.Join(out, ", ")
}

func checkMembers(t *testing.T, st *store.Store, want map[string]string) {
	t.Helper()
	for label, w := range want {
		if got := memberList(st, label); got != w {
			t.Errorf("%s: members\n got %s\nwant %s", label, got, w)
		}
	}
}

// TestTransactionMembersJMeterCorpusCSV: a JMeter 5.0 run whose Transaction
// Controllers ("Generate parent sample" unchecked, children named by the
// naming policy) are written after their children; Scenario holds HP and
// Search, with think times its elapsed time leaves out (IdleTime > 10 s).
func TestTransactionMembersJMeterCorpusCSV(t *testing.T) {
	st := readJTLIntoStore(t, filepath.Join(corpusDir(t), "jmeter", "csv", "perfplugin_filewithtransactions.csv"))
	checkMembers(t, st, map[string]string{
		"HP":       "HP-0×1/37, HP-1×1/37, HP-2×1/37",
		"Search":   "Search-0×1/33, Search-1×1/33, Search-2×1/33",
		"Scenario": "HP-0×1/33, HP-1×1/33, HP-2×1/33, Search-0×1/33, Search-1×1/33, Search-2×1/33",
		"HP-0":     "<nil>",
	})
}

// TestTransactionMembersJMeterCorpusXML: a JMeter 5.x XML run whose parent
// Transaction Controllers are written first, their twelve children nested.
func TestTransactionMembersJMeterCorpusXML(t *testing.T) {
	st := readJTLIntoStore(t, filepath.Join(corpusDir(t), "jmeter", "xml", "taurus_error-302.jtl"))
	var tc1, tc3 []string
	for i := 1; i <= 12; i++ {
		tc1 = append(tc1, fmt.Sprintf("jp@gc - Dummy Sampler %d×1/1", i))
		tc3 = append(tc3, fmt.Sprintf("jp@gc - Dummy Sampler %d-2×1/1", i))
	}
	checkMembers(t, st, map[string]string{
		"Transaction Controller 1": strings.Join(tc1, ", "),
		"Transaction Controller 3": strings.Join(tc3, ", "),
	})
}

// TestTransactionMembersXMLNesting: in XML a Transaction Controller's
// children are nested in it and are requests; a sampler's nested samples are
// its sub-results (embedded resources), never members.
func TestTransactionMembersXMLNesting(t *testing.T) {
	const doc = `<?xml version="1.0" encoding="UTF-8"?>
<testResults version="1.2">
<sample t="300" ts="1700000000000" s="true" lb="Login" rc="200" rm="Number of samples in transaction : 2, number of failing samples : 0" tn="Users 1-1" dt="" by="0">
  <httpSample t="120" ts="1700000000001" s="true" lb="GET home" rc="200" rm="OK" tn="Users 1-1" dt="text" by="10">
    <httpSample t="20" ts="1700000000050" s="true" lb="GET home-0" rc="200" rm="OK" tn="Users 1-1" dt="text" by="5"/>
  </httpSample>
  <httpSample t="150" ts="1700000000130" s="true" lb="POST login" rc="200" rm="OK" tn="Users 1-1" dt="text" by="10"/>
</sample>
<httpSample t="120" ts="1700000000100" s="true" lb="GET home" rc="200" rm="OK" tn="Users 1-2" dt="text" by="10">
  <httpSample t="20" ts="1700000000150" s="true" lb="GET home-0" rc="200" rm="OK" tn="Users 1-2" dt="text" by="5"/>
</httpSample>
<httpSample t="10" ts="1700000000400" s="true" lb="GET next" rc="200" rm="OK" tn="Users 1-1" dt="text" by="10"/>
</testResults>
`
	st := readJTLIntoStore(t, writeTemp(t, "run.jtl", doc))
	checkMembers(t, st, map[string]string{
		"Login":    "GET home×1/1, POST login×1/1",
		"GET home": "<nil>",
	})
}

// TestTransactionMembersK6Groups: k6 writes a group's group_duration point
// after its requests; the VU (metadata "vu") is the thread.
func TestTransactionMembersK6Groups(t *testing.T) {
	var b strings.Builder
	point := func(metric, at string, value float64, name, group, vu string) {
		fmt.Fprintf(&b, `{"metric":%q,"type":"Point","data":{"time":"2024-03-01T10:00:%sZ","value":%g,"tags":{"group":%q,"name":%q,"method":"GET","status":"200"},"metadata":{"vu":%q}}}`+"\n",
			metric, at, value, group, name, vu)
	}
	request := func(at string, ms float64, name, group, vu string) {
		for _, m := range []string{"http_reqs", "http_req_duration", "http_req_receiving"} {
			v := ms
			if m == "http_reqs" {
				v = 1
			}
			point(m, at, v, name, group, vu)
		}
	}
	// VU 1 and VU 2 run "checkout" at the same time; VU 2 calls cart twice.
	request("01.100", 100, "cart", "::checkout", "1")
	request("01.150", 100, "cart", "::checkout", "2")
	request("01.300", 100, "pay", "::checkout", "1")
	request("01.350", 100, "cart", "::checkout", "2")
	point("group_duration", "01.400", 400, "", "::checkout", "1")
	request("01.500", 100, "pay", "::checkout", "2")
	point("group_duration", "01.500", 450, "", "::checkout", "2")
	request("01.700", 100, "home", "", "1")
	info := sources.Info{Name: writeTemp(t, "out.ndjson", b.String()), Kind: sources.KindK6, Zone: time.UTC}
	st := readIntoStore(t, info, k6.New(info, k6.Options{}))
	checkMembers(t, st, map[string]string{"checkout": "cart×1.5/2, pay×1/2"})
}

// TestTransactionMembersGatlingGroups: Gatling's simulation.log names no
// user, so its groups are made of the labels whose group path they are:
// requests and the groups nested in them.
func TestTransactionMembersGatlingGroups(t *testing.T) {
	path := filepath.Join("..", "loadtest", "gatling", "testdata", "text34_groups.log")
	info := sources.Info{Name: path, Kind: sources.KindGatling, Zone: time.UTC}
	st := readIntoStore(t, info, gatling.New(info, gatling.Options{}))
	checkMembers(t, st, map[string]string{
		"Shop":            "Shop / Cart×3/1, Shop / Checkout×1/1",
		"Shop / Checkout": "Shop / Checkout / Pay×1/1",
		"Shop / Cart":     "<nil>",
		"Home":            "<nil>",
	})
}
