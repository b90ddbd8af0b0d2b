package main

import (
	"bytes"
	"encoding/json"
	"strings"
	"testing"
)

func runCLI(args ...string) (int, string, string) {
	var out, errb bytes.Buffer
	code := run(args, &out, &errb)
	return code, out.String(), errb.String()
}

func TestExitStatus(t *testing.T) {
	for _, tc := range []struct {
		args []string
		code int
		msg  string
	}{
		{[]string{"inspect", "--demo"}, 0, ""},
		{[]string{"--demo"}, 0, ""},
		{[]string{"inspect"}, 2, "no ledger file"},
		{[]string{"inspect", "--bogus"}, 2, "bogus"},
		{[]string{"inspect", "--demo", "x.csv"}, 2, "either"},
		{[]string{"inspect", "testdata/nope.csv"}, 1, "no such file"},
		{[]string{"inspect", "testdata/dmy_ambiguous.csv"}, 1, "--date-order"},
		{[]string{"inspect", "testdata/dmy_ambiguous.csv", "--date-order", "xyz"}, 2, "date-order"},
		{[]string{"inspect", "--demo", "--as-of", "2024-13-01"}, 2, "as-of"},
		{[]string{"help"}, 0, ""},
	} {
		code, _, stderr := runCLI(tc.args...)
		if code != tc.code || !strings.Contains(stderr, tc.msg) {
			t.Errorf("%v: exit %d, stderr %q; want %d and %q", tc.args, code, stderr, tc.code, tc.msg)
		}
		if code == 1 && strings.Count(strings.TrimSpace(stderr), "\n") != 0 {
			t.Errorf("%v: error is not one line: %q", tc.args, stderr)
		}
	}
}

func TestInspectJSON(t *testing.T) {
	code, out, stderr := runCLI("inspect", "testdata/en_headers.csv", "--format", "json", "--as-of", "2024-03-01")
	if code != 0 {
		t.Fatalf("exit %d: %s", code, stderr)
	}
	var s struct {
		Read     int         `json:"rows_read"`
		Used     int         `json:"rows_used"`
		Rejected int         `json:"rows_rejected"`
		After    int         `json:"rows_after_as_of"`
		Total    json.Number `json:"total_amount"`
		AsOf     string      `json:"as_of"`
	}
	if err := json.Unmarshal([]byte(out), &s); err != nil {
		t.Fatal(err)
	}
	// flags after the file name work; INV-4, INV-8 and INV-9 fall after 2024-03-01
	if s.Read != 10 || s.Used != 6 || s.Rejected != 4 || s.After != 3 || s.Total != "3201.00" || s.AsOf != "2024-03-01" {
		t.Errorf("inspect json = %+v", s)
	}
	// same input, same bytes
	_, out2, _ := runCLI("inspect", "testdata/en_headers.csv", "--format", "json", "--as-of", "2024-03-01")
	if out != out2 {
		t.Error("inspect output differs between two runs")
	}
}
