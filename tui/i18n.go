package tui

import (
	"regexp"
	"strings"
	"sync"

	"ledgerlens/model"
)

// The view's own text is looked up by key in catalog: each entry holds the
// English and the Chinese text (format verbs in the same order). A key
// missing from the catalogue shows as the key itself, which a test catches.
var catalog = map[string][2]string{
	// panes and tabs
	"Segments": {"Segments", "客户分群"}, "Customers": {"Customers", "客户"}, "col.customers": {"Customers", "客户数"}, "Profitability": {"Profitability", "盈利分析"},
	"Risk": {"Risk", "风险"}, "Parameters": {"Parameters", "参数"}, "Compare": {"Compare", "情景对比"},
	"Model": {"Model", "模型"}, "Model validation": {"Model validation", "模型检验"},
	"model.pending":  {"The count models are being fitted; this pane fills in when they land. Until then CLV is n/a.", "正在拟合计数模型；拟合完成后本面板将显示结果。在此之前终身价值不适用。"},
	"model.none":     {"The count models are not fitted (clv_model is simple): set clv_model to bgnbd, pnbd or auto.", "未拟合计数模型（clv_model 为 simple）：请将 clv_model 设为 bgnbd、pnbd 或 auto。"},
	"model.holdout":  {"calibration to %s, holdout to %s (%s %s); %s customers in the calibration cohort", "校准期至 %s，留出期至 %s（%s %s）；校准队列 %s 位客户"},
	"model.nohold":   {"no holdout: fitted on the whole ledger to %s (%s customers); set calibration_end to check forecasts", "无留出期：按整个账簿拟合至 %s（%s 位客户）；设置 calibration_end 以检验预测"},
	"model.actual":   {"actual holdout repeat purchases: %s", "留出期实际重复购买：%s"},
	"model.rho":      {"corr(frequency, spend) ρ = %s", "频次与消费相关系数 ρ = %s"},
	"model.legend":   {"● actual  ○ BG/NBD  × Pareto/NBD  │ calibration end", "● 实际  ○ BG/NBD  × Pareto/NBD  │ 校准期末"},
	"model.notrack":  {"n/a: the tracking curve needs the date of every purchase (a customer-level ledger has totals only)", "不适用：跟踪曲线需要每次购买的日期（客户汇总账簿只有合计）"},
	"model.legend0":  {"● actual  ○ BG/NBD  × Pareto/NBD", "● 实际  ○ BG/NBD  × Pareto/NBD"},
	"model.heat":     {"P(alive): frequency (rows) × recency (columns), %s, age %s; digit = P×10", "存活概率：频次（行）× 最近购买时点（列），%s，客龄 %s；数字 = 概率×10"},
	"model.heataxis": {"recency 0 → %s (left: last purchase long ago)", "最近购买时点 0 → %s（左：很久以前）"},
	"model.more":     {"lines %d–%d of %d: ↓/pgdn for more", "第 %d–%d 行，共 %d 行：↓/pgdn 查看更多"},
	"model.last":     {"lines %d–%d of %d: the end (g: top)", "第 %d–%d 行，共 %d 行：已到末尾（g：回到顶部）"},
	"better":         {"better", "更优"}, "col.model": {"Model", "模型"}, "col.mae": {"MAE", "MAE"},
	"col.bias": {"Bias", "偏差"}, "col.predicted": {"Predicted", "预测"}, "col.actual": {"Actual", "实际"}, "col.freq": {"x", "x"},
	"Parameters ± standard error":                             {"Parameters ± standard error", "参数 ± 标准误"},
	"Cumulative repeat purchases":                             {"Cumulative repeat purchases", "累计重复购买"},
	"Holdout purchases per customer by calibration frequency": {"Holdout purchases per customer by calibration frequency", "按校准期频次的每客户留出期购买"},
	"Customers by calibration frequency":                      {"Customers by calibration frequency", "按校准期频次的客户数"},
	// words used in several places
	"customers": {"customers", "客户"}, "rows": {"rows", "行"}, "segments": {"segments", "分群"}, "days": {"days", "天"},
	"revenue": {"revenue", "收入"}, "profit": {"profit", "利润"}, "as of": {"as of", "截至"}, "scenario": {"scenario", "情景"},
	"filter": {"filter", "筛选"}, "n/a": {"n/a", "不适用"}, "n/m": {"n/m", "无意义"},
	"Segment": {"Segment", "分群"}, "Revenue": {"Revenue", "收入"}, "Profit": {"Profit", "利润"}, "Margin": {"Margin", "利润率"},
	"CLV": {"CLV", "客户终身价值"}, "Avg CLV": {"Avg CLV", "平均终身价值"}, "Σ CLV": {"Σ CLV", "终身价值合计"},
	"Open AR": {"Open AR", "应收余额"}, "Net AR": {"Net AR", "应收净额"}, "Unapplied": {"Unapplied", "未核销贷项"},
	"ECL": {"ECL", "预期信用损失"}, "Total": {"Total", "合计"}, "Scheme": {"Scheme", "方案"}, "Churn": {"Churn", "流失"},
	"Credit": {"Credit", "信用"}, "Aging": {"Aging", "账龄"}, "Whale curve": {"Whale curve", "鲸鱼曲线"},
	"Migration": {"Migration", "客户迁移"}, "from \\ to": {"from \\ to", "从 \\ 到"}, "share of customers": {"share of customers", "客户占比"},
	"Loading": {"Loading", "正在加载"}, "Analysing": {"Analysing", "正在分析"},
	"Credit risk": {"Credit risk", "信用风险"}, "Write-off candidates": {"Write-off candidates", "核销候选"}, "Churn risk": {"Churn risk", "流失风险"},
	// column titles
	"col.custshare": {"Cust. %", "客户占比"}, "col.revshare": {"Rev. %", "收入占比"}, "col.rank": {"Rank", "排名"},
	"col.cumprofit": {"Cumulative profit", "累计利润"}, "col.cumshare": {"Cum. share", "累计占比"},
	"col.pm": {"± 90 %", "± 90 %"}, "col.riskadj": {"Risk-adj. profit", "风险调整利润"},
	"col.spend": {"Spend", "营销投入"}, "col.repeat": {"Repeat %", "复购率"}, "col.action": {"Action", "建议行动"}, "col.romi": {"Gross ROMI", "毛 ROMI"}, "col.clvromi": {"CLV ROMI", "CLV ROMI"}, "col.alloc": {"Allocation", "预算分配"}, "col.exppurch": {"Exp. purch.", "预期购买"},
	"col.due": {"Due", "到期日"}, "col.dpd": {"Days past due", "逾期天数"}, "col.itemopen": {"Open", "未收金额"},
	// header
	"hdr.defaults": {"defaults", "默认"}, "hdr.recomputed": {"recomputed", "已重算"}, "hdr.recomputedin": {"recomputed in %s", "重算耗时 %s"},
	"hdr.fitting": {"fitting BG/NBD and Gamma-Gamma…", "正在拟合 BG/NBD 与 Gamma-Gamma…"}, "hdr.fittingshort": {"fitting…", "拟合中…"}, "hdr.recomputing": {"recomputing…", "正在重算…"},
	// tables
	"grid.rowsof":     {"%s of %s %s", "%s / %s %s"},
	"grid.column":     {"column %d/%d %s", "第 %d/%d 列 %s"},
	"grid.nhidden":    {"%d hidden (V shows)", "隐藏 %d 列（V 显示）"},
	"grid.hidden":     {"column %s hidden (V shows every column)", "已隐藏列 %s（V 显示全部列）"},
	"grid.nofreq":     {"no frequency table for this column", "此列没有频数表"},
	"grid.nojump":     {"no row or customer %q", "没有第 %q 行或该客户"},
	"grid.nowords":    {"nothing to find: type / and a word", "没有查找内容：按 / 输入文字"},
	"grid.nomatch":    {"no match", "没有匹配"},
	"grid.row":        {"row", "行"},
	"grid.jumphint":   {"row number or customer id, enter to jump", "输入行号或客户编号，回车跳转"},
	"seg.emptyhidden": {"%d empty hidden (E shows)", "隐藏 %d 个空分群（E 显示）"},
	"seg.chartcut":    {"chart shows %s of %s segments (a taller window shows more)", "图表显示 %s / %s 个分群（窗口更高可显示更多）"},
	// profitability
	"profit.na":   {"Profit n/a:", "利润不适用："},
	"profit.head": {"%s: basis %s · peak %s (%s of total %s) · %s profitable, %s break-even, %s loss · loss customers destroy %s (%s)", "%s：口径 %s · 峰值 %s（占总额的 %s，总额 %s）· 盈利 %s 位，盈亏平衡 %s 位，亏损 %s 位 · 亏损客户吞噬利润 %s（%s）"},
	// risk
	"risk.head":         {"%s (%s) · open invoices %s in %s, %s past due · unapplied credits %s · net %s", "%s（%s）· 未收发票 %s，共 %s 张，逾期 %s 张 · 未核销贷项 %s · 净额 %s"},
	"risk.rates":        {"loss rates", "损失率"},
	"risk.unapplied":    {"credit notes not applied to an invoice", "尚未冲抵发票的贷项通知"},
	"source.demo":       {"demo ledger (built in)", "示例账簿（内置）"},
	"risk.dso":          {"DSO (%s) %s · %s · best possible %s · average days delinquent %s · open AR %s days past due on average", "应收账款周转天数（%s）%s · %s · 最佳可能 %s · 平均逾期天数 %s · 未收应收平均逾期 %s 天"},
	"risk.dsosimple":    {"simple 3-month %s", "简单三个月法 %s"},
	"risk.dsocountback": {"count-back %s", "倒推法 %s"},
	// compare
	"cmp.warn": {"Early warning", "预警"}, "warn.returns_share": {"returns share", "退货占比"}, "warn.overdue_share": {"overdue share", "逾期占比"}, "warn.loss_rate": {"loss rate", "损失率"},
	"profit.conc":       {"Concentration: top 10 customers %s of revenue · Herfindahl index %s (as %s equal customers)", "集中度：前 10 名客户占收入 %s · 赫芬达尔指数 %s（相当于 %s 个同等客户）"},
	"cmp.period":        {"%s gained, %s lost (no purchase since), %s kept", "新增 %s，流失 %s（此后未购买），保留 %s"},
	"key.cohorts":       {"acquisition cohorts", "获客同期群"},
	"cohort.head":       {"Acquisition cohorts: %s, by %s of first purchase; columns: periods since", "获客同期群：%s，按首次购买的%s；列：获客后的期数"},
	"cohort.keys":       {"m figure · o or esc closes", "m 指标 · o 或 esc 关闭"},
	"cohort.partial":    {"the last period is partial", "最后一期不完整"},
	"cohort.nopurchase": {"%s customers without a purchase are in no cohort", "%s 位客户尚无购买，不属于任何同期群"},
	"cohort.none":       {"Cohorts need transactions: a customer-level ledger has none", "同期群需要交易记录：客户级台账没有"},
	"cohort.retention":  {"retention", "留存率"}, "cohort.active": {"active customers", "活跃客户"},
	"cohort.cumrev": {"cumulative revenue per customer", "每客户累计收入"}, "cohort.cohort": {"Cohort", "同期群"},
	"cohort.month": {"month", "月份"}, "cohort.quarter": {"quarter", "季度"},
	"cross.head": {"%s (rows) × %s (columns): %s", "%s（行）× %s（列）：%s"},
	"cross.keys": {"[ ] rows · < > columns · m figure · x or esc closes", "[ ] 行 · < > 列 · m 指标 · x 或 esc 关闭"},
	"cmp.head":   {"Scheme: ◂ %s ▸   baseline vs current (b sets the current parameters as the baseline)", "方案：◂ %s ▸   基准 对比 当前（b 将当前参数设为基准）"},
	"cmp.base":   {"base", "基准"}, "cmp.now": {"now", "当前"},
	"cmp.nodiff":    {"no parameter differs from the baseline", "没有参数与基准不同"},
	"cmp.noscheme":  {"the baseline has no scheme %s", "基准中没有方案 %s"},
	"cmp.mignote":   {"(customers; rows baseline, columns current; < > switch table)", "（客户数；行为基准，列为当前；< > 切换表格）"},
	"cmp.moved":     {"%s customers changed segment", "%s 位客户改变了分群"},
	"cmp.unmatched": {"%s are in only one of the two (another as-of date)", "%s 位只在其中一方（截至日期不同）"},
	// frequency table
	"freq.head":     {"Frequency of %s", "%s 的频数表"},
	"freq.of":       {"%s customers in %s groups · enter shows a group's customers · esc back", "%s 位客户，%s 组 · 回车显示该组客户 · esc 返回"},
	"freq.nofilter": {"n/a values cannot be named in a filter", "不适用的值无法用筛选条件表示"},
	// customer card
	"card.back":        {"esc back", "esc 返回"},
	"card.rfmnone":     {"not scored: net revenue %s ≤ 0 (Net-negative)", "未评分：净收入 %s ≤ 0（净退款）"},
	"card.recency":     {"recency %d days (as of %s − last purchase %s) → R %d", "最近购买 %d 天（截至 %s − 最后购买 %s）→ R %d"},
	"card.fm":          {"frequency %d purchase documents → F %d; monetary %s → M %d", "购买频次 %d 张单据 → F %d；金额 %s → M %d"},
	"card.estimated":   {"(estimated)", "（估计）"},
	"card.profitna":    {"revenue %s; COGS, margin and profit n/a — %s", "收入 %s；销售成本、毛利和利润不适用 — %s"},
	"card.revlesscts":  {"revenue %s − cost to serve %s (%d documents, %d lines, %d returns) = revenue less cost to serve %s; COGS n/a", "收入 %s − 服务成本 %s（%d 张单据，%d 行，%d 次退货）= 收入减服务成本 %s；销售成本不适用"},
	"card.gm":          {"revenue %s − COGS %s%s = gross margin %s", "收入 %s − 销售成本 %s%s = 毛利 %s"},
	"card.cm":          {"− cost to serve %s (%d documents, %d lines, %d returns) = profit %s", "− 服务成本 %s（%d 张单据，%d 行，%d 次退货）= 利润 %s"},
	"card.bg":          {"x = %.0f repeat purchases, t_x = %.1f, T = %.1f %ss; mean repeat spend %s", "x = %.0f 次重复购买，t_x = %.1f，T = %.1f（单位：%s）；平均重复消费 %s"},
	"card.bgclv":       {"P(alive) %s · expected purchases next %d days %s · expected spend %s → CLV %s", "存活概率 %s · 未来 %d 天预期购买 %s 次 · 预期消费 %s → 终身价值 %s"},
	"card.alivehist":   {"P(alive) as the model would have said it each day since the first purchase; ┴ marks a purchase day", "模型在首次购买后每天给出的存活概率；┴ 为购买日"},
	"card.simpleclv":   {"margin per period × multiple %.3f → CLV %s", "每期毛利 × 倍数 %.3f → 终身价值 %s"},
	"card.churn":       {"%s: recency %d days ÷ inter-purchase time %s days = %s (at risk > %g, lapsed > %g)", "%s：最近购买 %d 天 ÷ 购买间隔 %s 天 = %s（有风险 > %g，流失 > %g）"},
	"card.conflict":    {"the model disagrees: P(alive) %s is in the %s band — the rule weighs this customer's own buying rhythm, the model the whole ledger's", "模型结论不同：存活概率 %s 属于 %s 区间 — 规则看该客户自己的购买节奏，模型看整个账簿"},
	"card.score":       {"score %.1f = %.2f·payment %.0f + %.2f·(100 − %% >30 dpd) %.0f + %.2f·utilisation %.0f + %.2f·trend %.0f + %.2f·tenure %.0f", "评分 %.1f = %.2f·付款 %.0f + %.2f·(100 − 逾期30天以上占比) %.0f + %.2f·额度使用 %.0f + %.2f·趋势 %.0f + %.2f·合作时长 %.0f"},
	"card.override":    {"override", "调整"},
	"card.grade":       {"grade %s → %s; utilisation %s (%s); DSO %s; days beyond terms %s", "等级 %s → %s；额度使用 %s（%s）；周转天数 %s；超出账期天数 %s"},
	"card.aging":       {"aging: %s; ECL %s; expected loss %s", "账龄：%s；预期信用损失 %s；预期损失 %s"},
	"card.unapplied":   {"open invoices %s, unapplied credits %s, net %s", "未收发票 %s，未核销贷项 %s，净额 %s"},
	"card.recent":      {"Recent documents", "最近单据"},
	"card.docsloading": {"fetching them from the database…", "正在从数据库获取…"},
	"card.docsmasked":  {"not fetched while customers are masked (M shows them)", "客户遮蔽期间不获取（按 M 显示）"},
	"card.docsfailed":  {"could not fetch them: %s", "无法获取：%s"},
	"card.docsnone":    {"none on or before the as-of date", "截至日期前没有单据"},
	"card.totals":      {"Customer-level totals", "客户汇总"},
	"card.totalsline":  {"total sales %s in %s orders, first order %s, last %s", "累计销售额 %s，订单 %s 笔，首次下单 %s，最近 %s"},
	"card.balance":     {"receivable balance %s, %s of the credit limit", "应收余额 %s，占信用额度 %s"},
	"card.lines":       {"%d lines", "%d 行"},
	"card.line":        {"1 line", "1 行"},
	// parameters
	"param.unset":     {"(unset)", "（未设置）"},
	"param.baseline":  {"baseline", "基准"},
	"param.edit":      {"edit", "编辑"},
	"param.values":    {"values: %s (← → cycles)", "可选值：%s（← → 切换）"},
	"param.step":      {"step %s (← → or + −), enter to type a value", "步长 %s（← → 或 + −），回车输入数值"},
	"param.type":      {"enter to type a value", "回车输入数值"},
	"param.nostep":    {"%s has no step: press enter to type a value", "%s 没有步长：按回车输入数值"},
	"side.title":      {"Parameters (5 to edit)", "参数（按 5 编辑）"},
	"side.asbaseline": {"as the baseline", "与基准相同"},
	"side.converged":  {"converged in %d iterations, LL %s", "%d 次迭代收敛，对数似然 %s"},
	"side.model":      {"model", "模型"},
	// help
	"help.title": {"Keys", "按键"}, "help.page": {"page %d of %d · pgdn/pgup · esc or ? closes", "第 %d/%d 页 · pgdn/pgup 翻页 · esc 或 ? 关闭"},
	"help.global": {"Everywhere", "所有窗格"},
	"key.up":      {"up", "上移"}, "key.down": {"down", "下移"}, "key.pgup": {"page up", "上一页"}, "key.pgdn": {"page down", "下一页"},
	"key.home": {"first", "第一行"}, "key.end": {"last", "最后一行"}, "key.left": {"left / smaller", "左移 / 减小"},
	"key.right": {"right / larger", "右移 / 增大"}, "key.inc": {"increase", "增加"}, "key.dec": {"decrease", "减少"},
	"key.nextpane": {"next pane", "下一窗格"}, "key.prevpane": {"previous pane", "上一窗格"}, "key.pane": {"go to pane", "转到窗格"},
	"key.scheme": {"scheme", "切换方案"}, "key.enter": {"open / edit", "打开 / 编辑"}, "key.back": {"back", "返回"},
	"key.filter": {"filter", "筛选"}, "key.sort": {"sort by column", "按列排序"}, "key.reverse": {"reverse sort", "反向排序"},
	"key.hide": {"hide column", "隐藏列"}, "key.showall": {"show all columns", "显示全部列"}, "key.moveleft": {"move column left", "列左移"},
	"key.moveright": {"move column right", "列右移"}, "key.freq": {"frequency table", "频数表"}, "key.jump": {"jump to row / id", "跳到行 / 编号"},
	"key.copy": {"copy cell", "复制单元格"}, "key.copyrow": {"copy row", "复制整行"}, "key.next": {"next match", "下一个匹配"},
	"key.prev": {"previous match", "上一个匹配"}, "key.empty": {"show empty segments", "显示空分群"}, "key.switch": {"other table", "切换表格"},
	"key.baseline": {"set baseline", "设为基准"}, "key.compare": {"compare with baseline", "与基准对比"}, "key.undo": {"undo", "撤销"},
	"key.redo": {"redo", "重做"}, "key.save": {"save scenario", "保存情景"}, "key.open": {"open scenario", "打开情景"},
	"key.export": {"export to Excel", "导出到 Excel"}, "key.into": {"segments into a copy of your file", "分群写入原文件的副本"},
	"key.mask":  {"mask customer names and ids", "隐藏客户名称和编号"},
	"key.cross": {"cross this scheme with another", "将本方案与另一方案交叉"}, "key.measure": {"next figure", "下一个指标"}, "key.help": {"all keys", "全部按键"}, "key.quit": {"quit", "退出"},
	// prompts and messages
	"prompt.save":       {"save scenario to", "情景保存到"},
	"prompt.open":       {"open scenario (tab completes)", "打开情景（tab 补全）"},
	"prompt.export":     {"export to", "导出到"},
	"prompt.into":       {"segments beside the rows of a copy of %s, save as", "在 %s 的副本中加入分群列，另存为"},
	"msg.masked":        {"customers masked: pseudonyms in the view and in exports (M shows the real names)", "已隐藏客户身份：视图和导出均用代号（M 显示真实名称）"},
	"msg.unmasked":      {"real customer names and ids shown (M masks them)", "显示真实客户名称和编号（M 隐藏）"},
	"msg.intomasked":    {"not while masking: the copy would carry your file's real customer ids", "隐藏身份时不可用：副本会带有原文件的真实客户编号"},
	"msg.nointo":        {"no ledger file to copy: the demo has none (use e)", "没有可复制的账本文件：演示数据没有（请用 e）"},
	"prompt.exportrows": {"export the %s filtered customers to", "将筛选出的 %s 位客户导出到"},
	"prompt.replace":    {"%s exists: replace it? (y/n)", "%s 已存在：替换吗？(y/n)"},
	"prompt.quit":       {"unsaved parameter changes: quit anyway? (y/n; ctrl+s saves)", "参数修改尚未保存：仍要退出吗？(y/n；ctrl+s 保存)"},
	"msg.baseline":      {"current parameters set as the baseline", "已将当前参数设为基准"},
	"msg.undid":         {"undid: %s", "已撤销：%s"}, "msg.redid": {"redid: %s", "已重做：%s"},
	"msg.noundo": {"nothing to undo", "没有可撤销的操作"}, "msg.noredo": {"nothing to redo", "没有可重做的操作"},
	"msg.exported": {"exported to %s", "已导出到 %s"}, "msg.exporting": {"exporting to %s …", "正在导出到 %s …"},
	"msg.exportfailed": {"export failed: %s", "导出失败：%s"}, "msg.exportcancelled": {"export cancelled", "已取消导出"},
	"msg.saved": {"scenario saved to %s", "情景已保存到 %s"}, "msg.savefailed": {"cannot save: %s", "无法保存：%s"},
	"msg.opened": {"opened scenario %s", "已打开情景 %s"}, "msg.scenario": {"scenario %s", "情景 %s"},
	"msg.copied": {"copied %s", "已复制 %s"}, "msg.nocopy": {"no clipboard in this view", "此视图没有剪贴板"},
	"msg.noexport":        {"export is not available in this view", "此视图无法导出"},
	"asof.latest":         {"the ledger's last date", "账簿的最后日期"},
	"msg.reloadcancelled": {"re-query for as of %s cancelled: still as of %s", "已取消截至 %s 的重新查询：仍为截至 %s"},
	"msg.reloadfailed":    {"re-query for as of %s failed, the ledger stays as it was: %s", "截至 %s 的重新查询失败，账簿保持不变：%s"},
	"hdr.reloadingshort":  {"re-query %s rows, esc cancels", "重新查询 %s 行，esc 取消"},
	"hdr.reloading":       {"re-querying the database as of the new date: %s rows (esc cancels)", "正在按新日期重新查询数据库：%s 行（esc 取消）"},
	"msg.exportfitting":   {"the models are still being fitted: export when they land", "模型仍在拟合中：拟合完成后再导出"},
	"msg.toosmall":        {"terminal too small", "终端窗口太小"},
	"export.baseline":     {"the baseline set with b", "用 b 设定的基准"},
	// loading and failure
	"load.sheet": {"sheet", "工作表"}, "load.bytes": {"bytes", "字节"},
	"load.rate":   {"%s rows · %s rows/s", "%s 行 · 每秒 %s 行"},
	"load.left":   {"about %s left", "约剩 %s"},
	"load.cancel": {"esc / q cancel", "esc / q 取消"},
	"fail.title":  {"could not load the ledger", "无法加载账簿"},
	"fail.rows":   {"rows read %s, used %s, rejected %s", "读取 %s 行，使用 %s 行，拒绝 %s 行"},
	"fail.hint":   {"Check the file, or map columns explicitly (--map field=Header, --columns, --date-order). `ledgerlens inspect FILE` prints the full data-quality report.", "请检查文件，或显式指定列（--map 字段=表头、--columns、--date-order）。`ledgerlens inspect 文件` 输出完整的数据质量报告。"},
}

