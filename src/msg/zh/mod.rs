//! The messages in Chinese.

use super::*;

mod mistakes;
mod output;

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
            Msg::MixedKinds { this, earlier } => format!("该要素是{}，但前面的要素是{}；一个图层只能有一种几何类型", this.one(), earlier.one()),
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
            Msg::NotANumber { field, text, why, or_keep_going } => format!("{field}应为数值，实为“{text}”：{why}；请在文件中更正{}", keep_going(*or_keep_going)),
            Msg::NotAYear { field, text, why, or_keep_going } => format!("{field}应为年份，实为“{text}”：{why}；请在文件中更正{}", keep_going(*or_keep_going)),
            Msg::NotFinite { field, value, or_keep_going } => format!("{field}的值为 {value}，不是有效数值；请在文件中更正{}", keep_going(*or_keep_going)),
            Msg::FieldEmpty { field, or_keep_going } => format!("{field}为空；请补填{}", keep_going(*or_keep_going)),
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
                format!("几何类型不符：模型 {model}（{file}）评估{}对象，但该图层是{}图层", needs.one(), has.one())
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
            Msg::RasterUnreadable { what, detail } => format!("无法读取栅格的{}：{detail}", what.words()),
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
                AggregateMistake::DensityUnused => format!("第 {line} 行 [aggregate]：density_of 和 density_levels 只用于 grid 或 streets = \"density\""),
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
            Msg::InMemory { what, detail } => format!("无法在内存中保存其{}：{detail}", what.words()),
            Msg::ErrorLabel => "错误：".into(),
            Msg::LoadRejects => "加载时剔除了部分要素（--keep-going），见 rejects.csv".into(),
            Msg::NotCsv { line, detail } => {
                let at = line.map(|l| format!("第 {l} 行：")).unwrap_or_default();
                format!("无法打开：不是可读取的 CSV 文件，或文件已损坏（{at}{detail}）")
            }
            Msg::CrsUnreadable { detail } => format!("无法读取其坐标系：{detail}"),
            Msg::NoFeatureLeft { domain } => format!("剔除问题要素后，{domain} 已没有可评估的要素"),
            Msg::GeometryCollection => "不支持几何集合（GeometryCollection）".into(),
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

/// The end of a refusal of one feature's value: that --keep-going would leave it out.
fn keep_going(say: bool) -> &'static str {
    if say {
        "，或加 --keep-going 运行以剔除该要素"
    } else {
        ""
    }
}
