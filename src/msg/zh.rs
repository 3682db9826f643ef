//! The messages in Chinese.

use super::*;

impl Msg {
    pub(super) fn zh(&self) -> String {
        match self {
            Msg::FileNotFound => "文件不存在（请检查运行配置中的 path；相对路径相对于运行配置文件所在目录）".into(),
            Msg::CannotRead { detail } => format!("无法读取文件：{detail}"),
            Msg::CannotOpen { detail } => format!("GDAL 无法打开：不是 GDAL 能读取的矢量或栅格格式，或文件已损坏{detail}"),
            Msg::NoSuchLayer { have } => format!("文件中没有该图层；现有图层：{}", list(have)),
            Msg::ManyLayers { have } => format!("文件中有 {} 个图层（{}）；请用 layer = \"…\" 指定一个", have.len(), list(have)),
            Msg::NoCrs { guess } => match guess {
                CrsGuess::Projected { x, y, crs, words } => {
                    format!("图层未声明坐标系；其坐标（{x:.0}, {y:.0}）以米为单位，按 {crs}（{words}）恰好落在工作坐标系的适用范围内：请在其 [layers.*] 中加入 crs = \"{crs}\"")
                }
                CrsGuess::Metres { x, y } => format!(
                    "图层未声明坐标系；其坐标（{x:.0}, {y:.0}）以米为单位而非经纬度，常用坐标系（{}）都不能将其落在工作坐标系的适用范围内：请在其 [layers.*] 中加入数据实际所用的 crs = \"EPSG:…\"",
                    COMMON_NAMES
                ),
                _ => "图层未声明坐标系；请在其 [layers.*] 中加入 crs = \"EPSG:4326\"（WGS84 或网络地图经纬度）或 \"EPSG:4490\"（CGCS2000）".into(),
            },
            Msg::UnknownCrs { crs, detail } => format!("无法识别的坐标系“{crs}”：{detail}"),
            Msg::IdFieldMissing { id, have } => format!("id_field“{id}”不是该图层的字段；现有字段：{}", list(have)),
            Msg::IdEmpty { field } => format!("编号字段“{field}”为空"),
            Msg::DuplicateId { first } => format!("编号重复：{first}已使用该编号；同一图层内编号必须唯一"),
            Msg::NoGeometry => "没有坐标或几何（为空）".into(),
            Msg::InvalidPolygon => "面几何无效（自相交或环嵌套错误）；请修复（ogr2ogr -makevalid），或在运行配置中设置 repair_invalid_geometry = true".into(),
            Msg::MixedKinds { this, earlier } => format!("该要素是{}，但前面的要素是{}；一个图层只能有一种几何类型", kind_zh(this), kind_zh(earlier)),
            Msg::NotLonLat { x, y } => format!("（{x}, {y}）不是经纬度；经纬度是否颠倒，或坐标系是否有误？"),
            Msg::NotUtf8Field { field, layer } => {
                format!("字段“{field}”中的文字不是有效的 UTF-8；请在 [layers.{layer}] 中设置编码（如 encoding = \"GBK\"），或将文件另存为 UTF-8")
            }
            Msg::MappedColumnMissing { model, column, have } => format!("fields 将“{model}”对应到列“{column}”，但文件中没有该列；现有列：{}", list(have)),
            Msg::MappedNameTaken { model, column } => format!("fields 将列“{column}”对应为“{model}”，但文件中已有名为“{model}”的列；请调整对应关系或重命名其中一列"),
            Msg::NoHeaderRow { sheet, wanted, searched, guess } => {
                let wanted = match wanted {
                    Some((x, y)) => format!("“{x}”和“{y}”"),
                    None => "经度/纬度（或 lon/lat、longitude/latitude、x/y）".into(),
                };
                let fix = match guess {
                    Some((row, x, y)) => format!(
                        "第 {row} 行下方的“{x}”“{y}”两列为坐标：请在该图层的配置中加入 header_row = {row}、x_field = {} 和 y_field = {}",
                        toml_str(x),
                        toml_str(y)
                    ),
                    None => "请在该图层的配置中设置 header_row（表头所在行号）以及 x_field/y_field（坐标列）".into(),
                };
                format!("{}找不到表头：前 {searched} 个非空行都没有坐标列 {wanted}；{fix}", sheet_zh(sheet))
            }
            Msg::HeaderRowEmpty { sheet, row } => format!("header_row = {row}，但{}第 {row} 行为空", sheet_zh(sheet)),
            Msg::HeaderTwice { sheet, row, name, first, second } => format!("{}第 {row} 行表头中“{name}”出现两次（{first} 列和 {second} 列）", sheet_zh(sheet)),
            Msg::NoCoordinateColumns { sheet, row, have } => {
                format!("{}第 {row} 行表头中没有坐标列；现有列：{}；请设置 x_field 和 y_field", sheet_zh(sheet), list(have))
            }
            Msg::CoordinateNotRead { value, column, why } => format!("“{column}”列的坐标“{value}”{why}"),
            Msg::FieldMissing { field, have } => {
                format!("缺少{field}；该图层现有字段：{}；如其中某列即为此项，请在该图层的配置中用 fields = {{ {} = \"…\" }} 对应", list(have), toml_key(&field.key))
            }
            Msg::NotANumber { field, text, why } => format!("{field}应为数值，实为“{text}”：{why}；请在文件中更正，或加 --keep-going 运行以剔除该要素"),
            Msg::NotAYear { field, text, why } => format!("{field}应为年份，实为“{text}”：{why}；请在文件中更正，或加 --keep-going 运行以剔除该要素"),
            Msg::NotFinite { field, value } => format!("{field}的值为 {value}，不是有效数值；请在文件中更正，或加 --keep-going 运行以剔除该要素"),
            Msg::FieldEmpty { field } => format!("{field}为空；请补填，或加 --keep-going 运行以剔除该要素"),
            Msg::EmptyNoRule { gap, reader, options, model } => {
                format!("{}；请补填，或在模型文件 {model} 的{}上用 missing = {} 说明空值的含义", gap.words(reader), reader.rule_at(), choices(options))
            }
            Msg::EmptyRejected { field, reader, model } => format!("{field}为空；模型文件 {model} 的{}规定 missing = \"reject\"（不参评）", reader.rule_at()),
            Msg::UnknownCategory { field, reader, value, model, have } => {
                format!("{field}{}为“{value}”，不是模型文件 {model} 规定的取值（{}）", reader.role(), list(have))
            }
            Msg::OutOfRange { indicator, value, lo, hi, model } => format!("指标“{indicator}”为 {value}，超出模型文件 {model} 规定的范围 [{lo}, {hi}]"),
            Msg::Outside { metres, street, tolerance, n, cause, layer } => format!(
                "对象位于区外 {metres:.0} 米（最近的街镇为{street}），超过 outside_tolerance_m = {tolerance}；该图层共有 {n} 个对象位于区外，{}",
                cause.words(layer)
            ),
            Msg::AllOutside { n, cause, layer } => format!(
                "该图层全部 {n} 个对象都位于区外，clip_to_district 将使该领域没有可评估的对象；{}",
                match cause {
                    Cause::SimplyOutside => format!("[layers.{layer}] 是否为其他区的文件？请核对其路径和本区的街镇图层"),
                    c => c.words(layer),
                }
            ),
            Msg::FarContext { km, margin, layer } => format!(
                "距本区 {km} 公里，超出区界 {margin} 米以上：经纬度是否颠倒、坐标系是否有误，或是否有未声明的 GCJ-02/BD-09 偏移？（请在 [layers.{layer}] 中设置 crs/offset，或调整 context_margin_m）"
            ),
            Msg::NotUtf8 { dbf, decodes_as, section } => {
                let what = if *dbf { "属性表（.dbf，无 .cpg 文件）" } else { "文件中的文字" };
                let hint = match decodes_as {
                    Some(e) => format!("按 {e} 可以正确解码：请在其 {section} 中加入 encoding = \"{e}\""),
                    None => format!("请在其 {section} 中注明编码（如 encoding = \"GBK\"），或将文件另存为 UTF-8"),
                };
                format!("{what}不是 UTF-8 编码，且未注明编码；{hint}")
            }
            Msg::UnknownEncoding { label } => format!("encoding = \"{label}\" 不是 sise 认识的编码；请使用如 \"GBK\"、\"GB18030\"、\"Big5\" 或 \"UTF-8\""),
            Msg::BadBytes { encoding, section } => format!("部分字节不是有效的 {encoding} 编码；请检查其 {section} 中的 encoding"),
            Msg::EncodingNotApplicable { label } => format!("encoding = \"{label}\" 只适用于 Shapefile（.dbf）、CSV 和 GeoJSON；该格式总是 UTF-8，请删除此项"),
            Msg::DomainValid { id, name, version, objects, layer, indicators } => {
                format!("通过  {id} {name}（{version}）：图层“{layer}”的 {objects} 个对象已评分，{indicators} 个指标")
            }
            Msg::Rewritten { layer, field, rewrites: r } => format!("图层“{layer}”{field}：以下数值经规整后读取（{}）", rewrites(r)),
            Msg::Rejected { domain, layer, id, reason } => format!("不参评  {domain} 图层“{layer}”编号 {id}：{reason}"),
            Msg::ConfigValid { layers, streets } => format!("通过  {layers} 个图层，{streets} 个街镇；运行配置有效"),
            Msg::QualityLine { id, name, registered, complete, pct, short } => {
                format!("{id} {name:<10} 登记 {registered:>5} 个，可评估 {complete:>5} 个（{pct:.1}%）{}", if *short { "  未达 80%" } else { "" })
            }
            Msg::QualityWritten { path } => format!("数据质量报告已写入 {path}"),
            Msg::BadSetting { key, value, wants } => format!("{key} = {value} {}", wants.words()),
            Msg::NotALayer { key, name, config, have } => format!("{key} = “{name}”不是 {config} 中的 [layers.*] 图层（现有：{}）", list(have)),
            Msg::WrongGeometry { model, file, needs, has } => {
                format!("几何类型不符：模型 {model}（{file}）评估{}对象，但该图层是{}图层", kind_zh(needs), kind_zh(has))
            }
            Msg::VetoFieldMissing { line, condition, name, layer } => {
                let key = toml_key(name);
                format!("第 {line} 行 [[veto]] 条件“{condition}”：“{name}”既不是指标，也不是图层“{layer}”的字段；如该图层以其他列名保存此项，请在 [layers.{layer}] 中用 fields = {{ {key} = \"…\" }} 对应")
            }
            Msg::LayerKind { line, indicator, layer, has, needs } => {
                format!("第 {line} 行指标“{indicator}”：图层“{layer}”为{}；该数据来源需要{}", has.words(), needs.words())
            }
            Msg::NoTableHeader { wanted, searched } => format!("找不到表头：前 {searched} 个非空行都没有以下任一列：{}", list(wanted)),
            Msg::ReviewColumnMissing { column, have } => {
                format!("专家研判调整表缺少“{column}”列；现有列：{}；可用 sise template 生成含全部列的调整表", list(have))
            }
            Msg::ReviewEmpty { column } => format!("“{column}”为空；每条调整须填写领域、对象编号、调整后等级、理由、专家和日期"),
            Msg::ReviewUnknownDomain { domain, have } => format!("未知领域“{domain}”；本次评估的领域：{}", list(have)),
            Msg::ReviewUnknownObject { domain, id, layer } => {
                format!("领域 {domain} 中没有编号为 {id} 的评估对象（图层“{layer}”）；请核对编号，对象已撤销的请删除该行")
            }
            Msg::ReviewBadLevel { value } => format!("调整后等级“{value}”无效：应为 1～4 或 重大/较大/一般/低（重大风险等）"),
            Msg::ReviewBadDate { value } => format!("日期“{value}”无效，应如 2025-03-12"),
            Msg::ReviewTwice { domain, id, first } => format!("{domain} 对象 {id} 有第二条调整（第一条在{first}）；每个对象只保留一行"),
            Msg::OffsetNeedsLonLat { offset } => {
                format!("offset = \"{offset}\" 用于纠正经纬度偏移，但该图层的坐标系为投影坐标（米）；请将 crs 设为其经纬度坐标系（如 EPSG:4326），或删除 offset")
            }
            Msg::NoFeatureId { fid, field } => format!("要素 {fid}：字段“{field}”中没有要素编号；请补填，或加 --keep-going 运行以剔除该要素"),
            Msg::FormulaNotFinite { indicator, expr, value } => format!("指标“{indicator}”的计算式 {expr} 结果为 {value}（是否除以零？）"),
            Msg::BadControlFactor { field, value } => format!("管控系数字段“{field}”须为正数，实际为 {value}"),
            Msg::NotAClass { indicator, value, max } => format!("指标“{indicator}”的分值为 {value}，不是 1–{max} 的等级"),
            Msg::StreetNotPolygon { id } => format!("要素编号“{id}”：街镇须为面要素"),
            Msg::DomainTwice { id, first, second } => format!("领域编号 {id} 重复出现（{first} 与 {second}）"),
            Msg::RasterUnreadable { what, detail } => format!("无法读取栅格的{}：{detail}", if *what == "geotransform" { "地理变换参数" } else { "第 1 波段" }),
            Msg::UnreadableGeometry { repair: false, detail } => format!("几何无法读取：{detail}"),
            Msg::UnreadableGeometry { repair: true, detail } => format!("无效几何无法修复（MakeValid 失败：{detail}）"),
            Msg::FieldUnreadable { field, detail } => format!("{field}无法读取：{detail}"),
            Msg::SourceNeeds { source, key } => {
                let hint = match *key {
                    "radius_m" => "（米）",
                    "stat" => "（mean、max 或 sum）",
                    _ => "",
                };
                format!("source = \"{source}\" 需要 `{key}`{hint}")
            }
            Msg::RadiusNotPositive { value } => format!("radius_m 应为正数，实为 {value}"),
            Msg::UnknownSource { name, names } => format!("未知的 source \"{name}\"，应为以下之一：{}", list(names)),
            Msg::KeyNotForSource { key, source } => format!("`{key}` 不适用于 source = \"{source}\""),
            Msg::MissingNotFor { why } => match why {
                MissingMisfit::NumberForCategory => "分类指标没有可代替缺失值的数值；请用 missing = \"worst\"、\"reject\" 或 \"error\"".into(),
                MissingMisfit::WorstNearby => "此处 missing 针对周边各要素的字段值，\"worst\" 无意义：请用 \"zero\"、数值、\"reject\" 或 \"error\"".into(),
                MissingMisfit::RejectNoData => "此处缺失指对象处没有危险性区域或栅格数据；\"reject\" 只用于字段值：请用数值、\"worst\" 或 \"error\"".into(),
                MissingMisfit::WorstUnbounded => "missing = \"worst\" 需要声明 `range`：按最小–最大值或原值赋分的指标，其最不利值是 range 的上限".into(),
            },
            Msg::ZonalNeedsRadius => "点或线对象的分区统计需要 `radius_m`（以缓冲区为统计范围）".into(),
            Msg::Rule(r) => match r {
                RuleMistake::FactorsEmpty => "[control] factors 为空".into(),
                RuleMistake::FactorNotPositive { key, value } => format!("[control] “{key}”的管控系数应为正数，实为 {value}"),
                RuleMistake::NoFactors => "[control] 需要 `factors = { … }` 或 `direct = true`（字段值即系数）".into(),
                RuleMistake::MissingZero => "[control] missing = \"zero\" 会使现实风险为 0；请用 \"worst\"（最大系数）、一个系数、\"reject\" 或 \"error\"".into(),
                RuleMistake::WorstWithoutTable => "[control] missing = \"worst\" 需要 factors 表；direct = true 时请直接给出系数，如 missing = 1.5".into(),
                RuleMistake::MissingNotPositive { value } => format!("[control] missing = {value}：管控系数应为正数"),
                RuleMistake::Compares { condition, indicator, numeric: false } => {
                    format!("[[veto]]：“{condition}”将分类指标“{indicator}”与数值比较；请与加引号的类别比较")
                }
                RuleMistake::Compares { condition, indicator, numeric: true } => format!("[[veto]]：“{condition}”将数值指标“{indicator}”与文本比较；请与数值比较"),
                RuleMistake::Level { value } => format!("[[veto]]：level 应为 1、2、3 或 4，实为 {value}"),
                RuleMistake::ReasonEmpty => "[[veto]]：reason 为空；否决理由会写在适用该规则的每个对象上".into(),
            },
            Msg::Method(m) => match m {
                MethodMistake::NeedsTable { method: "lec" } => "method = \"lec\" 需要含 l、e、c 的 [lec] 表".into(),
                MethodMistake::NeedsTable { method } => format!("method = \"{method}\" 需要 [{method}] 表"),
                MethodMistake::WeightsMeaningless { method } => format!("method = \"{method}\" 不使用权重；请删除各指标的 weight"),
                MethodMistake::NeedsWeights => "weighted_index 需要各指标的 `weight`，或 [ahp] 判断矩阵".into(),
                MethodMistake::WeightsSum { total, weights } => format!("指标权重之和应为 1，实为 {total:.4}（{}）", list(weights)),
                MethodMistake::StraySection { section, method } => format!("{section} 不适用于 method = \"{method}\""),
            },
            Msg::Aggregate { line, mistake } => match mistake {
                AggregateMistake::WeightedMeanWithoutWeight => format!("第 {line} 行 [aggregate]：weighted_mean 需要 `weight_by`（指标键或数值字段）"),
                AggregateMistake::DensityLayerNotInput { layer } => format!("第 {line} 行 [aggregate]：density_of = '{layer}' 未列在 [inputs] 中"),
                AggregateMistake::DensityIncomplete => format!(
                    "第 {line} 行 [aggregate]：density 需要 `density_of`（线图层）和 `density_levels = {{ red = …, orange = …, yellow = … }}`（每公里对象数）"
                ),
                AggregateMistake::DensityNotLine { layer } => format!("第 {line} 行 [aggregate]：density_of = “{layer}”应为本次运行的线图层"),
                AggregateMistake::WeightByCategorical { key } => format!("第 {line} 行 [aggregate]：weight_by = “{key}”是类别指标；应为数值"),
                AggregateMistake::WeightByUnknown { key, layer } => {
                    format!("第 {line} 行 [aggregate]：weight_by = “{key}”既不是指标 key，也不是图层“{layer}”的字段")
                }
                AggregateMistake::DensityUnused => format!("第 {line} 行 [aggregate]：density_of 和 density_levels 只用于 grid 或 admin = \"density\""),
            },
            Msg::NoLayerEntry { name } => format!("运行配置中没有 [layers.{name}]"),
            Msg::WorkingCrsUnknown { crs, detail } => format!("working_crs = \"{crs}\"：无法识别的坐标系（{detail}）"),
            Msg::WorkingCrsNotMetres { crs } => format!("working_crs = \"{crs}\"：应为以米为单位的投影坐标系，如 EPSG:4549（CGCS2000 / 3 度带高斯-克吕格 中央经线 120°E）"),
            Msg::RasterNoCrs => "栅格未声明坐标系；请在其 [layers.*] 中加入如 crs = \"EPSG:4549\"".into(),
            Msg::RasterRotated => "不支持带旋转的栅格；请先用 gdalwarp 将其转为正北朝上".into(),
            Msg::LayerEmpty => "图层没有要素".into(),
            Msg::NoUsableFeatures => "图层没有可用的要素".into(),
            Msg::FidFieldOnTable => "fid_field 不适用于表格：表格的行按 Excel 行号（CSV 的行）编号".into(),
            Msg::AttributeTable { detail } => format!("无法建立属性表：{detail}"),
            Msg::InMemory { what, detail } => {
                let what = match what.as_str() {
                    "text" => "文本",
                    "header" => "文件头",
                    other => other,
                };
                format!("无法在内存中保存其{what}：{detail}")
            }
            Msg::ErrorLabel => "错误：".into(),
            Msg::LoadRejects => "加载时剔除了部分要素（--keep-going），见 rejects.csv".into(),
            Msg::More(n) => format!("（另有 {n} 个要素）"),
            Msg::DiskFull { file, free_mb, needs_mb, basis } => {
                let file = file.as_ref().map(|f| format!("写入 {} 时", f.display())).unwrap_or_default();
                let free = free_mb.map(|f| format!("，剩余 {f:.1} MB")).unwrap_or_default();
                let needs = match basis {
                    SizeBasis::Previous => format!("本次运行约写入 {needs_mb:.1} MB（即将替换的原输出大小）"),
                    SizeBasis::OtherYear(y) => format!("本次运行约写入 {needs_mb:.1} MB（{y} 年输出的大小）"),
                    SizeBasis::Partial => format!("本次运行写入量超过已写入的 {needs_mb:.1} MB"),
                };
                format!("{file}磁盘已满（或超出配额）{free}；{needs}，替换前与原输出并存；请清理空间或用 --out 写到别处；未改动任何已有输出")
            }
        }
    }
}

