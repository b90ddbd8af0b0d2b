package importer

import (
	"fmt"
	"strings"
	"unicode"
)

// Field is a canonical ledger field (product.md "Input").
type Field int

const (
	FNone Field = iota
	FCustomerID
	FCustomerName
	FDate
	FAmount
	FQuantity
	FUnitPrice
	FCost
	FDocumentID
	FDueDate
	FPaidDate
	FPaidAmount
	FOutstanding
	FCreditLimit
	FRegion
	FIndustry
	FChannel
	FCustomerType
	FEmployees
	FAnnualRevenue
	FTotalAssets
	FWriteOff
	FCategory
	FOrders
	FFirstDate
	FLastDate
	FRepeatAmount
	FRepeatCost
	FTTMAmount
	FTTMCost
	FPriorAmount
	FPurchaseDocs
	FFirstDocDate
	FActivityYear
	FActivityQuarter
	FGapSquares
	numFields
)

var fieldNames = [numFields]string{
	"", "customer_id", "customer_name", "date", "amount", "quantity", "unit_price", "cost",
	"document_id", "due_date", "paid_date", "paid_amount", "outstanding", "credit_limit",
	"region", "industry", "channel", "customer_type", "employees", "annual_revenue",
	"total_assets", "write_off", "category", "orders", "first_order_date", "last_order_date",
	"repeat_amount", "repeat_cost", "ttm_amount", "ttm_cost", "prior_amount",
	"purchase_documents", "first_document_date", "activity_year", "activity_quarter",
	"gap_squares",
}

func (f Field) String() string { return fieldNames[f] }

// FieldByName returns the field with canonical name s.
func FieldByName(s string) (Field, error) {
	for f := FCustomerID; f < numFields; f++ {
		if fieldNames[f] == s {
			return f, nil
		}
	}
	return FNone, fmt.Errorf("unknown field %q (fields: %s)", s, strings.Join(fieldNames[1:], ", "))
}

// synonyms lists, per field, header spellings after normalizeHeader.
var synonyms = map[Field][]string{
	FCustomerID: {"customerid", "custid", "customer", "customerno", "customernumber", "customercode",
		"clientid", "client", "clientno", "accountid", "accountno", "accountnumber", "buyerid", "memberid",
		"客户编号", "客户id", "客户", "客户代码", "客户号", "客户编码", "客户代号"},
	FCustomerName: {"customername", "name", "clientname", "accountname", "company", "companyname",
		"客户名称", "客户名", "公司名称", "单位名称"},
	FDate: {"date", "invoicedate", "orderdate", "transactiondate", "txdate", "txndate", "saledate",
		"salesdate", "documentdate", "postingdate", "billingdate",
		"日期", "交易日期", "开票日期", "订单日期", "销售日期", "单据日期", "发票日期"},
	FAmount: {"amount", "invoiceamount", "revenue", "sales", "total", "netamount", "salesamount",
		"lineamount", "totalamount", "netsales", "value", "dollarvalue",
		"金额", "销售额", "收入", "销售金额", "发票金额", "含税金额", "总金额", "价税合计",
		"totalsales", "totalrevenue", "lifetimesales", "lifetimerevenue", "累计销售额", "销售总额", "累计金额", "消费总额", "累计消费金额"},
	FQuantity:  {"quantity", "qty", "units", "numberofunits", "数量", "销售数量"},
	FUnitPrice: {"unitprice", "price", "priceeach", "单价", "销售单价"},
	FCost:      {"cost", "cogs", "costofgoodssold", "costamount", "totalcost", "成本", "销售成本", "成本金额"},
	FDocumentID: {"documentid", "invoice", "invoiceno", "invoicenumber", "invoiceid", "orderid",
		"orderno", "ordernumber", "docno", "documentno", "documentnumber", "document",
		"单号", "发票号", "订单号", "单据号", "发票号码", "单据编号", "订单编号"},
	FDueDate:    {"duedate", "due", "paymentduedate", "到期日", "到期日期", "应收日期", "付款到期日"},
	FPaidDate:   {"paiddate", "paymentdate", "settleddate", "settlementdate", "datepaid", "回款日期", "收款日期", "付款日期", "结清日期"},
	FPaidAmount: {"paidamount", "amountpaid", "paymentamount", "已收金额", "回款金额", "收款金额", "已付金额"},
	FOutstanding: {"outstanding", "balance", "openamount", "outstandingbalance", "amountdue", "openbalance",
		"应收余额", "未收金额", "余额", "应收账款余额"},
	FCreditLimit:   {"creditlimit", "limit", "信用额度", "授信额度"},
	FRegion:        {"region", "area", "country", "province", "state", "territory", "地区", "区域", "省份", "国家", "城市"},
	FIndustry:      {"industry", "sector", "行业", "所属行业"},
	FChannel:       {"channel", "saleschannel", "渠道", "销售渠道"},
	FCustomerType:  {"customertype", "clienttype", "accounttype", "客户类型", "客户类别"},
	FEmployees:     {"employees", "headcount", "staff", "employeecount", "numberofemployees", "从业人员", "员工人数", "从业人员数"},
	FAnnualRevenue: {"annualrevenue", "turnover", "营业收入", "年营业收入"},
	FTotalAssets:   {"totalassets", "assets", "资产总额", "总资产"},
	FWriteOff:      {"writeoff", "writtenoff", "baddebt", "核销", "坏账", "已核销"},
	FOrders: {"orders", "numberoforders", "ordercount", "orderscount", "noorders", "purchases", "numberofpurchases",
		"purchasecount", "订单数", "订单数量", "购买次数", "交易次数", "下单次数", "消费次数"},
	FFirstDate: {"firstorderdate", "firstorder", "firstpurchasedate", "firstpurchase", "firstdate", "firstsaledate",
		"首次购买日期", "首单日期", "首次下单日期", "首次交易日期", "首次消费日期"},
	FLastDate: {"lastorderdate", "lastorder", "lastpurchasedate", "lastpurchase", "lastdate", "lastsaledate", "mostrecentorder",
		"最近购买日期", "最后购买日期", "末次购买日期", "最近下单日期", "最近交易日期", "最近消费日期", "最后交易日期"},
	FRepeatAmount: {"repeatamount", "repeatsales", "repeatrevenue", "repeatspend", "复购金额", "复购销售额"},
	FRepeatCost:   {"repeatcost", "复购成本"},
	FTTMAmount: {"ttmamount", "ttmsales", "ttmrevenue", "sales12m", "salesttm", "salesinthelast12months", "last12monthssales",
		"trailing12monthssales", "近12个月销售额", "近十二个月销售额", "最近12个月销售额"},
	FTTMCost:         {"ttmcost", "cost12m", "costttm", "近12个月成本", "近十二个月成本"},
	FGapSquares:      {"gapsquares", "gapsquaresum", "sumofsquaredgaps"},
	FActivityYear:    {"activityyear", "activeyears"},
	FActivityQuarter: {"activityquarter", "activequarters"},
	FFirstDocDate:    {"firstdocumentdate", "firstdocument", "customersince", "firstinvoicedate", "首次单据日期", "首次开票日期"},
	FPurchaseDocs:    {"purchasedocuments", "numberofinvoices", "invoicecount", "invoicescount", "documentcount", "发票张数", "单据数"},
	FPriorAmount: {"prioramount", "priorsales", "prior12msales", "prioryearsales", "previous12monthssales", "salesprior12months",
		"前12个月销售额", "上一个12个月销售额", "上年销售额"},
	FCategory: {"category", "productcategory", "itemcategory", "productline", "productgroup", "product", "productname",
		"categoryname", "品类", "产品类别", "商品类别", "类别", "产品分类", "商品分类", "产品", "商品", "产品名称", "商品名称", "品类名称"},
}

