package sanitize

import (
	"math/rand/v2"
	"strings"
	"testing"
)

const testJWT = "eyJhbGciOiJIUzI1NiIsInR5cCI6IkpXVCJ9.eyJzdWIiOiIxMjM0NTY3ODkwIiwibmFtZSI6IkpvaG4gRG9lIn0.SflKxwRJSMeKKF2QT4fwpMeJf36POk6yJV_adQssw5c"

func TestRedactBuiltin(t *testing.T) {
	tests := []struct {
		name, in, want string
	}{
		// Cards.
		{"visa", "card 4111111111111111 declined", "card 411111******1111 declined"},
		{"grouped numbers are not looked for", "card 4111 1111 1111 1111, 4111-1111-1111-1111", "card 4111 1111 1111 1111, 4111-1111-1111-1111"},
		{"mastercard", `{"pan":"5555555555554444"}`, `{"pan":"555555******4444"}`},
		{"mastercard 2-series", "2223000048400011", "222300******0011"},
		{"amex", "amex 378282246310005", "amex 378282*****0005"},
		{"discover", "6011111111111117", "601111******1117"},
		{"jcb", "3530111333300000", "353011******0000"},
		{"diners 14 digits", "30569309025904", "305693****5904"},
		{"visa 19 digits", "4111111111111111110 x", "411111*********1110 x"},
		{"two cards", "4111111111111111,5555555555554444", "411111******1111,555555******4444"},
		{"card in a URL path", "GET /cards/4111111111111111/limits", "GET /cards/411111******1111/limits"},
		{"order id failing Luhn", "order 4111111111111112 placed", "order 4111111111111112 placed"},
		{"16 digits, Luhn ok, no scheme", "id 1234567812345670", "id 1234567812345670"},
		{"epoch millis", "ts=1714564800123", "ts=1714564800123"},
		{"20 digits", "41111111111111111113", "41111111111111111113"},
		{"12 digits", "411111111116", "411111111116"},
		{"hdfs block id", "blk_-6952295868487656571 and blk_4111111111111111", "blk_-6952295868487656571 and blk_4111111111111111"},
		{"glued to a word", "v4111111111111111 4111111111111111x", "v4111111111111111 4111111111111111x"},
		{"decimal", "0.4111111111111111 4111111111111111.5", "0.4111111111111111 4111111111111111.5"},
		{"date and time", "2019-11-05 12:45:15.368  INFO 11504 --- [main] x", "2019-11-05 12:45:15.368  INFO 11504 --- [main] x"},
		{"uuid", "123e4567-e89b-12d3-a456-426614174000", "123e4567-e89b-12d3-a456-426614174000"},

		// Keys whose values are secrets.
		{"password=", "login user=bob password=hunter2 ok", "login user=bob password=*** ok"},
		{"passwd:", "passwd: hunter2", "passwd: ***"},
		{"pwd", "pwd=hunter2&user=bob", "pwd=***&user=bob"},
		{"secret", "client_secret=abc123;", "client_secret=***;"},
		{"token in a query", "GET /cb?code=1&access_token=abc.def&state=x", "GET /cb?code=1&access_token=***&state=x"},
		{"api key header", "X-Api-Key: 0123456789abcdef", "X-Api-Key: ***"},
		{"api_key", "api_key=k1 apikey=k2 API-KEY=k3", "api_key=*** apikey=*** API-KEY=***"},
		{"json", `{"user":"bob","password":"hun\"ter2","n":1}`, `{"user":"bob","password":"***","n":1}`},
		{"json spaced", `{"Password" : "x y z"}`, `{"Password" : "***"}`},
		{"single quotes", `{'secret': 's3'}`, `{'secret': '***'}`},
		{"dotted key", "spring.datasource.password=pw1", "spring.datasource.password=***"},
		{"camel case", "dbPassword=a dbPass=b userPwd=c accessToken=d", "dbPassword=*** dbPass=*** userPwd=*** accessToken=***"},
		{"short key after a separator", "DB_PASS=x db-pwd=y", "DB_PASS=*** db-pwd=***"},
		{"authorization basic", "Authorization: Basic dXNlcjpwYXNz", "Authorization: Basic ***"},
		{"authorization quoted", `-H "Authorization: Bearer abc.def-123"`, `-H "Authorization: Bearer ***"`},
		{"authorization json", `{"authorization":"Basic dXNlcjpwYXNz"}`, `{"authorization":"Basic ***"}`},
		{"ruby hash", `:password=>"x"`, `:password=>"***"`},
		{"unclosed quote", `password="abc`, `password="***`},
		{"not a secret's key", "bypass=1 passengers=2 tokens=3 token_count=4 keyspace=5 key=6 secretName=7", "bypass=1 passengers=2 tokens=3 token_count=4 keyspace=5 key=6 secretName=7"},
		{"empty and null", `password= password="" token=null "secret":null`, `password= password="" token=null "secret":null`},
		{"masked already", "password=*** token=***", "password=*** token=***"},
		{"object value", `"credentials": {"password": "p"}`, `"credentials": {"password": "***"}`},
		{"space after =", "password= next=1", "password= next=1"},
		{"spaces around =", "password = x", "password = ***"},
		{"in a URL's query", "redirect_uri=https://x/cb?token=abc&s=1", "redirect_uri=https://x/cb?token=***&s=1"},
		{"comparison", "if token==x", "if token==x"},
		{"time", "12:00:00 INFO o.s.Main : started", "12:00:00 INFO o.s.Main : started"},

		// Bearer tokens and JWTs.
		{"bearer", "sent Bearer abcDEF123456 to api", "sent Bearer *** to api"},
		{"bearer lower", "bearer mF_9.B5f-4.1JqM", "bearer ***"},
		{"bearer word", "the bearer token expired; Bearer realm=x; bearer undefined", "the bearer token expired; Bearer realm=x; bearer undefined"},
		{"jwt", "auth " + testJWT + " ok", "auth *** ok"},
		{"jwt after bearer", "Bearer " + testJWT, "Bearer ***"},
		{"jwt without signature", "t=" + "eyJhbGciOiJub25lIn0.eyJzdWIiOiJ4In0.", "t=***"},
		{"eyJ alone", "eyJ is base64 of {\" and eyJabc.def alone", "eyJ is base64 of {\" and eyJabc.def alone"},
		{"eyJ inside a word", "keyJar", "keyJar"},

		// URL passwords.
		{"url", "connect postgres://app:s3cret@db:5432/x", "connect postgres://app:***@db:5432/x"},
		{"email", "mail bob@example.com", "mail bob@example.com"},

		// Everything at once, and a long line with the secret at its end.
		{"all", `Authorization: Bearer ` + testJWT + ` card=4111111111111111 "password":"p" https://u:p@h/`,
			`Authorization: Bearer *** card=411111******1111 "password":"***" https://u:***@h/`},
		{"long", strings.Repeat("x", 200) + " password=p", strings.Repeat("x", 200) + " password=***"},
		{"empty", "", ""},
	}
	r := BuiltinRedactor
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			got := r.String(tt.in)
			if got != tt.want {
				t.Errorf("String(%q)\n = %q\nwant %q", tt.in, got, tt.want)
			}
			if again := r.String(got); again != got {
				t.Errorf("not idempotent: %q -> %q", got, again)
			}
			out, changed := r.Append([]byte("> "), []byte(tt.in))
			if changed != (tt.want != tt.in) || changed && string(out) != "> "+tt.want || !changed && string(out) != "> " {
				t.Errorf("Append = %q, %v", out, changed)
			}
		})
	}
}