// text is a catalogue key's text in a language.
func text(lang, key string) string {
	e, ok := catalog[key]
	if !ok {
		return key
	}
	if lang == "zh" {
		return e[1]
	}
	return e[0]
}

// names are the Chinese names of what the model names in English:
// segments, schemes, field labels, churn states, bases, units, groups.
// The model's English name is the key.
var names = map[string]string{
	"Platinum": "铂金", "Gold": "黄金", "Iron": "铁", "Lead": "铅",
	"Champions": "冠军客户", "Loyal Customers": "忠诚客户", "Potential Loyalist": "潜在忠诚客户", "New Customers": "新客户",
	"Promising": "有潜力客户", "Need Attention": "需要关注", "About To Sleep": "即将沉睡", "Can't Lose Them": "不能失去",
	"At Risk": "有流失风险", "Hibernating": "休眠客户", "Lost": "已流失", "Others": "其他", "Net-negative": "净退款",
	"High": "高", "Medium": "中", "Low": "低", "Profit": "盈利", "Break-even": "盈亏平衡", "Loss": "亏损", "n/a": "不适用",
	"New": "新客", "Growing": "成长", "Mature": "成熟", "Declining": "衰退", "Lapsed": "流失",
	"Periodic": "周期型", "Random": "随机型", "Concentrated": "集中型", "Too few purchases": "购买次数不足",
	"Buying pattern": "消费模式", "Purchase-gap CV": "购买间隔变异系数",
	"Multi-channel": "多渠道", "Category breadth": "品类广度", "Single category": "单一品类", "Few categories": "少数品类",
	"Broad range": "品类广泛", "No category recorded": "无品类记录", "Other (ungrouped)": "其他（未分组）",
	"Channel mix": "渠道构成", "Main channel share": "主渠道占比", "Categories": "品类数", "Top category": "主要品类",
	"Top category share": "主要品类占比", "Days to pay": "回款天数", "Carrying cost": "应收占用成本", "Risk-adjusted profit": "风险调整利润",
	"PD": "违约概率", "Minimum price factor": "最低价格系数", "Early discount pays": "现金折扣是否划算", "yes": "是", "no": "否", "Employees": "从业人员", "Annual revenue": "营业收入", "Total assets": "资产总额", "Credit limit": "信用额度",
	"Active": "活跃", "At risk": "有风险", "No purchases": "无购买",
	"Large": "大型", "Small": "小型", "Micro": "微型", "Unknown": "未知", "Other (small values)": "其他（少数值）", "(blank)": "（空）",
	"Value pyramid": "价值金字塔", "RFM": "RFM", "Spend tiers": "消费金额", "Frequency tiers": "消费频率",
	"CLV tiers": "价值层级", "Lifecycle": "生命周期", "Churn state": "流失状态", "Enterprise size": "企业规模",
	"Credit grade": "信用等级", "Profitability": "盈利性", "Region": "地区", "Industry": "行业", "Channel": "渠道", "Customer type": "客户类型",
	// field labels
	"Customer ID": "客户编号", "Name": "名称", "First date": "首次日期", "Last purchase": "最后购买", "Documents": "单据数",
	"Recency (days)": "最近购买（天）", "Frequency": "频次", "Monetary": "金额", "R score": "R 评分", "F score": "F 评分", "M score": "M 评分",
	"Revenue": "收入", "Revenue TTM": "近12个月收入", "COGS": "销售成本", "Cost to serve": "服务成本", "Profit (CM)": "利润（贡献毛利）",
	"Margin": "利润率", "Returns": "退货", "CLV": "客户终身价值", "Purchase score": "购买评分", "P(alive)": "存活概率",
	"Expected purchases": "预期购买", "Expected spend": "预期消费", "Open AR (gross)": "应收余额（总额）",
	"Unapplied credits": "未核销贷项", "Net AR": "应收净额", "Overdue > 30": "逾期30天以上", "ECL": "预期信用损失",
	"Expected loss": "预期损失", "DSO": "周转天数", "Days beyond terms": "超出账期天数", "Utilisation": "额度使用率",
	"Credit score": "信用评分", "Suggested action": "建议措施",
	// the playbook: segment actions and the ZRL pyramid strategies (an
	// analyst's own actions are shown as typed)
	"reward; early access to new products; ask for referrals and reviews": "奖励；新品优先体验；请其推荐和评价",
	"upsell higher-value products; loyalty programme":                     "向上销售更高价值的产品；会员忠诚计划",
	"offer membership or a loyalty programme; recommend related products": "邀请加入会员或忠诚计划；推荐相关产品",
	"onboard well; aim for a second purchase soon":                        "做好新客引导；争取尽快二次购买",
	"build awareness; trial offers":                                       "提升认知；试用优惠",
	"limited-time offers based on past purchases":                         "基于以往购买的限时优惠",
	"reactivate with popular products and renewal discounts":              "以热门产品和续购折扣重新激活",
	"win back: personal contact, renewals, newer products":                "挽回：专人联系、续约、推荐新品",
	"reconnect with personal offers before they lapse":                    "在流失前以个性化优惠重新联系",
	"low-cost reactivation only; offer other relevant products":           "仅做低成本激活；推荐其他相关产品",
	"one win-back attempt, then stop spending":                            "尝试挽回一次，之后停止投入",
	"review returns and terms before any spend":                           "先审查退货和条款，再考虑投入",
	"onboard: aim for a second purchase within the first months":          "新客引导：争取在最初几个月内二次购买",
	"cross-sell; grow share of wallet":                                    "交叉销售；提高钱包份额",
	"retain: service levels and loyalty terms":                            "保留：服务水平和忠诚条款",
	"find out why: account review and a targeted offer":                   "查明原因：客户复盘并给出针对性优惠",
	"win-back campaign, or let go":                                        "开展挽回活动，或放弃",
	"keep serving":                                                        "保持服务",
	"contact before the next expected purchase":                           "在下次预期购买前联系",
	"win-back offer; ask why they stopped":                                "挽回优惠；询问停止购买的原因",
	"qualify: only credit notes so far":                                   "甄别：目前只有贷项单据",
	"protect: account management and volume terms":                        "守护：大客户管理和批量条款",
	"grow: bundles and volume incentives":                                 "增长：组合销售和批量激励",
	"serve at low cost: self-service, standard terms":                     "低成本服务：自助服务、标准条款",
	"keep the rhythm: replenishment reminders, subscriptions":             "保持节奏：补货提醒、订阅",
	"nudge the next order: timely reminders":                              "促成下一单：及时提醒",
	"give a reason to return: occasion-based offers":                      "给出回购理由：节日场景优惠",
	"protect the margin; grow volume on the same terms":                   "守住利润率；以相同条款扩大销量",
	"review prices and cost to serve":                                     "审查价格和服务成本",
	"reprice, cut cost to serve, or exit":                                 "重新定价、削减服务成本或退出",
	"invest: retention budget and personal service":                       "投入：保留预算和专人服务",
	"develop: cross-sell toward high value":                               "培育：交叉销售，向高价值发展",
	"low-cost channels only":                                              "仅用低成本渠道",
	"time offers to the buying cycle":                                     "按购买周期安排优惠",
	"stay visible: regular low-cost contact":                              "保持存在感：定期低成本联系",
	"prepare for the season: stock and offers before the peak":            "为旺季做准备：高峰前备货并推出优惠",
	"no open receivables: no credit action":                               "无未结应收：无需信用措施",
	"invest: protect and grow; not price sensitive":                       "投入：守护并增长；对价格不敏感",
	"invest: grow toward Platinum":                                        "投入：向铂金层级发展",
	"move up, or serve more efficiently":                                  "推动升级，或更高效地服务",
	"raise prices, cut cost to serve, or exit":                            "提价、削减服务成本或退出",
	// credit
	"standard terms": "标准账期", "monitor": "关注", "reduce limit or shorten terms": "降低额度或缩短账期", "cash in advance": "预付现金",
	"no limit": "无额度", "over limit": "超额度", "warn": "预警", "ok": "正常", "over limit (cash terms)": "超额度（现金条款）", "ok (cash terms)": "正常（现金条款）",
	"Current": "未到期",
	// profit bases
	"cost": "成本数据", "estimated": "估计", "revenue-less-cts": "收入减服务成本", "unavailable": "不可用",
	// units and groups of parameters
	"day": "天", "week": "周", "month": "月", "date": "日期", "days": "天", "weeks": "周", "months": "月", "count": "次数", "money": "金额", "share": "占比",
	"cumulative share": "累计占比", "share or money": "占比或金额", "share or count": "占比或次数", "share of mean |CM|": "平均|CM|的占比",
	"per year": "每年", "per period": "每期", "per month": "每月", "periods": "期", "probability": "概率", "× IPT": "× 购买间隔",
	"share of limit": "额度占比", "terms": "条款", "share of price": "价格占比", "share of sales": "销售额占比", "categories": "品类数", "shares": "占比", "×": "倍", "share of customers": "客户占比",
	"General": "常规", "Pyramid": "金字塔", "Tiers": "分层", "Risk": "风险", "Churn": "流失", "Marketing": "营销", "share of CLV": "CLV 占比",
	"count-back": "倒推法", "simple 3-month": "简单三个月法",
}

