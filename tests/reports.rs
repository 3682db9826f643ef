//! Reports: self-contained HTML from the templates in reports/, and PDFs
//! (headless Chromium) whose text pdftotext reads back.

use crate::common::*;

fn pdftotext(pdf: &std::path::Path) -> String {
    let o = std::process::Command::new("pdftotext").arg(pdf).arg("-").output().expect("pdftotext (poppler-utils)");
    assert!(o.status.success());
    String::from_utf8_lossy(&o.stdout).into_owned()
}

#[test]
fn pdf_reports_carry_the_domains_headings_and_the_comparison() {
    let tmp = tempfile::tempdir().unwrap();
    let root = tmp.path().join("out");
    let o = sise(&["run", repo().join("tests/fixtures/handmade/assessment.toml").to_str().unwrap(), "--out", root.to_str().unwrap()]);
    assert!(o.status.success(), "{}", stderr(&o));
    let o = sise(&["run", repo().join("tests/fixtures/handmade-2025/assessment.toml").to_str().unwrap(), "--out", root.to_str().unwrap(), "--pdf"]);
    assert!(o.status.success(), "{}", stderr(&o));
    let reports = root.join("2024-2026/2025/reports");

    let domain = pdftotext(&reports.join("T01_sites.pdf"));
    for heading in [
        "测试区2025年测试场所专项风险评估报告",
        "一、评估范围与数据来源",
        "二、评估方法与模型参数",
        "三、评估结果",
        "四、重点风险清单",
        "五、管控措施建议",
        "六、与上一年度比较",
    ] {
        assert!(domain.contains(heading), "'{heading}' not in the T01 report:\n{domain}");
    }
    // Model parameters copied from the model actually used, and last year's comparison (see tests/cycle.rs).
    // (Table cells wrap, and pdftotext may read a cell's last line after its neighbours'.)
    assert!(domain.contains("250 米范围内 people 的 population") && domain.contains("合计") && domain.contains("测试否决"), "{domain}");
    assert!(domain.contains("风险上升 1 个，风险下降 2 个，新增 1 个，撤销 1 个"), "{domain}");

    let comprehensive = pdftotext(&reports.join("comprehensive.pdf"));
    for needle in ["测试区2025年城市安全风险综合评估报告", "T01 测试场所", "T02 测试管线", "T03 测试积水", "甲街道", "六、年度动态变化", "附录"]
    {
        assert!(comprehensive.contains(needle), "'{needle}' not in the comprehensive report:\n{comprehensive}");
    }
    let pages = std::process::Command::new("pdfinfo").arg(reports.join("T01_sites.pdf")).output().unwrap();
    let pages = String::from_utf8_lossy(&pages.stdout);
    let n: u32 = pages.lines().find(|l| l.starts_with("Pages:")).unwrap().split_whitespace().nth(1).unwrap().parse().unwrap();
    assert!((2..=6).contains(&n), "{n} pages");

    // The HTML is self-contained: the map is embedded, not linked.
    let html = std::fs::read_to_string(reports.join("T01_sites.html")).unwrap();
    assert!(html.contains("data:image/png;base64,") && !html.contains("src=\"../maps"));
    // The baseline year's reports say there is nothing to compare with.
    let base = std::fs::read_to_string(root.join("2024-2026/2024/reports/comprehensive.html")).unwrap();
    assert!(base.contains("本年度为评估周期基准年"));
}
