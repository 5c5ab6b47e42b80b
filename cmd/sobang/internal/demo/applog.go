package demo

import (
	"bufio"
	"os"
	"strconv"
	"strings"
	"sync"
	"time"
)

// Log levels as Logback prints them with %5p (right-aligned to five columns).
const (
	levelInfo  = " INFO"
	levelWarn  = " WARN"
	levelError = "ERROR"
)

// springTimeLayout is Spring Boot 3's default LOG_DATEFORMAT_PATTERN,
// yyyy-MM-dd'T'HH:mm:ss.SSSXXX. Java's XXX prints "Z" for a zero offset, and so
// does Go's Z07:00.
const springTimeLayout = "2006-01-02T15:04:05.000Z07:00"

// appLog writes the service's log in Spring Boot 3's default file format:
//
//	%d{yyyy-MM-dd'T'HH:mm:ss.SSSXXX} %5p ${PID} --- [app] [%t] %-40.40logger{39} : %m%n%wEx
//
// %wEx puts a blank line before and after a stack trace. Writes after close
// are dropped, so a straggling goroutine cannot write to a closed file.
type appLog struct {
	mu      sync.Mutex
	file    *os.File
	out     *bufio.Writer
	closed  bool
	pid     string
	line    []byte
	loggers map[string]string // logger name -> %-40.40logger{39}
	// delay, when set, is how long a write started at t takes: a slow
	// disk behind a synchronous appender, which holds the lock meanwhile.
	delay func(t time.Time) time.Duration
}

// newAppLog creates (truncating) the log file at path.
func newAppLog(path string) (*appLog, error) { return openAppLog(path, os.O_TRUNC) }

// openAppLog opens the log file at path with the extra flag: os.O_TRUNC
// for a new run, os.O_APPEND for a restarted service.
func openAppLog(path string, flag int) (*appLog, error) {
	f, err := os.OpenFile(path, os.O_CREATE|os.O_WRONLY|flag, 0o644)
	if err != nil {
		return nil, err
	}
	return &appLog{
		file:    f,
		out:     bufio.NewWriterSize(f, 64<<10),
		pid:     strconv.Itoa(os.Getpid()),
		loggers: make(map[string]string),
	}, nil
}

// write appends one entry stamped now; trace, when not empty, is the
// multi-line stack trace printed after the message (without trailing newline).
func (l *appLog) write(level, thread, logger, msg, trace string) {
	l.writeAt(time.Now(), level, thread, logger, msg, trace)
}

// writeAt appends one entry stamped at t.
func (l *appLog) writeAt(t time.Time, level, thread, logger, msg, trace string) {
	l.mu.Lock()
	defer l.mu.Unlock()
	if l.closed {
		return
	}
	if l.delay != nil {
		if d := l.delay(time.Now()); d > 0 {
			time.Sleep(d)
		}
	}
	b := l.line[:0]
	b = t.AppendFormat(b, springTimeLayout)
	b = append(b, ' ')
	b = append(b, level...)
	b = append(b, ' ')
	b = append(b, l.pid...)
	b = append(b, " --- ["+applicationName+"] ["...)
	b = append(b, thread...)
	b = append(b, "] "...)
	b = append(b, l.loggerField(logger)...)
	b = append(b, " : "...)
	b = append(b, msg...)
	b = append(b, '\n')
	if trace != "" {
		b = append(b, '\n')
		b = append(b, trace...)
		b = append(b, "\n\n"...)
	}
	l.line = b
	_, _ = l.out.Write(b)
}

// loggerField returns the logger as %-40.40logger{39} prints it, cached.
func (l *appLog) loggerField(name string) string {
	if s, ok := l.loggers[name]; ok {
		return s
	}
	s := padLogger(abbreviateLogger(name, 39), 40)
	l.loggers[name] = s
	return s
}

// flush pushes buffered entries to the file so a tailer sees them.
func (l *appLog) flush() error {
	l.mu.Lock()
	defer l.mu.Unlock()
	if l.closed {
		return nil
	}
	return l.out.Flush()
}

// close flushes and closes the file; later writes are dropped.
func (l *appLog) close() error {
	l.mu.Lock()
	defer l.mu.Unlock()
	if l.closed {
		return nil
	}
	l.closed = true
	ferr := l.out.Flush()
	cerr := l.file.Close()
	if ferr != nil {
		return ferr
	}
	return cerr
}

// abbreviateLogger is Logback's TargetLengthBasedClassNameAbbreviator (1.3+):
// package segments are cut to their first letter, left to right, until enough
// characters are trimmed; the class name is never shortened.
func abbreviateLogger(name string, target int) string {
	if len(name) < target {
		return name
	}
	lastDot := strings.LastIndexByte(name, '.')
	if lastDot < 0 {
		return name
	}
	lastSegment := len(name) - lastDot // including the dot
	leftTarget := max(target-lastSegment, 0)
	maxTrim := (len(name) - lastSegment) - leftTarget
	var b strings.Builder
	b.Grow(len(name))
	trimmed := 0
	afterDot := true
	i := 0
	for ; i < lastDot; i++ {
		c := name[i]
		if c == '.' {
			if trimmed >= maxTrim {
				break
			}
			b.WriteByte(c)
			afterDot = true
			continue
		}
		if afterDot {
			b.WriteByte(c)
			afterDot = false
		} else {
			trimmed++
		}
	}
	b.WriteString(name[i:])
	return b.String()
}

// padLogger applies Logback's %-W.W: left-justify to W columns and, when
// longer, keep the last W characters (truncation from the beginning).
func padLogger(s string, width int) string {
	if len(s) > width {
		return s[len(s)-width:]
	}
	return s + strings.Repeat(" ", width-len(s))
}