var synonymIndex = func() map[string]Field {
	m := map[string]Field{}
	for f, list := range synonyms {
		for _, s := range list {
			if _, dup := m[s]; dup {
				panic("duplicate synonym " + s)
			}
			m[s] = f
		}
	}
	return m
}()

// normalizeHeader lower-cases a header and drops spaces and punctuation, so
// that "Customer ID", "customer_id" and "CustomerID" match alike.
func normalizeHeader(s string) string {
	var b strings.Builder
	for _, r := range strings.ToLower(s) {
		if unicode.IsLetter(r) || unicode.IsDigit(r) {
			b.WriteRune(r)
		}
	}
	return b.String()
}

// lookupField returns the field a header names, or FNone.
func lookupField(header string) Field {
	return synonymIndex[normalizeHeader(header)]
}

// Column maps one column of a source to a field (FNone: kept as an attribute
// when it has a header, else skipped).
type Column struct {
	Index  int
	Header string
	Field  Field
}

// Mapping is the chosen column mapping of one source.
type Mapping struct {
	Columns []Column       // in column order
	ByField [numFields]int // column index per field, -1 when absent
}

// Has reports whether field f is mapped.
func (m *Mapping) Has(f Field) bool { return m.ByField[f] >= 0 }

// buildMapping maps header cells to fields: explicit --map overrides first,
// then synonyms; the first column to claim a field wins, later ones stay
// attributes.
func buildMapping(headers []string, overrides map[Field]string) (Mapping, error) {
	var m Mapping
	for i := range m.ByField {
		m.ByField[i] = -1
	}
	m.Columns = make([]Column, len(headers))
	for i, h := range headers {
		m.Columns[i] = Column{Index: i, Header: strings.TrimSpace(h)}
	}
	for f := FCustomerID; f < numFields; f++ {
		want, ok := overrides[f]
		if !ok {
			continue
		}
		found := false
		for i := range m.Columns {
			if m.Columns[i].Header == want || normalizeHeader(m.Columns[i].Header) == normalizeHeader(want) {
				if m.Columns[i].Field != FNone {
					return m, fmt.Errorf("--map %s=%s: column %q is already mapped to %s", f, want, want, m.Columns[i].Field)
				}
				m.Columns[i].Field = f
				m.ByField[f] = i
				found = true
				break
			}
		}
		if !found {
			return m, fmt.Errorf("--map %s=%s: no column %q in the header (%s)", f, want, want, strings.Join(headers, ", "))
		}
	}
	for i := range m.Columns {
		if m.Columns[i].Field != FNone {
			continue
		}
		f := lookupField(m.Columns[i].Header)
		if f == FNone || m.ByField[f] >= 0 {
			continue
		}
		if _, overridden := overrides[f]; overridden {
			continue
		}
		m.Columns[i].Field = f
		m.ByField[f] = i
	}
	return m, nil
}

// score rates how header-like a row is: the number of cells naming a field.
func headerScore(cells []string) int {
	n := 0
	for _, c := range cells {
		if lookupField(c) != FNone {
			n++
		}
	}
	return n
}
