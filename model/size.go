package model

import "strings"

// Enterprise size classes per the Chinese SME standard (工信部联企业〔2011〕300号),
// spec §12. Revenue and assets are in 万元; "below" is strict.

type sizeMetric int

const (
	mEmployees sizeMetric = iota
	mRevenue
	mAssets
)

type sizeLimit struct {
	metric sizeMetric
	value  float64
}

// sizeRule: SME when below either upper limit; Medium when meeting both
// medium lower limits; Small when meeting both small limits; else Micro.
type sizeRule struct {
	Name, Chinese string
	upper         []sizeLimit
	medium, small []sizeLimit
	synonyms      []string
}

func lim(m sizeMetric, v float64) sizeLimit { return sizeLimit{m, v} }

var sizeRules = []sizeRule{
	{"Agriculture", "农、林、牧、渔业", []sizeLimit{lim(mRevenue, 20000)}, []sizeLimit{lim(mRevenue, 500)}, []sizeLimit{lim(mRevenue, 50)},
		[]string{"agriculture", "forestry", "fishery", "farming", "农业", "林业", "牧业", "渔业", "农林牧渔", "农林牧渔业"}},
	{"Industry", "工业", []sizeLimit{lim(mEmployees, 1000), lim(mRevenue, 40000)}, []sizeLimit{lim(mEmployees, 300), lim(mRevenue, 2000)}, []sizeLimit{lim(mEmployees, 20), lim(mRevenue, 300)},
		[]string{"industry", "industrial", "manufacturing", "mining", "utilities", "制造业", "采矿业", "电力", "工业"}},
	{"Construction", "建筑业", []sizeLimit{lim(mRevenue, 80000), lim(mAssets, 80000)}, []sizeLimit{lim(mRevenue, 6000), lim(mAssets, 5000)}, []sizeLimit{lim(mRevenue, 300), lim(mAssets, 300)},
		[]string{"construction", "建筑", "建筑业"}},
	{"Wholesale", "批发业", []sizeLimit{lim(mEmployees, 200), lim(mRevenue, 40000)}, []sizeLimit{lim(mEmployees, 20), lim(mRevenue, 5000)}, []sizeLimit{lim(mEmployees, 5), lim(mRevenue, 1000)},
		[]string{"wholesale", "批发", "批发业"}},
	{"Retail", "零售业", []sizeLimit{lim(mEmployees, 300), lim(mRevenue, 20000)}, []sizeLimit{lim(mEmployees, 50), lim(mRevenue, 500)}, []sizeLimit{lim(mEmployees, 10), lim(mRevenue, 100)},
		[]string{"retail", "零售", "零售业"}},
	{"Transport", "交通运输业", []sizeLimit{lim(mEmployees, 1000), lim(mRevenue, 30000)}, []sizeLimit{lim(mEmployees, 300), lim(mRevenue, 3000)}, []sizeLimit{lim(mEmployees, 20), lim(mRevenue, 200)},
		[]string{"transport", "transportation", "logistics", "交通运输", "交通运输业", "运输业"}},
	{"Warehousing", "仓储业", []sizeLimit{lim(mEmployees, 200), lim(mRevenue, 30000)}, []sizeLimit{lim(mEmployees, 100), lim(mRevenue, 1000)}, []sizeLimit{lim(mEmployees, 20), lim(mRevenue, 100)},
		[]string{"warehousing", "storage", "仓储", "仓储业"}},
	{"Postal", "邮政业", []sizeLimit{lim(mEmployees, 1000), lim(mRevenue, 30000)}, []sizeLimit{lim(mEmployees, 300), lim(mRevenue, 2000)}, []sizeLimit{lim(mEmployees, 20), lim(mRevenue, 100)},
		[]string{"postal", "post", "courier", "邮政", "邮政业"}},
	{"Accommodation", "住宿业", []sizeLimit{lim(mEmployees, 300), lim(mRevenue, 10000)}, []sizeLimit{lim(mEmployees, 100), lim(mRevenue, 2000)}, []sizeLimit{lim(mEmployees, 10), lim(mRevenue, 100)},
		[]string{"accommodation", "hotel", "hotels", "住宿", "住宿业"}},
	{"Catering", "餐饮业", []sizeLimit{lim(mEmployees, 300), lim(mRevenue, 10000)}, []sizeLimit{lim(mEmployees, 100), lim(mRevenue, 2000)}, []sizeLimit{lim(mEmployees, 10), lim(mRevenue, 100)},
		[]string{"catering", "restaurant", "restaurants", "food service", "餐饮", "餐饮业"}},
	{"Information transmission", "信息传输业", []sizeLimit{lim(mEmployees, 2000), lim(mRevenue, 100000)}, []sizeLimit{lim(mEmployees, 100), lim(mRevenue, 1000)}, []sizeLimit{lim(mEmployees, 10), lim(mRevenue, 100)},
		[]string{"information transmission", "telecommunications", "telecom", "信息传输", "信息传输业"}},
	{"Software and IT services", "软件和信息技术服务业", []sizeLimit{lim(mEmployees, 300), lim(mRevenue, 10000)}, []sizeLimit{lim(mEmployees, 100), lim(mRevenue, 1000)}, []sizeLimit{lim(mEmployees, 10), lim(mRevenue, 50)},
		[]string{"software", "software and it services", "it services", "information technology", "软件", "软件业", "软件和信息技术服务业", "信息技术服务业"}},
	{"Real estate development", "房地产开发经营", []sizeLimit{lim(mRevenue, 200000), lim(mAssets, 10000)}, []sizeLimit{lim(mRevenue, 1000), lim(mAssets, 5000)}, []sizeLimit{lim(mRevenue, 100), lim(mAssets, 2000)},
		[]string{"real estate", "real estate development", "property development", "房地产", "房地产开发", "房地产开发经营"}},
	{"Property management", "物业管理", []sizeLimit{lim(mEmployees, 1000), lim(mRevenue, 5000)}, []sizeLimit{lim(mEmployees, 300), lim(mRevenue, 1000)}, []sizeLimit{lim(mEmployees, 100), lim(mRevenue, 500)},
		[]string{"property management", "facility management", "物业", "物业管理"}},
	{"Leasing and business services", "租赁和商务服务业", []sizeLimit{lim(mEmployees, 300), lim(mAssets, 120000)}, []sizeLimit{lim(mEmployees, 100), lim(mAssets, 8000)}, []sizeLimit{lim(mEmployees, 10), lim(mAssets, 100)},
		[]string{"leasing", "business services", "leasing and business services", "租赁", "商务服务", "租赁和商务服务业"}},
	{"Other", "其他未列明行业", []sizeLimit{lim(mEmployees, 300)}, []sizeLimit{lim(mEmployees, 100)}, []sizeLimit{lim(mEmployees, 10)},
		[]string{"other", "其他", "其他未列明行业"}},
}

