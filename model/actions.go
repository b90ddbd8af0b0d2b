package model

import (
	"fmt"
	"strings"
)

// Recommended actions per segment: a playbook for the schemes whose
// segments call for one (the pyramid's ZRL strategies, the RFM segment
// playbook, lifecycle, churn state and credit grade), which the analyst
// overrides or extends per scheme and segment with segment_actions.

// SegmentAction is the analyst's action for one segment of one scheme.
type SegmentAction struct {
	Scheme, Segment, Action string
}

// defaultActions are the playbook: scheme key → segment → action.
var defaultActions = map[string]map[string]string{
	"pyramid": zrlStrategies,
	"rfm": {
		"Champions":          "reward; early access to new products; ask for referrals and reviews",
		"Loyal Customers":    "upsell higher-value products; loyalty programme",
		"Potential Loyalist": "offer membership or a loyalty programme; recommend related products",
		"New Customers":      "onboard well; aim for a second purchase soon",
		"Promising":          "build awareness; trial offers",
		"Need Attention":     "limited-time offers based on past purchases",
		"About To Sleep":     "reactivate with popular products and renewal discounts",
		"Can't Lose Them":    "win back: personal contact, renewals, newer products",
		"At Risk":            "reconnect with personal offers before they lapse",
		"Hibernating":        "low-cost reactivation only; offer other relevant products",
		"Lost":               "one win-back attempt, then stop spending",
		"Net-negative":       "review returns and terms before any spend",
	},
	"lifecycle": {
		"New":       "onboard: aim for a second purchase within the first months",
		"Growing":   "cross-sell; grow share of wallet",
		"Mature":    "retain: service levels and loyalty terms",
		"Declining": "find out why: account review and a targeted offer",
		"Lapsed":    "win-back campaign, or let go",
	},
	"churn": {
		"Active":       "keep serving",
		"At risk":      "contact before the next expected purchase",
		"Lapsed":       "win-back offer; ask why they stopped",
		"No purchases": "qualify: only credit notes so far",
	},
	"spend": {
		"High":   "protect: account management and volume terms",
		"Medium": "grow: bundles and volume incentives",
		"Low":    "serve at low cost: self-service, standard terms",
	},
	"frequency": {
		"High":   "keep the rhythm: replenishment reminders, subscriptions",
		"Medium": "nudge the next order: timely reminders",
		"Low":    "give a reason to return: occasion-based offers",
	},
	"profitability": {
		"Profit":     "protect the margin; grow volume on the same terms",
		"Break-even": "review prices and cost to serve",
		"Loss":       "reprice, cut cost to serve, or exit",
	},
	"clv": {
		"High":   "invest: retention budget and personal service",
		"Medium": "develop: cross-sell toward high value",
		"Low":    "low-cost channels only",
	},
	"pattern": {
		"Periodic":     "time offers to the buying cycle",
		"Random":       "stay visible: regular low-cost contact",
		"Concentrated": "prepare for the season: stock and offers before the peak",
	},
	"credit": {
		"A": gradeActions["A"], "B": gradeActions["B"], "C": gradeActions["C"], "D": gradeActions["D"], "E": gradeActions["E"],
		"n/a": "no open receivables: no credit action",
	},
}

// ParseSegmentActions reads "rfm: At Risk = call within a week; pyramid:
// Lead = serve online only" (names and actions quoted when they hold ; : =
// or a quote).
func ParseSegmentActions(s string) ([]SegmentAction, error) {
	rules, open := splitTop(s, ';')
	if open {
		return nil, fmt.Errorf("a quote is not closed in %q", s)
	}
	var out []SegmentAction
	seen := map[[2]string]bool{}
	for _, rule := range rules {
		if strings.TrimSpace(rule) == "" {
			continue
		}
		schemeText, rest, ok := cutTop(rule, ':')
		segText, actText, ok2 := cutTop(rest, '=')
		if !ok || !ok2 {
			return nil, fmt.Errorf("%q: want scheme: Segment = action", strings.TrimSpace(rule))
		}
		var a SegmentAction
		var err error
		for _, f := range []struct {
			dst  *string
			text string
		}{{&a.Scheme, schemeText}, {&a.Segment, segText}, {&a.Action, actText}} {
			if *f.dst, err = token(f.text); err != nil {
				return nil, err
			}
		}
		if a.Scheme == "" || a.Segment == "" || a.Action == "" {
			return nil, fmt.Errorf("%q: the scheme, the segment and the action need text", strings.TrimSpace(rule))
		}
		k := [2]string{strings.ToLower(a.Scheme), a.Segment}
		if seen[k] {
			return nil, fmt.Errorf("%s segment %q has two actions", a.Scheme, a.Segment)
		}
		seen[k] = true
		out = append(out, a)
	}
	return out, nil
}

// FormatSegmentActions is the text ParseSegmentActions reads back.
func FormatSegmentActions(v []SegmentAction) string {
	var parts []string
	for _, a := range v {
		parts = append(parts, quoteToken(a.Scheme)+": "+quoteToken(a.Segment)+" = "+quoteToken(a.Action))
	}
	return strings.Join(parts, "; ")
}

// actionOf is a segment's action: the analyst's, else the playbook's, else "".
func actionOf(p *Params, scheme, segment string) string {
	short := strings.TrimPrefix(scheme, "attr:")
	for _, a := range p.SegmentActions {
		if (strings.EqualFold(a.Scheme, scheme) || strings.EqualFold(a.Scheme, short)) && a.Segment == segment {
			return a.Action
		}
	}
	return defaultActions[scheme][segment]
}

// HasActions tells whether a scheme's segments have actions (the playbook's
// or the analyst's).
func (a *Analysis) HasActions(sc *Scheme) bool {
	for _, r := range sc.Rows {
		if r.Action != "" {
			return true
		}
	}
	return false
}
