package model

import "testing"

func f(v float64) *float64 { return &v }

func TestSizeClassVectors(t *testing.T) {
	for _, tc := range []struct {
		industry string
		m        SizeMetrics
		want     string
	}{
		{"Industry", SizeMetrics{Employees: f(250), Revenue: f(5000)}, "Small"},
		{"Industry", SizeMetrics{Employees: f(1200), Revenue: f(50000)}, "Large"},
		{"Retail", SizeMetrics{Employees: f(8), Revenue: f(5000)}, "Micro"},
		{"Software and IT services", SizeMetrics{Employees: f(150), Revenue: f(800)}, "Small"},
		{"Other", SizeMetrics{Employees: f(99)}, "Small"},
		{"Wholesale", SizeMetrics{Revenue: f(3000)}, "Unknown"},
		// Chinese names and synonyms map to the same rows
		{"制造业", SizeMetrics{Employees: f(1200), Revenue: f(50000)}, "Large"},
		{"零售业", SizeMetrics{Employees: f(8), Revenue: f(5000)}, "Micro"},
		{"软件和信息技术服务业", SizeMetrics{Employees: f(150), Revenue: f(800)}, "Small"},
		{"Manufacturing", SizeMetrics{Employees: f(300), Revenue: f(2000)}, "Medium"},
		{"Agriculture", SizeMetrics{Revenue: f(20000)}, "Large"},
		{"Construction", SizeMetrics{Revenue: f(300), Assets: f(299.99)}, "Micro"},
		{"Leasing and business services", SizeMetrics{Employees: f(100), Assets: f(8000)}, "Medium"},
		{"Unmapped trade", SizeMetrics{Employees: f(5)}, "Micro"},
	} {
		if got := SizeClass(tc.industry, tc.m); got != tc.want {
			t.Errorf("SizeClass(%s, %+v) = %s, want %s", tc.industry, tc.m, got, tc.want)
		}
	}
	if len(sizeRules) != 16 {
		t.Errorf("%d industries, want the 16 of §12", len(sizeRules))
	}
}