impl ModelMistake {
    pub(super) fn zh(&self) -> String {
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
                let axis = if *axis == "likelihood" { "可能性" } else { "严重性" };
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
    pub(super) fn zh(&self) -> String {
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
            ConfigMistake::CannotReadFolder { detail } => format!("无法读取该目录：{detail}"),
            ConfigMistake::NoModel { id, ids } => format!("没有 id 或 key 为“{id}”的模型；现有：{}", list(ids)),
            ConfigMistake::StreetsNotPolygons { layer } => format!("admin_units.layer “{layer}”应为面矢量图层"),
            ConfigMistake::ComprehensiveNotVector { layer } => format!("comprehensive：图层“{layer}”应为矢量图层（设施点或居住人口点）"),
            ConfigMistake::WeightsMissing { kind, id } => {
                format!("comprehensive（{kind}）：weights 没有 {id} 的权重；请为每个领域给出权重（0 表示不计入综合等级）")
            }
        }
    }
}

impl OutputTrouble {
    pub(super) fn zh(&self) -> String {
        match self {
            OutputTrouble::NoFolderName => "输出路径应为一个目录名".into(),
            OutputTrouble::CannotCreate { detail } => format!("无法创建：{detail}"),
            OutputTrouble::Locked { pid, lock } => format!("另一个 sise 运行（进程 {pid}）正在写入该目录；锁文件 {}", lock.display()),
            OutputTrouble::CannotLock { detail } => format!("无法创建锁文件：{detail}"),
            OutputTrouble::LockTaken => "无法获得锁".into(),
            OutputTrouble::MoveAside { detail } => format!("无法移开原有输出：{detail}"),
            OutputTrouble::MoveIntoPlace { detail } => format!("无法将新输出移入位置：{detail}"),
            OutputTrouble::RemoveOld { detail } => format!("无法删除原有输出：{detail}"),
            OutputTrouble::NoDriver { driver, detail } => format!("GDAL 没有 {driver} 驱动：{detail}"),
            OutputTrouble::Reopen { detail } => format!("无法重新打开：{detail}"),
            OutputTrouble::Close { detail } => format!("关闭时出错：{detail}"),
            OutputTrouble::Layer { name, detail } => format!("图层“{name}”：{detail}"),
            OutputTrouble::Styles { detail } => format!("layer_styles 样式表：{detail}"),
            OutputTrouble::Crs { crs, detail } => format!("坐标系 {crs}：{detail}"),
            OutputTrouble::EncodeGeometry { detail } => format!("无法编码几何：{detail}"),
            OutputTrouble::EmptyGeometry { id } => format!("对象 {id} 的几何为空"),
            OutputTrouble::MapImage => "无法分配地图图像内存".into(),
            OutputTrouble::ChartSize => "图表尺寸无效".into(),
            OutputTrouble::FidFieldTaken { layer, field } => format!("图层“{layer}”已有名为 {field} 的字段，而 prepare-inputs 要用它保存要素编号"),
            OutputTrouble::NotOutputFolder { detail } => format!("不是 sise 输出目录（没有 manifest.json）：{detail}"),
            OutputTrouble::UnreadableManifest { detail } => format!("无法读取 manifest（可能由其他版本的 sise 写出）：{detail}"),
            OutputTrouble::CannotHash { detail } => format!("无法读取以计算哈希：{detail}"),
            OutputTrouble::UnitUnreadable { detail } => format!("无法读取工作单元的输出：{detail}；请重新运行该单元"),
            OutputTrouble::UnitColumns { detail } => format!("无法读取工作单元的输出：其列与其他单元不同（{detail}）；请重新运行该单元"),
            OutputTrouble::NoUnitOutput => "没有可合并的工作单元输出".into(),
            OutputTrouble::UnitOutputs { detail } => format!("工作单元输出：{detail}"),
            OutputTrouble::ScoredTwice { fid } => format!("要素 {fid} 被两个工作单元评分：它们是否用了不同的分块方案？"),
            OutputTrouble::DocxPart { part: "word/styles.xml" } => "其中没有 word/styles.xml；请用 Word 或 LibreOffice 另存为 .docx".into(),
            OutputTrouble::DocxPart { part } => format!("其中没有 {part}"),
            OutputTrouble::BrowserStart { browser, detail } => format!("无法启动 {browser}：{detail}"),
            OutputTrouble::BrowserFailed { browser, status } => format!("{browser} 未能打印报告（{status}）"),
            OutputTrouble::MapImages => "地图图片".into(),
            OutputTrouble::PdfReports => "PDF 报告".into(),
            OutputTrouble::NoCjkFont { looked } => {
                format!("找不到可书写中文地图文字的 CJK 字体（查找了 {}）；请安装，如 apt-get install fonts-noto-cjk", looked.join("、"))
            }
            OutputTrouble::NotAWorkbookDate { detail } => format!("不是工作簿可用的日期：{detail}"),
            OutputTrouble::GdalDate { detail } => format!("无法设置 OGR_CURRENT_DATE：{detail}"),
            OutputTrouble::NoChromium => "需要无界面 Chromium；请安装（apt-get install chromium），或不加 --pdf 运行".into(),
            OutputTrouble::NotATime { value } => format!("“{value}”不是时间：请给出自 1970-01-01 UTC 起的整秒数（如 `date +%s`），或取消该变量"),
        }
    }
}

