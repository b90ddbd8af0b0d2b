package main

import (
	"archive/zip"
	"fmt"
	"io"
	"os"
	"path/filepath"
	"strings"
	"testing"
)

// With --mask no real customer id, name, identifying column value,
// rejected value or file name appears in inspect, report (every format) or
// the exported workbook (every part of the zip: cells, shared strings,
// charts, properties); without it they do, so the test can fail.
func TestMask(t *testing.T) {
	dir := t.TempDir()
	in := filepath.Join(dir, "zorblax-client.csv")
	var b strings.Builder
	b.WriteString("customer_id,customer_name,email,region,date,amount,cost\n")
	for i := range 40 {
		fmt.Fprintf(&b, "QX%03d,Quimby%02d Holdings,q%02d@quimby.example,%s,2024-%02d-%02d,%d.50,%d\n",
			i, i, i, []string{"North", "South"}[i%2], 1+i%12, 1+i%28, 100+i*7, 60+i*3)
		fmt.Fprintf(&b, "QX%03d,Quimby%02d Holdings,q%02d@quimby.example,%s,2025-%02d-%02d,%d,%d\n",
			i, i, i, []string{"North", "South"}[i%2], 1+i%12, 1+i%27, 90+i*5, 50+i*2)
	}
	b.WriteString("QX999,Quimby99 Holdings,q99@quimby.example,North,QUIMBYDATE,5,1\n") // rejected: bad date
	if err := os.WriteFile(in, []byte(b.String()), 0o644); err != nil {
		t.Fatal(err)
	}
	secrets := []string{"QX0", "Quimby", "quimby.example", "zorblax", "QUIMBYDATE"}
	outputs := func(mask bool) map[string]string {
		flags := []string{}
		if mask {
			flags = append(flags, "--mask")
		}
		got := map[string]string{}
		for _, args := range [][]string{{"inspect"}, {"inspect", "--format", "json"}, {"report"}, {"report", "--format", "csv"},
			{"report", "--format", "json"}, {"report", "--scheme", "region"}} {
			code, out, errs := runCLI(append(append(args, in), flags...)...)
			if code != 0 {
				t.Fatalf("%v: exit %d, %s", args, code, errs)
			}
			got[strings.Join(args, " ")] = out + errs
		}
		xlsx := filepath.Join(dir, fmt.Sprintf("out-%v.xlsx", mask))
		if code, _, errs := runCLI(append([]string{"export", in, "-o", xlsx}, flags...)...); code != 0 {
			t.Fatalf("export: exit %d, %s", code, errs)
		}
		zr, err := zip.OpenReader(xlsx)
		if err != nil {
			t.Fatal(err)
		}
		defer zr.Close()
		for _, f := range zr.File {
			rc, err := f.Open()
			if err != nil {
				t.Fatal(err)
			}
			data, _ := io.ReadAll(rc)
			rc.Close()
			got["xlsx "+f.Name] = string(data)
		}
		return got
	}
	leaks := func(got map[string]string) []string {
		var out []string
		for where, text := range got {
			for _, s := range secrets {
				if strings.Contains(strings.ToLower(text), strings.ToLower(s)) {
					out = append(out, where+": "+s)
				}
			}
		}
		return out
	}
	if l := leaks(outputs(false)); len(l) < len(secrets) {
		t.Fatalf("without --mask the real names should show; found only %v", l)
	}
	masked := outputs(true)
	if l := leaks(masked); len(l) > 0 {
		t.Errorf("--mask leaks: %v", l)
	}
	var book strings.Builder
	for where, text := range masked {
		if strings.HasPrefix(where, "xlsx ") {
			book.WriteString(text)
		}
	}
	if !strings.Contains(book.String(), "C01") || !strings.Contains(book.String(), "Customer 01") || !strings.Contains(book.String(), "email of C01") {
		t.Errorf("no pseudonyms in the masked workbook")
	}
	// stable: a second run gives the same output byte for byte
	if _, again, _ := runCLI("report", in, "--format", "json", "--mask"); again != masked["report --format json"] {
		t.Error("masked report differs between runs")
	}
	if code, _, errs := runCLI("export", in, "--mask", "--into", in, "-o", filepath.Join(dir, "x.csv")); code != 2 || !strings.Contains(errs, "--mask") {
		t.Errorf("export --into with --mask: exit %d, %s", code, errs)
	}
}
