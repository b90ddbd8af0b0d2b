package tui

import (
	"os"
	"path/filepath"
	"regexp"
	"strconv"
	"strings"
	"testing"
)

// Every catalogue key the code uses exists, with English and Chinese text
// and the same format verbs in both.
func TestCatalogueComplete(t *testing.T) {
	files, _ := filepath.Glob("*.go")
	use := regexp.MustCompile(`\b(?:t|tf)\("([^"]+)"`)
	bind := regexp.MustCompile(`b\("[^"]*", "([^"]+)"`)
	verbs := regexp.MustCompile(`%[-+ #0-9.]*[a-zA-Z]`) // %% is a per cent sign, not a verb
	for _, f := range files {
		if strings.HasSuffix(f, "_test.go") {
			continue
		}
		src, err := os.ReadFile(f)
		if err != nil {
			t.Fatal(err)
		}
		for _, re := range []*regexp.Regexp{use, bind} {
			for _, m := range re.FindAllStringSubmatch(string(src), -1) {
				k, err := strconv.Unquote(`"` + m[1] + `"`)
				if err != nil {
					t.Fatal(err)
				}
				if _, ok := catalog[k]; !ok {
					t.Errorf("%s: key %q not in the catalogue", f, m[1])
				}
			}
		}
	}
	for _, names := range [][]string{paneNames, riskListNames[:]} {
		for _, n := range names {
			if _, ok := catalog[n]; !ok {
				t.Errorf("pane or list %q not in the catalogue", n)
			}
		}
	}
	for k, e := range catalog {
		if e[0] == "" || e[1] == "" {
			t.Errorf("%q lacks a translation", k)
		}
		if a, b := verbs.FindAllString(e[0], -1), verbs.FindAllString(e[1], -1); strings.Join(a, "") != strings.Join(b, "") {
			t.Errorf("%q: verbs %v in English, %v in Chinese", k, a, b)
		}
	}
}

// Chinese screens carry no English interface words (data such as customer
// names and parameter keys aside).
func TestChineseScreens(t *testing.T) {
	english := regexp.MustCompile(`\b(customers|Customers|Segment|Scheme|filter|column|Total|recomputed|quit|back|sort|rows|Revenue|Profit|scenario|Whale|Aging|Credit|Churn|Frequency|Keys|page|baseline|open|Migration|changed|hidden|shows|days|chart)\b`)
	m := readyEnv(t, 200, 60, "zh", &testEnv{})
	screens(t, m, func(name, v string) {
		// the customer card shows ids and names (data), the parameters their keys
		for _, l := range strings.Split(v, "\n") {
			if w := english.FindString(l); w != "" && !strings.Contains(l, "_") {
				t.Errorf("%s: English %q in %q", name, w, l)
			}
		}
	})
}
