package tui

import (
	"ledgerlens/importer"
	"ledgerlens/model"
	"math"
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
	english := regexp.MustCompile(`\b(customers|Customers|Segment|Scheme|filter|column|Total|recomputed|quit|back|sort|rows|Revenue|Profit|scenario|Whale|Aging|Credit|Churn|Frequency|Keys|page|baseline|open|Migration|changed|hidden|shows|days|chart|n/a|margin|revenue|demo|day|week|month|year)\b`)
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

// The built-in ledger's name is the importer's in English, and is
// translated in Chinese (a file's name is data, never translated).
func TestDemoName(t *testing.T) {
	if en := (&Shared{}).t("source.demo"); en != importer.DemoName {
		t.Errorf("the view calls the demo %q, the importer %q", en, importer.DemoName)
	}
	cfg := demoConfigEnv(&testEnv{})
	cfg.Lang, cfg.Demo = "zh", false
	if m := New(cfg); m.source() != importer.DemoName {
		t.Errorf("a ledger not marked as the demo is shown as %q", m.source())
	}
}

// The model's boundary sentences read in Chinese, also inside a fit's
// status ("fit unusable: …"), with their numbers kept.
func TestNoteBoundarySentences(t *testing.T) {
	sh := &Shared{Lang: "zh"}
	for _, n := range []string{
		"no dropout seen in this ledger (a = 0.001, b = 1e+04): the model counts every customer as alive, so P(alive) and CLV from it are not meaningful",
		"no dropout seen in this ledger (s = 0.01, β = 2.5e+03): the model counts every customer as alive, so P(alive) and CLV from it are not meaningful",
		"the dropout estimate ran to its limit (b = 1e-06): customers are predicted to drop out after every purchase",
		"the purchase-rate estimate ran to its limit (r = 1e+06): the data do not pin down how often customers buy",
		"Pareto/NBD fit unusable: the dropout rates look the same for every customer (s = 55.2, β = 1.32e+05): the fit ran to the edge where Pareto/NBD has one common dropout rate, s/β = 0.000418",
		model.NoStandardErrors,
		model.AtBoundaryNoStandardErrors,
	} {
		zh := sh.note(n)
		if regexp.MustCompile(`\b(the|customer|dropout|ran|fit)\b`).MatchString(zh) {
			t.Errorf("not translated: %s → %s", n, zh)
		}
		for _, num := range regexp.MustCompile(`\d[\d.e+-]*`).FindAllString(n, -1) {
			if !strings.Contains(zh, num) {
				t.Errorf("%s lost %s: %s", n, num, zh)
			}
		}
	}
}

// The validation's choice between the count models reads in Chinese also
// when one model or neither could be fitted, with its numbers kept.
func TestNoteModelChoice(t *testing.T) {
	sh := &Shared{Lang: "zh"}
	names := regexp.MustCompile(`BG/NBD|Pareto/NBD|BIC|calibration_end|auto|\d[\d.,-]*`)
	for _, n := range []string{
		"neither model is usable",
		"BG/NBD is the one model usable: BIC on the whole ledger (no holdout: set calibration_end to compare forecasts) 68,460,812.3",
		"auto: Pareto/NBD is the one model usable: holdout MAE per customer 1.241",
		"BG/NBD has the lower holdout MAE per customer: 1.241 vs 1.305 for Pareto/NBD",
		"BG/NBD has the lower BIC on the whole ledger (no holdout: set calibration_end to compare forecasts): 142,536.5 vs 142,659.6 for Pareto/NBD",
	} {
		zh := sh.note(n)
		if rest := names.ReplaceAllString(zh, ""); regexp.MustCompile(`[A-Za-z]{2,}`).MatchString(rest) {
			t.Errorf("not translated: %s → %s", n, zh)
		}
		for _, num := range regexp.MustCompile(`\d[\d.,-]*`).FindAllString(n, -1) {
			if !strings.Contains(zh, num) {
				t.Errorf("%s lost %s: %s", n, num, zh)
			}
		}
	}
}

// The playbook's actions (every scheme's segment actions, the ZRL
// strategies) and the customers' action fields read in Chinese; an
// analyst's own action is shown as typed.
func TestPlaybookInChinese(t *testing.T) {
	led, _, err := importer.LoadDemo(importer.Options{})
	if err != nil {
		t.Fatal(err)
	}
	p := model.DefaultParams()
	own := "call within a week"
	p.SegmentActions = []model.SegmentAction{{Scheme: "rfm", Segment: "At Risk", Action: own}}
	a, err := model.NewEngine(led).Analyze(p)
	if err != nil {
		t.Fatal(err)
	}
	sh := &Shared{Lang: "zh", A: a}
	latin := regexp.MustCompile(`[a-z]{3,}`) // English words; acronyms such as RFM stay
	n := 0
	for _, sc := range a.Schemes {
		for _, r := range sc.Rows {
			switch {
			case r.Action == "":
			case r.Action == own:
				if sh.name(r.Action) != own {
					t.Errorf("the analyst's action translated: %q", sh.name(r.Action))
				}
			case latin.MatchString(sh.name(r.Action)):
				t.Errorf("%s / %s: action %q not translated", sc.Key, r.Segment, r.Action)
			default:
				n++
			}
		}
	}
	for _, f := range a.Fields() {
		if strings.HasPrefix(f.Key, "act:") && latin.MatchString(sh.name(f.Label)) {
			t.Errorf("field label %q reads %q", f.Label, sh.name(f.Label))
		}
	}
	if n < 20 {
		t.Errorf("only %d translated actions seen", n)
	}
}

// A DSO reads "67.9 days" and, where it means nothing, "n/m" without a
// unit, in both languages.
func TestDSOText(t *testing.T) {
	for _, c := range []struct {
		lang    string
		v       float64
		want    string
		notWant string
	}{{"en", 67.94, "67.9 days", ""}, {"en", math.NaN(), "n/m", "days"}, {"zh", 67.94, "67.9 天", ""}, {"zh", math.NaN(), "无意义", "天"}} {
		got := dsoText(&Shared{Lang: c.lang}, c.v)
		if got != c.want || c.notWant != "" && strings.Contains(got, c.notWant) {
			t.Errorf("%s %v: %q, want %q", c.lang, c.v, got, c.want)
		}
	}
}