// TestRedactScanFindsEveryCandidate checks the eight-byte scan against a
// byte-by-byte reading: a card or a key at any offset and alignment.
func TestRedactScanFindsEveryCandidate(t *testing.T) {
	secrets := []struct{ in, want string }{
		{"4111111111111111", "411111******1111"},
		{"4222222222222", "422222***2222"},
		{"password=x", "password=***"},
		{"Bearer abcdef123", "Bearer ***"},
		{testJWT, "***"},
		{"http://u:p@h", "http://u:***@h"},
	}
	for _, s := range secrets {
		for pad := range 17 {
			for tail := range 9 {
				in := strings.Repeat("a ", pad/2) + strings.Repeat(" ", pad%2) + s.in + strings.Repeat(" z", tail/2) + strings.Repeat(" ", tail%2)
				want := strings.Replace(in, s.in, s.want, 1)
				if got := BuiltinRedactor.String(in); got != want {
					t.Fatalf("String(%q) = %q, want %q", in, got, want)
				}
			}
		}
	}
}

func TestRedactNothingToDo(t *testing.T) {
	line := "2024-05-01T12:00:00.000+02:00  INFO 48213 --- [nio-8080-exec-1] c.e.shop.web.OrderController            : order 123 placed for customer 456 in 78 ms"
	if got := BuiltinRedactor.String(line); got != line {
		t.Fatalf("changed: %q", got)
	}
	if n := testing.AllocsPerRun(100, func() { BuiltinRedactor.String(line) }); n != 0 {
		t.Errorf("a line without secrets allocates %v times", n)
	}
	b := []byte(line)
	if n := testing.AllocsPerRun(100, func() { BuiltinRedactor.Append(nil, b) }); n != 0 {
		t.Errorf("Append of a line without secrets allocates %v times", n)
	}
	var none *Redactor
	if got := none.String("password=x"); got != "password=x" {
		t.Errorf("a nil Redactor masked %q", got)
	}
}

