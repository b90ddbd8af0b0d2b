package importer

import (
	"fmt"
	"math"
	"math/rand/v2"
	"strings"

	"ledgerlens/model"
)

// DemoName is the name the built-in sample ledger is shown under.
const DemoName = "demo ledger (built in)"

// LoadDemo reads the built-in sample ledger through the same path as a CSV
// file, so the demo also exercises the importer and has a data-quality report.
func LoadDemo(opt Options) (*model.Ledger, *Report, error) {
	opt.Columns, opt.Map, opt.Sheet = nil, nil, ""
	opt.DateOrder, opt.DecimalComma = OrderAuto, false
	return LoadReader(DemoName, DemoCSV(), opt)
}

var demoIndustries = []struct {
	name   string
	weight int
	emp    float64 // median employees
}{
	{"Manufacturing", 22, 180}, {"Wholesale", 18, 40}, {"Retail", 14, 35}, {"Construction", 6, 150},
	{"Transport", 5, 120}, {"Warehousing", 3, 60}, {"Software and IT services", 9, 80},
	{"Accommodation", 3, 60}, {"Catering", 4, 40}, {"Real estate development", 2, 200},
	{"Property management", 2, 150}, {"Leasing and business services", 5, 50},
	{"Agriculture", 3, 30}, {"Information transmission", 1, 300}, {"Postal", 1, 200}, {"Other", 2, 25},
}

var (
	demoRegions    = []string{"East", "North", "South", "West", "Central", "Northeast"}
	demoChannels   = []string{"Direct", "Distributor", "Online", "Retail partner"}
	demoCategories = []string{"Packaging", "Raw materials", "Spare parts", "Tools", "Consumables", "Equipment", "Chemicals", "Services"}
	enFirst        = []string{"Acme", "Northwind", "Blue River", "Summit", "Harbor", "Golden Gate", "Redwood", "Silverline", "Pioneer", "Evergreen", "Atlas", "Crescent", "Orchid", "Granite", "Maple"}
	enLast         = []string{"Trading", "Industries", "Foods", "Logistics", "Systems", "Supplies", "Partners", "Retail", "Works", "Group"}
	zhFirst        = []string{"华", "东", "恒", "鑫", "瑞", "泰", "嘉", "盛", "宏", "远", "新", "金"}
	zhLast         = []string{"贸易有限公司", "科技有限公司", "实业有限公司", "商贸公司", "制造有限公司", "物流有限公司"}
)

