package model

import (
	"bytes"
	"fmt"
	"io"
	"math"
	"strconv"
	"strings"
	"time"

	"github.com/BurntSushi/toml"
)

// Scenario is a named parameter set, stored as TOML.
type Scenario struct {
	Name   string
	Notes  string
	Params Params
}

// tomlQuote writes s as a TOML basic string.
func tomlQuote(s string) string {
	var b strings.Builder
	b.WriteByte('"')
	for _, r := range s {
		switch {
		case r == '"' || r == '\\':
			b.WriteByte('\\')
			b.WriteRune(r)
		case r == '\n':
			b.WriteString(`\n`)
		case r == '\t':
			b.WriteString(`\t`)
		case r < 0x20 || r == 0x7f:
			fmt.Fprintf(&b, `\u%04X`, r)
		default:
			b.WriteRune(r)
		}
	}
	b.WriteByte('"')
	return b.String()
}

// WriteScenario writes sc as TOML: every parameter, in the order of Specs,
// with its unit and help as a comment.
func WriteScenario(w io.Writer, sc Scenario) error {
	var b bytes.Buffer
	fmt.Fprintf(&b, "# ledgerlens scenario (analytics-spec §9 parameters)\nname = %s\nnotes = %s\n\n[parameters]\n", tomlQuote(sc.Name), tomlQuote(sc.Notes))
	p := sc.Params
	for _, s := range Specs {
		if s.Key == "rfm_segment_map" {
			continue
		}
		comment := s.Help
		if s.Unit != "" {
			comment = "[" + s.Unit + "] " + comment
		}
		v := s.Get(&p)
		var lit string
		switch {
		case s.Key == "as_of" || s.Key == "attr_groups" || s.Key == "attr_bands" || s.Key == "early_payment_terms" || s.Key == "marketing_scheme" || s.Key == "segment_actions" || s.Key == "marketing_spend" || s.Key == "marketing_bounds" || s.Enum != nil && s.Key != "pyramid_lead_nonpositive":
			lit = tomlQuote(v)
		case s.Key == "pyramid_lead_nonpositive":
			lit = v
		case strings.HasSuffix(s.Key, "_breaks") || strings.HasSuffix(s.Key, "_cutoffs") || strings.HasSuffix(s.Key, "_edges") ||
			s.Key == "loss_rates" || s.Key == "credit_score_weights":
			lit = "[" + v + "]"
		default:
			lit = v
		}
		if v == "" && lit != "[]" && lit != `""` {
			fmt.Fprintf(&b, "# %s = (unset)   # %s\n", s.Key, comment)
			continue
		}
		fmt.Fprintf(&b, "%s = %s   # %s\n", s.Key, lit, comment)
	}
	b.WriteString("\n# RFM segment map: each RF code (R·10 + F) belongs to at most one segment\n")
	for _, r := range p.RFMSegmentMap {
		var codes []string
		for _, c := range r.Codes {
			codes = append(codes, tomlQuote(c))
		}
		fmt.Fprintf(&b, "[[parameters.rfm_segment_map]]\nname = %s\ncodes = [%s]\n", tomlQuote(r.Name), strings.Join(codes, ", "))
	}
	_, err := w.Write(b.Bytes())
	return err
}

// ReadScenario reads a TOML scenario. Parameters not in the file keep their
// defaults; an unknown key or a bad value is an error naming the parameter.
func ReadScenario(r io.Reader) (Scenario, error) {
	var raw struct {
		Name       string         `toml:"name"`
		Notes      string         `toml:"notes"`
		Parameters map[string]any `toml:"parameters"`
	}
	md, err := toml.NewDecoder(r).Decode(&raw)
	if err != nil {
		return Scenario{}, fmt.Errorf("scenario: %v", err)
	}
	for _, k := range md.Undecoded() {
		if len(k) == 1 {
			return Scenario{}, fmt.Errorf("scenario: unknown key %q", k.String())
		}
	}
	sc := Scenario{Name: raw.Name, Notes: raw.Notes, Params: DefaultParams()}
	for key, v := range raw.Parameters {
		if key == "rfm_segment_map" {
			m, err := segmentMapFromTOML(v)
			if err != nil {
				return Scenario{}, fmt.Errorf("scenario: rfm_segment_map: %v", err)
			}
			sc.Params.RFMSegmentMap = m
			continue
		}
		if _, retired := Retired[key]; retired {
			continue // written by an earlier version; still readable
		}
		if _, ok := Spec(key); !ok {
			return Scenario{}, fmt.Errorf("scenario: unknown parameter %q", key)
		}
		text, err := tomlText(v)
		if err != nil {
			return Scenario{}, fmt.Errorf("scenario: %s: %v", key, err)
		}
		if err := sc.Params.Set(key, text); err != nil {
			return Scenario{}, fmt.Errorf("scenario: %v", err)
		}
	}
	if err := sc.Params.Validate(); err != nil {
		return Scenario{}, fmt.Errorf("scenario: %v", err)
	}
	return sc, nil
}

// tomlText turns a decoded TOML value into the text form Set reads.
func tomlText(v any) (string, error) {
	switch x := v.(type) {
	case string:
		return x, nil
	case bool:
		return strconv.FormatBool(x), nil
	case int64:
		return strconv.FormatInt(x, 10), nil
	case float64:
		if math.IsNaN(x) {
			return "", nil
		}
		return strconv.FormatFloat(x, 'g', -1, 64), nil
	case time.Time:
		return x.Format("2006-01-02"), nil
	case []any:
		var parts []string
		for _, e := range x {
			t, err := tomlText(e)
			if err != nil {
				return "", err
			}
			parts = append(parts, t)
		}
		return strings.Join(parts, ", "), nil
	}
	return "", fmt.Errorf("unsupported value %v", v)
}

func segmentMapFromTOML(v any) ([]SegmentRule, error) {
	list, ok := v.([]map[string]any)
	if !ok {
		return nil, fmt.Errorf("want [[parameters.rfm_segment_map]] tables with name and codes")
	}
	var parts []string
	for _, m := range list {
		name, _ := m["name"].(string)
		codes, err := tomlText(m["codes"])
		if err != nil || name == "" {
			return nil, fmt.Errorf("each segment needs a name and codes")
		}
		for k := range m {
			if k != "name" && k != "codes" {
				return nil, fmt.Errorf("unknown key %q in a segment", k)
			}
		}
		parts = append(parts, name+": "+codes)
	}
	return ParseSegmentMap(strings.Join(parts, "; "))
}