func TestRedactUserRules(t *testing.T) {
	tests := []struct {
		name    string
		builtin bool
		rules   []Rule
		in      string
		want    string
		err     string
	}{
		{name: "iban", builtin: true, rules: []Rule{{Name: "iban", Regex: `\bDE\d{2}(?: ?\d{4}){4} ?\d{2}\b`, Replace: "<iban>"}},
			in: "to DE89 3704 0044 0532 0130 00 password=x", want: "to <iban> password=***"},
		{name: "groups", rules: []Rule{{Name: "user", Regex: `user=(\w)\w*`, Replace: "user=$1…"}},
			in: "user=robert password=x", want: "user=r… password=x"},
		{name: "default mask", rules: []Rule{{Regex: `ssn=\S+`}}, in: "ssn=078-05-1120", want: "***"},
		{name: "trigger any case", rules: []Rule{{Regex: `(?i)session=\w+`, Trigger: "SESSION"}},
			in: "Session=abc", want: "***"},
		{name: "trigger absent", rules: []Rule{{Regex: `\d+`, Trigger: "pin"}}, in: "code 1234", want: "code 1234"},
		{name: "builtin off", rules: nil, in: "password=x 4111111111111111", want: "password=x 4111111111111111"},
		{name: "bad regex", rules: []Rule{{Name: "broken", Regex: `a(`}}, err: "broken: missing closing ): `a(`"},
		{name: "empty match", rules: []Rule{{Name: "any", Regex: `x*`}}, err: "any: the regular expression \"x*\" matches the empty string"},
		{name: "unsafe replacement", rules: []Rule{{Regex: `x`, Replace: "\x1b]2;t\x07"}}, err: "rule 1: the replacement holds control"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			r, err := NewRedactor(tt.builtin, tt.rules)
			if tt.err != "" {
				if err == nil || !strings.HasPrefix(err.Error(), tt.err) {
					t.Fatalf("err = %v, want %q", err, tt.err)
				}
				return
			}
			if err != nil {
				t.Fatal(err)
			}
			if got := r.String(tt.in); got != tt.want {
				t.Errorf("String(%q) = %q, want %q", tt.in, got, tt.want)
			}
		})
	}
}

func TestSetRedactor(t *testing.T) {
	t.Cleanup(func() { SetRedactor(BuiltinRedactor) })
	in := "GET /pay?card=4111111111111111&password=x http://u:p@h/"
	if got, want := Value(in), "GET /pay?card=411111******1111&password=*** http://u:***@h/"; got != want {
		t.Errorf("Value = %q, want %q", got, want)
	}
	SetRedactor(nil)
	if !(!CurrentRedactor().Builtin() && CurrentRedactor().Rules() == 0) {
		t.Fatal("SetRedactor(nil) left rules on")
	}
	// Off, a URL's password is still masked: Value always did.
	if got, want := Value(in), "GET /pay?card=4111111111111111&password=x http://u:***@h/"; got != want {
		t.Errorf("Value with redaction off = %q, want %q", got, want)
	}
	if got := Redact(in); got != in {
		t.Errorf("Redact with redaction off = %q", got)
	}
}

func FuzzRedact(f *testing.F) {
	f.Add("password=x card 4111111111111111 Bearer abcdef123 " + testJWT)
	f.Add("2019-11-05 12:45:15.368 4111-1111 1111-1111 \"token\":\"a\\\"b\"")
	f.Fuzz(func(t *testing.T, s string) {
		safe := Text(s)
		got := BuiltinRedactor.String(safe)
		if !Safe(got) {
			t.Fatalf("String(%q) = %q is not safe", safe, got)
		}
		if again := BuiltinRedactor.String(got); again != got {
			t.Fatalf("not idempotent: %q -> %q -> %q", safe, got, again)
		}
	})
}

// TestScanFindsWhatEveryByteWould checks the word-at-a-time scan against
// looking at every byte: on lines built from pieces that hold each
// trigger at every offset and alignment, it finds every rule looking at
// each byte finds, and the same first card-length run of digits.
func TestScanFindsWhatEveryByteWould(t *testing.T) {
	pieces := []string{"a", "b", "B", "J", "y", "e", "ey", "eyJ", "bearer ", "Bearer ", "BEARER", "earer", ":", "=", "://",
		"password", "token", " ", "\"", "12:00", "4111111111111111", "1234567890123", "x", "é", "\t"}
	rng := rand.New(rand.NewPCG(1, 2))
	naive := func(p []byte) (uint8, int) {
		var flags uint8
		for k := range p {
			// As scan: a ':' or '=' after a digit ends no key ("12:00").
			if (p[k] == ':' || p[k] == '=') && k > 0 && isDigit(p[k-1]) {
				continue
			}
			flags |= anchorAt(p, k)
		}
		return flags, runAround(p, 0, len(p))
	}
	for range 20000 {
		var b strings.Builder
		for range rng.IntN(12) {
			b.WriteString(pieces[rng.IntN(len(pieces))])
		}
		p := []byte(b.String())
		f1, c1 := scan(p)
		f2, c2 := naive(p)
		// scan may name a rule more (its flags are candidates each rule
		// checks), never fewer.
		if f2&^f1 != 0 || c1 != c2 {
			t.Fatalf("%q: scan %b %d, every byte %b %d", p, f1, c1, f2, c2)
		}
	}
}