// Size classes in display order.
var SizeClasses = []string{"Large", "Medium", "Small", "Micro", "Unknown"}

// sizeIndustry maps an industry value to its §12 row ("Other" when unmapped).
func sizeIndustry(industry string) *sizeRule {
	key := strings.ToLower(strings.TrimSpace(industry))
	for i := range sizeRules {
		r := &sizeRules[i]
		if strings.EqualFold(key, r.Name) || key == r.Chinese {
			return r
		}
		for _, s := range r.synonyms {
			if key == s {
				return r
			}
		}
	}
	return &sizeRules[len(sizeRules)-1]
}

// SizeMetrics are a customer's figures for §12; a nil pointer is missing.
type SizeMetrics struct {
	Employees *float64
	Revenue   *float64 // 万元
	Assets    *float64 // 万元
}

func (m SizeMetrics) get(k sizeMetric) *float64 {
	switch k {
	case mEmployees:
		return m.Employees
	case mRevenue:
		return m.Revenue
	}
	return m.Assets
}

// SizeClass classifies a customer of the given industry.
func SizeClass(industry string, m SizeMetrics) string {
	r := sizeIndustry(industry)
	for _, set := range [][]sizeLimit{r.upper, r.medium, r.small} {
		for _, l := range set {
			if m.get(l.metric) == nil {
				return "Unknown" // a required metric is missing: never guess
			}
		}
	}
	sme := false
	for _, l := range r.upper {
		if *m.get(l.metric) < l.value {
			sme = true
		}
	}
	if !sme {
		return "Large"
	}
	meets := func(set []sizeLimit) bool {
		for _, l := range set {
			if *m.get(l.metric) < l.value {
				return false
			}
		}
		return true
	}
	switch {
	case meets(r.medium):
		return "Medium"
	case meets(r.small):
		return "Small"
	}
	return "Micro"
}
