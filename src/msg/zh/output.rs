//! Values that cannot be read, what stops outputs and publishing, and
//! warnings, in Chinese.

use super::super::values::{COORDINATE_FORMS, YEAR_FORMS};
use super::super::*;

impl NotANumber {
    pub(in crate::msg) fn zh(&self) -> String {
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
    pub(in crate::msg) fn zh(&self) -> String {
        match self {
            NotAYear::ExcelSerial { serial, date } => format!("是电子表格日期序号（{serial} 即 {date}）；请将该列设为日期格式，或直接填写年份"),
            NotAYear::OutOfRange { year, earliest, latest } => format!("年份 {year} 不在 {earliest}～{latest}（评估年份）之间；请更正"),
            NotAYear::BadMonth { month } => format!("月份 {month} 不存在；请写作 {YEAR_FORMS}"),
            NotAYear::Text => format!("不是年份；请写作 {YEAR_FORMS}"),
        }
    }
}

impl NotACoordinate {
    pub(in crate::msg) fn zh(&self) -> String {
        match self {
            NotACoordinate::DmsInProjected => "是度分秒，但图层坐标系以米为单位；请将 crs 设为坐标所用的地理坐标系（如 crs = \"EPSG:4490\"）".into(),
            NotACoordinate::Sixty { part, value } => {
                let part = match part {
                    DmsPart::Minutes => "分",
                    DmsPart::Seconds => "秒",
                };
                format!("超出范围：{part}为 {value}，不小于 60；请更正")
            }
            NotACoordinate::Text => format!("不是坐标；请写作十进制度或度分秒（{COORDINATE_FORMS}）"),
        }
    }
}

impl CrsError {
    pub(in crate::msg) fn zh(&self) -> String {
        match self {
            CrsError::NoTransform { from, to, detail } => format!("PROJ 无法从 {} 转换到 {to}：{detail}", short(from)),
            CrsError::Point { x, y, detail } => format!("无法转换坐标 ({x}, {y})：{detail}"),
            CrsError::NoPosition { x, y } => format!("({x}, {y}) 在目标坐标系中没有位置（超出其适用范围？）"),
        }
    }
}

impl OutputTrouble {
    pub(in crate::msg) fn zh(&self) -> String {
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
            OutputTrouble::Rows { from, to, detail } => format!("第 {from} 至 {to} 行：{detail}"),
            OutputTrouble::RowField { row, field, detail } => format!("第 {row} 行字段“{field}”：{detail}"),
            OutputTrouble::RowGeometry { row, detail } => format!("第 {row} 行几何：{detail}"),
            OutputTrouble::Row { row, detail } => format!("第 {row} 行：{detail}"),
            OutputTrouble::SpatialIndex { detail } => format!("空间索引：{detail}"),
            OutputTrouble::Commit { detail } => format!("提交事务：{detail}"),
            OutputTrouble::Map { raster: false, detail } => format!("地图 SVG：{detail}"),
            OutputTrouble::Map { raster: true, detail } => format!("地图栅格图层：{detail}"),
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

impl PublishTrouble {
    pub(in crate::msg) fn zh(&self) -> String {
        match self {
            PublishTrouble::NameTooLong { what, name } => {
                let what = match what {
                    DbName::Schema => "模式",
                    DbName::Table => "表",
                    DbName::Layer => "图层",
                    DbName::Field | DbName::Column => "字段",
                    DbName::GeometryColumn => "几何字段",
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
            PublishTrouble::FieldHolds { fid, field, declared, holds } => format!("要素 {fid}：字段“{field}”声明为 {declared}，但其值为{}", holds.words()),
            PublishTrouble::NotUtf8 { fid, field } => format!("要素 {fid}：字段“{field}”不是 UTF-8 编码"),
            PublishTrouble::NotGpkgGeometry { fid } => format!("要素 {fid}：不是 GeoPackage 几何"),
            PublishTrouble::GeometryNotBlob { fid } => format!("要素 {fid}：几何不是二进制块"),
            PublishTrouble::ShortGeometry { fid } => format!("要素 {fid}：几何短于 WKB 头"),
            PublishTrouble::CannotReadTable { detail } => format!("无法读取该表：{detail}"),
            PublishTrouble::SummaryColumns { found, expected } => format!("列为 {}，而 sise 写出的是 {}；是否被改动过？", found.join(","), expected.join(",")),
            PublishTrouble::NotACount { line, column, value } => format!("第 {line} 行：{column}“{value}”不是计数"),
        }
    }
}

impl Warning {
    pub(in crate::msg) fn zh(&self) -> String {
        match self {
            Warning::Repaired => "已用 MakeValid 修复一个无效的面".into(),
            Warning::LeftoverRemoved { path } => format!("删除中断的运行留下的 {}", path.display()),
            Warning::Restoring { path } => format!("从 {} 恢复原有输出", path.display()),
            Warning::StaleLock { path } => format!("删除已不存在的运行留下的过期锁 {}", path.display()),
            Warning::UnitsFindReach { detail } => format!("各工作单元将自行确定其对象的影响范围：{detail}"),
            Warning::StylesNotStored { detail } => {
                format!("未能保存图层的 QGIS 样式（{detail}）；数据库管理员可创建 public.layer_styles 并授予 INSERT、UPDATE、DELETE 权限（见 README）")
            }
        }
    }
}

impl Done {
    pub(in crate::msg) fn zh(&self) -> String {
        match self {
            Done::AlreadyPublished { cycle, year, target, schema } => format!("{cycle} {year} 的这些输出已在 {target} 的模式 {schema} 中；未作改动"),
            Done::Published { cycle, year, tables, rows, schema } => format!("{cycle} {year} 已发布：{tables} 张表、{rows} 行，写入模式 {schema}"),
            Done::Unchanged { out } => format!("自上次运行以来没有变化；保留 {} 中的输出", out.display()),
            Done::Prepared { layers, features, config } => format!("已准备 {layers} 个矢量图层（{features} 个要素）；请用 {} 运行", config.display()),
            Done::PlanWritten { units, tile_m, halo_m, reach_of, reach_m, out } => format!(
                "{units} 个 {} × {} 米的单元，缓冲带 {halo_m} 米（{reach_of} 查找 {reach_m} 米以内）；方案已写入 {}",
                tile_m[0],
                tile_m[1],
                out.display()
            ),
            Done::NoThreads { n, detail } => format!("无法启动 {n} 个线程：{detail}"),
            Done::Bug { info } => format!("内部错误（sise 的缺陷；请连同本信息和日志报告）：{info}"),
        }
    }
}
