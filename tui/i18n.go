package tui

// Chinese labels and segment names for --lang zh. Keys are the English
// text; anything missing is shown in English.
var zh = map[string]string{
	"Segments": "客户分群", "Customers": "客户", "Profitability": "盈利分析", "Risk": "风险", "Parameters": "参数",
	"Compare": "情景对比", "customers": "客户", "rows": "行", "as of": "截至", "scenario": "情景", "recomputed in": "重算耗时",
	"Segment": "分群", "Share": "占比", "Revenue": "收入", "Profit": "利润", "Margin": "利润率", "CLV": "客户终身价值",
	"Open AR": "应收余额", "Net AR": "应收净额", "Unapplied": "未核销贷项", "Avg CLV": "平均终身价值", "Σ CLV": "终身价值合计", "ECL": "预期信用损失", "Customer": "客户", "Name": "名称", "Grade": "信用等级",
	"Score": "评分", "P(alive)": "存活概率", "Total": "合计", "Scheme": "方案", "Value": "值", "Baseline": "基准",
	"Current": "当前", "Loading": "正在加载", "Analysing": "正在分析", "Fitting models": "正在拟合模型", "Other": "其他",
	"Platinum": "铂金", "Gold": "黄金", "Iron": "铁", "Lead": "铅",
	"Champions": "冠军客户", "Loyal Customers": "忠诚客户", "Potential Loyalist": "潜在忠诚客户", "New Customers": "新客户",
	"Promising": "有潜力客户", "Need Attention": "需要关注", "About To Sleep": "即将沉睡", "Can't Lose Them": "不能失去",
	"At Risk": "有流失风险", "Hibernating": "休眠客户", "Lost": "已流失", "Others": "其他", "Net-negative": "净退款",
	"High": "高", "Medium": "中", "Low": "低", "Break-even": "盈亏平衡", "Loss": "亏损", "n/a": "不适用",
	"New": "新客", "Growing": "成长", "Mature": "成熟", "Declining": "衰退", "Lapsed": "流失",
	"Active": "活跃", "At risk": "有风险", "No purchases": "无购买",
	"Large": "大型", "Small": "小型", "Micro": "微型", "Unknown": "未知",
	"Value pyramid": "价值金字塔", "RFM": "RFM", "Spend tiers": "消费金额", "Frequency tiers": "消费频率",
	"CLV tiers": "价值层级", "Lifecycle": "生命周期", "Churn state": "流失状态", "Enterprise size": "企业规模",
	"Credit grade": "信用等级", "Region": "地区", "Industry": "行业", "Channel": "渠道", "Customer type": "客户类型",
	"Whale curve": "鲸鱼曲线", "share of customers": "客户占比", "share of profit": "利润占比",
	"Aging": "账龄", "Credit risk": "信用风险", "Churn risk": "流失风险", "Write-off candidates": "核销候选",
	"Migration": "客户迁移", "from \\ to": "从 \\ 到", "filter": "筛选", "help": "帮助",
}

// tr translates s for the language.
func tr(lang, s string) string {
	if lang == "zh" {
		if v, ok := zh[s]; ok {
			return v
		}
	}
	return s
}
