package drain

import (
	"fmt"
	"strings"
	"testing"
	"time"

	"github.com/sobang/sobang/sources"
	"github.com/sobang/sobang/sources/store"
)

// TestTemplatesOfLogs groups a Spring Boot log: INFO lines that differ by
// their numbers, and ERROR entries with stack traces whose root causes
// differ; most frequent first, each with its level, first and last time.
func TestTemplatesOfLogs(t *testing.T) {
	t0 := time.Date(2026, 11, 25, 12, 30, 0, 0, time.UTC)
	st := store.New([]sources.Info{{Name: "app.log", Kind: sources.KindLog}})
	var entries []sources.LogEntry
	add := func(sec int, level sources.Level, word, logger, msg string, trace ...string) {
		when := t0.Add(time.Duration(sec) * time.Second)
		head := when.Format("2006-01-02T15:04:05.000Z") + " " + fmt.Sprintf("%5s", word) + " 4242 --- [bank] [nio-8080-exec-" + fmt.Sprint(sec%9) + "] " + logger + " : " + msg
		entries = append(entries, sources.LogEntry{Time: when, Level: level, LevelText: word, LevelCol: strings.Index(head, word),
			LineNo: len(entries) + 1, Lines: append([]string{head}, trace...)})
	}
	for i := range 6 {
		add(i, sources.LevelInfo, "INFO", "c.e.bank.AccountController", fmt.Sprintf("Account %d loaded in %d ms", 100000+i*37, 5+i))
	}
	pool := []string{"", "org.springframework.transaction.CannotCreateTransactionException: Could not open JPA EntityManager",
		"\tat org.springframework.orm.jpa.JpaTransactionManager.doBegin(JpaTransactionManager.java:466)",
		"Caused by: java.sql.SQLTransientConnectionException: HikariPool-1 - Connection is not available"}
	other := []string{"java.lang.IllegalStateException: broken", "\tat c.e.bank.X.y(X.java:1)"}
	for i := range 3 {
		add(10+i, sources.LevelError, "ERROR", "c.e.bank.GlobalExceptionHandler", fmt.Sprintf("Request failed: GET /api/accounts/%d -> 503", 100+i), pool...)
	}
	add(20, sources.LevelError, "ERROR", "c.e.bank.GlobalExceptionHandler", "Request failed: GET /api/accounts/7 -> 503", other...)
	st.Apply(sources.Batch{Source: 0, Entries: entries, Rows: len(entries)})

	got := Templates(st.Logs, 0, 0)
	want := []Count{
		{Template: "Account <*> loaded in <*> ms", Count: 6, Level: sources.LevelInfo, FirstMS: t0.UnixMilli(), LastMS: t0.Add(5 * time.Second).UnixMilli()},
		{Template: "Request failed: GET /api/accounts/<*> -> <*> java.sql.SQLTransientConnectionException", Count: 3, Level: sources.LevelError,
			FirstMS: t0.Add(10 * time.Second).UnixMilli(), LastMS: t0.Add(12 * time.Second).UnixMilli()},
		{Template: "Request failed: GET /api/accounts/<*> -> <*> java.lang.IllegalStateException", Count: 1, Level: sources.LevelError,
			FirstMS: t0.Add(20 * time.Second).UnixMilli(), LastMS: t0.Add(20 * time.Second).UnixMilli()},
	}
	if fmt.Sprint(got) != fmt.Sprint(want) {
		t.Fatalf("templates:\n%+v\nwant\n%+v", got, want)
	}
	// A window holds only its entries.
	if w := Templates(st.Logs, t0.Add(11*time.Second).UnixMilli(), t0.Add(15*time.Second).UnixMilli()); len(w) != 1 || w[0].Count != 2 {
		t.Errorf("window: %+v", w)
	}
}