impl PlanMistake {
    pub(super) fn zh(&self) -> String {
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

/// The forms a year is written in, as messages suggest them.
const YEAR_FORMS: &str = "2014, 2014.05, 2014年5月, 2014-05-01";
/// The forms a coordinate is written in.
const COORDINATE_FORMS: &str = "121.347, 121°20′49.09″E";

impl NotANumber {
    pub(super) fn zh(&self) -> String {
        match self {
            NotANumber::NotFinite => "不是有限数值".into(),
            NotANumber::Approximate => "是估计值，请填写确切数值".into(),
            NotANumber::AmbiguousComma => "逗号不是千分位分隔符（若为小数点，请写 1.5 而非 1,5）".into(),
            NotANumber::Unit { found, declared } if declared.is_empty() => format!("带有单位“{found}”，但模型未规定该值的单位；请只填数字"),
            NotANumber::Unit { found, declared } => format!("单位“{found}”不是模型规定的单位（{}）；请换算后只填数字", declared.join("或")),
            NotANumber::Text => "不是数值".into(),
        }
    }
}

impl NotAYear {
    pub(super) fn zh(&self) -> String {
        match self {
            NotAYear::ExcelSerial { serial, date } => format!("是电子表格日期序号（{serial} 即 {date}）；请将该列设为日期格式，或直接填写年份"),
            NotAYear::OutOfRange { year, earliest, latest } => format!("年份 {year} 不在 {earliest}～{latest}（评估年份）之间；请更正"),
            NotAYear::BadMonth { month } => format!("月份 {month} 不存在；请写作 {YEAR_FORMS}"),
            NotAYear::Text => format!("不是年份；请写作 {YEAR_FORMS}"),
        }
    }
}

impl NotACoordinate {
    pub(super) fn zh(&self) -> String {
        match self {
            NotACoordinate::DmsInProjected => "是度分秒，但图层坐标系以米为单位；请将 crs 设为坐标所用的地理坐标系（如 crs = \"EPSG:4490\"）".into(),
            NotACoordinate::Sixty { part, value } => format!("超出范围：{}为 {value}，不小于 60；请更正", if *part == "minutes" { "分" } else { "秒" }),
            NotACoordinate::Text => format!("不是坐标；请写作十进制度或度分秒（{COORDINATE_FORMS}）"),
        }
    }
}

impl CrsError {
    pub(super) fn zh(&self) -> String {
        match self {
            CrsError::NoTransform { from, to, detail } => format!("PROJ 无法从 {} 转换到 {to}：{detail}", short(from)),
            CrsError::Point { x, y, detail } => format!("无法转换坐标 ({x}, {y})：{detail}"),
            CrsError::NoPosition { x, y } => format!("({x}, {y}) 在目标坐标系中没有位置（超出其适用范围？）"),
        }
    }
}

impl PublishTrouble {
    pub(super) fn zh(&self) -> String {
        match self {
            PublishTrouble::NameTooLong { what, name } => {
                let what = match *what {
                    "schema" => "模式",
                    "layer" => "图层",
                    "field" | "column" => "字段",
                    "geometry column" => "几何字段",
                    "table" => "表",
                    other => other,
                };
                format!("{what}“{name}”不能作为数据库名称（须为 1–63 字节），请缩短模型中的键名")
            }
            PublishTrouble::NotInManifest => "不在 manifest.json 列出的输出中；只能发布 sise run 完整写出的输出文件夹".into(),
            PublishTrouble::ChangedAfterRun => "在运行之后被改动（SHA-256 与 manifest.json 不符）；请重新运行 sise run 后发布".into(),
            PublishTrouble::NoPostgis => "该数据库未安装 PostGIS；请数据库所有者执行一次：CREATE EXTENSION postgis;".into(),
            PublishTrouble::ColumnType { name, sql_type, was, table } => {
                format!("字段“{name}”在本次输出中为 {sql_type}，而在此前年度发布的 {table} 中为 {was}；请修改模型键名或发布到另一模式（schema）")
            }
            PublishTrouble::KeyName { name } => format!("字段“{name}”与数据库的行键同名"),
            PublishTrouble::CopyStopped => "数据复制中断".into(),
            PublishTrouble::CannotConnect { why } => {
                format!("无法连接：{why}（sise 通过 libpq 连接：可用 pg_service.conf 中的服务名、~/.pgpass 或 PGPASSFILE，以及 PGHOST/PGPORT/PGUSER/PGDATABASE，与 psql 相同）")
            }
            PublishTrouble::CannotOpenGpkg { detail } => format!("无法打开 GeoPackage：{detail}"),
            PublishTrouble::CannotReadGpkg { detail } => format!("无法读取 GeoPackage：{detail}"),
            PublishTrouble::NoEpsg => "图层坐标系没有 EPSG 编号，PostGIS 需要（请将运行配置的 working_crs 设为 EPSG 编号）".into(),
            PublishTrouble::FieldHolds { fid, field, declared, holds } => {
                let holds = match *holds {
                    "an integer" => "整数",
                    "a decimal number" => "小数",
                    "text" => "文本",
                    "a boolean" => "布尔值",
                    "binary data" => "二进制数据",
                    other => other,
                };
                format!("要素 {fid}：字段“{field}”声明为 {declared}，但其值为{holds}")
            }
            PublishTrouble::NotUtf8 { fid, field } => format!("要素 {fid}：字段“{field}”不是 UTF-8 编码"),
            PublishTrouble::NotGpkgGeometry { fid } => format!("要素 {fid}：不是 GeoPackage 几何"),
            PublishTrouble::GeometryNotBlob { fid } => format!("要素 {fid}：几何不是二进制块"),
            PublishTrouble::Geometry { fid, why } => format!("要素 {fid}：{why}"),
            PublishTrouble::CannotReadTable { detail } => format!("无法读取该表：{detail}"),
            PublishTrouble::SummaryColumns { found, expected } => format!("列为 {}，而 sise 写出的是 {}；是否被改动过？", found.join(","), expected.join(",")),
            PublishTrouble::NotACount { line, column, value } => format!("第 {line} 行：{column}“{value}”不是计数"),
        }
    }
}
