//! Mistakes in model files, the run config and a tiled run's plan, in Chinese.

use super::super::*;

impl ModelMistake {
    pub(in crate::msg) fn zh(&self) -> String {
        match self {
            ModelMistake::Expr { text, detail } => format!("无法读取公式 expr \"{text}\"：{detail}"),
            ModelMistake::DuplicateKey => "key 重复".into(),
            ModelMistake::KeyNotColumnName => "key 会作为列名：请只用字母、数字和 _，且不以数字开头".into(),
            ModelMistake::NoIndicators => "没有任何 [[indicator]] 指标".into(),
            ModelMistake::NegativeWeight { weight } => format!("weight 应为不小于 0 的数，实为 {weight}"),
            ModelMistake::LinearSame { from, to } => format!("linear = [{from}, {to}] 的两个值应不同"),
            ModelMistake::StepsEmpty => "steps 为空".into(),
            ModelMistake::StepsNotAscending => "steps 的分段点应严格递增，如 steps = [[0, 10], [10, 40], [20, 80]]".into(),
            ModelMistake::CategoriesEmpty => "categories 为空".into(),
            ModelMistake::CategoriesNotAttribute => "categories 只适用于 source = \"attribute\"".into(),
            ModelMistake::OneNormalisation => "将取值换算为分值的 `linear`、`minmax`、`steps`、`categories` 至多给出一个".into(),
            ModelMistake::RangeReversed { lo, hi } => format!("range = [{lo}, {hi}] 应由小到大"),
            ModelMistake::RangeWithCategories => "range 只适用于数值指标；categories 已列出有效取值".into(),
            ModelMistake::UncertaintyCategorical { value } => format!("uncertainty = {value} 只适用于数值指标；类别取值没有不确定度"),
            ModelMistake::UncertaintyShare { value } => format!("uncertainty = {value} 应为 0 至小于 1 的比例（0.1 即 ±10%）"),
            ModelMistake::EmptyTableKey => "空的键匹配不到任何取值；缺值由 `missing = …` 处理".into(),
            ModelMistake::KeysFold { folded } => format!("有两个键都读作“{folded}”（键去除首尾空格、全角字母数字按半角匹配）"),
            ModelMistake::NotIndicatorKey { what, key, keys } => format!("{what} = '{key}' 不是指标的 key（{}）", list(keys)),
            ModelMistake::AhpWeighted { indicator } => format!("指标“{indicator}”写了 weight；使用 [ahp] 时权重由判断矩阵导出，请删除"),
            ModelMistake::AhpOrderRows { order, rows } => format!("order 列出 {order} 个指标，判断矩阵却有 {rows} 行"),
            ModelMistake::AhpInconsistent { cr, lambda_max } => {
                format!("判断矩阵一致性不满足：一致性比率 CR = {cr:.3}（λmax = {lambda_max:.3}），应小于 0.1；请修改两两比较的判断")
            }
            ModelMistake::AhpSize { max, rows } => format!("判断矩阵应有 1 至 {max} 行，实有 {rows} 行"),
            ModelMistake::AhpNotSquare { row, entries, n } => format!("判断矩阵应为方阵：第 {row} 行有 {entries} 个元素，应为 {n} 个"),
            ModelMistake::AhpEntry { row, column, value } => format!("元素 ({row}, {column}) 应为正数，实为 {value}"),
            ModelMistake::AhpNotReciprocal { row, column, value, opposite } => {
                format!("判断矩阵应互反：元素 ({row}, {column}) = {value}，而 ({column}, {row}) = {opposite}（应为 {:.4}）", 1.0 / value)
            }
            ModelMistake::Judgement { text } => format!("无法读取判断值“{text}”：请写数值或分数，如 \"1/3\""),
            ModelMistake::MatrixShape { lengths } => {
                format!("table 应为至少 2 × 2 的矩形（行为可能性等级，列为严重性等级）；各行长度为 {lengths:?}")
            }
            ModelMistake::MatrixEntry { value } => format!("table 的元素应为风险等级 1–4，实为 {value}"),
            ModelMistake::MatrixClasses { axis, indicator, classes } => {
                let axis = match axis {
                    MatrixAxis::Likelihood => "可能性",
                    MatrixAxis::Severity => "严重性",
                };
                format!("{axis}指标“{indicator}”应给出 1–{classes} 的整数等级（请用 steps 或 categories）")
            }
            ModelMistake::ConditionUnreadable { condition } => {
                format!("无法读取条件“{condition}”；请写成 名称 运算符 值，如 `hidden_dangers > 0` 或 `grade == \"D\"`")
            }
            ModelMistake::ConditionTextOp { condition } => format!("条件“{condition}”：文本只能用 == 或 != 比较"),
            ModelMistake::MissingNotFinite { value } => format!("missing = {value} 不是有限数值"),
            ModelMistake::MissingWord { word } => format!("missing = \"{word}\"：请写 \"error\"、\"reject\"、\"zero\"、\"worst\" 或一个数值"),
            ModelMistake::LayerNotInInputs { layer } => format!("读取的图层“{layer}”未列在 [inputs] 的 exposure、hazard 或 capacity 中"),
            ModelMistake::AccidentEmpty => "accidents：有一个事故类型为空".into(),
            ModelMistake::FieldNameEmpty { key } => format!("[fields] {key}：名称为空"),
            ModelMistake::FieldNotRead { key, reads } => format!("[fields] 写了“{key}”，但模型并不从对象读取该字段；模型读取的字段为：{}", list(reads)),
            ModelMistake::ObjectsRaster { layer } => format!("[inputs] objects = “{layer}”是栅格图层；评估对象应为矢量图层"),
            ModelMistake::ReservedKey { reserved } => format!("该 key 已被输出列占用（{}；以及 *_score）", list(reserved)),
            ModelMistake::FormulaVariable { name, layer } => {
                format!("公式变量“{name}”既不是前面的数值指标、内置量（length_m、area_m2），也不是图层“{layer}”的字段")
            }
            ModelMistake::SensitivityAhp { detail } => format!("敏感性分析：{detail}"),
            ModelMistake::NotLoaded { layer, raster: false } => format!("图层“{layer}”不是已加载的矢量图层"),
            ModelMistake::NotLoaded { layer, raster: true } => format!("图层“{layer}”不是已加载的栅格"),
            ModelMistake::Thresholds { red, orange, yellow } => {
                format!("阈值应满足 red > orange > yellow，实为 red = {red}、orange = {orange}、yellow = {yellow}")
            }
        }
    }
}