// DemoCSV generates the sample ledger: about 2,000 business customers over
// three years (2023–2025) with regions, industries, channels, enterprise
// attributes, costs, due and paid dates (some late, some never paid), credit
// notes and a few loss-making customers. A fixed seed makes it the same bytes
// every time.
func DemoCSV() []byte {
	rng := rand.New(rand.NewPCG(20231101, 42))
	// channels and categories come from a stream of their own, so that adding
	// them left every other figure of the demo as it was
	mix := rand.New(rand.NewPCG(20231101, 43))
	start := model.DayFromCivil(2023, 1, 1)
	end := model.DayFromCivil(2025, 12, 31)
	span := float64(end - start)
	var b strings.Builder
	b.WriteString("Customer ID,Customer Name,Region,Industry,Channel,Customer Type,Employees,Annual Revenue,Total Assets,Credit Limit,Invoice No,Invoice Date,Amount,Cost,Due Date,Paid Date,Paid Amount,Category\n")
	totalWeight := 0
	for _, ind := range demoIndustries {
		totalWeight += ind.weight
	}
	const customers = 2000
	inv := 100000
	for c := 1; c <= customers; c++ {
		id := fmt.Sprintf("C%05d", c)
		var name string
		if rng.IntN(10) < 3 {
			name = zhFirst[rng.IntN(len(zhFirst))] + zhFirst[rng.IntN(len(zhFirst))] + zhLast[rng.IntN(len(zhLast))]
		} else {
			name = enFirst[rng.IntN(len(enFirst))] + " " + enLast[rng.IntN(len(enLast))]
		}
		w := rng.IntN(totalWeight)
		ind := demoIndustries[0]
		for _, x := range demoIndustries {
			if w < x.weight {
				ind = x
				break
			}
			w -= x.weight
		}
		region := demoRegions[rng.IntN(len(demoRegions))]
		mainChannel := demoChannels[rng.IntN(len(demoChannels))]
		// one customer in eight also buys through a second channel
		second, secondShare := "", 0.0
		if mix.IntN(8) == 0 {
			second = demoChannels[mix.IntN(len(demoChannels))]
			secondShare = 0.15 + 0.5*mix.Float64()
		}
		// the categories a customer buys: one to all, most buy few
		cats := mix.Perm(len(demoCategories))[:min(len(demoCategories), 1+int(mix.ExpFloat64()*1.6))]
		emp := int(math.Max(1, math.Round(ind.emp*math.Exp(rng.NormFloat64()*1.1))))
		revenue := math.Round(float64(emp)*(30+rng.Float64()*90)*math.Exp(rng.NormFloat64()*0.5)*100) / 100 // 万元
		assets := math.Round(revenue*(0.5+rng.Float64()*1.5)*100) / 100
		empS, revS, assetsS := fmt.Sprint(emp), fmt.Sprintf("%.2f", revenue), fmt.Sprintf("%.2f", assets)
		if rng.IntN(25) == 0 { // some customers lack enterprise data
			empS = ""
		}
		// buying behaviour, BG/NBD-like: a purchase rate and a dropout chance
		rate := rng.ExpFloat64() * 0.03 * (0.5 + rng.Float64())                  // purchases per day while active
		dropout := math.Min(0.9, rng.ExpFloat64()*0.12)                          // chance to leave after a purchase
		ticket := 400 * math.Exp(rng.NormFloat64()*0.9) * (1 + float64(emp)/400) // typical invoice
		gm := 0.12 + rng.NormFloat64()*0.08                                      // gross margin
		if rng.IntN(40) == 0 {
			gm = -0.05 - rng.Float64()*0.15 // sold below cost
		}
		returnRate := 0.03
		if rng.IntN(50) == 0 {
			returnRate = 0.35 // a returns-heavy customer
		}
		lateMean := rng.ExpFloat64() * 12 // typical days beyond terms
		badPayer := rng.IntN(60) == 0
		terms := []int{30, 30, 30, 45, 60}[rng.IntN(5)]
		custType := "Regular"
		switch {
		case ticket > 1500:
			custType = "Key account"
		case emp < 10:
			custType = "Small business"
		}
		// a limit that covers about two and a half months of purchases
		limit := fmt.Sprintf("%.0f", math.Max(2000, math.Round(ticket*math.Max(rate*75, 1)*1.5/1000)*1000))
		switch rng.IntN(20) {
		case 0:
			limit = ""
		case 1:
			limit = "0"
		}
		// acquisition date: more customers early on
		first := start + model.Day(span*math.Pow(rng.Float64(), 1.3))
		day := first
		for alive := true; alive && day <= end; {
			inv++
			channel := mainChannel
			if second != "" && mix.Float64() < secondShare {
				channel = second
			}
			category := demoCategories[cats[int(float64(len(cats))*math.Pow(mix.Float64(), 2))]] // the first ones most
			amount := math.Max(5, math.Round(ticket*math.Exp(rng.NormFloat64()*0.4)*100)/100)
			cost := math.Round(amount*(1-gm)*100) / 100
			due := day + model.Day(terms)
			dueS := due.String()
			if rng.IntN(30) == 0 {
				dueS = "" // missing due date: default terms apply
			}
			paidS, paidAmtS := "", ""
			late := int(rng.ExpFloat64() * lateMean)
			if rng.IntN(4) == 0 {
				late = -rng.IntN(terms) // paid early
			}
			if badPayer {
				late += 45 + rng.IntN(120) // slow payer
			}
			paid := due + model.Day(late)
			never := badPayer && rng.IntN(4) == 0 || rng.IntN(300) == 0
			if !never && paid <= end {
				paidS = paid.String()
				paidAmtS = fmt.Sprintf("%.2f", amount)
				if rng.IntN(40) == 0 {
					paidAmtS = fmt.Sprintf("%.2f", math.Round(amount*50)/100) // partly paid
				}
			}
			fmt.Fprintf(&b, "%s,%s,%s,%s,%s,%s,%s,%s,%s,%s,INV%d,%s,%.2f,%.2f,%s,%s,%s,%s\n",
				id, csvQuote(name), region, ind.name, channel, custType, empS, revS, assetsS, limit,
				inv, day, amount, cost, dueS, paidS, paidAmtS, category)
			if rng.Float64() < returnRate {
				back := math.Round(amount*(0.2+rng.Float64()*0.8)*100) / 100
				rd := day + model.Day(3+rng.IntN(20))
				if rd <= end {
					inv++
					fmt.Fprintf(&b, "%s,%s,%s,%s,%s,%s,%s,%s,%s,%s,CN%d,%s,%.2f,%.2f,,,,%s\n",
						id, csvQuote(name), region, ind.name, channel, custType, empS, revS, assetsS, limit,
						inv, rd, -back, -math.Round(back*(1-gm)*100)/100, category)
				}
			}
			alive = rng.Float64() >= dropout
			day += model.Day(1 + rng.ExpFloat64()/math.Max(rate, 0.002))
		}
	}
	return []byte(b.String())
}

func csvQuote(s string) string {
	if strings.ContainsAny(s, ",\"\n") {
		return `"` + strings.ReplaceAll(s, `"`, `""`) + `"`
	}
	return s
}