// modelName translates a name the model gives; names it does not know are
// data (a region, an attribute value) and stay as they are.
func modelName(lang, n string) string {
	if lang == "zh" {
		if v, ok := names[n]; ok {
			return v
		}
		if k, ok := strings.CutPrefix(n, "Segment: "); ok {
			return "分群：" + modelName(lang, k)
		}
		if k, ok := strings.CutPrefix(n, "Action: "); ok {
			return "建议行动：" + modelName(lang, k)
		}
		if k, ok := strings.CutSuffix(n, " (grouped)"); ok {
			return modelName(lang, k) + "（分组）"
		}
		if k, ok := strings.CutSuffix(n, " (banded)"); ok {
			return modelName(lang, k) + "（分段）"
		}
	}
	return n
}

// noteTable holds the sentences the model writes (scheme notes, profit basis,
// risk and model messages), as patterns with their Chinese form. A note no
// pattern matches is shown in English.
var noteTable = []struct{ re, zh string }{
	{`^tie-aware percentile scoring, (\d+) levels$`, "按含并列的百分位评分，$1 级"},
	{`^pandas-compatible scoring, (\d+) levels$`, "与 pandas 兼容的评分，$1 级"},
	{`^absolute: High ≥ (\S+), Medium ≥ (\S+)$`, "绝对值：高 ≥ $1，中 ≥ $2"},
	{`^percentile: top (\S+) % High, next (\S+) % Medium$`, "百分位：前 $1 % 为高，其后 $2 % 为中"},
	{`^break-even when \|CM\| < (\S+)$`, "|CM| < $1 时视为盈亏平衡"},
	{`^recency ÷ own inter-purchase time: at risk > (\S+), lapsed > (\S+)$`, "最近购买天数 ÷ 自身购买间隔：有风险 > $1，流失 > $2"},
	{`^P\(alive\) \((\S+)\): active ≥ (\S+), lapsed < (\S+)$`, "存活概率（$1）：活跃 ≥ $2，流失 < $3"},
	{`^coefficient of variation of the days between purchases: periodic ≤ (\S+), concentrated ≥ (\S+); at least (\d+) purchase days$`, "购买间隔天数的变异系数：周期型 ≤ $1，集中型 ≥ $2；至少 $3 个购买日"},
	{`^New ≤ (\d+) days; growth band ±(\S+) % \(TTM vs prior 12 months\)$`, "新客 ≤ $1 天；增长区间 ±$2 %（近12个月对比前12个月）"},
	{`^A ≥ 80, B 65–79, C 50–64, D 35–49, E < 35$`, "A ≥ 80，B 65–79，C 50–64，D 35–49，E < 35"},
	{`^SME standard 2011 \((.*)\); revenue and assets in 万元$`, "中小企业划型标准 2011（$1）；营业收入与资产以万元计"},
	{`^values under (\S+) % of customers fold into Other$`, "客户占比低于 $1 % 的取值归入其他"},
	{`^values under (\S+) % of customers fold into Other; a customer's channel is the one with ≥ (\S+ %) of its sales, else Multi-channel \(channel_main_share\)$`,
		"客户占比低于 $1 % 的取值归入其他；客户的渠道为占其销售额 ≥ $2 的渠道，否则为多渠道（channel_main_share）"},
	{`^distinct values of "(.*)" bought up to the as-of date: few = 2 … (\d+), broad = (\d+) or more \(breadth_broad_min\)$`,
		"截至分析日购买的“$1”不同取值数：少数 = 2 … $2，广泛 = $3 个及以上（breadth_broad_min）"},
	{`^groups from attr_groups; values in no group are Other$`, "分组来自 attr_groups；未分组的取值归入其他"},
	{`^bands from attr_bands; lower bound included$`, "分段来自 attr_bands；含下限"},
	{`^(\d+) distinct numbers: bands at the quintiles \(rounded\); attr_bands sets them$`, "$1 个不同数值：按五分位数分段（取整）；可用 attr_bands 设定"},
	{`^(.*)by revenue \(trailing 12 months for revenue and margin\); Curry cut-offs, ZRL tier names$`, "${1}按收入排名（收入和毛利取近12个月）；Curry 分界，ZRL 层级名称"},
	{`^(.*)by margin \(trailing 12 months for revenue and margin\); Curry cut-offs, ZRL tier names$`, "${1}按毛利排名（收入和毛利取近12个月）；Curry 分界，ZRL 层级名称"},
	{`^(.*)by CLV \(trailing 12 months for revenue and margin\); Curry cut-offs, ZRL tier names$`, "${1}按终身价值排名（收入和毛利取近12个月）；Curry 分界，ZRL 层级名称"},
	{`^margin unavailable without cost data: ranked by revenue\. (.*)$`, "没有成本数据，无法计算毛利：按收入排名。$1"},
	{`^CLV not defined for this ledger: ranked by revenue\. (.*)$`, "此账簿无法定义终身价值：按收入排名。$1"},
	{`^CLV not defined for this ledger: (.*)$`, "此账簿无法定义终身价值：$1"},
	{`^neither model is usable$`, "两个模型都不可用"},
	{`^(auto: )?(BG/NBD|Pareto/NBD) is the one model usable: holdout MAE per customer (\S+)$`, "${1}$2 是唯一可用的模型：留出期每客户平均绝对误差 $3"},
	{`^(auto: )?(BG/NBD|Pareto/NBD) is the one model usable: BIC on the whole ledger \(no holdout: set calibration_end to compare forecasts\) (\S+)$`, "${1}$2 是唯一可用的模型：整个账簿上的 BIC（无留出期：设置 calibration_end 以比较预测）$3"},
	{`^(auto: )?(BG/NBD|Pareto/NBD) has the lower holdout MAE per customer: (\S+) vs (\S+) for (BG/NBD|Pareto/NBD)$`, "${1}$2 的留出期每客户平均绝对误差更低：$3 对 $5 的 $4"},
	{`^(auto: )?(BG/NBD|Pareto/NBD) has the lower BIC on the whole ledger \(no holdout: set calibration_end to compare forecasts\): (\S+) vs (\S+) for (BG/NBD|Pareto/NBD)$`, "${1}$2 在整个账簿上的 BIC 更低（无留出期：设置 calibration_end 以比较预测）：$3 对 $5 的 $4"},
	{`^90 % interval from the parameters' standard errors by the delta method \(parameter uncertainty only\)$`, "90 % 区间：由参数标准误按 delta 方法计算（仅含参数不确定性）"},
	{`^CLV intervals unavailable: the fit's Hessian is not invertible at the optimum$`, "终身价值区间不可用：拟合最优点的 Hessian 矩阵不可逆"},
	{`^calibration_end (\S+) is not before the as-of date (\S+): no holdout to check the models on$`, "calibration_end $1 不早于分析日期 $2：没有留出期可检验模型"},
	{`^no cost in the ledger: COGS = revenue × \(1 − (\S+) %\) assumed; every profit figure is estimated$`, "账簿没有成本：假设销售成本 = 收入 × (1 − $1 %)；所有利润数字均为估计"},
	{`^no cost in the ledger: profit is revenue less cost to serve; COGS and margin are unknown \(set assumed_gm_pct for a margin\)$`, "账簿没有成本：利润为收入减服务成本；销售成本和毛利未知（设置 assumed_gm_pct 以得到毛利）"},
	{`^no cost in the ledger: profit figures are n/a \(set assumed_gm_pct, or cost-to-serve rates for revenue less cost to serve\)$`, "账簿没有成本：利润数字不适用（设置 assumed_gm_pct，或设置服务成本费率以得到收入减服务成本）"},
	{`^the ledger has no payment data .*$`, "账簿没有付款数据（付款日期、付款金额或未收余额）：无法计算应收账款、账龄和信用风险"},
	{`^paid date and paid amount$`, "付款日期和付款金额"},
	{`^paid date \(invoices settled in full on it\)$`, "付款日期（发票于该日全额结清）"},
	{`^outstanding balance column \(as reported\)$`, "未收余额列（按报告）"},
	{`^IASB illustrative rates — replace with entity history(.*)$`, "IASB 示例损失率 — 请替换为企业自身历史$1"},
	{`^roll rates from the ledger's own history$`, "由账簿自身历史推算的迁移率"},
	{`^count-back$`, "倒推法"},
	{`^simple 3-month$`, "简单三个月法"},
	{`^written off / credit-impaired: 0$`, "已核销 / 信用减值：0"},
	{`^an invoice ≥ 91 days past due: capped at 40$`, "有发票逾期 ≥ 91 天：上限 40"},
	{`^simple (.+) CLV \((\S+)\), r = (\S+)/(\S+), d = (\S+) %/(\S+), T = (.+)$`, "简单终身价值（$1，$2），留存率 r = $3/$4，折现率 d = $5 %/$6，期限 T = $7"},
	{`^(BG/NBD|Pareto/NBD) \+ Gamma-Gamma (.+) CLV, (\d+) months at (\S+) %/month, unit (\S+) \((\S+) per month\)$`, "$1 + Gamma-Gamma 终身价值（$2），$3 个月，月折现率 $4 %，时间单位 $5（每月 $6）"},
	// the words the CLV labels above are built from
	{`^margin$`, "毛利"},
	{`^revenue$`, "收入"},
	{`^day$`, "天"},
	{`^week$`, "周"},
	{`^month$`, "月"},
	{`^quarter$`, "季度"},
	{`^year$`, "年"},
	{`^(\S+) years?$`, "$1 年"},
	{`^(BG/NBD|Pareto/NBD) fit failed: (.*)$`, "$1 拟合失败：$2"},
	{`^(BG/NBD|Pareto/NBD) fit unusable: (.*)$`, "$1 拟合不可用：$2"},
	{`^no dropout seen in this ledger \((a|s) = (\S+), (b|β) = (\S+)\): the model counts every customer as alive, so P\(alive\) and CLV from it are not meaningful$`,
		"账簿中未见流失（$1 = $2，$3 = $4）：模型视每位客户为存活，由此得到的存活概率和终身价值没有意义"},
	{`^the dropout estimate ran to its limit \(b = (\S+)\): customers are predicted to drop out after every purchase$`,
		"流失估计到达边界（b = $1）：模型预测客户每次购买后即流失"},
	{`^the purchase-rate estimate ran to its limit \(r = (\S+)\): the data do not pin down how often customers buy$`,
		"购买率估计到达边界（r = $1）：数据无法确定客户的购买频率"},
	{`^the dropout rates look the same for every customer \(s = (\S+), β = (\S+)\): the fit ran to the edge where Pareto/NBD has one common dropout rate, s/β = (\S+)$`,
		"各客户的流失率看来相同（s = $1，β = $2）：拟合到达 Pareto/NBD 所有客户共用同一流失率的边界，s/β = $3"},
	{`^Gamma-Gamma fit failed: (.*)$`, "Gamma-Gamma 拟合失败：$1"},
	{`^no standard errors: the log-likelihood is flat or not curved downwards in some direction at the optimum \(its Hessian cannot be inverted\), so this ledger does not pin the parameters down$`,
		"无标准误：对数似然在最优点的某个方向上平坦或不向下弯曲（其 Hessian 矩阵不可逆），本账簿无法确定这些参数"},
	{`^no standard errors or log-likelihood: the fit stopped at the edge of the parameter space, not at an optimum$`,
		"无标准误和对数似然：拟合停在参数空间的边界上，而非最优点"},
	{`^(\d+) customers have no document on or before the as-of date (\S+) and are not in the analysis$`, "$1 位客户在截至日期 $2 及之前没有单据，未纳入分析"},
	{`^total profit ≤ 0: the whale curve shows cumulative profit in money, not shares$`, "总利润 ≤ 0：鲸鱼曲线显示累计利润金额，而非占比"},
	{`^RFM: fewer customers \((\d+)\) than score levels \((\d+)\)$`, "RFM：客户数（$1）少于评分级数（$2）"},
	{`^pyramid: fewer than 20 customers$`, "金字塔：客户少于 20 位"},
	{`^probabilistic CLV unavailable \((.*)\): simple CLV shown instead$`, "概率模型终身价值不可用（$1）：改为显示简单终身价值"},
	{`^CLV pending: the probabilistic models are being fitted; it fills in when they land$`, "终身价值待定：正在拟合概率模型，拟合完成后填入"},
	{`^the probabilistic models are being fitted: CLV is n/a until they land$`, "正在拟合概率模型：拟合完成前终身价值不适用"},
}

