package config

import (
	"strings"
	"testing"
)

func TestParseRedact(t *testing.T) {
	tests := []struct {
		name, src string
		in, want  string // a line and what the configured redactor makes of it
		err       string
	}{
		{name: "default", src: "", in: "password=x", want: "password=***"},
		{name: "off", src: "[redact]\nenabled = false\n", in: "password=x 4111111111111111", want: "password=x 4111111111111111"},
		{name: "inline rules", src: "[redact]\nrules = [{name = \"iban\", regex = 'DE\\d{20}', replace = \"DE<iban>\"}]\n",
			in: "to DE89370400440532013000 password=x", want: "to DE<iban> password=***"},
		{name: "array of tables", src: "[[redact.rules]]\nname = \"session\"\nregex = '(?i)session=\\w+'\ntrigger = \"session\"\n",
			in: "SESSION=abc", want: "***"},
		{name: "wrong key", src: "[redact]\nenable = false\n",
			err: `config.toml:2: unknown key "redact.enable"; the known keys are`},
		{name: "wrong rule key", src: "[redact]\nrules = [\n  {name = \"x\", regexp = 'a'},\n]\n",
			err: `config.toml:3: unknown key "regexp" in redact.rules[0]; a rule's keys are name, regex, replace, trigger`},
		{name: "bad regex", src: "[redact]\nrules = [{name = \"broken\", regex = 'a('}]\n",
			err: "config.toml:2: redact.rules[0]: broken: missing closing )"},
		{name: "wrong type", src: "[redact]\nenabled = \"no\"\n",
			err: "config.toml:2: redact.enabled: expected true or false, found a string"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			cfg, err := Parse("config.toml", []byte(tt.src))
			if tt.err != "" {
				if err == nil || !strings.HasPrefix(err.Error(), tt.err) {
					t.Fatalf("err = %v, want %q", err, tt.err)
				}
				return
			}
			if err != nil {
				t.Fatal(err)
			}
			if got := cfg.Redact.Redactor().String(tt.in); got != tt.want {
				t.Errorf("redacted %q = %q, want %q", tt.in, got, tt.want)
			}
		})
	}
}