impl ConfigMistake {
    pub(in crate::msg) fn zh(&self) -> String {
        match self {
            ConfigMistake::CannotListDomains { detail } => format!("无法列出 domains 目录中的文件：{detail}"),
            ConfigMistake::Colour { name, value } => format!("colours.{name} = \"{value}\" 不是形如 \"#E60000\" 的颜色"),
            ConfigMistake::FieldsEmptyName => "fields：模型字段名和列名都不能为空".into(),
            ConfigMistake::FieldsSameColumn { first, second, column } => format!("fields 把“{first}”和“{second}”都对应到列“{column}”；一列只能对应一个字段"),
            ConfigMistake::HeaderRowZero => "header_row 从 1 开始计数，与 Excel 的行号（CSV 的行）一致".into(),
            ConfigMistake::HeaderRowsZero => "header_rows 是表头所占行数：至少为 1".into(),
            ConfigMistake::HeaderNotTable => "header_row 和 header_rows 只适用于表格文件（.xlsx、.xls、.ods、.csv）".into(),
            ConfigMistake::Password { what } => {
                format!("{what} 中含有密码；请将其写入 ~/.pgpass、PGPASSFILE 所指文件或 pg_service.conf 中的服务（PG:service=名称），由 libpq 读取")
            }
            ConfigMistake::CountEmpty { name } => format!(
                "{name} = {{ }} 没有给出任何计数；请至少给出 red_objects、orange_objects、yellow_objects、red_domains、orange_domains 之一（如 {name} = {{ red_objects = 1 }}）"
            ),
            ConfigMistake::CountZero { name } => format!("{name}：计数 0 任何区域都满足；计数从 1 开始"),
            ConfigMistake::RegionalWeights => "weights 应为不小于 0 的数".into(),
            ConfigMistake::ValuesOrder { red, orange, yellow, blue } => {
                format!("values：应满足 red > orange > yellow > blue ≥ 0，实为 {red} / {orange} / {yellow} / {blue}")
            }
            ConfigMistake::CapacityNoFactors => "method = \"capacity\" 需要 [[comprehensive.capacity]] 防控能力因子（如到最近消防站的距离）".into(),
            ConfigMistake::CapacityNoPopulation => {
                "method = \"capacity\" 需要 comprehensive.population = { layer = \"…\", field = \"…\" }：以人口分布为各因子加权".into()
            }
            ConfigMistake::CapacitySteps => "steps 应从 0 米开始并递增，如 [[0, 0.9], [1500, 1.0], [3000, 1.2]]".into(),
            ConfigMistake::CapacityNotPositive => "各系数和 weight 应为大于 0 的数".into(),
            ConfigMistake::CapacityWeights { total } => format!("[[comprehensive.capacity]] 的权重之和为 {total}，应为 1"),
            ConfigMistake::WeightsNotDomain { kind, key, ids } => format!("comprehensive（{kind}）：weights 中的“{key}”不是本次运行的领域（{}）", list(ids)),
            ConfigMistake::ReportTemplate { detail } => format!("报告模板：{detail}"),
            ConfigMistake::ReferenceDocx { why } => match why.as_ref() {
                ReferenceDocxWhy::CannotOpen { detail } => format!("参考 .docx：无法打开：{detail}"),
                ReferenceDocxWhy::NotDocx { detail } => format!("参考 .docx：不是 Word 文档（.docx）：{detail}"),
                ReferenceDocxWhy::Part(m) => format!("参考 .docx：{}", m.zh()),
            },
            ConfigMistake::TwoNames { new, old } => format!("{new} 与 {old} 是同一节（{old} 是旧名称）；请保留 {new}"),
            ConfigMistake::CannotReadFolder { detail } => format!("无法读取该目录：{detail}"),
            ConfigMistake::NoModel { id, ids } => format!("没有 id 或 key 为“{id}”的模型；现有：{}", list(ids)),
            ConfigMistake::StreetsNotPolygons { layer } => format!("streets.layer “{layer}”应为面矢量图层"),
            ConfigMistake::ComprehensiveNotVector { layer } => format!("comprehensive：图层“{layer}”应为矢量图层（设施点或居住人口点）"),
            ConfigMistake::WeightsMissing { kind, id } => {
                format!("comprehensive（{kind}）：weights 没有 {id} 的权重；请为每个领域给出权重（0 表示不计入综合等级）")
            }
        }
    }
}