// notes are noteTable compiled, at the first Chinese note: a command that
// shows none (report, export, the English view) does not pay for them at
// start-up (about 2 ms).
var notes = sync.OnceValue(func() []notePattern {
	ps := make([]notePattern, len(noteTable))
	for i, n := range noteTable {
		ps[i] = notePattern{regexp.MustCompile(n.re), n.zh}
	}
	return ps
})

type notePattern struct {
	re *regexp.Regexp
	zh string
}

// note is a model sentence in the user's language; a sentence inside
// another ("fit unusable: <why>") is translated too.
func (s *Shared) note(n string) string {
	if s.Lang != "zh" {
		return n
	}
	for _, p := range notes() {
		m := p.re.FindStringSubmatch(n)
		if m == nil {
			continue
		}
		var src strings.Builder
		at := make([]int, 0, 2*len(m))
		for i, g := range m {
			if i > 0 {
				g = s.note(g)
			}
			at = append(at, src.Len())
			src.WriteString(g)
			at = append(at, src.Len())
		}
		return string(p.re.ExpandString(nil, p.zh, src.String(), at))
	}
	return n
}

// paramZh is each parameter's help in Chinese (the English is the model's).
var paramZh = map[string]string{
	"as_of":                      "分析日期；其后的行不计入（留空：账簿最后日期）",
	"default_terms_days":         "发票没有到期日时使用的账期",
	"rfm_window_days":            "计算 R、F、M 使用的历史天数（0：全部）",
	"rfm_bins":                   "评分级数（5 为五分位，4 为四分位）",
	"rfm_scoring":                "tie：含并列的百分位（§1.2 D）；pandas：与 qcut 先排名兼容（§1.2 A）",
	"rfm_frequency_unit":         "F 统计购买单据数或购买天数",
	"rfm_monetary":               "M 为净收入（合计）、每次购买均值或贡献毛利",
	"rfm_r_breaks":               "自定义最近购买分界点（留空：按分位数评分）",
	"rfm_f_breaks":               "自定义频次分界点，例如 2, 3, 5, 8",
	"rfm_m_breaks":               "自定义金额分界点",
	"rfm_segment_map":            "分群 = RF 代码（R·10 + F）；未列出的代码归入其他",
	"pyramid_key":                "按近12个月收入、毛利或终身价值为客户排名",
	"pyramid_cutoffs":            "铂金、黄金、铁的累计占比分界（Curry 1/4/15/80）",
	"pyramid_lead_nonpositive":   "排名指标 ≤ 0 的客户一律为铅（ZRL）",
	"spend_tier_mode":            "消费分层按百分位或按绝对金额",
	"spend_tier_cutoffs":         "高、中：累计占比（百分位）或由低到高的下限（绝对）",
	"frequency_tier_mode":        "频次分层按百分位或绝对次数",
	"frequency_tier_cutoffs":     "高、中的分界",
	"clv_tier_cutoffs":           "价值高、中的分界（20 % / 30 % / 50 %）",
	"cts_per_order":              "每张购买单据的服务成本",
	"cts_per_line":               "每个账簿行的服务成本",
	"cts_per_return":             "每张贷项通知 / 退货的成本",
	"cts_return_value_pct":       "逆向物流成本占退货金额的比例",
	"cts_per_late_invoice":       "每张逾期付款发票的催收成本",
	"assumed_gm_pct":             "账簿没有成本时假设的毛利率（留空：不设置）",
	"breakeven_eps_pct":          "|CM| 低于此值视为盈亏平衡",
	"clv_simple_convention":      "GL m·r/(1+d−r)；OF m/(1+d−r)；BL m(1+d)/(1+d−r)（Fader & Hardie note 024）",
	"discount_rate_annual":       "折现率 d",
	"clv_horizon_years":          "有限期限 T（期数；0：无限）",
	"retention_override":         "留存率 r（留空：由账簿的客户群估计）",
	"clv_period":                 "简单终身价值模型的期间",
	"clv_model":                  "bgnbd：BG/NBD + Gamma-Gamma；pnbd：Pareto/NBD + Gamma-Gamma（拟合失败时用简单模型）；auto：留出期拟合更好者（无留出期时按 BIC）；simple：仅 §4.1",
	"calibration_end":            "在此日期之前拟合计数模型，并用其后的账目检验预测（空：不留出）",
	"exp_purchases_days":         "预期购买次数的期限",
	"model_time_unit":            "BG/NBD 汇总的时间单位（周 = 天 / 7）",
	"clv_horizon_months":         "BG/NBD 终身价值的期限",
	"clv_monthly_discount":       "BG/NBD 终身价值的月折现率（0.01 ≈ 年 12.7 %）",
	"days_per_month":             "按天计时每月的天数（30 与 lifetimes 相同；30.4375 = 365.25/12）",
	"bgnbd_penalizer":            "BG/NBD 拟合的 L2 惩罚（重试 0.001、0.01）",
	"p_alive_variant":            "存活概率公式：bgnbd（一次性购买者为 1）或 mbgnbd",
	"churn_method":               "流失状态按最近购买 ÷ 购买间隔（ratio）或存活概率区间",
	"p_alive_active":             "存活概率不低于此值为活跃",
	"p_alive_lapsed":             "存活概率低于此值视为很可能已流失",
	"churn_at_risk_ratio":        "最近购买 / 购买间隔高于此值为有风险",
	"churn_lapsed_ratio":         "最近购买 / 购买间隔高于此值为流失",
	"churn_min_gap_days":         "客户购买间隔的下限",
	"lifecycle_new_days":         "合作时长不超过此天数为新客",
	"lifecycle_growth_pct":       "近12个月对比前12个月的变化达到此值为成长 / 衰退",
	"pattern_min_purchases":      "判断消费模式所需的购买日数（更少：购买次数不足）",
	"pattern_periodic_cv":        "购买间隔的变异系数不高于此值为周期型",
	"pattern_burst_cv":           "购买间隔的变异系数不低于此值为集中型（集中购买后长时间停顿）",
	"attr_groups":                "属性取值分组，每个属性成为一个方案：\"地区: 沿海 = 华东, 华南; 地区: 内陆 = 西南\"",
	"attr_bands":                 "数值属性分段（含下限）：\"从业人员: 50, 250; 年龄: 30, 45, 60\"",
	"channel_main_share":         "多渠道客户的最大渠道占其销售额达到此比例时归入该渠道，否则为多渠道",
	"breadth_broad_min":          "客户购买品类数达到此值为品类广泛（2 至其下为少数品类）",
	"cost_of_capital_k":          "年资金成本：应收账款的占用成本 = 收入 × 回款天数 / 365 × k（风险调整利润）",
	"target_margin":              "风险定价的最低价格须保留的利润率（0：扣除风险与占用成本后盈亏平衡）",
	"early_payment_terms":        "提供的现金折扣条款 d/D net N：其隐含年利率，以及对哪些客户划算",
	"early_warning_rise":         "细分的退货占比、逾期占比或预期损失率较基准或前期上升达到此值即预警",
	"segment_actions":            "各细分的建议行动（覆盖默认行动手册）：\"rfm: At Risk = 一周内致电; pyramid: Lead = 仅线上服务\"",
	"cohort_period":              "获客同期群按首次购买的月份或季度划分",
	"marketing_scheme":           "营销投入与预算按哪个分群方案的细分（pyramid、rfm、region …）",
	"marketing_spend":            "各细分的营销投入：\"Platinum = 20000; Gold = 15000\"（或 --spend 文件）",
	"marketing_budget":           "预算分配助手在各细分之间分配的预算（0：不分配）",
	"marketing_bounds":           "各细分的分配上下限 min..max：\"Platinum = 5000..30000; Lead = ..10000\"",
	"marketing_rule":             "分配方式：按 ROMI 贪心分配，或按 客户数 × 平均 CLV 比例分配",
	"marketing_clv_uplift":       "假设投入使细分 CLV 增加的比例（基于 CLV 的 ROMI；0：不适用）",
	"aging_basis":                "应收账龄按到期日（IFRS 9 逾期）或发票日期计算",
	"aging_edges":                "账龄区间边界：未到期 ≤ 第一个 < … ≤ 最后一个 < 最后区间",
	"dso_method":                 "主要周转天数：倒推法或简单三个月法",
	"dso_month_days":             "周转天数中的月长度：日历天数或 30",
	"loss_rates":                 "各账龄区间的损失率（IASB 示例 0.3/1.6/3.6/6.6/10.6 %）",
	"lossrate_source":            "示例损失率，或由账簿迁移率推算",
	"forward_looking_multiplier": "损失率的前瞻性调整倍数",
	"lossrate_lookback_months":   "迁移率使用的历史月数",
	"writeoff_candidate_dpd":     "发票逾期达到此天数即为核销候选",
	"util_warn":                  "触发预警的额度使用率",
	"util_over":                  "高于此额度使用率为超额度",
	"credit_score_weights":       "付款、逾期30天以上、额度使用、趋势、合作时长的权重（合计 1）",
	"lgd":                        "无担保贸易债权的违约损失率",
	"attr_min_share":             "客户占比低于此值的属性取值归入其他",
}

// paramHelp is a parameter's help in the user's language.
func (s *Shared) paramHelp(spec model.ParamSpec) string {
	if s.Lang == "zh" {
		if h, ok := paramZh[spec.Key]; ok {
			return h
		}
	}
	return spec.Help
}