impl PlanMistake {
    pub(in crate::msg) fn zh(&self) -> String {
        match self {
            PlanMistake::GridWritten { text } => format!("“{text}”：分块网格应写成 列数x行数，如 3x3"),
            PlanMistake::SizeWritten { text } => format!("“{text}”：分块大小应写成如 5km、800m 或 5000（米），网格如 3x3"),
            PlanMistake::PlanUnreadable { detail } => format!("无法读取分块方案：{detail}（可用 `sise plan` 生成）"),
            PlanMistake::NotAPlan { detail } => format!("不是本版本 `sise plan` 写出的分块方案（{detail}）；请重新生成方案"),
            PlanMistake::PlanStale { config } => format!("方案生成后 {config} 或其模型文件已改动；请重新生成方案（sise plan）并重新运行每个单元"),
            PlanMistake::CrsOrCell => "方案的工作坐标系或网格大小与运行配置不同；请重新生成方案".into(),
            PlanMistake::NoReach => "没有指标涉及其他要素".into(),
            PlanMistake::Unbounded { indicator } => {
                format!("指标“{indicator}”查找任意距离内的最近要素，任何缓冲带都容纳不下；如需分块运行，请给出搜索半径（`radius_m = …`：更远按该距离计）")
            }
            PlanMistake::HaloTooSmall { halo, reach_of, reach_m, cell } => format!(
                "--halo {halo} 米过小：{reach_of} 查找 {reach_m} 米以内的要素，缓冲带至少应为 {} 米（{reach_m} 米加一个 {cell} 米网格）",
                reach_m + cell
            ),
            PlanMistake::PlanHaloTooSmall { halo, reach_of, reach_m } => {
                format!("方案的缓冲带 {halo} 米过小：{reach_of} 查找 {reach_m} 米以内的要素；请重新生成方案")
            }
            PlanMistake::UnitNotInPlan { index, last } => format!("方案中没有单元 {index}，方案的单元为 0–{last}"),
            PlanMistake::UnitVariable { var, value } => format!("{var}={value} 不是单元编号"),
            PlanMistake::NeedsUnit => "--plan 需要 --unit K（或由集群引擎设置的 JOB_COMPLETION_INDEX / SLURM_ARRAY_TASK_ID）".into(),
            PlanMistake::Unfinished { missing, total, units } => format!(
                "{total} 个单元中有 {} 个尚未完成（没有 UNIT/unit.json）：{}；请运行它们（sise run CONFIG --plan PLAN --unit K --out {}）后再合并",
                missing.len(),
                list(missing),
                units.display()
            ),
            PlanMistake::Stale { units } => format!("单元 {} 是用其他方案、配置、模型文件或 sise 版本运行的；请重新运行后再合并", list(units)),
            PlanMistake::NoStreetPolygons => "街镇图层没有可切分的面".into(),
        }
    }
}
